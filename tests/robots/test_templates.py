"""The ready rule templates: each is a valid rule for the engine (its actions registered, their
parameters accepted), and the acknowledgement and the survey run end to end through the
reference channel."""

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
        "satisfaction_survey",
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
    assert items["satisfaction_survey"]["definition"]["actions"][0]["action"] == (
        "satisfaction.survey"
    )


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
