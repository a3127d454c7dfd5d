"""Patterns for rule conditions: Python's syntax and meaning, matched by RE2 in linear time.

Python's ``re`` backtracks: a pattern like ``(a+)+b`` on a long line of ``a`` runs for ages and
cannot be interrupted. Rule conditions are written by supervisors and run on members' text, so
their patterns keep Python's syntax, are checked against a subset when the rule is saved, and are
matched by RE2 (``google-re2``), an automaton engine whose time is linear in the text.

RE2's own ``\\w``, ``\\b`` and ``$`` are not Python's (ASCII-only word characters, no match before a
final newline), so a pattern is not handed over as written: it is read by
:mod:`~unionline.robots.pattern_syntax`, every character class becomes the exact set of code points
``re`` gives it (:mod:`~unionline.robots.charsets`, ignore-case included), and anchors that RE2
cannot express on plain text are run on a marked copy of it (see :func:`_marked`).

The subset: literals, ``.``, classes (``[а-я]``, ``\\d``, ``\\w``, ``\\s`` and negations), groups
(capturing or not), alternation, every quantifier (greedy or lazy; ``{m,n}`` up to
``MAX_REPEAT``), anchors ``^ $ \\A \\Z \\b \\B`` and the flags ``(?i) (?m) (?s) (?x)`` for the
whole pattern. Refused: backreferences, lookahead/lookbehind, conditionals, atomic groups,
possessive quantifiers, flags scoped to a group and ``(?a)``. Only "does it match anywhere" is
answered. Texts longer than ``MAX_TEXT`` characters are cut to it; a lone surrogate in a text is
read as U+FFFD.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import re2

from unionline.robots import charsets
from unionline.robots.pattern_syntax import MAX_CODE, Alt, At, Chars, Node, Refused, Repeat, Seq
from unionline.robots.pattern_syntax import parse as parse_pattern

MAX_PATTERN = 200  # characters
MAX_PROGRAM = 20_000  # RE2 instructions
MAX_REPEAT = 50  # the largest bound of {m,n}
MAX_TEXT = 10_000  # characters of text looked at
DIRECT_PROGRAM = 3_000  # beyond this a pattern runs on the marked text, where \w is cheap

_REFUSED = {
    "backreference": "обратные ссылки не поддерживаются (backreferences are not supported)",
    "lookaround": "просмотр вперёд и назад не поддерживается "
    "(lookahead and lookbehind are not supported)",
    "conditional": "условные группы не поддерживаются (conditional groups are not supported)",
    "atomic": "атомарные группы не поддерживаются (atomic groups are not supported)",
    "possessive": "ревнивые квантификаторы не поддерживаются "
    "(possessive quantifiers are not supported)",
    "scoped_flags": "флаги действуют только на весь шаблон "
    "(flags scoped to a group are not supported)",
    "ascii": "флаг (?a) не поддерживается (the ASCII flag is not supported)",
}


class UnsafePattern(ValueError):
    """The pattern is not valid, or outside the safe subset; the message says why."""


@dataclass(frozen=True)
class Program:
    """A checked pattern: :meth:`search` answers whether it matches anywhere in a text."""

    regexp: Any  # re2._Regexp
    marked: bool  # run on the marked copy of the text (see _marked)
    multiline: bool
    on_empty: bool | None = None  # the answer for "" when RE2's differs (\B: never in "")

    def search(self, text: str) -> bool:
        if not text and self.on_empty is not None:
            return self.on_empty
        text = text[:MAX_TEXT]
        data = _marked(text, self.multiline) if self.marked else _utf8(text)
        return self.regexp.search(data) is not None

    @property
    def size(self) -> int:
        """RE2 instructions of the compiled program."""
        return int(self.regexp.programsize)


@lru_cache(maxsize=512)
def compile(pattern: str, ignore_case: bool = False) -> Program:
    """Check ``pattern`` and compile it; :class:`UnsafePattern` says what is wrong."""
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(
            f"шаблон длиннее {MAX_PATTERN} символов "
            f"(the pattern is longer than {MAX_PATTERN} characters)"
        )
    flags = _python_flags(pattern, ignore_case)
    try:
        tree = parse_pattern(pattern, flags)
    except Refused as exc:
        raise UnsafePattern(_REFUSED[str(exc)]) from None
    _check_repeats(tree)
    ignore, multiline = bool(flags & re.IGNORECASE), bool(flags & re.MULTILINE)
    anchors = _anchors(tree)
    program = None
    if not anchors & {"boundary", "non_boundary"} and (multiline or "end" not in anchors):
        program = _build(_Writer(ignore, multiline, marked=False).write(tree), False, multiline)
    if program is None or program.size > DIRECT_PROGRAM:
        body = _Writer(ignore, multiline, marked=True).write(tree)
        program = _build(rf"\A{_UNIT}*?(?:{body})", True, multiline)
    if program is None or program.size > MAX_PROGRAM:
        raise UnsafePattern(
            "шаблон слишком сложный: уменьшите повторы и классы "
            "(the pattern is too complex: make repeats and classes smaller)"
        )
    if "non_boundary" in anchors:  # Python's \B never holds in an empty text, RE2's does
        writer = _Writer(ignore, multiline, marked=True, empty_text=True)
        empty = _build(writer.write(tree), True, multiline)
        assert empty is not None  # no larger than the program above
        program = replace(program, on_empty=empty.regexp.search(b"") is not None)
    return program


def search(pattern: str, text: str, ignore_case: bool = False) -> bool:
    return compile(pattern, ignore_case).search(text)


def _python_flags(pattern: str, ignore_case: bool) -> int:
    """Python's verdict on the syntax, and the pattern's flags with the inline ones."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            flags = re.compile(pattern, re.IGNORECASE if ignore_case else 0).flags
    except (re.error, OverflowError) as exc:
        raise UnsafePattern(f"шаблон с ошибкой (not a valid pattern): {exc}") from None
    if flags & re.ASCII:
        raise UnsafePattern(_REFUSED["ascii"])
    return flags


