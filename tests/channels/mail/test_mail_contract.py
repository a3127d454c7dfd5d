"""The mail channel passes the ChannelContract: mail posted raw to the HTTP inbound route (as an
MTA's pipe would), replies sent to a real SMTP server on loopback (aiosmtpd), receipts as DSN
("delivered") and MDN ("displayed") reports."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from mail_support import MAILBOX, SmtpSink, dsn, free_port, mailbox_config, mdn, member_mail

from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)

TOKEN = "inbound-token-0123456789abcdef"


def call(account: ContractAccount, raw: bytes, token: str = TOKEN) -> WebhookCall:
    return WebhookCall(
        path=f"/channels/mail/{account.id}/inbound",
        body=raw,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"},
    )


class TestMailChannel(ChannelContract):
    channel = "mail"
    plugins = ("mail",)
    public_key = MAILBOX

    @pytest.fixture(autouse=True)
    def smtp_server(self) -> Iterator[None]:
        self.port = free_port()
        self.sink = SmtpSink()
        controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        controller.start()
        yield
        controller.stop()

    def account_config(self) -> dict[str, Any]:
        return mailbox_config(self.port)

    def account_secrets(self) -> dict[str, Any]:
        return {"inbound_token": TOKEN}

    def _mail(self, update_id: int, sender: str, text: str, name: str = "") -> bytes:
        return member_mail(
            "Вопрос в профком",
            text,
            sender=email.utils.formataddr((name, f"m{sender}@example.test")),
            message_id=f"<u{update_id}@example.test>",
        )

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        return call(account, self._mail(update_id, sender, text, name))

    def undecodable_update(
        self, account: ContractAccount, *, update_id: int, sender: str
    ) -> WebhookCall:
        """A site form's mail: raw windows-1251 in From and Subject, no charset anywhere, and a
        byte no charset explains."""
        head = (
            f"From: Иван Петров <m{sender}@example.test>\r\nTo: {MAILBOX}\r\n"
            "Subject: Вопрос с сайта\r\nDate: Thu, 05 Mar 2026 10:00:00 +0300\r\n"
            f"Message-ID: <u{update_id}@example.test>\r\n\r\n"
        )
        raw = head.encode("cp1251") + "Текст обращения ".encode("cp1251") + b"\x98\r\n"
        return call(account, raw)

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        return call(account, self._mail(update_id, sender, text), token="wrong-token-000000000")

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        return call(account, b"")  # an MTA's probe: no message

    def status_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        external_id: str,
        status: Literal["delivered", "read"],
    ) -> WebhookCall | None:
        if status == "read":
            return call(account, mdn(external_id))
        return call(account, dsn(external_id, "delivered"))

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        return [
            SentRecord(
                recipient=r.rcpt_tos[0],
                text=r.text,
                external_id=str(r.message["Message-ID"]).strip("<>"),
            )
            for r in self.sink.received
        ]

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        self.sink.fail_next(mode, times)
