"""The Jinja environment every document is rendered in: the report, the pledge, users' templates.

Templates come from users, so they are hostile until shown otherwise. They get data, never objects
(`FrozenDict`s and tuples of plain values: see `freeze`), and run in a sandbox stricter than
Jinja's own (`Sandbox`): no method can be reached but macros and a few harmless ones, the
arithmetic, the filters and the loops are bounded (the limits below, documented in
docs/report.md), and templates are only read from the template's own folder. A missing value is an
error rather than a blank (`StrictUndefined`), and a small set of filters formats numbers, units
and dates the way the document's language writes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from datetime import date, datetime
from decimal import Decimal
from functools import wraps
from itertools import chain, islice
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS, make_attrgetter
from jinja2.loaders import split_template_path
from jinja2.runtime import BlockReference, LoopContext, Macro
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Cycler, Namespace, pass_environment

from thidua.findings import Refused
from thidua.i18n import _, language

TEMPLATES = Path(__file__).parent / "templates"

# --- limits: each one is a refusal with a plain message, never a hang or a crash -------------

MAX_TEMPLATE_BYTES = 256 * 1024  # one template file (the shipped report is 8 KB)
MAX_TEXT = 5_000_000  # characters: the document, and any one text a template makes
MAX_ITEMS = 100_000  # items of a list, tuple or range a template makes, or parts of a value
MAX_INT_BITS = 4096  # a whole number a template computes (about 1,233 digits)
MAX_WIDTH = 1000  # a width or precision: '%10d', center, indent, wordwrap
MAX_DECIMALS = 30  # decimals of `number`, `round`, `round_to` (a Decimal holds 28 digits)
MAX_STEPS = 1_000_000  # work of one rendering: loop turns, calls, filters, operators, text made
MAX_DEPTH = 50  # calls inside calls: macros, caller(), recursive loops
CPU_SECONDS = 10.0  # processor time of one rendering
MEMORY_BYTES = 512 * 2**20  # memory one rendering may add
# a user's template renders in a process of its own, which these bound from outside
TIMEOUT_SECONDS = 30.0  # wall-clock time, start-up included (everywhere, Windows too)
CHILD_CPU_SECONDS = 20  # processor time (RLIMIT_CPU, where there is one)
CHILD_MEMORY_BYTES = 2**30  # address space beyond what the process holds at start (RLIMIT_AS)

STR_METHODS = frozenset({"startswith", "endswith", "lower", "upper", "strip"})
TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
FILTER_NAMES = frozenset(
    [
        "abs",
        "attr",
        "batch",
        "capitalize",
        "center",
        "count",
        "d",
        "default",
        "dictsort",
        "e",
        "escape",
        "filesizeformat",
        "first",
        "float",
        "format",
        "groupby",
        "indent",
        "int",
        "items",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "reject",
        "rejectattr",
        "replace",
        "reverse",
        "round",
        "select",
        "selectattr",
        "slice",
        "sort",
        "string",
        "striptags",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
        "wordcount",
        "wordwrap",
    ]
)
# filters that only go through their value, or look at it, without writing it out as text
_SHALLOW = frozenset(
    [
        "attr",
        "batch",
        "count",
        "d",
        "default",
        "dictsort",
        "first",
        "groupby",
        "items",
        "last",
        "length",
        "list",
        "map",
        "max",
        "min",
        "reject",
        "rejectattr",
        "reverse",
        "select",
        "selectattr",
        "slice",
        "sort",
        "sum",
        "unique",
    ]
)
# filters that go through their value item by item: the shallow ones that iterate, and join
_ITERATING = (_SHALLOW - {"attr", "count", "d", "default", "items", "length"}) | {"join"}


class FrozenDict(Mapping[str, Any]):
    """A read-only mapping of names to template data. A template reads its values as attributes
    (`s.year`) or items (`s["year"]`); it has no methods a template could reach."""

    __slots__ = ("_items",)
    _items: dict[str, Any]

    def __init__(self, items: Mapping[str, Any] | None = None, /, **more: Any) -> None:
        object.__setattr__(self, "_items", dict(items or {}, **more))

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"FrozenDict({self._items!r})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("template data cannot be changed")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (self._items,))


Data = FrozenDict | tuple[Any, ...] | str | int | Decimal | bool | date | None


def freeze(value: Any) -> Data:
    """`value` as template data: mappings become `FrozenDict`s, lists and tuples tuples, and the
    leaves plain str, int, bool, Decimal, date or None (a str or int subclass, such as an enum,
    becomes its plain value). Anything else, a model or a function, is a `TypeError`: no object
    with methods ever reaches a template."""
    if value is None or type(value) in (str, int, bool, Decimal, date):
        return value  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return FrozenDict({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return Decimal(value)
    if isinstance(value, datetime):
        return value.date()
    raise TypeError(f"{type(value).__name__} is not template data")


class LimitExceeded(Exception):
    """A template went over one of the limits; the message says which, in plain words."""


def _peak_memory() -> int | None:
    """The most memory the process has held, in bytes; None on Windows, which does not say."""
    if sys.platform == "win32":
        return None
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


class _Budget:
    """The work one rendering may do. Each step is cheap and bounded, so that counting them, with a
    look at the processor time and memory every 64, bounds the rendering."""

    def __init__(self) -> None:
        self.steps = 0
        self.depth = 0
        self.cpu = time.process_time()
        self.memory = _peak_memory()

    def spend(self, steps: int = 1) -> None:
        before = self.steps
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise LimitExceeded(
                _("it does more than {steps} steps of work (loop turns, calls, filters)").format(
                    steps=f"{MAX_STEPS:,}"
                )
            )
        if before >> 6 != self.steps >> 6:
            if time.process_time() - self.cpu > CPU_SECONDS:
                raise LimitExceeded(
                    _("it ran for more than {cpu_seconds} s of processor time").format(
                        cpu_seconds=f"{CPU_SECONDS:g}"
                    )
                )
            peak = _peak_memory()
            if peak is not None and self.memory is not None and peak - self.memory > MEMORY_BYTES:
                raise LimitExceeded(
                    _("it used more than {memory_bytes_mb} MB of memory").format(
                        memory_bytes_mb=MEMORY_BYTES // 2**20
                    )
                )


class _Generator(CodeGenerator):
    """Jinja's code generator, with every loop's items counted (`Sandbox.loop_items`) and `~`
    going through `Sandbox.sandbox_concat`, which bounds the text it makes."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("loop_items"), [node.iter], [], None, None
        ).set_lineno(node.iter.lineno)
        super().visit_For(node, frame)

    def buffer(self, frame: Frame) -> None:
        """The output a macro or a block captures goes into a `_Buffer`, which counts it."""
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.output_buffer()")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.sandbox_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Buffer(list[str]):
    """The output captured by a macro, a `{% set %}` block, a `{% call %}` or a `{% filter %}`:
    refused as it grows past MAX_TEXT, before the memory is spent."""

    __slots__ = ("budget", "size")

    def __init__(self, budget: _Budget) -> None:
        super().__init__()
        self.budget = budget
        self.size = 0

    def append(self, part: str) -> None:
        self.size += len(part)
        if self.size > MAX_TEXT:
            raise LimitExceeded(
                _("a block makes a text of more than {max_text} characters").format(
                    max_text=f"{MAX_TEXT:,}"
                )
            )
        self.budget.spend(1 + (len(part) >> 10))
        super().append(part)

    def extend(self, parts: Iterable[str]) -> None:
        for part in parts:
            self.append(part)


