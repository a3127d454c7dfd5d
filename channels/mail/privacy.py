"""The mail kept of a member in their data export and erasure: the ``mail`` personal-data section.

**Export**: every mail on the member's appeals that the exporting administrator may see, in
and out — Message-ID, direction, kind, addresses, subject, errors — in ``member.json`` under
``extra.mail``, and the raw messages as ``mail/<id>.eml`` in the ZIP export.

**Erasure** (inside the erasure's transaction): the raw messages, subjects and addresses of
their mail (on their appeals, and mail from their addresses kept without an appeal) are cleared,
and their acknowledgement slots forgotten. The Message-IDs stay: a mail delivered again after
the erasure is still a duplicate, not a new message of the erased person.
"""

from __future__ import annotations

import uuid
from typing import Any

from unionline import current

ERASED = "[удалено]"
EXPORTED = (
    "id, appeal_id, message_id, direction, kind, from_address, to_addresses, subject,"
    " in_reply_to, auto, error, source, size, raw IS NOT NULL AS has_raw"
)


class MailSection:
    """``unionline.privacy.sections`` section of the mail channel (added at startup)."""

    name = "mail"

    async def export(
        self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]
    ) -> list[dict[str, Any]]:
        rows = await _on_appeals(EXPORTED, appeal_ids)
        return [_exported(row) for row in rows]

    async def files(
        self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]
    ) -> list[tuple[str, bytes]]:
        rows = await _on_appeals("id, raw", appeal_ids)
        return [(f"{row['id']}.eml", bytes(row["raw"])) for row in rows if row["raw"] is not None]

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        await erase_members(member_ids)


async def _on_appeals(columns: str, appeal_ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    if not appeal_ids:
        return []
    marks = ", ".join("{}" for _ in appeal_ids)
    return await current().db.fetch(
        f"SELECT {columns} FROM mail_message WHERE appeal_id IN ({marks}) ORDER BY id",
        *appeal_ids,
    )


def _exported(row: dict[str, Any]) -> dict[str, Any]:
    found = {k: v for k, v in row.items() if k != "has_raw"}
    found["id"] = str(found["id"])
    found["appeal_id"] = str(found["appeal_id"])
    found["file"] = f"mail/{row['id']}.eml" if row["has_raw"] else None
    return found


async def erase_members(member_ids: list[uuid.UUID]) -> int:
    """Clear the mail of ``member_ids``; returns how many mail rows were cleared."""
    if not member_ids:
        return 0
    db = current().db
    marks = ", ".join("{}" for _ in member_ids)
    appeals = [
        r["id"]
        for r in await db.fetch(
            f"SELECT id FROM appeal_appeal WHERE member_id IN ({marks})", *member_ids
        )
    ]
    senders: set[tuple[Any, str]] = set()
    rows: list[Any] = []
    if appeals:
        marks = ", ".join("{}" for _ in appeals)
        found = await db.fetch(
            f"SELECT id, account_id, from_address, direction FROM mail_message"
            f" WHERE appeal_id IN ({marks})",
            *appeals,
        )
        rows += [r["id"] for r in found]
        senders |= {(r["account_id"], r["from_address"]) for r in found if r["direction"] == "in"}
    async with db.transaction():
        for account_id, address in senders:
            if not address:
                continue
            loose = await db.fetch(
                "SELECT id FROM mail_message WHERE account_id = {} AND from_address = {}"
                " AND appeal_id IS NULL",
                account_id,
                address,
            )
            rows += [r["id"] for r in loose]
            await db.execute(
                "DELETE FROM mail_ack WHERE key = {}", f"{account_id}:{address.lower()}"[:400]
            )
        for row_id in rows:
            await db.execute(
                "UPDATE mail_message SET raw = NULL, subject = {}, thread_subject = '',"
                " from_address = '', to_addresses = '', source_ref = NULL WHERE id = {}",
                ERASED,
                row_id,
            )
    return len(rows)
