"""Telegram's ``parse_mode=HTML`` as the Bot API documents it, for the stand-in to check what we
send: only the listed tags, only ``&lt; &gt; &amp; &quot;`` and numeric entities, every other
``<``, ``>`` and ``&`` must be escaped. Lengths are in UTF-16 code units, as the API counts them.
"""

from __future__ import annotations

import html
import re

TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>|&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|[<>&]"
)
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """What the Bot API answers as ``Bad Request: can't parse entities: ...``."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[dict]]:
    """The plain text and the entities of an HTML-formatted message; raises on bad markup."""
    plain: list[str] = []
    offset = 0  # UTF-16 units of plain text so far
    stack: list[tuple[str, int, dict]] = []
    entities: list[dict] = []
    position = 0
    for match in _TOKEN.finditer(source):
        text = source[position : match.start()]
        plain.append(text)
        offset += utf16_len(text)
        position = match.end()
        where = len(source[: match.start()].encode())
        closing, tag, attrs, entity = match.group(1), match.group(2), match.group(3), match.group(4)
        if tag is not None:
            offset = _tag(tag.lower(), closing == "/", attrs or "", where, offset, stack, entities)
        elif entity is not None:
            char = _entity(entity, where)
            plain.append(char)
            offset += utf16_len(char)
        else:
            raise EntityParseError(
                f"Character '{match.group(0)}' is reserved and must be "
                f"escaped at byte offset {where}"
            )
    plain.append(source[position:])
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(plain), sorted(entities, key=lambda e: e["offset"])


def _tag(
    tag: str,
    closing: bool,
    attrs: str,
    where: int,
    offset: int,
    stack: list[tuple[str, int, dict]],
    entities: list[dict],
) -> int:
    if tag not in TAGS:
        kind = "end" if closing else "start"
        raise EntityParseError(f'Unsupported {kind} tag "{tag}" at byte offset {where}')
    if not closing:
        extra: dict = {}
        if tag == "a":
            href = re.search(r'href\s*=\s*"([^"]*)"', attrs)
            extra["url"] = html.unescape(href.group(1)) if href else ""
        if tag == "span" and "tg-spoiler" not in attrs:
            raise EntityParseError(f'Unsupported start tag "span" at byte offset {where}')
        stack.append((tag, offset, extra))
        return offset
    if not stack or stack[-1][0] != tag:
        raise EntityParseError(
            f"Unmatched end tag at byte offset {where}, expected "
            f'"</{stack[-1][0] if stack else ""}>", found "</{tag}>"'
        )
    _, start, extra = stack.pop()
    if offset > start:
        entities.append({"type": TAGS[tag], "offset": start, "length": offset - start, **extra})
    return offset


def _entity(name: str, where: int) -> str:
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    if name in _NAMED:
        return _NAMED[name]
    raise EntityParseError(f'Unsupported HTML entity "&{name};" at byte offset {where}')
