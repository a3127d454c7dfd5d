"""The ready rule templates: each is a valid rule for the engine (its actions registered, their
parameters accepted), a plugin's action offers its own while enabled, and the acknowledgement and
the timers run end to end through the reference channel."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from actions_support import fixtures, member_writes, sent_texts

from unionline.robots.templates import TEMPLATES, rule

unionline_settings, env = fixtures()


def body(key: str, organization_id: uuid.UUID, **options: Any) -> dict[str, Any]:
    return msgspec.to_builtins(rule(key, organization_id, **options))


async def save(env: Any, key: str, **options: Any) -> dict[str, Any]:
    h = env.harness
    r = await h.client.post(
        "/api/robots/rules",
        headers=h.admin_headers,
        json=body(key, env.account.organization_id, **options),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_every_template_is_a_rule_the_engine_accepts(env) -> None:
    assert set(TEMPLATES) == {
        "acknowledgement",
        "off_hours",
        "sla_escalation",
        "waiting_reminder",
        "close_resolved",
    }
    for key, template in TEMPLATES.items():
        assert template.title["ru"] and template.title["en"] and template.description["ru"]
        saved = await save(env, key)
        assert saved["name"] == template.title["ru"] and saved["enabled"] is True


async def test_template_options(env) -> None:
    saved = await save(env, "close_resolved", days=10)
    assert saved["trigger"]["offset_minutes"] == 10 * 24 * 60
    with pytest.raises(ValueError, match="no option 'weeks'"):
        rule("close_resolved", env.account.organization_id, weeks=1)
    listed = await env.harness.client.get(
        "/api/robots/templates", headers=env.harness.admin_headers
    )
    assert listed.status_code == 200, listed.text
    items = {t["key"]: t for t in listed.json()}
    assert items["close_resolved"]["options"] == {"days": 7}
    assert "satisfaction_survey" not in items  # its action's plugin is not enabled
    with pytest.raises(KeyError):
        rule("satisfaction_survey", env.account.organization_id)


@pytest.mark.unionline_plugins("satisfaction")
async def test_a_plugin_action_offers_its_templates(env) -> None:
    """The satisfaction plugin's action brings the survey template: listed after the core's,
    saved like them."""
    listed = await env.harness.client.get(
        "/api/robots/templates", headers=env.harness.admin_headers
    )
    keys = [t["key"] for t in listed.json()]
    assert keys[: len(TEMPLATES)] == list(TEMPLATES) and keys[len(TEMPLATES) :] == [
        "satisfaction_survey"
    ]
    survey = listed.json()[-1]
    assert survey["options"] == {"hours": 72}
    assert survey["definition"]["actions"][0]["action"] == "satisfaction.survey"
    saved = await save(env, "satisfaction_survey", hours=24)
    assert saved["actions"][0]["params"]["expires_hours"] == 24


async def test_acknowledgement_answers_a_new_appeal_with_its_number(env) -> None:
    h = env.harness
    await save(env, "acknowledgement")
    row = await member_writes(env, "Добрый день, вопрос по отпуску")
    await member_writes(env, "И ещё уточнение")  # the same appeal: no second acknowledgement
    await h.settle()
    number = (
        await env.db.fetchone("SELECT number FROM appeal_appeal WHERE id = {}", row["appeal_id"])
    )["number"]
    assert sent_texts(env) == [
        f"[ППО] Здравствуйте! Ваше обращение зарегистрировано под номером {number}. "
        "Мы ответим вам в этом же чате."
    ]


async def test_acknowledgement_skips_appeals_operators_log_by_hand(env) -> None:
    from appeals_support import make_member

    h = env.harness
    await save(env, "acknowledgement")
    member = await make_member(env.account.organization_id)
    r = await h.client.post(
        "/api/appeals/",
        headers=h.admin_headers,
        json={
            "organization_id": str(env.account.organization_id),
            "member_id": str(member),
            "subject": "Звонок",
        },
    )
    assert r.status_code == 201, r.text
    await h.settle()
    assert sent_texts(env) == []


async def test_timer_templates_remind_close_and_escalate(env) -> None:
    from appeals_support import FakeClock

    from unionline.appeals import clock
    from unionline.appeals.actions import set_status
    from unionline.robots import jobs

    h = env.harness
    fake = FakeClock()
    with clock.use_clock(fake):
        for key in ("waiting_reminder", "close_resolved", "sla_escalation"):
            await save(env, key)
        boss, _ = await h.create_operator("boss", "supervisor", env.account.organization_id)
        waiting = (await member_writes(env, "Нужна справка о стаже", sender="1"))["appeal_id"]
        resolved = (await member_writes(env, "Спасибо, вопрос снят", sender="2"))["appeal_id"]
        late = (await member_writes(env, "Когда будет ответ?", sender="3"))["appeal_id"]
        await set_status(None, uuid.UUID(str(waiting)), "waiting")
        await set_status(None, uuid.UUID(str(resolved)), "resolved")
        fake.advance(days=2)
        await jobs.sweep()
        await h.settle()
        assert sent_texts(env) == []  # nothing is due yet
        fake.advance(days=6)  # past 3 days waiting, 7 days resolved, 40 business hours
        await jobs.sweep()
        await h.settle()

    async def appeal(ident: Any) -> dict[str, Any]:
        return await env.db.fetchone("SELECT * FROM appeal_appeal WHERE id = {}", ident)

    [reminder] = sent_texts(env)
    assert "Напоминаем: по обращению" in reminder and (await appeal(waiting))["number"] in reminder
    assert (await appeal(resolved))["status"] == "closed"
    overdue = await appeal(late)
    assert overdue["priority"] == "urgent" and "просрочено" in str(overdue["tags"])
    notices = [
        h.runtime.events.decode(e)
        for e in await h.runtime.events.read_after(0, limit=10_000)
        if e.type == "robots.operators_notified"
    ]
    assert any(n.appeal_id == uuid.UUID(str(late)) and boss in n.operator_ids for n in notices)


async def test_off_hours_reply_only_outside_working_hours(env) -> None:
    from datetime import UTC, datetime

    from appeals_support import FakeClock

    from unionline.appeals import clock

    h = env.harness
    await save(env, "off_hours")
    with clock.use_clock(FakeClock(datetime(2026, 3, 4, 8, 0, tzinfo=UTC))):  # Wed 11:00 MSK
        await member_writes(env, "Вопрос в рабочее время", sender="1")
        await h.settle()
    assert sent_texts(env) == []
    with clock.use_clock(FakeClock(datetime(2026, 3, 7, 8, 0, tzinfo=UTC))):  # Saturday
        await member_writes(env, "Вопрос в субботу", sender="2")
        await h.settle()
    [reply] = sent_texts(env)
    assert reply.startswith("[ППО] Сейчас нерабочее время. Ваше обращение PPO-")
