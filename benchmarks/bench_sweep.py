"""Benchmark: one sweep of the China balance model over 2024-2035, three ways, in one process.

    python benchmarks/bench_sweep.py [--samples 1000000] [--loop-samples 200] [--streaming-samples 10000000]

1. the kernel batch call (aipower._kernel.sweep.Model.evaluate: N scenarios, GIL released, threads);
2. a plain-numpy implementation of the same model, vectorised over scenarios (below; checked to give
   the same numbers as the kernel);
3. a Python loop over the single-scenario API (aipower.run with overrides) on a subset, scaled.

The sweep: the `ai_ranges` scenario's uncertain inputs (data-center growth, secondary and EV demand,
coal additions, wind/solar hours, the renewable target), N samples drawn by the kernel's seeded
sampler; output: coal hours in every year (N × 12 values written). It prints scenario-years per
second for each, the ratios, peak memory (RSS high-water mark per stage), the scaling from 1 to all
threads, how the kernel compares with what memory bandwidth allows for the outputs written (coal
hours alone, then with total demand and wind+solar additions, the outputs the issue names), and a
streaming sweep (sample → evaluate → percentiles) of --streaming-samples with its peak memory.

Not a test: nothing here asserts a time. Run on an idle machine; the load average is printed.
"""

from __future__ import annotations

import os

# numpy's BLAS threads busy-wait after use and would take a core from the kernel's threads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import copy
import platform
import re
import time

import numpy as np

import aipower
from aipower import sweep, units
from aipower._kernel import sweep as _k
from aipower.balance import model_inputs

SOURCES = ("coal", "gas", "biomass", "hydro", "nuclear", "wind", "solar")
ROWS = ("primary", "secondary", "tertiary_core", "residential_core", "ev_charging", "data_centers")
KWH_MILLION_PER_TWH = 1000.0  # (kWh per person × million people) per TWh, as units::kKwhTimesMillionPerTwh
GWH_PER_TWH = 1000.0
PROBE_LEVEL = 100.0  # the renewable solve's probe level (renewables.cpp)


# ---------------------------------------------------------------------------
# The model in plain numpy, vectorised over N scenarios (a port of china::run)
# ---------------------------------------------------------------------------

