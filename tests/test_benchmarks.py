"""The benchmark scripts still run and their comparisons still agree (on tiny sizes; nothing timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_sweep.py"


def test_bench_sweep_runs_and_its_numpy_model_matches_the_kernel():
    args = ["--samples", "3000", "--loop-samples", "3", "--streaming-samples", "20000", "--repeats", "1"]
    run = subprocess.run([sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    # The plain-numpy model and the Python loop over aipower.run agree with the kernel.
    numpy_diff = float(re.search(r"numpy vs kernel: max relative difference (\S+)", out).group(1))
    loop_diff = float(re.search(r"python loop vs kernel: max relative difference (\S+)", out).group(1))
    assert numpy_diff < 1e-12 and loop_diff < 1e-12, out
    assert "0 of 3,000 scenarios refused" in out
    # Every stage reported: the thread scaling, both bandwidth comparisons and the streaming sweep.
    for line in ("kernel with 1 thread(s)", "outputs written:", "with the outputs hours.coal, demand.total",
                 "streaming sweep of 20,000 scenarios"):
        assert line in out, out


def test_bench_calculators_runs_and_its_two_paths_agree():
    script = BENCH.parent / "bench_calculators.py"
    run = subprocess.run([sys.executable, str(script), "--size", "500", "--repeats", "1"], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count(" identical (") == 5, run.stdout
