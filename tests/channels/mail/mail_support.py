"""Helpers of the mail channel tests: a real SMTP server on loopback (aiosmtpd) that records
what it receives and can refuse it like a provider would, and a mailbox account made through
the admin API."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

ORG_CODE = "PPO"
MAILBOX = "profkom@union.example"


@dataclass
class Received:
    mail_from: str  # "<>" for the null sender
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None
        return str(body.get_content()).replace("\r\n", "\n").rstrip("\n")


class SmtpSink:
    """An SMTP server that stores every message it accepts; ``fail_next`` makes it answer the
    next messages with 451 (transient) or 550 (permanent) at DATA, as a provider does."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.sessions = 0  # SMTP connections opened (connection reuse shows here)
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def fail_next(self, mode: str, times: int = 1) -> None:
        code = "451 4.3.0 Try again later" if mode == "transient" else "550 5.7.1 Refused"
        with self.lock:
            self.failures.extend([code] * times)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:  # noqa: E501
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.failures:
                return self.failures.pop(0)
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    content=bytes(envelope.original_content or envelope.content),
                )
            )
        return "250 2.0.0 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningSink:
    sink: SmtpSink
    port: int

    @property
    def received(self) -> list[Received]:
        return self.sink.received


def start_sink() -> tuple[RunningSink, Controller]:
    sink = SmtpSink()
    port = free_port()  # Controller(port=0) does not work in aiosmtpd 1.4
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return RunningSink(sink, port), controller


def smtp_sink() -> Iterator[RunningSink]:
    running, controller = start_sink()
    try:
        yield running
    finally:
        controller.stop()


def mailbox_config(port: int, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "address": MAILBOX,
        "display_name": "Профком",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
    }
    config.update(overrides)
    return config


async def create_mailbox(
    h: Any, config: dict[str, Any], secrets: dict[str, Any] | None = None, code: str = ORG_CODE
) -> tuple[uuid.UUID, uuid.UUID]:
    """An organization and a mail account through the admin API: (account id, org id)."""
    org = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Профсоюзная организация", "code": code, "kind": "federation"},
    )
    assert org.status_code == 201, org.text
    created = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": org.json()["id"],
            "channel": "mail",
            "name": "Почта профкома",
            "public_key": config["address"],
            "config": config,
            "secrets": secrets or {},
        },
    )
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"]), uuid.UUID(org.json()["id"])


def member_mail(
    subject: str = "Вопрос об отпуске",
    text: str = "Здравствуйте! Можно ли перенести отпуск?",
    *,
    sender: str = "Анна Петрова <anna@example.test>",
    to: str = MAILBOX,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Thu, 05 Mar 2026 10:00:00 +0300"
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@example.test>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message.as_bytes()


async def timeline(h: Any, appeal_id: uuid.UUID) -> list[dict[str, Any]]:
    return await h.runtime.db.fetch(
        "SELECT id, kind, body, data, delivery_status FROM appeal_timeline WHERE appeal_id = {}"
        " ORDER BY id",
        appeal_id,
    )


async def run_jobs(h: Any, rounds: int = 30) -> None:
    import asyncio

    for _ in range(rounds):
        await h.settle()
        await asyncio.sleep(0.02)
