"""The reference channel's ChannelContract adapters, shared by the channel SDK's tests."""

from __future__ import annotations

import base64
from typing import Any, ClassVar, Literal

import pytest

from unionline.channel import reference
from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)

SECRET = "reference-signing-secret-0123"
PREFIX = "[ППО] "


def inbound_path(account: ContractAccount) -> str:
    return f"/channels/reference/{account.id}/inbound"


def message(
    update_id: int | str, sender: str, text: str, name: str = "", **extra: Any
) -> dict[str, Any]:
    return {
        "update_id": str(update_id),
        "type": "message",
        "from": {"id": sender, "name": name},
        "text": text,
        **extra,
    }


def signed_call(
    account: ContractAccount, payload: dict[str, Any], secret: str = SECRET
) -> WebhookCall:
    body, headers = reference.signed(secret, payload)
    return WebhookCall(path=inbound_path(account), body=body, headers=headers)


class ReferenceAdapters(ChannelContract):
    """How the contract talks to the reference channel and its in-memory provider."""

    channel = "reference"
    # Quick re-authorisation retries, so tests see a re-enabled account deliver.
    extra_settings: ClassVar[dict[str, Any]] = {"channels": {"reauth_retry": 0.05}}

    def account_config(self) -> dict[str, Any]:
        return {"prefix": PREFIX}

    def account_secrets(self) -> dict[str, Any]:
        return {"signing_secret": SECRET}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        return signed_call(account, message(update_id, sender, text, name))

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        return signed_call(account, message(update_id, sender, text), "not-the-secret-at-all")

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        return signed_call(account, {"update_id": str(update_id), "type": "poll"})

    def status_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        external_id: str,
        status: Literal["delivered", "read"],
    ) -> WebhookCall | None:
        return signed_call(
            account,
            {
                "update_id": str(update_id),
                "type": "receipt",
                "message_id": external_id,
                "status": status,
            },
        )

    def forward_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        text: str,
        origin_name: str,
        origin_id: str,
    ) -> WebhookCall | None:
        origin = {"kind": "user", "name": origin_name, "id": origin_id}
        return signed_call(account, message(update_id, sender, text, forward_from=origin))

    def location_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        latitude: float,
        longitude: float,
    ) -> WebhookCall | None:
        point = {"lat": latitude, "lon": longitude}
        return signed_call(account, message(update_id, sender, "", location=point))

    def edit_update(
        self, account: ContractAccount, *, update_id: int, sender: str, original: int, text: str
    ) -> WebhookCall | None:
        return signed_call(account, message(update_id, sender, text, edit_of=str(original)))

    def undecodable_update(
        self, account: ContractAccount, *, update_id: int, sender: str
    ) -> WebhookCall | None:
        name = base64.b64encode("Анна".encode() + b"\xff\xfe").decode()
        payload = message(update_id, sender, "Вопрос о взносах")
        payload["from"] = {"id": sender, "name_bytes": name, "charset": "utf-8"}
        return signed_call(account, payload)

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        return [
            SentRecord(recipient=s.recipient, text=s.text, external_id=s.external_id)
            for s in reference.provider(env.account.id).sent
        ]

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        reference.provider(env.account.id).fail_next(mode, times)

    def expected_text(self, text: str) -> str:
        return PREFIX + text


REF = ReferenceAdapters()


def reference_fixtures(**extra_channels: Any) -> tuple[Any, Any]:
    """``unionline_settings`` and ``env`` fixtures for a test module (``extra_channels`` go to
    the ``[channels]`` section)."""

    class Adapters(ReferenceAdapters):
        extra_settings: ClassVar[dict[str, Any]] = {
            "channels": {"reauth_retry": 0.05, **extra_channels}
        }

    adapters = Adapters()

    @pytest.fixture
    def unionline_settings(unionline_settings: Any, tmp_path: Any) -> Any:
        return adapters.configure(unionline_settings, tmp_path)

    @pytest.fixture
    async def env(unionline_app: Any) -> ContractEnv:
        return await adapters.create_env(unionline_app)

    return unionline_settings, env
