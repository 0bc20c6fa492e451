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
