"""The `aipower` console script: imports the command line inside a Ctrl-C handler.

Importing the command line (numpy, pandas, the kernel) takes most of a second; a
Ctrl-C in that time would otherwise print a traceback from the import machinery.
"""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from .cli import main as cli_main
    except KeyboardInterrupt:
        try:
            print("aipower: interrupted: nothing written", file=sys.stderr, flush=True)
        except (OSError, ValueError):  # stderr closed
            pass
        return 130
    return cli_main()
