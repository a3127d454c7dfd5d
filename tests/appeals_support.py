"""Helpers shared by the appeal tests: organizations, members, tokens, a settable clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from unionline.testing import AppHarness


async def make_org(
    h: AppHarness, code: str, parent: uuid.UUID | None = None, kind: str = "primary"
) -> uuid.UUID:
    body: dict[str, Any] = {"name": f"Организация {code}", "code": code, "kind": kind}
    if parent is not None:
        body["parent_id"] = str(parent)
    r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def make_member(org: uuid.UUID, name: str = "Иван Петров") -> uuid.UUID:
    from unionline.members.services import create_member

    return await create_member(None, org, full_name=name)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def inbound(
    org: uuid.UUID,
    member: uuid.UUID,
    text: str,
    *,
    channel: str = "telegram",
    account: uuid.UUID | None = None,
    external_id: str | None = None,
) -> Any:
    from unionline.appeals.services import receive_message

    return await receive_message(
        organization_id=org,
        member_id=member,
        channel=channel,
        channel_account_id=account,
        text=text,
        external_id=external_id,
    )


class FakeClock:
    """A clock the test moves by hand (``use_clock(clock)``)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday 10:00 MSK

    def __call__(self) -> datetime:
        value = self.moment
        self.moment += timedelta(microseconds=1)  # strictly increasing, like real time
        return value

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


async def appeal_events(h: AppHarness, appeal_id: uuid.UUID | str) -> list[Any]:
    """Decoded ``appeal.*`` events of one appeal, in log order."""
    await h.settle()
    events = h.runtime.events
    found = []
    for stored in await events.read_after(0, limit=10_000):
        if stored.type.startswith("appeal."):
            event = events.decode(stored)
            if event is not None and str(event.appeal_id) == str(appeal_id):
                found.append(event)
    return found
