"""The console script. `thidua --version` answers before Typer is imported; a bug in thidua ends with
a plain request to report it, never with a bare traceback."""

from __future__ import annotations

import sys

from thidua import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"thidua {__version__}")
        return
    from thidua.cli import app

    try:
        app()
    except Exception:  # the user's mistakes are findings, never exceptions: this is a bug
        import traceback

        traceback.print_exc()
        print(
            "\nthidua stopped on an internal error. This is a bug in thidua, not in your data:"
            " please report it with the command you ran and the text above.",
            file=sys.stderr,
        )
        sys.exit(70)
