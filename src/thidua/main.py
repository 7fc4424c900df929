"""The console script. `thidua --version` answers before Typer is imported; a bug in thidua ends with
a plain request to report it, never with a bare traceback, and a problem of the machine (a file that
cannot be read or written, a closed pipe, Ctrl+C) with a plain message."""

from __future__ import annotations

import gc
import os
import sys
import types

from thidua import __version__


def _never_fail_to_print() -> None:
    """A console or a redirected output that cannot encode Vietnamese (cp1252 on a Windows
    machine set to English, cp1258, which has no precomposed letters) shows the letters it lacks
    as escapes rather than stopping the command. PYTHONUTF8=1 makes Python write UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


_PLUGIN_FINDER = "pydantic.plugin._loader"


class _NoPlugins(types.ModuleType):
    """Pydantic's plugin finder when plugins are off: `get_plugins` finds none, as Pydantic's own
    does then. Anything else a later Pydantic asks of its finder is taken from the real one,
    imported at that moment, so that a change inside Pydantic costs time, never a failure."""

    @staticmethod
    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):  # the import system asking whether this is a package
            raise AttributeError(name)
        if sys.modules.get(_PLUGIN_FINDER) is self:
            del sys.modules[_PLUGIN_FINDER]
        import importlib

        return getattr(importlib.import_module(_PLUGIN_FINDER), name)


def _no_pydantic_plugins() -> None:
    """thidua is a command, not a library host: no Pydantic plugin of another package has a say,
    and looking for them costs every command a scan of the installed packages. With plugins off,
    Pydantic still imports its plugin finder when it builds the first validator, and the finder
    imports importlib.metadata (email, zipfile, importlib.resources: about 15 ms); a finder that
    finds nothing stands in for it. A user who turns plugins on again (PYDANTIC_DISABLE_PLUGINS
    set to anything else) gets Pydantic's own."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in ("__all__", "1", "true"):
        sys.modules.setdefault(_PLUGIN_FINDER, _NoPlugins(_PLUGIN_FINDER))


def main() -> None:
    _never_fail_to_print()
    if sys.argv[1:] == ["--version"]:
        print(f"thidua {__version__}")
        return
    # A command makes many objects that live until it ends (modules, models, records) and few
    # cycles: collecting every 700 new objects, Python's default, walked each of them as it aged
    # (about 17 ms of a small report). Every 100,000 still bounds what cycles can hold.
    gc.set_threshold(100_000, *gc.get_threshold()[1:])
    _no_pydantic_plugins()
    from thidua import i18n

    i18n.use(
        i18n.choose(sys.argv[1:], os.environ)
    )  # before the commands and their --help are built
    from thidua.cli import app

    try:
        app()
    except KeyboardInterrupt:
        print("\nthidua: stopped (Ctrl+C); nothing was written", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        # the reader of our output went away (`thidua check | head`): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except OSError as exc:  # the machine refused something the checks could not foresee
        from thidua.output import visible
        from thidua.writes import why

        where = f"{exc.filename}: " if exc.filename else ""
        print(f"thidua: {visible(where + why(exc))}", file=sys.stderr)
        sys.exit(1)
    except Exception:  # the user's mistakes are findings, never exceptions: this is a bug
        import traceback

        traceback.print_exc()
        print(
            "\nthidua stopped on an internal error. This is a bug in thidua, not in your data:"
            " please report it with the command you ran and the text above.",
            file=sys.stderr,
        )
        sys.exit(70)
    finally:
        # The process ends now. On its way out Python runs the cycle collector over every object
        # left (the modules, the models, the records): about 35 ms, a tenth of a small report, to
        # free memory the system takes back anyway. Frozen objects are left to the system; the
        # output is flushed as at any exit (thidua's files are closed when they are written).
        gc.freeze()
