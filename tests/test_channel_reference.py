"""The reference channel passes the ChannelContract (on SQLite, and on PostgreSQL in CI)."""

from __future__ import annotations

from typing import Any, Literal

from unionline.channel import reference
from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)

SECRET = "reference-signing-secret-0123"


def _path(account: ContractAccount) -> str:
    return f"/channels/reference/{account.id}/inbound"


def _message(update_id: int, sender: str, text: str, name: str = "") -> dict[str, Any]:
    return {
        "update_id": str(update_id),
        "type": "message",
        "from": {"id": sender, "name": name},
        "text": text,
    }


class TestReferenceChannel(ChannelContract):
    channel = "reference"

    def account_config(self) -> dict[str, Any]:
        return {"prefix": "[ППО] "}

    def account_secrets(self) -> dict[str, Any]:
        return {"signing_secret": SECRET}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        body, headers = reference.signed(SECRET, _message(update_id, sender, text, name))
        return WebhookCall(path=_path(account), body=body, headers=headers)

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        body, headers = reference.signed("not-the-secret-at-all", _message(update_id, sender, text))
        return WebhookCall(path=_path(account), body=body, headers=headers)

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        body, headers = reference.signed(SECRET, {"update_id": str(update_id), "type": "poll"})
        return WebhookCall(path=_path(account), body=body, headers=headers)

    def status_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        external_id: str,
        status: Literal["delivered", "read"],
    ) -> WebhookCall | None:
        body, headers = reference.signed(
            SECRET,
            {
                "update_id": str(update_id),
                "type": "receipt",
                "message_id": external_id,
                "status": status,
            },
        )
        return WebhookCall(path=_path(account), body=body, headers=headers)

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
        return "[ППО] " + text
