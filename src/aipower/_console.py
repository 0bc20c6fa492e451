"""The `aipower` console script: imports the command line inside the stop-signal handlers.

Importing the command line (numpy, pandas, the kernel) takes most of a second; a
Ctrl-C (or SIGTERM, SIGHUP) in that time would otherwise print a traceback from
the import machinery, or end the process without a word.
"""

from __future__ import annotations

import sys


def main() -> int:
    from ._io import stop_signals_handled  # the standard library only

    with stop_signals_handled():
        try:
            from .cli import main as cli_main
        except KeyboardInterrupt:
            try:
                print("aipower: interrupted: nothing written", file=sys.stderr, flush=True)
            except (OSError, ValueError):  # stderr closed
                pass
            return 130
    return cli_main()
