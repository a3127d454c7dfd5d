"""E-mail HTML: sanitized for the console's sandboxed frame (nh3), and converted to text.

Remote images are dropped (they would tell the sender when and where an operator read the
mail); images the mail carries inline (``cid:``) are embedded as ``data:`` URLs when small.

The HTML is the sender's: only its first ``MAX_INPUT`` characters are read (the raw message
keeps the rest), within the bounds of ``htmlbounds`` (nh3 is quadratic past them), and the
text conversion reads nh3's well-formed output, never the sender's
markup itself — the standard library's ``HTMLParser`` is quadratic on malformed input such as
``"</" * 50_000`` (3.7 s for 100 KB). That output holds only a few known tags, so its text is
read by replacements in C (``_read``), as ``HTMLParser`` would read it.
"""

from __future__ import annotations

import base64
import re
from html import unescape
from html.parser import HTMLParser
from typing import Any, Protocol

import nh3

from unionline.channels.mail.htmlbounds import Bounded, bound

MAX_EMBEDDED = 512 * 1024  # inline images up to this size are shown in the HTML
MAX_INPUT = 1024 * 1024  # characters of a mail's HTML that are sanitized or converted
# A quote's lines read "> " a level in the text, up to this many levels: deeper ones as deep as
# this. Without it the text grew with the lines times the depth — 1,000 nested quotes (below
# ``htmlbounds.CHECK_FROM``, not looked at) of 16 KB made 1 MB of text in 33 ms. An HTML-only
# thread quotes one level a reply; the quoted history is trimmed from what operators read.
MAX_QUOTE_LEVELS = 16
_CID = re.compile(r"""(src\s*=\s*["']?)cid:([^"'\s>]+)""", re.IGNORECASE)
_BLOCKS = {
    "p", "div", "br", "tr", "li", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "section", "article", "header", "footer",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "noscript", "template"}


class InlineImage(Protocol):
    content_type: str
    data: bytes


def sanitize(html: str | Bounded, inline: dict[str, Any] | None = None) -> str:
    """HTML safe to show in a sandboxed frame: no scripts, handlers, forms or remote images."""
    if isinstance(html, str):
        html = bound(html[:MAX_INPUT])
    if html.flat is not None:  # no HTML view: the text is shown (to_text)
        return ""
    html = _input(html)
    if inline:
        html = _CID.sub(lambda m: m.group(1) + _data_url(inline, m.group(2)), html)
    return nh3.clean(
        html,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto", "tel", "data"},
        clean_content_tags={"script", "style", "title", "noscript", "template"},
        link_rel="noopener noreferrer nofollow",
    )


def _data_url(inline: dict[str, Any], content_id: str) -> str:
    image = inline.get(content_id)
    if image is None or len(image.data) > MAX_EMBEDDED:
        return "cid:" + content_id
    encoded = base64.b64encode(image.data).decode()
    return f"data:{image.content_type};base64,{encoded}"


def embedded(html: str, image: InlineImage) -> bool:
    """Whether the sanitized ``html`` shows ``image`` (its ``cid:`` reference was embedded and
    survived sanitizing)."""
    if len(image.data) > MAX_EMBEDDED:
        return False
    head = base64.b64encode(image.data[:48]).decode()  # 48 bytes: a prefix of the whole's code
    return f"data:{image.content_type};base64,{head}" in html


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("src", "srcset", "background"):
        if tag == "img" and attribute == "src" and value.startswith("data:image/"):
            return value
        return None  # remote images and anything else that loads by itself
    if attribute == "href" and value.lower().startswith("data:"):
        return None
    return value


def _input(html: str | Bounded) -> str:
    """What nh3 reads of a body: its first ``MAX_INPUT`` characters, within ``htmlbounds``."""
    if isinstance(html, str):
        html = bound(html[:MAX_INPUT])
    return html.html[:MAX_INPUT].replace("\x00", "")


