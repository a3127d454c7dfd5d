"""Merging duplicates: contact points and history move, chosen fields win, audited, evented."""

from __future__ import annotations

import uuid

from test_members import bearer, make_org

from unionline.members import merge, services
from unionline.members.schemas import MemberUpdate
from unionline.members.tables import Member
from unionline.spi import IdentityClaim
from unionline.testing import AppHarness


async def test_telegram_and_email_person_is_one_member_after_merge(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    org = await make_org(h, "FED")
    from_telegram = await services.resolve_member(
        IdentityClaim(kind="telegram", address="1001", organization_id=org, display_name="Ivan")
    )
    from_mail = await services.resolve_member(
        IdentityClaim(kind="email", address="ivan@MAIL.ru", organization_id=org)
    )
    await services.update_member(
        None, from_mail, MemberUpdate(full_name="Иван Петров", card_number="C-9", provisional=False)
    )
    assert from_telegram != from_mail

    moved: list[tuple[uuid.UUID, uuid.UUID, bool]] = []

    async def step(source: uuid.UUID, target: uuid.UUID) -> None:
        # Runs inside the merge transaction: the source is already marked merged.
        row = await Member.select(Member.merged_into).where(Member.id == source).first()
        moved.append((source, target, row["merged_into"] == target))

    merge.register_merge_step(step)
    try:
        r = await h.client.post(
            "/api/members/merge",
            json={
                "source_id": str(from_mail),
                "target_id": str(from_telegram),
                "fields": {"full_name": "source"},
            },
            headers=h.admin_headers,
        )
    finally:
        merge.MERGE_STEPS.remove(step)
    assert r.status_code == 200, r.text
    merged = r.json()
    assert merged["full_name"] == "Иван Петров"
    assert merged["card_number"] == "C-9"  # the target had none: the source's fills the blank
    assert merged["provisional"] is False  # one of them was confirmed
    assert {(c["kind"], c["address"]) for c in merged["contacts"]} == {
        ("telegram", "1001"),
        ("email", "ivan@mail.ru"),
    }
    assert moved == [(from_mail, from_telegram, True)]

    # Both addresses now resolve to the survivor; the merged-away member points at it.
    for kind, address in (("email", "ivan@mail.ru"), ("telegram", "1001")):
        claim = IdentityClaim(kind=kind, address=address, organization_id=org)
        assert await services.resolve_member(claim) == from_telegram
    gone = (await h.client.get(f"/api/members/{from_mail}", headers=h.admin_headers)).json()
    assert gone["merged_into"] == str(from_telegram)
    assert gone["contacts"] == []
    listed = (await h.client.get("/api/members/", headers=h.admin_headers)).json()["items"]
    assert [m["id"] for m in listed] == [str(from_telegram)]

    await h.settle()
    events = [e for e in await h.runtime.events.read_after(0) if e.type == "member.merged"]
    assert len(events) == 1 and events[0].organization_id == org


async def test_merge_conflicts_and_permissions(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    south, north = await make_org(h, "S", fed), await make_org(h, "N", fed)
    a = await services.create_member(None, south, full_name="A", card_number="1")
    b = await services.create_member(None, south, full_name="B", card_number="2")
    c = await services.create_member(None, north, full_name="C")

    def body(source: uuid.UUID, target: uuid.UUID, **fields: str) -> dict[str, object]:
        return {"source_id": str(source), "target_id": str(target), "fields": fields}

    operator = await bearer(h, "op", "operator", south)
    supervisor = await bearer(h, "sup", "supervisor", south)
    url = "/api/members/merge"
    assert (await h.client.post(url, json=body(b, a), headers=operator)).status_code == 403
    other = await h.client.post(url, json=body(c, a), headers=supervisor)
    assert other.status_code == 404
    assert other.json()["error"]["field"] == "source_id"
    itself = await h.client.post(url, json=body(a, a), headers=supervisor)
    assert itself.status_code == 422
    bad_field = await h.client.post(url, json=body(b, a, nickname="source"), headers=supervisor)
    assert bad_field.status_code == 400

    # Taking the source's card number: the unique card key moves with it.
    r = await h.client.post(url, json=body(b, a, card_number="source"), headers=supervisor)
    assert r.status_code == 200, r.text
    assert r.json()["card_number"] == "2"
    again = await h.client.post(url, json=body(b, a), headers=supervisor)
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "source_id"
    # The freed card number "1" may be used again; "2" may not.
    await services.create_member(None, south, full_name="D", card_number="1")
    taken = await h.client.post(
        "/api/members/",
        json={"organization_id": str(south), "full_name": "E", "card_number": "2"},
        headers=supervisor,
    )
    assert taken.status_code == 409


async def test_merge_chain_follows_to_the_survivor(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "FED")
    a, b, c = [await services.create_member(None, org, full_name=n) for n in "ABC"]
    await merge.merge_members(None, merge.MergeRequest(source_id=a, target_id=b))
    await merge.merge_members(None, merge.MergeRequest(source_id=b, target_id=c))
    rows = await Member.select(Member.id, Member.merged_into).where(Member.id.is_in([a, b]))
    assert {r["merged_into"] for r in rows} == {c}
