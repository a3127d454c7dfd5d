"""How the ChannelContract (and this package's other tests) talk to the SMS channel: signed
gateway webhooks posted to the app, and the gateway stand-in for what was sent."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pytest
from smsgw_standin import INVALID_NUMBER, UNAVAILABLE, GatewayStandin, message_event, signed
from smsgw_standin import status_event as status_payload

from unionline.testing import (
    AppHarness,
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)
from unionline_smsgw.routes import inbound_path

WEBHOOK_SECRET = "whsec_0123456789abcdef"


def phone(sender: str) -> str:
    """The contract's numeric sender ids as Russian mobile numbers (E.164)."""
    return f"+7999{int(sender):07d}"


def webhook(
    account: ContractAccount, payload: dict[str, Any], secret: str = WEBHOOK_SECRET
) -> WebhookCall:
    body, headers = signed(secret, payload)
    return WebhookCall(path=inbound_path(str(account.id)), body=body, headers=headers)


class SmsAdapters(ChannelContract):
    channel = "smsgw"
    plugins = ("smsgw",)  # installed is not enabled: the test app enables it by name
    # A re-activated account's waiting messages go out at once in tests (60 s by default).
    extra_settings: ClassVar[dict[str, Any]] = {"channels": {"reauth_retry": 0.05}}
    gateway: GatewayStandin

    @pytest.fixture
    async def contract(self, gateway: GatewayStandin, unionline_app: AppHarness) -> ContractEnv:
        self.gateway = gateway  # the account's base_url points at it
        return await self.create_env(unionline_app)

    def account_config(self) -> dict[str, Any]:
        return {"base_url": self.gateway.base_url, "sender": "PROFSOYUZ", "timeout": 5}

    def account_secrets(self) -> dict[str, Any]:
        return {"api_key": self.gateway.api_key, "webhook_secret": WEBHOOK_SECRET}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        return webhook(account, message_event(f"in_{update_id}", phone(sender), text))

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        payload = message_event(f"in_{update_id}", phone(sender), text)
        return webhook(account, payload, secret="whsec_somebody_else_000")

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        return webhook(account, {"event": "number.ported", "id": f"ev_{update_id}",
                                 "number": "+79990000001"})  # fmt: skip

    def status_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        external_id: str,
        status: Literal["delivered", "read"],
    ) -> WebhookCall | None:
        if status == "read":
            return None  # SMS has delivery receipts, no read receipts
        return webhook(account, status_payload(f"st_{update_id}", external_id, status))

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        return [
            SentRecord(recipient=s.to, text=s.text, external_id=s.id) for s in self.gateway.sent
        ]

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        self.gateway.fail_next(UNAVAILABLE if mode == "transient" else INVALID_NUMBER, times)
