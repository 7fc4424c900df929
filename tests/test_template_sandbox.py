"""Users' templates are hostile until shown otherwise: they get data, never objects, and the
sandbox refuses what could run code, read a file or run without bound."""

from __future__ import annotations

import re
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT

from thidua.figures import AwardTally
from thidua.pledge_document import pledge_data
from thidua.pledges import state
from thidua.rendering import FrozenDict, freeze
from thidua.report import build, template_data
from thidua.repository import load

PLAIN = (str, int, bool, Decimal, date, type(None))


def leaves(value: Any, path: str = "s") -> list[tuple[str, Any]]:
    """Every (path, leaf) of template data; fails on anything that is not data."""
    if isinstance(value, FrozenDict):
        return [leaf for key, v in value.items() for leaf in leaves(v, f"{path}.{key}")]
    if isinstance(value, tuple):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, f"{path}[{i}]")]
    assert type(value) in PLAIN, f"{path} is a {type(value).__name__}"
    return [(path, value)]


@pytest.fixture(scope="module")
def records():
    found = load(DATA, consumers=[AwardTally()]).records
    assert found is not None
    return found


def test_the_report_and_the_pledge_get_only_plain_data(records):
    assert leaves(template_data(build(records, 2023)))
    example = load(ROOT / "examples" / "khoi-kinh-te", consumers=[AwardTally()]).records
    assert example is not None
    assert leaves(template_data(build(example, 2024)))
    assert leaves(pledge_data(records, state(records, 2024)), "pledge")
    assert leaves(pledge_data(example, state(example, 2025)), "pledge")


def test_every_key_of_the_data_is_documented(records):
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    keys = {
        key
        for path, _ in leaves(template_data(build(records, 2023)))
        for key in re.findall(r"\.([\w-]+)", path)
    }
    keys -= {m.id for m in records.cluster.members}  # award counts by member id
    missing = sorted(k for k in keys if f"`{k}`" not in doc and f".{k}`" not in doc)
    assert not missing, f"not in docs/report.md: {missing}"


def test_freeze_refuses_objects():
    assert freeze({"a": [1, "x", None]}) == FrozenDict(a=(1, "x", None))
    for thing in (object(), print, records, build, {1, 2}, 1.5):
        with pytest.raises(TypeError):
            freeze({"x": thing})
    frozen = freeze({"a": 1})
    with pytest.raises(TypeError):
        frozen["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError):
        frozen.a = 2  # type: ignore[union-attr]


# --- hostile templates -----------------------------------------------------------------------

SECRET = "THIDUA-SENTINEL-SECRET-7f3a"

# each: a template that must be refused; the text its message must hold
ESCAPES = {
    "model parse_raw": ("{{ s.cluster.parse_raw('x', proto='pickle') }}", "no 'parse_raw'"),
    "model parse_file": ("{{ s.figures[0].indicator.parse_file(secret) }}", "no 'parse_file'"),
    "model_copy": ("{{ s.figures[0].indicator.model_copy() }}", "no 'model_copy'"),
    "model_dump_json": ("{{ s.cluster.model_dump_json() }}", "no 'model_dump_json'"),
    "model_validate": ("{{ s.cluster.model_validate({}) }}", "no 'model_validate'"),
    "mapping method": ("{{ s.items() }}", "no 'items'"),
    "mapping get": ("{{ s.get('year') }}", "no 'get'"),
    "subscript method": ("{{ s['values']() }}", "no 'values'"),
    "__class__": ("{{ s.__class__ }}", "SecurityError"),
    "__class__.__mro__": ("{{ s.__class__.__mro__ }}", "SecurityError"),
    "str subclasses": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "SecurityError"),
    "__globals__": ("{{ round_to.__globals__ }}", "SecurityError"),
    "cycler globals": ("{{ cycler.__init__.__globals__.os }}", "SecurityError"),
    "joiner globals": ("{{ joiner.__init__.__globals__ }}", "SecurityError"),
    "namespace globals": ("{{ namespace.__init__.__globals__ }}", "SecurityError"),
    "template reference": ("{{ self._TemplateReference__context }}", "SecurityError"),
    "loop class": ("{% for x in [1] %}{{ loop.__class__ }}{% endfor %}", "SecurityError"),
    "range self": ("{{ range.__self__ }}", "SecurityError"),
    "format fields": ("{{ '{0.__class__}'.format(s) }}", "SecurityError"),
    "format_map": ("{{ '{x}'.format_map(s) }}", "SecurityError"),
    "attr filter": ("{{ s|attr('__class__') }}", "SecurityError"),
    "attr filter method": ("{{ (s.cluster|attr('keys'))() }}", "'keys'"),
    "map attr": ("{{ s.members|map('attr', '__class__')|first }}", "SecurityError"),
    "map attribute": ("{{ s.members|map(attribute='__class__')|first }}", "SecurityError"),
    "date method": ("{{ s.conference.date.replace(year=1) }}", "SecurityError"),
    "date strftime": ("{{ s.conference.date.strftime('%Y' * 9) }}", "SecurityError"),
    "Decimal method": ("{{ s.figures[0].value.sqrt() }}", "SecurityError"),
    "int method": ("{{ s.year.to_bytes(10) }}", "SecurityError"),
    "tuple method": ("{{ s.members.index(1) }}", "SecurityError"),
    "str ljust": ("{{ 'a'.ljust(10**9) }}", "SecurityError"),
    "str format width": ("{{ '{:>999999999}'.format(1) }}", "SecurityError"),
    "str encode": ("{{ 'a'.encode() }}", "SecurityError"),
    "str join": ("{{ ','.join(s.members) }}", "SecurityError"),
    "list append": ("{% set l = [] %}{{ l.append(1) }}", "SecurityError"),
    "dict pop": ("{% set d = {'a': 1} %}{{ d.pop('a') }}", "SecurityError"),
    "macro internals": ("{% macro m() %}{% endmacro %}{{ m._func }}", "SecurityError"),
    "lipsum": ("{{ lipsum(10**6) }}", "'lipsum' is undefined"),
    "tojson": ("{{ s|tojson }}", "filter named 'tojson'"),
    "urlize": ("{{ 'http://x'|urlize }}", "filter named 'urlize'"),
    "pprint": ("{{ s|pprint }}", "filter named 'pprint'"),
}

