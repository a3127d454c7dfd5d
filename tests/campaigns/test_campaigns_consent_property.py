"""The consent property: whatever members consented to and withdrew, and however withdrawals
interleave with the sending worker's batches, no message goes to a member without a consent
for its channel and the campaign's purpose standing when its batch was claimed — and every
member who keeps a consent on a reachable channel of the campaign's order gets exactly one."""

from __future__ import annotations

import uuid

import pytest
from campaigns_support import World, campaign_body, grant, member
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")

CHANNELS = ("telegram", "email", "sms")
PURPOSES = ("info", "ads")
ADDRESS = {"telegram": "tg", "email": "e@x.org", "sms": "+7900000"}

member_plan = st.fixed_dictionaries(
    {
        "contacts": st.sets(st.sampled_from(CHANNELS)),
        "grants": st.sets(st.tuples(st.sampled_from(CHANNELS), st.sampled_from(PURPOSES))),
    }
)
scenario = st.fixed_dictionaries(
    {
        "members": st.lists(member_plan, min_size=1, max_size=5),
        "purpose": st.sampled_from(PURPOSES),
        "order": st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=3, unique=True),
        "batch": st.integers(1, 3),
        # (after which batch, member index, channel, purpose) withdrawals
        "withdrawals": st.lists(
            st.tuples(
                st.integers(0, 5),
                st.integers(0, 4),
                st.sampled_from(CHANNELS),
                st.sampled_from(PURPOSES),
            ),
            max_size=6,
        ),
    }
)


@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None, max_examples=15
)
@given(plan=scenario)
async def test_no_message_goes_without_a_valid_consent(
    unionline_app: AppHarness, plan: dict[str, object]
) -> None:
    from unionline.plugins.campaigns import consent, sending
    from unionline.plugins.campaigns.campaigns import load

    w = await _world(unionline_app)
    before = len(w.sent())
    run = uuid.uuid4().hex[:8]
    members: list[uuid.UUID] = []
    holds: set[tuple[uuid.UUID, str, str]] = set()
    for i, m in enumerate(plan["members"]):  # type: ignore[attr-defined]
        contacts = tuple(
            ("phone" if c == "sms" else c, _address(c, run, i)) for c in sorted(m["contacts"])
        )
        mid = await member(w.a, f"Член {run} {i}", contacts=contacts, custom={"run": run})
        members.append(mid)
        for channel, purpose in m["grants"]:
            await grant(mid, channel, purpose)
            holds.add((mid, channel, purpose))
    purpose = str(plan["purpose"])
    order = list(plan["order"])  # type: ignore[call-overload]
    body = campaign_body(
        w,
        name=f"Свойство {run}",
        purpose=purpose,
        channel_order=order,
        accounts={c: str(w.account) for c in order},
        variants={c: {"subject": "Тема", "text": f"{c} {{{{ full_name }}}}"} for c in order},
        filter={"custom_fields": [{"key": "run", "value": run}]},
    )
    created = await w.call("boss", "post", "/api/campaigns/", 201, **body)
    cid = uuid.UUID(created["id"])
    from unionline.plugins.campaigns.campaigns import start

    await start(await w.actor("boss"), cid, kick=False)
    # Members of earlier examples are in the same organization: only this run's are ours.
    ours = set(members)
    got: dict[uuid.UUID, list[str]] = {}
    withdrawals = list(plan["withdrawals"])  # type: ignore[call-overload]
    batches = 0
    while True:
        for after, index, channel, p in withdrawals:
            if after == batches and index < len(members):
                org = await consent.member_org(members[index])
                await consent.record(
                    members[index], org, channel, p, granted=False, source="messenger"
                )
                holds.discard((members[index], channel, p))
        campaign = await load(cid)
        assert campaign is not None
        claimed = await sending.claim(campaign, int(plan["batch"]))  # type: ignore[call-overload]
        if not claimed:
            break
        for row in claimed:
            assert (row.member_id, row.channel, purpose) in holds, (row, holds)
            await sending.settle_sent([d for d in [await sending.send_one(campaign, row, {})] if d])
            got.setdefault(row.member_id, []).append(row.channel)
        batches += 1
    assert await sending.finish_if_done(cid)
    sent_now = w.sent()[before:]
    assert len(sent_now) == sum(len(v) for v in got.values())
    assert all(len(v) == 1 for v in got.values())  # never two
    assert set(got) <= ours


def _address(channel: str, run: str, i: int) -> str:
    if channel == "telegram":
        return f"{int(run, 16) % 10**9}{i}"
    if channel == "email":
        return f"m{run}{i}@example.org"
    return f"+7900{int(run, 16) % 10**6:06d}{i}"


_WORLDS: dict[int, World] = {}


async def _world(h: AppHarness) -> World:
    if id(h) not in _WORLDS:
        _WORLDS.clear()
        _WORLDS[id(h)] = await World(h).setup()
    return _WORLDS[id(h)]