class _FolderLoader(jinja2.BaseLoader):
    """Templates from one folder and its subfolders only: no '..', no hidden file, no link that
    leads outside, and, but for the main template, only files named like templates."""

    def __init__(self, folder: Path, main: str | None = None) -> None:
        self.folder = folder
        self.root = folder.resolve()
        self.main = main
        self.loaded: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses '..'
        if any(p.startswith(".") for p in pieces):
            raise jinja2.TemplateNotFound(template, f"{template!r}: a hidden file is no template")
        if template != self.main and not template.endswith(TEMPLATE_SUFFIXES):
            raise jinja2.TemplateNotFound(
                template,
                f"{template!r} is not a template: only files ending in"
                f" {', '.join(TEMPLATE_SUFFIXES)} in the template's own folder can be included,"
                " imported or extended",
            )
        path = self.folder.joinpath(*pieces)
        try:
            resolved = path.resolve(strict=True)
        except OSError:
            raise jinja2.TemplateNotFound(template) from None
        if not resolved.is_relative_to(self.root) or not resolved.is_file():
            raise jinja2.TemplateNotFound(
                template, f"{template!r} is not in the template's folder {self.folder}"
            )
        with resolved.open("rb") as file:
            data = file.read(MAX_TEMPLATE_BYTES + 1)
        if len(data) > MAX_TEMPLATE_BYTES:
            raise LimitExceeded(
                _("{path} is larger than {kb} KB, the limit of a template").format(
                    path=path, kb=MAX_TEMPLATE_BYTES // 1024
                )
            )
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise jinja2.TemplateError(f"{path} is not UTF-8 text ({exc.reason})") from None
        self.loaded.add(str(path))
        return source, str(path), lambda: True


