"""One raw e-mail into Unionline: the single entry point of every inbound path (IMAP, SMTP,
LMTP, HTTP, tests).

:func:`ingest_raw` is durable and idempotent: it returns only once the raw bytes and the
appeal they joined are committed, stores a message delivered twice once (same Message-ID, or
the same stable hash id when it has none), and never raises for what the bytes contain — mail
it cannot read is kept raw with an error flag. It raises ``unionline.NotReady`` only for
temporary failures (the database is down or busy), so an SMTP server can answer 4xx.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, Literal

import msgspec

from unionline import NotReady, ServiceError, current, storable
from unionline.channel import (
    Attachment,
    InboundMessage,
    Sender,
    appeal_brief,
    load_account,
    store_inbound,
)
from unionline.channels.mail import ack, bounces, loops, threads
from unionline.channels.mail.parse import ParsedMail, parse

log = logging.getLogger("unionline.channels.mail")

Source = Literal["imap", "smtp", "lmtp", "http", "test"]
MAX_HTML = 2 * 1024 * 1024  # sanitized HTML shown to operators; longer is left to the raw
Kind = Literal["message", "auto", "bounce", "receipt", "unreadable"]


class IngestOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """What became of one raw message."""

    stored: bool  # False: a duplicate of a message stored before
    duplicate: bool
    message_id: str  # without <>; a stable hash id when the mail had none
    appeal_id: uuid.UUID | None = None
    entry_id: int | None = None  # the appeal timeline entry (message_in), if any
    kind: Kind = "message"
    auto: str = ""  # why it counts as an automatic message ("" when a person wrote it)
    acknowledged: bool = False  # an automatic acknowledgement was queued
    error: str | None = None  # what could not be read (the raw bytes are kept)


async def ingest_raw(
    account_id: uuid.UUID, raw: bytes, *, source: str, source_ref: str | None = None
) -> IngestOutcome:
    """Store one raw e-mail of the mailbox ``account_id``; see the module docstring."""
    try:
        return await _ingest(account_id, raw, source, source_ref)
    except NotReady:
        raise
    except ServiceError:
        raise  # NotFound for an unknown account: the caller's mistake, not the mail's
    except Exception as exc:
        if temporary(exc):
            raise NotReady(f"mail not stored, try again: {exc!r}"[:300], retry_after=5) from exc
        raise


def temporary(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure that may pass (connection, lock, serialization)."""
    if isinstance(exc, (OSError, asyncio.TimeoutError, ConnectionError)):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        return True
    module = type(exc).__module__ or ""
    if module.startswith("asyncpg"):
        name = type(exc).__name__
        return "Connection" in name or name in (
            "InterfaceError",
            "TooManyConnectionsError",
            "CannotConnectNowError",
            "SerializationError",
            "DeadlockDetectedError",
            "AdminShutdownError",
            "QueryCanceledError",
        )
    return False


async def _ingest(
    account_id: uuid.UUID, raw: bytes, source: str, source_ref: str | None
) -> IngestOutcome:
    account = await load_account(account_id)
    parsed = await _parse(raw)
    key = f"{account.id}:{parsed.message_id}"
    if await _known(key):
        return _duplicate(parsed)
    own = own_domains(account)
    auto = loops.auto_reason(parsed, own)
    report = bounces.classify(parsed, account)
    record = _record(account, parsed, raw, source, source_ref, auto)
    if parsed.message is None or (report is None and not parsed.from_address):
        return await _keep_raw(parsed, record, kind="unreadable")
    try:
        if report is not None:
            return await bounces.apply(account, parsed, report, record)
        return await _store(account, parsed, record, auto)
    except NotReady:
        raise
    except Exception as exc:
        if temporary(exc):
            raise
        # The members or appeals domain refused what the mail says, or a bug: the mail is
        # still kept, raw, with the reason — never dropped.
        if isinstance(exc, ServiceError):
            log.warning("mail %s kept raw: %s", parsed.message_id, exc)
        else:
            log.exception("mail %s kept raw after an error", parsed.message_id)
        parsed.errors.append(f"not stored on an appeal: {exc!r}"[:500])
        record["error"] = (parsed.error or "")[:2000]
        record["appeal_id"] = None
        return await _keep_raw(parsed, record, kind="unreadable")


