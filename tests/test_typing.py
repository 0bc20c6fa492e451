"""The package is typed (it ships py.typed): a type checker sees each calculator's own arguments.

The calculators are wrapped by `_calc.checked`; typed as returning Any, the wrapper hid every
signature, so a misspelt keyword passed a type check and failed only when run.
"""

import os
import sys
import textwrap
from pathlib import Path

import pytest

import aipower

mypy_api = pytest.importorskip("mypy.api")


def _mypy(tmp_path: Path, code: str) -> tuple[str, int]:
    script = tmp_path / "user.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    package_root = Path(aipower.__file__).resolve().parent.parent
    env_path = os.environ.get("MYPYPATH")
    try:  # an editable install is found through its source folder; an installed one by itself
        if "site-packages" not in package_root.parts:
            os.environ["MYPYPATH"] = str(package_root)
        out, err, status = mypy_api.run([str(script), "--python-executable", sys.executable, "--follow-imports=silent",
                                         "--ignore-missing-imports", "--cache-dir", str(tmp_path / "cache"),
                                         "--no-error-summary"])
    finally:
        if env_path is None:
            os.environ.pop("MYPYPATH", None)
        else:
            os.environ["MYPYPATH"] = env_path
    return out + err, status


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