class NumpyModel:
    """china::run for N scenarios at once: every scalar input may be an array of length N."""

    _FIELD = {"from": 0, "to": 1}

    def __init__(self, inputs, bindings: list[str]):
        self.inputs = inputs
        self.first, self.last = inputs.first_year, inputs.last_year
        self.T = self.last - self.first + 1
        self.bindings = bindings

    @staticmethod
    def _segments(segs):
        return [[s.method, s.first_year, s.last_year, list(s.values), s.ref_year] for s in segs]

    def _spec(self, values: np.ndarray):
        """The inputs as nested Python structures with the bound scalars replaced by columns of `values`."""
        inp = self.inputs
        d = inp.demand
        spec = {
            "rows": {r: {"driver": getattr(d, r).driver.name, "start": getattr(d, r).start_value,
                         "segments": self._segments(getattr(d, r).segments), "anchors": dict(getattr(d, r).anchors)}
                     for r in ROWS},
            "pop": {"start": d.population_start, "segments": self._segments(d.population_segments),
                    "anchors": dict(d.population_anchors)},
            "ev_share": d.ev_tertiary_share, "totals": {"tertiary": d.tertiary_total_start, "residential": d.residential_total_start},
            "cap": {s: {"prev": inp.capacity(s).previous_end, "start": inp.capacity(s).start_end,
                        "segments": self._segments(inp.capacity(s).additions), "ret": list(inp.capacity(s).retirements),
                        "anchors": dict(inp.capacity(s).anchors)} for s in SOURCES},
            "hours": {s: {"base": inp.hours(s).base.name, "start": inp.hours(s).start,
                          "segments": self._segments(inp.hours(s).segments)} for s in SOURCES},
            "imports": list(inp.net_imports), "cal": inp.calibration, "target": inp.target,
            "share": inp.target.share,
        }
        for j, name in enumerate(self.bindings):
            col = values[:, j]
            m = re.fullmatch(r"(demand|supply|hours)\.(\w+)\.(segments|additions)\[(\d+)\]\.(\w+)", name)
            if m:
                area, key, _, i, field = m.groups()
                table = {"demand": spec["rows"], "supply": spec["cap"], "hours": spec["hours"]}[area][key]
                table["segments"][int(i)][3][self._FIELD.get(field, 0)] = col
            elif name == "renewables.target_share":
                spec["share"] = col
            else:
                raise ValueError(f"the numpy benchmark model does not vary {name}")
        return spec

    def _project(self, start, segs, anchors=None, adjust=None, n=1):
        T, first = self.T, self.first
        x = np.empty((n, T))
        x[:, 0] = start
        rate = np.zeros(n)
        anchors = anchors or {}
        for i in range(1, T):
            year = first + i
            if year in anchors:
                x[:, i] = anchors[year]
                continue
            method, a, b, v, ref = next(s for s in segs if s[1] <= year <= s[2])
            prev = x[:, i - 1]
            k, span = year - a, b - a + 1
            if method == "growth":
                y = prev * (1.0 + (v[0] if len(v) == 1 else v[k]))
            elif method == "glide":
                t = 1.0 if span == 1 else k / (span - 1)
                y = prev * (1.0 + v[0] + (v[1] - v[0]) * t)
            elif method == "increment":
                y = prev + (v[0] if len(v) == 1 else v[k])
            elif method == "pipeline":
                y = prev + v[0] / span
            else:  # cagr, change, target: a constant rate fixed in the segment's first projected year
                if year == max(a, first + 1) or (year - 1) in anchors:
                    target = v[0]
                    if method != "target":
                        r0 = x[:, ref - first]
                        target = r0 * np.power(1.0 + v[0], b - ref) if method == "cagr" else r0 * (1.0 + v[0])
                    rate = np.power(target / prev, 1.0 / (b - year + 1)) - 1.0
                y = prev * (1.0 + rate)
            if adjust is not None:
                y = y + adjust[i]
            x[:, i] = y
        return x

    def _level_segments(self, segs, t, per_year):
        kept = [s for s in segs if s[2] < t.first_year or s[1] > t.last_year]
        if len(kept) != len(segs) - 1:
            raise ValueError("the numpy benchmark model expects one wind/solar segment over the target years")
        return kept + [["increment", t.first_year, t.last_year, [per_year], 0]]

    def run(self, values: np.ndarray) -> np.ndarray:
        """Coal hours, N × T."""
        n = values.shape[0]
        sp = self._spec(values)
        T = self.T
        pop = self._project(sp["pop"]["start"], sp["pop"]["segments"], sp["pop"]["anchors"], n=n)
        rows = {}
        for r in ("primary", "secondary", "ev_charging", "data_centers"):
            spec = sp["rows"][r]
            rows[r] = self._project(spec["start"], spec["segments"], spec["anchors"], n=n)
        share = sp["ev_share"]
        ev, dc = rows["ev_charging"], rows["data_centers"]
        parts = {"tertiary_core": share * ev + dc, "residential_core": (1.0 - share) * ev}
        for r, sector in (("tertiary_core", "tertiary"), ("residential_core", "residential")):
            spec = sp["rows"][r]
            start = sp["totals"][sector] - parts[r][:, 0] if np.isfinite(sp["totals"][sector]) else spec["start"]
            if spec["driver"] == "per_capita":
                pc = self._project(start * KWH_MILLION_PER_TWH / pop[:, 0], spec["segments"], n=n)
                rows[r] = pc * pop / KWH_MILLION_PER_TWH
            else:
                rows[r] = self._project(start, spec["segments"], n=n)
        tertiary = rows["tertiary_core"] + parts["tertiary_core"]
        residential = rows["residential_core"] + parts["residential_core"]
        total = rows["primary"] + rows["secondary"] + tertiary + residential

        def capacity(s, segs=None):
            c = sp["cap"][s]
            adjust = [-r for r in c["ret"]] if c["ret"] else None
            path = self._project(c["start"], segs if segs is not None else c["segments"], c["anchors"], adjust, n=n)
            before = np.concatenate([np.full((n, 1), c["prev"]), path[:, :-1]], axis=1)
            return path, 0.5 * (before + path)

        avg = {s: capacity(s)[1] for s in SOURCES}
        cal = sp["cal"]
        hydro_reported = 0.5 * (cal.hydro_reported_previous_end + cal.hydro_reported_start_end)
        hours = {}
        for s in SOURCES[1:]:
            h = sp["hours"][s]
            if h["base"] == "given":
                start = h["start"]
            elif h["base"] == "solar_from_wind_solar":
                wind = avg["wind"][:, 0] * sp["hours"]["wind"]["start"] / GWH_PER_TWH
                start = (cal.wind_solar_generation - wind) * GWH_PER_TWH / avg[s][:, 0]
            elif h["base"] == "residual_of_renewables":
                hh = sp["hours"]["hydro"]["start"]
                if sp["hours"]["hydro"]["base"] == "rebased_on_conventional":
                    hh = hh * hydro_reported / avg["hydro"][:, 0]
                hydro = avg["hydro"][:, 0] * hh / GWH_PER_TWH
                start = (cal.renewable_generation - (cal.wind_solar_generation + hydro)) * GWH_PER_TWH / avg[s][:, 0]
            else:  # rebased_on_conventional
                start = h["start"] * hydro_reported / avg[s][:, 0]
            hours[s] = self._project(start, h["segments"], n=n)
        t = sp["target"]
        if t.enabled:
            y = t.year - self.first

            def paths(level):
                w = capacity("wind", self._level_segments(sp["cap"]["wind"]["segments"], t, level * t.wind_fraction))
                s = capacity("solar", self._level_segments(sp["cap"]["solar"]["segments"], t, level * (1.0 - t.wind_fraction)))
                return w, s

            def share_at(w, s):
                re = 0.0 + w[1][:, y] * hours["wind"][:, y] / GWH_PER_TWH
                re = re + s[1][:, y] * hours["solar"][:, y] / GWH_PER_TWH
                re = re + avg["biomass"][:, y] * hours["biomass"][:, y] / GWH_PER_TWH
                return re / total[:, y]

            at_zero = share_at(*paths(0.0))
            per_gw = (share_at(*paths(PROBE_LEVEL)) - at_zero) / PROBE_LEVEL
            level = (sp["share"] - at_zero) / per_gw
            w, s = paths(level)
            avg["wind"], avg["solar"] = w[1], s[1]
        gen = {s: avg[s] * hours[s] / GWH_PER_TWH for s in SOURCES[1:]}
        imports = np.array(sp["imports"])
        others0 = 0.0
        for s in SOURCES[1:]:
            others0 = others0 + gen[s][:, 0]
        factor = cal.loss_factor
        if not np.isfinite(factor):
            coal0 = avg["coal"][:, 0] * cal.coal_hours / GWH_PER_TWH
            factor = (coal0 + others0 + imports[0]) / total[:, 0] - 1.0
        factor = np.broadcast_to(factor, (n,))[:, None]
        required = total * (1.0 + factor) - imports[None, :T]
        others = 0.0
        for s in SOURCES[1:]:
            others = others + gen[s]
        return (required - others) * GWH_PER_TWH / avg["coal"]


