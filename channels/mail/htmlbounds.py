"""A stranger's HTML made safe to hand to nh3 in time linear in it.

nh3 (html5ever) is quadratic on a few shapes anyone can mail: elements nested tens of
thousands deep (``"<ul><li>" * n``, ``"<div>" * n``: every new element looks down the whole
stack of open ones), tens of thousands of character references in one text node or attribute
value (``"&x" * n``) and thousands of attributes on one tag. Ordinary mail is far from all
three, so below ``CHECK_FROM`` ``<``, ``&`` and ``=`` the HTML is passed on untouched (unless its
start tags are many for its size, ``NESTED_FROM``); above it a
check follows the depth over the tags that can change it (elements opened and closed round
their text, and the names never counted, are passed over by regular expressions in C) and
passes it on untouched when it is within the bounds — as real mail is —, else one pass over
its tags (regular expressions, not a parser; where the depth is full, a stretch at a time)
keeps what the console shows within these bounds:

* ``MAX_DEPTH`` — a start tag that would open an element deeper than this is dropped (its
  text stays; elements that close themselves, like ``<p>`` and ``<li>``, and empty ones, like
  ``<br>``, are not counted, but a list counts two with its item and a table four with its
  body, row and cell); ``DENSE_MAX_DEPTH`` in markup denser than a ``<`` every
  ``DENSE_DEPTH_BYTES`` bytes;
* ``MAX_REFERENCES`` — a tag whose attributes hold more ``&`` than this is dropped, and a run
  of text with more is cut into text nodes of at most that many (an empty comment between
  them, which the sanitizer removes: the text reads the same);
* ``MAX_ATTRIBUTES`` — a tag with more attributes than this is dropped.

Markup denser than any mail's — on average a ``<`` every ``DENSE_TAG_BYTES`` bytes of UTF-8 or
a ``&`` every ``DENSE_REFERENCES`` characters, past ``CHECK_FROM`` of them — is not read as HTML
at all: nh3 and the pass above spend about a microsecond on every tag, so ``"<ul><li>" * n``,
``"<b>" * n``, ``"<span>x</span>" * n`` or ``"&x" * n`` cost 10–150 times an ordinary mail per
KB, and markup just sparser than the bound (``"<li>wordwordwo" * n``) up to ~3 times. Such a
body has no HTML view; its text (``htmltext.to_text``: tags removed by a few regular-expression
passes, line breaks where block tags were) is what operators read, in time per KB about that
of ordinary mail.

What was dropped is named in the notes, which the mail keeps beside its raw bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, filterfalse, islice, repeat

CHECK_FROM = 1000  # "<", "&" or "=" in an HTML body before its tags are looked at
# Below CHECK_FROM they are looked at all the same when the start tags are many for the size:
# their number squared over NESTED_FROM characters. nh3 spends on a start tag time that grows
# with the elements open under it, n nested ones ~n² (no more nested than start tags): 1,000
# nested <blockquote> padded to 16 KB cost 6x an ordinary mail to sanitize, to 32 KB 5x.
# Ordinary mail's start tags squared are 1.7–6.4 times its characters at 16 KB (the client
# shapes of ``benchmarks/_html_mail.py``; ~10 at 32 KB, when the tags near CHECK_FROM anyway).
NESTED_FROM = 8
# Real mail nests far less, counted as ``_too_deep`` counts: the test fixtures' HTML mail 1–5,
# the client shapes of ``benchmarks/_html_mail.py`` 3–12, 46 newsletter templates
# (table-in-table layouts) 21 at the median and 35 at most; a Gmail reply quotes the
# conversation two deeper a level (49 levels fit). nh3 spends on every element time that
# grows with the open ones under it: 256 made padded nested lists (``"<ul><li>слово " * n``)
# ~0.2 ms/KB to sanitize, 100 ~0.16 — what nh3 spends on any markup that dense, nested or not.
MAX_DEPTH = 100
# Markup denser than a "<" every DENSE_DEPTH_BYTES bytes of UTF-8 (on average, past CHECK_FROM)
# is bounded at DENSE_MAX_DEPTH. Mail that dense is webmail (fixtures 17.6–20 bytes a "<",
# short English replies, below CHECK_FROM, from 11.5; 1–5 deep), not the newsletters that
# nest 21–35 (24–50 characters a "<"); nh3 spends on every tag time that grows with the open
# elements, and at a "<" every 8 bytes (``"<ul><li>wordword" * n``) each ``<li>`` walked 100
# of them. Since markup under DENSE_TAG_BYTES (14) is shown as text, only 14–16 bytes a "<"
# nest up to 32: padded nested lists there cost per KB 2.5 times an ordinary mail to sanitize
# at 32, 24 or 16 alike (in ASCII; in Russian, 15 bytes a "<", 2.95, 2.8, 2.7; 16 KB, a loaded
# machine) — the cost a tag, not the depth, is what is left, and 32 stays (webmail nests 1–5).
DENSE_DEPTH_BYTES = 16
DENSE_MAX_DEPTH = 32
MAX_REFERENCES = 256
MAX_ATTRIBUTES = 256
# Bytes of UTF-8 per "<" (on average, past CHECK_FROM) below which a body is shown as text.
# nh3 spends ~0.65 µs on a tag, ordinary mail 12–31 tags a KB (the client shapes: 32–85 bytes
# a "<"), so what is still read as HTML costs up to about 1024 / DENSE_TAG_BYTES tags a KB:
# the densest shapes read (``"<li>…"``, ``"<p>…"``, ``"<b><i>…</b></i>"``,
# ``"<div>…<br>…</div>"``, ASCII words between), sanitized or made text, cost per KB of an
# ordinary mail 3.3–3.6 times at 12 bytes a "<", 2.9–3.1 at 14, 2.6–2.8 at 16 (16 KB, a loaded
# machine; before the per-tag savings of ``_tags`` and ``htmltext._read``, 3.6–4.2 at 12).
# Real mail is sparser: the test fixtures' webmail 17.6 (Mail.ru) to 20.2 bytes a "<" (Yandex;
# 13.6–14.7 characters: its Russian is two bytes a letter), the client shapes 32–85, 46
# newsletter templates 24–50 characters; the densest long webmail we could make from public
# knowledge of its markup, a list of short Russian names a ``<div>`` a line
# (``<div>Иванов И.И.</div>``), 15, of phone numbers in ASCII 13.5 (shown as text). Counted
# in characters (before: 8) Russian mail would be twice as near the bound as ASCII markup.
DENSE_TAG_BYTES = 14
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
        starts = tags - html.count("</")
        if starts * starts <= NESTED_FROM * len(html):
            return Bounded(html)
    if (tags > CHECK_FROM and _fewer_bytes(html, tags * DENSE_TAG_BYTES)) or (
        references > CHECK_FROM and len(html) < references * DENSE_REFERENCES
    ):
        return _flat(html, tags, references)
    limit = depth_limit(html, tags)
    if _attributes_within(html, references):  # then only the depth can drop tags
        if len(html) < tags * _DENSER and "</" in html and _shallow(html, limit):
            return Bounded(html)  # (no end tag: nothing closes round text, the loop below tells)
        opened: dict[str, int] = {}
        too_deep = _too_deep(_tags(html), opened, limit)
        if too_deep is None:
            return Bounded(html)  # what the pass below would copy unchanged
        return _cut_deep(html, *too_deep, opened, limit)
    pass_ = _Pass(html, limit)
    pass_.run()
    return Bounded("".join(pass_.out), pass_.notes())


def depth_limit(html: str, tags: int) -> int:
    """How deep ``html`` (of ``tags`` "<") may nest: ``DENSE_MAX_DEPTH`` when it is past
    ``CHECK_FROM`` and denser than a "<" every ``DENSE_DEPTH_BYTES`` bytes, else ``MAX_DEPTH``
    (UTF-8 is counted only when the characters alone are that dense)."""
    if tags > CHECK_FROM and _fewer_bytes(html, tags * DENSE_DEPTH_BYTES):
        return DENSE_MAX_DEPTH
    return MAX_DEPTH


def _fewer_bytes(html: str, least: int) -> bool:
    """Whether ``html`` is fewer than ``least`` bytes of UTF-8 (encoded only when its characters
    alone are fewer)."""
    if len(html) >= least:
        return False
    return html.isascii() or len(html.encode("utf-8", "surrogatepass")) < least


# The check before the pass, in as few Python steps per tag as can be: the tags' names found
# by one scan in C (``_tags``: the same tags ``_TAG`` finds, its attributes never hold a "<"),
# the start tags whose attributes could be too many by another, and the text with a tag before
# it cut at every tag (an upper bound of the references in any tag or run of text).
_LONG_ATTRIBUTES = re.compile(rf"<[A-Za-z][^\s/<>]*+[^<>]{{{MAX_ATTRIBUTES * 2 + 1}}}")
_TAG_START = re.compile(r"<(?=/?[A-Za-z])")


def _within(html: str, references: int, limit: int = MAX_DEPTH) -> bool:
    """Whether ``_Pass`` would leave ``html`` as it is (no tag dropped, no text cut)."""
    return _attributes_within(html, references) and _too_deep(_tags(html), {}, limit) is None


def _attributes_within(html: str, references: int) -> bool:
    """Whether no tag of ``html`` has too many references or attributes and no run of its
    text too many references (two scans in C; False: maybe)."""
    if _LONG_ATTRIBUTES.search(html) is not None:
        return False
    if references <= MAX_REFERENCES:
        return True
    return max(map(str.count, _TAG_START.split(html), repeat("&"))) <= MAX_REFERENCES


def _named(names: set[str]) -> str:
    """A pattern of a tag's name whose ``lower()`` is one of ``names`` (lowercase ASCII): the
    whole name (a longer one starting so is another), the Kelvin sign taken for the "k" it
    lowers to. Its first letter is looked at once, in a set, before the names are."""
    first = "".join(sorted({name[0] for name in names}))
    letters = f"[{first}{first.upper()}\u212a]" if "k" in first else f"[{first}{first.upper()}]"
    return f"(?={letters}){_names(names)}(?![^\\s/<>])"


def _names(names: set[str]) -> str:
    """``names`` branched letter by letter, ASCII letters in either case, "k" also the Kelvin
    sign (a name is turned away at its first letter that fits none)."""
    branches = []
    for first in sorted({name[0] for name in names if name}):
        rest = {name[1:] for name in names if name and name[0] == first}
        case = "[kK\u212a]" if first == "k" else f"[{first}{first.upper()}]"
        branches.append(case + _names(rest))
    if not branches:
        return ""
    return "(?:" + "|".join(branches) + (")?" if "" in names else ")")


def _lowercase_names(names: set[str]) -> str:
    """A pattern of ``names`` (lowercase ASCII), branched letter by letter (sre skips a branch
    at its first letter)."""
    branches = []
    for first in sorted({name[0] for name in names if name}):
        rest = {name[1:] for name in names if name and name[0] == first}
        branches.append(first + _lowercase_names(rest))
    if not branches:
        return ""
    return "(?:" + "|".join(branches) + (")?" if "" in names else ")")


# Most tags of any markup leave the depth as they found it, and passing over them takes no step
# in Python. An element of weight 1 (not a list or table) opened and closed with only text in
# it (``<span>слово</span>``) leaves the depth where it was, once its start tag was within the
# bound: it is replaced by a space (so that no "<" before it reads as a tag), a few passes,
# innermost first; an element removed so sat at most one a pass above what is left at its
# place, so what is left is followed against a bound that much lower. When many tags are left
# (``<div>строка<br>строка</div>``), the tags of the names never counted (``_too_deep`` passes
# over them, end tags too) are replaced by a space as well, and the elements they were in
# removed in turn.
#
# Only markup denser than a "<" every ``_DENSER`` characters is looked at so: in sparser, as in
# ordinary mail (the client shapes are 24–50 characters a "<"), a pass costs about what the
# loop over the tags it removes would (a pass reads every character, ~4 ns; the loop ~0.2 µs a
# tag). At 16 (before): ``bound`` of spans at 16–18 characters a "<" 27–30 µs/KB by the loop,
# 10 by the passes; markup they remove nothing of (``"<b><i>…</b></i>"``) 22–25, 31–34.
# The HTML is lowered first (``_lowered``: each tag where it was, its name as ``str.lower``
# reads it), so that the patterns spell the names in one case: sre turns a branch away at its
# first letter (the patterns of names in either case cost ~10 times as much a tag).
_CLOSED = re.compile(
    rf"<(?!{_lowercase_names(set(_WEIGHT))}(?![^\s/<>]))([a-z][^\s/<>]*+)[^<>]*+>[^<]*+"
    r"</\1(?![^\s/<>])"
)
_DENSER = 20
_CLOSED_PASSES = 3
_UNCOUNTED_TAG = re.compile(rf"</?{_lowercase_names(_UNCOUNTED)}(?![^\s/<>])[^<>]*+>?")
# Tags left after the first passes that are followed at once: up to this many, or sparser than
# a "<" every this many characters, or with no end tag left (none would close round text).
_FEW_TAGS = 200
_SPARSE = 48


def _shallow(html: str, limit: int = MAX_DEPTH) -> bool:
    """Whether no tag of ``html`` is nested deeper than ``limit``, found by following only
    the tags that could change the depth (False: maybe — ``_too_deep`` over all tells)."""
    html, passes = _without_closed(_lowered(html), 0)
    left = html.count("<")
    if left > _FEW_TAGS and left * _SPARSE > len(html) and "</" in html:
        html, uncounted = _UNCOUNTED_TAG.subn(" ", html)
        if uncounted:  # (else no element is closed round its text that was not before)
            html, passes = _without_closed(html, passes)
    return _too_deep(_tags(html), {}, limit - passes) is None


def _without_closed(html: str, passes: int) -> tuple[str, int]:
    """``html`` without the elements closed round their text, and the passes so far that
    removed any (up to ``_CLOSED_PASSES``)."""
    while passes < _CLOSED_PASSES and "</" in html:
        html, closed = _CLOSED.subn(" ", html)
        if not closed:
            break
        passes += 1
    return html, passes


def _tags(html: str) -> Iterator[str]:
    """The name of each tag of ``html`` whose name is counted, lowercased, "/" before it in an
    end tag, found a few KB at a time as they are asked for (``_too_deep`` stops at the first
    too deep; ``findall`` is the cheapest scan a tag). The tags of the names never counted,
    start or end, leave the depth as it was: they are passed over in C, and the names are
    lowercased with the whole HTML (``_lowered``), not one by one."""
    tags = chain.from_iterable(_tags_by_chunk(_lowered(html)))
    return filterfalse(_NEVER_COUNTED.__contains__, tags)


_LOWER_TAG = re.compile(r"<(/?[a-z][^\s/<>]*)")  # a tag of lowered HTML: "/" and name
_NEVER_COUNTED = frozenset(_UNCOUNTED | {"/" + name for name in _UNCOUNTED})


def _lowered(html: str) -> str:
    """``html`` lowercased, each tag where it was (the tags ``_TAG`` finds, with their names as
    ``str.lower`` reads them): a "<" or "</" before a Kelvin sign or an "İ" (no tag there,
    they are not ASCII letters) is kept from starting one — lowered, they are "k" and "i̇", the
    only characters that lower to an ASCII letter; "İ", the only one that lowers to two,
    moves what follows it one character on."""
    if "\u212a" in html or "\u0130" in html:
        for sign in ("\u212a", "\u0130"):
            html = html.replace("<" + sign, "<\x00").replace("</" + sign, "</\x00")
    return html.lower()


# The tags ``_tags`` yields (those of lowered HTML but of a name never counted: ``<p>``,
# ``</td>``, ``<br>``; of the client shapes' tags, Gmail's 14%, Outlook's a third, a
# newsletter's 59%, Thunderbird's 96%; nearly all of "<p>слово" * n), where they are.
_COUNTED_LOWER = re.compile(
    rf"<(/?+)(?!{_lowercase_names(_UNCOUNTED)}(?![^\s/<>]))([a-z][^\s/<>]*)"
)
# The same tags in HTML not lowered (its names in any case; ``_named``)
_COUNTED_NAMES = re.compile(rf"<(/?+)(?!{_named(_UNCOUNTED)})([A-Za-z][^\s/<>]*)")


_CHUNK = 4096  # characters of HTML whose tags are found at once


def _tags_by_chunk(html: str) -> Iterator[list[str]]:
    position = 0
    while position < len(html):
        end = html.find("<", position + _CHUNK)  # a chunk ends before a "<": no tag is cut
        end = len(html) if end < 0 else end
        yield _LOWER_TAG.findall(html, position, end)
        position = end


def _too_deep(
    tags: Iterable[str], opened: dict[str, int], limit: int = MAX_DEPTH
) -> tuple[int, int] | None:
    """The depth followed over ``tags`` (the counted ones as ``_tags`` finds them) — a few
    dictionary look-ups a tag, where the pass spent ~1 µs (as much as nh3): None when none is
    deeper than ``limit``, else (the index of the first that is, the depth before it),
    ``opened`` then counting the open elements before it."""
    depth = 0
    weights = _WEIGHT
    for index, name in enumerate(tags):
        if name[0] == "/":
            name = name[1:]
            if opened.get(name, 0) > 0:
                opened[name] -= 1
                depth -= weights.get(name, 1)
        else:
            weight = weights.get(name, 1)
            if depth + weight > limit:
                return index, depth
            depth += weight
            opened[name] = opened.get(name, 0) + 1
    return None


def _cut_deep(
    html: str, start: int, depth: int, opened: dict[str, int], limit: int = MAX_DEPTH
) -> Bounded:
    """``html`` without the start tags that would open elements deeper than ``limit``, from
    its ``start``-th tag of a counted name on (``_tags``; at ``depth``, with ``opened`` open):
    what ``_Pass`` does when nothing else is out of bounds, with the tags before copied at
    once."""
    # lowered, what follows an "İ" has moved: the tags are found in ``html`` itself
    moved = "\u0130" in html
    tags = _COUNTED_NAMES.finditer(html) if moved else _COUNTED_LOWER.finditer(_lowered(html))
    position = next(islice(tags, start, None)).start()
    cut = _Cut(html, position, depth, opened, limit)
    cut.run()
    dropped = cut.dropped
    return Bounded("".join(cut.out), [_DEPTH_NOTE.format(dropped, limit)] if dropped else [])


_DEPTH_NOTE = "HTML: {} tags nested deeper than {} dropped"
# While the depth is full every start tag of a counted name is dropped, up to the end tag that
# closes an open element: that stretch is cut by one substitution in C (padded nested lists
# are one stretch), the tags between such stretches followed one by one — for ``_STEPS`` of
# them, then the rest by one loop over a split (markup hovering at the bound).
_END_TAG = re.compile(r"</([A-Za-z][^\s/<>]*)[^<>]*>?")
_COUNTED_START = re.compile(f"<(?!{_named(_UNCOUNTED)})[A-Za-z][^<>]*>?")
_STEPS = 256


class _Cut:
    """The tags from ``position`` on, with the depth followed from ``depth`` and ``opened``
    up to ``limit``."""

    def __init__(
        self, html: str, position: int, depth: int, opened: dict[str, int], limit: int
    ) -> None:
        self.html, self.position, self.depth, self.opened = html, position, depth, opened
        self.limit = limit
        self.out = [html[:position]]
        self.dropped = 0

    def run(self) -> None:
        for _ in range(_STEPS):
            if self.position >= len(self.html):
                return
            if self.depth >= self.limit:
                self._full()
            else:
                self._step()
        self._rest()

    def _full(self) -> None:
        """To the next end tag that closes an open element, every counted start tag dropped."""
        html, opened = self.html, self.opened
        ends = _END_TAG.finditer(html, self.position)
        end = next((tag for tag in ends if opened.get(tag[1].lower(), 0) > 0), None)
        stop = len(html) if end is None else end.start()
        kept, dropped = _COUNTED_START.subn("", html[self.position : stop])
        self.out.append(kept)
        self.dropped += dropped
        self.position = stop
        if end is not None:
            self._follow(end)

    def _step(self) -> None:
        tag = _TAG.search(self.html, self.position)
        stop = len(self.html) if tag is None else tag.start()
        self.out.append(self.html[self.position : stop])
        self.position = stop
        if tag is not None:
            self._follow(tag)

    def _follow(self, tag: re.Match[str]) -> None:
        """``tag`` copied or dropped, the depth followed past it."""
        self.position = tag.end()
        name = tag[2 if tag.re is _TAG else 1].lower()
        if tag[0][1] == "/":
            if self.opened.get(name, 0) > 0:
                self.opened[name] -= 1
                self.depth -= _WEIGHT.get(name, 1)
        elif name not in _UNCOUNTED:
            weight = _WEIGHT.get(name, 1)
            if self.depth + weight > self.limit:
                self.dropped += 1
                return
            self.depth += weight
            self.opened[name] = self.opened.get(name, 0) + 1
        self.out.append(tag[0])

    def _rest(self) -> None:
        """The tags from ``position`` on in one loop over a split."""
        parts = _TAG_SPLIT.split(self.html[self.position :])
        self.out.append(parts[0])
        depth, opened, out, limit = self.depth, self.opened, self.out, self.limit
        weights, uncounted = _WEIGHT, _UNCOUNTED
        for tag, closing, name, text in zip(
            parts[1::5], parts[2::5], parts[3::5], parts[5::5], strict=True
        ):
            name = name.lower()
            if closing:
                if opened.get(name, 0) > 0:
                    opened[name] -= 1
                    depth -= weights.get(name, 1)
            elif name not in uncounted:
                weight = weights.get(name, 1)
                if depth + weight > limit:
                    self.dropped += 1
                    out.append(text)
                    continue
                depth += weight
                opened[name] = opened.get(name, 0) + 1
            out.append(tag)
            out.append(text)
        self.position = len(self.html)


def _flat(html: str, tags: int, references: int) -> Bounded:
    note = (
        f"HTML as text: {tags} '<' and {references} '&' in {len(html)} characters, denser"
        " than any mail's markup; only its text is shown"
    )
    return Bounded("", [note], flat=html)


class _Pass:
    """One scan over the tags, copying the HTML with the tags out of bounds left out."""

    def __init__(self, html: str, limit: int = MAX_DEPTH) -> None:
        self.html, self.limit = html, limit
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
        if self.depth + weight > self.limit:
            return "depth"
        self.open[name] = self.open.get(name, 0) + 1
        self.depth += weight
        return None

    def notes(self) -> list[str]:
        counts = self.dropped
        notes = []
        if counts["depth"]:
            notes.append(_DEPTH_NOTE.format(counts["depth"], self.limit))
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
