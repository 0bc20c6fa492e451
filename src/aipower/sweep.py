"""Scenario sweeps and uncertainty at compiled speed, locally or on a Dask cluster.

A scenario file gives assumptions as distributions or ranges (see
`aipower.uncertainty`); a sweep draws N samples of them with a seeded,
counter-based generator (optionally Latin hypercube), evaluates the full China
balance model for each in the compiled kernel (threads, GIL released) and
folds the outputs into streaming reductions: memory grows only by one sum per output column and
1,024 samples (a few MB at 10^7 samples), never with the outputs themselves.

    >>> from aipower import sweep
    >>> r = sweep.run("ai_ranges", samples=100_000, seed=1)
    >>> r.tables["hours.coal"]            # P5 P10 P50 P90 P95 mean × years
    >>> sweep.tornado("ai_ranges", output="hours.coal", year=2030)

Percentiles are within a relative error `alpha` (default 1e-4: ±0.45 h on 4,500
coal hours) of the exact lower sample quantile (numpy ``method="lower"``);
means are exact up to floating-point summation in a fixed order. Results for a
given seed do not depend on the thread count, the chunk size or Dask.

Worksheet-shaped variants (`sweep_table`, `tornado_table`) return flat frames
(a header row and value rows) for the Excel layer's AIP_SWEEP and AIP_TORNADO.
"""

from __future__ import annotations

import math
import os
import re
import reprlib
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _calc, actuals, units
from . import uncertainty as _uncertainty
from ._build import _SEGMENT_VALUES
from ._kernel import sweep as _k
from .balance import _named, model_inputs
from .scenario import Scenario, ScenarioError, result_provenance

#: Outputs of a sweep unless chosen: coal hours, total and data-center demand, required wind+solar.
DEFAULT_OUTPUTS = ("hours.coal", "demand.total", "demand.data_centers", "requirement.level")
#: Rows of a percentile table and the probabilities behind them.
STATS = ("P5", "P10", "P50", "P90", "P95", "mean")
QUANTILES = {"P5": 0.05, "P10": 0.10, "P50": 0.50, "P90": 0.90, "P95": 0.95}
# A tornado's default low and high for a normal or lognormal: the percentile table's outermost rows
TORNADO_TAIL_QUANTILES = (QUANTILES["P5"], QUANTILES["P95"])
#: Samples per chunk: the unit of progress, interruption and Dask tasks (a multiple of the kernel's block).
DEFAULT_CHUNK = 64 * int(_k.BLOCK)
#: Default relative accuracy of the percentiles.
DEFAULT_ALPHA = 1e-4
#: Seconds to wait for a Dask scheduler before giving up.
DEFAULT_DASK_TIMEOUT = 10.0
MAX_DASK_TIMEOUT = 3600.0  # s: an hour; longer is a hang, not a slow network
#: Scenario keys whose kernel input has another name.
_BINDING_NAMES = {
    "demand.tertiary_core.sector_total": "demand.tertiary_total_start",
    "demand.residential_core.sector_total": "demand.residential_total_start",
}
_MAX_SEED = 2**64 - 1
#: Unit of each kernel output family (the part before the dot).
_OUTPUT_UNITS = {"demand": "TWh", "population": "million", "capacity": "GW, end of year", "additions": "GW/yr",
                 "generation": "TWh", "hours": "h", "re_share": "fraction", "requirement": "GW/yr", "loss_factor": "fraction"}
_OUTPUT_UNIT_EXCEPTIONS = {"demand.total_growth": "fraction", "re_share.wind_solar_additions": "GW/yr"}


def output_unit(output: str) -> str:
    """The unit of a sweep output (kernel name), e.g. hours.coal → h."""
    return _OUTPUT_UNIT_EXCEPTIONS.get(output) or _OUTPUT_UNITS.get(output.split(".")[0], "model unit")


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain assumption, in the model's unit."""

    key: str  # scenario path, e.g. "demand.data_centers.segments[2].rate"
    binding: str  # the kernel input it varies
    unit: str  # model unit
    point: float  # the value `aipower run` uses
    dist: Mapping[str, Any]  # dist, and low/high/mode/mean/sd/median/sigma as given (model unit)
    source: str
    origin: str  # file:line
    written_unit: str = ""  # the unit the file gives it in, where that is not the model's (%, 亿kWh)

    def shown(self, v: float) -> str:
        """`v` (model unit) for a message, also in the unit the file gives: '-1.126 fraction (-112.6 %)'."""
        text = f"{v:g} {self.unit}"
        if self.written_unit and self.written_unit != self.unit:
            text += f" ({v / units.to_model_unit(1.0, self.written_unit)[0]:g} {self.written_unit})"
        return text

    def distribution(self) -> _k.Distribution:
        d = self.dist
        kind = d["dist"]
        if kind == "uniform":
            return _k.Distribution.uniform(d["low"], d["high"])
        if kind == "triangular":
            return _k.Distribution.triangular(d["low"], d["mode"], d["high"])
        if kind == "normal":
            return _k.Distribution.normal(d["mean"], d["sd"], d.get("low", -math.inf), d.get("high", math.inf))
        return _k.Distribution.lognormal(d["median"], d["sigma"], d.get("low", 0.0), d.get("high", math.inf))

    def swing(self, quantiles: tuple[float, float] | None = None) -> tuple[float, float]:
        """Low and high values for a tornado: given quantiles; else a uniform's or triangular's bounds,
        and P5/P95 of a normal or lognormal, bounded or not (its bounds only truncate it: they can lie
        many sd out, and a share's 0-1 bounds are values the model refuses)."""
        dist = self.distribution()
        if quantiles is None and self.dist["dist"] in ("uniform", "triangular"):
            return self.dist["low"], self.dist["high"]
        low, high = quantiles if quantiles is not None else TORNADO_TAIL_QUANTILES
        return dist.quantile(low), dist.quantile(high)


def _converter(unit: str, where: str) -> tuple[Callable[[float], float], str]:
    """The loader's conversion from `unit` to the model's unit, and that unit; a unit that is not
    proportional (a distribution's sd would not convert) is an error."""
    factor, model_unit = units.to_model_unit(1.0, unit)
    zero, _ = units.to_model_unit(0.0, unit)
    if zero != 0.0 or not factor > 0:
        raise ScenarioError(f"{where}: unit '{unit}' is not a proportional unit: a distribution cannot be converted")
    return (lambda v: units.to_model_unit(v, unit)[0]), model_unit


def uncertain_inputs(scenario: str | Path | Scenario = "ai_ranges", base_year: int | None = None,
                     overrides: Mapping[str, Any] | None = None) -> list[UncertainInput]:
    """The uncertain assumptions a sweep of the scenario varies, in file order: ranges that do not
    drive the model as the scenario is set up (e.g. data-center segments under a capex route) are left
    out; `run` and `tornado` say so in their notes (`aipower.run` uses only the point values)."""
    _, _, sc = model_inputs(scenario, base_year, overrides)
    return _used(sc, _uncertain(sc))[0]


