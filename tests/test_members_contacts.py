"""Contacts (#14 item 2) through the API: members found by every identifier, a merge preview
that changes nothing, linking a provisional visitor to a known member, organization scoping, and
the appeals list found by a member's name, phone and exact number. Both engines."""

from __future__ import annotations

import uuid

from appeals_support import bearer, inbound, make_org

from unionline.members import services
from unionline.members.schemas import MemberUpdate
from unionline.spi import IdentityClaim
from unionline.testing import AppHarness

PHONES = ("+7 (912) 345-67-89", "89123456789", "9123456789", "+79123456789")


async def known_member(org: uuid.UUID, name: str = "Анна Смирнова") -> uuid.UUID:
    return await services.create_member(
        None,
        org,
        full_name=name,
        contacts=[
            ("phone", "+7 912 345 67 89"),
            ("email", "anna@Union.example"),
            ("telegram", "555001"),
        ],
        status="member",
    )


async def test_members_found_by_each_identifier(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "KON")
    anna = str(await known_member(org))
    await services.create_member(None, org, full_name="Пётр Иванов")
    for q in (*PHONES, "anna@union.example", "555001", "смирнова", "Анна Смир"):
        r = await h.client.get("/api/members/", params={"q": q}, headers=h.admin_headers)
        assert r.status_code == 200, r.text
        assert [m["id"] for m in r.json()["items"]] == [anna], q


async def test_merge_preview_then_merge(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "KON")
    anna = await known_member(org)
    visitor = await services.resolve_member(
        IdentityClaim(kind="web", address="visitor-42", organization_id=org)
    )
    await services.update_member(None, visitor, MemberUpdate(consents={"email": True}))
    await inbound(org, visitor, "Здравствуйте, вопрос про отпуск", channel="web")
    await inbound(org, visitor, "И ещё про зарплату", channel="web")
    body = {"source_id": str(visitor), "target_id": str(anna)}

    r = await h.client.post("/api/members/merge/preview", json=body, headers=h.admin_headers)
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["result"]["full_name"] == "Анна Смирнова"  # the known member's fields stay
    assert [(c["kind"], c["address"]) for c in preview["contacts"]] == [("web", "visitor-42")]
    assert preview["consents"] == ["email"] and preview["result"]["consents"]["email"]["granted"]
    assert preview["history"]["appeals"] >= 1
    assert preview["result"]["provisional"] is False
    # Nothing changed yet.
    still = (await h.client.get(f"/api/members/{visitor}", headers=h.admin_headers)).json()
    assert still["merged_into"] is None and still["contacts"]

    bad = await h.client.post(
        "/api/members/merge/preview",
        json={"source_id": str(anna), "target_id": str(anna)},
        headers=h.admin_headers,
    )
    assert bad.status_code in (400, 422) and "source_id" in bad.text

    r = await h.client.post("/api/members/merge", json=body, headers=h.admin_headers)
    assert r.status_code == 200, r.text
    kinds = sorted(c["kind"] for c in r.json()["contacts"])
    assert kinds == ["email", "phone", "telegram", "web"]
    appeals = await h.client.get(
        "/api/appeals/", params={"member_id": str(anna)}, headers=h.admin_headers
    )
    assert len(appeals.json()["items"]) == preview["history"]["appeals"]


async def test_operator_links_a_visitor_but_not_a_confirmed_member(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    org = await make_org(h, "KON")
    anna = await known_member(org)
    other = await services.create_member(None, org, full_name="Пётр Иванов", status="member")
    visitor = await services.resolve_member(
        IdentityClaim(kind="telegram", address="777", organization_id=org, display_name="Аня")
    )
    _, token = await h.create_operator("op", "operator", org)
    headers = bearer(token)
    # Operators may not merge confirmed members...
    r = await h.client.post(
        "/api/members/merge",
        json={"source_id": str(other), "target_id": str(anna)},
        headers=headers,
    )
    assert r.status_code == 403, r.text
    r = await h.client.post(
        f"/api/members/{other}/link", json={"target_id": str(anna)}, headers=headers
    )
    assert r.status_code == 409 and "member_id" in r.text
    # ...but link a provisional contact to a known member.
    r = await h.client.post(
        f"/api/members/{visitor}/link", json={"target_id": str(anna)}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert ("telegram", "777") in {(c["kind"], c["address"]) for c in r.json()["contacts"]}
    found = await h.client.get("/api/members/", params={"q": "777"}, headers=headers)
    assert [m["id"] for m in found.json()["items"]] == [str(anna)]
    r = await h.client.post(f"/api/members/{anna}/link", json={"target_id": "x"}, headers=headers)
    assert r.status_code == 400 and "target_id" in r.text


async def test_an_operator_never_sees_members_of_another_organization(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    mine, theirs = await make_org(h, "MINE"), await make_org(h, "THEIRS")
    anna = await known_member(theirs)
    mine_member = await services.create_member(None, mine, full_name="Анна Свиридова")
    visitor = await services.resolve_member(
        IdentityClaim(kind="web", address="v-1", organization_id=mine)
    )
    await inbound(theirs, anna, "Чужое обращение")
    _, token = await h.create_operator("op", "supervisor", mine)
    headers = bearer(token)
    for q in (*PHONES, "anna@union.example", "555001", "Анна"):
        r = await h.client.get("/api/members/", params={"q": q}, headers=headers)
        assert str(anna) not in {m["id"] for m in r.json()["items"]}, q
        appeals = await h.client.get("/api/appeals/", params={"q": q}, headers=headers)
        assert appeals.json()["items"] == [], q
    listed = await h.client.get("/api/members/", headers=headers)
    assert {m["id"] for m in listed.json()["items"]} == {str(mine_member), str(visitor)}
    assert (await h.client.get(f"/api/members/{anna}", headers=headers)).status_code == 404
    body = {"source_id": str(visitor), "target_id": str(anna)}
    for path in ("/api/members/merge/preview", "/api/members/merge"):
        r = await h.client.post(path, json=body, headers=headers)
        assert r.status_code == 404 and "target_id" in r.text, path
    r = await h.client.post(
        f"/api/members/{visitor}/link", json={"target_id": str(anna)}, headers=headers
    )
    assert r.status_code == 404 and "target_id" in r.text


async def test_appeals_found_by_member_name_phone_and_exact_number(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    org = await make_org(h, "KON")
    anna = await known_member(org)
    petr = await services.create_member(None, org, full_name="Пётр Иванов")
    first = await inbound(org, anna, "Вопрос про отпуск")
    await inbound(org, petr, "Вопрос про премию")
    numbers = {}
    for member in (anna, petr):
        items = (
            await h.client.get(
                "/api/appeals/", params={"member_id": str(member)}, headers=h.admin_headers
            )
        ).json()["items"]
        numbers[member] = {a["number"] for a in items}

    async def found(q: str) -> set[str]:
        r = await h.client.get("/api/appeals/", params={"q": q}, headers=h.admin_headers)
        assert r.status_code == 200, r.text
        return {a["number"] for a in r.json()["items"]}

    for q in (*PHONES, "anna@union.example", "Смирнова", "анна смирнова"):
        assert await found(q) == numbers[anna], q
    assert await found("премию") == numbers[petr]  # words still work
    number = next(iter(numbers[petr]))
    assert await found(number) == {number}
    assert await found(number.lower()) == {number}
    assert first is not None
