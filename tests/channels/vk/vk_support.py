"""The VK channel's ChannelContract adapters, and fixtures for its other tests.

The app calls a VK API stand-in (``standins.vk``) through ``[vk] api_url``; Callback API
events go to the app through its ASGI client, as VK's pusher would send them.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec
import pytest
from standins.vk import VkStandin
from standins.vk_content import forwarded, geo

from unionline.channels.vk.client import pacer_for
from unionline.channels.vk.routes import callback_path
from unionline.channels.vk.settings import VkSettings
from unionline.channels.vk.types import Event
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
FILE_KEYS = ("url", "link_ogg", "link_mp3")  # where VK puts a file's address in an event


async def timeline_data(env: ContractEnv) -> list[dict[str, Any]]:
    """The account's ``message_in`` entries as the console gets them: body and data."""
    from unionline.appeals.services import timeline

    found = []
    for row in await env.messages_in():
        page = await timeline(None, row["appeal_id"])
        entry = next(e for e in page.items if e.id == row["id"])
        found.append({"body": entry.body, **entry.data})
    return found


def host_files(standin: VkStandin, body: Any, hosted: dict[str, bytes]) -> Any:
    """``body`` with every file address (photos, documents, voice, stickers) served by the
    stand-in instead, its content recorded in ``hosted`` under the new address."""
    if isinstance(body, list):
        return [host_files(standin, item, hosted) for item in body]
    if not isinstance(body, dict):
        return body
    found = {}
    for key, value in body.items():
        if key in ("link", "video"):  # addresses of pages, not files: kept as they are
            found[key] = value
            continue
        if key in FILE_KEYS and isinstance(value, str) and value.startswith("https://"):
            content = f"file of {value}".encode()
            ext = value.rsplit(".", 1)[-1][:4] if "." in value.rsplit("/", 1)[-1] else "bin"
            value = f"{standin.base_url}/files/{standin.host_file(content, ext)}"
            hosted[value] = content
        found[key] = host_files(standin, value, hosted)
    return found


def as_event(body: dict[str, Any]) -> Event:
    """``body`` as the channel reads it: from JSON (an event's ``object`` stays JSON)."""
    return msgspec.json.decode(msgspec.json.encode(body), type=Event)


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

    async def inbound(
        self,
        env: ContractEnv,
        update_id: int,
        sender: str = "100001",
        text: str = "Здравствуйте! Вопрос об отпуске.",
    ) -> dict[str, Any]:
        """The contract's inbound message, then the client's pace left to pass: taking the
        message called VK (the member's name), and a typing notice right after would be skipped
        by design (it only goes in a free slot of the pace) — a race, not what a case tests."""
        row = await super().inbound(env, update_id, sender, text)
        pacer = pacer_for(self.standin.community.token, 20)
        while (wait := pacer.free_in()) > 0:
            await asyncio.sleep(wait)
        return row

    def account_secrets(self) -> dict[str, Any]:
        return {
            "access_token": self.standin.community.token,
            "secret": SECRET,
            "confirmation_code": CODE,
        }

    def new_message(
        self, *, update_id: int, sender: str, text: str, **extra: Any
    ) -> dict[str, Any]:
        """The object of a ``message_new``; the update id is the message's ids, so an edit
        can name it."""
        message = self.standin.community.message(
            text,
            from_id=int(sender),
            message_id=update_id,
            conversation_message_id=update_id,
            **extra,
        )
        return {"message": message, "client_info": {"keyboard": True, "lang_id": 0}}

    def _new(self, account: ContractAccount, update_id: int, obj: dict[str, Any]) -> WebhookCall:
        body = event(self.standin, "message_new", obj, event_id=f"e{update_id:039d}")
        return callback_call(account, body)

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
        first, _, last = origin_name.partition(" ")
        self.standin.add_person(int(origin_id), first, last)
        quoted = forwarded(text, from_id=int(origin_id), peer_id=int(origin_id))
        obj = self.new_message(update_id=update_id, sender=sender, text="", fwd_messages=[quoted])
        return self._new(account, update_id, obj)

    def location_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        latitude: float,
        longitude: float,
    ) -> WebhookCall:
        point = geo(latitude, longitude)
        obj = self.new_message(update_id=update_id, sender=sender, text="", geo=point)
        return self._new(account, update_id, obj)

    def edit_update(
        self, account: ContractAccount, *, update_id: int, sender: str, original: int, text: str
    ) -> WebhookCall:
        message = self.new_message(update_id=original, sender=sender, text=text)["message"]
        message["update_time"] = message["date"] + 1
        body = event(self.standin, "message_edit", message, event_id=f"e{update_id:039d}")
        return callback_call(account, body)

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        if name:  # VK's event carries only the id: users.get gives the name
            first, _, last = name.partition(" ")
            self.standin.add_person(int(sender), first, last)
        obj = self.new_message(update_id=update_id, sender=sender, text=text)
        return self._new(account, update_id, obj)

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
