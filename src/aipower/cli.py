"""The `aipower` command line: run the model, write its tables, check the calibration.

    aipower run [--scenario NAME|FILE] [--base-year YEAR]
    aipower tables [--scenario NAME|FILE] [--base-year YEAR] --out DIR [--force]
    aipower calibrate
    aipower params [--scenario NAME|FILE]
    aipower version
"""

from __future__ import annotations

import argparse
import codecs
import errno
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from . import __version__, calibration, uncertainty, units, version_info
from ._io import Interrupted, atomic_write_all, check_targets, csv_writer, stop_signals_handled, text_writer
from .balance import TABLES, UNITS, BalanceResult, row_unit, run
from .calculator_tables import TABLES as CALCULATOR_TABLES
from .scenario import SHIPPED, Scenario, _kind, load_scenario, result_provenance, shown_paths, unambiguous_text


def _home(text: str) -> str:
    """A leading ~ as the home folder: a shell expands only an unquoted one ('~/out' in quotes, as in
    a crontab, made a folder named '~' here)."""
    return os.path.expanduser(text) if text.startswith("~") else text


def out_path(text: str) -> Path:
    """An --out argument: an empty one (an unset $OUTDIR) is refused, not read as this folder; a
    leading ~ is the home folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected a path (./ for this folder), not an empty text")
    return Path(_home(text))


def in_path(text: str) -> Path:
    """A file argument (recalc's BOOK.xlsx): a leading ~ is the home folder."""
    return Path(_home(text))


def scenario_arg(text: str) -> str:
    """A --scenario argument: a leading ~ is the home folder, as in the Excel layer."""
    return _home(text)


def year_arg(text: str) -> int:
    """--base-year, --tornado-year: argparse's own refusal said 'invalid int value: '2025年''."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year; expected a whole number such as 2025") from None


def scenario_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", default="base", metavar="NAME|FILE", type=scenario_arg,
                   help=f"shipped scenario ({', '.join(SHIPPED)}) or a scenario TOML file (default: base)")
    p.add_argument("--base-year", type=year_arg, default=None, metavar="YEAR",
                   help="rebase on a later year, e.g. 2025 (2024-2034 with the packaged data; default: the "
                        "scenario's, 2024)")


class _HelpFormatter(argparse.HelpFormatter):
    """Help text wrapped between words only: argparse broke an option at its hyphen ('--in-' / 'place')."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        import textwrap

        return textwrap.wrap(self._whitespace_matcher.sub(" ", text).strip(), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - len(indent)))


