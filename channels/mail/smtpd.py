"""``unionline smtpd``: an SMTP (or LMTP) server for unions that run their own MX or relay.

The MTA hands mail over for the addresses listed in a mailbox account's ``smtp_recipients``;
any other recipient is refused at RCPT (550). Mail over the mailbox's ``max_message_bytes`` is
refused with 552 (at RCPT when the client announced its SIZE, else after DATA). The answer to
DATA is 250 only once :func:`ingest.ingest_raw` committed the message; a temporary failure
(the database away, ``NotReady``) is 451, so the MTA keeps the mail and tries again — ingest
stores a retried message once. With ``--lmtp`` each recipient gets its own answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from email.utils import format_datetime
from typing import Any

import msgspec
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from unionline import NotReady
from unionline.channels.mail.settings import MailboxConfig

log = logging.getLogger("unionline.channels.mail.smtpd")

SERVER_LIMIT = 64 * 1024 * 1024  # the protocol-level cut; each mailbox's own limit comes after
DIRECTORY_TTL = 30.0  # recipients are re-read this often (and on an unknown one, once a second)
TEMPORARY = "451 4.3.0 Temporary failure, please try again later"
_SIZE = re.compile(r"^SIZE=(\d+)$", re.IGNORECASE)


class Target(msgspec.Struct, frozen=True):
    account_id: uuid.UUID
    max_bytes: int


class Directory:
    """Recipient address (lower case) → the mailbox account it delivers to."""

    def __init__(self) -> None:
        self._targets: dict[str, Target] = {}
        self._loaded = 0.0

    async def _load(self) -> None:
        from unionline.channel import channel_accounts

        targets: dict[str, Target] = {}
        for account in await channel_accounts("mail"):  # active ones; undecodable ones left out
            config: MailboxConfig = account.config
            for address in config.smtp_recipients:
                targets.setdefault(address.lower(), Target(account.id, config.max_message_bytes))
        self._targets, self._loaded = targets, time.monotonic()

    async def lookup(self, address: str) -> Target | None:
        age = time.monotonic() - self._loaded
        if age > DIRECTORY_TTL or (address.lower() not in self._targets and age > 1.0):
            await self._load()
        return self._targets.get(address.lower())


def _declared_size(options: list[str]) -> int | None:
    for option in options:
        if match := _SIZE.match(option):
            return int(match.group(1))
    return None


def _trace_headers(session: Session, envelope: Envelope, protocol: str, hostname: str) -> bytes:
    """What a final delivery adds on top (RFC 5321 §4.4): Return-Path and Received."""
    peer = session.peer[0] if isinstance(session.peer, tuple) else str(session.peer)
    helo = re.sub(r"[^\x21-\x7e]", "", session.host_name or "unknown")[:200]
    sender = envelope.mail_from if envelope.mail_from not in (None, "<>") else ""
    when = format_datetime(datetime.now().astimezone())
    return (
        f"Return-Path: <{sender}>\r\n"
        f"Received: from {helo} ([{peer}])\r\n\tby {hostname} (Unionline) with {protocol};"
        f" {when}\r\n"
    ).encode("utf-8", "replace")


def _targets(envelope: Envelope) -> dict[str, Target]:
    """Recipient → mailbox, kept on the envelope (a new one after RSET or DATA)."""
    found: dict[str, Target] | None = getattr(envelope, "unionline_targets", None)
    if found is None:
        found = {}
        envelope.unionline_targets = found  # type: ignore[attr-defined]
    return found


class InboundHandler:
    """aiosmtpd handler: recipients by mailbox, DATA to ingest, answers by outcome."""

    def __init__(self, *, lmtp: bool = False, hostname: str | None = None) -> None:
        self.lmtp = lmtp
        self.hostname = hostname or socket.gethostname()
        self.directory = Directory()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        try:
            target = await self.directory.lookup(address)
        except Exception:
            log.exception("smtpd: looking up recipient %s failed", address)
            return TEMPORARY
        if target is None:
            return f"550 5.1.1 <{address}>: no such mailbox here"
        size = _declared_size(envelope.mail_options)
        if size is not None and size > target.max_bytes:
            return f"552 5.3.4 Message too big for <{address}> (limit {target.max_bytes} bytes)"
        _targets(envelope)[address] = target
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        targets = _targets(envelope)
        body = envelope.original_content or b""
        raw = _trace_headers(session, envelope, "LMTP" if self.lmtp else "ESMTP", self.hostname)
        raw += body
        answers: dict[uuid.UUID, str] = {}
        mailboxes = {t.account_id: t for t in targets.values()}
        too_big = {a for a, t in mailboxes.items() if len(body) > t.max_bytes}
        if too_big and not self.lmtp:  # SMTP has one answer: refuse before storing anything
            return "552 5.3.4 Message too big for a recipient's mailbox"
        for account_id, target in mailboxes.items():
            if account_id in too_big:
                answers[account_id] = f"552 5.3.4 Message too big (limit {target.max_bytes} bytes)"
            else:
                answers[account_id] = await self._store(account_id, raw)
        if self.lmtp:
            return "\r\n".join(answers[targets[r].account_id] for r in envelope.rcpt_tos)
        failed = [a for a in answers.values() if not a.startswith("250")]
        return failed[0] if failed else "250 2.0.0 OK: stored"

    async def _store(self, account_id: uuid.UUID, raw: bytes) -> str:
        from unionline.channels.mail.ingest import ingest_raw

        try:
            await ingest_raw(account_id, raw, source="lmtp" if self.lmtp else "smtp")
        except NotReady as exc:
            log.warning("smtpd: mailbox %s not ready: %s", account_id, exc)
            return TEMPORARY
        except Exception:
            log.exception("smtpd: storing mail for mailbox %s failed", account_id)
            return TEMPORARY
        return "250 2.0.0 OK: stored"


@contextlib.asynccontextmanager
async def serve(
    host: str,
    port: int,
    *,
    lmtp: bool = False,
    hostname: str | None = None,
    max_bytes: int = SERVER_LIMIT,
) -> AsyncIterator[asyncio.Server]:
    """Listen on ``host:port`` on the running loop (the app's database pool lives there)."""
    loop = asyncio.get_running_loop()
    handler = InboundHandler(lmtp=lmtp, hostname=hostname)
    protocol: Any = LMTP if lmtp else SMTP

    def factory() -> SMTP:
        return protocol(
            handler,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            hostname=handler.hostname,
            ident="Unionline smtpd",
            loop=loop,
        )

    server = await loop.create_server(factory, host, port)
    try:
        yield server
    finally:
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 10)
