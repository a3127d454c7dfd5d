"""A meeting on BigBlueButton through its life, against a loopback BBB that checks every
checksum: the room created, staff joining as MODERATOR and members as VIEWER, one reminder per
participant however often the clock ticks, started and ended for robots, and the member who did
not come (from getMeetingInfo) — a robot rule on ``meetings.member_absent`` sends them the link
again, once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from appeals_support import FakeClock, inbound, make_member
from meetings_support import Staff, with_meetings
from standins.bbb import BbbStandin

from unionline.settings import Settings
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("meetings")


@pytest.fixture(scope="module", params=["sha1", "sha256"])
def bbb(request: pytest.FixtureRequest) -> Iterator[tuple[BbbStandin, str]]:
    with BbbStandin(algorithms=(request.param,)) as server:
        yield server, request.param


@pytest.fixture
def unionline_settings(unionline_settings: Settings, bbb: tuple[BbbStandin, str]) -> Settings:
    server, algorithm = bbb
    settings = {
        "provider": "bbb",
        "bbb_url": server.base_url,
        "bbb_secret": server.secret,
        "bbb_checksum": algorithm,
        "reminder_minutes": 60,
        "absent_after_minutes": 10,
    }
    return with_meetings(unionline_settings, settings)


def types_of(stored: list[Any], prefix: str) -> list[str]:
    return [e.type for e in stored if e.type.startswith(prefix)]


async def test_a_bbb_meeting_from_reminder_to_the_member_who_did_not_come(
    unionline_app: AppHarness, bbb: tuple[BbbStandin, str]
) -> None:
    from unionline.appeals.clock import use_clock
    from unionline.plugins.meetings.clock import tick

    server, _ = bbb
    h = unionline_app
    s = await Staff(h).setup()
    member = await make_member(s.a1, "Мария Соколова")
    appeal, _ = await inbound(s.a1, member, "Нужна консультация юриста")
    templates = await s.call("admin", "get", "/api/robots/templates")
    ready = next(t for t in templates if t["key"] == "meetings_absent_link")
    rule = await s.call(
        "admin",
        "post",
        "/api/robots/rules",
        201,
        organization_id=str(s.a),
        name=ready["title"]["ru"],
        **ready["definition"],
    )
    clock = FakeClock(datetime(2030, 3, 4, 9, 0, tzinfo=UTC))
    with use_clock(clock):
        meeting = await s.call(
            "olga",
            "post",
            "/api/meetings/",
            201,
            organization_id=str(s.a1),
            title="Консультация юриста",
            starts_at="2030-03-04T12:30:00+03:00",
            duration_minutes=30,
            member_ids=[str(member)],
            appeal_id=str(appeal.id),
        )
        [(_, params, ok)] = [c for c in server.calls if c[0] == "create"]
        assert ok and params["name"] == "Консультация юриста"
        assert re.fullmatch(r"[a-z2-7]{26}", params["meetingID"])

        # The member's link: a VIEWER's; the organizer's: a MODERATOR's.
        bodies = await messages(s, appeal.id)
        member_url = re.search(r"http://\S+", bodies[0]).group(0)  # type: ignore[union-attr]
        assert "role=VIEWER" in member_url and "role=MODERATOR" in meeting["join_url"]

        clock.advance(minutes=5)  # 09:05 UTC: the meeting is 25 minutes away — remind
        for _ in range(3):
            await tick()
        await h.settle()
        await tick()
        await h.settle()
        bodies = await messages(s, appeal.id)
        assert [b for b in bodies if b.startswith("Напоминаем")] == [
            next(b for b in bodies if b.startswith("Напоминаем"))
        ]
        assert "начнётся в 12:30 (Europe/Moscow)" in bodies[-1]

        mark = (await h.runtime.events.read_after(0, limit=10_000))[-1].id
        clock.advance(minutes=26)  # started; the organizer opens their link
        await tick()
        async with httpx.AsyncClient() as client:
            opened = await client.get(meeting["join_url"])
        assert opened.status_code == 302
        assert server.meetings[params["meetingID"]].attendees[0]["role"] == "MODERATOR"
        clock.advance(minutes=10)  # ten minutes in: the platform says who is there
        await tick()
        await tick()
        await h.settle()
        later = await h.runtime.events.read_after(mark, limit=10_000)
        kinds = types_of(later, "meetings.")
        assert kinds == ["meetings.started", "meetings.member_absent"]
        bodies = await messages(s, appeal.id)
        assert bodies[-1].startswith("Видеовстреча «Консультация юриста»")
        assert sum(1 for b in bodies if "role=VIEWER" in b) == 3  # invitation, reminder, robot
        log = await s.call("admin", "get", f"/api/robots/rules/{rule['id']}/log")
        assert [item["status"] for item in log["items"]] == ["done"]

        clock.advance(minutes=30)
        await tick()
        await h.settle()
        view = await s.call("olga", "get", f"/api/meetings/{meeting['id']}")
        assert view["status"] == "ended" and view["join_url"] is None
        organizer = next(p for p in view["participants"] if p["role"] == "moderator")
        assert organizer["joined_at"] is not None
    assert all(ok for _, _, ok in server.calls)


async def messages(s: Staff, appeal_id: Any) -> list[str]:
    page = await s.call("admin", "get", f"/api/appeals/{appeal_id}/timeline")
    return [e["body"] for e in page["items"] if e["kind"] == "message_out"]


def test_the_standin_refuses_a_wrong_checksum(bbb: tuple[BbbStandin, str]) -> None:
    server, algorithm = bbb
    wrong = "0" * (40 if algorithm == "sha1" else 64)
    answer = httpx.get(f"{server.base_url}api/getMeetingInfo?meetingID=x&checksum={wrong}")
    assert b"checksumError" in answer.content
    other = "sha256" if algorithm == "sha1" else "sha1"
    import hashlib

    digest = hashlib.new(other, ("getMeetingInfo" + "meetingID=x" + server.secret).encode())
    answer = httpx.get(
        f"{server.base_url}api/getMeetingInfo?meetingID=x&checksum={digest.hexdigest()}"
    )
    assert b"checksumError" in answer.content  # an algorithm the server does not support
