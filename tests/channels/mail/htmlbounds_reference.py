"""The HTML bounds as they were before the check that skips the copying pass (one ``finditer``
over every tag, each tag copied or dropped by a method call: ~1 µs a tag), kept only as the
oracle ``test_mail_htmlbounds`` checks ``unionline.channels.mail.htmlbounds.bound`` against.
The nesting bound is ``MAX_DEPTH``, or ``DENSE_MAX_DEPTH`` for dense markup (counted here by
encoding the whole HTML)."""

from __future__ import annotations

import re

from unionline.channels.mail.htmlbounds import (
    _UNCOUNTED,
    _WEIGHT,
    CHECK_FROM,
    DENSE_DEPTH_BYTES,
    DENSE_MAX_DEPTH,
    DENSE_REFERENCES,
    DENSE_TAG_BYTES,
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    MAX_REFERENCES,
    NESTED_FROM,
    Bounded,
    _flat,
    _too_many_attributes,
)

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)([^<>]*)>?")


def bound(html: str, dense_limit: int = DENSE_MAX_DEPTH) -> Bounded:
    """``bound`` as the pass of before reads it; ``dense_limit=MAX_DEPTH``: before the bound
    of dense markup was lowered."""
    tags, references = html.count("<"), html.count("&")
    starts = len(re.findall("<(?!/)", html))
    few = starts**2 <= NESTED_FROM * len(html)
    if tags <= CHECK_FROM and references <= CHECK_FROM and html.count("=") <= CHECK_FROM and few:
        return Bounded(html)
    size = len(html.encode("utf-8", "surrogatepass"))
    if (tags > CHECK_FROM and size < tags * 14) or (
        references > CHECK_FROM and len(html) < references * DENSE_REFERENCES
    ):
        return _flat(html, tags, references)
    dense = tags > CHECK_FROM and size < tags * 16
    assert (DENSE_TAG_BYTES, DENSE_DEPTH_BYTES) == (14, 16)  # written out: this is the oracle
    return bounded_by_pass(html, dense_limit if dense else MAX_DEPTH)


def bounded_by_pass(html: str, limit: int = MAX_DEPTH) -> Bounded:
    """The copying pass alone, whatever the counts, nesting up to ``limit``."""
    pass_ = _Pass(html, limit)
    pass_.run()
    return Bounded("".join(pass_.out), pass_.notes())


class _Pass:
    def __init__(self, html: str, limit: int) -> None:
        self.html, self.limit = html, limit
        self.out: list[str] = []
        self.open: dict[str, int] = {}
        self.depth = 0
        self.dropped = {"depth": 0, "references": 0, "attributes": 0}

    def run(self) -> None:
        copied = 0
        for tag in _TAG.finditer(self.html):
            self._text(self.html[copied : tag.start()])
            copied = tag.end()
            reason = self._refused(tag)
            if reason is None:
                self.out.append(tag.group())
            else:
                self.dropped[reason] += 1
        self._text(self.html[copied:])

    def _text(self, text: str) -> None:
        if text.count("&") > MAX_REFERENCES:
            pieces = text.split("&")
            step = MAX_REFERENCES
            chunks = ["&".join(pieces[i : i + step]) for i in range(0, len(pieces), step)]
            text = "<!---->&".join(chunks)
        self.out.append(text)

    def _refused(self, tag: re.Match[str]) -> str | None:
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if closing:
            if self.open.get(name, 0) > 0:
                self.open[name] -= 1
                self.depth -= _WEIGHT.get(name, 1)
            return None
        if attributes.count("&") > MAX_REFERENCES:
            return "references"
        if len(attributes) > MAX_ATTRIBUTES * 2 and _too_many_attributes(attributes):
            return "attributes"
        if name in _UNCOUNTED:
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
            notes.append(f"HTML: {counts['depth']} tags nested deeper than {self.limit} dropped")
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
