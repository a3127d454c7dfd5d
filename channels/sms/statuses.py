"""Delivery statuses of HTTP gateways: by callback (the gateway calls us), or by asking — an
account whose ``statuses`` is ``"polling"`` has a :class:`StatusPoller` that asks the gateway
(``statuses(account, ids)`` of its adapter) every ``[sms] status_poll_seconds`` about the sends
of the last ``status_window_hours`` whose final status is not known yet (``sms_sent``)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

from unionline import current
from unionline.channel import DeliveryReport, Poller, load_account, store_inbound
from unionline.channels.sms.settings import sms_settings

BATCH = 100  # ids asked about in one request


async def remember(account_id: uuid.UUID, external_id: str, phone: str) -> None:
    await current().db.execute(
        "INSERT INTO sms_sent (id, key, account_id, external_id, phone, final, sent_at)"
        " VALUES ({}, {}, {}, {}, {}, 0, {}) ON CONFLICT (key) DO NOTHING",
        uuid.uuid4(),
        f"{account_id}:{external_id}",
        account_id,
        external_id,
        phone,
        time.time(),
    )


async def settled(account_id: uuid.UUID, reports: Sequence[DeliveryReport]) -> None:
    """Sends whose final status came (by callback or polling) are not asked about again."""
    for report in reports:
        await current().db.execute(
            "UPDATE sms_sent SET final = 1 WHERE key = {}", f"{account_id}:{report.external_id}"
        )


async def pending(account_id: uuid.UUID) -> list[tuple[str, str]]:
    since = time.time() - sms_settings().status_window_hours * 3600
    rows = await current().db.fetch(
        "SELECT external_id, phone FROM sms_sent WHERE account_id = {} AND final = 0"
        " AND sent_at >= {} ORDER BY sent_at LIMIT {}",
        account_id,
        since,
        BATCH,
    )
    return [(r["external_id"], r["phone"]) for r in rows]


class StatusPoller(Poller):
    """Asks an HTTP gateway for delivery statuses; one per account in "polling" mode."""

    channel: ClassVar[str] = ""

    @classmethod
    def polls(cls, config: Any) -> bool:
        return getattr(config, "statuses", "callback") == "polling"

    async def poll_once(self) -> int:
        account = await load_account(self.account_id)
        gateway = _gateway(account.channel)
        asked = await pending(account.id)
        if asked and gateway is not None:
            reports = list(await gateway.statuses(account, asked))
            if reports:
                await store_inbound(account, reports)
                await settled(account.id, reports)
        await self.pause(sms_settings().status_poll_seconds)
        return len(asked)


def _gateway(channel: str) -> Any:
    from unionline.channels.sms.gateways import gateways

    found = gateways().get(channel)
    return found if found is not None and hasattr(found, "statuses") else None


def poller_for(channel: str) -> type[StatusPoller]:
    return type(f"StatusPoller_{channel}", (StatusPoller,), {"channel": channel})
