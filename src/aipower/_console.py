"""The `aipower` console script: imports the command line inside the stop-signal handlers.

Importing the command line (numpy, pandas, the kernel) takes most of a second; a
Ctrl-C (or SIGTERM, SIGHUP) in that time would otherwise print a traceback from
the import machinery, or end the process without a word.
"""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from ._io import raise_if_stopped, stop_requested, stop_signals_handled  # the standard library only
    except KeyboardInterrupt:  # in the first hundredths of a second
        return _interrupted()
    with stop_signals_handled():
        try:
            from .cli import main as cli_main
            # Python may swallow the stop raised inside the import machinery (in a weakref callback,
            # "Exception ignored"): it was remembered, and the command must not run
            raise_if_stopped()
        except KeyboardInterrupt:
            return _interrupted()
        except ImportError:  # numpy's C import cut short by the stop: "Unable to import required dependency"
            if stop_requested():
                return _interrupted()
            raise
    status = cli_main()
    _ignore_stop_signals()
    return status


def _interrupted() -> int:
    try:
        print("aipower: interrupted: nothing written", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # stderr closed
        pass
    return 130


def _ignore_stop_signals() -> None:
    """The command is done (its files written, its lines printed): a Ctrl-C while the interpreter
    shuts down (a tenth of a second with numpy and pandas loaded) would end the process by the signal,
    exit status 130 without a word. Let it finish with the command's status instead."""
    import signal

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            try:
                signal.signal(getattr(signal, name), signal.SIG_IGN)
            except (OSError, ValueError):  # not the main thread, or a signal this system does not allow
                pass
