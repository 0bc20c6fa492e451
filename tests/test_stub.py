"""The .pyi stubs of the compiled module list everything it exports (regenerate them with
`pybind11-stubgen aipower._kernel -o src` after changing the bindings)."""

import ast
import inspect
from importlib import resources

import pytest

from aipower import _kernel

SUBMODULES = [name for name, obj in vars(_kernel).items() if inspect.ismodule(obj)]


def stub_names(name: str) -> set[str]:
    text = resources.files("aipower").joinpath("_kernel", f"{name}.pyi").read_text(encoding="utf-8")
    tree = ast.parse(text)
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("submodule", SUBMODULES)
def test_stub_lists_every_export(submodule):
    module = getattr(_kernel, submodule)
    exported = {n for n, obj in vars(module).items() if not n.startswith("_") and (callable(obj) or inspect.isclass(obj))}
    assert exported <= stub_names(submodule), exported - stub_names(submodule)


def test_top_level_stub():
    assert "build_info" in stub_names("__init__")
    assert set(SUBMODULES) >= {"units", "series", "china"}