# ---------------------------------------------------------------------------

def peak_reset() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the RSS high-water mark (Linux)
    except OSError:
        pass


def peak_mib() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def best_of(repeats: int, fn):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _spin(n: int) -> None:
    x = 0
    for i in range(n):
        x += i


def free_cores(cores: int) -> float:
    """How many cores other work leaves this process: k processes of the same loop take k / free × one."""
    import multiprocessing as mp

    n = 5_000_000
    start = time.perf_counter()
    _spin(n)
    one = time.perf_counter() - start
    procs = [mp.Process(target=_spin, args=(n,)) for _ in range(cores)]
    start = time.perf_counter()
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    return min(cores, cores * one / (time.perf_counter() - start))


def memory_bandwidth() -> tuple[float, float]:
    """Bytes per second written by a large numpy fill, and moved (read + write) by a large copy."""
    a = np.ones(2**25)  # 256 MiB: well beyond the caches
    b = np.empty_like(a)
    t_fill, _ = best_of(5, lambda: b.fill(2.0))
    t_copy, _ = best_of(5, lambda: np.copyto(b, a))
    return a.nbytes / t_fill, 2 * a.nbytes / t_copy


def _fill_rate(n: int, barrier, rates) -> None:
    b = np.ones(n)
    barrier.wait()  # every process fills at the same time
    t, _ = best_of(5, lambda: b.fill(2.0))
    rates.put(b.nbytes / t)


