"""A campaign's «Робот-звонок» through a SIP line: the phone channel's send() of a broadcast is one
robot call per message id, made by the line's agent against sipp as the members' phones. The
outcomes are the campaign's statistics (answered → delivered, heard to the end → opened, busy →
failed with the reason); the same message sent again — a retry, or after a worker died having
dialed — never dials again."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sip_support import callee, free_port
from test_phone_sip import Sip, sip_line

from unionline import NotReady, PermanentFailure
from unionline.channel import OutboundMessage, SentUnreadable, channel_type, load_account
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")
NUMBERS = ("+79161230001", "+79161230002", "+79161230003")
ASKED = "Собрание членов профсоюза в пятницу в восемнадцать часов. Нажмите один, если придёте."


@pytest.fixture
def provider() -> str:
    return "sip"


@pytest.fixture
def pbx() -> None:  # the SIP line needs no cloud PBX stand-in
    return None


@pytest.fixture
async def sip(unionline_app: AppHarness) -> AsyncIterator[Sip]:
    async for found in sip_line(unionline_app, sip_outbound=f"127.0.0.1:{free_port()}"):
        yield found


async def call(h: AppHarness, method: str, url: str, expect: int = 200, **body: Any) -> Any:
    extra = {"json": body} if method == "post" else {}
    r = await getattr(h.client, method)(url, headers=h.admin_headers, **extra)
    assert r.status_code == expect, f"{method} {url}: {r.status_code} {r.text}"
    return r.json()


async def members_with_voice_consent(sip: Sip) -> list[uuid.UUID]:
    from unionline.members.services import create_member
    from unionline.plugins.campaigns import consent

    org = sip.env.account.organization_id
    await call(
        sip.h, "post", "/api/campaigns/consent-texts", 201,
        organization_id=str(org), version="info-1", purpose="info",
        body="Согласен на звонки о работе профсоюза.",
    )  # fmt: skip
    found = []
    for n, number in enumerate(NUMBERS):
        member = await create_member(
            None, org, full_name=f"Звонкова Анна {n}", status="member",
            contacts=(("phone", number),),
        )  # fmt: skip
        await consent.record(
            member, org, "voice", "info", granted=True, source="operator",
            text_version="info-1", evidence={"test": "yes"},
        )  # fmt: skip
        found.append(member)
    return found


def message(number: str, message_id: uuid.UUID | None = None) -> OutboundMessage:
    return OutboundMessage(
        id=message_id or uuid.uuid4(),
        entry_id=0,
        appeal_id=uuid.uuid4(),
        organization_id=uuid.uuid4(),
        member_id=None,
        recipient=number,
        text="Спасибо.",
        broadcast=True,
    )


@pytest.mark.every_engine  # the call kept before dialing, the campaign's claims: both engines
async def test_a_voice_campaign_calls_each_member_once(sip: Sip) -> None:
    from unionline.plugins.campaigns.sending import row_message_id

    h, line_id = sip.h, sip.env.account.id
    await members_with_voice_consent(sip)
    campaign = await call(
        h, "post", "/api/campaigns/", 201,
        organization_id=str(sip.env.account.organization_id), name="Собрание", purpose="info",
        filter={}, channel_order=["voice"], accounts={"voice": str(line_id)},
        variants={"voice": {"text": ASKED, "ask_digit": True}}, concurrency=3,
    )  # fmt: skip
    # A phone line speaks but takes no text: an SMS message through it does not start.
    texted = await call(
        h, "post", "/api/campaigns/", 201,
        organization_id=str(sip.env.account.organization_id), name="СМС", purpose="info",
        filter={}, channel_order=["sms"], accounts={"sms": str(line_id)},
        variants={"sms": {"text": "Собрание в пятницу"}},
    )  # fmt: skip
    refused = await call(h, "post", f"/api/campaigns/{texted['id']}/start", 422)
    assert refused["error"]["field"] == "accounts.sms", refused
    # A robot call says about a minute at most: a longer text does not start.
    long = await call(
        h, "post", "/api/campaigns/", 201,
        organization_id=str(sip.env.account.organization_id), name="Длинно", purpose="info",
        filter={}, channel_order=["voice"], accounts={"voice": str(line_id)},
        variants={"voice": {"text": "Слово. " * 100}},
    )  # fmt: skip
    refused = await call(h, "post", f"/api/campaigns/{long['id']}/start", 422)
    assert refused["error"]["field"] == "variants.voice.text", refused
    port = sip.agent.outbound[1] if sip.agent.outbound else 0
    async with callee("uas_answer_dtmf.xml", port, free_port(), calls=3):
        started = await call(h, "post", f"/api/campaigns/{campaign['id']}/start")
        assert started["counts"]["total"] == 3
        await h.settle()
    await sip.settled()
    done = await call(h, "get", f"/api/campaigns/{campaign['id']}")
    assert done["status"] == "finished", done
    counts = done["counts"]
    # Each pressed 1 while the robot spoke: answered (delivered), not heard to the end.
    assert (counts["delivered"], counts["opened"], counts["failed"]) == (3, 0, 0), counts
    # The digit each pressed is in the statistics: per digit and per member.
    answers = await call(h, "get", f"/api/campaigns/{campaign['id']}/answers")
    assert (answers["total"], answers["digits"]) == (3, {"1": 3}), answers
    assert sorted(r["full_name"] for r in answers["recipients"]) == [
        f"Звонкова Анна {n}" for n in range(3)
    ]
    db = sip.env.db
    again_jobs = await db.fetchone(
        "SELECT count(*) AS n FROM system_job WHERE idempotency_key LIKE {}",
        "phone.broadcast_receipt:%",
    )
    assert int(again_jobs["n"]) == 0  # the digit's receipt is offered once: no job per call
    calls = await db.fetch("SELECT key, number FROM phone_call WHERE call LIKE 'bc-%'")
    assert sorted(r["number"] for r in calls) == sorted(NUMBERS)  # one call a member
    events = int((await db.fetchone("SELECT count(*) AS n FROM phone_call_event"))["n"])

    # The same message again (a retry; another worker after the lease): its outcome, no call.
    row = await db.fetchone("SELECT key, address FROM campaigns_recipient LIMIT 1")
    line, phone = await load_account(line_id), channel_type("phone")
    again = await phone.send(line, message(row["address"], row_message_id(row["key"], "voice")))
    assert (again.status, again.note) == ("delivered", "ответил, не дослушал, нажал 1")
    assert int((await db.fetchone("SELECT count(*) AS n FROM phone_call_event"))["n"]) == events

    # No digit asked, a short text: heard to the end (read — a campaign counts it opened).
    async with callee("uas_answer_dtmf.xml", port, free_port()):
        heard = await phone.send(line, message(NUMBERS[2]))
    assert (heard.status, heard.note) == ("read", "ответил, прослушал до конца")

    # Busy: failed with the reason, and not dialed again when sent again.
    busy = message(NUMBERS[0])
    async with callee("uas_busy.xml", port, free_port()):
        with pytest.raises(PermanentFailure, match="занято"):
            await phone.send(line, busy)
    with pytest.raises(PermanentFailure, match="занято"):
        await phone.send(line, busy)

    # A worker killed after it kept the call (and maybe dialed): unknown, never redialed.
    from unionline.channels.phone.broadcast import _claim, call_ref

    lost = message(NUMBERS[1])
    assert await _claim(line, call_ref(lost), lost.recipient)
    with pytest.raises(SentUnreadable, match="неизвестен") as unknown:
        await phone.send(line, lost)
    assert unknown.value.external_id == call_ref(lost)
    await sip.settled()
    count = await db.fetchone("SELECT count(*) AS n FROM phone_call WHERE call LIKE 'bc-%'")
    assert int(count["n"]) == 6  # three members, the one heard, the busy one, the lost one

    # No agent in this process (another holds the line's lease): handed back, nothing kept —
    # it is sent again later, maybe by the agent's process.
    from unionline.channels.phone.sip import runtime

    await runtime.stop(line_id)
    with pytest.raises(NotReady, match=r"не в этом процессе|ни в одном процессе"):
        await phone.send(line, orphan := message(NUMBERS[2]))
    kept = await db.fetchone("SELECT id FROM phone_call WHERE call = {}", call_ref(orphan))
    assert kept is None

    too_long = msgspec_replace(message(NUMBERS[2]), text="Слово. " * 100)
    with pytest.raises(PermanentFailure, match="длиннее 600"):
        await phone.send(line, too_long)

    # An operator's text reply on a phone line is still refused.
    reply = msgspec_replace(message(NUMBERS[2]), broadcast=False)
    with pytest.raises(PermanentFailure, match="не передаёт текст"):
        await phone.send(line, reply)


def msgspec_replace(value: OutboundMessage, **changes: Any) -> OutboundMessage:
    import msgspec

    return msgspec.structs.replace(value, **changes)
