"""A robot holds a video call when an appeal arrives (once, however often the step runs), and
a third party's platform plugs into the provider registry and is used by name."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest
from appeals_support import inbound, make_member
from meetings_support import JITSI, Staff, jitsi_admits, with_meetings

from unionline.settings import Settings
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("meetings")


PUBLIC = "https://union.example"


@pytest.fixture
def unionline_settings(unionline_settings: Settings) -> Settings:
    server = {**msgspec.to_builtins(unionline_settings)["server"], "public_url": PUBLIC}
    return with_meetings(unionline_settings, JITSI, server=server)


async def messages(s: Staff, appeal_id: object) -> list[str]:
    page = await s.call("admin", "get", f"/api/appeals/{appeal_id}/timeline")
    return [e["body"] for e in page["items"] if e["kind"] == "message_out"]


async def test_a_robot_holds_a_video_call_once(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    await s.call(
        "admin",
        "post",
        "/api/robots/rules",
        201,
        organization_id=str(s.a),
        name="Видеозвонок по каждому обращению",
        trigger={"kind": "event", "event_type": "appeal.assigned"},
        actions=[{"action": "meetings.create", "params": {"in_minutes": 30}}],
    )
    member = await make_member(s.a1, "Анна Смирнова")
    appeal, _ = await inbound(s.a1, member, "Хочу обсудить коллективный договор")
    await s.call(
        "admin", "post", f"/api/appeals/{appeal.id}/assign", 200, operator_id=str(s.ids["ivan"])
    )
    await unionline_app.settle()
    [meeting] = await s.call("ivan", "get", "/api/meetings/", appeal_id=str(appeal.id))
    assert meeting["organizer_id"] == str(s.ids["ivan"]) and not meeting["instant"]
    assert meeting["title"].startswith("Видеовстреча по обращению")
    [sent] = await messages(s, appeal.id)
    assert "Ссылка для входа: https://meet.union.test/" in sent
    # The step again (a retried job): nothing new.
    from unionline.plugins.meetings.robot import CreateMeeting, CreateParams
    from unionline.robots.sdk import RobotContext

    log = await s.call("admin", "get", "/api/robots/log")
    [run] = log["items"]
    ctx = RobotContext(
        rule_id=run["rule_id"],
        organization_id=s.a,
        execution_id=run["id"],
        step=0,
        appeal_id=appeal.id,
        member_id=member,
    )
    again = await CreateMeeting().run(ctx, CreateParams(in_minutes=30))
    assert again.data["meeting_id"] == meeting["id"]
    assert len(await messages(s, appeal.id)) == 1


class Whereby:
    """A third party's platform: a room address per meeting, host links with a key."""

    name = "whereby"
    title_ru = "Whereby"
    title_en = "Whereby"

    async def create(self, meeting):  # type: ignore[no-untyped-def]
        from unionline.plugins.meetings.providers import Room

        return Room(room=f"https://whereby.test/{meeting.id.hex[:8]}", data={"host": "k"})

    async def join_url(self, room, meeting, joiner):  # type: ignore[no-untyped-def]
        return room.room + ("?roomKey=" + room.data["host"] if joiner.moderator else "")

    async def info(self, room):  # type: ignore[no-untyped-def]
        return None

    async def end(self, room):  # type: ignore[no-untyped-def]
        return None


async def test_a_third_party_platform_is_used_by_name(unionline_app: AppHarness) -> None:
    from unionline.plugins.meetings import providers

    providers.register_provider(Whereby())
    try:
        s = await Staff(unionline_app).setup()
        listed = await s.call("olga", "get", "/api/meetings/providers")
        assert {p["name"]: p["default"] for p in listed} == {
            "jitsi": True,
            "bbb": False,
            "link": False,
            "whereby": False,
        }
        member = await make_member(s.a1, "Анна Смирнова")
        appeal, _ = await inbound(s.a1, member, "Вопрос")
        made = await s.call(
            "olga",
            "post",
            "/api/meetings/",
            201,
            organization_id=str(s.a1),
            title="Встреча",
            starts_at=(appeal.created_at + timedelta(days=1)).isoformat(),
            member_ids=[str(member)],
            provider="whereby",
        )
        assert made["provider"] == "whereby" and made["join_url"].endswith("?roomKey=k")
        [sent] = await messages(s, appeal.id)
        assert "https://whereby.test/" in sent and "roomKey" not in sent
    finally:
        providers._EXTRA.pop("whereby")
    assert jitsi_admits  # the default platform stays Jitsi (used by the other tests)


