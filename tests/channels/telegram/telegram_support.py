"""The Telegram channel's ChannelContract adapters, and fixtures for its other tests.

The app talks to a Bot API stand-in (``standins.telegram``) through ``[telegram] api_url``;
webhook calls go to the app through its ASGI client, as Telegram's pusher would send them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from standins.telegram import BAD_GATEWAY, SECRET_HEADER, Fault, TelegramStandin

from unionline.channels.telegram.routes import webhook_path
from unionline.channels.telegram.settings import TelegramSettings
from unionline.settings import Settings
from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)

WEBHOOK_SECRET = "webhook-secret_0123456789-abcdef"
CHAT_NOT_FOUND = Fault(400, "Bad Request: chat not found")


def update_call(
    account: ContractAccount, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET
) -> WebhookCall:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    return WebhookCall(
        path=webhook_path(str(account.id)),
        headers=headers,
        body=json.dumps(update, ensure_ascii=False).encode(),
    )


def text_update(update_id: int, sender: str, text: str, name: str = "") -> dict[str, Any]:
    first, _, last = (name or "Участник").partition(" ")
    user = {"id": int(sender), "is_bot": False, "first_name": first, "language_code": "ru"}
    if last:
        user["last_name"] = last
    chat = {"id": int(sender), "first_name": first, "type": "private"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100_000,
            "from": user,
            "chat": chat,
            "date": 1718000000,
            "text": text,
        },
    }


class TelegramAdapters(ChannelContract):
    """How the contract talks to the Telegram channel and the Bot API stand-in."""

    channel = "telegram"
    plugins = ("telegram",)
    settings_sections: ClassVar[dict[str, Any]] = {"telegram": TelegramSettings}
    extra_settings: ClassVar[dict[str, Any]] = {"channels": {"reauth_retry": 0.05}}
    telegram_settings: ClassVar[dict[str, Any]] = {"request_timeout": 5.0}
    config: ClassVar[dict[str, Any]] = {}
    standin: TelegramStandin

    @pytest.fixture
    def unionline_settings(
        self, unionline_settings: Settings, tmp_path: Path, telegram: TelegramStandin
    ) -> Settings:
        return self.configure_for(unionline_settings, tmp_path, telegram)

    def configure_for(
        self, settings: Settings, tmp_path: Path, telegram: TelegramStandin
    ) -> Settings:
        self.standin = telegram
        self.extra_settings = {
            **type(self).extra_settings,
            "telegram": {"api_url": telegram.base_url, **self.telegram_settings},
        }
        return self.configure(settings, tmp_path)

    def account_config(self) -> dict[str, Any]:
        return dict(self.config)

    def account_secrets(self) -> dict[str, Any]:
        return {"bot_token": self.standin.bot.token, "webhook_secret": WEBHOOK_SECRET}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        return update_call(account, text_update(update_id, sender, text, name))

    def forward_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        text: str,
        origin_name: str,
        origin_id: str,
    ) -> WebhookCall:
        update = text_update(update_id, sender, text)
        first, _, last = origin_name.partition(" ")
        author = {"id": int(origin_id), "is_bot": False, "first_name": first, "last_name": last}
        update["message"]["forward_origin"] = {
            "type": "user",
            "sender_user": author,
            "date": 1717990000,
        }
        return update_call(account, update)

    def location_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        latitude: float,
        longitude: float,
    ) -> WebhookCall:
        update = text_update(update_id, sender, "")
        del update["message"]["text"]
        update["message"]["location"] = {"latitude": latitude, "longitude": longitude}
        return update_call(account, update)

    def edit_update(
        self, account: ContractAccount, *, update_id: int, sender: str, original: int, text: str
    ) -> WebhookCall:
        message = text_update(original, sender, text)["message"]  # the same message, edited
        message["edit_date"] = message["date"] + 60
        return update_call(account, {"update_id": update_id, "edited_message": message})

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        return update_call(account, text_update(update_id, sender, text), secret="wrong-secret")

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        channel = {"id": -1009876543210, "title": "Новости профсоюза", "type": "channel"}
        post = {"message_id": 5, "sender_chat": channel, "chat": channel, "date": 1718000000,
                "text": "Пост канала — не обращение"}  # fmt: skip
        return update_call(account, {"update_id": update_id, "channel_post": post})

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        return [
            SentRecord(
                recipient=str(m.chat_id),
                text=m.plain_text or m.caption or "",
                external_id=f"{m.chat_id}:{m.message_id}",
            )
            for m in self.standin.bot.sent
        ]

    async def typing_notices(self, env: ContractEnv) -> list[str]:
        return [
            str(c.params.get("chat_id"))
            for c in self.standin.bot.calls_of("sendChatAction")
            if c.params.get("action") == "typing"
        ]

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        fault = BAD_GATEWAY if mode == "transient" else CHAT_NOT_FOUND
        self.standin.bot.inject("sendMessage", fault, times)


def telegram_fixtures(adapters: TelegramAdapters) -> tuple[Any, Any]:
    """``unionline_settings`` and ``env`` fixtures for a test module."""

    @pytest.fixture
    def unionline_settings(
        unionline_settings: Settings, tmp_path: Path, telegram: TelegramStandin
    ) -> Settings:
        return adapters.configure_for(unionline_settings, tmp_path, telegram)

    @pytest.fixture
    async def env(unionline_app: Any) -> ContractEnv:
        return await adapters.create_env(unionline_app)

    return unionline_settings, env
