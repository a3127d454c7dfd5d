"""Our own sends, remembered by ``random_id`` so their ``message_reply`` echoes are not shown
twice; every other echo is a message a community admin sent from VK's own interface."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from unionline import current
from unionline.channel import SentElsewhere


async def remember(account_id: uuid.UUID, random_id: int) -> None:
    """Record a send before it is made (so its echo can never arrive first)."""
    await current().db.execute(
        "INSERT INTO vk_sent (id, key, sent_at) VALUES ({}, {}, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        f"{account_id}:{random_id}",
        time.time(),
    )


async def without_our_own(account_id: uuid.UUID, items: Sequence[Any]) -> list[Any]:
    """``items`` less the echoes of messages Unionline sent."""
    kept = []
    for item in items:
        if isinstance(item, SentElsewhere) and await _ours(account_id, item.data.get("random_id")):
            continue
        kept.append(item)
    return kept


async def _ours(account_id: uuid.UUID, random_id: object) -> bool:
    if not random_id:  # VK's interface sends without one
        return False
    return await tried(account_id, random_id)


async def tried(account_id: uuid.UUID, random_id: object) -> bool:
    """Whether a send of ``random_id`` was made (or begun: it is remembered before)."""
    row = await current().db.fetchone(
        "SELECT 1 AS found FROM vk_sent WHERE key = {}", f"{account_id}:{random_id}"
    )
    return row is not None