class _Parser(argparse.ArgumentParser):
    """An option must be spelled out: argparse's prefix matching read a typo such as `--fo` or `--in` as
    --force or --in-place, the flags that replace files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        """One line, as every other error: argparse printed its usage block first (7 lines for a typo)."""
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _segment_text(seg: dict[str, Any]) -> str:
    """A segment as `params` lists it: 'glide 2027-2030: from 0.029, to 0.02 ~ triangular mode 0.02 in 0.015
    to 0.03 fraction/yr'."""
    years = seg.get("years")
    span = str(years)
    if isinstance(years, list) and len(years) == 2:
        span = f"{years[0]}" if years[0] == years[1] else f"{years[0]}-{years[1]}"
    fields = []
    for name, value in seg.items():
        if name in ("method", "years", "unit", "source"):
            continue
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        if uncertainty.is_uncertain(value):  # what a sweep samples, as `~` shows it for a single value
            spec = uncertainty.check(value)  # with its point value and `dist` filled in, as the loader reads it
            shown = f"{spec['value']:g} ~ {uncertainty.describe(spec)}"
        fields.append(f"{name} {shown}")
    return f"{seg.get('method')} {span}: {', '.join(fields)} {seg.get('unit', '')}".rstrip()


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aipower", description="China power balance, AI data-center demand and token cost.")
    p.add_argument("--version", action="version", version=f"aipower {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    r = sub.add_parser("run", help="run a scenario and print its tables")
    scenario_args(r)
    t = sub.add_parser("tables", help="write one CSV per table to a directory")
    scenario_args(t)
    t.add_argument("--out", required=True, type=out_path, metavar="DIR", help="output directory (created if missing)")
    t.add_argument("--force", action="store_true", help="replace CSV files that already exist in DIR")
    sub.add_parser("calibrate", help="compare the model with the seed-1 headlines, and its first projected year with "
                                     "that year's actuals (markdown tables)")
    pa = sub.add_parser("params", help="list every assumption of a scenario with value, unit and source")
    scenario_args(pa)
    sub.add_parser("version", help="package, kernel build and data vintage")
    for command in _plugin_commands():
        command.add_parser(sub)
    return p


def _plugin_commands() -> list:
    """Commands defined in other modules: each has add_parser(subparsers) and run(args) -> int,
    and `name` (the subcommand). Listed here so `aipower --help` shows them all."""
    commands: list = []
    # [commands from other issues: import and append below this line]
    # [issue-4 excel: commands below this line]
    from . import cli_excel
    commands.extend(cli_excel.commands())
    # [issue-5 sweeps: commands below this line]
    from .cli_sweep import COMMAND as sweep_command

    commands.append(sweep_command)
    return commands


def _fmt(df: pd.DataFrame, name: str) -> str:
    def cell(row: str, v: float) -> str:
        if row in ("total_growth", "non_hydro_share"):
            return f"{v:.1%}"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"

    shown = pd.DataFrame({c: [cell(str(r), float(v)) for r, v in df[c].items()] for c in df.columns}, index=df.index)
    return shown.to_string()


def _readable(v: float) -> str:
    """Four significant digits; thousands separated up to 10^12, scientific beyond (FLOP counts)."""
    return f"{v:,.0f}" if 1e4 <= abs(v) < 1e12 else f"{v:.4g}"


def _print_result(result: BalanceResult, sc: Scenario) -> None:
    # every table built before the first line: an input a calculator table refuses fails the command
    # without leaving half its output in a redirected file
    calculators = {name: build(sc) for name, build in CALCULATOR_TABLES.items()}
    print(f"aipower {__version__} — scenario '{sc.name}'" + (f": {sc.description}" if sc.description else ""))
    why = (" (below zero: consumption already includes own use and losses, and the factor carries the "
           "generation of thermal plants the model has no row for; README, 'Balance')") if result.loss_factor < 0 else ""
    print(f"base year {result.base_year}; loss/own-use factor {result.loss_factor:+.2%}{why}")
    for note in result.notes:
        print(f"  note: {note}")
    for name in TABLES:
        # the fractions _fmt shows as percentages, said so in the header
        print(f"\n{name} [{UNITS[name].replace('fraction', '%')}]")
        print(_fmt(getattr(result, name), name))
    if result.requirement is not None:
        r = result.requirement
        print(f"\nrenewable requirement: {r.level_gw_per_year:,.1f} GW/yr of wind+solar in {r.first_year}-{r.last_year} "
              f"for a {100 * r.target_share:.4g}% non-hydro share in {r.target_year} "
              f"({0.01 / r.share_per_gw_per_year:,.1f} GW/yr per point of share)")
    for name, table in calculators.items():
        print(f"\n{name}")
        print(table.to_string(index=False, float_format=_readable))


def _write_tables(result: BalanceResult, sc: Scenario, out: Path, force: bool) -> list[Path]:
    # a unit column last, as the calculator tables have
    frames = {name: getattr(result, name).assign(unit=[row_unit(name, r) for r in getattr(result, name).index])
              for name in TABLES}
    frames.update({name: build(sc) for name, build in CALCULATOR_TABLES.items()})
    targets = {name: out / f"{name}.csv" for name in frames}
    record = out / TABLES_RECORD
    check_targets([*targets.values(), record], overwrite=force)
    files: dict[str | Path, Callable[[Path], None]] = {
        targets[name]: csv_writer(df, index=df.index.name == "row") for name, df in frames.items()}
    # the CSVs hold numbers only: this says what produced them (a folder reused with --force may hold
    # other files, so the list is this run's)
    files[record] = text_writer(json.dumps({
        "command": "tables", "scenario": sc.name, "base_year": result.base_year,
        "files": sorted(p.name for p in [*targets.values(), record]),
        "loss_factor": result.loss_factor, "units": {"loss_factor": "fraction"},
        "notes": [shown_paths(n) for n in result.notes],
        "provenance": result_provenance(sc),  # as sweep.json's
    }, indent=2, ensure_ascii=False) + "\n")
    # all or nothing: Ctrl-C or an error mid-way leaves DIR as it was
    return atomic_write_all(files, overwrite=force)


# written by `aipower tables` beside its CSVs: the versions, scenario files (SHA-256) and overrides
TABLES_RECORD = "tables.json"


class StdoutError(OSError):
    """Standard output could not be written (a full disk, an I/O error): not one of the command's files."""

    paths: Sequence[Path] = ()  # the files the command wrote before (print_paths sets them)


# Control characters other than line breaks and tabs, as C0, DEL and C1 codes: a scenario file or
# workbook received from elsewhere names itself, its sources or its cells in what a command prints,
# and an escape sequence there cleared the screen, set the window title or (OSC 52, on terminals that
# honour it) the clipboard. Shown as Python writes them ('\x1b'); the progress bar's \r is kept.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with its control characters written out (ESC as '\\x1b'), for a terminal or a log."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class _GuardedStdout:
    """sys.stdout while a command runs: a failed write raises StdoutError, so that it is not blamed on
    the command's files (`> /dev/full` said "OUT: No space left on device" of a folder written in full).
    A closed pipe (`| head`) stays a BrokenPipeError."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def _guarded(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise StdoutError(exc.errno, exc.strerror or str(exc)) from None

    def write(self, text: str) -> int:
        return self._guarded(lambda: self._stream.write(terminal_safe(text)))

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _LossyStderr:
    """sys.stderr that cannot be written (a log on a full disk, `2>/dev/full`): a failed write of a
    message loses the message, not the command. Without this, the note or error printed on the way
    out raised, and the exit status became 1, the status of `regenerate --check` for a stale workbook."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(terminal_safe(text))
        except OSError:
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError:
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _ClosedStdout:
    """sys.stdout where the process started without one (Python sets None and print() drops the text)."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    def flush(self) -> None:
        pass


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


def _stdout_error(exc: StdoutError) -> str:
    written = ""
    if len(exc.paths) == 1:
        written = f"; the file is written ({exc.paths[0]})"
    elif exc.paths:
        folders = ", ".join(dict.fromkeys(str(p.parent) for p in exc.paths))
        written = f"; the files are written ({len(exc.paths)} in {folders})"
    return f"standard output: cannot write to it ({exc.strerror}){written}"


# A refusal of the base year, as the API words it: the command line's --base-year is an override to it
_BASE_YEAR_REFUSED = re.compile(r"(?:override: horizon\.)?base_year = (-?\d+): ")  # (the API's base_year argument)


def error_text(exc: BaseException, where: Path | None = None, base_year: int | None = None) -> str:
    """An error as the user reads it: an OSError without the "[Errno N]" Python puts before it, and
    naming the path it concerns (the system names none for a full disk, say; then `where`). A
    refusal of `base_year` (--base-year) names the option, not the assumption it overrides. Files an
    undoing could not remove or restore (a folder turned read-only meanwhile) are named after it."""
    text = _error_text(exc, where, base_year)
    left = getattr(exc, "aipower_left", None)
    text = f"{text}; could not remove or restore {', '.join(map(str, left))}" if left else text
    # one line, as a log's reader greps it: a formula quoted with its line breaks (Alt+Enter) spanned three
    return " ⏎ ".join(line.strip() for line in text.splitlines()) if "\n" in text or "\r" in text else text


def _error_text(exc: BaseException, where: Path | None, base_year: int | None) -> str:
    if isinstance(exc, StdoutError):
        return _stdout_error(exc)
    if not (isinstance(exc, OSError) and exc.strerror):
        text = str(exc)
        m = _BASE_YEAR_REFUSED.match(text)
        if base_year is not None and m and int(m.group(1)) == base_year:
            return f"--base-year {base_year}: {text[m.end():]}"
        return text
    if exc.filename is not None:
        return f"{exc.filename}: {exc.strerror}"
    if where is not None and str(where) not in exc.strerror:
        return f"{where}: {exc.strerror}"
    return exc.strerror


def print_paths(paths: Sequence[Path], line=str, footer: str | None = None, notes: Sequence[str] = ()) -> None:
    """Print the files a command wrote, one a line (then `footer`), after its `notes` (to stderr);
    Ctrl-C meanwhile is reported as such: they are all written."""
    try:
        for note in notes:
            print(f"aipower: note: {note}", file=sys.stderr)
        for path in paths:
            print(line(path))
        if footer is not None:
            print(footer)
        _flush_stdout()  # a full disk behind `> list.txt` is found here, while the files are known
    except KeyboardInterrupt:
        raise Interrupted(paths) from None
    except StdoutError as exc:
        exc.paths = list(paths)
        raise


def _console_escape(exc: UnicodeError) -> tuple[bytes, int]:
    """Encoding error handler for a console that cannot show a character: a file name's undecodable
    bytes (surrogate escapes) go out as they came in, anything else as an escape (\\u4ebf)."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else ch.encode("ascii", "backslashreplace")
    return bytes(out), exc.end


codecs.register_error("aipower-console", _console_escape)


def _writable_text_streams() -> None:
    """Make sure stdout and stderr can print the model's units and sources (亿kWh, →) and any file name.

    Redirected output on Windows uses the ANSI code page (cp1252, or GBK on Chinese Windows), and in
    the C locale ASCII, none of which can encode all of them, so `aipower params > file.txt` would
    fail or escape some: a file or pipe gets UTF-8 instead, a console that cannot show a character
    gets an escape (\\u4ebf) in its place. File names given on the command line that are not valid
    in the locale's encoding (Python keeps their bytes as surrogate escapes) are printed as the bytes
    they were given as, never an encoding error.
    """
    for stream in (sys.stdout, sys.stderr):
        if not hasattr(stream, "reconfigure"):
            continue
        encoding = getattr(stream, "encoding", None) or "utf-8"
        tty = hasattr(stream, "isatty") and stream.isatty()
        try:
            "亿—→".encode(encoding)
            # a file or pipe in a code page that has these (GBK, on Chinese Windows) still lacks others the
            # output uses (−, ³): it gets UTF-8 too, so the same command writes the same file everywhere
            encodable = tty or codecs.lookup(encoding).name.startswith("utf")
        except (UnicodeEncodeError, LookupError):
            encodable = False
        if encodable:
            # a file name's undecodable bytes, as given (stderr's backslashreplace showed them as \udcff)
            if getattr(stream, "errors", None) in ("strict", "backslashreplace"):
                stream.reconfigure(errors="aipower-console")
        elif tty:
            stream.reconfigure(errors="aipower-console")
        else:
            stream.reconfigure(encoding="utf-8", errors="surrogateescape")


def _interrupted(exc: KeyboardInterrupt, command: str | None) -> int:
    """Ctrl-C: one line on what was written (all of a command's files, or none), exit status 130."""
    who = f"aipower: {command} interrupted" if command else "aipower: interrupted"
    paths = getattr(exc, "paths", None)
    left = getattr(exc, "aipower_left", None)
    if left:
        what = f"could not remove or restore {', '.join(map(str, left))}"
    elif paths:
        folders = ", ".join(dict.fromkeys(str(p.parent) for p in paths))
        what = f"all {len(paths)} files were written ({folders})"
    else:
        what = "nothing written"
    try:
        print(f"{who}: {what}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed
        pass
    return 130


def main(argv: Sequence[str] | None = None) -> int:
    # Started with stderr closed (`2>&-`, a supervisor without fd 2): Python's sys.stderr is None, and
    # print(file=None) writes to stdout, so notes and errors went into the data; a progress bar's
    # sys.stderr.isatty() failed. Messages then go nowhere, as the caller chose; exit statuses stand.
    stderr = sys.stderr
    if stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
    else:
        sys.stderr = _LossyStderr(stderr)
    try:
        return _main_with_streams(argv)
    finally:
        if stderr is None:
            sys.stderr.close()
        sys.stderr = stderr


def _main_with_streams(argv: Sequence[str] | None) -> int:
    command = None
    with stop_signals_handled():  # SIGTERM / SIGHUP (kill, timeout, systemctl stop) as Ctrl-C
        try:
            _writable_text_streams()
            args = _parse(argv)
            if isinstance(args, int):  # --help or --version printed, or could not print
                return args
            command = args.command
            stdout = sys.stdout
            if stdout is not None:
                sys.stdout = _GuardedStdout(stdout)
            elif os.name == "posix":  # started with stdout closed (`aipower run >&-`): a result printed is lost
                sys.stdout = _GuardedStdout(_ClosedStdout())
            # (elsewhere None means no console, e.g. pythonw: print() then writes nothing)
            try:
                return _main(args)
            finally:
                sys.stdout = stdout
        except KeyboardInterrupt as exc:  # Ctrl-C: anywhere, never a traceback
            return _interrupted(exc, command)


class _WriteProbe:
    """sys.stdout while argparse runs: argparse drops an OSError of its --help and --version output
    (a full disk behind `> file` gave exit status 0 and nothing written); this keeps the first."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.error = self.error or exc
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed command line, or the exit status where --help or --version could not print: 2 on a
    failed write (said why), 0 on a pipe closed early (`| head`), as for every command's output."""
    stdout = sys.stdout
    probe = _WriteProbe(stdout) if stdout is not None else None
    sys.stdout = probe if probe is not None else stdout
    try:
        return _parser().parse_args(argv)
    except SystemExit as exc:
        if exc.code not in (0, None) or probe is None:
            raise
        try:
            stdout.flush()
        except OSError as err:
            probe.error = probe.error or err
        if probe.error is None:
            raise
        if isinstance(probe.error, BrokenPipeError):
            sys.stderr.close()  # as in _main: no "Exception ignored" when Python flushes the pipe at exit
            return 0
        print(f"aipower: error: standard output: cannot write to it ({probe.error.strerror})", file=sys.stderr)
        return 2
    finally:
        sys.stdout = stdout


def _main(args: argparse.Namespace) -> int:
    try:
        plugin = next((c for c in _plugin_commands() if c.name == args.command), None)
        if plugin is not None:
            status = int(plugin.run(args))
            _flush_stdout()
            return status
        if args.command == "version":
            for k, v in version_info().items():
                print(f"{k}: {v}")
        elif args.command == "calibrate":
            print(calibration.markdown())
            for case in calibration.BACKCAST_SCENARIOS:
                print(f"\n{calibration.BACKCAST_TITLE.format(case=case.upper() if case == 'ai' else case)}:\n")
                print(calibration.backcast_markdown(scenario=case))
        elif args.command == "params":
            sc = load_scenario(args.scenario, base_year=args.base_year)
            if args.base_year is not None:  # a year the model cannot start from is refused, as by `run`
                from ._build import horizon

                horizon(sc)
            for a in sc.assumptions():
                if a.is_actual:  # the number it resolves to, with the series and year it comes from
                    value, where = sc.listed_actual(a.key)
                    print(f"{a.key} = {value:g} [{units.model_unit(a.unit)}] — {where}: {a.source}")
                    continue
                if _kind(a.value) == "list of segments":  # one line per segment, as written, not a Python list of dicts
                    print(f"{a.key} [{a.unit}]:")
                    for i, seg in enumerate(a.value):
                        print(f"  [{i}] {_segment_text(seg)} — {seg.get('source') or a.item_origin(i)}")
                    continue
                spread = f" ~ {uncertainty.describe(a.uncertainty)}" if a.uncertainty else ""  # what a sweep samples
                # 1.275 as 1.2750: carried back as '1.2750 kW per accelerator', it is not refused as ambiguous
                print(f"{a.key} = {unambiguous_text(a.value)}{spread} [{a.unit}] — {a.source}")
        else:
            sc = load_scenario(args.scenario, base_year=args.base_year)
            result = run(sc)
            if args.command == "run":
                _print_result(result, sc)
            else:
                print_paths(_write_tables(result, sc, args.out, args.force))
        _flush_stdout()  # buffered output that cannot be written fails here, reported below
    except BrokenPipeError:  # output piped into `head` and closed early (an OSError: caught first); files are
        sys.stderr.close()   # written in full before their names are printed
        return 0
    except (ValueError, OSError) as exc:  # OSError: what the system refuses, OutputExistsError, StdoutError
        print(f"aipower: error: {error_text(exc, getattr(args, 'out', None), getattr(args, 'base_year', None))}",
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