def _unused(sc: Scenario, u: UncertainInput) -> str | None:
    """Why an uncertain input does not enter the model as the scenario is set up (None if it does)."""
    driver = str(sc.get("demand.data_centers.driver", "cagr"))
    if driver in ("capex", "compute") and u.key.startswith(("demand.data_centers.segments", "demand.data_centers.start")):
        return f"{u.key} is not varied: the data-center row is driven by the {driver} route"
    capex_keys = ("dc_power.capex_per_watt_rmb", "dc_power.twh_per_gw_year")
    if u.key.startswith("dc_power.") and not ((driver == "capex" and u.key in capex_keys) or
                                              (driver == "compute" and u.key == "dc_power.energy_per_flop_change")):
        return f"{u.key} is not varied: it does not drive the data-center row (demand.data_centers.driver = '{driver}')"
    segment = re.fullmatch(r"(.+)\[(\d+)\]\.\w+", u.key)
    if segment:  # a segment that starts after the horizon's end acts on no year of it
        years = sc.get(segment.group(1))[int(segment.group(2))].get("years")
        end = int(sc.get("horizon.end_year"))
        if isinstance(years, list) and years and years[0] > end:
            return f"{u.key} is not varied: its segment ({years[0]}-{years[-1]}) starts after the horizon ends ({end})"
        first = sc.start_year()  # the model's first year, a known value: segments project the years after it
        if isinstance(years, list) and years and first is not None and years[-1] <= first:
            return (f"{u.key} is not varied: its segment ({years[0]}-{years[-1]}) ends by {first}, the year the model "
                    f"starts from (base year {sc.base_year})")
    if u.key in _TARGET_KEYS and str(sc.get("renewables.mode", "target")) != "target":
        return (f"{u.key} is not varied: wind and solar follow their own additions, not a renewable target "
                f"(renewables.mode = '{sc.get('renewables.mode')}')")
    return None


# what only the renewable target reads (renewables.mode = 'target')
_TARGET_KEYS = ("renewables.target_share", "renewables.wind_fraction")


def _used(sc: Scenario, uncertain: list[UncertainInput]) -> tuple[list[UncertainInput], list[str]]:
    used, notes = [], []
    for u in uncertain:
        why = _unused(sc, u)
        (notes.append(why) if why else used.append(u))
    route = [u for u in used if u.key in ("dc_power.capex_per_watt_rmb", "dc_power.twh_per_gw_year")]
    if route:  # the path is not linear in capex per watt: the two centres differ, and that is said
        points = ", ".join(f"{u.key} = {u.point:g} {u.unit}" for u in route)
        notes.append(f"dc_power.capex_case = '{sc.get('dc_power.capex_case')}' does not apply: each sample's data-center "
                     f"path is the capex route at one sampled capex per watt and TWh per GW-year, and the point (the "
                     f"tornado's base) is the route at their points ({points}); `aipower run` takes the capex_case "
                     "instead (mid: the mean of the low-case and high-case paths), so their data-center demand differs")
    return used, notes


def _uncertain(sc: Scenario) -> list[UncertainInput]:
    out = []
    for a in sc.assumptions():
        if a.uncertainty is not None:
            convert, unit = _converter(a.unit, f"{a.origin}: {a.key}")
            spec = _uncertainty.converted(a.uncertainty, convert)
            out.append(UncertainInput(a.key, _BINDING_NAMES.get(a.key, a.key), unit, spec["value"], spec, a.source, a.origin,
                                      a.unit))
        elif isinstance(a.value, list) and a.value and isinstance(a.value[0], dict):
            for i, seg in enumerate(a.value):
                for name in _SEGMENT_VALUES.get(seg.get("method"), ()):
                    node = seg.get(name)
                    if not _uncertainty.is_uncertain(node):
                        continue
                    where = f"{a.item_origin(i)}: {a.key}[{i}].{name}"
                    convert, unit = _converter(seg["unit"], where)
                    spec = _uncertainty.converted(_uncertainty.check(node), convert)
                    key = f"{a.key}[{i}].{name}"
                    out.append(UncertainInput(key, key, unit, spec["value"], spec, str(seg.get("source", a.source)),
                                              a.item_origin(i), seg["unit"]))
    for u in out:  # a distribution whose tails leave a float's range (lognormal sigma = 700): named by its line
        for p in (_RARE, 1 - _RARE):
            try:
                u.distribution().quantile(p)
            except ValueError:
                raise ScenarioError(f"{u.origin}: {u.key}: the {u.dist['dist']} distribution's {p:g} quantile is "
                                    f"beyond a float's range (±1.8e308); expected a narrower distribution, or limits "
                                    f"(low, high)") from None
    return out


def _route(sc: Scenario, inputs: Any) -> _k.DataCenterRoute | None:
    """The data-center route's inputs when the row is driven by capex or compute (see dc_driver)."""
    from . import dc_driver
    from ._calc import low_high, scalar

    driver = str(sc.get("demand.data_centers.driver", "cagr"))
    years = list(range(inputs.first_year, inputs.last_year + 1))
    if driver == "capex":
        case = {"low": 0, "high": 1}.get(str(sc.get("dc_power.capex_case")), 0)
        return _k.DataCenterRoute.capex(dc_driver._capex_path(sc, years), scalar(sc, "dc_power.capex_first_year_fraction"),
                                        float(low_high(sc, "dc_power.capex_per_watt_rmb")[case]),
                                        float(low_high(sc, "dc_power.twh_per_gw_year")[case]))
    if driver == "compute":
        return _k.DataCenterRoute.compute(dc_driver._compute_eflops(sc, years), scalar(sc, "dc_power.energy_per_flop_change"))
    return None


def _kernel_model(sc: Scenario, inputs: Any, bindings: list[str], outputs: Sequence[str]) -> _k.Model:
    """The kernel's batch model, with the data-center route where a route drives the row."""
    route = _route(sc, inputs)
    if route is None:
        return _k.Model(inputs, bindings, list(outputs))
    return _k.Model(inputs, bindings, list(outputs), route)


_BASE_FAILS = "base scenario: does not run: "  # the kernel's refusal of the point the batch varies from


def _model(sc: Scenario, inputs: Any, bindings: list[UncertainInput], outputs: Sequence[str]) -> _k.Model:
    try:
        return _kernel_model(sc, inputs, [u.binding for u in bindings], outputs)
    except ValueError as exc:
        message = str(exc)
        if message.startswith(_BASE_FAILS):  # the point values (what `aipower run` computes), named by file and line
            raise ScenarioError(f"scenario '{sc.name}' at its point values (each uncertain assumption's value, as "
                                f"`aipower run` computes it) does not run: "
                                f"{_named(sc, ValueError(message[len(_BASE_FAILS):]))}") from None
        for u in bindings:  # say which scenario line an unusable uncertain input sits on
            if u.binding in message.split(":")[0] or f"'{u.binding}'" in message:
                detail = message.removeprefix(f"{u.binding}: ")  # the key once, not twice
                raise ScenarioError(f"{u.origin}: {u.key}: cannot be varied by a sweep: {detail}") from None
        raise


