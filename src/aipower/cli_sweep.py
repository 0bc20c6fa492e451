"""`aipower sweep`: percentile tables by year and a tornado table for a scenario's uncertain inputs.

    aipower sweep [--scenario NAME|FILE] --samples N [--seed S] [--threads T] [--latin]
                  [--outputs hours.coal,demand.total,...] [--tornado-output OUTPUT] [--tornado-year YEAR]
                  [--tornado-quantiles LOW,HIGH] [--dask ADDRESS] --out DIR [--force]

Writes, atomically, ``percentiles_<output>.csv`` (rows P5 P10 P50 P90 P95 mean,
columns years, then unit), ``tornado.csv`` and ``sweep.json`` (seed, samples, base year, failures,
error bound, the outputs' units, the uncertain inputs, and what produced them: the package, kernel
and data versions, the scenario's files with their SHA-256 and its overrides). The arguments and the output folder are
checked before the sweep; the files are written all or nothing, so Ctrl-C (which
stops between chunks) or an error leaves the folder as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import sweep
from ._io import atomic_write_all, check_targets, csv_writer, text_writer
from .cli import out_path, print_paths, scenario_arg, year_arg
from .scenario import shown_paths


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def _timeout(text: str) -> float:
    """--dask-timeout: named by the option, before any work (the sweep said 'dask_timeout = 0.0' once
    connecting). The range is the one `sweep.run` accepts."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected seconds in (0, {sweep.MAX_DASK_TIMEOUT:g}]") from None
    if not 0 < seconds <= sweep.MAX_DASK_TIMEOUT:  # NaN fails too
        raise argparse.ArgumentTypeError(f"{text!r}: expected seconds in (0, {sweep.MAX_DASK_TIMEOUT:g}]")
    return seconds