def all_cores_write_bandwidth(cores: int) -> float:
    """Bytes per second written by `cores` processes filling their own arrays at once (256 MiB in all)."""
    import multiprocessing as mp

    barrier, rates = mp.Barrier(cores), mp.Queue()
    procs = [mp.Process(target=_fill_rate, args=(2**25 // cores, barrier, rates)) for _ in range(cores)]
    for proc in procs:
        proc.start()
    total = sum(rates.get(timeout=300) for _ in procs)  # a process that died raises queue.Empty, not a hang
    for proc in procs:
        proc.join()
    return total


def add_override(sc, over: dict, key: str, value: float) -> None:
    """Set one input (model unit) in an overrides dict, in the assumption's own unit."""
    m = re.fullmatch(r"(.+)\[(\d+)\]\.(\w+)", key)
    if not m:
        factor, _ = units.to_model_unit(1.0, sc.assumption(key).unit)
        over[key] = value / factor
        return
    base, i, field = m.group(1), int(m.group(2)), m.group(3)
    segments = over.setdefault(base, copy.deepcopy(sc.assumption(base).value))  # several fields of one list accumulate
    factor, _ = units.to_model_unit(1.0, segments[i]["unit"])
    segments[i][field] = value / factor


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--samples", type=int, default=1_000_000)
    p.add_argument("--loop-samples", type=int, default=200)
    p.add_argument("--streaming-samples", type=int, default=10_000_000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    cores = os.cpu_count() or 1
    print(f"machine: {cpu_name()}, {cores} cores, Python {platform.python_version()}, numpy {np.__version__}, "
          f"aipower {aipower.__version__} ({aipower.version_info()['kernel_compiler']}, {aipower.version_info()['kernel_build_type']}, "
          f"batch path: {aipower.version_info()['kernel_batch_build']})")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"cores free right now (the same pure-Python loop in 1 and {cores} processes): {free_cores(cores):.1f}")
    one_core_write, copy_bandwidth = memory_bandwidth()
    # The kernel writes from every core, so its bound is what every core writes at once.
    write_bandwidth = max(one_core_write, all_cores_write_bandwidth(cores))
    print(f"memory bandwidth: writing {one_core_write / 1e9:.1f} GB/s from one core, {write_bandwidth / 1e9:.1f} GB/s "
          f"from all {cores} (numpy fill), copying {copy_bandwidth / 1e9:.1f} GB/s read + write (numpy copy, one core)")

    inputs, h, sc = model_inputs("ai_ranges")
    uncertain = sweep.uncertain_inputs(sc)
    bindings = [u.binding for u in uncertain]
    dists = [u.distribution() for u in uncertain]
    n = args.samples
    values = _k.draw(dists, args.seed, False, n, 0, n)
    years = inputs.last_year - inputs.first_year + 1
    sy = n * years
    print(f"sweep: scenario ai_ranges, {len(bindings)} uncertain inputs, N = {n:,} scenarios × {years} years "
          f"({inputs.first_year}-{inputs.last_year}), output hours.coal\n")

    model = _k.Model(inputs, bindings, ["hours.coal"])
    results = {}

    # 1. Kernel batch call, every core, then the thread scaling.
    peak_reset()
    t_kernel, (kernel_out, ok, status) = best_of(args.repeats, lambda: model.evaluate(values, threads=0, on_error="skip"))
    results["kernel batch"] = (t_kernel, peak_mib())
    # The same call writing into a buffer reused across calls (out=): no fresh pages for the kernel to fault in.
    buffer = np.empty_like(kernel_out)
    model.evaluate(values, threads=0, on_error="skip", out=buffer)
    t_reused, _ = best_of(args.repeats, lambda: model.evaluate(values, threads=0, on_error="skip", out=buffer))
    del buffer
    # The outputs the issue names as examples (coal hours, total demand, wind+solar additions): three
    # times the bytes for nearly the same compute, so a smaller multiple of the bandwidth bound.
    wide_outputs = ["hours.coal", "demand.total", "re_share.wind_solar_additions"]
    wide = _k.Model(inputs, bindings, wide_outputs)
    wide_buffer = np.empty((n, wide.width))
    wide.evaluate(values, threads=0, on_error="skip", out=wide_buffer)
    t_wide, _ = best_of(args.repeats, lambda: wide.evaluate(values, threads=0, on_error="skip", out=wide_buffer))
    wide_written = wide_buffer.nbytes
    del wide_buffer, wide
    scaling = {}
    for threads in sorted({1, cores}):
        scaling[threads], _ = best_of(args.repeats, lambda threads=threads: model.evaluate(values, threads=threads, on_error="skip"))
    print(f"kernel: {int(status['failed'])} of {n:,} scenarios refused by the model")

    # 2. Plain numpy, vectorised over scenarios; checked against the kernel.
    nm = NumpyModel(inputs, bindings)
    peak_reset()
    t_numpy, numpy_out = best_of(1, lambda: nm.run(values))
    results["numpy vectorised"] = (t_numpy, peak_mib())
    good = ok.astype(bool)
    rel = np.max(np.abs(numpy_out[good] - kernel_out[good]) / np.abs(kernel_out[good]))
    print(f"numpy vs kernel: max relative difference {rel:.2e} over {good.sum():,} scenarios "
          f"({'same numbers' if rel < 1e-12 else 'DIFFERENT'})")

    # 3. Python loop over the single-scenario API, on a subset.
    m = args.loop_samples
    peak_reset()

    def loop():
        out = np.empty((m, years))
        for i in range(m):
            over = {}
            for key, v in zip((u.key for u in uncertain), values[i]):
                add_override(sc, over, key, float(v))
            out[i] = aipower.run(sc.with_overrides(over)).hours.loc["coal"].to_numpy()
        return out

    t_loop, loop_out = best_of(1, loop)
    results["python loop (scaled)"] = (t_loop * n / m, peak_mib())
    rel_loop = np.max(np.abs(loop_out - kernel_out[:m]) / np.abs(kernel_out[:m]))
    print(f"python loop vs kernel: max relative difference {rel_loop:.2e} over the first {m} scenarios "
          f"(overrides round-trip through the scenario's units)\n")

    print(f"{'method':<24}{'time (s)':>12}{'scenario-years/s':>20}{'vs kernel':>12}{'peak RSS (MiB)':>16}")
    for name, (t, mem) in results.items():
        print(f"{name:<24}{t:>12.3f}{sy / t:>20,.0f}{t / t_kernel:>11.1f}×{mem:>16.0f}")
    print()
    for threads, t in scaling.items():
        print(f"kernel with {threads} thread(s): {t:.3f} s, {sy / t:,.0f} scenario-years/s"
              + (f", speed-up {scaling[1] / t:.2f}×" if threads > 1 else ""))
    print(f"kernel, every core, outputs into a reused buffer (out=): {t_reused:.3f} s, {sy / t_reused:,.0f} scenario-years/s")
    written = kernel_out.nbytes
    floor = written / write_bandwidth  # writing the outputs once at the machine's write bandwidth (every core)
    print(f"outputs written: {written / 2**20:.0f} MiB; at the write bandwidth that takes {floor * 1e3:.1f} ms: "
          f"the kernel takes {t_kernel / floor:.0f}× that ({t_reused / floor:.0f}× into a reused buffer; compute-bound: "
          f"{scaling[1] / n * 1e9:.0f} ns per scenario on one thread)")
    wide_floor = wide_written / write_bandwidth
    print(f"with the outputs {', '.join(wide_outputs)}: {wide_written / 2**20:.0f} MiB written in {t_wide:.3f} s "
          f"into a reused buffer, {t_wide / wide_floor:.1f}× the {wide_floor * 1e3:.1f} ms the write bandwidth allows")

    # 4. A streaming sweep: sample → evaluate → percentiles, no outputs materialised.
    if args.streaming_samples:
        big = args.streaming_samples
        del values, kernel_out, numpy_out, loop_out, ok, good
        import gc

        gc.collect()
        before = rss_mib()
        peak_reset()
        start = time.perf_counter()
        r = sweep.run(sc, big, seed=args.seed, outputs=["hours.coal"])
        t_big = time.perf_counter() - start
        print(f"\nstreaming sweep of {big:,} scenarios (percentiles of hours.coal by year): {t_big:.2f} s, "
              f"{big * years / t_big:,.0f} scenario-years/s, peak RSS {peak_mib():.0f} MiB "
              f"({peak_mib() - before:+.0f} MiB over the {before:.0f} MiB before it); "
              f"2030 P10/P50/P90 = {r.tables['hours.coal'].loc['P10', 2030]:,.0f} / "
              f"{r.tables['hours.coal'].loc['P50', 2030]:,.0f} / {r.tables['hours.coal'].loc['P90', 2030]:,.0f} h")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
