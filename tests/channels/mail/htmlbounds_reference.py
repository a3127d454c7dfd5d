"""The HTML bounds as they were before the check that skips the copying pass (one ``finditer``
over every tag, each tag copied or dropped by a method call: ~1 µs a tag), kept only as the
oracle ``test_mail_htmlbounds`` checks ``unionline.channels.mail.htmlbounds.bound`` against."""

from __future__ import annotations

import re

from unionline.channels.mail.htmlbounds import (
    _UNCOUNTED,
    _WEIGHT,
    CHECK_FROM,
    DENSE_REFERENCES,
    DENSE_TAGS,
    MAX_ATTRIBUTES,
    MAX_DEPTH,
    MAX_REFERENCES,
    Bounded,
    _flat,
    _too_many_attributes,
)

_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*)([^<>]*)>?")


def bound(html: str) -> Bounded:
    tags, references = html.count("<"), html.count("&")
    if tags <= CHECK_FROM and references <= CHECK_FROM and html.count("=") <= CHECK_FROM:
        return Bounded(html)
    if (tags > CHECK_FROM and len(html) < tags * DENSE_TAGS) or (
        references > CHECK_FROM and len(html) < references * DENSE_REFERENCES
    ):
        return _flat(html, tags, references)
    return bounded_by_pass(html)


def bounded_by_pass(html: str) -> Bounded:
    """The copying pass alone, whatever the counts."""
    pass_ = _Pass(html)
    pass_.run()
    return Bounded("".join(pass_.out), pass_.notes())


class _Pass:
    def __init__(self, html: str) -> None:
        self.html = html
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
        if self.depth + weight > MAX_DEPTH:
            return "depth"
        self.open[name] = self.open.get(name, 0) + 1
        self.depth += weight
        return None

    def notes(self) -> list[str]:
        counts = self.dropped
        notes = []
        if counts["depth"]:
            notes.append(f"HTML: {counts['depth']} tags nested deeper than {MAX_DEPTH} dropped")
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