def _check_repeats(node: Node) -> None:
    if isinstance(node, Repeat):
        if node.low > MAX_REPEAT or (node.high is not None and node.high > MAX_REPEAT):
            raise UnsafePattern(
                f"повторы больше {MAX_REPEAT} не поддерживаются "
                f"(repeat counts above {MAX_REPEAT} are not supported)"
            )
        _check_repeats(node.item)
    elif isinstance(node, Seq | Alt):
        for child in node.items if isinstance(node, Seq) else node.branches:
            _check_repeats(child)


def _anchors(node: Node) -> set[str]:
    """The kinds of anchor the pattern uses."""
    if isinstance(node, At):
        return {node.kind}
    if isinstance(node, Repeat):
        return _anchors(node.item)
    if isinstance(node, Seq | Alt):
        children = node.items if isinstance(node, Seq) else node.branches
        return set().union(*(_anchors(child) for child in children))
    return set()


def _build(expression: str, marked: bool, multiline: bool) -> Program | None:
    options = re2.Options()
    options.never_capture = True
    options.log_errors = False
    try:
        regexp = re2.compile(expression.encode(), options)
    except re2.error:  # larger than RE2's memory budget
        return None
    return Program(regexp, marked, multiline)


# -- writing the pattern for RE2 ----------------------------------------------------------------

_NEVER = r"[^\x00-\x{10ffff}]"  # an empty set: matches nothing


@lru_cache(maxsize=1)
def _marked_sets() -> tuple[charsets.Ranges, charsets.Ranges, charsets.Ranges, charsets.Ranges]:
    """What sits bare on the marked text, what may start a unit there (marks included), what
    sits between ``_`` and what between NULs."""
    word_beyond_ascii = charsets.intersect(charsets.categories()["w"], ((128, MAX_CODE),))
    between_underscores = charsets.normalize((*word_beyond_ascii, (ord("_"), ord("_"))))
    between_nuls = ((0, 0), (10, 10))
    bare = charsets.complement(charsets.normalize((*between_underscores, (0, 0))))
    return bare, charsets.complement(word_beyond_ascii), between_underscores, between_nuls


