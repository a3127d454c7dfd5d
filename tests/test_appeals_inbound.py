"""A member writes: attach to the open appeal, reopen within the window, else a new linked
appeal; redeliveries stored once; concurrent first messages open one appeal."""

from __future__ import annotations

import asyncio
import uuid

import msgspec
import pytest
from appeals_support import FakeClock, appeal_events, inbound, make_member, make_org

from unionline.appeals import services
from unionline.appeals.clock import use_clock
from unionline.appeals.config import AppealSettings
from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness
from unionline.testing.support import make_settings

WINDOW_DAYS = 3


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Settings:
    data = msgspec.to_builtins(make_settings(unionline_database_url))
    data["appeals"] = {"reopen_window_days": WINDOW_DAYS}
    return msgspec.convert(data, settings_type({"appeals": AppealSettings}))


@pytest.fixture
def clock() -> FakeClock:
    fake = FakeClock()
    with use_clock(fake):
        yield fake


async def _kinds(appeal_id: uuid.UUID) -> list[str]:
    return [e.kind for e in (await services.timeline(None, appeal_id)).items]


async def test_messages_attach_and_wake_waiting(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    h = unionline_app
    org, other_org = await make_org(h, "PPO"), await make_org(h, "OTHER")
    member = await make_member(org)
    bot, widget = uuid.uuid4(), uuid.uuid4()
    first, _ = await inbound(org, member, "Здравствуйте!\nВопрос про отпуск", account=bot)
    assert (first.number, first.subject, first.status) == ("PPO-2026-1", "Здравствуйте!", "new")
    same, _ = await inbound(org, member, "Ещё вопрос", account=bot)
    assert same.id == first.id and same.status == "new"
    await services.set_status(None, first.id, "waiting")
    woken, entry = await inbound(org, member, "Ответ на ваш вопрос", account=bot)
    assert woken.id == first.id and woken.status == "open"
    assert woken.last_member_message_at == entry.created_at
    elsewhere, _ = await inbound(org, member, "Пишу через сайт", channel="web", account=widget)
    assert elsewhere.id != first.id
    other, _ = await inbound(other_org, member, "В другую организацию", account=bot)
    assert other.number == "OTHER-2026-1"
    assert await _kinds(first.id) == [
        "system",
        "message_in",
        "message_in",
        "status_changed",
        "status_changed",
        "message_in",
    ]
    status = [
        e for e in (await services.timeline(None, first.id)).items if e.kind == "status_changed"
    ][-1]
    assert status.data == {"old": "waiting", "new": "open", "reason": "member_reply"}


async def test_reopen_within_window_else_new_linked_appeal(
    unionline_app: AppHarness, clock: FakeClock
) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    bot = uuid.uuid4()
    appeal, _ = await inbound(org, member, "Вопрос", account=bot)
    await services.set_status(None, appeal.id, "resolved")
    clock.advance(days=WINDOW_DAYS - 1)
    again, _ = await inbound(org, member, "Не помогло", account=bot)
    assert again.id == appeal.id and again.status == "open" and again.resolved_at is None

    await services.set_status(None, appeal.id, "resolved")
    clock.advance(days=WINDOW_DAYS, seconds=1)
    fresh, _ = await inbound(org, member, "Новый вопрос", account=bot)
    assert fresh.id != appeal.id and fresh.number == "PPO-2026-2"
    assert (await services.get_appeal(None, appeal.id)).status == "resolved"
    links = (await services.get_appeal(None, fresh.id)).links
    assert [(x.number, x.kind, x.direction) for x in links] == [
        ("PPO-2026-1", "reopened_from", "outgoing")
    ]
    back = (await services.get_appeal(None, appeal.id)).links
    assert [(x.number, x.kind, x.direction) for x in back] == [
        ("PPO-2026-2", "reopened_from", "incoming")
    ]
    created = [e for e in await appeal_events(h, fresh.id) if type(e).__name__ == "AppealCreated"]
    assert created[0].reopened_from_id == appeal.id

    await services.set_status(None, fresh.id, "closed")
    third, _ = await inbound(org, member, "И ещё", account=bot)  # closed: never reopened
    assert third.id not in (appeal.id, fresh.id) and third.number == "PPO-2026-3"
    assert [x.number for x in (await services.get_appeal(None, third.id)).links] == ["PPO-2026-2"]


async def test_redelivery_is_stored_once(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    bot = uuid.uuid4()
    results = await asyncio.gather(
        *(inbound(org, member, "Один раз", account=bot, external_id="update-7") for _ in range(5))
    )
    assert len({entry.id for _, entry in results}) == 1
    assert len({appeal.id for appeal, _ in results}) == 1
    assert (await _kinds(results[0][0].id)).count("message_in") == 1
    # the same external id on another account is another message
    _, other = await inbound(
        org, member, "Другой бот", account=uuid.uuid4(), external_id="update-7"
    )
    assert other.id != results[0][1].id


async def test_concurrent_first_messages_open_one_appeal(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    bot = uuid.uuid4()
    results = await asyncio.gather(
        *(inbound(org, member, f"Сообщение {i}", account=bot) for i in range(8))
    )
    assert len({appeal.id for appeal, _ in results}) == 1
    page = await services.timeline(None, results[0][0].id)
    assert [e.kind for e in page.items].count("message_in") == 8
    assert [e.id for e in page.items] == sorted(e.id for e in page.items)
    listed = await services.list_appeals(None)
    assert [a.number for a in listed.items] == ["PPO-2026-1"]


async def test_messages_follow_merged_appeals(unionline_app: AppHarness, clock: FakeClock) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    bot = uuid.uuid4()
    source, _ = await inbound(org, member, "Первое обращение", account=bot)
    target = await services.create_appeal(
        None, organization_id=org, member_id=member, subject="Главное", channel="phone"
    )
    await services.merge(None, source.id, target.id)
    landed, entry = await inbound(org, member, "Дополнение", account=bot)
    assert landed.id == target.id and entry.appeal_id == target.id


async def test_member_merge_moves_appeals(unionline_app: AppHarness, clock: FakeClock) -> None:
    from unionline.members.merge import merge_members
    from unionline.members.schemas import MergeRequest

    h = unionline_app
    org = await make_org(h, "PPO")
    telegram_person, mail_person = await make_member(org, "Иван"), await make_member(org, "Иван П.")
    by_telegram, _ = await inbound(org, telegram_person, "Из телеграма", channel="telegram")
    by_mail, _ = await inbound(org, mail_person, "Из почты", channel="email")
    await merge_members(None, MergeRequest(source_id=mail_person, target_id=telegram_person))
    moved = await services.get_appeal(None, by_mail.id)
    assert moved.member_id == telegram_person
    history = await services.member_timeline(None, telegram_person)
    bodies = [e.body for e in history.items if e.kind == "message_in"]
    assert bodies == ["Из телеграма", "Из почты"]
    assert {e.appeal_id for e in history.items} == {by_telegram.id, by_mail.id}
    assert (await services.member_timeline(None, mail_person)).items == []
    # an old conversation of the merged member continues on its appeal
    again, _ = await inbound(org, mail_person, "Ещё из почты", channel="email")
    assert again.id == by_mail.id
