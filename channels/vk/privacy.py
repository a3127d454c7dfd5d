"""What the VK channel holds about a member, for their export and erasure (152-FZ): the
communities whose messages they forbade (``vk_denied``). Names in ``vk_name`` are VK's public
profile names by VK id, not tied to a member: the daily sweep (:data:`SWEEP`) deletes those not
asked for again within ``[vk] names_ttl``, so an erased member's name is gone a day after that."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import msgspec

from unionline import PeriodicJob, current
from unionline.channels.vk.settings import vk_settings

log = logging.getLogger("unionline.channels.vk")


class Denial(msgspec.Struct, frozen=True):
    account_id: uuid.UUID
    user_id: int
    denied_at: float


class VkSection:
    """The ``vk`` section of a member's export and erasure (added in ``runtime_started``)."""

    name = "vk"

    async def export(
        self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]
    ) -> list[dict[str, Any]]:
        if not member_ids:
            return []
        rows = await current().db.fetch_as(
            Denial,
            "SELECT account_id, user_id, denied_at FROM vk_denied"
            f" WHERE member_id IN ({_marks(member_ids)}) ORDER BY denied_at",
            *member_ids,
        )
        return [
            {
                "messages_forbidden_by_community": str(r.account_id),
                "vk_id": r.user_id,
                "at": r.denied_at,
            }
            for r in rows
        ]

    async def erase(self, member_ids: list[uuid.UUID]) -> None:
        if member_ids:
            await current().db.execute(
                f"DELETE FROM vk_denied WHERE member_id IN ({_marks(member_ids)})", *member_ids
            )


async def sweep_names(now: float | None = None) -> None:
    """Delete cached names not asked for again within ``[vk] names_ttl``."""
    cutoff = (time.time() if now is None else now) - vk_settings().names_ttl
    gone = await current().db.fetch(
        "DELETE FROM vk_name WHERE fetched_at < {} RETURNING id", cutoff
    )
    if gone:
        log.info("deleted %d expired VK name(s)", len(gone))


def _marks(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values)


SWEEP = PeriodicJob("vk.sweep_names", sweep_names)
