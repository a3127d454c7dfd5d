"""Visitors and their conversations: who they are, what they said and were told, in order.

Every message of a visitor, in either direction, is a ``web_message`` row numbered ``seq``
within the visitor (see ``tables``); a widget resumes "after seq N". Rows are written in the
transaction that stores the message in the appeal (inbound) or settles its delivery
(outbound), and each one publishes ``web.conversation_changed`` so sockets in every process
pick it up.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from unionline import IdentityClaim, NotFound, current, publish
from unionline.channel import ChannelAccount
from unionline.channels.web import tokens
from unionline.channels.web.events import ConversationChanged
from unionline.channels.web.settings import WidgetSettings
from unionline.rows import IdRow

HISTORY_PAGE = 200


class VisitorRow(msgspec.Struct, kw_only=True):
    visitor: str
    key: str
    member_id: uuid.UUID | None
    verified: bool
    last_seq: int


class FileRef(msgspec.Struct, kw_only=True):
    id: str
    filename: str
    content_type: str
    size: int


def visitor_key(account_id: uuid.UUID, visitor: str) -> str:
    return f"{account_id}:{visitor}"


async def get_visitor(account_id: uuid.UUID, visitor: str) -> VisitorRow | None:
    return await current().db.fetch_one_as(
        VisitorRow,
        "SELECT visitor, key, member_id, verified, last_seq FROM web_visitor WHERE key = {}",
        visitor_key(account_id, visitor),
    )


async def ensure_visitor(
    account_id: uuid.UUID, visitor: str, member_id: uuid.UUID | None = None
) -> VisitorRow:
    """The visitor's row, created on first sight (its token proves we issued the id)."""
    now = time.time()
    await current().db.execute(
        "INSERT INTO web_visitor (id, account_id, visitor, key, member_id, verified, last_seq,"
        " created_at, seen_at) VALUES ({}, {}, {}, {}, {}, {}, 0, {}, {})"
        " ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        account_id,
        visitor,
        visitor_key(account_id, visitor),
        member_id,
        member_id is not None,
        now,
        now,
    )
    found = await get_visitor(account_id, visitor)
    assert found is not None
    return found


REFRESH = 3600.0  # a visitor's last use is written at most once an hour


async def keep_alive(key: str, lifetime: float) -> bool:
    """Whether the visitor was seen within ``lifetime`` seconds; if so, it is seen now.

    A visitor without a row yet (its token was issued, its row comes with its first message)
    is alive."""
    row = await current().db.fetchone("SELECT seen_at FROM web_visitor WHERE key = {}", key)
    if row is None:
        return True
    now = time.time()
    idle = now - float(row["seen_at"] or 0.0)
    if idle > lifetime:
        return False
    if idle > REFRESH:
        await current().db.execute("UPDATE web_visitor SET seen_at = {} WHERE key = {}", now, key)
    return True


# -- messages -----------------------------------------------------------------------------


async def append(
    account: ChannelAccount[Any, Any],
    key: str,
    *,
    direction: str,
    dedup: str,
    text: str = "",
    files: Sequence[FileRef] = (),
    client_id: str | None = None,
    appeal_id: uuid.UUID | None = None,
    entry_id: int | None = None,
    status: str = "",
) -> tuple[dict[str, Any], bool]:
    """Add a message to the visitor's conversation; (row, False) when ``dedup`` is known."""
    db = current().db
    async with db.transaction():
        # Taking the number locks the visitor row: numbers commit in the order they are taken.
        bumped = await db.fetchone(
            "UPDATE web_visitor SET last_seq = last_seq + 1 WHERE key = {} RETURNING last_seq",
            key,
        )
        if bumped is None:
            raise NotFound("this chat visitor does not exist", field="visitor")
        known = await db.fetchone("SELECT * FROM web_message WHERE dedup = {}", dedup)
        if known is not None:
            return known, False  # the number stays unused: gaps are harmless, order is kept
        seq = int(bumped["last_seq"])
        message_id = uuid.uuid4()
        await db.execute(
            "INSERT INTO web_message (id, account_id, visitor_key, seq, key, dedup, direction,"
            " text, attachments, client_id, appeal_id, entry_id, status, created_at)"
            " VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            message_id,
            account.id,
            key,
            seq,
            f"{key}:{seq}",
            dedup,
            direction,
            text,
            msgspec.json.encode(list(files)).decode(),
            client_id,
            appeal_id,
            entry_id,
            status,
            time.time(),
        )
        await publish(
            ConversationChanged(
                organization_id=account.organization_id,
                account_id=account.id,
                visitor_key=key,
                seq=seq,
            )
        )
        row = await db.fetchone("SELECT * FROM web_message WHERE id = {}", message_id)
    assert row is not None
    return row, True


async def by_dedup(dedup: str) -> dict[str, Any] | None:
    return await current().db.fetchone("SELECT * FROM web_message WHERE dedup = {}", dedup)


async def history(key: str, after: int, limit: int = HISTORY_PAGE) -> list[dict[str, Any]]:
    return await current().db.fetch(
        "SELECT * FROM web_message WHERE visitor_key = {} AND seq > {} ORDER BY seq LIMIT {}",
        key,
        after,
        limit,
    )