class _Writer:
    def __init__(
        self, ignore_case: bool, multiline: bool, *, marked: bool, empty_text: bool = False
    ) -> None:
        self.ignore_case = ignore_case
        self.multiline = multiline
        self.marked = marked
        self.empty_text = empty_text  # written for the empty text only

    def write(self, node: Node) -> str:
        if isinstance(node, Chars):
            return self.chars(node)
        if isinstance(node, At):
            return self.anchor(node.kind)
        if isinstance(node, Seq):
            return "".join(self.write(item) for item in node.items)
        if isinstance(node, Alt):
            return "(?:" + "|".join(self.write(branch) for branch in node.branches) + ")"
        high = "" if node.high is None else str(node.high)
        return f"(?:{self.write(node.item)}){{{node.low},{high}}}"

    def chars(self, node: Chars) -> str:
        codes = charsets.matched_by(node, self.ignore_case)
        if not self.marked:
            return charsets.re2_class(codes) or _NEVER
        bare, unit_starts, between_underscores, between_nuls = _marked_sets()
        choices = []
        if (one := charsets.re2_class(charsets.intersect(codes, bare), unit_starts)) is not None:
            choices.append(one)
        if (one := charsets.re2_class(codes, between_underscores)) is not None:
            choices.append(f"_{one}_")
        if (one := charsets.re2_class(codes, between_nuls)) is not None:
            choices.append(rf"\x00{one}\x00")
        return "(?:" + "|".join(choices) + ")" if choices else _NEVER

    def anchor(self, kind: str) -> str:
        if kind == "start":
            return "(?m:^)" if self.multiline else r"\A"
        return {
            "start_string": r"\A",
            "end_string": r"\z",
            "end": "(?m:$)",  # not multiline: only the final newline is bare (see _marked)
            "boundary": r"\b",
            "non_boundary": _NEVER if self.empty_text else r"\B",
        }[kind]


# -- the texts ----------------------------------------------------------------------------------
#
# RE2's \b looks at ASCII letters, digits and "_" only, and its $ (without (?m)) does not match
# before a final newline as Python's does. So for patterns with \b, \B or $ the text is marked:
# every word character beyond ASCII, and "_", is written between two "_" ("_д_"), NUL as three
# NULs, and (outside multiline mode) every newline but a final one between two NULs. The marks
# are RE2 word characters exactly where Python sees one, so RE2's \b is Python's; the only bare
# newline is one Python's $ may stand before, so (?m:$) is Python's $. Each character is one
# unit (bare, "_?_" or NUL?NUL), the pattern's sets are written per unit, and the pattern is
# tried only where a unit starts (the _UNIT prefix), so a mark is never read as a character.

_UNIT = r"(?:_(?s:.)_|\x00(?s:.)\x00|[^_\x00])"


class _Marks(dict[int, str]):
    def __init__(self, newline: str) -> None:
        super().__init__((code, chr(code)) for code in range(128))
        self.update({ord("_"): "___", 0: "\x00\x00\x00", ord("\n"): newline})

    def __missing__(self, code: int) -> str:
        char = "\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)
        marked = f"_{char}_" if char.isalnum() else char
        if len(self) < 100_000:  # bounded: a text of rare characters costs time, not memory
            self[code] = marked
        return marked


_MARKS = {True: _Marks("\n"), False: _Marks("\x00\n\x00")}


def _marked(text: str, multiline: bool) -> bytes:
    marked = text.translate(_MARKS[multiline])
    if not multiline and text.endswith("\n"):
        marked = marked[:-3] + "\n"
    return marked.encode()


def _utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", "\ufffd", text).encode()
