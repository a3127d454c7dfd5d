"""A field's pattern means the same to the server and to a client: no ``\\w``, ``\\d``, ``\\s``,
``\\b`` (nor their capitals) in any pattern of a msgspec ``Meta`` or a Litestar parameter
anywhere in the tree. msgspec checks a pattern with Python's ``re``, where they are Unicode
(``\\w`` takes «привет», ``\\d`` takes «٣», ``\\s`` takes U+001C and U+0085); the schema is read
by JavaScript's regex (the console's inputs, generated clients), where ``\\w`` and ``\\d`` are
ASCII and ``\\s`` is another set. So a key the server takes the form refused, or the other way
round. Classes are spelled out instead — Cyrillic named where a union would write it
(«привет», «ВХ-01»: ``[0-9A-Za-zА-Яа-яЁё_]``).

And an end is an end to both: Python's ``$`` also matches before a final newline (``re.search``
takes «anna\\n» for ``^[a-z]+$``), JavaScript's does not — so every ``$`` is written ``$(?!\\n)``,
which a client reads as the plain ``$`` it is. (``NO_NUL``, ``^[^\\x00]*$``, is left: its class
takes a newline anyway, and it is the pattern every ``Text`` field shows.)

Every ``pattern=`` argument is read from the source and evaluated in its module (constants,
f-strings), so a pattern built from a name is checked too."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {
    "core": "unionline",
    "plugins": "unionline.plugins",
    "channels": "unionline.channels",
    "widgets": "unionline.widgets",
    "examples": "",  # examples/<example>/<its package>/…
}
CALLS = {"Meta", "Parameter", "QueryParameter", "PathParameter", "HeaderParameter"}
DIFFERING = set("wWdDsSbB")  # escapes whose meaning differs between Python re and ECMA-262


def differing_escapes(pattern: str) -> list[str]:
    r"""The escapes of ``pattern`` that Python and JavaScript read differently (``\\`` is a
    literal backslash, not the start of one)."""
    found, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] in DIFFERING:
                found.append(pattern[i : i + 2])
            i += 2
        else:
            i += 1
    return found


def _module(path: Path) -> str:
    folder, *rest = path.relative_to(ROOT).with_suffix("").parts
    if folder == "examples":
        rest = rest[1:]  # the example's folder holds its package
    return ".".join([p for p in [PACKAGES[folder], *rest] if p and p != "__init__"])


def _called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def schema_patterns() -> Iterator[tuple[str, str]]:
    """(``path:line``, pattern) of every ``pattern=`` given to a schema constraint."""
    for folder in PACKAGES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or _called(node) not in CALLS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "pattern":
                        where = f"{path.relative_to(ROOT)}:{node.lineno}"
                        yield where, _value(keyword.value, path)


def _value(node: ast.expr, path: Path) -> str:
    if isinstance(node, ast.Constant):
        return str(node.value)
    namespace = vars(importlib.import_module(_module(path)))
    return str(eval(compile(ast.Expression(node), str(path), "eval"), namespace))


def test_no_schema_pattern_reads_differently_in_a_client() -> None:
    patterns = list(schema_patterns())
    assert len(patterns) > 50  # the walk found them (named constants and f-strings included)
    differing = {
        where: found for where, pattern in patterns if (found := differing_escapes(pattern))
    }
    assert differing == {}, "spell the class out (see the module docstring)"


END = r"$(?!\n)"  # the end of the value, to Python as to a client


def loose_ends(pattern: str) -> list[int]:
    """Where ``pattern`` has a ``$`` (an anchor: not escaped, not in a class) that is not
    ``$(?!\\n)`` — one Python lets a final newline through."""
    found, i, first = [], 0, -1  # first: where the open class's first member is, or -1
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if first >= 0:
            first = -1 if char == "]" and i > first else first  # "]" first is a literal
        elif char == "[":
            first = i + 2 if pattern.startswith("^", i + 1) else i + 1
        elif char == "$" and not pattern.startswith(END, i):
            found.append(i)
        i += 1
    return found


def test_no_schema_pattern_lets_a_final_newline_through() -> None:
    from unionline.text import NO_NUL

    loose = {
        where: pattern
        for where, pattern in schema_patterns()
        if pattern != NO_NUL and loose_ends(pattern)
    }
    assert loose == {}, "end the pattern with $(?!\\n) (see the module docstring)"


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        (r"^[a-z]+$", [7]),
        (r"^(a$|b)$(?!\n)", [3]),
        (r"^[a-z]+$(?!\n)", []),
        (r"^[$]+\$$(?!\n)", []),  # a dollar in a class, an escaped one
        (r"^[]$]$(?!\n)", []),  # "]" first in a class is a literal
        (r"^[^]$]$(?!\n)", []),
        (r"^[\[]$", [5]),  # an escaped "[" in a class
    ],
)
def test_the_check_finds_the_loose_ends(pattern: str, found: list[int]) -> None:
    assert loose_ends(pattern) == found


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("unionline.operators.schemas:Login", "anna"),
        ("unionline.routing.schemas:HHMM", "09:00"),
        ("unionline.members.schemas:Channel", "telegram"),
        ("unionline.organizations.schemas:Code", "ППО-1"),
        ("unionline.plugins.campaigns.schemas:Key", "dues_2025"),
        ("unionline.channels.telegram.settings:BOT_TOKEN", "123:" + "a" * 30),
    ],
)
def test_a_value_with_a_final_newline_is_refused(kind: str, value: str) -> None:
    module, name = kind.split(":")
    found = getattr(importlib.import_module(module), name)
    kind_of = Annotated[str, msgspec.Meta(pattern=found)] if isinstance(found, str) else found
    assert _takes(kind_of, value)
    assert not _takes(kind_of, value + "\n")


@pytest.mark.parametrize(
    ("pattern", "found"),
    [
        (r"^[\w-]+$", [r"\w"]),
        (r"^\d{4}-\d{2}$", [r"\d", r"\d"]),
        (r"^https?://\S+$", [r"\S"]),
        (r"^[^\\s]+$", []),  # a literal backslash then "s"
        (r"^[0-9A-Za-zА-Яа-яЁё_-]+$", []),
    ],
)
def test_the_check_finds_the_escapes(pattern: str, found: list[str]) -> None:
    assert differing_escapes(pattern) == found


CYRILLIC = ["привет", "Ёлка_2", "ВХ-01", "vh-01/2025", "ВХ.12/3"]


@pytest.mark.parametrize("key", [*CYRILLIC[:2], "hello-1", "a_b"])
def test_a_canned_key_may_be_cyrillic(key: str) -> None:
    from unionline.canned.schemas import Key

    assert _takes(Key, key)


@pytest.mark.parametrize("key", ["при вет", "a.b", "ключ!", "٣", "x²", "ǅ", "привет\n"])
def test_a_canned_key_refuses_what_a_client_refuses(key: str) -> None:
    from unionline.canned.schemas import Key

    assert not _takes(Key, key)


@pytest.mark.parametrize("code", ["ВХ-01", "vh-01/2025", "ВХ.12/3", "Ёж_1"])
def test_a_journal_code_may_be_cyrillic(code: str) -> None:
    from unionline.plugins.docflow.schemas import Code

    assert _takes(Code, code)


@pytest.mark.parametrize("code", ["ВХ 01", "٣", "x²", "ǅ", "ВХ#1", "ВХ-01\n"])
def test_a_journal_code_refuses_what_a_client_refuses(code: str) -> None:
    from unionline.plugins.docflow.schemas import Code

    assert not _takes(Code, code)


def _takes(kind: Any, value: str) -> bool:
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return False
    return True


SAMPLES = [
    *CYRILLIC,
    "hello-1",
    "12:30",
    "1٢:30",  # an Arabic-Indic digit: \\d to Python, not to a client
    "2025-0١-01T10:00",
    "x²",
    "a b",
    "a\u00a0b",
    "a\x1cb",
    "https://example.org/\u2003",
    "101 = ivanova",
    "1\u3000=\u3000voicemail",
    "anna@example.org",
]


def test_every_pattern_reads_the_same_as_ascii() -> None:
    """Python's reading of every schema pattern equals its ASCII reading (``re.ASCII``: ``\\w``
    and ``\\d`` as a client reads them) on text in other scripts, digits and spaces."""
    for where, pattern in schema_patterns():
        unicode, ascii_reading = re.compile(pattern), re.compile(pattern, re.ASCII)
        for sample in SAMPLES:
            same = bool(unicode.search(sample)) == bool(ascii_reading.search(sample))
            assert same, f"{where}: {pattern!r} on {sample!r}"


def test_white_space_is_what_python_strips() -> None:
    """``WHITE_SPACE`` is Python's ``\\s`` spelled out, so a class built of it means to the
    server what ``\\s`` meant — and one meaning to every client."""
    from unionline import WHITE_SPACE

    spelled = re.compile(f"[{WHITE_SPACE}]")
    differ = [
        hex(c)
        for c in range(0x110000)
        if bool(spelled.fullmatch(chr(c))) != bool(re.fullmatch(r"\s", chr(c)))
    ]
    assert differ == []
