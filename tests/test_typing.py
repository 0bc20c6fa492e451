"""The package is typed (it ships py.typed): a type checker sees each calculator's own arguments.

The calculators are wrapped by `_calc.checked`; typed as returning Any, the wrapper hid every
signature, so a misspelt keyword passed a type check and failed only when run.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import aipower

pytest.importorskip("mypy")


def _mypy(tmp_path: Path, code: str) -> tuple[str, int]:
    """mypy on a user's script, in its own process: in this one it raises the recursion limit for
    every later test (a JSON nesting 3,000 deep then parsed instead of being refused)."""
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    package_root = Path(aipower.__file__).resolve().parent.parent
    env = dict(os.environ)
    if "site-packages" not in package_root.parts:  # an editable install is found through its source folder
        env["MYPYPATH"] = str(package_root)
    done = subprocess.run([sys.executable, "-m", "mypy", str(script), "--follow-imports=silent",
                           "--ignore-missing-imports", "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"],
                          capture_output=True, text=True, env=env, check=False)
    return done.stdout + done.stderr, done.returncode


def test_calculator_signatures_are_visible_to_a_type_checker(tmp_path):
    out, status = _mypy(tmp_path, """
        from aipower import dc_power, token_cost, sweep
        dc_power.method1(capex_yi_rmb=1000, capex_per_watt_rmb=120, twh_per_gw_year=4.4)
        dc_power.method1(capex=1000)
        token_cost.cost_per_million_tokens(pue="x")
        sweep.tornado("ai_ranges", year=2030)
    """)
    lines = [line for line in out.splitlines() if "error:" in line]
    assert status == 1, out
    assert any(':4: error: Unexpected keyword argument "capex" for "method1"' in line for line in lines), out
    assert any(':5: error: Missing named argument "it_power_kw"' in line for line in lines), out
    assert not [line for line in lines if ":3:" in line or ":6:" in line], out  # the right calls pass


def test_numpy_arrays_and_integers_pass_where_the_functions_take_them(tmp_path):
    # Sequence[float] refused an ndarray, and `years: int` an np.int64, though both work when run
    out, status = _mypy(tmp_path, """
        import numpy as np
        from aipower import dc_power, global_dc, onsite_power, rack_power, us_gap
        a = np.array([1.0, 2.0])
        dc_power.compute_route_twh(eflops=a, twh_per_eflops=(1.0, 2.0))
        dc_power.interpolate_geometric(anchor_years=np.array([2024, 2028]), anchor_values=a, years=[2030])
        dc_power.capex_driven_path(start_twh=1.0, capex_yi_rmb=a, capex_per_watt_rmb=1.0, twh_per_gw_year=1.0,
                                   first_year_fraction=0.5)
        dc_power.intensity_path(start=1.0, annual_change=0.1, n=np.array(3))
        us_gap.firm_equivalent_gw(nameplate_gw=a, capacity_factor=a)
        us_gap.cumulative_gap(gap_gw_per_year=1.0, years=np.int64(5))
        rack_power.chain_efficiency(stage_efficiencies=a)
        global_dc.project(start_twh=a, growth_to_end=a, world_start_twh=1.0, world_end_twh=2.0, years=np.int64(6))
        onsite_power.lifetime_cost(capex=1.0, opex_per_year=1.0, years=np.int64(5))
        global_dc.cagr_path(start=1.0, end=2.0, years=2.5)
        us_gap.firm_equivalent_gw(nameplate_gw="ab", capacity_factor=a)
    """)
    lines = [line for line in out.splitlines() if "error:" in line]
    assert status == 1, out
    assert any(':15: error: Argument "years" to "cagr_path" has incompatible type "float"' in line for line in lines), out
    assert any(':16: error: Argument "nameplate_gw" to "firm_equivalent_gw" has incompatible type "str"' in line
               for line in lines), out
    assert all(":15:" in line or ":16:" in line for line in lines), out  # the numpy arguments pass


def test_misspelt_names_after_import_aipower_are_errors_to_a_type_checker(tmp_path):
    # the lazy module __getattr__ (-> Any) took any name: aipower.rnu and a wrong keyword passed
    out, status = _mypy(tmp_path, """
        import aipower
        aipower.rnu("base")
        aipower.sweep.run("ai_ranges", sample=10)
        version: int = aipower.__version__
        aipower.sweep.run("ai_ranges", samples=10)
        aipower.run("base").hours
    """)
    lines = [line for line in out.splitlines() if "error:" in line]
    assert status == 1, out
    assert any(':3: error: Module has no attribute "rnu"' in line for line in lines), out
    assert any(':4: error: Unexpected keyword argument "sample" for "run"' in line for line in lines), out
    assert any(":5: error: Incompatible types in assignment" in line for line in lines), out
    assert len(lines) == 3, out  # the right calls pass


@pytest.mark.parametrize("python", ["3.10", f"{sys.version_info[0]}.{sys.version_info[1]}"])
def test_the_package_itself_passes_a_type_check(tmp_path, python):
    # a wrong annotation (a writer typed -> None returning int, a list parameter defaulting to ()) made
    # mypy, and so stubtest, refuse the package; on 3.10 a call that 3.10's typeshed does not allow
    # the source tree (with its kernel stubs): mypy on an installed copy reads site-packages as the user's code
    package = Path(__file__).resolve().parent.parent / "src" / "aipower"
    done = subprocess.run([sys.executable, "-m", "mypy", str(package), "--ignore-missing-imports", "--python-version",
                           python, "--cache-dir", str(tmp_path / "cache"), "--no-error-summary"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_unit_converters_declared_for_type_checkers_are_the_runtime_s(tmp_path):
    # they were Callable[..., Any]: units.gw_to_mw(gww=1.0) passed a type check. The declarations under
    # TYPE_CHECKING must keep the runtime's argument names: every call by them passes, a misspelt one not.
    import inspect

    from aipower import units

    converters = [n for n in units.__all__ if "_to_" in n and n != "to_model_unit"]
    calls = [f"units.{n}({', '.join(f'{p}=1.0' for p in inspect.signature(getattr(units, n)).parameters)})"
             for n in converters]
    out, status = _mypy(tmp_path, "from aipower import units\n" + "\n".join(calls) + "\nunits.gw_to_mw(gww=1.0)\n")
    lines = [line for line in out.splitlines() if "error:" in line]
    assert len(converters) == 12 and status == 1, out
    assert len(lines) == 1 and f":{len(calls) + 2}: error: Unexpected keyword argument \"gww\"" in lines[0], out