# Parsing is CPU work on what a stranger sent (charset detection, HTML sanitizing, trimming):
# it runs off the event loop, so one message never stalls other requests, on two threads of
# its own, so a flood of mail cannot take the threads other work uses either.
_PARSERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="unionline-mail-parse")


async def _parse(raw: bytes) -> ParsedMail:
    return await asyncio.get_running_loop().run_in_executor(_PARSERS, parse, raw)


async def _known(key: str) -> bool:
    row = await current().db.fetchone("SELECT id FROM mail_message WHERE key = {}", key)
    return row is not None


def _duplicate(parsed: ParsedMail) -> IngestOutcome:
    return IngestOutcome(stored=False, duplicate=True, message_id=parsed.message_id)


def own_domains(account: Any) -> tuple[str, ...]:
    domains = {account.config.domain}
    if account.config.reply_domain:
        domains.add(account.config.reply_domain.lower())
    return tuple(domains)


def _record(
    account: Any, parsed: ParsedMail, raw: bytes, source: str, ref: str | None, auto: str
) -> dict[str, Any]:
    """The ``mail_message`` row of an inbound mail (appeal and entry filled in later)."""
    return {
        "id": uuid.uuid4(),
        "account_id": account.id,
        "key": f"{account.id}:{parsed.message_id}",
        "message_id": parsed.message_id,
        "direction": "in",
        "kind": "auto" if auto else "message",
        "appeal_id": None,
        "entry_id": None,
        "from_address": parsed.from_address[:320],
        "to_addresses": ", ".join(parsed.to + parsed.cc)[:4000],
        "subject": parsed.subject[:2000],
        "thread_subject": threads.normalize_subject(parsed.subject),
        "in_reply_to": " ".join(parsed.in_reply_to)[:4000],
        "references": " ".join(parsed.references)[:8000],
        "auto": auto[:80],
        "error": (parsed.error or "")[:2000],
        "source": (source or "")[:10],
        "source_ref": source_ref_of(ref),
        "size": len(raw),
        "raw": raw,
        "created_at": time.time(),
    }


def source_ref_of(ref: str | None) -> str | None:
    return ref.replace("\x00", "")[:300] if ref else None


async def insert_record(record: dict[str, Any]) -> bool:
    """Insert a ``mail_message`` row (its texts through ``unionline.storable``, as the SDK's
    are); False when the key was taken meanwhile."""
    record = storable(record)
    columns = ", ".join(f'"{c}"' if c == "references" else c for c in record)
    marks = ", ".join("{}" for _ in record)
    row = await current().db.fetchone(
        f"INSERT INTO mail_message ({columns}) VALUES ({marks})"
        " ON CONFLICT (key) DO NOTHING RETURNING id",
        *record.values(),
    )
    return row is not None


async def _keep_raw(parsed: ParsedMail, record: dict[str, Any], *, kind: Kind) -> IngestOutcome:
    """Mail that joins no appeal (unreadable, or a bounce of nothing we know): kept raw."""
    if kind == "unreadable" and not record["error"]:
        record["error"] = "no sender address"
    record["kind"] = "bounce" if kind == "bounce" else record["kind"]
    async with current().db.transaction():
        stored = await insert_record(record)
    if not stored:
        return _duplicate(parsed)
    return IngestOutcome(
        stored=True,
        duplicate=False,
        message_id=parsed.message_id,
        kind=kind,
        auto=record["auto"],
        error=record["error"] or None,
    )


