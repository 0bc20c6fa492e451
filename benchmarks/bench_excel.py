"""Benchmark (not a test): a full recalculation of the balance template through the function layer,
and `aipower regenerate` of every template, with the files' sizes.

    python benchmarks/bench_excel.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from aipower import recalc, workbooks, xlfunctions


def _timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        xlfunctions.clear_cache()
        t = time.perf_counter()
        paths = workbooks.regenerate(tmp / "cold", overwrite=True)
        cold = time.perf_counter() - t
        warm = _timed(lambda: workbooks.regenerate(tmp / "warm", overwrite=True), args.repeat)
        print(f"aipower regenerate, {len(paths)} templates: cold {cold:.2f} s (empty scenario cache), "
              f"warm median {statistics.median(warm):.2f} s")
        for path in paths:
            print(f"  {path.name:24s} {path.stat().st_size / 1024:8.1f} KiB")
        balance = tmp / "cold" / "china_balance.xlsx"

        def full_recalc(cold_cache: bool) -> None:
            if cold_cache:
                xlfunctions.clear_cache()
            recalc.recalc_file(balance, tmp / "recalc.xlsx", overwrite=True)

        book = recalc.load_book(balance)
        n = book.calculate()
        cells = len(book.array_cells()) + n
        cold_times = _timed(lambda: full_recalc(True), args.repeat)
        warm_times = _timed(lambda: full_recalc(False), args.repeat)
        print(f"recalc china_balance.xlsx ({n} formulas filling {cells} cells, {balance.stat().st_size / 1024:.1f} KiB): "
              f"median {statistics.median(cold_times):.2f} s with a cold scenario cache, "
              f"{statistics.median(warm_times):.2f} s warm")
        xlfunctions.clear_cache()
        t = time.perf_counter()
        book = recalc.load_book(balance)
        load = time.perf_counter() - t
        t = time.perf_counter()
        book.calculate()
        calc = time.perf_counter() - t
        print(f"  of which: read the workbook {load:.2f} s, evaluate every formula {calc:.2f} s")


if __name__ == "__main__":
    main()
