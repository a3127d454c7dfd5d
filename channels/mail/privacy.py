"""A member's erasure (``privacy.member_erased``) reaches the mail kept of them.

The raw messages, subjects and addresses of their mail (on their appeals, and mail from their
addresses kept without an appeal) are cleared, and their acknowledgement slots forgotten. The
Message-IDs stay: a mail delivered again after the erasure is still a duplicate, not a new
message of the erased person.
"""

from __future__ import annotations

import uuid
from typing import Any

from unionline import current

ERASED = "[удалено]"


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
