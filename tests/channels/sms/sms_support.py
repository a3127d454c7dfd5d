"""How the tests talk to the SMS channels: the ChannelContract's adapters for SMSC.ru (signed
callbacks posted to the app, the stand-in's record of what it took), and accounts of SMS.ru and
SMPP made the same way for the tests beyond the contract."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pytest
from standins.smpp_smsc import SmscStandin as SmppSmsc
from standins.sms_http import SmscStandin, SmsRuStandin, smsc_sms_form, smsc_status_form

from unionline.channels.sms.routes import callback_path
from unionline.testing import (
    AppHarness,
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)

FAST: dict[str, Any] = {"channels": {"reauth_retry": 0.05}}


def phone(sender: str) -> str:
    """The contract's numeric sender ids as Russian mobile numbers (E.164)."""
    return f"+7999{int(sender):07d}"


def callback(
    channel: str, account: ContractAccount, body: bytes, headers: dict[str, str]
) -> WebhookCall:
    return WebhookCall(path=callback_path(channel, str(account.id)), body=body, headers=headers)


class SmscAdapters(ChannelContract):
    channel = "smsc"
    plugins = ("sms",)
    extra_settings: ClassVar[dict[str, Any]] = FAST
    gateway: SmscStandin

    @pytest.fixture
    async def contract(self, smsc: SmscStandin, unionline_app: AppHarness) -> ContractEnv:
        self.gateway = smsc
        return await self.create_env(unionline_app)

    def account_config(self) -> dict[str, Any]:
        return {"login": self.gateway.login, "sender": "PROFKOM", "base_url": self.gateway.base_url}

    def account_secrets(self) -> dict[str, Any]:
        return {"password": self.gateway.password}

    def sms(
        self,
        account: ContractAccount,
        update_id: int | str,
        sender: str,
        text: str,
        password: str | None = None,
    ) -> WebhookCall:
        body, headers = smsc_sms_form(
            password or self.gateway.password, str(update_id), sender.lstrip("+"), text
        )
        return callback("smsc", account, body, headers)

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        return self.sms(account, update_id, phone(sender), text)

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        return self.sms(account, update_id, phone(sender), text, password="somebody-else")

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        # A status on the way (0: "with the operator") is not final: nothing to store.
        body, headers = smsc_status_form(self.gateway.password, f"x{update_id}", "79990000001", 0)
        return callback("smsc", account, body, headers)

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
        taken = next(t for t in self.gateway.sent if t.ours == external_id)
        body, headers = smsc_status_form(self.gateway.password, external_id, taken.to, 1, cost=1.48)
        return callback("smsc", account, body, headers)

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        return [
            SentRecord(recipient=f"+{t.to}", text=t.text, external_id=t.ours)
            for t in self.gateway.sent
        ]

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        self.gateway.fail_next("http500" if mode == "transient" else 7, times)


class SmsRuAccounts(ChannelContract):
    """Accounts of SMS.ru (it forwards no SMS: replies go to a member's phone)."""

    channel = "smsru"
    plugins = ("sms",)
    extra_settings: ClassVar[dict[str, Any]] = FAST
    gateway: SmsRuStandin

    def account_config(self) -> dict[str, Any]:
        return {"sender": "PROFKOM", "base_url": self.gateway.base_url}

    def account_secrets(self) -> dict[str, Any]:
        return {"api_id": self.gateway.api_id}


class SmppAccounts(ChannelContract):
    channel = "smpp"
    plugins = ("sms",)
    extra_settings: ClassVar[dict[str, Any]] = FAST
    smsc: SmppSmsc
    config: ClassVar[dict[str, Any]] = {}

    def account_config(self) -> dict[str, Any]:
        return {
            "host": "127.0.0.1",
            "port": self.smsc.port,
            "system_id": self.smsc.system_id,
            "sender": "PROFKOM",
            "response_timeout": 2,
            **self.config,
        }

    def account_secrets(self) -> dict[str, Any]:
        return {"password": self.smsc.password}
