"""Connecting a bot from the admin console's API: the account form's fields from the channel's
declared Structs, «Проверить подключение» (getMe), the webhook URL with the steps left,
setWebhook done by the product (a secret made when none is set), installed channel plugins, and
who may do it (channels.manage over the account's organization)."""

from __future__ import annotations

from typing import Any

import pytest
from standins.telegram import UNAUTHORIZED, TelegramStandin
from telegram_support import WEBHOOK_SECRET, TelegramAdapters, telegram_fixtures

from unionline.channel import load_account
from unionline.testing.channel_contract import ContractEnv

adapters = TelegramAdapters()
unionline_settings, env = telegram_fixtures(adapters)
URL = "/api/channel-accounts/"


async def _call(env: ContractEnv, method: str, path: str, **kwargs: Any) -> Any:
    h = env.harness
    response = await h.client.request(method, path, headers=h.admin_headers, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_account_form_comes_from_the_channels_structs(env: ContractEnv) -> None:
    types = {t["name"]: t for t in await _call(env, "GET", "/api/channels")}
    telegram = types["telegram"]
    assert telegram["plugin"] == "telegram"
    assert (telegram["checks"], telegram["connects"]) == (True, True)
    assert [f["name"] for f in telegram["config_fields"]] == ["mode", "accept_groups"]
    groups = telegram["config_fields"][1]
    assert groups["label"]["ru"] == "Принимать обращения из групп"
    assert "личные сообщения" in groups["help"]["ru"]
    secrets = {f["name"]: f for f in telegram["secret_fields"]}
    token = secrets["bot_token"]
    assert token["label"] == {"ru": "Токен бота", "en": "Bot token"}
    assert "@BotFather" in token["help"]["ru"]
    assert (token["required"], token["secret"]) == (True, True)
    assert secrets["webhook_secret"]["required"] is False
    assert telegram["config_fields"][0]["schema"]["enum"] == ["polling", "webhook"]
    # A channel without check/connect says so.
    assert (types["reference"]["checks"], types["reference"]["connects"]) == (False, False)

    plugins = {p["plugin"]: p for p in await _call(env, "GET", "/api/channel-plugins")}
    assert plugins["telegram"]["enabled"] is True
    assert plugins["telegram"]["channels"] == ["telegram"]
    assert plugins["vk"]["enabled"] is False and plugins["vk"]["channels"] == []


async def test_check_connection_asks_getme(env: ContractEnv, telegram: TelegramStandin) -> None:
    answer = await _call(env, "POST", f"{URL}{env.account.id}/check")
    assert answer["result"] == {
        "ok": True,
        "identity": "@union_test_bot",
        "detail": "Бот @union_test_bot отвечает",
    }
    assert telegram.bot.calls_of("getMe")

    telegram.bot.inject("getMe", UNAUTHORIZED)
    refused = await _call(env, "POST", f"{URL}{env.account.id}/check")
    assert refused["result"]["ok"] is False and refused["result"]["detail"]


async def test_the_product_sets_the_webhook(
    env: ContractEnv, telegram: TelegramStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = env.harness
    # An account without a webhook secret: connecting makes one and tells Telegram.
    await h.client.patch(
        f"{URL}{env.account.id}", headers=h.admin_headers, json={"secrets": {"webhook_secret": ""}}
    )
    setup = await _call(env, "GET", f"{URL}{env.account.id}/setup")
    url = setup["setup"]["webhook_url"]
    assert url.endswith(f"/channels/telegram/{env.account.id}/webhook")
    assert setup["setup"]["connects"] is True and setup["checks"] is True
    assert setup["public_url_set"] is False
    assert "Подключить вебхук" in setup["setup"]["steps"][0]["ru"]

    # Telegram refuses a plain-HTTP URL: the admin is told why.
    refused = await _call(env, "POST", f"{URL}{env.account.id}/connect")
    assert refused["result"]["ok"] is False
    assert "HTTPS" in refused["result"]["detail"]

    monkeypatch.setattr(h.runtime.settings.server, "public_url", "https://union.example/")
    setup = await _call(env, "GET", f"{URL}{env.account.id}/setup")
    url = setup["setup"]["webhook_url"]
    assert url == f"https://union.example/channels/telegram/{env.account.id}/webhook"
    assert setup["public_url_set"] is True
    answer = await _call(env, "POST", f"{URL}{env.account.id}/connect")
    assert answer["result"]["ok"] is True, answer
    assert telegram.bot.webhook["url"] == url
    secret = (await load_account(env.account.id)).secrets.webhook_secret
    assert secret and secret != WEBHOOK_SECRET
    call = telegram.bot.calls_of("setWebhook")[-1]
    assert call.params["secret_token"] == secret


async def test_a_bot_in_polling_mode_needs_no_webhook(env: ContractEnv) -> None:
    h = env.harness
    await h.client.patch(
        f"{URL}{env.account.id}", headers=h.admin_headers, json={"config": {"mode": "polling"}}
    )
    setup = await _call(env, "GET", f"{URL}{env.account.id}/setup")
    assert setup["setup"]["webhook_url"] == "" and setup["setup"]["connects"] is False
    assert "unionline telegram poll" in setup["setup"]["steps"][0]["ru"]


@pytest.mark.parametrize("path", ["check", "connect"])
async def test_only_who_manages_the_organization(env: ContractEnv, path: str) -> None:
    h = env.harness
    org = env.account.organization_id
    for login, role in (("olga", "operator"), ("sveta", "supervisor")):
        _, token = await h.create_operator(login, role, org)
        response = await h.client.post(
            f"{URL}{env.account.id}/{path}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 404, response.text  # existence is not revealed


async def test_a_channel_without_check_says_so(env: ContractEnv) -> None:
    h = env.harness
    created = await h.client.post(
        URL,
        headers=h.admin_headers,
        json={
            "organization_id": str(env.account.organization_id),
            "channel": "reference",
            "name": "Проверочный",
            "secrets": {"signing_secret": "reference-secret-0123456789"},
        },
    )
    assert created.status_code == 201, created.text
    account_id = created.json()["id"]
    response = await h.client.post(f"{URL}{account_id}/check", headers=h.admin_headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["extra"]["problem"] == "no_check"
