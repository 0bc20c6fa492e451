"""The kernel's pow tables are generated: the committed header must be what the generator writes."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_pow_tables_match_their_generator():
    generated = subprocess.run(
        [sys.executable, str(ROOT / "kernel" / "tools" / "gen_power_tables.py")],
        check=True, capture_output=True, text=True,
    ).stdout
    committed = (ROOT / "kernel" / "include" / "aipower" / "fpmath_tables.hpp").read_text()
    assert generated == committed, "run: python kernel/tools/gen_power_tables.py > kernel/include/aipower/fpmath_tables.hpp"
