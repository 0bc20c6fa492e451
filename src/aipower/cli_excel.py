"""Excel commands of the `aipower` command line (registered in `cli._plugin_commands`).

    aipower regenerate [--scenario NAME|FILE] [--base-year YEAR] --out DIR [--force]
    aipower recalc BOOK.xlsx (--out OUT.xlsx | --in-place) [--force]
    aipower functions [--markdown]
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from functools import partial
from pathlib import Path

from ._io import EXCEL_EXTRA, MissingExtraError, OutputExistsError
from .cli import error_text, in_path, out_path, print_paths, scenario_args

_EXTRA = f"the Excel commands need {EXCEL_EXTRA}"


def _workbooks(n: int) -> str:
    return f"{n} workbook{'' if n == 1 else 's'}"


def _missing(exc: ImportError) -> int:
    print(f"aipower: error: {_EXTRA} ({exc.detail if isinstance(exc, MissingExtraError) else exc})", file=sys.stderr)
    return 2


class RegenerateCommand:
    name = "regenerate"

    def add_parser(self, sub: argparse._SubParsersAction) -> None:
        p = sub.add_parser("regenerate", help="write the template workbooks (.xlsx) computed for a scenario",
                           description="Write the template workbooks computed for a scenario. sweep.xlsx sweeps "
                                       "the scenario's ranges; a scenario without any (base, ai) gets ai_ranges "
                                       "there, and the command says so.")
        scenario_args(p)
        p.add_argument("--out", required=True, type=out_path, metavar="DIR", help="output directory (created if missing)")
        p.add_argument("--force", action="store_true", help="replace workbooks that already exist in DIR")
        p.add_argument("--only", action="append", metavar="NAME", help="build only this template (repeatable)")
        p.add_argument("--check", action="store_true",
                       help="write nothing: check that the workbooks in DIR are what the builder makes now")

    def run(self, args: argparse.Namespace) -> int:
        try:
            from xlsxwriter.exceptions import XlsxFileError

            from . import workbooks
        except ImportError as exc:
            return _missing(exc)
        try:
            workbooks.check_storable(args.scenario, "--scenario")
            args.only = workbooks.template_names(args.only) if args.only else args.only
        except ValueError as exc:
            print(f"aipower: error: {exc}", file=sys.stderr)
            return 2
        if args.check:
            if args.force:  # --check writes nothing, so a --force with it would be silently ignored
                print("aipower: error: --force: --check writes nothing, so there is nothing for --force to replace; "
                      "drop --check to rebuild the workbooks", file=sys.stderr)
                return 2
            return self._check(args, workbooks)
        try:
            start = time.perf_counter()
            # before writing: a Ctrl-C after the files are in place is then reported as such (print_paths)
            notes = workbooks.regenerate_notes(args.scenario, args.base_year, args.only)
            replaced = (_replaced(args.out, workbooks.template_names(args.only) if args.only else list(workbooks.TEMPLATES))
                        if args.force else {})
            # all or nothing: an error or Ctrl-C mid-way leaves the folder as it was
            paths = workbooks.regenerate(args.out, scenario=args.scenario, base_year=args.base_year,
                                         overwrite=args.force, only=args.only)
            notes += _kept(replaced, workbooks)
        except (ValueError, OSError, XlsxFileError) as exc:  # xlsxwriter's FileCreateError on a full disk
            print(f"aipower: error: {error_text(exc, args.out, args.base_year)}", file=sys.stderr)
            return 2
        print_paths(paths, lambda p: f"{p}  ({p.stat().st_size / 1024:,.0f} KiB)", notes=notes,
                    footer=f"{_workbooks(len(paths))} for scenario '{args.scenario}' in {args.out.resolve()} "
                           f"({time.perf_counter() - start:.1f} s)")
        return 0

    @staticmethod
    def _check(args: argparse.Namespace, workbooks) -> int:
        import tempfile

        if args.out.exists() and not args.out.is_dir():  # else every workbook is "missing", and the fix-it fails
            print(f"aipower: error: --out {args.out} is a file: expected the folder of workbooks to check", file=sys.stderr)
            return 2
        if args.out.is_symlink() and not args.out.exists():  # likewise
            print(f"aipower: error: --out {args.out} is a symbolic link to a missing target ({os.readlink(args.out)}): "
                  "expected the folder of workbooks to check", file=sys.stderr)
            return 2

        with tempfile.TemporaryDirectory() as tmp:
            try:
                fresh = workbooks.regenerate(tmp, scenario=args.scenario, base_year=args.base_year, only=args.only)
            except ValueError as exc:
                print(f"aipower: error: {error_text(exc, base_year=args.base_year)}", file=sys.stderr)
                return 2
            from .recalc import UnreadableWorkbook, check_regular_file, check_size, reading

            stale, folders, unreadable, other = [], [], [], []
            for path in fresh:
                committed = args.out / path.name
                if committed.is_dir():
                    stale.append(f"{committed}: a folder where the workbook goes (--force does not replace folders: "
                                 "move it away)")
                    folders.append(committed)
                    continue
                try:
                    with reading(committed):  # a damaged file (bad CRC, cut XML): a line, not a traceback
                        if committed.exists():  # a FIFO, or a zip that unpacks to gigabytes: refused, not read
                            check_regular_file(committed)
                            check_size(committed)
                        diffs = (workbooks.compare(committed, path, labels=("the file", "the builder's"))
                                 if committed.exists() else ["missing"])
                except UnreadableWorkbook as exc:  # a file that is no workbook
                    if exc.io_error:  # one that could not be read is not known to be stale: an error, as for a folder
                        unreadable.append(f"{committed}: cannot read it ({exc.reason})")
                        continue
                    diffs = [f"not a readable workbook ({exc.reason})"]
                if diffs:
                    stale.append(f"{committed}: {'; '.join(diffs[:5])}")
                    built_for = workbooks.stored_inputs(committed) if committed.exists() else None
                    checked_for = workbooks.stored_inputs(path)
                    if built_for is not None and built_for != checked_for:
                        other.append((committed, built_for, checked_for))
        for line in stale:
            print(line, file=sys.stderr)
        if unreadable:
            for line in unreadable:
                print(f"aipower: error: {line}", file=sys.stderr)
            return 2
        if other:
            # a folder built for another scenario or base year differs everywhere: say so, and do not offer
            # --force, which would replace its workbooks with this scenario's
            def inputs(held: tuple[str, int | None], other_year: int | None) -> str:
                # a blank base year is the scenario's own: said where the other side names one
                year = (f", base year {held[1]}" if held[1] is not None else
                        ", its own base year" if other_year is not None else "")
                return f"scenario {held[0]!r}{year}"

            for committed, built_for, checked_for in other:
                print(f"aipower: note: {committed} holds {inputs(built_for, checked_for[1])} in its Inputs sheet; "
                      f"checked against {inputs(checked_for, built_for[1])}", file=sys.stderr)
            print(f"aipower: {_workbooks(len(stale))} stale or edited, {len(other)} of them built for other inputs: "
                  "check them with the --scenario and --base-year they hold", file=sys.stderr)
            return 1
        if stale:
            # the command that rebuilds what was checked: the same scenario, base year and templates
            again = ["aipower", "regenerate", "--out", str(args.out)]
            if args.scenario != "base":
                again += ["--scenario", args.scenario]
            if args.base_year is not None:
                again += ["--base-year", str(args.base_year)]
            for name in args.only or []:
                again += ["--only", name]
            n, it = len(stale), "it" if len(stale) - len(folders) == 1 else "them"
            fix = ""
            if n > len(folders):  # --force replaces files, never a folder: those are moved away first
                first = (f"move {', '.join(map(str, folders))} (a folder{'s' if len(folders) > 1 else ''}) away; then "
                         if folders else "")
                which = ("the other" if it == "it" else "the others") if folders else it
                fix = f": {first}`{shlex.join([*again, '--force'])}` replaces {which}, and any edits made in {it}"
            print(f"aipower: {_workbooks(n)} stale or edited{fix}", file=sys.stderr)
            return 1
        print(f"{_workbooks(len(fresh))} in {args.out} {'is' if len(fresh) == 1 else 'are'} current")
        return 0


def _replaced(out: Path, names: list[str]) -> dict[Path, bytes]:
    """The workbooks --force is about to replace, as they are."""
    return {p: p.read_bytes() for p in (out / f"{n}.xlsx" for n in names) if p.is_file()}


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _kept(replaced: dict[Path, bytes], workbooks) -> list[str]:
    """Each replaced workbook that held inputs or sheets of its own (an analyst's scenario, override rows,
    a sheet of their own), kept beside the new one as NAME.previous.xlsx (never over an earlier copy): the
    --force that replaces a stale template is the one that would otherwise lose them. Notes saying so."""
    import io

    from ._io import atomic_write

    notes = []
    for path, data in replaced.items():
        edits = workbooks.own_edits(io.BytesIO(data), path)  # the replaced file as it was, read from memory
        if not edits:
            continue
        copy = next(c for c in (path.with_name(f"{path.stem}.previous{'' if i == 1 else f'-{i}'}.xlsx")
                                for i in range(1, 10_000)) if not c.exists())
        atomic_write(copy, partial(_write_bytes, data=data))
        notes.append(f"{path.name} held {', '.join(edits)}: the replaced workbook is kept as {copy.name}")
    return notes


class RecalcCommand:
    name = "recalc"

    def add_parser(self, sub: argparse._SubParsersAction) -> None:
        p = sub.add_parser(
            "recalc", help="recalculate a workbook that uses AIP_ and built-in functions, without Excel",
            description="Recalculate a workbook that uses AIP_ and built-in functions, without Excel.",
            epilog="Exit status: 0 when every formula cell has a value; 1 when formula cells evaluate to an Excel "
                   "error (#DIV/0!, #N/A, or an AIP_ function's \"#VALUE! <reason>\"; not a #N/A from a formula "
                   "calling NA(), as a chart's gap): their count and the first one "
                   "are printed and the workbook is written, but --in-place leaves it as it was (nothing written) if "
                   "a cell that held a value would hold an error: fix the cause, or write a copy with --out to "
                   "inspect it; 2 on an error (nothing written).")
        p.add_argument("book", type=in_path, metavar="BOOK.xlsx")
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--out", type=out_path, metavar="OUT.xlsx", help="write the recalculated copy here")
        g.add_argument("--in-place", action="store_true",
                       help="replace BOOK.xlsx itself (atomically), unless cells that held a value would hold errors")
        p.add_argument("--force", action="store_true", help="replace OUT.xlsx if it exists")

    def run(self, args: argparse.Namespace) -> int:
        try:
            from . import recalc
        except ImportError as exc:
            return _missing(exc)
        if args.in_place and args.force:  # silently ignored before: --in-place always replaces BOOK.xlsx
            print("aipower: error: --force: --in-place already replaces BOOK.xlsx; --force goes with --out, to replace "
                  "OUT.xlsx", file=sys.stderr)
            return 2
        try:
            # In place on a symlink: replace the file it points to, not the link.
            out = Path(os.path.realpath(args.book)) if args.in_place else args.out
            # the same file by another name too: a hard link, or Book.xlsx for book.xlsx where case is not told apart
            if not args.in_place and (out.resolve() == args.book.resolve() or recalc._same_file(out, args.book)):
                raise OutputExistsError(f"{out} is the input workbook: use --in-place to replace it")
            line_open = False

            def progress(done: int, total: int) -> None:  # long recalculations say how far they are
                nonlocal line_open
                if not sys.stderr.isatty():  # a log file would collect one carriage-return line per step
                    return
                line_open = done < total
                print(f"\r  {done:,}/{total:,} formula cells", end="" if done < total else "\n", file=sys.stderr, flush=True)

            try:
                report = recalc.recalc_file(args.book, out, overwrite=args.in_place or args.force, progress=progress,
                                            keep_values=args.in_place)
            finally:
                if line_open:  # end the progress line before a message
                    print(file=sys.stderr)
        except recalc.ValuesWouldBeLost as exc:  # --in-place: the workbook's values are kept
            print(f"aipower: {exc}; nothing written: fix the cause, or write the recalculated copy elsewhere to "
                  f"inspect it (--out OUT.xlsx instead of --in-place)", file=sys.stderr)
            return 1
        except (ValueError, OSError) as exc:
            print(f"aipower: error: {error_text(exc, args.book if args.in_place else args.out)}", file=sys.stderr)
            return 2
        print_paths([out], lambda p: f"{p}: {report.formulas} formulas recalculated, {report.changed} cell values changed "
                                     f"(spilled cells included) in {report.seconds:.2f} s")
        if report.cut_short:  # a table that grew lost its last rows or columns without a word
            n = len(report.cut_short)
            print(f"aipower: warning: {n} array formula{'s' if n > 1 else ''} return more than {'their ranges' if n > 1 else 'its range'} "
                  f"show (first: {report.cut_short[0]}): the workbook was saved without its dynamic-array marks "
                  "(openpyxl and LibreOffice drop them), so the table no longer grows; regenerate it, or enter "
                  "the formula again in Excel", file=sys.stderr)
        if report.resized:  # a workbook of an earlier release: its own cells below a table now read other rows
            n = len(report.resized)
            print(f"aipower: note: {n} table{'s' if n > 1 else ''} changed size (first: {report.resized[0]}): a cell that "
                  "refers into one by position (=H19 rather than an AIP_ lookup) may now read another row or column; "
                  "the template of another aipower release, or other inputs, can do this", file=sys.stderr)
        if report.spill_blocked:
            n = len(report.spill_blocked)
            print(f"aipower: warning: {n} table{'s' if n > 1 else ''} cannot spill and show{'' if n > 1 else 's'} #SPILL! "
                  f"(first: {report.spill_blocked[0]}): move or clear what is in the way", file=sys.stderr)
        if report.errors:
            # written, but not what the user wants to find out later from a chart of error text
            cells = "formula cell evaluates" if report.errors == 1 else "formula cells evaluate"
            print(f"aipower: {report.errors} {cells} to an error ({report.new_errors} of {report.errors} held a value "
                  f"before); first: {report.first_error}", file=sys.stderr)
            return 1
        return 0


class FunctionsCommand:
    name = "functions"

    def add_parser(self, sub: argparse._SubParsersAction) -> None:
        p = sub.add_parser("functions", help="list the AIP_ worksheet functions (or print docs/functions.md)")
        g = p.add_mutually_exclusive_group()
        g.add_argument("--markdown", action="store_true", help="print the reference as markdown (docs/functions.md)")
        g.add_argument("--builtins", action="store_true", help="list the Excel built-ins `aipower recalc` computes")

    def run(self, args: argparse.Namespace) -> int:
        from . import xlfunctions

        if args.builtins:
            try:
                from .recalc import supported_builtins
            except ImportError as exc:  # the formula engine comes with the excel extra
                return _missing(exc)

            names = supported_builtins()
            print(f"{len(names)} Excel built-in functions: " + ", ".join(names))
        elif args.markdown:
            sys.stdout.write(xlfunctions.markdown())
        else:
            for f in xlfunctions.functions():
                print(f"{f.signature()}\n    {f.summary}")
        return 0


def commands() -> list:
    return [RegenerateCommand(), RecalcCommand(), FunctionsCommand()]
