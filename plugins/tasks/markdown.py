"""Task descriptions and comments are Markdown, shown as sanitized HTML (markdown-it-py, then
nh3 with a short allow-list: no raw HTML, no scripts, links open safely)."""

from __future__ import annotations

import re
import uuid

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "del",
}
MENTION = re.compile(r"@\[([^\]]{1,100})\]\(([0-9a-f-]{36})\)")


def to_html(text: str) -> str:
    """Sanitized HTML of Markdown ``text``; a mention ``@[Имя](id)`` shows as ``@Имя``."""
    text = MENTION.sub(lambda m: f"**@{m.group(1)}**", text)
    return nh3.clean(
        _MD.render(text),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def mentions(text: str) -> list[uuid.UUID]:
    """The operators a text mentions as ``@[Имя](operator id)``, in order, once each."""
    found: dict[uuid.UUID, None] = {}
    for match in MENTION.finditer(text):
        try:
            found[uuid.UUID(match.group(2))] = None
        except ValueError:
            continue
    return list(found)