MACROS = frozenset({"_macros.vi.md.j2", "_macros.en.md.j2"})
# what XML 1.0 cannot hold: control characters but tab and line breaks, lone surrogates, U+FFFE/F
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _MacrosLoader(jinja2.BaseLoader):
    """A Word template's only files: thidua's own macros (`MACROS`), which hold the wording of
    the figures; any other name is refused."""

    def __init__(self) -> None:
        self.loaded: set[str] = set()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template not in MACROS:
            raise jinja2.TemplateNotFound(
                template,
                f"{template!r}: a Word template cannot include, import or extend files; it may"
                f" import thidua's own macros only ({', '.join(sorted(MACROS))})",
            )
        path = TEMPLATES / template
        self.loaded.add(str(path))
        return path.read_text(encoding="utf-8"), str(path), lambda: True


def _printf_widths(text: str) -> None:
    """Refuses a '%' format whose width or precision is '*' or larger than MAX_WIDTH."""
    for spec in _PRINTF.finditer(text):
        for number in spec.group(1, 2):
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise LimitExceeded(
                    _("the format {spec} is wider than {width}, the limit").format(
                        spec=repr(spec.group(0)), width=MAX_WIDTH
                    )
                )


_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _joined(parts: Iterable[str], refusal: str) -> str:
    """`parts` joined, counted as they come: past MAX_TEXT characters, `refusal` (a message with
    a {max_text} field) is raised before the rest is made."""
    out = []
    size = 0
    for part in parts:
        size += len(part)
        if size > MAX_TEXT:
            raise LimitExceeded(refusal.format(max_text=f"{MAX_TEXT:,}"))
        out.append(part)
    return "".join(out)


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, stricter: see the module's docstring. One instance renders one document
    (`render_document`): the budget of work is the instance's."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _Generator

    def __init__(
        self, lang: str, folder: Path, main: str | None = None, markup: str = "md"
    ) -> None:
        from thidua import formatting as fmt
        from thidua.decimals import round_to

        self.markup = markup
        word = markup == "docx"
        # a Word template is the XML of a .docx: its text is escaped as XML (autoescape), and it
        # may import thidua's own macros and nothing else
        self.loader_of_folder = _MacrosLoader() if word else _FolderLoader(folder, main)
        shipped = folder == TEMPLATES and main is None and not word
        super().__init__(
            bytecode_cache=compiled_cache() if shipped else None,
            loader=self.loader_of_folder,
            undefined=jinja2.StrictUndefined,
            autoescape=word,
            keep_trailing_newline=not word,
            trim_blocks=not word,
            lstrip_blocks=not word,
            auto_reload=False,
            finalize=self._finalize,
        )
        self.budget = _Budget()
        escape = fmt.plain if word else fmt.md

        def number(value: Any, decimals: int | None = None) -> str:
            if decimals is not None:
                _bounded(decimals, MAX_DECIMALS, "decimals")
            if value is not None:
                digits = Decimal(value).adjusted()
                exponent = Decimal(value).as_tuple().exponent
                if abs(digits) > MAX_DECIMALS * 4 or (
                    decimals is None and isinstance(exponent, int) and -exponent > MAX_DECIMALS
                ):
                    raise LimitExceeded(
                        _("{value} has too many digits to write").format(value=value)
                    )
            return fmt.number(value, decimals, lang)

        def rounded(value: Any, decimals: int) -> Decimal:
            _bounded(decimals, MAX_DECIMALS, "decimals")
            return round_to(value, decimals)

        own = {
            "number": number,
            "unit": lambda text, unit: fmt.with_unit(text, unit, escape),
            "md": escape,
            "sentence": fmt.sentence,
            "mermaid": fmt.plain if word else fmt.mermaid_text,
            "long_date": fmt.date_vi if lang == "vi" else fmt.date_en,
            "short_date": lambda d: fmt.short_date(d, lang),
            "place_date": lambda d, place=None: fmt.place_date(place, d, lang, escape),
        }
        builtin = {name: FILTERS[name] for name in FILTER_NAMES} | {"sum": _sum}
        self.filters = {name: self._guard(name, func) for name, func in (builtin | own).items()}
        self.tests = dict(self.tests)
        self.globals = {
            "range": self._range,
            "dict": dict,
            "cycler": Cycler,
            "joiner": jinja2.utils.Joiner,
            "namespace": Namespace,
            "round_to": self._guard("round_to", rounded),
        }

    def _parse(self, source: str, name: str | None, filename: str | None) -> Any:
        """A template's syntax tree; in a Word template, escaping stays on: an `{% autoescape
        false %}` block would let a member's name write XML into the document."""
        tree = super()._parse(source, name, filename)
        if self.markup == "docx":
            for node in tree.find_all(jinja2.nodes.EvalContextModifier):
                raise jinja2.TemplateSyntaxError(
                    _("a Word template may not turn escaping off ({% autoescape %})"),
                    node.lineno,
                    name,
                    filename,
                )
        return tree

    # --- rendering --------------------------------------------------------------------------

    def render_document(self, name: str, data: Mapping[str, Any]) -> str:
        """The template `name` rendered with `data`, its output counted as it is made."""
        self.budget = _Budget()
        template = self.get_template(name)
        return _joined(template.generate(data), _("the document grew past {max_text} characters"))

    def get_template(self, *args: Any, **kwargs: Any) -> jinja2.Template:
        self.budget.spend()  # each include, import and extends
        return super().get_template(*args, **kwargs)

    # --- what a template can reach ------------------------------------------------------------

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Data, macros, and a few harmless methods; never another method or a Python internal."""
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if not callable(value) or isinstance(value, Macro | BlockReference):
            return True
        if isinstance(obj, str):
            return attr in STR_METHODS
        if isinstance(obj, LoopContext):
            return attr in ("cycle", "changed")
        if isinstance(obj, Cycler):
            return attr in ("next", "reset")
        return False

    def wrap_str_format(self, value: Any) -> None:
        """`str.format` is refused like any other method (its fields can reach attributes)."""
        return None

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        return self.undefined(
            f"{attribute!r} of a {type(obj).__name__} is not available to templates: a template"
            " reads data, and writes it with filters",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, FrozenDict):  # data: its keys, nothing else
            return obj[attribute] if attribute in obj else self._no_key(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, FrozenDict):
            return obj[argument] if argument in obj else self._no_key(obj, argument)
        return super().getitem(obj, argument)

    def _no_key(self, obj: FrozenDict, name: Any) -> jinja2.Undefined:
        if isinstance(name, str) and name.startswith("_"):
            return self.unsafe_undefined(obj, name)
        return self.undefined(
            f"there is no {name!r} here; the keys are: {', '.join(obj)}", obj=obj, name=name
        )

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = __self.budget
        budget.spend()
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (__self.loop_items(args[0]), *args[1:])
        budget.depth += 1
        try:
            if budget.depth > MAX_DEPTH:
                raise LimitExceeded(
                    _("calls nest more than {depth} deep (a macro or loop calling itself?)").format(
                        depth=MAX_DEPTH
                    )
                )
            result = super().call(__context, __obj, *args, **kwargs)
        finally:
            budget.depth -= 1
        return __self._checked(result)

    # --- bounded work ---------------------------------------------------------------------------

    def loop_items(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of a `{% for %}` loop, each one a step of the budget."""
        if isinstance(iterable, str):
            self._items_of_text(iterable)
        for item in iterable:
            self.budget.spend()
            yield item

    def _range(self, *args: int) -> range:
        numbers = range(*args)
        if len(numbers) > MAX_ITEMS:
            raise LimitExceeded(
                _("a range of {numbers_length} numbers; the limit is {max_items}").format(
                    numbers_length=f"{len(numbers):,}", max_items=f"{MAX_ITEMS:,}"
                )
            )
        return numbers

    def _items_of_text(self, text: str) -> None:
        if len(text) > MAX_ITEMS:
            raise LimitExceeded(
                _("it goes through a text of {text_length} characters one by one").format(
                    text_length=f"{len(text):,}"
                )
            )

    def _checked(self, value: Any) -> Any:
        """`value`, if it is within the limits of size; the text it is costs steps."""
        if isinstance(value, str):
            if len(value) > MAX_TEXT:
                raise LimitExceeded(
                    _("it makes a text of more than {max_text} characters").format(
                        max_text=f"{MAX_TEXT:,}"
                    )
                )
            self.budget.spend(len(value) >> 10)
        elif isinstance(value, list | tuple | dict | set | frozenset):
            if len(value) > MAX_ITEMS:
                raise LimitExceeded(
                    _("it makes a list of more than {max_items} items").format(
                        max_items=f"{MAX_ITEMS:,}"
                    )
                )
            self.budget.spend(len(value) >> 10)
        elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise LimitExceeded(
                _("it makes a number of more than {max_int_bits} bits").format(
                    max_int_bits=MAX_INT_BITS
                )
            )
        return value

    def text_size(self, value: Any) -> int:
        """At most how long `str(value)` is, refused beyond MAX_TEXT; each part looked at is a
        step (a list can hold one list many times over: its text can be far larger than it)."""
        size = 0
        parts = 0
        stack = [value]
        while stack:
            v = stack.pop()
            parts += 1
            if isinstance(v, str):
                size += len(v) + 4
            elif isinstance(v, Namespace):
                stack.append(object.__getattribute__(v, "_Namespace__attrs"))
            elif isinstance(v, Mapping):
                size += 4 * len(v) + 20
                stack.extend(chain.from_iterable(v.items()))
            elif isinstance(v, list | tuple | set | frozenset):
                size += 2 * len(v) + 20
                stack.extend(v)
            elif isinstance(v, int):
                size += v.bit_length() // 3 + 3
            elif isinstance(v, Decimal):
                size += len(v.as_tuple().digits) + 12
            else:
                size += 100
            if size > MAX_TEXT or parts > MAX_ITEMS:
                raise LimitExceeded(
                    _(
                        "it writes out a value larger than {text} characters or {items} parts"
                    ).format(text=f"{MAX_TEXT:,}", items=f"{MAX_ITEMS:,}")
                )
        self.budget.spend(parts >> 6)
        return size

    def _finalize(self, value: Any) -> Any:
        """Every `{{ … }}` of a template, before it is written: not larger than the limit; in a
        Word document, without the characters XML cannot hold."""
        if not isinstance(value, str):
            self.text_size(value)
        elif self.markup == "docx" and not hasattr(value, "__html__"):
            return _NOT_XML.sub("", value)
        return value

    def sandbox_concat(self, parts: tuple[Any, ...]) -> str:
        """`a ~ b`: the text it makes is measured before it is made."""
        texts = []
        for part in parts:
            if not isinstance(part, str):
                self.text_size(part)
            texts.append(str(part))
        if sum(map(len, texts)) > MAX_TEXT:
            raise LimitExceeded(
                _("'~' makes a text of more than {max_text} characters").format(
                    max_text=f"{MAX_TEXT:,}"
                )
            )
        return self._checked("".join(texts))  # type: ignore[no-any-return]

    def output_buffer(self) -> _Buffer:
        return _Buffer(self.budget)

    def concat(self, parts: Iterable[str]) -> str:
        """The output a macro, a `{% set %}` block or a `{% filter %}` block captures."""
        return _joined(parts, _("a block makes a text of more than {max_text} characters"))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.budget.spend()
        if operator == "**":
            _power(left, right)
        elif operator == "*":
            self._repeat(left, right)
            self._repeat(right, left)
        elif operator == "+" and isinstance(left, str | list | tuple) and type(left) is type(right):
            if len(left) + len(right) > (MAX_TEXT if isinstance(left, str) else MAX_ITEMS):
                raise LimitExceeded(_("'+' makes a text or list larger than the limit"))
        elif operator == "%" and isinstance(left, str):
            _printf_widths(left)
            self.text_size(right)
        return self._checked(super().call_binop(context, operator, left, right))

    def _repeat(self, seq: Any, times: Any) -> None:
        if isinstance(times, bool) or not isinstance(times, int):
            return
        if isinstance(seq, int) and not isinstance(seq, bool):
            if seq.bit_length() + times.bit_length() > MAX_INT_BITS:
                raise LimitExceeded(
                    _("'*' makes a number of more than {max_int_bits} bits").format(
                        max_int_bits=MAX_INT_BITS
                    )
                )
        elif isinstance(seq, str):
            if len(seq) * times > MAX_TEXT:
                raise LimitExceeded(
                    _("'*' makes a text of more than {max_text} characters").format(
                        max_text=f"{MAX_TEXT:,}"
                    )
                )
        elif isinstance(seq, list | tuple):
            if len(seq) * times > MAX_ITEMS:
                raise LimitExceeded(
                    _("'*' makes a list of more than {max_items} items").format(
                        max_items=f"{MAX_ITEMS:,}"
                    )
                )
            if self.text_size(seq) * max(times, 0) > MAX_TEXT:
                raise LimitExceeded(
                    _("'*' makes a list of more than {max_text} characters").format(
                        max_text=f"{MAX_TEXT:,}"
                    )
                )

    def _guard(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        """The filter `func`, with its value and arguments measured and charged to the budget
        first, the arguments that could make it run long checked, and its result checked."""
        offset = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

        @wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            budget = self.budget
            budget.spend()
            value = args[offset] if len(args) > offset else None
            rest = list(args[offset + 1 :])
            for arg in (value, *rest, *kwargs.values()):
                if isinstance(arg, str):
                    budget.spend(len(arg) >> 10)
                elif isinstance(arg, Sized):
                    budget.spend(len(arg) >> 6)
            if name in _ITERATING:
                if isinstance(value, str):
                    self._items_of_text(value)
                elif isinstance(value, Iterator):  # another filter's items: count them
                    value = list(islice(value, MAX_ITEMS + 1))
                    self._checked(value)
                    args = (*args[:offset], value, *rest)
            if name not in _SHALLOW and not isinstance(value, str | Iterator):
                self.text_size(value)  # a filter that writes its value out as text
            if name == "format":
                self.text_size((*rest, *kwargs.values()))
            _ARGUMENTS.get(name, _no_check)(value, rest, kwargs)
            return self._checked(func(*args, **kwargs))

        return guarded


def _bounded(number: Any, limit: int, what: str) -> None:
    if isinstance(number, int) and abs(number) > limit:
        raise LimitExceeded(
            _("{what} {number} is more than {limit}, the limit").format(
                what=what, number=number, limit=limit
            )
        )


def _power(base: Any, exponent: Any) -> None:
    if (
        isinstance(exponent, int | Decimal | float)
        and not -MAX_INT_BITS <= exponent <= MAX_INT_BITS
    ):
        raise LimitExceeded(
            _("'**' with the exponent {exponent}; the limit is {max_int_bits}").format(
                exponent=exponent, max_int_bits=MAX_INT_BITS
            )
        )
    if (
        isinstance(base, int)
        and isinstance(exponent, int)
        and exponent > 0
        and base.bit_length() * exponent > MAX_INT_BITS
    ):
        raise LimitExceeded(
            _("'**' makes a number of more than {max_int_bits} bits").format(
                max_int_bits=MAX_INT_BITS
            )
        )


def _arg(rest: list[Any], kwargs: dict[str, Any], at: int, name: str, default: Any) -> Any:
    return rest[at] if len(rest) > at else kwargs.get(name, default)


def _no_check(value: Any, rest: list[Any], kwargs: dict[str, Any]) -> None:
    return None


def _check_grow(size: int, what: str) -> None:
    if size > MAX_TEXT:
        raise LimitExceeded(
            _("{what} would make a text of more than {max_text} characters").format(
                what=what, max_text=f"{MAX_TEXT:,}"
            )
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _check_indent(value: Any, rest: list[Any], kwargs: dict[str, Any]) -> None:
    width = _arg(rest, kwargs, 0, "width", 4)
    step = len(width) if isinstance(width, str) else width
    _bounded(step, MAX_WIDTH, "the indent width")
    text = _text(value)
    _check_grow(len(text) + (text.count("\n") + 1) * max(step, 0), "indent")


def _check_wordwrap(value: Any, rest: list[Any], kwargs: dict[str, Any]) -> None:
    _bounded(_arg(rest, kwargs, 0, "width", 79), MAX_WIDTH, "the wrap width")
    wrap = _arg(rest, kwargs, 2, "wrapstring", None) or "\n"
    _check_grow(len(_text(value)) * (1 + len(str(wrap))), "wordwrap")


def _check_replace(value: Any, rest: list[Any], kwargs: dict[str, Any]) -> None:
    text = _text(value)
    old, new = str(_arg(rest, kwargs, 0, "old", "")), str(_arg(rest, kwargs, 1, "new", ""))
    times = len(text) + 1 if not old else text.count(old)
    count = _arg(rest, kwargs, 2, "count", None)
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    _check_grow(len(text) + times * max(len(new) - len(old), 0), "replace")


def _check_join(value: Any, rest: list[Any], kwargs: dict[str, Any]) -> None:
    sep = str(_arg(rest, kwargs, 0, "d", ""))
    if isinstance(value, Sized):
        _check_grow(len(sep) * len(value), "join")


def _check_format(value: Any, rest: list[Any], kwargs: dict[str, Any]) -> None:
    _printf_widths(str(value))


_ARGUMENTS: dict[str, Callable[[Any, list[Any], dict[str, Any]], None]] = {
    "center": lambda v, r, k: _bounded(_arg(r, k, 0, "width", 80), MAX_WIDTH, "the width"),
    "indent": _check_indent,
    "wordwrap": _check_wordwrap,
    "replace": _check_replace,
    "join": _check_join,
    "format": _check_format,
    "batch": lambda v, r, k: _bounded(_arg(r, k, 0, "linecount", 1), MAX_ITEMS, "a batch"),
    "slice": lambda v, r, k: _bounded(_arg(r, k, 0, "slices", 1), MAX_ITEMS, "slices"),
    "round": lambda v, r, k: _bounded(_arg(r, k, 0, "precision", 0), MAX_DECIMALS, "precision"),
    "truncate": lambda v, r, k: _bounded(_arg(r, k, 0, "length", 255), MAX_TEXT, "the length"),
}


@pass_environment
def _sum(
    environment: jinja2.Environment, iterable: Iterable[Any], attribute: Any = None, start: Any = 0
) -> Any:
    """Jinja's `sum`, in linear time when it adds lists or tuples (`sum(start=())`)."""
    items = list(iterable)
    if attribute is not None:
        items = [make_attrgetter(environment, attribute)(item) for item in items]
    if isinstance(start, list | tuple) and all(type(i) is type(start) for i in items):
        if len(start) + sum(map(len, items)) > MAX_ITEMS:
            raise LimitExceeded(
                _("'sum' makes a list of more than {max_items} items").format(
                    max_items=f"{MAX_ITEMS:,}"
                )
            )
        return type(start)(chain(start, *items))
    return sum(items, start)


def cache_folder() -> Path | None:
    """Where this user's caches belong (never the data folder): $THIDUA_CACHE, else the system's
    place for caches. `THIDUA_CACHE=off` keeps no cache."""
    chosen = os.environ.get("THIDUA_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "thidua" / "Cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "thidua"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "thidua"


def compiled_cache() -> jinja2.BytecodeCache | None:
    """The compiled code of the shipped templates, kept between runs: compiling them is most of
    what a small report costs. Only thidua's own templates are cached (users' templates are
    compiled each time), under a key of thidua's and Jinja's versions and of this module's source,
    so that a change of the sandbox's code generator never reuses code compiled by an older one.
    No cache (a read-only home, a CI runner) is no error: the templates are compiled."""
    folder = cache_folder()
    if folder is None:
        return None
    from thidua import __version__

    source = Path(__file__).read_bytes()
    key = hashlib.sha256(source + __version__.encode() + jinja2.__version__.encode()).hexdigest()
    try:
        target = folder / "templates" / key[:16]
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _QuietCache(str(target))


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache whose failures (a full disk, a file another process is writing) only cost
    a compilation."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def environment(
    lang: str = "vi", folder: Path = TEMPLATES, main: str | None = None, markup: str = "md"
) -> Sandbox:
    """The sandbox, loading templates from `folder` (and `main`, the user's template, whatever
    its name), with filters for `lang`. Every document is rendered in one of these: `markup`
    "md" for text, "docx" for the XML of a Word template (see `thidua.word`)."""
    return Sandbox(lang, folder, main, markup)


class TemplateProblem(Refused):
    """A user's template that cannot be rendered; the message names its file and line."""


def render_shipped(name: str, lang: str, context: Mapping[str, Any]) -> str:
    """A template shipped with thidua, given `context` as template data (see `freeze`); its
    failing is a bug in thidua, and is not caught."""
    data = freeze(context)
    assert isinstance(data, FrozenDict)
    return environment(lang, TEMPLATES).render_document(name, data)


def render_user(
    template: Path, lang: str, context: Mapping[str, Any], *, isolate: bool = True
) -> str:
    """A user's template, in the sandbox, given `context` as template data (see `freeze`): any
    failure, and any limit exceeded, becomes a `TemplateProblem` that names the template's file
    and line. With `isolate` (the default) it renders in a process of its own, stopped after
    TIMEOUT_SECONDS and, where the system allows, held to CHILD_CPU_SECONDS of processor time and
    CHILD_MEMORY_BYTES of memory: the last resort for what the sandbox's own checks cannot see."""
    if not template.is_file():
        raise TemplateProblem(_("the template {template} does not exist").format(template=template))
    data = freeze(context)
    assert isinstance(data, FrozenDict)
    if not isolate:
        return _render_user(str(template), lang, data)
    return _render_in_child(str(template), lang, data, "thidua.rendering")


def _render_user(template: str, lang: str, data: FrozenDict) -> str:
    path = Path(template)
    env = environment(lang, path.parent, path.name)
    try:
        return env.render_document(path.name, data)
    except Exception as exc:
        raise TemplateProblem(_message(exc, path, env.loader_of_folder.loaded)) from None


_CHILD = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer);"
    " from {module} import _child_main; _child_main()"
)


