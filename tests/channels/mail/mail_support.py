"""Helpers of the mail channel tests: a real SMTP server on loopback (aiosmtpd) that records
what it receives and can refuse it like a provider would, and a mailbox account made through
the admin API."""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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
    ) -> list[str]:
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


def dsn(
    original_message_id: str,
    action: str = "failed",
    *,
    recipient: str = "anna@example.test",
    to: str = MAILBOX,
    status: str = "5.1.1",
    diagnostic: str = "smtp; 550 5.1.1 <anna@example.test>: Recipient address rejected",
) -> bytes:
    """An RFC 3464 delivery status notification, as Postfix writes one."""
    boundary = "dsn-boundary-42"
    return (
        "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Message-ID: <dsn-{uuid.uuid4().hex}@mx.example.test>\r\n"
        "Date: Thu, 05 Mar 2026 11:00:00 +0300\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"\r\n'
        "\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the mail system at host mx.example.test.\r\n\r\n"
        f"--{boundary}\r\n"
        "Content-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.test\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\n"
        f"Original-Recipient: rfc822; {recipient}\r\n"
        f"Action: {action}\r\n"
        f"Status: {status if action == 'failed' else '2.0.0'}\r\n"
        f"Diagnostic-Code: {diagnostic if action == 'failed' else 'smtp; 250 2.0.0 Ok'}\r\n\r\n"
        f"--{boundary}\r\n"
        "Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: profkom@union.example\r\nTo: {recipient}\r\n"
        f"Message-ID: <{original_message_id}>\r\n"
        "Subject: Re: Question\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()


def mdn(original_message_id: str, *, sender: str = "anna@example.test", to: str = MAILBOX) -> bytes:
    """An RFC 8098 read receipt ("displayed"), as Thunderbird sends one."""
    boundary = "mdn-boundary-7"
    return (
        f"From: {sender}\r\nTo: {to}\r\n"
        "Subject: Read: Re: Question\r\n"
        f"Message-ID: <mdn-{uuid.uuid4().hex}@example.test>\r\n"
        "Date: Thu, 05 Mar 2026 12:00:00 +0300\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=disposition-notification;"
        f' boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        "This is a Return Receipt for the mail that you sent.\r\n\r\n"
        f"--{boundary}\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Reporting-UA: example.test; Thunderbird\r\n"
        f"Final-Recipient: rfc822;{sender}\r\n"
        f"Original-Message-ID: <{original_message_id}>\r\n"
        "Disposition: manual-action/MDN-sent-manually; displayed\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()


async def wait_delivery(h: Any, entry_id: int, timeout: float = 20.0) -> str | None:
    """Run jobs until the outbound entry left ``queued`` (or time runs out)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while True:
        row = await h.runtime.db.fetchone(
            "SELECT delivery_status FROM appeal_timeline WHERE id = {}", entry_id
        )
        status = row["delivery_status"] if row else None
        if status not in (None, "queued") or time.monotonic() > deadline:
            return status
        await h.settle()
        await asyncio.sleep(0.02)


def reply_to(received: Received, text: str, *, subject: str | None = None, **kw: Any) -> bytes:
    """The member's answer to a mail we sent, as a mail client builds it."""
    sent = received.message
    our_id = str(sent["Message-ID"])
    return member_mail(
        subject if subject is not None else f"Re: {sent['Subject']}",
        text + "\n\n> " + received.text.replace("\n", "\n> "),
        to=str(sent.get("Reply-To") or sent["From"]),
        in_reply_to=our_id,
        references=f"{sent.get('References', '')} {our_id}".strip(),
        **kw,
    )


def certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
