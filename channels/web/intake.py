"""A visitor's frame through the channel SDK's inbound path, and into their conversation.

``ingest`` (verify → decode → store with dedup, identity, appeal) and the conversation row run
in one transaction: a message is in both or in neither. A resend of the same client message id
is absorbed by the SDK's unique key and answered with the row stored the first time.
"""

from __future__ import annotations

from typing import Any

import msgspec

from unionline import current, without_nul
from unionline.channel import InboundRequest, IngestResult, ingest
from unionline.channels.web import conversation, uploads
from unionline.channels.web.channel import MessageFrame


class Ack(msgspec.Struct, kw_only=True):
    """The answer to a visitor's message: its number in the conversation."""

    type: str = "ack"
    client_id: str
    id: str
    seq: int
    duplicate: bool = False


async def take_in(account: Any, request: InboundRequest) -> tuple[IngestResult, list[Ack]]:
    acks = []
    async with current().db.transaction():
        result = await ingest(account, request)
        for stored in result.messages:
            visitor, _, client_id = stored.external_id.partition(":")
            key = conversation.visitor_key(account.id, visitor)
            dedup = f"in:{key}:{client_id}"
            row = await conversation.by_dedup(dedup) if stored.duplicate else None
            if row is None:
                frame = request.json(MessageFrame)
                row, _ = await conversation.append(
                    account,
                    key,
                    direction="in",
                    dedup=dedup,
                    text=without_nul(frame.text),  # as the SDK stored it
                    files=await uploads.refs(key, frame.files),
                    client_id=client_id,
                    appeal_id=stored.appeal_id,
                    entry_id=stored.entry_id,
                )
            acks.append(
                Ack(
                    client_id=client_id,
                    id=str(row["id"]),
                    seq=int(row["seq"]),
                    duplicate=stored.duplicate,
                )
            )
    return result, acks