@dataclass(eq=False, repr=False)  # frames do not compare with ==, and a repr of every frame is pages long
class SweepResult:
    """Percentile tables of a sweep: one DataFrame per output (rows P5 … mean, columns years)."""

    scenario: str
    samples: int
    seed: int
    latin: bool
    alpha: float
    outputs: tuple[str, ...]
    tables: dict[str, pd.DataFrame]
    inputs: pd.DataFrame  # the uncertain inputs and their distributions
    failed: int  # samples the model refused (e.g. coal generation < 0); excluded from the tables
    first_failure: str  # the lowest failing sample's message
    chunks: int = 0
    notes: list[str] = field(default_factory=list)
    base_year: int | None = None  # the horizon's base year: the tables' first year
    # what produced it: the package, kernel and data versions and the scenario (`Scenario.provenance`)
    provenance: dict[str, Any] = field(default_factory=dict)

    def long(self) -> pd.DataFrame:
        """All tables in one long frame: output, stat, year, value, unit."""
        frames = []
        for name, t in self.tables.items():
            if list(t.columns) == ["value"]:  # a one-value output: no year
                t = t.rename(columns={"value": math.nan})
            df = t.reset_index().melt(id_vars="stat", var_name="year", value_name="value")
            df.insert(0, "output", name)
            df["unit"] = output_unit(name)
            frames.append(df)
        out = pd.concat(frames, ignore_index=True)
        out["year"] = out["year"].astype("Int64")  # whole years, <NA> for a one-value output (not objects)
        return out

    def __repr__(self) -> str:
        return (f"SweepResult(scenario={self.scenario!r}, samples={self.samples:,}, seed={self.seed}, latin={self.latin}, "
                f"alpha={self.alpha:g}, outputs={list(self.outputs)}, failed={self.failed:,}, chunks={self.chunks}, "
                f"notes={len(self.notes)})")


def _check_int(name: str, value: Any, lo: int, hi: int, what: str) -> int:
    """A whole number in lo…hi; a float that is one (2030.0, as a worksheet sends it) counts, as in `run`."""
    shown = f"{value:g}" if isinstance(value, (float, np.floating)) else repr(value)  # 1e+308, not 309 digits
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (bool, np.timedelta64)) or not isinstance(value, (int, np.integer)):  # a time span is an np.integer
        raise ValueError(f"{name} = {shown}: expected {what} (a whole number)")
    if not lo <= int(value) <= hi:
        raise ValueError(f"{name} = {shown if isinstance(value, int) and abs(value) > 2**53 else int(value)}: expected {what}")
    return int(value)


def _check_output(name: str, value: Any) -> str:
    """An output name, or a ValueError naming the argument (pybind11's TypeError names neither)."""
    if not isinstance(value, str):
        raise ValueError(f"{name} = {value!r}: expected an output name (text such as 'hours.coal')")
    return value


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} = {value!r}: expected True or False")
    return bool(value)


def _check_outputs(outputs: Iterable[str] | None, has_target: bool) -> tuple[str, ...]:
    if outputs is None:
        chosen = tuple(o for o in DEFAULT_OUTPUTS if has_target or o != "requirement.level")
    elif isinstance(outputs, str):
        chosen = tuple(o.strip() for o in outputs.split(",") if o.strip())
    elif not hasattr(outputs, "__iter__") or isinstance(outputs, (bytes, bytearray)):  # b"x" iterated as numbers
        raise ValueError(f"outputs = {outputs!r}: expected a list of output names or comma-separated text")
    else:
        chosen = tuple(_check_output("outputs", o) for o in outputs)
    if not chosen:
        raise ValueError("outputs = (): expected at least one output, e.g. hours.coal")
    return chosen


