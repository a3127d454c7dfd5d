"""An article's Markdown: rendered to sanitized HTML (markdown-it-py, raw HTML off, then nh3),
reduced to plain text for the search index and excerpts, split into sections by its ``##``
headings (an override may replace sections of its base), and compared line by line."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import msgspec
import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto", "tel"}
_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*#*\s*$")
_MARKUP = re.compile(r"[*_`>#|~\[\]()!]+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(markdown: str) -> str:
    """Safe HTML of an article: no raw HTML from the source, only :data:`TAGS`, links with
    ``rel="noopener noreferrer"``, URLs of :data:`SCHEMES` or relative ones."""
    html = _markdown().render(markdown)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer",
    )


_VOID = {"br", "hr", "img"}


class _Tree(HTMLParser):
    """Sanitized HTML as nested nodes ``{"t": tag, "a": {attr: value}, "c": [node or text]}``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Any] = []
        self.stack: list[list[Any]] = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = ATTRIBUTES.get(tag, set())
        children: list[Any] = []
        attributes = {k: v or "" for k, v in attrs if k in allowed}
        self.stack[-1].append({"t": tag, "a": attributes, "c": children})
        if tag not in _VOID:
            self.stack.append(children)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].append(data)


def tree(html: str) -> list[Any]:
    """:func:`render`'s HTML as a tree the console draws with its DOM helpers (it parses no
    HTML itself)."""
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return parser.root


def plain(markdown: str) -> str:
    """The words of an article without its markup (links keep their text)."""
    return _SPACE.sub(" ", _MARKUP.sub(" ", _LINK.sub(r"\1", markdown))).strip()


def excerpt(markdown: str, limit: int = 300) -> str:
    """The article's first ``limit`` characters of plain text, cut at a word."""
    text = plain(markdown)
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,.;:") + "…"


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_ANCHOR = re.compile(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(\S(?:.*?\S)?)\1")
_HEADING_MARK = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_QUOTE_MARK = re.compile(r"^>\s?", re.MULTILINE)
_BLANKS = re.compile(r"\n{3,}")


def as_message(markdown: str) -> str:
    """An article as a member reads it in a chat or a mail: paragraphs and list items kept,
    headings, emphasis and quotes without their marks, links as «text (address)»."""
    text = _IMAGE.sub("", markdown)
    text = _ANCHOR.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _QUOTE_MARK.sub("", _HEADING_MARK.sub("", text))
    return _BLANKS.sub("\n\n", text).strip()


class Section(msgspec.Struct, frozen=True):
    heading: str  # "" for the text before the first heading
    text: str  # the section's lines, its heading line included


def sections(markdown: str) -> list[Section]:
    """The article cut at its ``#`` and ``##`` headings, in order."""
    found: list[Section] = []
    heading, lines = "", list[str]()
    for line in markdown.splitlines(keepends=True):
        match = _HEADING.match(line.rstrip("\n"))
        if match:
            if lines or heading:
                found.append(Section(heading, "".join(lines)))
            heading, lines = match.group(2).strip(), [line]
        else:
            lines.append(line)
    if lines or heading:
        found.append(Section(heading, "".join(lines)))
    return found


def _key(heading: str) -> str:
    return heading.strip().lower().replace("ё", "е")


def merge_sections(base: str, override: str) -> str:
    """``base`` with each section whose heading ``override`` also has replaced by the
    override's; the override's other sections are added at the end."""
    mine = {_key(s.heading): s.text for s in sections(override)}
    merged = []
    for section in sections(base):
        merged.append(mine.pop(_key(section.heading), section.text))
    merged.extend(mine.values())
    return "".join(text if text.endswith("\n") else text + "\n" for text in merged).rstrip("\n")


class DiffLine(msgspec.Struct, frozen=True):
    op: str  # " " same, "-" only in the old text, "+" only in the new one
    text: str


def diff(old: str, new: str, context: int = 3) -> list[DiffLine]:
    """The lines that differ between two texts, with ``context`` lines around each change
    (a line ``@@`` separates distant hunks)."""
    lines: list[DiffLine] = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("@", ""))
        else:
            lines.append(DiffLine(line[:1] or " ", line[1:]))
    return lines
