"""A stranger's HTML made safe to hand to nh3 in time linear in it.

nh3 (html5ever) is quadratic on a few shapes anyone can mail: elements nested tens of
thousands deep (``"<ul><li>" * n``, ``"<div>" * n``: every new element looks down the whole
stack of open ones), tens of thousands of character references in one text node or attribute
value (``"&x" * n``) and thousands of attributes on one tag. Ordinary mail is far from all
three, so below ``CHECK_FROM`` ``<``, ``&`` and ``=`` the HTML is passed on untouched; above it a
check follows the depth tag by tag (names found by one regular-expression scan) and passes it
on untouched when it is within the bounds — as real mail is —, else one pass over its tags (a
regular-expression split, not a parser) keeps what the console shows within these bounds:

* ``MAX_DEPTH`` — a start tag that would open an element deeper than this is dropped (its
  text stays; elements that close themselves, like ``<p>`` and ``<li>``, and empty ones, like
  ``<br>``, are not counted, but a list counts two with its item and a table four with its
  body, row and cell);
* ``MAX_REFERENCES`` — a tag whose attributes hold more ``&`` than this is dropped, and a run
  of text with more is cut into text nodes of at most that many (an empty comment between
  them, which the sanitizer removes: the text reads the same);
* ``MAX_ATTRIBUTES`` — a tag with more attributes than this is dropped.

Markup denser than any mail's — on average a ``<`` every ``DENSE_TAGS`` characters or a ``&``
every ``DENSE_REFERENCES``, past ``CHECK_FROM`` of them — is not read as HTML at all: nh3 and
the pass above spend about a microsecond on every tag, so ``"<ul><li>" * n``, ``"<b>" * n``,
``"<span>x</span>" * n`` or ``"&x" * n`` cost 10–150 times an ordinary mail per KB. Such a
body has no HTML view; its text (``htmltext.to_text``: tags removed by a few regular-expression
passes, line breaks where block tags were) is what operators read, in time per KB about that
of ordinary mail.

What was dropped is named in the notes, which the mail keeps beside its raw bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import chain

CHECK_FROM = 1000  # "<", "&" or "=" in an HTML body before its tags are looked at
# Real mail nests far less, counted as ``_too_deep`` counts: the test fixtures' HTML mail 1–5,
# the client shapes of ``benchmarks/_html_mail.py`` 3–12, 46 newsletter templates
# (table-in-table layouts) 21 at the median and 35 at most; a Gmail reply quotes the
# conversation two deeper a level (49 levels fit). nh3 spends on every element time that
# grows with the open ones under it: 256 made padded nested lists (``"<ul><li>слово " * n``)
# ~0.2 ms/KB to sanitize, 100 ~0.16 — what nh3 spends on any markup that dense, nested or not.
MAX_DEPTH = 100
MAX_REFERENCES = 256
MAX_ATTRIBUTES = 256
DENSE_TAGS = 8  # characters per "<" (on average) below which a body is shown as text
DENSE_REFERENCES = 5.5  # characters per "&" (on average) below which a body is shown as text

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)([^<>]*)>?")
_TAG_SPLIT = re.compile(f"({_TAG.pattern})")  # the whole tag as the first group
_ATTRIBUTE = re.compile(r"""[^\s"'=/<>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")
_UNCOUNTED = {
    # void elements, and elements a sibling closes (they never nest in themselves)
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
    "tbody", "thead", "tfoot", "rb", "rt", "rp", "rtc", "colgroup", "caption",
}  # fmt: skip
# What an element opens under it that is not counted: a list's item, a table's body, row and
# cell ("<ul><li>" * n is twice as deep as its "<ul>"s)
_WEIGHT = {"ul": 2, "ol": 2, "menu": 2, "dl": 2, "table": 4}


@dataclass
class Bounded:
    html: str
    notes: list[str] = field(default_factory=list)
    # markup too dense to be read as HTML (``html`` is then ""): only its text is shown
    flat: str | None = None


def bound(html: str) -> Bounded:
    """``html`` within the bounds above, and what was dropped to get there."""
    tags, references = html.count("<"), html.count("&")
    if tags <= CHECK_FROM and references <= CHECK_FROM and html.count("=") <= CHECK_FROM:
        return Bounded(html)
    if (tags > CHECK_FROM and len(html) < tags * DENSE_TAGS) or (
        references > CHECK_FROM and len(html) < references * DENSE_REFERENCES
    ):
        return _flat(html, tags, references)
    if _attributes_within(html, references):  # then only the depth can drop tags
        opened: dict[str, int] = {}
        too_deep = _too_deep(_NAMES.findall(html), opened)
        if too_deep is None:
            return Bounded(html)  # what the pass below would copy unchanged
        return _cut_deep(html, *too_deep, opened)
    pass_ = _Pass(html)
    pass_.run()
    return Bounded("".join(pass_.out), pass_.notes())


# The check before the pass, in as few Python steps per tag as can be: the tags' names found
# by one scan in C (the same tags ``_TAG`` finds: its attributes never hold a "<"), the start
# tags whose attributes could be too many by another, and the text with a tag before it cut
# at every tag (an upper bound of the references in any tag or run of text).
_NAMES = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)")
_LONG_ATTRIBUTES = re.compile(rf"<[A-Za-z][^\s/<>]*+[^<>]{{{MAX_ATTRIBUTES * 2 + 1}}}")
_TAG_START = re.compile(r"<(?=/?[A-Za-z])")


def _within(html: str, references: int) -> bool:
    """Whether ``_Pass`` would leave ``html`` as it is (no tag dropped, no text cut)."""
    return _attributes_within(html, references) and _too_deep(_NAMES.findall(html), {}) is None


