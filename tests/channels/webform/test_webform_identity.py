"""Who wrote: the member with the phone (in any spelling) or, failing that, the e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from webform_support import Federation, created

pytestmark = pytest.mark.unionline_plugins("webform")


async def member(site: Federation, **body: Any) -> str:
    response = await site.client.post(
        "/api/members/",
        headers=site.h.admin_headers,
        json={"organization_id": site.primary, "status": "member", **body},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def appeal_member(site: Federation, number: str) -> str:
    [appeal] = [a for a in await site.appeals() if a["number"] == number]
    return str(appeal["member_id"])


async def test_the_phone_in_any_spelling_joins_the_existing_member(site: Federation) -> None:
    known = await member(
        site, full_name="Соколова Мария", contacts=[{"kind": "phone", "address": "+79123456789"}]
    )
    for spelling in ("+7 912 345-67-89", "89123456789", "8 (912) 345 67 89", "9123456789"):
        answer = await created(await site.submit(phone=spelling))
        assert await appeal_member(site, answer["appeal_number"]) == known, spelling


async def test_an_email_joins_its_member_when_the_phone_is_new(site: Federation) -> None:
    known = await member(
        site, full_name="Ким Борис", contacts=[{"kind": "email", "address": "boris@example.org"}]
    )
    answer = await created(await site.submit(phone="+7 999 111-22-33", email="boris@EXAMPLE.org"))
    assert await appeal_member(site, answer["appeal_number"]) == known
    by_email = await created(await site.submit(phone=None, email="boris@example.org"))
    assert await appeal_member(site, by_email["appeal_number"]) == known


async def test_an_unknown_sender_becomes_one_provisional_member(site: Federation) -> None:
    first = await created(await site.submit(phone="+7 999 555-44-33", name="Новиков Олег"))
    second = await created(await site.submit(phone="8 999 555 44 33"))
    member_id = await appeal_member(site, first["appeal_number"])
    assert await appeal_member(site, second["appeal_number"]) == member_id
    found = await site.api(f"/api/members/{member_id}")
    assert found["provisional"] is True and found["full_name"] == "Новиков Олег"


async def test_a_reply_on_the_form_fails_visibly_with_advice(site: Federation) -> None:
    answer = await created(await site.submit())
    [appeal] = await site.appeals()
    reply = await site.client.post(
        f"/api/appeals/{appeal['id']}/replies",
        headers=site.h.admin_headers,
        json={"text": "Здравствуйте! Перезвоним вам."},
    )
    assert reply.status_code in (200, 201), reply.text
    await site.h.settle()
    timeline = await site.api(f"/api/appeals/{appeal['id']}/timeline")
    [out] = [e for e in timeline["items"] if e["kind"] == "message_out"]
    assert out["delivery_status"] == "failed"
    assert "телефону или e-mail" in out["data"]["delivery_error"]
    assert answer["appeal_number"] == appeal["number"]
    channels = (await site.client.get("/api/channels", headers=site.h.admin_headers)).json()
    webform = next(c for c in channels if c["name"] == "webform")
    assert webform["capabilities"]["text"] is False


async def test_a_new_email_beside_a_known_phone_joins_unverified(site: Federation) -> None:
    first = await created(
        await site.submit(phone="+7 999 555-44-33", email="oleg@example.org", name="Новиков Олег")
    )
    member_id = await appeal_member(site, first["appeal_number"])
    second = await created(await site.submit(phone="89995554433", email="o.novikov@Example.ORG"))
    assert await appeal_member(site, second["appeal_number"]) == member_id
    found = await site.api(f"/api/members/{member_id}")
    emails = {c["address"]: c["verified"] for c in found["contacts"] if c["kind"] == "email"}
    assert emails == {"oleg@example.org": False, "o.novikov@example.org": False}


async def test_an_email_another_member_holds_stays_theirs(site: Federation) -> None:
    boris = await member(
        site, full_name="Ким Борис", contacts=[{"kind": "email", "address": "boris@example.org"}]
    )
    maria = await member(
        site, full_name="Соколова Мария", contacts=[{"kind": "phone", "address": "+79123456789"}]
    )
    answer = await created(await site.submit(phone="+7 912 345-67-89", email="boris@example.org"))
    assert await appeal_member(site, answer["appeal_number"]) == maria
    for who, kinds in ((maria, {"phone"}), (boris, {"email"})):
        found = await site.api(f"/api/members/{who}")
        assert {c["kind"] for c in found["contacts"]} == kinds
