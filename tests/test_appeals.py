"""Appeals over the REST API: create, edit, lifecycle, assignment, replies, notes, scoping."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from appeals_support import FakeClock, appeal_events, bearer, inbound, make_member, make_org

from unionline.appeals.clock import use_clock
from unionline.errors import Conflict
from unionline.testing import AppHarness


@pytest.fixture
def clock() -> FakeClock:
    fake = FakeClock()
    with use_clock(fake):
        yield fake


async def _create(h: AppHarness, org: uuid.UUID, member: uuid.UUID, headers=None, **extra) -> dict:
    body = {"organization_id": str(org), "member_id": str(member), "subject": "Отпуск", **extra}
    r = await h.client.post("/api/appeals/", json=body, headers=headers or h.admin_headers)
    assert r.status_code == 201, r.text
    return r.json()


async def test_create_edit_and_field_errors(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    appeal = await _create(h, org, member, tags=[" Отпуск ", "отпуск", "График"])
    assert appeal["number"] == "PPO-2026-1"
    assert (appeal["status"], appeal["priority"], appeal["channel"]) == ("new", "normal", "manual")
    assert appeal["tags"] == ["отпуск", "график"]
    # Monday 10:00 MSK + 4 business hours; + 40 business hours ends Friday 14:00 MSK. The fake
    # clock moves a microsecond per reading, and background work may read it first.
    assert appeal["first_response_due"].startswith("2026-03-02T11:00:00")
    assert appeal["resolution_due"].startswith("2026-03-06T11:00:00")
    url = f"/api/appeals/{appeal['id']}"
    r = await h.client.patch(
        url,
        json={
            "subject": "Отпуск летом",
            "priority": "high",
            "tags": ["отпуск"],
            "custom": {"cabinet": 12},
        },
        headers=h.admin_headers,
    )
    assert r.status_code == 200, r.text
    got = (await h.client.get(url, headers=h.admin_headers)).json()
    assert (got["subject"], got["priority"], got["tags"], got["custom"]) == (
        "Отпуск летом",
        "high",
        ["отпуск"],
        {"cabinet": 12},
    )
    assert got["links"] == []

    def error(r) -> tuple[int, str, str | None]:
        body = r.json()["error"]
        return r.status_code, body["code"], body.get("field")

    bad = await h.client.patch(url, json={"priority": "asap"}, headers=h.admin_headers)
    assert error(bad) == (400, "validation_error", "priority")
    bad = await h.client.patch(url, json={"tags": ["x" * 101]}, headers=h.admin_headers)
    assert error(bad)[0] == 400 and error(bad)[2].startswith("tags")
    bad = await h.client.post(
        "/api/appeals/", json={"organization_id": str(org)}, headers=h.admin_headers
    )
    assert error(bad) == (400, "validation_error", "member_id")
    bad = await h.client.post(
        "/api/appeals/",
        json={"organization_id": str(org), "member_id": str(uuid.uuid4())},
        headers=h.admin_headers,
    )
    assert error(bad) == (404, "not_found", "member_id")
    bad = await h.client.post(
        "/api/appeals/",
        json={"organization_id": str(uuid.uuid4()), "member_id": str(member)},
        headers=h.admin_headers,
    )
    assert error(bad) == (404, "not_found", "organization_id")
    missing = await h.client.get(f"/api/appeals/{uuid.uuid4()}", headers=h.admin_headers)
    assert error(missing) == (404, "not_found", "id")
    anonymous = await h.client.get(url)
    assert anonymous.status_code == 401
    # PostgreSQL text cannot hold NUL: refused on both engines, naming the field.
    for extra, named in (
        ({"subject": "Без\x00нуля"}, "subject"),
        ({"tags": ["a\x00b"]}, "tags[0]"),
    ):
        body = {"organization_id": str(org), "member_id": str(member), **extra}
        nul = await h.client.post("/api/appeals/", json=body, headers=h.admin_headers)
        assert error(nul) == (400, "validation_error", named)


async def test_status_transitions(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    appeal = await _create(h, org, await make_member(org))
    url = f"/api/appeals/{appeal['id']}/status"

    async def move(status: str) -> dict:
        r = await h.client.post(url, json={"status": status}, headers=h.admin_headers)
        return r.json() | {"_status": r.status_code}

    assert (await move("waiting"))["status"] == "waiting"
    assert (await move("open"))["status"] == "open"
    resolved = await move("resolved")
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    refused = await move("waiting")
    assert refused["_status"] == 409
    assert refused["error"]["code"] == "conflict"
    assert refused["error"]["field"] == "status"
    assert refused["error"]["extra"]["allowed"] == ["open", "closed"]
    reopened = await move("open")
    assert reopened["status"] == "open" and reopened["resolved_at"] is None
    assert (await move("open"))["_status"] == 200  # staying put is not a transition
    closed = await move("closed")
    assert closed["status"] == "closed" and closed["closed_at"]
    final = await move("open")
    assert final["_status"] == 409 and final["error"]["extra"]["allowed"] == []
    assert (await move("archived"))["_status"] == 400

    entries = (
        await h.client.get(f"/api/appeals/{appeal['id']}/timeline", headers=h.admin_headers)
    ).json()["items"]
    changes = [
        (e["data"]["old"], e["data"]["new"]) for e in entries if e["kind"] == "status_changed"
    ]
    assert changes == [
        ("new", "waiting"),
        ("waiting", "open"),
        ("open", "resolved"),
        ("resolved", "open"),
        ("open", "closed"),
    ]
    events = [
        e for e in await appeal_events(h, appeal["id"]) if type(e).__name__ == "StatusChanged"
    ]
    assert [(e.old, e.new) for e in events] == changes
    assert events[-1].appeal.number == "PPO-2026-1" and events[-1].appeal.status == "closed"


async def test_other_organizations_operators_answer_like_unknown_ids(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    """Neither assigning nor mentioning tells whether an id is an operator of another
    organization; a note mentions only operators who can see the appeal."""
    h = unionline_app
    org = await make_org(h, "PPO")
    other_org = await make_org(h, "OTHER")
    colleague, _ = await h.create_operator("op-a", "observer", org)
    _, sup_token = await h.create_operator("sup", "supervisor", org)
    stranger, _ = await h.create_operator("op-x", "operator", other_org)
    ghost = uuid.uuid4()
    appeal = await _create(h, org, await make_member(org))
    url = f"/api/appeals/{appeal['id']}"

    async def refusal(path: str, body: dict, who: uuid.UUID) -> dict:
        r = await h.client.post(f"{url}/{path}", json=body, headers=bearer(sup_token))
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        error["message"] = error["message"].replace(str(who), "<id>")
        return error

    def assigning(who: uuid.UUID) -> dict:
        return {"operator_id": str(who)}

    def mentioning(who: uuid.UUID) -> dict:
        return {"text": "Проверить", "mentions": [str(colleague), str(who)]}

    assert await refusal("assign", assigning(stranger), stranger) == await refusal(
        "assign", assigning(ghost), ghost
    )
    assert await refusal("notes", mentioning(stranger), stranger) == await refusal(
        "notes", mentioning(ghost), ghost
    )
    assert (await refusal("notes", mentioning(stranger), stranger))["field"] == "mentions[1]"
    # An observer can see the appeal, so may be mentioned (though not assigned).
    note = await h.client.post(
        f"{url}/notes", json=mentioning(colleague), headers=bearer(sup_token)
    )
    assert note.status_code == 201, note.text
    assert note.json()["data"]["mentions"] == [str(colleague)]


async def test_claim_release_assign(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    other_org = await make_org(h, "OTHER")
    a_id, a_token = await h.create_operator("op-a", "operator", org)
    b_id, b_token = await h.create_operator("op-b", "operator", org)
    _, sup_token = await h.create_operator("sup", "supervisor", org)
    stranger, _ = await h.create_operator("op-x", "operator", other_org)
    appeal = await _create(h, org, await make_member(org))
    url = f"/api/appeals/{appeal['id']}"

    claimed = await h.client.post(f"{url}/claim", headers=bearer(a_token))
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["assignee_id"] == str(a_id)
    assert claimed.json()["status"] == "open"  # taking a new appeal opens it
    taken = await h.client.post(f"{url}/claim", headers=bearer(b_token))
    assert taken.status_code == 409
    assert taken.json()["error"]["extra"]["assignee_id"] == str(a_id)
    steal = await h.client.post(
        f"{url}/assign", json={"operator_id": str(b_id)}, headers=bearer(b_token)
    )
    assert steal.status_code == 409
    foreign = await h.client.post(f"{url}/release", headers=bearer(b_token))
    assert foreign.status_code == 403
    released = await h.client.post(f"{url}/release", headers=bearer(a_token))
    assert released.json()["assignee_id"] is None
    push = await h.client.post(
        f"{url}/assign", json={"operator_id": str(b_id)}, headers=bearer(a_token)
    )
    assert push.status_code == 403  # only supervisors assign to others
    assert push.json()["error"]["extra"]["permission"] == "appeals.assign"
    sup = await h.client.post(
        f"{url}/assign", json={"operator_id": str(b_id)}, headers=bearer(sup_token)
    )
    assert sup.json()["assignee_id"] == str(b_id)
    handed = await h.client.post(
        f"{url}/assign", json={"operator_id": str(a_id)}, headers=bearer(b_token)
    )  # the holder hands it on
    assert handed.json()["assignee_id"] == str(a_id)
    outside = await h.client.post(
        f"{url}/assign", json={"operator_id": str(stranger)}, headers=h.admin_headers
    )
    assert outside.status_code == 422 and outside.json()["error"]["field"] == "operator_id"

    entries = (await h.client.get(f"{url}/timeline", headers=h.admin_headers)).json()["items"]
    moves = [(e["data"]["old"], e["data"]["new"]) for e in entries if e["kind"] == "assigned"]
    assert moves == [
        (None, str(a_id)),
        (str(a_id), None),
        (None, str(b_id)),
        (str(b_id), str(a_id)),
    ]
    events = [e for e in await appeal_events(h, appeal["id"]) if type(e).__name__ == "Assigned"]
    assert [e.assignee_id for e in events] == [a_id, None, b_id, a_id]


async def test_concurrent_claims_have_one_winner(unionline_app: AppHarness) -> None:
    from unionline.appeals import services
    from unionline.operators.services import actor_for

    h = unionline_app
    org = await make_org(h, "PPO")
    appeal = await services.create_appeal(
        None,
        organization_id=org,
        member_id=await make_member(org),
        subject="Спор",
        channel="manual",
    )
    actors = []
    for i in range(6):
        operator_id, _ = await h.create_operator(f"op-{i}", "operator", org)
        actors.append(await actor_for(operator_id))
    results = await asyncio.gather(
        *(services.claim(a, appeal.id) for a in actors), return_exceptions=True
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, BaseException))
    final = await services.get_appeal(None, appeal.id)
    assert final.assignee_id == winners[0].assignee_id
    page = await services.timeline(None, appeal.id)
    assert [e.kind for e in page.items].count("assigned") == 1


async def test_replies_notes_and_first_response(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    operator_id, token = await h.create_operator("op", "operator", org)
    _, observer = await h.create_operator("obs", "observer", org)
    account = uuid.uuid4()
    appeal, _ = await inbound(org, member, "Когда отпуск?", account=account)
    url = f"/api/appeals/{appeal.id}"

    denied = await h.client.post(f"{url}/replies", json={"text": "x"}, headers=bearer(observer))
    assert denied.status_code == 403
    assert (await h.client.get(url, headers=bearer(observer))).status_code == 200
    empty = await h.client.post(f"{url}/replies", json={"text": ""}, headers=bearer(token))
    assert empty.status_code == 400 and empty.json()["error"]["field"] == "text"

    reply = await h.client.post(f"{url}/replies", json={"text": "В июле"}, headers=bearer(token))
    assert reply.status_code == 201, reply.text
    entry = reply.json()
    assert (entry["kind"], entry["body"], entry["author_id"]) == (
        "message_out",
        "В июле",
        str(operator_id),
    )
    assert entry["delivery_status"] == "queued"
    # replies go out where the member last wrote from
    assert (entry["channel"], entry["channel_account_id"]) == ("telegram", str(account))
    first = (await h.client.get(url, headers=bearer(token))).json()
    assert first["status"] == "open" and first["first_responded_at"]
    await h.client.post(f"{url}/replies", json={"text": "Ещё"}, headers=bearer(token))
    again = (await h.client.get(url, headers=bearer(token))).json()
    assert again["first_responded_at"] == first["first_responded_at"]

    note = await h.client.post(
        f"{url}/notes",
        json={"text": "Проверить график", "mentions": [str(operator_id)]},
        headers=bearer(token),
    )
    assert note.status_code == 201
    assert note.json()["data"]["mentions"] == [str(operator_id)]
    ghost = await h.client.post(
        f"{url}/notes", json={"text": "x", "mentions": [str(uuid.uuid4())]}, headers=bearer(token)
    )
    assert ghost.status_code == 422 and ghost.json()["error"]["field"] == "mentions[0]"

    await h.client.post(f"{url}/status", json={"status": "closed"}, headers=bearer(token))
    late = await h.client.post(f"{url}/replies", json={"text": "x"}, headers=bearer(token))
    assert late.status_code == 409
    assert (
        await h.client.post(f"{url}/notes", json={"text": "итог"}, headers=bearer(token))
    ).status_code == 201

    kinds = [type(e).__name__ for e in await appeal_events(h, appeal.id)]
    for name in ("AppealCreated", "MessageIn", "MessageOut", "NoteAdded", "StatusChanged"):
        assert name in kinds
    message_out = next(
        e for e in await appeal_events(h, appeal.id) if type(e).__name__ == "MessageOut"
    )
    assert message_out.preview == "В июле" and message_out.entry.body == "В июле"
    assert message_out.organization_id == org


async def test_scoping_hides_other_organizations(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    h = unionline_app
    fed = await make_org(h, "FED", kind="federation")
    a = await make_org(h, "PPOA", fed)
    b = await make_org(h, "PPOB", fed)
    member_a, member_b = await make_member(a, "Анна"), await make_member(b, "Борис")
    mine, _ = await inbound(a, member_a, "Про зарплату")
    theirs, _ = await inbound(b, member_b, "Про зарплату тоже")
    shared, _ = await inbound(b, member_a, "Анна пишет в другую организацию")
    op_id, token = await h.create_operator("op-a", "operator", a)
    headers = bearer(token)

    listed = (await h.client.get("/api/appeals/", headers=headers)).json()
    assert [x["number"] for x in listed["items"]] == [mine.number]
    found = (await h.client.get("/api/appeals/", params={"q": "зарплату"}, headers=headers)).json()
    assert [x["number"] for x in found["items"]] == [mine.number]
    by_number = await h.client.get("/api/appeals/", params={"q": theirs.number}, headers=headers)
    assert by_number.json()["items"] == []
    for path in ("", "/timeline"):
        assert (
            await h.client.get(f"/api/appeals/{theirs.id}{path}", headers=headers)
        ).status_code == 404
    for verb, path, body in (
        ("patch", "", {"subject": "x"}),
        ("post", "/status", {"status": "open"}),
        ("post", "/claim", None),
        ("post", "/replies", {"text": "x"}),
        ("post", "/notes", {"text": "x"}),
        ("post", "/links", {"appeal_id": str(mine.id)}),
    ):
        r = await getattr(h.client, verb)(
            f"/api/appeals/{theirs.id}{path}", json=body, headers=headers
        )
        assert r.status_code == 404, (verb, path, r.text)
    cross = await h.client.post(
        f"/api/appeals/{mine.id}/links", json={"appeal_id": str(theirs.id)}, headers=headers
    )
    assert cross.status_code == 404 and cross.json()["error"]["field"] == "appeal_id"
    create = await h.client.post(
        "/api/appeals/",
        json={"organization_id": str(b), "member_id": str(member_a)},
        headers=headers,
    )
    assert create.status_code == 404 and create.json()["error"]["field"] == "organization_id"
    history = (
        await h.client.get(f"/api/appeals/by-member/{member_a}/timeline", headers=headers)
    ).json()["items"]
    assert {e["appeal_id"] for e in history} == {str(mine.id)}
    everything = (
        await h.client.get(f"/api/appeals/by-member/{member_a}/timeline", headers=h.admin_headers)
    ).json()["items"]
    assert {e["appeal_id"] for e in everything} == {str(mine.id), str(shared.id)}
    appeals = (await h.client.get(f"/api/appeals/by-member/{member_a}", headers=headers)).json()[
        "items"
    ]
    assert [x["id"] for x in appeals] == [str(mine.id)]
    from unionline.audit.services import entries_for

    reads = [(e.action, e.actor_id) for e in await entries_for([member_a])]
    assert ("member.timeline_read", op_id) in reads  # message history is personal data


async def test_filters_and_cursor_pagination(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    fed = await make_org(h, "FED", kind="federation")
    org = await make_org(h, "PPO", fed)
    sibling = await make_org(h, "SIB", fed)
    member, other = await make_member(org), await make_member(org, "Пётр")
    op_id, token = await h.create_operator("op", "supervisor", fed)
    created = []
    for i in range(7):
        who = member if i % 2 else other
        view = await _create(
            h,
            org if i < 6 else sibling,
            who,
            headers=bearer(token),
            priority="high" if i in (1, 2) else "normal",
            tags=["отпуск"] if i in (2, 3) else [],
            channel="phone" if i == 4 else "manual",
        )
        created.append(view)
    url = f"/api/appeals/{created[0]['id']}"
    await h.client.post(f"{url}/claim", headers=bearer(token))
    await h.client.post(
        f"/api/appeals/{created[1]['id']}/status", json={"status": "waiting"}, headers=bearer(token)
    )

    async def numbers(**params) -> list[str]:
        r = await h.client.get("/api/appeals/", params=params, headers=bearer(token))
        assert r.status_code == 200, r.text
        return [x["number"] for x in r.json()["items"]]

    n = [c["number"] for c in created]
    assert await numbers() == n[::-1]
    assert await numbers(assignee="me") == [n[0]]
    assert await numbers(assignee=str(op_id)) == [n[0]]
    assert await numbers(assignee="none") == n[:0:-1]
    assert await numbers(status=["open", "waiting"]) == [n[1], n[0]]
    assert await numbers(tag="Отпуск") == [n[3], n[2]]
    assert await numbers(priority="high") == [n[2], n[1]]
    assert await numbers(channel="phone") == [n[4]]
    assert await numbers(member_id=str(member)) == [n[5], n[3], n[1]]
    assert await numbers(organization_id=str(sibling)) == [n[6]]
    assert await numbers(organization_id=str(fed)) == n[::-1]

    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await h.client.get("/api/appeals/", params=params, headers=bearer(token))).json()
        seen += [x["number"] for x in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == n[::-1]
    bad = await h.client.get("/api/appeals/", params={"cursor": "nonsense"}, headers=bearer(token))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"
    bad = await h.client.get("/api/appeals/", params={"assignee": "him"}, headers=bearer(token))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "assignee"
    bad = await h.client.get("/api/appeals/", params={"limit": 0}, headers=bearer(token))
    assert bad.status_code == 400


async def test_links_and_merge(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member, stranger = await make_member(org), await make_member(org, "Чужой")
    _, operator = await h.create_operator("op", "operator", org)
    source, _ = await inbound(org, member, "Вопрос про премию")
    await h.client.post(
        f"/api/appeals/{source.id}/notes", json={"text": "заметка"}, headers=h.admin_headers
    )
    target = await _create(h, org, member, subject="Премия")
    other = await _create(h, org, stranger, subject="Другое")
    s_url, t_url = f"/api/appeals/{source.id}", f"/api/appeals/{target['id']}"

    linked = await h.client.post(
        f"{s_url}/links", json={"appeal_id": other["id"]}, headers=bearer(operator)
    )
    assert linked.status_code == 200, linked.text
    assert [(x["number"], x["kind"]) for x in linked.json()["links"]] == [
        (other["number"], "related")
    ]
    again = await h.client.post(
        f"/api/appeals/{other['id']}/links",
        json={"appeal_id": str(source.id)},
        headers=bearer(operator),
    )
    assert len(again.json()["links"]) == 1  # already related, either way round
    itself = await h.client.post(
        f"{s_url}/links", json={"appeal_id": str(source.id)}, headers=bearer(operator)
    )
    assert itself.status_code == 422 and itself.json()["error"]["field"] == "appeal_id"

    denied = await h.client.post(
        f"{s_url}/merge", json={"target_id": target["id"]}, headers=bearer(operator)
    )
    assert denied.status_code == 403  # merging needs a supervisor
    strangers = await h.client.post(
        f"{s_url}/merge", json={"target_id": other["id"]}, headers=h.admin_headers
    )
    assert strangers.status_code == 409 and strangers.json()["error"]["field"] == "target_id"
    merged = await h.client.post(
        f"{s_url}/merge", json={"target_id": target["id"]}, headers=h.admin_headers
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == target["id"]
    gone = (await h.client.get(s_url, headers=h.admin_headers)).json()
    assert gone["status"] == "closed" and gone["merged_into_id"] == target["id"]
    assert ("merged_into", "outgoing") in [(x["kind"], x["direction"]) for x in gone["links"]]
    twice = await h.client.post(
        f"{s_url}/merge", json={"target_id": target["id"]}, headers=h.admin_headers
    )
    assert twice.status_code == 409
    reply = await h.client.post(f"{s_url}/replies", json={"text": "x"}, headers=h.admin_headers)
    assert reply.status_code == 409
    assert reply.json()["error"]["extra"]["merged_into_id"] == target["id"]

    source_kinds = [
        e["kind"]
        for e in (await h.client.get(f"{s_url}/timeline", headers=h.admin_headers)).json()["items"]
    ]
    assert source_kinds == ["system", "linked", "status_changed", "merged"]
    target_items = (await h.client.get(f"{t_url}/timeline", headers=h.admin_headers)).json()
    moved = [(e["kind"], e["body"], e["merged_from_id"]) for e in target_items["items"]]
    assert moved == [
        ("message_in", "Вопрос про премию", str(source.id)),
        ("note", "заметка", str(source.id)),
        ("system", "", None),
        ("merged", "", None),
    ]
    ids = [e["id"] for e in target_items["items"]]
    assert ids == sorted(ids)
    history = (
        await h.client.get(f"/api/appeals/by-member/{member}/timeline", headers=h.admin_headers)
    ).json()["items"]
    assert [e["body"] for e in history if e["kind"] == "message_in"] == ["Вопрос про премию"]
    into_closed = await h.client.post(
        f"/api/appeals/{target['id']}/merge",
        json={"target_id": str(source.id)},
        headers=h.admin_headers,
    )
    assert into_closed.status_code == 409

    names = [type(e).__name__ for e in await appeal_events(h, target["id"])]
    assert names[-1] == "Merged"
    merged_event = (await appeal_events(h, target["id"]))[-1]
    assert (merged_event.source_number, merged_event.moved_entries) == (source.number, 2)


async def test_priority_and_tag_events(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    appeal = await _create(h, org, await make_member(org), tags=["а"])
    url = f"/api/appeals/{appeal['id']}"
    await h.client.patch(
        url,
        json={"priority": "urgent", "tags": ["а", "б"], "subject": "Новое"},
        headers=h.admin_headers,
    )
    await h.client.patch(
        url, json={"priority": "urgent", "tags": ["а", "б"]}, headers=h.admin_headers
    )  # no change, no events
    events = await appeal_events(h, appeal["id"])
    by_type = {type(e).__name__: e for e in events}
    assert [type(e).__name__ for e in events] == [
        "AppealCreated",
        "AppealUpdated",
        "PriorityChanged",
        "TagsChanged",
    ]
    assert (by_type["PriorityChanged"].old, by_type["PriorityChanged"].new) == ("normal", "urgent")
    assert by_type["TagsChanged"].new == ["а", "б"] and by_type["TagsChanged"].entry.data[
        "added"
    ] == ["б"]
    assert by_type["AppealUpdated"].changed == ["subject"]
    assert by_type["TagsChanged"].appeal.subject == "Новое"


async def test_timeline_pages(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    for i in range(5):
        appeal, _ = await inbound(org, member, f"Сообщение {i}")

    async def walk(url: str) -> list[str]:
        bodies, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await h.client.get(url, params=params, headers=h.admin_headers)).json()
            bodies += [e["body"] for e in page["items"] if e["kind"] == "message_in"]
            if not (cursor := page["next_cursor"]):
                return bodies

    expected = [f"Сообщение {i}" for i in range(5)]
    assert await walk(f"/api/appeals/{appeal.id}/timeline") == expected
    assert await walk(f"/api/appeals/by-member/{member}/timeline") == expected
    bad = await h.client.get(
        f"/api/appeals/{appeal.id}/timeline", params={"cursor": "x"}, headers=h.admin_headers
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"


async def test_channel_account_must_be_in_scope_and_of_the_channel(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    """An appeal opened by hand replies through the account it names: only one the caller may
    manage, of the appeal's channel type; someone else's looks exactly like a missing one."""
    from unionline.channel.tables import ChannelAccountRecord

    h = unionline_app
    mine, theirs = await make_org(h, "MINE"), await make_org(h, "THEIRS")
    member = await make_member(mine)
    accounts = {}
    for org in (mine, theirs):
        row = ChannelAccountRecord(organization_id=org, channel="telegram", name="bot")
        await row.save()
        accounts[org] = row.id
    _, token = await h.create_operator("op-mine", "operator", mine)
    headers = bearer(token)

    def body(account: uuid.UUID, channel: str = "telegram") -> dict:
        return {
            "organization_id": str(mine),
            "member_id": str(member),
            "subject": "Звонок",
            "channel": channel,
            "channel_account_id": str(account),
        }

    foreign = await h.client.post("/api/appeals/", json=body(accounts[theirs]), headers=headers)
    absent = await h.client.post("/api/appeals/", json=body(uuid.uuid4()), headers=headers)
    for r in (foreign, absent):
        assert r.status_code == 404, r.text
        assert r.json()["error"]["field"] == "channel_account_id"
    assert foreign.json()["error"]["message"].endswith("does not exist")
    wrong = await h.client.post("/api/appeals/", json=body(accounts[mine], "vk"), headers=headers)
    assert (wrong.status_code, wrong.json()["error"]["field"]) == (422, "channel_account_id")
    ok = await h.client.post("/api/appeals/", json=body(accounts[mine]), headers=headers)
    assert ok.status_code == 201, ok.text
    listed = (await h.client.get("/api/appeals/", headers=h.admin_headers)).json()
    assert [a["number"] for a in listed["items"]] == ["MINE-2026-1"]  # nothing partial stored


def test_an_appeal_row_reads_text_keys_and_refuses_a_null_one() -> None:
    from unionline.appeals.store import decode

    key = uuid.uuid4()
    raw = {
        "id": str(key),  # SQLite hands uuids back as text where a column type is lost
        "number": "PPO-2026-1",
        "organization_id": str(uuid.uuid4()),
        "year": 2026,
        "seq": 1,
        "member_id": str(uuid.uuid4()),
        "subject": "",
        "channel": "manual",
        "channel_account_id": None,
        "queue_id": None,
        "assignee_id": None,
        "priority": "normal",
        "status": "new",
        "tags": "[]",
        "custom": "{}",
        "first_response_due": None,
        "resolution_due": None,
        "first_responded_at": None,
        "resolved_at": None,
        "closed_at": None,
        "created_at": "2026-01-02 10:00:00+00:00",
        "updated_at": "2026-01-02 10:00:00+00:00",
        "last_member_message_at": None,
        "merged_into_id": None,
    }
    row = decode(raw)
    assert row.id == key and row.tags == [] and row.custom == {}
    with pytest.raises(TypeError):  # a key column read as NULL: the query is wrong
        decode({**raw, "id": None})