def _attributes_within(html: str, references: int) -> bool:
    """Whether no tag of ``html`` has too many references or attributes and no run of its
    text too many references (two scans in C; False: maybe)."""
    if _LONG_ATTRIBUTES.search(html) is not None:
        return False
    return references <= MAX_REFERENCES or all(
        piece.count("&") <= MAX_REFERENCES for piece in _TAG_START.split(html)
    )


def _too_deep(tags: list[tuple[str, str]], opened: dict[str, int]) -> tuple[int, int] | None:
    """The depth followed over ``tags`` ("/" or "", name) — a few dictionary look-ups a tag,
    where the pass spent ~1 µs (as much as nh3): None when none is too deep, else (the index
    of the first that is, the depth before it), ``opened`` then counting the open elements
    before it."""
    depth = 0
    weights, uncounted = _WEIGHT, _UNCOUNTED
    for index, (closing, name) in enumerate(tags):
        name = name.lower()
        if closing:
            if opened.get(name, 0) > 0:
                opened[name] -= 1
                depth -= weights.get(name, 1)
        elif name not in uncounted:
            weight = weights.get(name, 1)
            if depth + weight > MAX_DEPTH:
                return index, depth
            depth += weight
            opened[name] = opened.get(name, 0) + 1
    return None


def _cut_deep(html: str, start: int, depth: int, opened: dict[str, int]) -> Bounded:
    """``html`` without the start tags that would open elements deeper than ``MAX_DEPTH``,
    from its ``start``-th tag on (at ``depth``, with ``opened`` open): what ``_Pass`` does
    when nothing else is out of bounds, with the tags before copied at once."""
    parts = _TAG_SPLIT.split(html)  # text, then (tag, "/" or "", name, attributes, text)...
    first = 5 * start
    out = [*chain.from_iterable(zip(parts[0:first:5], parts[1:first:5], strict=True))]
    out.append(parts[first])
    dropped = 0
    weights, uncounted = _WEIGHT, _UNCOUNTED
    for tag, closing, name, text in zip(
        parts[first + 1 :: 5],
        parts[first + 2 :: 5],
        parts[first + 3 :: 5],
        parts[first + 5 :: 5],
        strict=True,
    ):
        name = name.lower()
        if closing:
            if opened.get(name, 0) > 0:
                opened[name] -= 1
                depth -= weights.get(name, 1)
        elif name not in uncounted:
            weight = weights.get(name, 1)
            if depth + weight > MAX_DEPTH:
                dropped += 1
                out.append(text)
                continue
            depth += weight
            opened[name] = opened.get(name, 0) + 1
        out.append(tag)
        out.append(text)
    return Bounded("".join(out), [_DEPTH_NOTE.format(dropped, MAX_DEPTH)] if dropped else [])


_DEPTH_NOTE = "HTML: {} tags nested deeper than {} dropped"


def _flat(html: str, tags: int, references: int) -> Bounded:
    note = (
        f"HTML as text: {tags} '<' and {references} '&' in {len(html)} characters, denser"
        " than any mail's markup; only its text is shown"
    )
    return Bounded("", [note], flat=html)


class _Pass:
    """One scan over the tags, copying the HTML with the tags out of bounds left out."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.out: list[str] = []
        self.open: dict[str, int] = {}  # element name -> how many are open
        self.depth = 0
        self.dropped = {"depth": 0, "references": 0, "attributes": 0}

    def run(self) -> None:
        # one split in C: text, then (tag, "/" or "", name, attributes, text) per tag
        parts = _TAG_SPLIT.split(self.html)
        self._text(parts[0])
        for tag, closing, name, attributes, text in zip(
            parts[1::5], parts[2::5], parts[3::5], parts[4::5], parts[5::5], strict=True
        ):
            reason = self._refused(closing, name.lower(), attributes)
            if reason is None:
                self.out.append(tag)
            else:
                self.dropped[reason] += 1
            self._text(text)

    def _text(self, text: str) -> None:
        if text.count("&") > MAX_REFERENCES:  # an empty comment before every 256th "&"
            pieces = text.split("&")
            step = MAX_REFERENCES
            chunks = ["&".join(pieces[i : i + step]) for i in range(0, len(pieces), step)]
            text = "<!---->&".join(chunks)
        self.out.append(text)

    def _refused(self, closing: str, name: str, attributes: str) -> str | None:
        if closing:
            if self.open.get(name, 0) > 0:
                self.open[name] -= 1
                self.depth -= _WEIGHT.get(name, 1)
            return None
        if attributes.count("&") > MAX_REFERENCES:
            return "references"
        if len(attributes) > MAX_ATTRIBUTES * 2 and _too_many_attributes(attributes):
            return "attributes"
        if name in _UNCOUNTED:  # "<div/>" opens a div all the same
            return None
        weight = _WEIGHT.get(name, 1)
        if self.depth + weight > MAX_DEPTH:
            return "depth"
        self.open[name] = self.open.get(name, 0) + 1
        self.depth += weight
        return None

    def notes(self) -> list[str]:
        counts = self.dropped
        notes = []
        if counts["depth"]:
            notes.append(_DEPTH_NOTE.format(counts["depth"], MAX_DEPTH))
        if counts["references"]:
            notes.append(
                f"HTML: {counts['references']} tags with more than {MAX_REFERENCES}"
                " character references dropped"
            )
        if counts["attributes"]:
            notes.append(
                f"HTML: {counts['attributes']} tags with more than {MAX_ATTRIBUTES}"
                " attributes dropped"
            )
        return notes


def _too_many_attributes(attributes: str) -> bool:
    found = _ATTRIBUTE.finditer(attributes)
    return any(count > MAX_ATTRIBUTES for count, _ in enumerate(found, 1))
