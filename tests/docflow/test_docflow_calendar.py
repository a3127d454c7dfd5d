"""Docflow beside the meetings plugin, through the public face only: a pending step's deadline
is in its assignee's calendar (and nobody else's organization sees it), and a meeting about a
document invites the document's author, the route's people and its member."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from appeals_support import make_member
from docflow_support import Office

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow", "meetings")


async def test_step_deadlines_in_the_calendar_and_a_documents_people(
    unionline_app: AppHarness,
) -> None:
    from unionline import actor_for
    from unionline.plugins.docflow.calendar import DocumentPeople

    s = await Office(unionline_app).setup()
    member = await make_member(s.a, "Соколова Мария")
    doc = await s.document(await s.kind(), member_id=str(member))
    await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{doc['id']}/route",
        201,
        stages=[{"assignees": [s.id("boss")], "days": 2}],
    )
    since = datetime.now(UTC).isoformat()
    until = (datetime.now(UTC) + timedelta(days=14)).isoformat()
    found = await s.call(
        "boss", "get", "/api/meetings/calendar", since=since, until=until, operator_id=s.id("boss")
    )
    items = [e for e in found if doc["title"] in str(e)]
    assert len(items) == 1 and f"#/work/docflow/{doc['id']}" in str(items[0])
    other = await s.call("bob", "get", "/api/meetings/calendar", since=since, until=until)
    assert [e for e in other if doc["title"] in str(e)] == []

    boss = await actor_for(s.ids["boss"])
    subject = await DocumentPeople().subject(boss, "document", uuid.UUID(doc["id"]))
    assert subject is not None
    assert set(subject.operator_ids) == {s.ids["olga"], s.ids["boss"]}
    assert subject.member_ids == (member,)
    bob = await actor_for(s.ids["bob"])
    assert await DocumentPeople().subject(bob, "document", uuid.UUID(doc["id"])) is None