def _render_in_child(template: str, lang: str, data: FrozenDict, module: str) -> str:
    """A user's template rendered by `module`'s `_child_main` (`_render_user` here, a Word
    template in `thidua.word`) in a new Python process, waited for at most TIMEOUT_SECONDS. The
    process is started afresh, as on Windows (nothing is inherited but what is sent on its
    input), and answers in JSON: were the template ever to take the child over, what it sends
    back is text, never a pickle the parent would run."""
    import json
    import pickle
    import subprocess

    sent = pickle.dumps(list(sys.path)) + pickle.dumps(
        (template, lang, data, (CHILD_CPU_SECONDS, CHILD_MEMORY_BYTES))
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD.format(module=module)],
            env={**os.environ, "THIDUA_LANG": language()},
            input=sent,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TemplateProblem(
            _(
                "{template}: the template went over a limit: it ran for more than {seconds} s"
                " and was stopped"
            ).format(template=template, seconds=f"{TIMEOUT_SECONDS:g}")
        ) from None
    try:
        answer = json.loads(done.stdout)
        status, text = str(answer["status"]), str(answer["text"])
    except (ValueError, KeyError, TypeError):  # the system stopped the child: no answer
        raise TemplateProblem(
            _(
                "{template}: the template went over a limit: it was stopped after using more than"
                " {seconds} s of processor time or {mb} MB of memory (exit code {code})"
            ).format(
                template=template,
                seconds=CHILD_CPU_SECONDS,
                mb=CHILD_MEMORY_BYTES // 2**20,
                code=done.returncode,
            )
        ) from None
    if status != "ok":
        raise TemplateProblem(text)
    return text