def chosen_outputs(scenario: str | Path | Scenario = "ai_ranges", outputs: Iterable[str] | str | None = None, *,
                   base_year: int | None = None, overrides: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The outputs `run` reports for these arguments: `outputs` as given, or the default
    (which leaves out requirement.level when the scenario sets no renewable target).
    An unknown name raises the ValueError `run` would."""
    inputs, _, sc = model_inputs(scenario, base_year, overrides)
    chosen = _check_outputs(outputs, bool(inputs.target.enabled))
    _model(sc, inputs, [], chosen)  # the kernel checks the names
    return chosen


def _tables(summary: _k.Summary, model: _k.Model, base_year: int) -> dict[str, pd.DataFrame]:
    tables = {}
    col = 0
    years = list(range(model.first_year, model.last_year + 1))
    for name, width in zip(model.outputs, model.output_widths):
        columns = years if width == len(years) else ["value"]
        data = {}
        for j, c in enumerate(columns):
            data[c] = [summary.quantile(col + j, QUANTILES[s]) if s in QUANTILES else summary.mean(col + j) for s in STATS]
        df = pd.DataFrame(data, index=pd.Index(STATS, name="stat"))
        if columns is years:
            df = df.loc[:, [y for y in years if y >= base_year]]
        df.attrs["unit"] = output_unit(name)
        tables[name] = df
        col += width
    return tables


@dataclass(frozen=True)
class _Job:
    """What a worker needs to run chunks of a sweep (picklable)."""

    token: str
    scenario: Scenario
    outputs: tuple[str, ...]
    dists: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]  # (binding, dist items)
    seed: int
    latin: bool
    samples: int
    alpha: float
    threads: int
    data_sha256: str = ""  # the client's actuals (actuals.digest()): a worker reading others is refused


_WORKER_MODELS: dict[str, tuple[_k.Model, list[_k.Distribution]]] = {}


def _prepared(job: _Job) -> tuple[_k.Model, list[_k.Distribution]]:
    if job.token not in _WORKER_MODELS:
        actuals.refresh()
        if job.data_sha256 and actuals.digest() != job.data_sha256:
            # the scenario is read on the worker, actuals included: other data files (edited, or AIPOWER_DATA
            # set on one side only) gave other numbers for this worker's share of the chunks, without a word
            raise ValueError(f"a Dask worker reads other data files (data sha256 {actuals.digest()[:12]}…) than this "
                             f"process ({job.data_sha256[:12]}…): give the workers the same data files "
                             f"({actuals.DATA_ENV} set alike, or the same packaged edition); `aipower version` on "
                             "each machine shows its data_sha256")
        inputs, _, sc = model_inputs(job.scenario)
        bindings = [UncertainInput(b, b, "", 0.0, dict(items), "", "") for b, items in job.dists]
        model = _model(sc, inputs, bindings, job.outputs)
        _WORKER_MODELS.clear()  # one sweep at a time per process
        _WORKER_MODELS[job.token] = (model, [u.distribution() for u in bindings])
    return _WORKER_MODELS[job.token]


def _run_chunk(job: _Job, first: int, count: int) -> bytes:
    """One chunk on a Dask worker: the serialized Summary of samples [first, first + count)."""
    model, dists = _prepared(job)
    summary = _k.Summary(model.width, job.alpha)
    _k.run(model, dists, job.seed, job.latin, job.samples, first, count, summary, job.threads)
    return summary.to_bytes()


def _progress(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="scenario", unit_scale=True, file=sys.stderr, delay=0.5, leave=False,
                desc="aipower sweep")


def _check_dask_timeout(timeout: Any) -> float:
    # a Client's sweep waits `timeout` for its chunks too: True read as 1 s
    if isinstance(timeout, bool) or not (isinstance(timeout, (int, float, np.integer, np.floating))
                                         and 0 < timeout <= MAX_DASK_TIMEOUT):
        raise ValueError(f"dask_timeout = {timeout!r}: expected seconds in (0, {MAX_DASK_TIMEOUT:g}]")
    return float(timeout)


def _connect(address: Any, timeout: float) -> tuple[Any, bool]:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - the dask extra is part of the test extra
        raise ValueError("dask: the 'distributed' package is not installed (pip install '.[dask]' in the aipower checkout, or 'aipower-VERSION-….whl[dask]' for the wheel installed)") from None
    if isinstance(address, Client):
        if address.status in ("closed", "closing"):  # its first message raised ClosedClientError
            raise ValueError(f"dask = {address!r}: the Client is closed; expected an open Client or a scheduler address")
        return address, False
    if not isinstance(address, str) or not address.strip():
        raise ValueError(f"dask = {address!r}: expected a scheduler address such as tcp://host:8786, or a Client")
    address = address.strip()  # ' tcp://host:8786' pasted with a space: the probe and the client took it as written
    _check_address(address)
    _resolve_host(address, timeout)
    _probe_scheduler(address, timeout)
    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False), True
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"dask = {address!r}: no Dask scheduler answered within {timeout:g} s ({exc})") from None


def _checked_threads(threads: Any) -> int:
    return _check_int("threads", threads, 0, int(_k.MAX_THREADS), f"0 (every core) or a count in 1-{int(_k.MAX_THREADS)}")


def _threads(threads: Any) -> int:
    """The thread count checked; 0 (every core) as the cores this process may run on (taskset, a
    container's CPU set), which the kernel's own count of the machine's cores ignores."""
    threads = _checked_threads(threads)
    if threads == 0 and hasattr(os, "sched_getaffinity"):
        threads = min(len(os.sched_getaffinity(0)), int(_k.MAX_THREADS))
    return threads


_POLL = 0.02  # s between looks at a Dask sweep's finished chunks while none is ready


def _scheduler_address(dask: Any) -> Any:
    """The scheduler a sweep's `dask` (an address or a Client) names, for a message."""
    return dask if isinstance(dask, str) else getattr(getattr(dask, "scheduler", None), "address", dask)


def _lost(dask: Any, what: str, exc: BaseException | None = None) -> ValueError:
    """The error of a sweep whose cluster failed it mid-run, naming the scheduler."""
    address = _scheduler_address(dask)
    cause = f" ({type(exc).__name__}: {' '.join(str(exc).split())})" if exc is not None and str(exc) else ""
    return ValueError(f"dask = {address!r}: {what}{cause}; the sweep stopped and nothing was written")


def _is_cluster_failure(exc: BaseException) -> bool:
    """A lost scheduler, worker or connection (distributed's own errors, a closed socket), not an error
    the model raised in a chunk, which is passed on as it is."""
    import asyncio
    import concurrent.futures

    # concurrent.futures' CancelledError: how distributed before 2024.7 said a chunk was lost
    return (type(exc).__module__.split(".")[0] == "distributed"
            or isinstance(exc, (OSError, TimeoutError, asyncio.CancelledError, asyncio.TimeoutError,
                                concurrent.futures.CancelledError)))


def _completed(client: Any, futures: list, dask: Any, timeout: float) -> Iterator[Any]:
    """The chunks' futures as they finish. Every `timeout` seconds without one, the scheduler is asked
    for its workers: with none left (each one stopped, or died unable to load aipower) the chunks would
    wait forever, so the sweep stops with an error instead. A Client given may start with none (an
    adaptive cluster starts them once chunks wait): it is waited for until a worker was seen."""
    from distributed import as_completed

    chunks = as_completed(futures, loop=client.loop)  # the Client's loop: it need not be the default Client
    seen = isinstance(dask, str)  # an address was refused without workers (_probe_scheduler)
    last = time.monotonic()
    while not chunks.is_empty():
        if chunks.has_ready():
            yield from chunks.next_batch(block=False)
            seen, last = True, time.monotonic()
            continue
        if time.monotonic() - last >= timeout:
            try:  # within the timeout: scheduler_info() waited for ever on a paused scheduler
                workers = client.sync(client.scheduler.identity, callback_timeout=timeout).get("workers", {})
            except Exception as exc:  # noqa: BLE001 - the scheduler itself is gone
                raise _lost(dask, "the scheduler stopped answering", exc) from None
            seen = seen or bool(workers)
            if seen and not workers:
                raise _lost(dask, f"the cluster has no workers left after {timeout:g} s without a finished chunk "
                                  "(workers stopped, or could not load aipower: install the same aipower version on "
                                  "every worker)")
            last = time.monotonic()
        time.sleep(_POLL)


def _chunk_result(future: Any, dask: Any, timeout: float) -> bytes:
    # finished, so its result is fetched at once, unless the workers holding it died meanwhile: Dask
    # then reschedules it, and with no worker left waited for ever
    try:
        return future.result(timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - sorted below
        if _is_cluster_failure(exc):
            raise _lost(dask, "a chunk was lost with the scheduler or its workers", exc) from None
        raise


def _workers_with_this_aipower(client: Any, dask: Any, notes: list[str]) -> list[str] | None:
    """The workers with this aipower version, which the chunks are limited to; None (any worker) on a
    cluster with none yet (an adaptive one starts them as chunks wait). Another version gave other
    numbers for its share of the chunks, without a word; a worker without aipower died on the first
    chunk and its nanny did not restart it (on a shared cluster, another team's worker)."""
    from importlib.metadata import version

    mine = version("aipower")
    try:  # importlib's own function: a worker unpickles it without aipower
        found = client.run(version, "aipower", on_error="return")
    except Exception as exc:  # noqa: BLE001 - sorted below
        if _is_cluster_failure(exc):
            raise _lost(dask, "the workers did not say which aipower they have", exc) from None
        raise
    if not found:
        return None
    same = sorted(w for w, v in found.items() if v == mine)
    other = {w: (f"aipower {v}" if isinstance(v, str) else "no aipower") for w, v in found.items() if v != mine}
    listed = ", ".join(f"{w} ({v})" for w, v in sorted(other.items())[:5]) + (" …" if len(other) > 5 else "")
    if not same:
        raise ValueError(f"dask = {_scheduler_address(client)!r}: no worker has aipower {mine}, this "
                         f"process's: {listed}; install aipower {mine} on the workers (every machine needs the same "
                         "version: the tables must equal the local ones)")
    if other:
        notes.append(f"the chunks ran on the {len(same)} of {len(found)} Dask workers with aipower {mine}; the others "
                     f"were left out: {listed}")
    return same


def _probe_scheduler(address: str, timeout: float) -> None:
    """Ask the scheduler who it is, within `timeout`, before a Client is made: a Client waits forever
    on a server that accepts the connection and never answers (a paused scheduler, a proxy), and reads
    an HTTP reply (a dashboard port) as a frame of exabytes."""
    import asyncio
    import threading

    from distributed.comm import connect
    from distributed.security import Security

    # the client's TLS settings from Dask's configuration, as the Client reads them: without them a
    # tls:// scheduler was reported as "not a Dask scheduler"
    connection = Security().get_connection_args("client")
    if address.startswith(("tls://", "wss://")) and connection.get("ssl_context") is None:
        raise ValueError(f"dask = {address!r}: a TLS address, and Dask's configuration gives this client no TLS "
                         "certificates; set distributed.comm.tls.ca-file, .client.cert and .client.key (e.g. the "
                         "DASK_DISTRIBUTED__COMM__TLS__CA_FILE variable and its kin), as for any Dask client")

    async def exchange() -> Any:
        comm = await connect(address, timeout=timeout, **connection)
        try:
            await comm.write({"op": "identity"})
            return await comm.read()
        finally:
            comm.abort()

    async def identity() -> Any:
        # One deadline for the whole exchange: connect's timeout covers reaching the port, not the
        # handshake it then reads, which a silent server never sends. Cancelled inside connect, the
        # half-made connection's socket is closed when the event loop ends.
        return await asyncio.wait_for(exchange(), timeout)

    outcome: dict[str, Any] = {}

    def ask() -> None:
        try:
            outcome["reply"] = asyncio.run(identity())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread below
            outcome["error"] = exc

    # Its own event loop, whatever loop the caller runs (Jupyter), in a daemon thread: a Ctrl-C while
    # it waits leaves at once, where a pool's (or any non-daemon) thread held the exit until the timeout.
    thread = threading.Thread(target=ask, name="aipower-dask-probe", daemon=True)
    thread.start()
    thread.join()
    try:
        if "error" in outcome:
            raise outcome["error"]
        reply = outcome["reply"]
    except (OSError, TimeoutError, asyncio.TimeoutError) as exc:
        raise ValueError(f"dask = {address!r}: no Dask scheduler answered within {timeout:g} s"
                         + (f" ({exc})" if str(exc) else "")) from None
    except Exception:  # noqa: BLE001 - whatever a non-Dask server's reply makes the protocol raise
        # Not the exception's name: a reply parsed as Dask's protocol fails as anything (MemoryError
        # for an HTTP answer), which would mislead more than it tells.
        raise ValueError(f"dask = {address!r}: what answered there is not a Dask scheduler; expected the "
                         "scheduler's address, e.g. tcp://host:8786 (not its dashboard, 8787)") from None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        raise ValueError(f"dask = {address!r}: what answered there is not a Dask scheduler; expected the scheduler's "
                         "address, e.g. tcp://host:8786")
    if reply.get("n_workers") == 0:  # the chunks would wait for a worker forever
        raise ValueError(f"dask = {address!r}: the scheduler has no workers; start some (dask worker {address}) "
                         "and run again")


def _check_address(address: str) -> None:
    """Refuse a malformed address before a Client exists: one that fails to parse in its constructor
    leaves a half-made Client whose clean-up waits 4 s and prints a traceback at exit."""
    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import get_backend

    try:
        scheme, location = parse_address(address.strip(), strict=False)
        get_backend(scheme)
        if scheme in ("tcp", "tls", "ws", "wss"):
            port = parse_host_port(location)[1]
            if not 0 < port < 65536:
                raise ValueError(f"port {port} is outside 1-65535")
    except (ValueError, TypeError) as exc:
        raise ValueError(f"dask = {address!r}: {exc}; expected a scheduler address such as tcp://host:8786") from None


def _resolve_host(address: str, timeout: float) -> None:
    """Refuse a host name that does not resolve at once: Dask's connect retries a failed lookup until
    its timeout, so a misspelt host waited the whole timeout and then said only that nothing answered."""
    import socket
    import threading

    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address, strict=False)
    if scheme not in ("tcp", "tls", "ws", "wss"):
        return
    host, port = parse_host_port(location)
    failed: list[socket.gaierror] = []

    def lookup() -> None:
        try:
            socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            failed.append(exc)
        except OSError:  # anything else is the probe's to report, with its timeout
            pass

    # A daemon thread: a lookup stuck on a slow resolver is left to the probe's deadline, not waited on twice
    thread = threading.Thread(target=lookup, name="aipower-dask-lookup", daemon=True)
    thread.start()
    thread.join(timeout)
    if failed and failed[0].errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
        raise ValueError(f"dask = {address!r}: the host '{host}' is not known ({failed[0].strerror}); expected "
                         "the scheduler's address, e.g. tcp://host:8786") from None


# A normal or lognormal is checked where its samples reach once in a million draws, not at its limits
# (often a valid range such as a share's 0 … 1, which its samples practically never reach); a sample
# beyond that point is refused with a note, as any sample the model refuses.
_RARE = 1e-6


def _file_keys(message: str) -> str:
    """A kernel message as the scenario file names things: the kernel's field for a series' first value,
    start_value, is the file's .start (the key a batch or a range sets)."""
    return re.sub(r"\.start_value\b", ".start", message)


def _extremes(u: UncertainInput) -> list[tuple[str, float]]:
    """The values at which a range is checked: ('low', v) and ('high', v)."""
    if u.dist["dist"] in ("normal", "lognormal"):
        dist = u.distribution()
        return [("low", dist.quantile(_RARE)), ("high", dist.quantile(1 - _RARE))]
    return [(name, u.dist[name]) for name in ("low", "high")]


def _own_refusal(u: UncertainInput, message: str, v: float) -> bool:
    """Whether the model's refusal, with `u` at `v`, is of u's own value (the kernel names it
    demand.ev_charging.start_value, supply.coal.retirements[2025], demand.data_centers segment growth
    2031-2035.rate), not of another quantity u drives (coal generation below zero)."""
    subject, sep, rest = message.partition(" = ")
    if not sep:
        return False
    try:  # the value refused is the one checked (another segment's field is another's range)
        same = math.isclose(float(rest.split(":")[0]), v, rel_tol=1e-5)
    except ValueError:
        same = False
    segment = re.fullmatch(r"(.+)\.segments\[\d+\]\.(\w+)", u.key)
    if segment is None:
        if subject in (u.key, u.binding, f"{u.key}_value") or re.fullmatch(rf"{re.escape(u.key)}\[\d+\]", subject):
            return True
        # the capex route's inputs are refused by the calculator reading them, by its own argument names
        return u.key.startswith("dc_power.") and subject == u.key.rsplit(".", 1)[1] and same
    series, field = segment.groups()
    return subject.startswith(f"{series} segment ") and subject.endswith(f".{field}") and same


def _check_bounds(model: _k.Model, uncertain: list[UncertainInput]) -> None:
    """Refuse a range reaching outside the values its own assumption may take (a share above 1): as a
    point value it is refused when the file is read, as a bound it only had part of the samples
    refused, with a note. Each end is evaluated with the other inputs at their points; a refusal that
    names another quantity (coal generation below zero) is the range's to keep."""
    point = np.array([u.point for u in uncertain])
    rows, which = [], []
    for j, u in enumerate(uncertain):
        for name, v in _extremes(u):
            if not math.isfinite(v) or (name == "low" and u.dist["dist"] == "lognormal" and v <= 0):
                continue  # unbounded, or a lognormal's open lower end
            row = point.copy()
            row[j] = v
            rows.append(row)
            which.append((u, name, v))
    if not rows:
        return
    values = np.array(rows)
    _, ok, _ = model.evaluate(values, threads=1, on_error="skip")
    for k in np.flatnonzero(~ok):
        u, name, v = which[k]
        _, _, status = model.evaluate(values[k:k + 1], threads=1, on_error="skip")
        message = status["first_failure"]
        if not _own_refusal(u, message, v):
            continue
        if u.dist["dist"] in ("normal", "lognormal"):
            p = _RARE if name == "low" else 1 - _RARE
            raise ScenarioError(f"{u.origin}: {u.key}: the {u.dist['dist']} distribution reaches {u.shown(v)} (its "
                                f"{p:g} quantile), outside what the model takes ({_file_keys(message)}); expected a narrower "
                                f"distribution, or limits (low, high) inside that range")
        raise ScenarioError(f"{u.origin}: {u.key}: {name} = {u.shown(v)} is outside what the model takes "
                            f"({_file_keys(message)})")


def run(scenario: str | Path | Scenario = "ai_ranges", samples: int = 10_000, *, seed: int = 0, threads: int = 0,
        outputs: Iterable[str] | str | None = None, latin: bool = False, base_year: int | None = None,
        overrides: Mapping[str, Any] | None = None, dask: Any = None, dask_timeout: float | None = None,
        chunk_size: int = DEFAULT_CHUNK, alpha: float = DEFAULT_ALPHA, progress: bool = False,
        on_chunk: Callable[[int, int], None] | None = None) -> SweepResult:
    """Sweep a scenario's uncertain inputs: percentile tables by year of the chosen outputs.

    `samples`: N (1 … 2^40). `seed`: 0 … 2^64-1; the same seed gives the same
    tables whatever `threads` (0: every core), `chunk_size` or `dask`.
    `outputs`: kernel output names (default: hours.coal, demand.total,
    demand.data_centers, requirement.level). `latin`: Latin hypercube strata.
    `dask`: a scheduler address (``tcp://host:8786``) or a distributed.Client;
    chunks then run on the cluster's workers (which need aipower installed).
    `dask_timeout`: seconds to wait for the scheduler and for each chunk (default
    DEFAULT_DASK_TIMEOUT; only with `dask`).
    Ctrl-C stops between chunks (KeyboardInterrupt propagates; nothing is returned).
    """
    samples = _check_int("samples", samples, 1, int(_k.MAX_SAMPLES), f"a count in 1-{int(_k.MAX_SAMPLES)}")
    seed = _check_int("seed", seed, 0, _MAX_SEED, "an integer in 0-2^64-1")
    # 0 on a Dask worker is one thread a chunk (the worker runs chunks side by side); here, every core
    on_worker = _checked_threads(threads) or 1
    threads = _threads(threads)
    block = int(_k.BLOCK)
    chunk_size = _check_int("chunk_size", chunk_size, block, 2**31, f"a multiple of {block} (at least {block})")
    if chunk_size % block:
        raise ValueError(f"chunk_size = {chunk_size}: expected a multiple of {block}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)):
        raise ValueError(f"alpha = {alpha!r}: expected a relative accuracy in [1e-7, 0.1] (a number)")
    alpha = float(alpha)
    if not 1e-7 <= alpha <= 0.1:
        raise ValueError(f"alpha = {alpha!r}: expected a relative accuracy in [1e-7, 0.1]")
    latin, progress = _check_flag("latin", latin), _check_flag("progress", progress)
    if dask_timeout is None:
        dask_timeout = DEFAULT_DASK_TIMEOUT
    elif dask is None:  # a timeout for nothing: a mistake to say, as the CLI says it
        raise ValueError(f"dask_timeout = {dask_timeout!r} given without dask; it is how long to wait for the "
                         "scheduler, expected only with dask = an address or a Client")
    dask_timeout = _check_dask_timeout(dask_timeout)
    if on_chunk is not None and not callable(on_chunk):  # found only after the first chunk otherwise
        raise ValueError(f"on_chunk = {on_chunk!r}: expected a function (done, total) or None")
    inputs, h, sc = model_inputs(scenario, base_year, overrides)
    uncertain, unused = _used(sc, _uncertain(sc))
    if not uncertain:
        raise ScenarioError(f"scenario '{sc.name}': no uncertain assumptions to sweep; give ranges or distributions "
                            "(e.g. target_share = { value = 0.30, low = 0.28, high = 0.32, ... }) or use 'ai_ranges'")
    chosen = _check_outputs(outputs, bool(inputs.target.enabled))
    if outputs is None and "requirement.level" not in chosen:
        unused.append("requirement.level is not among the outputs: the scenario sets no renewable target "
                      f"(renewables.mode = '{sc.get('renewables.mode')}')")
    model = _model(sc, inputs, uncertain, chosen)
    dists = [u.distribution() for u in uncertain]
    for u, d in zip(uncertain, dists):
        try:
            d.validate(u.key)
        except ValueError as exc:
            raise ScenarioError(f"{u.origin}: {exc}") from None
    _check_bounds(model, uncertain)
    # The means are summed per block of samples in a fixed order (so they do not depend on the
    # chunking): the reductions grow by one sum per output column and block. Refused here, not after
    # hours of work; the chunk list (for Dask) grows with N as well.
    blocks = -(-samples // int(_k.BLOCK))
    need = blocks * 8 * (model.width + 1) + (-(-samples // chunk_size)) * 64
    limit = _memory_limit()
    if need > limit:
        raise ValueError(f"samples = {samples:,}: the streaming reductions of {model.width} output columns would need "
                         f"{need / 2**30:.1f} GiB, more than {limit / 2**30:.1f} GiB (half the memory); "
                         "expected fewer samples or outputs")
    chunks = [(first, min(chunk_size, samples - first)) for first in range(0, samples, chunk_size)]
    summary = _k.Summary(model.width, alpha)
    bar = _progress(samples, progress)
    done = 0
    try:
        if dask is None:
            for first, count in chunks:
                _k.run(model, dists, seed, latin, samples, first, count, summary, threads)
                done += count
                if bar is not None:
                    bar.update(count)
                if on_chunk is not None:
                    on_chunk(done, samples)
        else:
            client, own = _connect(dask, dask_timeout)
            futures: list = []
            merged: set = set()
            try:
                workers = _workers_with_this_aipower(client, dask, unused)
                job = _Job(uuid.uuid4().hex, sc, chosen,
                           tuple((u.binding, tuple(sorted(u.dist.items()))) for u in uncertain),
                           seed, latin, samples, alpha, on_worker, actuals.digest())
                futures = client.map(_run_chunk, [job] * len(chunks), [c[0] for c in chunks], [c[1] for c in chunks],
                                     pure=False, workers=workers, allow_other_workers=False)
                counts = {f.key: c[1] for f, c in zip(futures, chunks)}
                for future in _completed(client, futures, dask, dask_timeout):
                    summary.merge(_k.Summary.from_bytes(_chunk_result(future, dask, dask_timeout)))
                    # merged: its result is freed on the worker now, not when the sweep ends (10^8 samples
                    # held 0.6 GB there, and workers at their memory limit paused and hung the sweep)
                    future.release()
                    merged.add(future.key)
                    done += counts[future.key]
                    if bar is not None:
                        bar.update(counts[future.key])
                    if on_chunk is not None:
                        on_chunk(done, samples)
            finally:
                for f in futures:
                    if f.key not in merged:
                        f.cancel()
                if own:
                    client.close()
    finally:
        if bar is not None:
            bar.close()
    first_failure = _file_keys(summary.first_failure)
    if summary.failed == samples:
        raise ValueError(f"scenario '{sc.name}': every one of the {samples} samples failed; the first: {first_failure}")
    notes = [*h.notes, *unused]  # what a later base year reads from the earlier one, as a run says it
    if summary.failed:
        kept = samples - summary.failed  # the tables are conditional on the model accepting a sample: say so
        notes.append(f"{summary.failed} of {samples} samples ({summary.failed / samples:.1%}) were refused by the model "
                     f"and left out: the percentiles describe the {kept} it accepts, not the distributions as given; "
                     f"the first: {first_failure}")
    frame = pd.DataFrame([{"input": u.key, "dist": u.dist["dist"], "point": u.point,
                           **{k: u.dist.get(k, math.nan) for k in ("low", "mode", "high", "mean", "sd", "median", "sigma")},
                           "unit": u.unit, "source": u.source} for u in uncertain])
    return SweepResult(sc.name, samples, seed, latin, alpha, chosen, _tables(summary, model, h.base_year), frame,
                       int(summary.failed), first_failure, len(chunks), notes, h.base_year,
                       result_provenance(sc))


# The year a tornado swings when none is given: seed 1's target year (2030, the end of the 15th
# five-year plan), or the base year where a later one starts the horizon, or the horizon's last year
# where it ends earlier
TORNADO_YEAR = 2030


def _year_column(model: _k.Model, output: str, year: int | None, base_year: int) -> tuple[int, int | None]:
    """The output column of `year` and the year itself (None for a one-value output)."""
    width = model.output_widths[0]
    if width == 1:  # one value: any year of the horizon names it, as it would a yearly output's
        if year is not None:
            _check_int("year", year, base_year, model.last_year,
                       f"a year in {base_year}-{model.last_year} (output '{output}' has one value, the same for each year)")
        return 0, None
    if year is None:  # within the horizon: one that ends before 2030 gets its last year
        year = min(max(TORNADO_YEAR, base_year), model.last_year)
    year = _check_int("year", year, base_year, model.last_year, f"a year in {base_year}-{model.last_year} for output '{output}'")
    return year - model.first_year, year


def tornado(scenario: str | Path | Scenario = "ai_ranges", output: str = "hours.coal", year: int | None = None, *,
            quantiles: tuple[float, float] | None = None, threads: int = 0, base_year: int | None = None,
            overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """One-at-a-time swings: each uncertain input at its low and high with the others at their points.

    Low/high are the given `quantiles` of each distribution; without them, a
    range's or triangular's bounds and a normal's or lognormal's P5/P95
    (bounded or not: its bounds only truncate it). Rows are sorted
    by swing (|output at high − output at low|), largest first; `base` is the
    output with every input at its point. A low or high the model refuses
    gives NaN and its message in `note`. `year` None is 2030, or the base year
    if that is later, or the horizon's last year if that is earlier; a
    one-value output (requirement.level) needs none.
    """
    output = _check_output("output", output)
    if quantiles is not None:
        pair = tuple(quantiles) if isinstance(quantiles, (tuple, list, np.ndarray)) else ()
        if not (len(pair) == 2 and all(isinstance(q, (float, int, np.floating, np.integer)) and not isinstance(q, bool)
                                       for q in pair) and 0 < pair[0] < pair[1] < 1):
            raise ValueError(f"quantiles = {quantiles!r}: expected (low, high) probabilities with 0 < low < high < 1")
        quantiles = (float(pair[0]), float(pair[1]))
    inputs, h, sc = model_inputs(scenario, base_year, overrides)
    uncertain, unused = _used(sc, _uncertain(sc))
    if not uncertain:
        raise ScenarioError(f"scenario '{sc.name}': no uncertain assumptions for a tornado")
    threads = _threads(threads)
    model = _model(sc, inputs, uncertain, [output])
    column, year = _year_column(model, output, year, h.base_year)
    point = np.array([u.point for u in uncertain])
    rows = [point]
    swings = [u.swing(quantiles) for u in uncertain]
    for j, (lo, hi) in enumerate(swings):
        for v in (lo, hi):
            r = point.copy()
            r[j] = v
            rows.append(r)
    values = np.array(rows)
    out, ok, _ = model.evaluate(values, threads=threads, on_error="skip")
    base = float(out[0, column]) if ok[0] else math.nan
    records = []
    for j, u in enumerate(uncertain):
        notes = []
        for k in (1 + 2 * j, 2 + 2 * j):
            if not ok[k]:
                _, _, status = model.evaluate(values[k:k + 1], threads=1, on_error="skip")
                notes.append(_file_keys(status["first_failure"]))
        lo_out, hi_out = float(out[1 + 2 * j, column]), float(out[2 + 2 * j, column])
        records.append({"input": u.key, "unit": u.unit, "point": u.point, "low": swings[j][0], "high": swings[j][1],
                        "output_at_low": lo_out, "output_at_high": hi_out, "swing": abs(hi_out - lo_out),
                        "base": base, "note": "; ".join(notes)})
    df = pd.DataFrame(records)
    # an end the model refused leaves the swing blank: ranked by the end that ran (a lower bound of its
    # swing), not last, where a chart of the largest swings would drop it
    one_side = np.fmax((df["output_at_low"] - df["base"]).abs(), (df["output_at_high"] - df["base"]).abs())
    order = np.argsort(-df["swing"].fillna(one_side).fillna(-1.0).to_numpy(), kind="stable")
    df = df.iloc[order]
    df.attrs.update(output=output, output_unit=output_unit(output), year=year, scenario=sc.name, notes=[*h.notes, *unused])
    return df.reset_index(drop=True)


def batch(scenario: str | Path | Scenario, values: Mapping[str, Any] | pd.DataFrame, *,
          outputs: Iterable[str] | str = ("hours.coal",), threads: int = 0, on_error: str = "raise",
          base_year: int | None = None, overrides: Mapping[str, Any] | None = None) -> dict[str, np.ndarray]:
    """Evaluate N scenarios at once: `values` maps kernel inputs (e.g. ``renewables.target_share``,
    ``demand.data_centers.segments[2].rate``) to arrays of length N, in model units.

    Returns one N × years array per output (N for one-value outputs), plus
    ``ok`` (bool, N). on_error='raise' raises ValueError for the lowest failing
    scenario; 'skip' leaves NaN rows with ok False.
    """
    inputs, h, sc = model_inputs(scenario, base_year, overrides)
    if not isinstance(values, (Mapping, pd.DataFrame)) or len(values.keys()) == 0:
        raise ValueError(f"values = {reprlib.repr(values)}: expected a mapping or DataFrame of at least one input to an "
                         "array of N values, e.g. {'renewables.target_share': shares}")
    names = list(values.keys()) if not isinstance(values, pd.DataFrame) else list(values.columns)
    twice = sorted({str(n) for n in names if names.count(n) > 1})
    if twice:  # a DataFrame's repeated column read as one input of shape (N, 2)
        raise ValueError(f"values: column {', '.join(map(repr, twice))} given more than once; expected each input once")
    _check_same_labels(values, names)
    columns = [_input_column(name, values[name]) for name in names]
    n = len(columns[0])
    for name, c in zip(names, columns):
        if len(c) != n:
            raise ValueError(f"values[{name!r}] has {len(c)} values, expected {n} (the same N for every input)")
    threads = _threads(threads)
    chosen = _check_outputs(outputs, bool(inputs.target.enabled))
    model = _kernel_model(sc, inputs, [str(x) for x in names], chosen)
    limit = _memory_limit()
    need = n * model.width * 8
    if need > limit:
        raise ValueError(f"values: N = {n} scenarios × {model.width} output columns need {need / 2**30:.1f} GiB, "
                         f"more than {limit / 2**30:.1f} GiB (half the memory): use sweep.run (streaming) or fewer scenarios")
    if on_error not in ("raise", "skip"):
        raise ValueError(f"on_error = {on_error!r}: expected 'raise' (a ValueError for the lowest failing scenario) "
                         "or 'skip' (NaN rows, ok False)")
    matrix = np.column_stack(columns) if columns else np.zeros((n, 0))
    try:
        out, ok, _ = model.evaluate(matrix, threads=threads, on_error=on_error)
    except ValueError as exc:  # "scenario 3: demand.x.start_value = -1: …", as the key `values` named
        raise ValueError(_file_keys(str(exc))) from None
    result = {}
    col = 0
    keep = h.base_year - model.first_year
    for name, width in zip(model.outputs, model.output_widths):
        block = out[:, col:col + width]
        result[name] = block[:, keep:] if width > 1 else block[:, 0]
        col += width
    result["ok"] = ok
    return result


def _check_same_labels(values: Mapping[str, Any] | pd.DataFrame, names: list[str]) -> None:
    """Series in a mapping pair by position in the kernel: refuse those whose labels differ, which a
    DataFrame would have aligned by label (the same data must not give two answers)."""
    if isinstance(values, pd.DataFrame):
        return
    series = [(name, values[name]) for name in names if isinstance(values[name], pd.Series)]
    for name, s in series[1:]:
        first_name, first = series[0]
        if not s.index.equals(first.index):
            raise ValueError(f"values[{name!r}] and values[{first_name!r}] are Series with different indexes "
                             f"({reprlib.repr(list(s.index))} and {reprlib.repr(list(first.index))}): scenarios pair "
                             "by position, so expected the same index; pd.DataFrame(values) aligns them by label")


def _input_column(name: str, value: Any) -> np.ndarray:
    """One input's values as a 1-D float array (a single number is one scenario)."""
    if np.ma.isMaskedArray(value) and np.ma.getmaskarray(value).any():  # numpy would use the hidden values
        at = np.flatnonzero(np.ma.getmaskarray(value))
        raise ValueError(f"values[{name!r}]: masked entries at positions {reprlib.repr(at.tolist())} (from 0); "
                         "expected a value for every scenario (drop those scenarios, or fill them)")
    try:
        raw = np.asarray(value)
        problem = _calc.non_number(value, raw)  # before numpy reads True as 1 or a date as days
        column = np.asarray(raw, dtype=float) if problem is None else None  # no copy of a float array
    except OverflowError:  # a Python int of hundreds of digits
        raise ValueError(f"values[{name!r}] = {reprlib.repr(value)}: a number beyond a float's range; expected numbers "
                         "in the input's model unit") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values[{name!r}] = {reprlib.repr(value)}: {exc}; expected numbers in the input's model unit") from None
    if column is None:
        raise ValueError(f"values[{name!r}] = {_calc.shown(value)}: got {problem}; expected numbers in the input's model unit")
    if column.ndim > 1:
        raise ValueError(f"values[{name!r}]: an array of shape {column.shape}; expected one value per scenario (1-D)")
    return column.reshape(-1)


def _memory_limit() -> int:
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")) // 2
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2**30


def sweep_table(scenario: str | Path | Scenario = "ai_ranges", output: str = "hours.coal", samples: int = 10_000,
                seed: int = 0, latin: bool = False, threads: int = 0, *, base_year: int | None = None,
                overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Worksheet shape of a percentile table (AIP_SWEEP): columns stat, then one per year.
    ``attrs["accepted"]``: how many of the samples the model accepted (the table describes those)."""
    output = _check_output("output", output)
    r = run(scenario, samples, seed=seed, latin=latin, threads=threads, outputs=[output], base_year=base_year,
            overrides=overrides)
    t = r.tables[output].reset_index().rename(columns=lambda c: str(c))
    t.attrs["accepted"] = samples - r.failed
    return t


def tornado_table(scenario: str | Path | Scenario = "ai_ranges", output: str = "hours.coal", year: int | None = None,
                  *, threads: int = 0, quantiles: tuple[float, float] | None = None, base_year: int | None = None,
                  overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Worksheet shape of a tornado (AIP_TORNADO): input, low, high, output at each, swing, base, note;
    largest swing first, an input the model refuses at an end last, its note saying why."""
    t = tornado(scenario, output, year, quantiles=quantiles, threads=threads, base_year=base_year, overrides=overrides)
    return t[["input", "unit", "low", "high", "output_at_low", "output_at_high", "swing", "base", "note"]]