FILES = {
    "include absolute": "{% include '/etc/passwd' %}",
    "include parent": "{% include '../secret.j2' %}",
    "include secret": "{% include 'secret.txt' %}",
    "include hidden": "{% include '.hidden.j2' %}",
    "include link": "{% include 'link.j2' %}",
    "include deep parent": "{% include 'sub/../../secret.j2' %}",
    "extends parent": "{% extends '../../secret.j2' %}",
    "import parent": "{% import '../secret.j2' as x %}{{ x }}",
    "from import": "{% from '../secret.j2' import y %}{{ y }}",
    "include list": "{% include ['../secret.j2', 'nothing.j2'] %}",
    "include variable": "{% include s.cluster.name ~ '/../../secret.j2' %}",
}

LIMITS = {
    "str repeat": "{{ 'a' * 10**9 }}",
    "str repeat reversed": "{{ 10**9 * 'a' }}",
    "list repeat": "{{ [1] * 10**9 }}",
    "tuple repeat": "{{ (1, 2) * 10**8 }}",
    "nested list repeat": "{{ [['x' * 100000] * 1000] * 1000 }}",
    "power": "{{ 10 ** (10 ** 10) }}",
    "power chain": "{{ 2 ** (2 ** (2 ** (2 ** (2 ** 2)))) }}",  # Jinja's ** is left-associative
    "decimal power": "{{ s.figures[0].value ** (10 ** 9) }}",
    "big product": "{% set n = 9 ** 1000 %}{{ n * n * n * n * n }}",
    "int of digits": "{{ ('9' * 4000)|int * ('9' * 4000)|int }}",
    "printf width": "{{ '%999999999d' % 1 }}",
    "printf star": "{{ '%*d' % (999999999, 1) }}",
    "printf precision": "{{ '%.999999999f' % 1 }}",
    "format filter": "{{ '%999999999d'|format(1) }}",
    "format filter named": "{{ '%(a)999999999s'|format(a=1) }}",
    "center": "{{ 'a'|center(10**9) }}",
    "indent": "{{ 'a'|indent(10**9) }}",
    "indent text": "{{ ('a\n' * 1000000)|indent('x' * 1000) }}",
    "wordwrap": "{{ ('a ' * 1000000)|wordwrap(1, wrapstring='x' * 1000) }}",
    "replace": "{{ ('a' * 100000)|replace('', 'x' * 100) }}",
    "join": "{{ (['x' * 1000000] * 4 + ['x' * 1000000] * 2)|join }}",
    "join separator": "{{ range(100000)|join('x' * 1000) }}",
    "batch": "{{ range(10)|batch(10**9, 'x')|list }}",
    "slice": "{{ range(10)|slice(10**9)|list }}",
    "round": "{{ 1.5|round(10**9, 'floor') }}",
    "number decimals": "{{ 1|number(10**9) }}",
    "round_to decimals": "{{ round_to(s.figures[0].value, 10**9) }}",
    "range": "{{ range(10**9)|length }}",
    "range list": "{{ range(100000)|list|list|length }}{{ range(10**6)|list }}",
    "nested loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "silent loops": "{% for i in range(100000) %}{% for j in range(1000) if false %}{% endfor %}{% endfor %}",
    "loop over text": "{% for c in 'x' * 1000000 %}{% endfor %}",
    "recursive loop": "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "macro recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "macro tree": "{% macro m(n) %}{% if n %}{{ m(n - 1) }}{{ m(n - 1) }}{% endif %}{% endmacro %}{{ m(40) }}",
    "caller recursion": "{% macro m() %}{{ caller() }}{% endmacro %}{% macro r() %}{% call m() %}{{ r() }}{% endcall %}{% endmacro %}{{ r() }}",
    "include itself": "{% include 't.j2' %}",
    "extends itself": "{% extends 't.j2' %}",
    "output": "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
    "captured output": "{% set x %}{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}{% endset %}{{ x|length }}",
    "macro output": "{% macro m() %}{% for i in range(100000) %}{{ 'z' * 1000 }}{% endfor %}{% endmacro %}{{ m()|length }}",
    "filter block": "{% filter upper %}{% for i in range(100000) %}{{ 'w' * 1000 }}{% endfor %}{% endfilter %}",
    "doubling text": "{% set ns = namespace(x='a') %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "doubling list": "{% set ns = namespace(x=[1]) %}{% for i in range(80) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}{{ ns.x }}",
    "doubling list text": "{% set ns = namespace(x=[1]) %}{% for i in range(80) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}{{ ns.x|string }}",
    "doubling concat": "{% set ns = namespace(x=[1]) %}{% for i in range(80) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}{{ 'a' ~ ns.x }}",
    "quadratic list": "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = ns.l + [i] %}{% endfor %}",
    "sum of lists": "{{ ([[1] * 1000] * 1000)|sum(start=[])|length }}",
    "text to list": "{{ ('x' * 1000000)|list|length }}",
    "text plus": "{% set t = 'x' * 5000000 %}{{ t + t }}",
    "list plus": "{% set l = [1] * 100000 %}{{ (l + l)|length }}",
    "large template": "{# " + "x" * (300 * 1024) + " #}",
}


