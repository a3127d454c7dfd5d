"""Where an automatic message cannot arrive, robots say so: the ready acknowledgement does not
fire on a channel that carries no replies (the site form) nor on an appeal an operator started by
writing first, and a rule's message to such an appeal is a failed step in the rules log — not
``ok`` over a delivery that then fails."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
import pytest
from actions_support import fixtures, sent_texts
from robots_support import executions

from unionline.robots.templates import rule

unionline_settings, env = fixtures()
pytestmark = pytest.mark.unionline_plugins("webform")


async def _post(env: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    h = env.harness
    answer = await h.client.post(path, headers=h.admin_headers, json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def _member(env: Any) -> str:
    org = str(env.account.organization_id)
    body = {"organization_id": org, "full_name": "Соколова Мария", "status": "member"}
    member = await _post(
        env, "/api/members/", {**body, "contacts": [{"kind": "web", "address": "ref-9"}]}
    )
    return str(member["id"])


async def _form_appeal(env: Any, member_id: str) -> str:
    body = {
        "organization_id": str(env.account.organization_id),
        "member_id": member_id,
        "subject": "С сайта",
        "channel": "webform",
    }
    return str((await _post(env, "/api/appeals/", body))["id"])


async def test_the_acknowledgement_skips_what_it_cannot_reach(env: Any) -> None:
    h = env.harness
    ack = msgspec.to_builtins(rule("acknowledgement", env.account.organization_id))
    [not_channel, _] = ack["conditions"]["conditions"]
    assert not_channel["condition"]["values"] == ["manual", "webform"]
    saved = await _post(env, "/api/robots/rules", ack)
    member_id = await _member(env)
    await _form_appeal(env, member_id)
    # Writing first: the operator's message, and no "your appeal is registered" after it.
    started = await _post(
        env,
        "/api/appeals/outbound",
        {"member_id": member_id, "channel_account_id": str(env.account.id), "text": "Добрый день!"},
    )
    await h.settle()
    assert sent_texts(env) == ["[ППО] Добрый день!"]
    assert started["status"] == "open"
    assert all(r["status"] != "done" for r in await executions(saved["id"]))


async def test_a_message_the_channel_cannot_carry_is_a_failed_step(env: Any) -> None:
    h = env.harness
    saved = await _post(
        env,
        "/api/robots/rules",
        {
            "organization_id": str(env.account.organization_id),
            "name": "Ответ на заявку",
            "trigger": {"kind": "event", "event_type": "appeal.created"},
            "actions": [{"action": "member.send_message", "params": {"text": {"ru": "Приняли!"}}}],
        },
    )
    appeal_id = await _form_appeal(env, await _member(env))
    await h.settle()
    [execution] = await executions(saved["id"])
    assert execution["status"] == "failed"
    steps = msgspec.json.decode(execution["steps"])
    assert [s["ok"] for s in steps] == [False]
    assert "не доставляет сообщения" in steps[0]["summary"]
    assert "не доставляет сообщения" in execution["reason"]
    outgoing = await env.db.fetch(
        "SELECT id FROM appeal_timeline WHERE appeal_id = {} AND kind = 'message_out'",
        uuid.UUID(appeal_id),
    )
    assert outgoing == [] and sent_texts(env) == []
