"""A message's entities (bold, links, mentions: spans of its text) as the channel keeps them in
``data["entities"]``: plain dicts, at most ``MAX_ENTITIES``.

Telegram formats at most 100 entities a message and ignores the rest (python-telegram-bot's
``MessageLimit.MESSAGE_ENTITIES``, found by experiment). Past that bound the first 100 (in
Telegram's order, by offset) are kept and the text stays whole: a message listing more links
or hashtags than that keeps them in its text, not all in ``data["entities"]``. The message
carries its entities as raw JSON (``types.Message``), so those past the bound are skipped at
JSON speed, never decoded one by one (issue #12: thousands of them cost 5x their bytes).
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from unionline import Invalid
from unionline.channels.telegram.types import Message, MessageEntity

log = logging.getLogger("unionline.channels.telegram")

MAX_ENTITIES = 100

_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_ENTITIES = msgspec.json.Decoder(list[MessageEntity])


def message_entities(message: Message, where: str) -> list[dict[str, Any]]:
    """The text's entities, else the caption's; ``where`` names the message in errors
    (``message``, ``message.reply_to_message``)."""
    return kept_entities(message.entities, f"{where}.entities") or kept_entities(
        message.caption_entities, f"{where}.caption_entities"
    )


def kept_entities(raw: msgspec.Raw, field: str) -> list[dict[str, Any]]:
    """The entities of ``raw`` (the message's ``field``, a JSON array) as dicts, the first
    ``MAX_ENTITIES`` of them; ``Invalid`` naming the field when a kept one is malformed."""
    try:
        items = _ITEMS.decode(raw)
        if len(items) > MAX_ENTITIES:
            log.info("%s: %d entities, the first %d kept", field, len(items), MAX_ENTITIES)
            raw = msgspec.Raw(b"[" + b",".join(items[:MAX_ENTITIES]) + b"]")
        kept: list[dict[str, Any]] = msgspec.to_builtins(_ENTITIES.decode(raw))
        return kept
    except msgspec.ValidationError as exc:
        raise Invalid(f"bad update: {exc} (in {field})", field=field) from None
