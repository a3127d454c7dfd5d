"""The audit log: recording from services, querying with filters, scope and cursors."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from unionline.access import Actor
from unionline.audit.services import record
from unionline.operators.services import actor_for
from unionline.testing import AppHarness


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def org(h: AppHarness, code: str, parent: str | None = None) -> uuid.UUID:
    body = {"name": code, "code": code, **({"parent_id": parent} if parent else {})}
    response = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def actor(operator_id: uuid.UUID, address: str = "203.0.113.5") -> Actor:
    found = await actor_for(operator_id, client_address=address)
    assert found is not None
    return found


async def entries(h: AppHarness, headers: dict[str, str], **params: str) -> list[dict]:
    response = await h.client.get("/api/audit/", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_supervisors_read_the_audit_of_their_subtree(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await org(h, "FED")
    north, south = await org(h, "NORTH", str(fed)), await org(h, "SOUTH", str(fed))
    sup_id, sup_token = await h.create_operator("sup", "supervisor", north)
    op_id, op_token = await h.create_operator("op", "operator", north)
    reader = await actor(op_id)
    member_n, member_s = uuid.uuid4(), uuid.uuid4()
    await record(reader, "member.read", "member", member_n, north)
    await record(reader, "timeline.read", "member", member_n, north)
    await record(reader, "member.read", "member", member_s, south)
    await record(None, "member.update", "member", member_s, None)  # the system, no organization

    everything = await entries(h, h.admin_headers)
    assert [e["action"] for e in everything] == [
        "member.update",
        "member.read",
        "timeline.read",
        "member.read",
    ]  # newest first
    first = everything[-1]
    assert first["actor_id"] == str(op_id)
    assert first["client_address"] == "203.0.113.5"
    assert first["subject_id"] == str(member_n)
    assert everything[0]["actor_id"] is None

    own = await entries(h, bearer(sup_token))
    assert {e["subject_id"] for e in own} == {str(member_n)}
    assert str(south) not in str(own) and str(member_s) not in str(own)
    denied = await h.client.get("/api/audit/", headers=bearer(op_token))
    assert denied.status_code == 403
    assert sup_id


async def test_filters_and_cursor(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await org(h, "FED")
    a_id, _ = await h.create_operator("a", "operator", fed)
    b_id, _ = await h.create_operator("b", "operator", fed)
    a, b = await actor(a_id), await actor(b_id)
    subject = uuid.uuid4()
    for _ in range(3):
        await record(a, "member.read", "member", subject, fed)
    await record(b, "member.export", "member", subject, fed)
    await record(b, "member.read", "member", uuid.uuid4(), fed)

    assert len(await entries(h, h.admin_headers, subject_id=str(subject))) == 4
    assert len(await entries(h, h.admin_headers, actor_id=str(b_id))) == 2
    exported = await entries(h, h.admin_headers, action="member.export")
    assert [e["actor_id"] for e in exported] == [str(b_id)]
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    assert await entries(h, h.admin_headers, since=later) == []
    assert len(await entries(h, h.admin_headers, until=later)) == 5

    seen: list[int] = []
    cursor = ""
    while True:
        params = {
            "limit": "2",
            "subject_id": str(subject),
            **({"cursor": cursor} if cursor else {}),
        }
        page = (await h.client.get("/api/audit/", params=params, headers=h.admin_headers)).json()
        seen += [e["id"] for e in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    assert len(seen) == 4 and seen == sorted(seen, reverse=True)

    naive = await h.client.get(
        "/api/audit/", params={"since": "2026-01-01T10:00:00"}, headers=h.admin_headers
    )
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "since"
    bad = await h.client.get("/api/audit/", params={"cursor": "xyz"}, headers=h.admin_headers)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"


async def test_entries_hold_no_personal_data(unionline_app: AppHarness) -> None:
    """An entry has ids, an action, an address and a request id: no free text to leak into."""
    from unionline.audit.schemas import AuditEntryView

    fields = set(AuditEntryView.__struct_fields__)
    assert fields == {
        "id",
        "at",
        "actor_id",
        "token_id",
        "action",
        "subject_kind",
        "subject_id",
        "organization_id",
        "client_address",
        "request_id",
    }
    with pytest.raises(ValueError):
        await record(None, "Иванов Иван прочитан", "member", uuid.uuid4(), None)


async def test_token_requests_name_the_token(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await org(h, "FED")
    op_id, token = await h.create_operator("integration", "operator", fed)
    seen = msgspec.json.decode((await h.client.get("/api/auth/me", headers=bearer(token))).content)
    assert seen["id"] == str(op_id)
    from unionline.operators.services import actor_for_token

    via_token = await actor_for_token(token, client_address="198.51.100.1")
    assert via_token is not None and via_token.token_id is not None
    await record(via_token, "member.read", "member", uuid.uuid4(), fed)
    [entry] = await entries(h, h.admin_headers)
    assert entry["token_id"] == str(via_token.token_id)
    assert entry["client_address"] == "198.51.100.1"


async def test_plugins_record_through_the_public_api(unionline_app: AppHarness) -> None:
    """A plugin holding personal data audits with ``unionline.record_audit``."""
    import unionline

    h = unionline_app
    fed = await org(h, "FED")
    op_id, _ = await h.create_operator("docflow", "operator", fed)
    await unionline.record_audit(await actor(op_id), "document.read", "document", "D-17", fed)
    [entry] = await entries(h, h.admin_headers, action="document.read")
    assert entry["subject_kind"] == "document" and entry["subject_id"] == "D-17"