def _quantile_pair(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        low, high = (float(x) for x in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected two probabilities LOW,HIGH, e.g. 0.1,0.9") from None
    if not 0 < low < high < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected probabilities with 0 < LOW < HIGH < 1, e.g. 0.1,0.9")
    return low, high


class SweepCommand:
    name = "sweep"

    def add_parser(self, subparsers) -> None:
        p = subparsers.add_parser("sweep", help="percentiles and a tornado over a scenario's uncertain inputs")
        p.add_argument("--scenario", default="ai_ranges", metavar="NAME|FILE", type=scenario_arg,
                       help="scenario with ranges or distributions (default: ai_ranges)")
        p.add_argument("--base-year", type=year_arg, default=None, metavar="YEAR", help="rebase, e.g. 2025")
        p.add_argument("--samples", type=_positive_int, required=True, metavar="N", help="number of samples")
        p.add_argument("--seed", type=_positive_int, default=0, metavar="S", help="random seed (default 0)")
        p.add_argument("--threads", type=_positive_int, default=0, metavar="T", help="threads (default 0: every core; with --dask, threads inside each chunk on a worker, 0: one)")
        p.add_argument("--latin", action="store_true", help="Latin hypercube sampling")
        p.add_argument("--outputs", default=None, metavar="LIST",
                       help="comma-separated outputs (default: " + ",".join(sweep.DEFAULT_OUTPUTS) + ")")
        p.add_argument("--tornado-output", default="hours.coal", metavar="OUTPUT", help="output of the tornado (default hours.coal)")
        p.add_argument("--tornado-year", type=year_arg, default=None, metavar="YEAR",
                       help=f"year of the tornado (default {sweep.TORNADO_YEAR}, or the base year if later, "
                            "or the horizon's last year if earlier)")
        p.add_argument("--tornado-quantiles", type=_quantile_pair, default=None, metavar="LOW,HIGH",
                       help="swing each input between these quantiles of its distribution, e.g. 0.1,0.9 "
                            "(default: a range's or triangular's bounds; P5/P95 of a normal or lognormal, bounded or not)")
        p.add_argument("--dask", default=None, metavar="ADDRESS", help="run the chunks on a Dask scheduler, e.g. tcp://host:8786")
        p.add_argument("--dask-timeout", type=_timeout, default=None, metavar="SECONDS",
                       help=f"give up if the scheduler does not answer (default {sweep.DEFAULT_DASK_TIMEOUT:g} s)")
        p.add_argument("--out", required=True, type=out_path, metavar="DIR", help="output directory (created if missing)")
        p.add_argument("--force", action="store_true", help="replace files that already exist in DIR")
        p.add_argument("--no-progress", action="store_true", help="no progress bar")

    def run(self, args: argparse.Namespace) -> int:
        if args.dask_timeout is not None and args.dask is None:  # a timeout given for nothing is a mistake to say
            raise ValueError(f"--dask-timeout: {args.dask_timeout:g} s given without --dask; it is how long to wait "
                             "for a Dask scheduler, and a sweep without --dask runs on this machine")
        outputs = args.outputs
        try:
            chosen = sweep.chosen_outputs(args.scenario, outputs, base_year=args.base_year)
        except ValueError as exc:  # named by its option: "output: 'foo' is not an output" did not say which
            if str(exc).startswith(("output: ", "outputs = ")):
                raise ValueError(f"--outputs: {exc}") from None
            raise
        names = [f"percentiles_{o}.csv" for o in chosen]
        # refused before the sweep, not after it: a long run must not end on an existing file or a
        # folder it cannot write in, nor on a bad tornado argument
        check_targets([args.out / name for name in [*names, "tornado.csv", "sweep.json"]], overwrite=args.force)
        tornado = self._tornado(args)
        # Ctrl-C (KeyboardInterrupt) goes to the command line's handler: nothing is written before the end;
        # a scenario without uncertain inputs (no tornado) is refused here at once
        try:
            with _quiet_dask(args.dask is not None):
                result = sweep.run(args.scenario, args.samples, seed=args.seed, threads=args.threads, outputs=outputs,
                                   latin=args.latin, base_year=args.base_year, dask=args.dask,
                                   dask_timeout=args.dask_timeout, progress=not args.no_progress and sys.stderr.isatty())
        except ValueError as exc:  # named by its option too, as the tornado's are: --samples: samples = 0: ...
            for name in ("samples", "seed", "threads", "outputs", "dask"):
                if str(exc).startswith(f"{name} = "):
                    raise ValueError(f"--{name}: {exc}") from None
            raise
        assert tornado is not None  # the sweep varies the inputs the tornado swings
        # a unit column last, as in `aipower tables`
        files = {args.out / f"percentiles_{name}.csv": csv_writer(table.assign(unit=sweep.output_unit(name)), index=True)
                 for name, table in result.tables.items()}
        # the output and year the swings are of, last, so the file read alone says what it measures
        files[args.out / "tornado.csv"] = csv_writer(
            tornado.assign(output=args.tornado_output, year=tornado.attrs.get("year"),
                           output_unit=sweep.output_unit(args.tornado_output)), index=False)
        earlier = _earlier_percentiles(args.out, list(files))
        meta = {
            "command": "sweep", "scenario": result.scenario, "base_year": result.base_year,
            "samples": result.samples, "seed": result.seed, "latin": result.latin,
            "percentile_relative_error": result.alpha,
            "percentile_definition": "lower sample quantile (numpy method='lower'), within the relative error",
            "failed": result.failed, "first_failure": result.first_failure,
            "units": {name: sweep.output_unit(name) for name in result.tables},
            # this run's files: a folder reused with --force may hold an earlier run's other percentile files
            "files": sorted(p.name for p in [*files, args.out / "sweep.json"]),
            "tornado": {"output": args.tornado_output, "unit": sweep.output_unit(args.tornado_output),
                        "year": tornado.attrs.get("year"),
                        "quantiles": list(args.tornado_quantiles) if args.tornado_quantiles else None,
                        "swing": ("quantiles {:g}, {:g} of each input".format(*args.tornado_quantiles)
                                  if args.tornado_quantiles else "a range's or triangular's bounds; P5, P95 of a normal or lognormal")},
            "inputs": json.loads(result.inputs.to_json(orient="records")),
            # what was left out or refused, as printed, and an earlier sweep's files left beside these
            "notes": [shown_paths(n) for n in [*result.notes, *earlier]],
            # what produced the files: versions, the scenario's files (with their SHA-256) and overrides
            "provenance": result.provenance,
        }
        files[args.out / "sweep.json"] = text_writer(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        for note in result.notes:
            print(f"aipower: note: {note}", file=sys.stderr)
        # every file before any name is printed: a closed pipe (`| head`) or Ctrl-C leaves all or none
        print_paths(atomic_write_all(files, overwrite=args.force, force_hint="--force"), notes=earlier)
        return 0

    @staticmethod
    def _tornado(args: argparse.Namespace):
        """The tornado table, computed (in a fraction of a second) before the sweep: its output
        and year are checked, by the functions the sweep uses, before any sampling. None for a
        scenario without uncertain inputs, which the sweep refuses in more helpful words."""
        try:
            return sweep.tornado(args.scenario, args.tornado_output, args.tornado_year, threads=args.threads,
                                 quantiles=args.tornado_quantiles, base_year=args.base_year)
        except ValueError as exc:  # the kernel's output-name errors start "output", the year's "year ="
            if str(exc).startswith("output"):
                raise ValueError(f"--tornado-output {args.tornado_output}: {exc}") from None
            if str(exc).startswith("year = "):  # a year given: the default is always one of the horizon's
                raise ValueError(f"--tornado-year {args.tornado_year}: {exc}") from None
            if str(exc).startswith("threads = "):  # the tornado runs first, on the sweep's threads
                raise ValueError(f"--threads: {exc}") from None
            if "no uncertain assumptions for a tornado" in str(exc):
                return None  # sweep.run refuses the scenario before any sampling, saying what to do instead
            raise


@contextlib.contextmanager
def _quiet_dask(quiet: bool) -> Iterator[None]:
    """distributed's own log while a sweep runs on it: a scheduler that dies mid-run logged tracebacks
    to stderr before the sweep's one-line error said the same."""
    if not quiet:
        yield
        return
    # distributed gives some of its loggers (distributed.client) levels of their own, made on import
    with contextlib.suppress(ImportError):  # not installed: the sweep says so
        import distributed  # noqa: F401
    names = ["distributed", *(n for n in logging.root.manager.loggerDict if n.startswith("distributed."))]
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


COMMAND = SweepCommand()


def _earlier_percentiles(folder: Path, written: Sequence[Path]) -> list[str]:
    """A note naming percentile files in `folder` this sweep did not write: left by an earlier sweep
    of other outputs (kept, as --force replaces only this run's files), they would read as this run's."""
    ours = {Path(p).name for p in written}
    left = sorted(p.name for p in folder.glob("percentiles_*.csv") if p.name not in ours)
    if not left:
        return []
    return [f"{folder} also holds {', '.join(left)}, not from this sweep (kept; sweep.json lists this run's files)"]
