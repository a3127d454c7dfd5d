"""A button press reaches whatever sent the button: here the satisfaction survey, which reads
the member's answer "5" whether typed or pressed (the press's ``callback_data``)."""

from __future__ import annotations

import msgspec
import pytest
from standins.telegram import TelegramStandin
from telegram_support import TelegramAdapters, telegram_fixtures, update_call

from unionline.robots import templates
from unionline.testing.channel_contract import ContractEnv

pytestmark = pytest.mark.unionline_plugins("satisfaction")
adapters = TelegramAdapters()
unionline_settings, env = telegram_fixtures(adapters)


async def test_a_pressed_mark_is_the_surveys_rating_and_does_not_reopen(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    h = env.harness
    org = env.account.organization_id
    rule = msgspec.to_builtins(templates.rule("satisfaction_survey", org))
    created = await h.client.post("/api/robots/rules", headers=h.admin_headers, json=rule)
    assert created.status_code == 201, created.text
    inbound = await adapters.inbound(env, 31, sender="3100", text="Как получить матпомощь?")
    appeal_id = inbound["appeal_id"]
    resolved = await h.client.post(
        f"/api/appeals/{appeal_id}/status", headers=h.admin_headers, json={"status": "resolved"}
    )
    assert resolved.status_code == 200, resolved.text
    await h.settle()  # the rule asks the member
    [question] = telegram.bot.sent
    assert "от 1 до 5" in (question.plain_text or "")

    press = telegram.bot.press(question, "5")
    response = await env.post(update_call(env.account, press))
    assert response.json()["method"] == "answerCallbackQuery"
    await h.settle()
    survey = await env.db.fetchone(
        "SELECT member_rating FROM satisfaction_survey WHERE appeal_id = {}", appeal_id
    )
    assert survey is not None and survey["member_rating"] == 5
    row = await env.db.fetchone("SELECT status FROM appeal_appeal WHERE id = {}", appeal_id)
    assert row is not None and row["status"] == "resolved"
