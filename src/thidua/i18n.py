"""thidua's messages in the user's language: Vietnamese or English.

Every message a person reads (a finding, a refusal, a status line, `--help`) is written in English in
the code, marked with `_()` (translated where it is used) or `N_()` (a template translated later, as
the catalogue's are), and translated from the gettext catalogue `locale/vi/LC_MESSAGES/thidua.po`,
compiled to `thidua.mo` beside it (`pybabel compile -d src/thidua/locale -D thidua`; a test keeps
the two in step). Codes in brackets (`[leadership-same]`) are never translated.

The language is chosen once, before the commands are built (their `--help` is translated as they
are defined): `--lang vi|en` on the command line, then the `THIDUA_LANG` variable, then `lang:` in
the data folder's `cluster.yaml`, then the system's language; English otherwise.
"""

from __future__ import annotations

import gettext
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

LOCALES = Path(__file__).parent / "locale"
DOMAIN = "thidua"
LANGUAGES = ("vi", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language() -> str:
    """The language messages are written in now: 'vi' or 'en'."""
    return _language


def use(lang: str) -> None:
    """Write every message from now on in `lang`. Typer's own words (Options, Arguments, …) come
    from gettext's default domain, which is pointed at the same catalogue folder."""
    global _translation, _language
    _language = lang if lang in LANGUAGES else "en"
    if _language == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(DOMAIN, LOCALES, [_language], fallback=True)
        gettext.bindtextdomain("messages", str(LOCALES))
        os.environ["LANGUAGE"] = _language  # gettext's default domain reads its languages here


def _(message: str) -> str:
    """`message` in the current language."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Marks `message` for the catalogue; it is translated where it is used (see `_`)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count `n`, in the current language."""
    return _translation.ngettext(singular, plural, n)


_LANG_LINE = re.compile(rb"^lang:[ \t]*['\"]?(vi|en)['\"]?[ \t]*(#.*)?$", re.MULTILINE)


def choose(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language a command speaks, by the rules of the module docstring. `cluster.yaml` is only
    glanced at for its `lang:` line (a full read would cost every `--help`)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in LANGUAGES:
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.removeprefix("--lang=") in LANGUAGES:
            return arg.removeprefix("--lang=")
    chosen = environ.get("THIDUA_LANG", "").strip().lower()[:2]
    if chosen in LANGUAGES:
        return chosen
    found = _from_cluster(_data_folder(argv, environ) / "cluster.yaml")
    if found is not None:
        return found
    return _system_language(environ)


def _data_folder(argv: Sequence[str], environ: Mapping[str, str]) -> Path:
    for i, arg in enumerate(argv):
        if arg == "--data" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--data="):
            return Path(arg.removeprefix("--data="))
    if len(argv) > 1 and argv[0] == "check" and not argv[1].startswith("-"):
        return Path(argv[1])  # `thidua check DIR`
    return Path(environ.get("THIDUA_DATA") or "data")


def _from_cluster(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            head = f.read(64 * 1024)
    except OSError:
        return None
    found = _LANG_LINE.search(head)
    return found.group(1).decode() if found else None


def _system_language(environ: Mapping[str, str]) -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "vi" if value.lower().startswith("vi") else "en"
    if sys.platform == "win32":
        import ctypes

        # the language of the Windows user interface: 0x2A is Vietnamese
        ui = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined]
        return "vi" if ui & 0x3FF == 0x2A else "en"
    return "en"
