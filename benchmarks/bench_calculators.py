"""Benchmark: the calculators that return several fields, over 10^6 elements, two ways in one process.

    python benchmarks/bench_calculators.py [--size 1000000] [--repeats 3]

1. array: `_calc.broadcast_call` as the calculators call it, one call of the kernel's array version
   (`_kernel.<area>.<name>_array`: a loop in C++ with the GIL released);
2. per element: the loop broadcast_call was before (`per_element_call` below, kept as it was), calling the
   scalar kernel function once per element from Python.

Both get the same seeded random inputs, and their results are checked to be bit-identical. Prints the
best time of each over --repeats, per element, and the ratio. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import chain
from typing import Any

import numpy as np

from aipower import _calc, _kernel, onsite_power, token_cost
from bench_sweep import best_of  # this script's folder is on sys.path

_CHUNK = 1 << 16


def per_element_call(kernel: Callable[..., Mapping[str, Any]], fields: Sequence[str], **kwargs: Any) -> dict[str, Any]:
    """The former broadcast_call: the scalar kernel once per element, its arguments positionally in the
    order of the keyword arguments, in chunks of _CHUNK elements converted to Python floats."""
    names = list(kwargs)
    given = [np.asarray(kwargs[n], dtype=float) for n in names]
    arrays = np.broadcast_arrays(*given)
    shape = arrays[0].shape
    if shape == ():
        return dict(kernel(*(float(a) for a in arrays)))
    size = arrays[0].size
    if size == 0:
        return {field: np.empty(shape) for field in fields}
    keys = list(kernel(*(float(a.flat[0]) for a in arrays)))
    table = np.empty((size, len(keys)))
    for start in range(0, size, _CHUNK):
        stop = min(start + _CHUNK, size)
        columns = [a.flat[start:stop].tolist() for a in arrays]
        rows = chain.from_iterable(kernel(*values).values() for values in zip(*columns))
        table[start:stop] = np.fromiter(rows, dtype=float, count=(stop - start) * len(keys)).reshape(-1, len(keys))
    return {key: np.ascontiguousarray(table[:, j]).reshape(shape) for j, key in enumerate(keys)}


YEARS = 5
_tc, _op = _kernel.token_cost, _kernel.onsite_power


def cases(n: int, rng: np.random.Generator) -> list[tuple[str, Callable[..., Any], Callable[..., Any], Sequence[str], dict[str, np.ndarray]]]:
    """(name, array kernel, scalar kernel as the old loop called it, fields, inputs) per calculator."""
    u = rng.uniform
    return [
        ("token_cost.cost_per_million_tokens", _tc.cost_per_million_tokens_array, _tc.cost_per_million_tokens,
         token_cost.COST_FIELDS,
         dict(accelerator_cost_per_hour=u(1, 5, n), it_power_kw=u(0.5, 2, n), pue=u(1.05, 1.5, n),
              electricity_price_per_kwh=u(0.1, 1, n), network_cost_per_hour=u(0, 1, n),
              operations_cost_per_hour=u(0, 1, n), tokens_per_second=u(100, 2000, n))),
        ("token_cost.calibrate_overheads", _tc.calibrate_overheads_array, _tc.calibrate_overheads,
         ("network_per_hour", "operations_per_hour"),
         dict(compute_per_hour=u(1, 5, n), energy_per_hour=u(0, 2, n), network_share=u(0, 0.4, n),
              operations_share=u(0, 0.4, n))),
        ("token_cost.embodied_electricity", _tc.embodied_electricity_array, _tc.embodied_electricity, ("kwh", "value"),
         dict(million_tokens=u(0, 1e6, n), kwh_per_million=u(0, 1, n), electricity_price_per_kwh=u(0, 1, n))),
        ("onsite_power.lifetime_cost", partial(_op.lifetime_cost_array, years=YEARS),
         lambda capex, opex_per_year, discount_rate: _op.lifetime_cost(capex, opex_per_year, YEARS, discount_rate),
         ("capex", "opex", "total"),
         dict(capex=u(0, 1000, n), opex_per_year=u(0, 100, n), discount_rate=u(0, 0.2, n))),
        ("onsite_power.compare", partial(_op.compare_array, years=YEARS),
         lambda capacity, capex_per_mw, opex_per_mw_year, multiple, extra_opex, rate: onsite_power._flatten(
             dict(_op.compare(capacity, capex_per_mw, opex_per_mw_year, multiple, extra_opex, YEARS, rate))),
         onsite_power.COMPARE_FIELDS,
         dict(capacity_mw=u(1, 500, n), turbine_capex_per_mw=u(1, 3, n), turbine_opex_per_mw_year=u(0, 0.2, n),
              alternative_capex_multiple=u(1, 4, n), alternative_extra_opex_per_mw_year=u(0, 0.5, n),
              discount_rate=u(0, 0.2, n))),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10**6, help="elements per call (default 10^6)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs (default 3)")
    args = parser.parse_args()
    n = args.size
    print(f"{n:,} elements per call, best of {args.repeats}")
    print(f"{'calculator':38} {'array':>10} {'per element':>12} {'ratio':>7}  results")
    for name, array_kernel, scalar_kernel, fields, inputs in cases(n, np.random.default_rng(0)):
        t_array, got = best_of(args.repeats, lambda: _calc.broadcast_call(array_kernel, **inputs))
        t_loop, want = best_of(args.repeats, lambda: per_element_call(scalar_kernel, fields, **inputs))
        same = list(got) == list(want) == list(fields) and all(got[k].tobytes() == want[k].tobytes() for k in fields)
        print(f"{name:38} {t_array:9.3f}s {t_loop:11.3f}s {t_loop / t_array:6.1f}x  "
              f"{'identical' if same else 'DIFFERENT'} ({t_array / n * 1e9:.0f} vs {t_loop / n * 1e9:.0f} ns/element)")
        if not same:
            raise SystemExit(f"{name}: the array path's results differ from the per-element loop's")


if __name__ == "__main__":
    main()
