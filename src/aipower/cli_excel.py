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
import zipfile
from pathlib import Path

from ._io import OutputExistsError
from .cli import error_text, out_path, print_paths, scenario_args

_EXTRA = "the Excel commands need the excel extra: pip install \".[excel]\" from the aipower checkout"


def _workbooks(n: int) -> str:
    return f"{n} workbook{'' if n == 1 else 's'}"


def _missing(exc: ImportError) -> int:
    print(f"aipower: error: {_EXTRA} ({exc})", file=sys.stderr)
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
        if args.check:
            return self._check(args, workbooks)
        try:
            start = time.perf_counter()
            # before writing: a Ctrl-C after the files are in place is then reported as such (print_paths)
            notes = workbooks.regenerate_notes(args.scenario, args.base_year, args.only)
            # all or nothing: an error or Ctrl-C mid-way leaves the folder as it was
            paths = workbooks.regenerate(args.out, scenario=args.scenario, base_year=args.base_year,
                                         force=args.force, only=args.only)
        except (ValueError, OSError, XlsxFileError) as exc:  # xlsxwriter's FileCreateError on a full disk
            print(f"aipower: error: {error_text(exc, args.out)}", file=sys.stderr)
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

        with tempfile.TemporaryDirectory() as tmp:
            try:
                fresh = workbooks.regenerate(tmp, scenario=args.scenario, base_year=args.base_year, only=args.only)
            except ValueError as exc:
                print(f"aipower: error: {exc}", file=sys.stderr)
                return 2
            stale, folders = [], 0
            for path in fresh:
                committed = args.out / path.name
                if committed.is_dir():
                    stale.append(f"{committed}: a folder where the workbook goes (--force does not replace folders: "
                                 "move it away)")
                    folders += 1
                    continue
                try:
                    diffs = (workbooks.compare(committed, path, labels=("the file", "the builder's"))
                             if committed.exists() else ["missing"])
                except (OSError, zipfile.BadZipFile) as exc:  # a file that is no workbook
                    diffs = [f"not a readable workbook ({error_text(exc)})"]
                if diffs:
                    stale.append(f"{committed}: {'; '.join(diffs[:5])}")
        for line in stale:
            print(line, file=sys.stderr)
        if stale:
            # the command that rebuilds what was checked: the same scenario, base year and templates
            again = ["aipower", "regenerate", "--out", str(args.out)]
            if args.scenario != "base":
                again += ["--scenario", args.scenario]
            if args.base_year is not None:
                again += ["--base-year", str(args.base_year)]
            for name in args.only or []:
                again += ["--only", name]
            n = len(stale)
            fix = (f": `{shlex.join([*again, '--force'])}` replaces {'it' if n == 1 else 'them'}, and any edits made "
                   f"in {'it' if n == 1 else 'them'}" if n > folders else "")
            print(f"aipower: {_workbooks(n)} stale or edited{fix}", file=sys.stderr)
            return 1
        print(f"{_workbooks(len(fresh))} in {args.out} {'is' if len(fresh) == 1 else 'are'} current")
        return 0


class RecalcCommand:
    name = "recalc"

    def add_parser(self, sub: argparse._SubParsersAction) -> None:
        p = sub.add_parser("recalc", help="recalculate a workbook that uses AIP_ and built-in functions, without Excel")
        p.add_argument("book", type=Path, metavar="BOOK.xlsx")
        g = p.add_mutually_exclusive_group(required=True)
        g.add_argument("--out", type=out_path, metavar="OUT.xlsx", help="write the recalculated copy here")
        g.add_argument("--in-place", action="store_true", help="replace BOOK.xlsx itself (atomically)")
        p.add_argument("--force", action="store_true", help="replace OUT.xlsx if it exists")

    def run(self, args: argparse.Namespace) -> int:
        try:
            from . import recalc
        except ImportError as exc:
            return _missing(exc)
        try:
            # In place on a symlink: replace the file it points to, not the link.
            out = Path(os.path.realpath(args.book)) if args.in_place else args.out
            if not args.in_place and out.resolve() == args.book.resolve():
                raise OutputExistsError(f"{out} is the input workbook: use --in-place to replace it")
            line_open = False

            def progress(done: int, total: int) -> None:  # long recalculations say how far they are
                nonlocal line_open
                if not sys.stderr.isatty():  # a log file would collect one carriage-return line per step
                    return
                line_open = done < total
                print(f"\r  {done:,}/{total:,} formula cells", end="" if done < total else "\n", file=sys.stderr, flush=True)

            try:
                report = recalc.recalc_file(args.book, out, overwrite=args.in_place or args.force, progress=progress)
            finally:
                if line_open:  # end the progress line before a message
                    print(file=sys.stderr)
        except (ValueError, OSError) as exc:
            print(f"aipower: error: {error_text(exc, args.book if args.in_place else args.out)}", file=sys.stderr)
            return 2
        print_paths([out], lambda p: f"{p}: {report.formulas} formulas recalculated, {report.changed} cell values changed "
                                     f"(spilled cells included) in {report.seconds:.2f} s")
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
            from .recalc import supported_builtins

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
