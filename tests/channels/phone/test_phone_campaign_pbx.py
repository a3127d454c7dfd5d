"""A campaign's «Робот-звонок» through each cloud PBX line (the stand-ins of Mango Office, Zadarma
and UIS). UIS speaks the text itself (``start.informer_call``): the campaign calls each member
once, the notifications settle each call as the message's receipt (answered and heard →
delivered and opened) and the digit each member pressed is in the campaign's statistics (the
stats API, per digit and per member). Mango Office's and Zadarma's APIs place no call that
speaks a text: the campaign editor refuses such a line for robot calls at once — on save, on
start and on a test send, 422 naming ``accounts.voice`` in Russian — instead of failing every
recipient; nothing is dialed."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from phone_support import Phone

pytestmark = pytest.mark.unionline_plugins("campaigns")
NUMBERS = ("+79161230001", "+79161230002")
ASKED = "Собрание в пятницу в восемнадцать часов. Нажмите один, если придёте."


async def call(phone: Phone, method: str, url: str, expect: int = 200, **body: Any) -> Any:
    h = phone.h
    extra = {"json": body} if method in ("post", "put") else {}
    r = await getattr(h.client, method)(url, headers=h.admin_headers, **extra)
    assert r.status_code == expect, f"{method} {url}: {r.status_code} {r.text}"
    return r.json()


async def members_with_voice_consent(phone: Phone) -> None:
    from unionline.members.services import create_member
    from unionline.plugins.campaigns import consent

    org = phone.env.account.organization_id
    await call(
        phone, "post", "/api/campaigns/consent-texts", 201,
        organization_id=str(org), version="info-1", purpose="info",
        body="Согласен на звонки о работе профсоюза.",
    )  # fmt: skip
    for n, number in enumerate(NUMBERS):
        member = await create_member(
            None, org, full_name=f"Звонкова Анна {n}", status="member",
            contacts=(("phone", number),),
        )  # fmt: skip
        await consent.record(
            member, org, "voice", "info", granted=True, source="operator",
            text_version="info-1", evidence={"test": "yes"},
        )  # fmt: skip


def campaign(phone: Phone, **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organization_id": str(phone.env.account.organization_id),
        "name": "Собрание",
        "purpose": "info",
        "filter": {},
        "channel_order": ["voice"],
        "accounts": {"voice": phone.line},
        "variants": {"voice": {"text": ASKED, "ask_digit": True}},
    }
    return {**body, **more}


@pytest.mark.every_engine  # the campaign's claims, receipts and statistics: both engines
async def test_a_voice_campaign_through_a_cloud_pbx(phone: Phone) -> None:
    await members_with_voice_consent(phone)
    if phone.provider in ("mango", "zadarma"):
        await _refused_for_robot_calls(phone)
        return
    made = await call(phone, "post", "/api/campaigns/", 201, **campaign(phone))
    started = await call(phone, "post", f"/api/campaigns/{made['id']}/start")
    assert started["counts"]["total"] == 2
    await phone.h.settle()
    placed = [c for c in phone.pbx.commands if c.name == "informer"]
    assert sorted(c.params["contact"] for c in placed) == sorted(n[1:] for n in NUMBERS)
    assert all(c.params["contact_message"] == {"type": "tts", "value": ASKED} for c in placed)
    sent = await call(phone, "get", f"/api/campaigns/{made['id']}")
    assert (sent["status"], sent["counts"]["sent"]) == ("finished", 2), sent
    empty = await call(phone, "get", f"/api/campaigns/{made['id']}/answers")
    assert empty == {"total": 0, "digits": {}, "recipients": []}

    await phone.deliver_outbox()  # each answered, heard the text and pressed 1
    done = await call(phone, "get", f"/api/campaigns/{made['id']}")
    counts = done["counts"]
    assert (counts["delivered"], counts["opened"], counts["bounced"]) == (2, 2, 0), counts
    answers = await call(phone, "get", f"/api/campaigns/{made['id']}/answers")
    assert (answers["total"], answers["digits"]) == (2, {"1": 2}), answers
    assert sorted(r["full_name"] for r in answers["recipients"]) == [
        "Звонкова Анна 0",
        "Звонкова Анна 1",
    ]
    assert {r["digit"] for r in answers["recipients"]} == {"1"}

    # The same receipts again (a PBX retrying its notifications): counted once.
    from unionline.channels.phone.broadcast import Receipt, report

    rows = await phone.env.db.fetch("SELECT external_id FROM campaigns_recipient")
    for row in rows:
        again = Receipt(external_id=row["external_id"], status="read", answer="2")
        await report(phone.env.account.id, again)
    answers = await call(phone, "get", f"/api/campaigns/{made['id']}/answers")
    assert (answers["total"], answers["digits"]) == (2, {"1": 2}), answers


async def _refused_for_robot_calls(phone: Phone) -> None:
    refused = await call(phone, "post", "/api/campaigns/", 422, **campaign(phone))
    error = refused["error"]
    assert error["field"] == "accounts.voice", refused
    assert "не произносит текст" in error["message"] and "SIP-линию" in error["message"], error
    assert await call(phone, "get", "/api/campaigns/") == []  # refused: nothing kept
    # A draft without the line, then given it: refused on save, on start and on a test send.
    draft = await call(phone, "post", "/api/campaigns/", 201, **campaign(phone, accounts={}))
    refused = await call(phone, "put", f"/api/campaigns/{draft['id']}", 422, **campaign(phone))
    assert refused["error"]["field"] == "accounts.voice", refused
    kept = await call(phone, "get", f"/api/campaigns/{draft['id']}")
    assert kept["accounts"] == {}, kept  # the refused edit changed nothing
    accounts = msgspec.json.encode({"voice": phone.line}).decode()  # a draft saved before
    await phone.env.db.execute(
        "UPDATE campaigns_campaign SET accounts = {} WHERE id = {}",
        accounts,
        uuid.UUID(draft["id"]),
    )
    refused = await call(phone, "post", f"/api/campaigns/{draft['id']}/start", 422)
    assert refused["error"]["field"] == "accounts.voice", refused
    # The schedule and funnels start through the same gate: refused there too.
    from unionline import Invalid
    from unionline.plugins.campaigns.campaigns import check_ready, load

    row = await load(uuid.UUID(draft["id"]))
    assert row is not None
    with pytest.raises(Invalid) as gate:
        await check_ready(row)
    assert gate.value.field == "accounts.voice"
    test = {"channel": "voice", "address": NUMBERS[0]}
    refused = await call(phone, "post", f"/api/campaigns/{draft['id']}/test", 422, **test)
    assert refused["error"]["field"] == "accounts.voice", refused
    still = await call(phone, "get", f"/api/campaigns/{draft['id']}")
    assert (still["status"], still["counts"]["total"]) == ("draft", 0), still
    assert phone.pbx.commands == []  # nothing dialed
