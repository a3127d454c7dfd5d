"""The VK channel's ChannelContract adapters, and fixtures for its other tests.

The app calls a VK API stand-in (``standins.vk``) through ``[vk] api_url``; Callback API
events go to the app through its ASGI client, as VK's pusher would send them.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from standins.vk import VkStandin

from unionline.channels.vk.routes import callback_path
from unionline.channels.vk.settings import VkSettings
from unionline.settings import Settings
from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)

SECRET = "callback-s3cret"
CODE = "a1b2c3d4"


def event(
    standin: VkStandin,
    event_type: str,
    obj: dict[str, Any],
    *,
    event_id: str | None = None,
    secret: str | None = SECRET,
) -> dict[str, Any]:
    body = {
        "group_id": standin.community.group_id,
        "type": event_type,
        "event_id": event_id or secrets.token_hex(20),
        "v": "5.199",
        "object": obj,
    }
    if secret is not None:
        body["secret"] = secret
    return body


def callback_call(
    account: ContractAccount, body: dict[str, Any], headers: dict[str, str] | None = None
) -> WebhookCall:
    return WebhookCall(
        path=callback_path(str(account.id)),
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class VkAdapters(ChannelContract):
    """How the contract talks to the VK channel and the VK API stand-in."""

    channel = "vk"
    plugins = ("vk",)
    settings_sections: ClassVar[dict[str, Any]] = {"vk": VkSettings}
    extra_settings: ClassVar[dict[str, Any]] = {"channels": {"reauth_retry": 0.05}}
    vk_settings: ClassVar[dict[str, Any]] = {"request_timeout": 5.0}
    mode: ClassVar[str] = "callback"
    standin: VkStandin

    @pytest.fixture
    def unionline_settings(
        self, unionline_settings: Settings, tmp_path: Path, vk: VkStandin
    ) -> Settings:
        return self.configure_for(unionline_settings, tmp_path, vk)

    def configure_for(self, settings: Settings, tmp_path: Path, vk: VkStandin) -> Settings:
        self.standin = vk
        section = {"api_url": vk.base_url, "file_hosts": ["127.0.0.1"], **self.vk_settings}
        self.extra_settings = {**type(self).extra_settings, "vk": section}
        return self.configure(settings, tmp_path)

    def account_config(self) -> dict[str, Any]:
        return {"group_id": self.standin.community.group_id, "mode": self.mode}

    def account_secrets(self) -> dict[str, Any]:
        return {
            "access_token": self.standin.community.token,
            "secret": SECRET,
            "confirmation_code": CODE,
        }

    def new_message(self, *, update_id: int, sender: str, text: str) -> dict[str, Any]:
        message = self.standin.community.message(text, from_id=int(sender))
        return {"message": message, "client_info": {"keyboard": True, "lang_id": 0}}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        obj = self.new_message(update_id=update_id, sender=sender, text=text)
        return callback_call(
            account, event(self.standin, "message_new", obj, event_id=f"e{update_id:039d}")
        )

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        obj = self.new_message(update_id=update_id, sender=sender, text=text)
        return callback_call(
            account,
            event(self.standin, "message_new", obj, event_id=f"e{update_id:039d}", secret="wrong"),
        )

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        obj = {"user_id": 501, "join_type": "join"}
        return callback_call(
            account, event(self.standin, "group_join", obj, event_id=f"e{update_id:039d}")
        )

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        return [
            SentRecord(recipient=str(m.peer_id), text=m.text, external_id=str(m.message_id))
            for m in self.standin.community.sent
        ]

    async def typing_notices(self, env: ContractEnv) -> list[str]:
        return [
            str(c.params.get("peer_id"))
            for c in self.standin.community.calls_of("messages.setActivity")
            if c.params.get("type") == "typing"
        ]

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        # 6: too many requests per second (retried after a second); 100: a refused parameter.
        self.standin.community.inject("messages.send", 6 if mode == "transient" else 100, times)


def vk_fixtures(adapters: VkAdapters) -> tuple[Any, Any]:
    """``unionline_settings`` and ``env`` fixtures for a test module."""

    @pytest.fixture
    def unionline_settings(unionline_settings: Settings, tmp_path: Path, vk: VkStandin) -> Settings:
        return adapters.configure_for(unionline_settings, tmp_path, vk)

    @pytest.fixture
    async def env(unionline_app: Any) -> ContractEnv:
        return await adapters.create_env(unionline_app)

    return unionline_settings, env