def _child_main() -> None:
    """The child process of a text template (see `serve_child`)."""
    serve_child(_render_user)


def serve_child(render: Callable[[str, str, FrozenDict], str]) -> None:
    """The child process: its limits first, then `render(template, lang, data)`; the text or the
    problem is written out as JSON. Nothing escapes it as an exception."""
    import json
    import pickle

    template, lang, data, limits = pickle.load(sys.stdin.buffer)
    from thidua import i18n

    i18n.use(os.environ.get("THIDUA_LANG", "en"))  # the parent's language, set below
    _limit_process(*limits)
    try:
        answer = {"status": "ok", "text": render(template, lang, data)}
    except TemplateProblem as exc:
        answer = {"status": "problem", "text": str(exc)}
    except BaseException as exc:  # MemoryError outside the template, …
        answer = {
            "status": "problem",
            "text": _("{where}: the template failed: {problem}").format(
                where=template, problem=type(exc).__name__
            ),
        }
    sys.stdout.write(json.dumps(answer))


def _limit_process(cpu_seconds: int, memory: int) -> None:
    """Processor time and address space for this process, where the system has them (not on
    Windows, where the parent's timeout alone bounds the child)."""
    if sys.platform == "win32":
        return
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    with contextlib.suppress(ValueError, OSError):  # Linux; elsewhere no statm, no memory limit
        pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
        start = int(pages) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (start + memory, start + memory))


def _message(exc: BaseException, template: Path, files: set[str]) -> str:
    """What went wrong, after the file and line of the template (or an included one) where it
    did, if the traceback shows it."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or template}:{exc.lineno}"
        return _("{where}: template error: {problem}").format(where=where, problem=exc.message)
    where = str(template)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in files:
            where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    over = _("{where}: the template went over a limit: {problem}")
    if isinstance(exc, LimitExceeded):
        return over.format(where=where, problem=exc)
    if isinstance(exc, RecursionError):
        problem = _("it nests too deeply (a macro, an include or an extends that calls itself?)")
        return over.format(where=where, problem=problem)
    if isinstance(exc, MemoryError):
        return over.format(where=where, problem=_("it ran out of memory"))
    problem = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, jinja2.TemplateError):
        return _("{where}: template error: {problem}").format(where=where, problem=problem)
    # the template's own arithmetic, a filter given the wrong value, …
    return _("{where}: the template failed: {problem}").format(where=where, problem=problem)