async def owns_outbound(key: str, message_id: str) -> bool:
    try:
        wanted = uuid.UUID(message_id)
    except ValueError:
        return False
    found = await current().db.fetchone(
        "SELECT id FROM web_message WHERE id = {} AND visitor_key = {} AND direction = 'out'",
        wanted,
        key,
    )
    return found is not None


async def visitors_of_appeal(appeal_id: uuid.UUID) -> list[str]:
    rows = await current().db.fetch(
        "SELECT DISTINCT visitor_key FROM web_message WHERE appeal_id = {}", appeal_id
    )
    return [r["visitor_key"] for r in rows]


async def follow_merge(source_id: uuid.UUID, target_id: uuid.UUID) -> None:
    """A merged appeal's conversation is the target's: the visitor's typing shows on the
    target's console, an operator typing there shows in the widget."""
    await current().db.execute(
        "UPDATE web_message SET appeal_id = {} WHERE appeal_id = {}", target_id, source_id
    )


async def latest_appeal(key: str) -> uuid.UUID | None:
    """The appeal the visitor wrote to last (what an operator answering them has open)."""
    row = await current().db.fetch_one_as(
        IdRow,
        "SELECT appeal_id AS id FROM web_message WHERE visitor_key = {} AND direction = 'in'"
        " AND appeal_id IS NOT NULL ORDER BY seq DESC LIMIT 1",
        key,
    )
    return row.id if row else None


def frame_of(row: dict[str, Any]) -> dict[str, Any]:
    """A message as the widget receives it (``type: message``)."""
    files = json.loads(row["attachments"] or "[]")
    return {
        "type": "message",
        "id": str(row["id"]),
        "seq": int(row["seq"]),
        "direction": row["direction"],
        "text": row["text"],
        "files": files,
        "client_id": row["client_id"],
        "at": float(row["created_at"]),
    }


# -- identity -----------------------------------------------------------------------------


async def verified_member_of(claim: IdentityClaim) -> uuid.UUID | None:
    """``resolve_identity`` for the web channel: a verified visitor is its member."""
    if claim.channel != "web" or not claim.verified:
        return None
    member = claim.profile.get("member_id")
    if not member:
        return None
    from unionline.channel import link_verified_member

    return await link_verified_member(claim, uuid.UUID(str(member)))


def identity_claim_profile(row: VisitorRow) -> dict[str, Any]:
    return {"member_id": str(row.member_id)} if row.verified and row.member_id else {}


# -- hours --------------------------------------------------------------------------------


def is_open(config: WidgetSettings, moment: datetime | None = None) -> bool:
    """Whether the chat is staffed now (no hours set: always)."""
    if not config.hours:
        return True
    local = (moment or datetime.now(tz=ZoneInfo("UTC"))).astimezone(ZoneInfo(config.timezone))
    now = local.strftime("%H:%M")
    return any(local.isoweekday() in h.days and h.start <= now < h.end for h in config.hours)


def visitor_address(visitor: str) -> str:
    return tokens.address(visitor)


async def has_file(key: str, file_id: str) -> bool:
    """Whether an operator's message to this visitor carried the file ``file_id``."""
    rows = await current().db.fetch_as(
        _Files,
        "SELECT attachments FROM web_message WHERE visitor_key = {} AND direction = 'out'"
        " AND attachments LIKE {}",
        key,
        f'%"{file_id}"%',
    )
    return any(f.get("id") == file_id for r in rows for f in r.attachments)


class _Files(msgspec.Struct):
    attachments: list[dict[str, Any]]


# -- erasure ------------------------------------------------------------------------------

ERASED = "[удалено]"


async def erase_members(member_ids: list[uuid.UUID]) -> int:
    """After a member's erasure (``privacy.member_erased``): their widget conversations keep
    the order but lose the words and files, and their visitors forget who they were."""
    if not member_ids:
        return 0
    db = current().db
    marks = ", ".join("{}" for _ in member_ids)
    # The erasure blanks the inbound log's addresses, but keeps which appeals were the member's.
    keys = {
        r["visitor_key"]
        for r in await db.fetch(
            "SELECT DISTINCT m.visitor_key FROM web_message m JOIN channel_inbound i"
            f" ON i.appeal_id = m.appeal_id WHERE i.member_id IN ({marks})",
            *member_ids,
        )
    }
    keys |= {
        r["key"]
        for r in await db.fetch(
            f"SELECT key FROM web_visitor WHERE member_id IN ({marks})", *member_ids
        )
    }
    async with db.transaction():
        for key in keys:
            await db.execute(
                "UPDATE web_message SET text = {}, attachments = '[]' WHERE visitor_key = {}",
                ERASED,
                key,
            )
            await db.execute("DELETE FROM web_upload WHERE visitor_key = {}", key)
            await db.execute(
                "UPDATE web_visitor SET member_id = NULL, verified = {} WHERE key = {}", False, key
            )
    return len(keys)