@pytest.fixture(scope="module")
def data(records):
    return {"s": template_data(build(records, 2023)), "lang": "vi"}


@pytest.fixture
def folder(tmp_path):
    """A template folder in a place with a secret beside it and a link out of it."""
    (tmp_path / "secret.j2").write_text(SECRET, encoding="utf-8")
    inner = tmp_path / "templates"
    (inner / "sub").mkdir(parents=True)
    (inner / "secret.txt").write_text(SECRET, encoding="utf-8")
    (inner / ".hidden.j2").write_text(SECRET, encoding="utf-8")
    try:
        (inner / "link.j2").symlink_to(tmp_path / "secret.j2")
    except OSError:  # no symlinks here (Windows without the right): nothing to follow
        (inner / "link.j2").write_text("{% include '../secret.j2' %}", encoding="utf-8")
    return inner


def refused(folder: Path, source: str, data: dict[str, Any]) -> str:
    """The message of the refusal of `source`, rendered with bounded memory."""
    from thidua.rendering import TemplateProblem, render_user

    path = folder / "t.j2"
    path.write_text(source, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(TemplateProblem) as caught:
            render_user(path, "vi", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(caught.value)
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MB for {source[:60]!r}"
    assert message.startswith(str(folder)), message
    assert "Traceback" not in message and SECRET not in message
    return message


@pytest.mark.parametrize("name", ESCAPES)
def test_no_template_reaches_an_object(folder, data, name):
    source, expected = ESCAPES[name]
    canary = folder.parent / "ran"
    message = refused(
        folder, source.replace("secret", repr(str(folder.parent / "secret.j2"))), data
    )
    assert expected in message
    assert not canary.exists()


@pytest.mark.parametrize("name", FILES)
def test_no_template_reads_a_file_outside_its_folder(folder, data, name):
    message = refused(folder, FILES[name], data)
    assert "NotFound" in message


@pytest.mark.parametrize("name", LIMITS)
def test_every_limit_is_a_plain_refusal(folder, data, name):
    message = refused(folder, LIMITS[name], data)
    assert "went over a limit" in message, message


def test_a_limit_names_the_line(folder, data):
    message = refused(folder, "ok\n\n{{ 'a' * 10**9 }}\n", data)
    assert message.startswith(f"{folder / 't.j2'}:3: the template went over a limit: '*' makes")


def test_an_included_template_is_named_where_it_fails(folder, data):
    (folder / "sub" / "part.j2").write_text("a\n{{ 10 ** (10 ** 10) }}\n", encoding="utf-8")
    message = refused(folder, "{% include 'sub/part.j2' %}", data)
    assert f"{folder / 'sub' / 'part.j2'}:2: the template went over a limit" in message


def test_a_good_template_can_still_do_its_work(folder, data):
    """Macros, includes, loops, namespaces, filters and harmless str methods are all there."""
    from thidua.rendering import render_user

    (folder / "sub" / "row.j2").write_text("{{ u.name|md }}", encoding="utf-8")
    (folder / "t.j2").write_text(
        "{% macro title(u) %}{{ u.title|sentence }}{% endmacro %}"
        "{% set ns = namespace(n=0) %}"
        "{% for u in s.members if u.name.startswith('H') %}{% set ns.n = ns.n + 1 %}"
        "{{ loop.cycle('a', 'b') }}:{% include 'sub/row.j2' %}/{{ title(u) }};{% endfor %}"
        " {{ ns.n }} {{ s.figures|map(attribute='statuses')|sum(start=())|unique|sort|join(',') }}"
        " {{ '%5.1f'|format(2.25) }} {{ s['year'] * 2 }} {{ s.conference.date.year }}"
        " {{ s.figures[2].headline.value|number }} {{ 'x' * 3 }} {{ 2 ** 10 }}",
        encoding="utf-8",
    )
    out = render_user(folder / "t.j2", "vi", data)
    assert out.startswith("a:Hà Nam/Tỉnh Hà Nam;b:Hưng Yên/Tỉnh Hưng Yên;a:Hải Dương/")
    assert out.endswith(" 3 estimate,imputed   2.2 4046 2024 235.000 xxx 1024")


def test_the_cli_refuses_hostile_templates_without_running_them(tmp_path, monkeypatch):
    """Through the command: the secret is not read, the canary is not made, exit code 1."""
    from typer.testing import CliRunner

    from thidua.cli import app

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    canary = tmp_path / "canary"
    pickle = (
        "cos\\nsystem\\n(S'touch " + str(canary) + "'\\ntR."
    )  # what parse_raw(proto='pickle') would have run
    templates = [
        f"{{{{ s.cluster.parse_raw('{pickle}', proto='pickle') }}}}",
        f"{{{{ s.cluster.parse_file('{secret}') }}}}",
        "{% include '../secret.txt' %}",
        "{{ 'a' * 10**9 }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    ]
    for n, source in enumerate(templates):
        path = tmp_path / "t" / f"t{n}.j2"
        path.parent.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8")
        result = CliRunner().invoke(
            app, ["summarize", "2023", "--data", str(DATA), "--template", str(path)]
        )
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"thidua: {path}"), result.stderr
        assert SECRET not in result.output and "Traceback" not in result.stderr
        assert not canary.exists()


# --- the child process: what the sandbox's own checks cannot see -----------------------------

# two lists made the same way, each holding the one before twice: comparing them looks at 2**60
# pairs in one step of C, which no step count or clock check inside the template can interrupt
EXPONENTIAL_COMPARE = (
    "{% set ns = namespace(a=[1], b=[1]) %}"
    "{% for i in range(60) %}{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}"
    "{{ ns.a == ns.b }}"
)


def test_a_users_template_renders_in_its_own_process(folder, data):
    from thidua.rendering import render_user

    (folder / "t.j2").write_text("{{ s.year }} {{ s.figures[2].headline.value|number }}\n")
    assert render_user(folder / "t.j2", "vi", data) == "2023 235.000\n"


def test_a_template_that_runs_on_is_stopped_by_the_clock(folder, data, monkeypatch):
    from thidua import rendering

    monkeypatch.setattr(rendering, "TIMEOUT_SECONDS", 3.0)
    (folder / "t.j2").write_text(EXPONENTIAL_COMPARE, encoding="utf-8")
    with pytest.raises(rendering.TemplateProblem) as caught:
        rendering.render_user(folder / "t.j2", "vi", data)
    assert str(caught.value) == (
        f"{folder / 't.j2'}: the template went over a limit: it ran for more than 3 s and was"
        " stopped"
    )


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="no address-space limit here")
def test_a_template_that_fills_memory_is_stopped_by_the_system(folder, data, monkeypatch):
    """Memory the in-process check does not see in time (below its 512 MB): the child's address
    space is the bound. Each text is within the limits; together they are 200 MB."""
    from thidua import rendering

    monkeypatch.setattr(rendering, "CHILD_MEMORY_BYTES", 64 * 2**20)
    (folder / "t.j2").write_text(
        "{% set ns = namespace(l=[]) %}{% for i in range(2000) %}"
        "{% set ns.l = ns.l + [('x' * 100000) ~ i] %}{% endfor %}{{ ns.l|length }}",
        encoding="utf-8",
    )
    with pytest.raises(rendering.TemplateProblem) as caught:
        rendering.render_user(folder / "t.j2", "vi", data)
    assert "the template went over a limit" in str(caught.value) or "MemoryError" in str(
        caught.value
    )
