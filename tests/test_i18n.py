"""Every message in Vietnamese and English, from one catalogue: the Vietnamese catalogue lacks no
message of the code, its compiled form is in step with it, and the language is chosen as the docs
say. A Vietnamese message keeps the same code, file, line and column as the English one."""

from __future__ import annotations

import io
import os
import string
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import ROOT

from thidua import i18n

LOCALE = ROOT / "src" / "thidua" / "locale"
KEYWORDS = {"_": None, "N_": None, "variant": None, "ngettext": (1, 2)}


def catalogue(domain: str):
    with (LOCALE / "vi" / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return read_po(f, locale="vi", domain=domain)


def code_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "src" / "thidua"), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_the_vietnamese_catalogue_has_every_message_of_the_code():
    po = catalogue("thidua")
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in po if m.id}
    missing = sorted(code_messages() - translated.keys())
    assert not missing, (
        f"not in the Vietnamese catalogue (pybabel update, then translate): {missing}"
    )
    empty = sorted(
        k
        for k, m in translated.items()
        if not (m.string if isinstance(m.string, str) else m.string[0])
    )
    assert not empty, f"not translated: {empty}"
    assert not [m.id for m in po if m.fuzzy and m.id], "fuzzy translations"


@pytest.mark.parametrize("domain", ["thidua", "messages"])
def test_each_translation_keeps_the_fields_and_is_nfc(domain):
    for m in catalogue(domain):
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for text in strings:
            assert fields(text) == fields(ids[-1]), (m.id, text)
            assert unicodedata.is_normalized("NFC", text), m.id
            assert text[:1].isspace() == ids[0][:1].isspace(), m.id
            assert text[-1:].isspace() == ids[0][-1:].isspace(), m.id


@pytest.mark.parametrize("domain", ["thidua", "messages"])
def test_the_compiled_catalogue_is_in_step_with_its_source(domain):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(domain))
    mo = LOCALE / "vi" / "LC_MESSAGES" / f"{domain}.mo"
    assert mo.read_bytes() == compiled.getvalue(), (
        f"recompile: pybabel compile -d src/thidua/locale -D {domain}"
    )


@pytest.mark.parametrize(
    ("argv", "environ", "cluster", "expected"),
    [
        (["check", "--lang", "vi"], {"THIDUA_LANG": "en"}, None, "vi"),
        (["check", "--lang=en"], {"THIDUA_LANG": "vi"}, None, "en"),
        (["check"], {"THIDUA_LANG": "vi"}, "lang: en\n", "vi"),
        (["check"], {}, "lang: vi\n", "vi"),
        (["check"], {"LANG": "vi_VN.UTF-8"}, None, "vi"),
        (["check"], {"LANG": "en_US.UTF-8"}, "lang: vi   # the secretariat's language\n", "vi"),
        (["check"], {"LC_ALL": "C"}, None, "en"),
    ],
)
def test_the_language_is_chosen_as_the_docs_say(tmp_path, argv, environ, cluster, expected):
    if cluster is not None:
        (tmp_path / "cluster.yaml").write_text("format: 1\n" + cluster)
    assert i18n.choose([*argv, "--data", str(tmp_path)], environ) == expected


def run_thidua(*args: str, lang: str = "vi", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from thidua.main import main; main()", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="backslashreplace",
        env={**os.environ, "THIDUA_LANG": lang, **env},
        timeout=120,
    )


def test_a_console_that_cannot_write_vietnamese_does_not_stop_the_command(data_copy):
    """Windows set to English writes cp1252 when output is redirected; cp1258 has no precomposed
    Vietnamese letters. The command must still run to its end, with escapes for what it lacks."""
    (data_copy / "2023" / "indicators.csv").write_text(
        (data_copy / "2023" / "indicators.csv")
        .read_text(encoding="utf-8")
        .replace("ha-nam,9.41", 'ha-nam,"9,41"'),
        encoding="utf-8",
    )
    for encoding in ("cp1252", "cp1258", "ascii"):
        for args in (["check", str(data_copy)], ["summarize", "2024", "--data", str(data_copy)]):
            result = run_thidua(*args, PYTHONIOENCODING=encoding)
            assert "Traceback" not in result.stderr, (encoding, args, result.stderr[-500:])
            assert result.returncode in (0, 1), (encoding, args)


def test_the_suite_reads_years_in_parallel_with_spawn_as_windows_does(tmp_path, monkeypatch):
    """Windows and macOS start worker processes with spawn: nothing may rely on fork."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from thidua import repository
    from thidua.inspection import inspect

    generate(tmp_path / "repo", 8, 5, 3, 2025, 2000, 5, "mixed")
    one = inspect(tmp_path / "repo", jobs=1)
    monkeypatch.setattr(repository, "START_METHOD", "spawn")
    two = inspect(tmp_path / "repo", jobs=2)
    assert [f.sort_key for f in one.findings] == [f.sort_key for f in two.findings]
    assert one.files == two.files


@pytest.fixture
def vietnamese():
    i18n.use("vi")
    yield
    i18n.use("en")


def test_check_speaks_vietnamese_with_the_same_codes_and_positions(
    data_copy, vietnamese, monkeypatch
):
    from conftest import golden
    from test_cli import break_data

    from thidua.inspection import check_repository
    from thidua.output import write_text

    break_data(data_copy)
    monkeypatch.chdir(data_copy.parent)
    found, files = check_repository(Path("data"))
    out = io.StringIO()
    write_text(found, files, Path("data"), out)
    golden("check-broken.vi.text", out.getvalue())
    i18n.use("en")
    english, _ = check_repository(Path("data"))
    assert [(f.code, f.position) for f in found] == [(f.code, f.position) for f in english]
    assert [f.message for f in found] != [f.message for f in english]


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["check"],
        ["summarize"],
        ["rotate"],
        ["leaders"],
        ["sign-pledge"],
        ["pledge"],
        ["schema"],
        ["export"],
    ],
)
def test_help_is_vietnamese_under_lang_vi(command):
    result = run_thidua(*command, "--help", "--lang", "vi")
    assert result.returncode == 0, result.stderr
    english = run_thidua(*command, "--help", lang="en").stdout
    assert result.stdout != english
    assert "Ví dụ" in result.stdout or not command  # every command's help shows an example
    for words in ("Options", "Arguments", "Commands", "required", "Usage:", "Show this message"):
        assert words not in result.stdout
    assert result.stdout.startswith("Cách dùng: ")


def test_the_vietnamese_guide_lists_every_finding_generated_from_the_catalogue(vietnamese):
    from test_cases import all_cases, transcript_in

    from thidua.catalogue import markdown

    path = ROOT / "docs" / "vi" / "kiem-tra.md"
    text = markdown({case.code: transcript_in(case) for case in all_cases()})
    if os.environ.get("THIDUA_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text