async def test_a_platform_without_its_settings_is_a_503_that_writes_nothing(
    unionline_app: AppHarness,
) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a1, "Анна Смирнова")
    appeal, _ = await inbound(s.a1, member, "Вопрос")
    call = await s.call("olga", "post", "/api/meetings/instant", 201, appeal_id=str(appeal.id))
    # An administrator empties the Jitsi app id in «Настройки → Видеовстречи».
    await s.call("admin", "put", "/api/settings/forms/meetings", values={"jitsi_app_id": ""})
    r = await unionline_app.client.post(
        "/api/meetings/instant", json={"appeal_id": str(appeal.id)}, headers=s.auth("olga")
    )
    assert r.status_code == 503 and r.json()["error"]["field"] == "provider", r.text
    # The earlier call is still shown, without a link that can no longer be made.
    [shown] = await s.call("olga", "get", "/api/meetings/", appeal_id=str(appeal.id))
    assert shown["id"] == call["id"] and shown["join_url"] is None
    assert len(await messages(s, appeal.id)) == 1
    # The bbb platform unset: refused the same way, by name.
    r = await unionline_app.client.post(
        "/api/meetings/",
        json={
            "organization_id": str(s.a1),
            "title": "Встреча",
            "starts_at": "2030-01-01T10:00:00+03:00",
            "provider": "bbb",
        },
        headers=s.auth("olga"),
    )
    assert r.status_code == 503 and r.json()["error"]["extra"]["provider"] == "bbb", r.text


async def test_a_members_meetings_in_their_export_and_erasure(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a1, "Анна Смирнова")
    appeal, _ = await inbound(s.a1, member, "Вопрос")
    call = await s.call("olga", "post", "/api/meetings/instant", 201, appeal_id=str(appeal.id))
    exported = await s.call("admin", "get", f"/api/privacy/members/{member}/export")
    [item] = exported["extra"]["meetings"]
    assert item["id"] == call["id"] and item["role"] == "guest"
    await s.call("admin", "post", f"/api/privacy/members/{member}/erase", 200)
    view = await s.call("olga", "get", f"/api/meetings/{call['id']}")
    guest = next(p for p in view["participants"] if p["role"] == "guest")
    assert guest["name"] == "[удалено]"


async def test_a_short_link_redirects_to_the_members_own_link(
    unionline_app: AppHarness,
) -> None:
    s = await Staff(unionline_app).setup()
    await s.call("admin", "put", "/api/settings/forms/meetings", values={"short_links": True})
    member = await make_member(s.a1, "Анна Смирнова")
    appeal, _ = await inbound(s.a1, member, "Вопрос")
    call = await s.call("olga", "post", "/api/meetings/instant", 201, appeal_id=str(appeal.id))
    [sent] = await messages(s, appeal.id)
    short = sent.split("Войти: ")[1]
    assert short.startswith(f"{PUBLIC}/meet/") and len(short) < len(PUBLIC) + 30
    opened = await unionline_app.client.get(short.removeprefix(PUBLIC))
    assert opened.status_code == 303
    guest = jitsi_admits(opened.headers["location"], JITSI["jitsi_app_secret"])
    assert guest["context"]["user"]["moderator"] == "false"
    assert (await unionline_app.client.get("/meet/not-a-real-key-0000")).status_code == 404
    await s.call("olga", "post", f"/api/meetings/{call['id']}/cancel", 201)
    gone = await unionline_app.client.get(short.removeprefix(PUBLIC))
    assert gone.status_code == 410 and "отменена" in gone.text


async def test_an_sms_member_gets_the_short_link_even_when_they_are_off(
    unionline_app: AppHarness,
) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a1, "Анна Смирнова")
    appeal, _ = await inbound(s.a1, member, "Перезвоните", channel="sms")
    await s.call("olga", "post", "/api/meetings/instant", 201, appeal_id=str(appeal.id))
    [sent] = await messages(s, appeal.id)
    assert f"Войти: {PUBLIC}/meet/" in sent and "jwt=" not in sent
