"""A campaign's message another process sends (a robot call through a SIP line whose agent runs
in the process holding the line's lease): ``NotHere`` gives the claim's attempt back, so however
many job processes hand it back it is never failed for attempts it did not get; ``NotReady``
still counts them, so a line no process runs ends in a failure."""

from __future__ import annotations

import uuid

import pytest
from campaigns_support import World, campaign_body, grant, member

from unionline import NotHere, NotReady
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


async def test_a_message_handed_back_by_other_processes_keeps_its_attempts(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unionline.plugins.campaigns import sending
    from unionline.plugins.campaigns.campaigns import load, start
    from unionline.plugins.campaigns.settings import campaigns_settings

    w = await World(unionline_app).setup()
    anna = await member(w.a, "Иванова Анна Петровна", contacts=(("telegram", "801"),))
    await grant(anna, "telegram")
    cid = uuid.UUID(
        (await w.call("boss", "post", "/api/campaigns/", 201, **campaign_body(w)))["id"]
    )
    await start(await w.actor("boss"), cid, kick=False)
    campaign = await load(cid)
    assert campaign is not None
    refusal: list[Exception] = []

    async def elsewhere(account: object, message: object) -> None:
        raise refusal[0]

    monkeypatch.setattr(sending, "send_message", elsewhere)
    db = unionline_app.runtime.db
    limit = campaigns_settings().max_attempts

    async def one_round(exc: Exception) -> dict[str, object]:
        refusal[:] = [exc]
        await db.execute(
            "UPDATE campaigns_recipient SET lease_until = 0 WHERE campaign_id = {}", cid
        )
        (row,) = await sending.claim(campaign, 5)
        assert await sending.send_one(campaign, row, {}) is None
        found = await db.fetchone(
            "SELECT status, attempts, error FROM campaigns_recipient WHERE campaign_id = {}", cid
        )
        assert found is not None
        return dict(found)

    for _ in range(limit + 2):  # handed back more often than it may be tried
        state = await one_round(NotHere("held by another process", retry_after=0.0))
        assert (state["status"], state["attempts"]) == ("queued", 0)
    for n in range(1, limit):
        state = await one_round(NotReady("no agent anywhere", retry_after=0.0))
        assert (state["status"], state["attempts"]) == ("queued", n)
    state = await one_round(NotReady("no agent anywhere", retry_after=0.0))
    assert state["status"] == "failed"
    assert str(state["error"]).startswith(f"gave up after {limit} attempts")