def inbound_message(parsed: ParsedMail, thread: threads.Thread, auto: str) -> InboundMessage:
    data: dict[str, Any] = {
        "subject": parsed.subject[:2000],
        "message_id": parsed.message_id,
        "from": parsed.from_address,
        "to": parsed.to[:50],
        "cc": parsed.cc[:50],
        "thread": thread.reason,
    }
    shows_html = bool(parsed.html) and len(parsed.html) <= MAX_HTML
    if shows_html:
        data["html"] = parsed.html
    if parsed.display_text != parsed.text:
        data["full_text"] = parsed.text
    if auto:
        data["auto"] = auto
    if parsed.error:
        data["mail_error"] = parsed.error[:2000]
    return InboundMessage(
        external_id=parsed.message_id,
        sender=Sender(kind="email", address=parsed.from_address, display_name=parsed.from_name),
        text=parsed.display_text,
        attachments=tuple(
            Attachment(filename=a.filename, content_type=a.content_type, data=a.data)
            for a in parsed.attachments
            if not (a.embedded and shows_html)  # an inline image shown in the HTML: not again
        ),
        conversation=parsed.reply_to or parsed.from_address,
        sent_at=parsed.date,
        data=data,
        subject=_appeal_subject(parsed),
        continue_appeal=thread.continue_appeal,
        new_appeal=thread.continue_appeal is None,
        warnings=tuple(parsed.warnings),
    )


def _appeal_subject(parsed: ParsedMail) -> str:
    subject = " ".join(threads.NUMBER.sub(" ", parsed.subject).split())  # "Re:" kept: it says so
    if not subject:
        subject = (parsed.display_text.strip().split("\n", 1)[0] or "(без темы)").strip()
    return subject[:200]


async def _store(
    account: Any, parsed: ParsedMail, record: dict[str, Any], auto: str
) -> IngestOutcome:
    async with current().db.transaction():
        thread = await threads.decide(account, parsed)
        if auto and await _closed(thread.continue_appeal):
            return await _keep_on_closed(parsed, record, thread.continue_appeal, auto)
        held = _AUTOMATIC.set(auto)
        try:
            result = await store_inbound(account, [inbound_message(parsed, thread, auto)])
        finally:
            _AUTOMATIC.reset(held)
        stored = result.messages[0]
        if stored.duplicate:
            return _duplicate(parsed)
        record["appeal_id"] = stored.appeal_id
        record["entry_id"] = stored.entry_id
        if not await insert_record(record):
            raise NotReady("the same mail is being stored concurrently")  # rolls back
        acknowledged = False
        if stored.appeal_id is not None and not auto:
            acknowledged = await ack.maybe_acknowledge(account, parsed, stored.appeal_id)
    return IngestOutcome(
        stored=True,
        duplicate=False,
        message_id=parsed.message_id,
        appeal_id=stored.appeal_id,
        entry_id=stored.entry_id,
        kind="auto" if auto else "message",
        auto=auto,
        acknowledged=acknowledged,
        error=parsed.error,
    )


# Automatic mail never reopens an appeal. The reason an automatic mail is stored for, while
# this task stores it: the plugin's ``claim_member_reply`` then takes it onto a resolved appeal,
# which stays resolved.
_AUTOMATIC: ContextVar[str] = ContextVar("unionline_mail_automatic", default="")


def automatic_claim() -> dict[str, Any] | None:
    """The entry data of an automatic mail reaching a resolved appeal (None for a person's)."""
    reason = _AUTOMATIC.get()
    return {"auto": reason, "kept_resolved": True} if reason else None


async def _closed(appeal_id: uuid.UUID | None) -> bool:
    brief = await appeal_brief(appeal_id) if appeal_id is not None else None
    return brief is not None and brief.status == "closed"


async def _keep_on_closed(
    parsed: ParsedMail, record: dict[str, Any], appeal_id: uuid.UUID | None, auto: str
) -> IngestOutcome:
    """An automatic answer to a closed appeal: kept with that appeal's mail, never on its
    timeline — a closed appeal takes no messages, and a new appeal for an out-of-office reply
    would be noise."""
    record["appeal_id"] = appeal_id
    if not await insert_record(record):
        return _duplicate(parsed)
    log.info("mail %s: automatic answer to closed appeal %s kept", parsed.message_id, appeal_id)
    return IngestOutcome(
        stored=True,
        duplicate=False,
        message_id=parsed.message_id,
        appeal_id=appeal_id,
        kind="auto",
        auto=auto,
        error=parsed.error,
    )
