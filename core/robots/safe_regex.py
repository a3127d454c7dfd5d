"""Patterns for rule conditions, matched in time linear in the text (no catastrophic backtracking).

Python's ``re`` backtracks: a pattern like ``(a+)+b`` on a long line of ``a`` runs for ages and
cannot be interrupted. Rule conditions are written by supervisors and run on members' text, so
their patterns are parsed with ``re``'s own parser (same syntax), checked against a subset when
the rule is saved, and compiled to a small NFA run by a Pike VM: every character is looked at
once per NFA state, so a match costs at most ``len(text) × MAX_PROGRAM`` steps.

The subset: literals, ``.``, classes (``[а-я]``, ``\\d``, ``\\w``, ``\\s`` and negations),
groups (capturing or not), alternation, every quantifier (greedy or lazy; ``{m,n}`` up to
``MAX_REPEAT``), anchors ``^ $ \\A \\Z \\b \\B`` and the flags ``(?i) (?m) (?s) (?x)`` for the
whole pattern. Refused: backreferences, lookahead/lookbehind, conditionals, atomic groups,
possessive quantifiers and flags scoped to a group. Only "does it match anywhere" is answered
(no groups are captured). Texts longer than ``MAX_TEXT`` characters are cut to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

MAX_PATTERN = 200  # characters
MAX_PROGRAM = 400  # NFA instructions
MAX_REPEAT = 50  # the largest bound of {m,n}
MAX_TEXT = 10_000  # characters of text looked at

Pred = Callable[[str], bool]


class UnsafePattern(ValueError):
    """The pattern is not valid, or outside the safe subset; the message says why."""


@dataclass(frozen=True)
class Program:
    ops: tuple[tuple[Any, ...], ...]
    flags: int
    # Remembered steps of the lazy VM (see ``_run``): closures and character transitions.
    memo: tuple[dict[Any, frozenset[int]], dict[Any, frozenset[int]]] = field(
        default_factory=lambda: ({}, {}), compare=False, repr=False
    )

    def search(self, text: str) -> bool:
        return _run(self, text[:MAX_TEXT])


@lru_cache(maxsize=512)
def compile(pattern: str, ignore_case: bool = False) -> Program:
    """Check ``pattern`` and compile it; :class:`UnsafePattern` says what is wrong."""
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"the pattern is longer than {MAX_PATTERN} characters")
    flags = re.IGNORECASE if ignore_case else 0
    try:
        parsed = _parser.parse(pattern, flags)
    except re.error as exc:
        raise UnsafePattern(f"not a valid pattern: {exc}") from None
    flags = parsed.state.flags
    builder = _Builder(flags)
    builder.emit_seq(parsed)
    builder.ops.append(("match",))
    return Program(tuple(tuple(op) for op in builder.ops), flags)


def search(pattern: str, text: str, ignore_case: bool = False) -> bool:
    return compile(pattern, ignore_case).search(text)


# -- compiling ------------------------------------------------------------------------------


class _Builder:
    def __init__(self, flags: int) -> None:
        self.flags = flags
        self.ops: list[Any] = []

    def add(self, op: list[Any] | tuple[Any, ...]) -> int:
        if len(self.ops) >= MAX_PROGRAM:
            raise UnsafePattern("the pattern is too complex (make repeats and classes smaller)")
        self.ops.append(op)
        return len(self.ops) - 1

    def emit_seq(self, items: Any) -> None:
        for op, arg in items:
            self.emit(op, arg)

    def emit(self, op: Any, arg: Any) -> None:
        if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
            self.add(("char", self.predicate(op, arg)))
        elif op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = arg
            if add_flags or del_flags:
                raise UnsafePattern("flags scoped to a group are not supported")
            self.emit_seq(sub)
        elif op is C.BRANCH:
            self.emit_branch(arg[1])
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            self.emit_repeat(*arg)
        elif op is C.AT:
            self.add(("assert", arg))
        else:
            raise UnsafePattern(_REFUSED.get(str(op), f"{str(op).lower()} is not supported"))

    def emit_branch(self, alternatives: list[Any]) -> None:
        jumps = []
        for n, alternative in enumerate(alternatives):
            if n < len(alternatives) - 1:
                split = self.add(["split", 0, 0])
                self.ops[split][1] = len(self.ops)
                self.emit_seq(alternative)
                jumps.append(self.add(["jmp", 0]))
                self.ops[split][2] = len(self.ops)
            else:
                self.emit_seq(alternative)
        for jump in jumps:
            self.ops[jump][1] = len(self.ops)

    def emit_repeat(self, low: int, high: int, sub: Any) -> None:
        unbounded = high is C.MAXREPEAT or high == C.MAXREPEAT
        if low > MAX_REPEAT or (not unbounded and high > MAX_REPEAT):
            raise UnsafePattern(f"repeat counts above {MAX_REPEAT} are not supported")
        for _ in range(low):
            self.emit_seq(sub)
        if unbounded:
            split = self.add(["split", 0, 0])
            self.ops[split][1] = len(self.ops)
            self.emit_seq(sub)
            self.add(("jmp", split))
            self.ops[split][2] = len(self.ops)
            return
        splits = []
        for _ in range(high - low):
            split = self.add(["split", 0, 0])
            self.ops[split][1] = len(self.ops)
            splits.append(split)
            self.emit_seq(sub)
        for split in splits:
            self.ops[split][2] = len(self.ops)

    def predicate(self, op: Any, arg: Any) -> Pred:
        dotall = bool(self.flags & re.DOTALL)
        if op is C.ANY:
            return (lambda c: True) if dotall else (lambda c: c != "\n")
        if op is C.LITERAL:
            base = _literal(chr(arg))
        elif op is C.NOT_LITERAL:
            inner = _literal(chr(arg))
            return self._fold(inner, negate=True)
        elif arg and arg[0][0] is C.NEGATE:
            return self._fold(_class(arg[1:]), negate=True)
        else:
            base = _class(arg)
        return self._fold(base)

    def _fold(self, pred: Pred, *, negate: bool = False) -> Pred:
        if self.flags & re.IGNORECASE:
            plain = pred

            def pred(c: str) -> bool:
                return plain(c) or any(len(v) == 1 and plain(v) for v in (c.lower(), c.upper()))

        if negate:
            positive = pred
            return lambda c: not positive(c)
        return pred


_REFUSED = {
    "GROUPREF": "backreferences are not supported",
    "GROUPREF_EXISTS": "conditional groups are not supported",
    "ASSERT": "lookahead and lookbehind are not supported",
    "ASSERT_NOT": "lookahead and lookbehind are not supported",
    "ATOMIC_GROUP": "atomic groups are not supported",
    "POSSESSIVE_REPEAT": "possessive quantifiers are not supported",
}


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"


_CATEGORIES: dict[str, Pred] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdecimal(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": _word,
    "CATEGORY_NOT_WORD": lambda c: not _word(c),
}


def _literal(ch: str) -> Pred:
    return lambda c: c == ch


def _class(items: list[Any]) -> Pred:
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    tests: list[Pred] = []
    for op, arg in items:
        if op is C.LITERAL:
            chars.add(chr(arg))
        elif op is C.RANGE:
            ranges.append((chr(arg[0]), chr(arg[1])))
        elif op is C.CATEGORY and str(arg) in _CATEGORIES:
            tests.append(_CATEGORIES[str(arg)])
        else:
            raise UnsafePattern(f"{str(op).lower()} inside a character class is not supported")
    return lambda c: (
        c in chars or any(lo <= c <= hi for lo, hi in ranges) or any(t(c) for t in tests)
    )


# -- running ---------------------------------------------------------------------------------
#
# A Pike VM made lazy: the set of NFA states at a position, with the kind of character before
# and after it (what anchors look at), determines what follows, so each step is remembered and
# a text is mostly a walk over two dictionaries. The memo is bounded: past ``MAX_MEMO`` entries
# it starts again, which only costs time.

MAX_MEMO = 20_000
START, END, NEWLINE, FINAL_NEWLINE, WORD, OTHER = range(6)
_MATCH = frozenset({-1})  # the closure reached the match instruction


def _kind_before(text: str, i: int) -> int:
    if i == 0:
        return START
    c = text[i - 1]
    return NEWLINE if c == "\n" else WORD if _word(c) else OTHER


def _kind_after(text: str, i: int) -> int:
    n = len(text)
    if i == n:
        return END
    c = text[i]
    if c == "\n":
        return FINAL_NEWLINE if i == n - 1 else NEWLINE
    return WORD if _word(c) else OTHER


def _holds(kind: Any, before: int, after: int, flags: int) -> bool:
    name = str(kind)
    multiline = bool(flags & re.MULTILINE)
    if name == "AT_BEGINNING":
        return before == START or (multiline and before == NEWLINE)
    if name == "AT_BEGINNING_STRING":
        return before == START
    if name == "AT_END":
        ends = (END, FINAL_NEWLINE, NEWLINE) if multiline else (END, FINAL_NEWLINE)
        return after in ends
    if name == "AT_END_STRING":
        return after == END
    if name == "AT_BOUNDARY":
        return (before == WORD) != (after == WORD)
    if name == "AT_NON_BOUNDARY":
        return (before == WORD) == (after == WORD)
    raise UnsafePattern(f"{name.lower()} is not supported")  # pragma: no cover


def _run(program: Program, text: str) -> bool:
    ops, flags = program.ops, program.flags
    closures, steps = program.memo
    if len(closures) + len(steps) > MAX_MEMO:
        closures.clear()
        steps.clear()
    current: frozenset[int] = frozenset()  # instructions reached by the previous character
    for i in range(len(text) + 1):
        key = (current, _kind_before(text, i), _kind_after(text, i))
        ready = closures.get(key)
        if ready is None:
            ready = closures[key] = _closure(ops, flags, current, key[1], key[2])
        if ready is _MATCH:
            return True
        if i == len(text):
            return False
        c = text[i]
        step = (ready, c)
        following = steps.get(step)
        if following is None:
            following = steps[step] = frozenset(pc + 1 for pc in ready if ops[pc][1](c))
        current = following
    return False  # pragma: no cover


def _closure(
    ops: tuple[tuple[Any, ...], ...], flags: int, current: frozenset[int], before: int, after: int
) -> frozenset[int]:
    """Follow jumps, splits and assertions from the carried-over threads and a new one
    starting here; the character-consuming instructions reached, or ``_MATCH``."""
    seen: set[int] = set()
    out: set[int] = set()
    stack = [0, *current]
    while stack:
        pc = stack.pop()
        if pc in seen:
            continue
        seen.add(pc)
        op = ops[pc]
        kind = op[0]
        if kind == "match":
            return _MATCH
        if kind == "char":
            out.add(pc)
        elif kind == "jmp":
            stack.append(op[1])
        elif kind == "split":
            stack.append(op[2])
            stack.append(op[1])
        elif kind == "assert" and _holds(op[1], before, after, flags):
            stack.append(pc + 1)
    return frozenset(out)
