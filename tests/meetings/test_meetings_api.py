"""Meetings end to end through the REST API on both engines: a scheduled meeting with an
operator and a member (their own links: moderator, guest; the member's on their appeal's
channel with the time in their zone), iCalendar invitations parsed back (REQUEST, a change's
SEQUENCE, CANCEL), «Видеозвонок» on an appeal, bad input, and organization scope."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from appeals_support import inbound, make_member
from meetings_support import JITSI, Staff, jitsi_admits, with_meetings

from unionline.settings import Settings
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("meetings")
SECRET = JITSI["jitsi_app_secret"]


class Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def calendars(self, to: str) -> list[icalendar.Calendar]:
        found = []
        for envelope in self.envelopes:
            if to not in envelope.rcpt_tos:
                continue
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            for part in message.walk():
                if part.get_content_type() == "text/calendar":
                    found.append(icalendar.Calendar.from_ical(part.get_payload(decode=True)))
        return found


@pytest.fixture(scope="module")
def sink() -> Iterator[tuple[Sink, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def unionline_settings(unionline_settings: Settings, sink: tuple[Sink, int]) -> Settings:
    mail = {"smtp_host": "127.0.0.1", "smtp_port": sink[1], "from_address": "meet@fed.test"}
    return with_meetings(unionline_settings, JITSI, notifications=mail)


def link_in(text: str) -> str:
    found = re.search(r"https://meet\.union\.test/\S+", text)
    assert found, text
    return found.group(0)


async def timeline(s: Staff, appeal_id: Any) -> list[dict[str, Any]]:
    return (await s.call("admin", "get", f"/api/appeals/{appeal_id}/timeline"))["items"]


async def test_a_meeting_reaches_each_participant_with_their_own_rights(
    unionline_app: AppHarness, sink: tuple[Sink, int]
) -> None:
    s = await Staff(unionline_app).setup()
    await s.call(
        "admin",
        "patch",
        f"/api/operators/{s.ids['ivan']}",
        email="ivan@fed.test",
        timezone="Asia/Yekaterinburg",
    )
    member = await make_member(s.a1, "Мария Соколова")
    appeal, _ = await inbound(s.a1, member, "Прошу консультацию по графику смен")
    start = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
    meeting = await s.call(
        "olga",
        "post",
        "/api/meetings/",
        201,
        organization_id=str(s.a1),
        title="Консультация по графику",
        starts_at=start.isoformat(),
        duration_minutes=45,
        operator_ids=[str(s.ids["ivan"])],
        member_ids=[str(member)],
        appeal_id=str(appeal.id),
    )
    assert meeting["status"] == "scheduled" and meeting["sequence"] == 0
    roles = {p["name"]: (p["role"], p["channel"]) for p in meeting["participants"]}
    assert roles["Мария Соколова"] == ("guest", "appeal")
    mine = jitsi_admits(meeting["join_url"], SECRET)
    assert mine["context"]["user"]["moderator"] == "true"

    # The member's link went on their appeal's channel, the time on Moscow's clock.
    [sent] = [e for e in await timeline(s, appeal.id) if e["kind"] == "message_out"]
    assert "4 марта 2030, 15:00 (Europe/Moscow)" in sent["body"]
    guest = jitsi_admits(link_in(sent["body"]), SECRET)
    assert guest["context"]["user"]["moderator"] == "false"
    assert guest["room"] == mine["room"] and guest["exp"] > start.timestamp() + 45 * 60

    # Ivan's invitation by e-mail: REQUEST, SEQUENCE 0, his own (moderator's) link, his zone.
    await unionline_app.settle()
    [invite] = sink[0].calendars("ivan@fed.test")
    assert str(invite["METHOD"]) == "REQUEST"
    [event] = invite.walk("VEVENT")
    assert event["SEQUENCE"] == 0 and event["UID"] == f"{meeting['id']}@unionline"
    assert event.decoded("DTSTART") == start
    assert str(event.decoded("DTSTART").tzinfo) == "Asia/Yekaterinburg"
    assert invite.walk("VTIMEZONE")
    assert jitsi_admits(str(event["URL"]), SECRET)["context"]["user"]["moderator"] == "true"

    # Moved: SEQUENCE 1, the member told on their channel, a new REQUEST.
    moved = await s.call(
        "olga",
        "patch",
        f"/api/meetings/{meeting['id']}",
        starts_at=(start + timedelta(hours=1)).isoformat(),
    )
    assert moved["sequence"] == 1 and moved["duration_minutes"] == 45
    bodies = [e["body"] for e in await timeline(s, appeal.id) if e["kind"] == "message_out"]
    assert "перенесена: 4 марта 2030, 16:00" in bodies[-1]
    await unionline_app.settle()
    [_, again] = sink[0].calendars("ivan@fed.test")
    assert [e["SEQUENCE"] for e in again.walk("VEVENT")] == [1]

    # Cancelled: SEQUENCE 2, METHOD CANCEL.
    cancelled = await s.call("olga", "post", f"/api/meetings/{meeting['id']}/cancel", 201)
    assert cancelled["status"] == "cancelled" and cancelled["join_url"] is None
    await unionline_app.settle()
    last = sink[0].calendars("ivan@fed.test")[-1]
    assert str(last["METHOD"]) == "CANCEL"
    [gone] = last.walk("VEVENT")
    assert gone["SEQUENCE"] == 2 and str(gone["STATUS"]) == "CANCELLED"
    bodies = [e["body"] for e in await timeline(s, appeal.id) if e["kind"] == "message_out"]
    assert bodies[-1].endswith("отменена.") and len(bodies) == 3


async def test_a_video_call_on_an_appeal_and_who_may_see_it(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a1, "Пётр Иванов")
    appeal, _ = await inbound(s.a1, member, "Можно созвониться?")
    call = await s.call("olga", "post", "/api/meetings/instant", 201, appeal_id=str(appeal.id))
    assert call["instant"] and call["status"] == "started"
    assert call["title"].startswith("Видеозвонок по обращению")
    assert jitsi_admits(call["join_url"], SECRET)["context"]["user"]["moderator"] == "true"
    [sent] = [e for e in await timeline(s, appeal.id) if e["kind"] == "message_out"]
    assert sent["author_id"] == str(s.ids["olga"])
    assert jitsi_admits(link_in(sent["body"]), SECRET)["context"]["user"]["moderator"] == "false"
    listed = await s.call("olga", "get", "/api/meetings/", appeal_id=str(appeal.id))
    assert [m["id"] for m in listed] == [call["id"]]

    # Another federation branch sees nothing of it; an observer cannot hold one.
    await s.call("bob", "get", f"/api/meetings/{call['id']}", 404)
    assert await s.call("bob", "get", "/api/meetings/", since="2000-01-01T00:00:00Z") == []
    await s.call("bob", "post", "/api/meetings/instant", 404, appeal_id=str(appeal.id))
    await s.call("vera", "post", "/api/meetings/instant", 403, appeal_id=str(appeal.id))
    await s.call("petr", "get", f"/api/meetings/{call['id']}/join", 404)
    # Ivan sees it (A1 is his) but takes no part: no link of his own.
    await s.call("ivan", "get", f"/api/meetings/{call['id']}/join", 403)


async def test_bad_input_names_the_field_and_writes_nothing(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    base = {
        "organization_id": str(s.a),
        "title": "Планёрка",
        "starts_at": "2030-03-04T10:00:00+03:00",
    }
    cases = [
        ({"starts_at": "2030-03-04T10:00:00"}, "starts_at"),
        ({"title": ""}, "title"),
        ({"duration_minutes": 1}, "duration_minutes"),
        ({"operator_ids": [str(s.ids["petr"])]}, "operator_ids"),
        ({"member_ids": [str(s.ids["petr"])]}, "member_ids"),
        ({"provider": "zoom"}, "provider"),
        ({"organization_id": str(s.b)}, "organization_id"),
        ({"colour": "red"}, "colour"),
    ]
    for change, field in cases:
        r = await unionline_app.client.post(
            "/api/meetings/", json={**base, **change}, headers=s.auth("olga")
        )
        assert r.status_code in (400, 404, 422), (change, r.text)
        assert field in r.text, (change, r.text)
    assert await s.call("admin", "get", "/api/meetings/", since="2000-01-01T00:00:00Z") == []


async def test_each_member_reads_the_time_on_their_own_clock(unionline_app: AppHarness) -> None:
    from unionline.members.services import create_member

    s = await Staff(unionline_app).setup()
    far = await create_member(
        None, s.a1, full_name="Игорь Ли", custom_fields={"timezone": "Asia/Vladivostok"}
    )
    near = await make_member(s.a1, "Анна Белова")
    far_appeal, _ = await inbound(s.a1, far, "Вопрос из Владивостока")
    near_appeal, _ = await inbound(s.a1, near, "Вопрос из Москвы")
    await s.call(
        "olga",
        "post",
        "/api/meetings/",
        201,
        organization_id=str(s.a1),
        title="Общее собрание",
        starts_at="2030-03-04T12:00:00Z",
        member_ids=[str(far), str(near)],
    )
    [to_far] = [e["body"] for e in await timeline(s, far_appeal.id) if e["kind"] == "message_out"]
    [to_near] = [e["body"] for e in await timeline(s, near_appeal.id) if e["kind"] == "message_out"]
    assert "4 марта 2030, 22:00 (Asia/Vladivostok)" in to_far
    assert "4 марта 2030, 15:00 (Europe/Moscow)" in to_near
