"""Members: creation, contact points, updates and organization scoping, through the API."""

from __future__ import annotations

import uuid

import pytest

from unionline.errors import Conflict, NotFound
from unionline.members import services
from unionline.testing import AppHarness


async def make_org(h: AppHarness, code: str, parent: uuid.UUID | None = None) -> uuid.UUID:
    body: dict[str, object] = {"name": f"Org {code}", "code": code}
    if parent:
        body["parent_id"] = str(parent)
    r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def bearer(h: AppHarness, login: str, role: str, org: uuid.UUID | None) -> dict[str, str]:
    _, token = await h.create_operator(login, role, org)
    return {"Authorization": f"Bearer {token}"}


async def test_create_member_service(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    member_id = await services.create_member(
        None,
        fed,
        full_name="Артём Иванов",
        card_number="A-1",
        contacts=[("phone", "8 (999) 123-45-67"), ("email", "Artem@Example.RU")],
    )
    view = await services.get_member(None, member_id)
    assert view.full_name == "Артём Иванов"
    assert {(c.kind, c.address) for c in view.contacts} == {
        ("phone", "+79991234567"),
        ("email", "Artem@example.ru"),
    }
    with pytest.raises(Conflict) as taken:
        await services.create_member(None, fed, full_name="X", contacts=[("phone", "9991234567")])
    assert taken.value.field == "contacts[0].address"
    with pytest.raises(Conflict) as card:
        await services.create_member(None, fed, full_name="Y", card_number="A-1")
    assert card.value.field == "card_number"
    with pytest.raises(NotFound):
        await services.create_member(None, uuid.uuid4(), full_name="Z")


async def test_card_numbers_are_unique_per_federation(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed_a, fed_b = await make_org(h, "FA"), await make_org(h, "FB")
    ppo_a = await make_org(h, "PA", fed_a)
    await services.create_member(None, fed_a, full_name="One", card_number="100")
    await services.create_member(None, fed_b, full_name="Two", card_number="100")
    with pytest.raises(Conflict):
        await services.create_member(None, ppo_a, full_name="Three", card_number="100")


async def test_api_create_get_update_and_contacts(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    body = {
        "organization_id": str(fed),
        "full_name": "Пётр Ёлкин",
        "status": "member",
        "card_number": "777",
        "employer": "Завод",
        "contacts": [{"kind": "phone", "address": "+7 999 1234567"}],
        "consents": {"sms": True},
        "custom_fields": {"shift": 2},
    }
    r = await h.client.post("/api/members/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    member = r.json()
    assert member["contacts"][0]["address"] == "+79991234567"
    assert member["consents"]["sms"]["granted"] is True
    url = f"/api/members/{member['id']}"

    r = await h.client.patch(
        url,
        json={"full_name": "Пётр Ёлкин-Палкин", "card_number": None, "consents": {"sms": False}},
        headers=h.admin_headers,
    )
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["card_number"] is None
    assert changed["consents"]["sms"]["granted"] is False
    assert changed["custom_fields"] == {"shift": 2}

    bad = await h.client.post(
        f"{url}/contacts", json={"kind": "phone", "address": "12"}, headers=h.admin_headers
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "address"
    r = await h.client.post(
        f"{url}/contacts", json={"kind": "telegram", "address": "4242"}, headers=h.admin_headers
    )
    assert r.status_code == 201, r.text
    again = await h.client.post(
        f"{url}/contacts", json={"kind": "telegram", "address": "04242"}, headers=h.admin_headers
    )
    assert again.status_code == 409
    contact_id = r.json()["id"]
    gone = await h.client.delete(f"{url}/contacts/{contact_id}", headers=h.admin_headers)
    assert gone.status_code == 204
    view = (await h.client.get(url, headers=h.admin_headers)).json()
    assert [c["kind"] for c in view["contacts"]] == ["phone"]

    await h.settle()
    events = [e.type for e in await h.runtime.events.read_after(0)]
    assert "member.created" in events and "member.updated" in events


async def test_api_errors_name_the_field(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    cases = [
        ({"organization_id": str(fed), "full_name": ""}, 400, "full_name"),
        ({"organization_id": str(fed), "full_name": "X", "status": "boss"}, 400, "status"),
        ({"organization_id": str(fed), "full_name": "nul\x00"}, 400, "full_name"),
        ({"organization_id": str(fed), "full_name": "   "}, 422, "full_name"),
        ({"organization_id": str(uuid.uuid4()), "full_name": "X"}, 404, "organization_id"),
        (
            {
                "organization_id": str(fed),
                "full_name": "X",
                "contacts": [{"kind": "email", "address": "a@b@c"}],
            },
            422,
            "contacts[0].address",
        ),
    ]
    for body, status, field in cases:
        r = await h.client.post("/api/members/", json=body, headers=h.admin_headers)
        assert r.status_code == status, (body, r.text)
        assert r.json()["error"]["field"] == field
    nul = await h.client.get("/api/members/", params={"q": "a\x00b"}, headers=h.admin_headers)
    assert (nul.status_code, nul.json()["error"]["field"]) == (400, "q")
    missing = await h.client.get(f"/api/members/{uuid.uuid4()}", headers=h.admin_headers)
    assert missing.status_code == 404


async def test_scoping_hides_other_organizations(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    south, north = await make_org(h, "SOUTH", fed), await make_org(h, "NORTH", fed)
    ours = await services.create_member(None, south, full_name="Южный")
    theirs = await services.create_member(None, north, full_name="Северный")
    op = await bearer(h, "south-op", "operator", south)
    observer = await bearer(h, "south-obs", "observer", south)

    assert (await h.client.get(f"/api/members/{ours}", headers=op)).status_code == 200
    assert (await h.client.get(f"/api/members/{theirs}", headers=op)).status_code == 404
    patched = await h.client.patch(f"/api/members/{theirs}", json={"employer": "x"}, headers=op)
    assert patched.status_code == 404
    listed = (await h.client.get("/api/members/", headers=op)).json()
    assert [m["full_name"] for m in listed["items"]] == ["Южный"]
    elsewhere = await h.client.post(
        "/api/members/", json={"organization_id": str(north), "full_name": "X"}, headers=op
    )
    assert elsewhere.status_code == 404
    moved = await h.client.patch(
        f"/api/members/{ours}", json={"organization_id": str(north)}, headers=op
    )
    assert moved.status_code == 404
    # An observer reads but does not write.
    assert (await h.client.get(f"/api/members/{ours}", headers=observer)).status_code == 200
    denied = await h.client.patch(f"/api/members/{ours}", json={"employer": "x"}, headers=observer)
    assert denied.status_code == 403


async def test_reads_and_changes_are_audited(unionline_app: AppHarness) -> None:
    from unionline.audit.tables import AuditEntry

    h = unionline_app
    fed = await make_org(h, "FED")
    headers = await bearer(h, "sup", "supervisor", fed)
    body = {"organization_id": str(fed), "full_name": "Анна", "card_number": "X-1"}
    member = (await h.client.post("/api/members/", json=body, headers=headers)).json()
    url = f"/api/members/{member['id']}"
    await h.client.get(url, headers=headers)
    await h.client.patch(url, json={"employer": "Завод"}, headers=headers)
    other = await services.create_member(None, fed, full_name="Дубль")
    merged = await h.client.post(
        "/api/members/merge",
        json={"source_id": str(other), "target_id": member["id"]},
        headers=headers,
    )
    assert merged.status_code == 200
    rows = (
        await AuditEntry.select()
        .where(AuditEntry.subject_id == member["id"])
        .order_by(AuditEntry.id)
    )
    assert [r["action"] for r in rows] == [
        "member.create",
        "member.read",
        "member.update",
        "member.merge",
    ]
    assert all(r["organization_id"] == fed and r["actor_id"] is not None for r in rows)
    # Entries name the subject, never its personal data.
    assert not any("Анна" in str(value) for r in rows for value in r.values())
