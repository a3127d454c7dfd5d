"""Python's regular-expression syntax read into a small tree, for the robots' safe patterns.

The grammar follows Python's own ``re`` parser step by step (escapes, classes, ``{m,n}`` that falls
back to a literal ``{``, verbose whitespace), using only public APIs: a pattern reaches
:func:`parse` after ``re.compile`` has accepted it, so errors of syntax are Python's and this module
only refuses what the safe subset leaves out (:class:`Refused`). Characters and classes become
:class:`Chars` (what set of characters one position may hold), anchors :class:`At`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SPECIAL = frozenset(".\\[{()*+?^$|")
REPEAT_CHARS = frozenset("*+?{")
WHITESPACE = frozenset(" \t\n\r\v\f")
DIGITS = frozenset("0123456789")
OCTDIGITS = frozenset("01234567")
HEXDIGITS = frozenset("0123456789abcdefABCDEF")
FLAG_LETTERS = frozenset("aiLmsuxt")
ESCAPES = {"\\a": 7, "\\f": 12, "\\n": 10, "\\r": 13, "\\t": 9, "\\v": 11, "\\\\": 92}
CATEGORIES = frozenset("dDsSwW")
ANCHORS = {"\\A": "start_string", "\\Z": "end_string", "\\b": "boundary", "\\B": "non_boundary"}
MAX_CODE = 0x10FFFF

# A class item: ("lit", code), ("range", low, high) or ("cat", "d" | "D" | "s" | "S" | "w" | "W").
Item = tuple[str, int] | tuple[str, int, int] | tuple[str, str]


class Refused(ValueError):
    """A valid Python pattern that uses something outside the safe subset."""


@dataclass(frozen=True, slots=True)
class Chars:
    """One character out of a set: the items (or their complement when ``negate``) and the
    pattern text it was written as (``re`` is asked what it means under ignore-case)."""

    source: str
    items: tuple[Item, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class At:
    """A zero-width anchor: ``start`` (``^``), ``end`` (``$``), ``start_string`` (``\\A``),
    ``end_string`` (``\\Z``), ``boundary`` (``\\b``) or ``non_boundary`` (``\\B``)."""

    kind: str


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    branches: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Repeat:
    item: Node
    low: int
    high: int | None  # None: unbounded


Node = Chars | At | Seq | Alt | Repeat


def parse(pattern: str, flags: int) -> Node:
    """The tree of ``pattern`` (already accepted by ``re.compile`` with ``flags``, the flags
    of the compiled pattern, inline ones included)."""
    reader = _Reader(pattern, bool(flags & re.VERBOSE), bool(flags & re.DOTALL))
    return reader.alternation()


def _any(dotall: bool) -> Chars:
    if dotall:
        return Chars(".", (("range", 0, MAX_CODE),))
    return Chars(".", (("range", 0, 9), ("range", 11, MAX_CODE)))


class _Reader:
    def __init__(self, text: str, verbose: bool, dotall: bool) -> None:
        self.text = text
        self.pos = 0
        self.verbose = verbose
        self.dotall = dotall

    # -- tokens: one character, or a backslash with the character after it -------------------

    @property
    def next(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        if self.text[self.pos] == "\\":
            return self.text[self.pos : self.pos + 2]
        return self.text[self.pos]

    def get(self) -> str | None:
        token = self.next
        if token is not None:
            self.pos += len(token)
        return token

    def match(self, token: str) -> bool:
        if self.next == token:
            self.get()
            return True
        return False

    def get_while(self, n: int, charset: frozenset[str]) -> str:
        out = ""
        for _ in range(n):
            token = self.next
            if token is None or token not in charset:
                break
            out += token
            self.get()
        return out

    def get_until(self, terminator: str) -> str:
        end = self.text.index(terminator, self.pos)
        out, self.pos = self.text[self.pos : end], end + 1
        return out

    # -- structure -----------------------------------------------------------------------------

    def alternation(self) -> Node:
        branches = [self.sequence()]
        while self.match("|"):
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else Alt(tuple(branches))

    def sequence(self) -> Node:
        items: list[Node] = []
        while (this := self.next) is not None and this not in "|)":
            start = self.pos
            self.get()
            if self.verbose and this in WHITESPACE:
                continue
            if self.verbose and this == "#":
                while (this := self.get()) is not None and this != "\n":
                    pass
                continue
            if this in REPEAT_CHARS:
                self.repeat(this, items)
                continue
            node = self.item(this, start)
            if node is not None:
                items.append(node)
        return items[0] if len(items) == 1 else Seq(tuple(items))

    def item(self, this: str, start: int) -> Node | None:
        if this[0] == "\\":
            return self.escape(this, start)
        if this not in SPECIAL:
            return Chars(this, (("lit", ord(this)),))
        if this == "[":
            return self.char_class(start)
        if this == ".":
            return _any(self.dotall)
        if this == "^":
            return At("start")
        if this == "$":
            return At("end")
        return self.group()  # "("

    def repeat(self, this: str, items: list[Node]) -> None:
        here = self.pos
        low, high = {"?": (0, 1), "*": (0, None), "+": (1, None)}.get(this, (0, None))
        if this == "{":
            if self.next == "}":
                items.append(Chars("{", (("lit", ord("{")),)))
                return
            lo = self.get_while(len(self.text), DIGITS)
            hi = self.get_while(len(self.text), DIGITS) if self.match(",") else lo
            if not self.match("}"):
                items.append(Chars("{", (("lit", ord("{")),)))
                self.pos = here
                return
            low = int(lo) if lo else 0
            high = int(hi) if hi else None
        if not self.match("?") and self.match("+"):  # lazy gives the same yes or no
            raise Refused("possessive")
        items[-1] = Repeat(items[-1], low, high)

    def group(self) -> Node | None:
        if self.match("?"):
            char = self.get()
            if char == "P":
                if self.match("="):
                    raise Refused("backreference")
                self.match("<")
                self.get_until(">")
            elif char == "#":
                while (char := self.get()) is not None and char != ")":
                    pass
                return None
            elif char in ("=", "!", "<"):
                raise Refused("lookaround")
            elif char == "(":
                raise Refused("conditional")
            elif char == ">":
                raise Refused("atomic")
            elif char is not None and (char in FLAG_LETTERS or char == "-"):
                while (char := self.get()) is not None and char not in ":)":
                    pass
                if char == ":":
                    raise Refused("scoped_flags")
                return None  # global flags: already known from the compiled pattern
        node = self.alternation()
        self.match(")")
        return node

    # -- escapes and classes -------------------------------------------------------------------

    def escape(self, this: str, start: int) -> Node:
        if this in ANCHORS:
            return At(ANCHORS[this])
        if this[1] in CATEGORIES:
            return Chars(this, (("cat", this[1]),))
        code = self.number_escape(this, class_escape=False)
        return Chars(self.text[start : self.pos], (("lit", code),))

    def number_escape(self, this: str, *, class_escape: bool) -> int:
        if this in ESCAPES:
            return ESCAPES[this]
        c = this[1]
        widths = {"x": 2, "u": 4, "U": 8}
        if c in widths:
            return int(self.get_while(widths[c], HEXDIGITS), 16)
        if c == "N":
            self.match("{")
            return ord(unicodedata.lookup(self.get_until("}")))
        if class_escape and c in OCTDIGITS:
            return int(c + self.get_while(2, OCTDIGITS), 8)
        if c == "0":
            return int("0" + self.get_while(2, OCTDIGITS), 8)
        if c in DIGITS:
            return self.digits_escape(c)
        return ord(c)

    def digits_escape(self, first: str) -> int:
        """``\\12`` is group 12, ``\\123`` (three octal digits) the character 0o123."""
        second = self.next
        if second is not None and second in DIGITS:
            self.get()
            third = self.next
            if first in OCTDIGITS and second in OCTDIGITS and third and third in OCTDIGITS:
                self.get()
                return int(first + second + third, 8)
        raise Refused("backreference")

    def char_class(self, start: int) -> Chars:
        items: list[Item] = []
        negate = self.match("^")
        while True:
            this = self.get()
            if this is None or (this == "]" and items):
                break
            first = self.class_item(this)
            if self.match("-"):
                that = self.get()
                if that == "]":
                    items += [first, ("lit", ord("-"))]
                    break
                second = self.class_item(that or "")
                assert isinstance(first[1], int) and isinstance(second[1], int)  # else invalid
                items.append(("range", first[1], second[1]))
            else:
                items.append(first)
        return Chars(self.text[start : self.pos], tuple(items), negate)

    def class_item(self, this: str) -> Item:
        if this[0] != "\\":
            return ("lit", ord(this))
        if this == "\\b":
            return ("lit", 8)
        if this[1] in CATEGORIES:
            return ("cat", this[1])
        return ("lit", self.number_escape(this, class_escape=True))