_COMMON_REFERENCES = (("&nbsp;", "\u00a0"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'),
                      ("&#39;", "'"), ("&amp;", "&"))  # fmt: skip
# The text of markup too dense to read (``htmlbounds``): a line break before the tags that
# start or end a line, a space before a table cell's end, every tag removed as HTML5 reads one
# ("<" and a letter, "/", "!" or "?", up to the next ">"); any other "<" is text.
_LINE_END = re.compile(  # the first look-ahead turns most other "<" away in one step
    r"<(?=/?[pPlLdDtTuUoOhHbB])(?=/?(?:[pP]|[lL][iI]|[dD][iI][vV]|[tT][rR]|[uUoO][lL]|[hH][1-6]"
    r"|[bB][rR])[\s/>])"
)
_CELL_END = re.compile(r"<(?=/[tT][dDhH])")
_ANY_TAG = re.compile(r"<[A-Za-z/!?][^>]*>?")


def to_text(html: str | Bounded) -> str:
    """The readable text of an HTML body (line breaks at blocks, links kept as text)."""
    if isinstance(html, str):
        html = bound(html[:MAX_INPUT])
    if html.flat is not None:
        return _flat_text(html.flat)
    return _tidy(_read(_well_formed(html)))


# nh3's output (``_well_formed``) holds only these tags, lowercase and without attributes; the
# text conversion reads it by replacements in C, or split at its tags.
_READ_NAMES = _BLOCKS | {"td", "span"}
_READ_TAG = re.compile(r"<(/?)([a-z][a-z0-9]*)>")
_INLINE = (("<td>", " "), ("</td>", ""), ("<span>", ""), ("</span>", ""))
_ANY_READ_TAG = re.compile("<[^>]*+>")


def _read(markup: str) -> str:
    """The text of nh3's well-formed ``markup`` (``_well_formed``) as ``_TextParser`` reads
    it: without a quote by a few replacements in C, with one tag by tag after one split (the
    parser spent ~3 µs a tag); markup holding any other tag is left to the parser."""
    if "<blockquote>" not in markup:
        # the inline tags replaced in C, then every other tag is a line's (nh3 escapes every
        # "<" that starts none, and writes no end tag without its start tag)
        for tag, replacement in _INLINE:
            markup = markup.replace(tag, replacement)
        return unescape(_ANY_READ_TAG.sub("\n", markup))  # every "&" starts a whole reference
    parts = _READ_TAG.split(markup)
    if not _READ_NAMES.issuperset(parts[2::3]):
        return _parsed(markup)
    # what ``_TextParser`` does with these tags (none of them skipped), without a call a tag
    out = [unescape(parts[0])]
    quote, prefix = 0, ""
    for closing, name, data in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        if name == "blockquote":
            quote = max(0, quote - 1) if closing else quote + 1
            prefix = "> " * min(quote, MAX_QUOTE_LEVELS)
            out.append("\n")
        elif name in _BLOCKS:
            out.append("\n")
        elif name == "td" and not closing:
            out.append(" ")
        if data:
            data = unescape(data)
            out.append(_quoted(data, prefix) if quote else data)
    return "".join(out)


def _quoted(data: str, prefix: str) -> str:
    """``data`` with ``prefix`` before each of its lines that is not blank."""
    if "\n" not in data:
        return prefix + data if data.strip() else data
    return "\n".join((prefix + line) if line.strip() else line for line in data.split("\n"))


def _parsed(markup: str) -> str:
    """``markup`` read by ``HTMLParser`` (``_TextParser``)."""
    parser = _TextParser()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # HTMLParser is lenient; keep what it read
        pass
    return "".join(parser.out)


def _flat_text(markup: str) -> str:
    """The text of ``markup``; the common character references read, the rest as written."""
    text = _CELL_END.sub(" <", _LINE_END.sub("\n<", markup[:MAX_INPUT]))
    text = _ANY_TAG.sub("", text).replace("\x00", "")
    for reference, character in _COMMON_REFERENCES:
        text = text.replace(reference, character)
    return _tidy(text)


# Runs of blanks become one space: tabs and no-break spaces are made spaces, then runs of two
# or more are shortened by a pattern that starts with a literal (sre skips to each "  " in C; a
# pattern starting at any blank was tried at every space, 10–30% of a mail's conversion).
_SPACES = re.compile("  +")
# "\n{3,}" written so that it starts with a literal: sre then skips to each "\n\n" in C instead
# of trying the pattern at every character (18x faster on a 16 KB mail's text)
_BREAKS = re.compile(r"\n\n\n+")


def _tidy(text: str) -> str:
    if "\t" in text or "\u00a0" in text:
        text = text.replace("\t", " ").replace("\u00a0", " ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    # no two spaces in a row now: the spaces around a line break are one at most on each
    # side (replaced in C; a pattern " *\n *" was tried at every character)
    text = text.replace(" \n", "\n").replace("\n ", "\n")
    if "\n\n\n" in text:
        text = _BREAKS.sub("\n\n", text)
    return text.strip()


def _well_formed(html: str | Bounded) -> str:
    """``html`` as nh3 writes it: only the tags the text conversion looks at, no attributes, no
    comments; every other ``<`` and ``&`` escaped — input ``HTMLParser`` reads in one pass."""
    return nh3.clean(
        _input(html),
        tags=_BLOCKS | {"td", "span"},
        attributes={},
        clean_content_tags=_SKIP - {"head"},
        url_schemes=set(),
    )


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.quote += 1
            self.out.append("\n")
        elif tag in _BLOCKS:
            self.out.append("\n")
        elif tag == "td":
            self.out.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote:
            data = _quoted(data, "> " * min(self.quote, MAX_QUOTE_LEVELS))
        self.out.append(data)
