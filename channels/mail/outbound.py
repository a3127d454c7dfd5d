"""Sending replies over SMTP (aiosmtplib): reused connections per mailbox (at most
``smtp_connections`` open at once, one transaction on each at a time), STARTTLS or TLS, our own
Message-ID recorded before sending, In-Reply-To/References and the appeal number in the subject,
optional DKIM signing (dkimpy).

The message is built once per delivery and stored (``mail_message``, direction ``out``); a
retry sends the very same bytes — same Message-ID, Date and DKIM signature. A mail without
files (every campaign mail) is written out directly rather than through ``EmailMessage``
(:func:`compose`: the same headers and parts, far cheaper), and a first attempt stores it in one
statement.

SMTP answers map to the SDK's errors by intent: 4xx → ``NotReady`` (retried), 5xx →
``PermanentFailure`` (failed visibly), 535 → ``AuthFailed``, a connection lost after DATA →
``DeliveryUnknown`` (never resent).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.policy
import email.utils
import logging
import secrets
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from unionline import AuthFailed, NotReady, PermanentFailure, current
from unionline.channel import (
    DeliveryUnknown,
    OutboundMessage,
    SendResult,
    appeal_brief,
    read_attachment,
)
from unionline.channels.mail import ack, threads
from unionline.channels.mail.loops import OWN_ID_PREFIX
from unionline.channels.mail.settings import mail_settings

log = logging.getLogger("unionline.channels.mail")
IDLE_SECONDS = 50.0  # a connection unused this long is reopened (servers drop idle ones)
MAX_REFERENCES = 20
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)


async def send(account: Any, message: OutboundMessage) -> SendResult:
    """Deliver ``message`` from ``account``'s mailbox; see the module docstring."""
    config = account.config
    if not config.smtp_host:
        raise PermanentFailure("the mailbox has no SMTP server (smtp_host) to send from")
    if not message.recipient:
        raise PermanentFailure("the member has no e-mail address")
    row = await _prepared(account, message)
    sender = row["envelope_from"]
    await deliver(account, sender, [message.recipient], row["raw"])
    return SendResult(external_id=row["message_id"])


# -- building the message ----------------------------------------------------------------------


async def _prepared(account: Any, message: OutboundMessage) -> dict[str, Any]:
    """The stored outbound mail of this delivery, built and recorded on the first attempt.

    A first attempt builds the mail and records it in one statement, which returns the row
    that stands — its own, or the one an earlier run stored (the stored bytes always win, so a
    resend is the very same mail). A later attempt looks the row up first and builds only when
    nothing was stored."""
    found = None
    if message.attempt > 1:
        found = await current().db.fetchone(
            "SELECT message_id, token, raw, kind FROM mail_message WHERE delivery_id = {}",
            message.id,
        )
    if found is None:
        found = await _record(account, message)
    automatic = found["kind"] == "auto_reply"
    return {
        "message_id": found["message_id"],
        "raw": bytes(found["raw"]),
        "envelope_from": "" if automatic else envelope_sender(account.config, found["token"]),
    }


def message_id_for(config: Any, delivery_id: uuid.UUID) -> str:
    return f"{OWN_ID_PREFIX}{delivery_id.hex}@{config.domain}"


def envelope_sender(config: Any, token: str | None) -> str:
    """MAIL FROM: the VERP bounce address when the union has a reply domain."""
    if config.reply_domain and token:
        return f"bounce+{token}@{config.reply_domain}"
    return config.address


async def _record(account: Any, message: OutboundMessage) -> dict[str, Any]:
    """Build, sign and store the mail; the row that stands (an earlier run's, if one stored it:
    the no-op update of the conflict makes ``RETURNING`` give that row in the same statement)."""
    config = account.config
    broadcast = message.broadcast
    automatic = not broadcast and await ack.is_automatic(message.entry_id)
    token = secrets.token_hex(10)
    brief = None if broadcast else await appeal_brief(message.appeal_id)
    answered = await _answered(account.id, message.reply_to)
    subject = message.subject if broadcast else subject_for(brief, answered)
    if message.attachments:
        built = await build(account, message, token, brief, answered, automatic=automatic)
        raw = built.as_bytes(policy=SMTP_POLICY)
    else:
        raw = compose(account, message, token, subject, answered, automatic=automatic)
    raw = sign(config, account.secrets, raw, extra=[name for name, _ in message.headers])
    found = await current().db.fetchone(
        "INSERT INTO mail_message (id, account_id, key, message_id, direction, kind, appeal_id,"
        " entry_id, delivery_id, token, from_address, to_addresses, subject, thread_subject,"
        ' in_reply_to, "references", source, size, raw, created_at) VALUES ({}, {}, {}, {},'
        " {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})"
        " ON CONFLICT (key) DO UPDATE SET key = mail_message.key"
        " RETURNING message_id, token, raw, kind",
        uuid.uuid4(),
        account.id,
        f"{account.id}:{message_id_for(config, message.id)}",
        message_id_for(config, message.id),
        "out",
        "broadcast" if broadcast else "auto_reply" if automatic else "reply",
        None if broadcast else message.appeal_id,  # a reply to a broadcast opens a new appeal
        None if broadcast else message.entry_id,
        message.id,
        token,
        config.address,
        message.recipient,
        subject,
        threads.normalize_subject(subject),
        message.reply_to or "",
        " ".join(_references(answered, message.reply_to)),
        "out",
        len(raw),
        raw,
        time.time(),
    )
    assert found is not None  # an insert or an update returns its row
    return found


async def _answered(account_id: uuid.UUID, reply_to: str | None) -> dict[str, Any] | None:
    """The member's mail this reply answers (its subject and references), when stored."""
    if not reply_to:
        return None
    return await current().db.fetchone(
        'SELECT message_id, subject, "references" FROM mail_message WHERE key = {}',
        f"{account_id}:{reply_to}",
    )


def _references(answered: dict[str, Any] | None, reply_to: str | None) -> list[str]:
    chain = (answered or {}).get("references", "").split() if answered else []
    if reply_to:
        chain.append(reply_to)
    return list(dict.fromkeys(chain))[-MAX_REFERENCES:]


def subject_for(brief: Any, answered: dict[str, Any] | None) -> str:
    """``Re: <subject> [PPO-2026-42]``: the member's subject (or the appeal's) with the number."""
    base = (answered or {}).get("subject") or (brief.subject if brief else "")
    topic = threads.topic(base) or (brief.subject if brief else "")
    number = f" [{brief.number}]" if brief else ""
    prefix = "Re: " if answered else ""
    return f"{prefix}{topic}{number}".strip()


async def build(
    account: Any,
    message: OutboundMessage,
    token: str,
    brief: Any,
    answered: dict[str, Any] | None,
    *,
    automatic: bool,
) -> EmailMessage:
    config = account.config
    mail = EmailMessage()
    mail["From"] = email.utils.formataddr((config.display_name, config.address))
    mail["To"] = message.recipient
    mail["Subject"] = message.subject if message.broadcast else subject_for(brief, answered)
    mail["Date"] = email.utils.formatdate(localtime=True)
    mail["Message-ID"] = f"<{message_id_for(config, message.id)}>"
    if message.reply_to:
        mail["In-Reply-To"] = f"<{message.reply_to}>"
        mail["References"] = " ".join(f"<{i}>" for i in _references(answered, message.reply_to))
    if config.reply_domain:
        mail["Reply-To"] = email.utils.formataddr(
            (config.display_name, f"reply+{token}@{config.reply_domain}")
        )
    if automatic:
        mail["Auto-Submitted"] = "auto-replied"
        mail["X-Auto-Response-Suppress"] = "All"
        mail["Precedence"] = "auto_reply"
    for name, value in message.headers:
        mail[name] = value
    mail.set_content(message.text or "")
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        data = await read_attachment(attachment)
        main, _, sub = attachment.content_type.partition("/")
        mail.add_attachment(
            data,
            maintype=main or "application",
            subtype=sub or "octet-stream",
            filename=attachment.filename,
        )
    return mail


# The mail of a text (and HTML) without files is written out directly: the same headers and MIME
# structure as ``build`` gives, without the ``email`` package's header objects (parsing and
# refolding each header was most of a campaign mail's cost). Non-ASCII header text becomes
# RFC 2047 encoded words (UTF-8, base64, each at most 75 characters, folded between words);
# ASCII values are folded at spaces; a value with CR or LF is refused as ``EmailMessage`` does.

CRLF = "\r\n"
_WORD_BYTES = 45  # 45 bytes of UTF-8 → 60 base64 characters: a 72-character encoded word


def compose(
    account: Any,
    message: OutboundMessage,
    token: str,
    subject: str,
    answered: dict[str, Any] | None,
    *,
    automatic: bool,
) -> bytes:
    """The raw mail of ``message`` (no attachments): headers as ``build`` sets them, a
    text/plain part, and a multipart/alternative with the HTML when there is one."""
    config = account.config
    given = [config.display_name, message.recipient, subject, message.reply_to or ""]
    for value in given + [v for pair in message.headers for v in pair]:
        if "\r" in value or "\n" in value:
            raise ValueError("Header values may not contain linefeed or carriage return characters")
    lines = [
        _header("From", _address(config.display_name, config.address)),
        _header("To", message.recipient),
        _header("Subject", _unstructured(subject)),
        _header("Date", email.utils.formatdate(localtime=True)),
        _header("Message-ID", f"<{message_id_for(config, message.id)}>"),
    ]
    if message.reply_to:
        lines.append(_header("In-Reply-To", f"<{message.reply_to}>"))
        chain = " ".join(f"<{i}>" for i in _references(answered, message.reply_to))
        lines.append(_header("References", chain))
    if config.reply_domain:
        reply = f"reply+{token}@{config.reply_domain}"
        lines.append(_header("Reply-To", _address(config.display_name, reply)))
    if automatic:
        lines.append(_header("Auto-Submitted", "auto-replied"))
        lines.append(_header("X-Auto-Response-Suppress", "All"))
        lines.append(_header("Precedence", "auto_reply"))
    for name, value in message.headers:
        lines.append(_header(name, _unstructured(value)))
    lines.append("MIME-Version: 1.0")
    text = _text_part(b"plain", message.text or "")
    if not message.html:
        return (CRLF.join(lines) + CRLF).encode() + text
    html = _text_part(b"html", message.html)
    boundary = "=_" + secrets.token_hex(16)
    while boundary.encode() in text or boundary.encode() in html:
        boundary = "=_" + secrets.token_hex(16)
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    mark = f"\r\n--{boundary}\r\n".encode()
    end = f"\r\n--{boundary}--\r\n".encode()
    return (CRLF.join(lines) + CRLF).encode() + mark + text + mark + html + end


def _header(name: str, value: str) -> str:
    line = f"{name}: {value}"
    return line if len(line) <= 78 or CRLF in value else _fold(line)


def _fold(line: str) -> str:
    """Fold an ASCII header line at the spaces of its value, at most 78 characters a line where
    words allow (unfolding gives the line back)."""
    name, _, value = line.partition(": ")
    words = value.split(" ")
    out, at = [], f"{name}: {words[0]}"
    for word in words[1:]:
        if len(at) + 1 + len(word) > 78:
            out.append(at)
            at = " " + word
        else:
            at = f"{at} {word}"
    out.append(at)
    return CRLF.join(out)


def _encoded_words(text: str) -> str:
    """``text`` as RFC 2047 encoded words (UTF-8, base64), never splitting a character."""
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode("utf-8", "surrogatepass"))
        if chunk and size + width > _WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    if chunk:
        words.append("".join(chunk))
    encoded = (base64.b64encode(w.encode("utf-8", "surrogatepass")).decode() for w in words)
    return (CRLF + " ").join(f"=?utf-8?b?{e}?=" for e in encoded)


def _unstructured(value: str) -> str:
    return value if value.isascii() else _encoded_words(value)


def _address(name: str, address: str) -> str:
    if not name or name.isascii():
        return email.utils.formataddr((name, address))
    # One encoded word for a display name, as ``EmailMessage`` writes it: some readers put a
    # space between adjacent encoded words of a phrase.
    encoded = base64.b64encode(name.encode("utf-8", "surrogatepass")).decode()
    return f"=?utf-8?b?{encoded}?= <{address}>"


def _text_part(subtype: bytes, content: str) -> bytes:
    """A text part's headers and body, in the transfer encoding ``set_content`` chooses: 7bit
    for ASCII, 8bit for other text whose lines fit in 998 octets, else base64."""
    data = content.encode("utf-8", "surrogateescape")
    lines = data.splitlines() or [b""]
    head = b"Content-Type: text/" + subtype + b'; charset="utf-8"\r\nContent-Transfer-Encoding: '
    if max(len(line) for line in lines) <= 998:
        cte = b"7bit" if data.isascii() else b"8bit"
        return head + cte + b"\r\n\r\n" + b"\r\n".join(lines) + b"\r\n"
    body = base64.encodebytes(b"\n".join(lines) + b"\n")
    return head + b"base64\r\n\r\n" + body.replace(b"\n", b"\r\n")


def sign(config: Any, secret: Any, raw: bytes, extra: list[str] | None = None) -> bytes:
    """Prepend a DKIM-Signature when the mailbox has a selector, a domain and a key; ``extra``
    headers of a broadcast (List-Unsubscribe, List-Unsubscribe-Post) are signed too."""
    if not (config.dkim_selector and secret.dkim_private_key):
        return raw
    import dkim

    domain = (config.dkim_domain or config.domain).encode()
    key = secret.dkim_private_key.encode()
    algorithm = b"ed25519-sha256" if b"-----BEGIN" not in key else b"rsa-sha256"
    headers = [b"from", b"to", b"subject", b"date", b"message-id", b"in-reply-to", b"references"]
    headers += [name.lower().encode() for name in extra or ()]
    signature = dkim.sign(
        raw,
        config.dkim_selector.encode(),
        domain,
        key,
        include_headers=headers,
        signature_algorithm=algorithm,
    )
    return signature + raw


# -- SMTP --------------------------------------------------------------------------------------


@dataclass
class _Connection:
    client: aiosmtplib.SMTP
    used_at: float = 0.0


@dataclass
class _Mailbox:
    """A mailbox's SMTP connections: at most ``limit`` open at once (``smtp_connections``),
    each carrying one transaction at a time; an idle one is reused before another is opened."""

    slots: asyncio.Semaphore
    idle: list[_Connection] = field(default_factory=list)


def _pool() -> dict[tuple[Any, ...], _Mailbox]:
    state = current().state
    return state.setdefault("mail.smtp", {})


def _pool_key(account: Any) -> tuple[Any, ...]:
    c = account.config
    return (account.id, c.smtp_host, c.smtp_port, c.smtp_security, c.smtp_username,
            c.smtp_connections)  # fmt: skip


async def deliver(account: Any, sender: str, recipients: list[str], raw: bytes) -> None:
    """Send ``raw`` over one of the mailbox's (reused) SMTP connections."""
    key = _pool_key(account)
    pool = _pool()
    mailbox = pool.get(key)
    if mailbox is None:
        mailbox = pool[key] = _Mailbox(asyncio.Semaphore(account.config.smtp_connections))
    async with mailbox.slots:
        # The most recently used connection first: the others may go idle and be closed.
        connection = mailbox.idle.pop() if mailbox.idle else _Connection(_client(account))
        try:
            await _send_on(account, connection, sender, recipients, raw)
        finally:
            mailbox.idle.append(connection)


async def _send_on(
    account: Any, connection: _Connection, sender: str, recipients: list[str], raw: bytes
) -> None:
    fresh = await _ensure_connected(account, connection)
    try:
        await _transaction(connection.client, sender, recipients, raw)
    except _Stale:
        if fresh:
            raise NotReady("the SMTP server closed the connection") from None
        await _reconnect(account, connection)
        await _transaction(connection.client, sender, recipients, raw)
    connection.used_at = time.monotonic()


class _Stale(Exception):
    """The reused connection was dropped before anything was sent: reconnect and try again."""


def _client(account: Any) -> aiosmtplib.SMTP:
    c = account.config
    return aiosmtplib.SMTP(
        hostname=c.smtp_host,
        port=c.smtp_port,
        use_tls=c.smtp_security == "ssl",
        start_tls=c.smtp_security == "starttls",
        timeout=mail_settings().smtp_timeout,
    )


async def _ensure_connected(account: Any, connection: _Connection) -> bool:
    """Connect (and log in) unless a recent connection is open; True when it is new."""
    idle = time.monotonic() - connection.used_at
    if connection.client.is_connected and idle < IDLE_SECONDS:
        return False
    await _reconnect(account, connection)
    return True


async def _reconnect(account: Any, connection: _Connection) -> None:
    with contextlib.suppress(Exception):
        connection.client.close()
    connection.client = _client(account)
    try:
        await connection.client.connect()
        if account.config.smtp_username:
            await connection.client.login(
                account.config.smtp_username, account.secrets.smtp_password
            )
    except aiosmtplib.SMTPAuthenticationError as exc:
        raise AuthFailed(f"SMTP login refused: {exc.code} {exc.message}") from exc
    except aiosmtplib.SMTPResponseException as exc:
        raise _by_code(exc.code, f"SMTP server refused the connection: {exc.message}") from exc
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        raise NotReady(f"cannot reach the SMTP server: {exc}") from exc
    connection.used_at = time.monotonic()


def _by_code(code: int, text: str) -> Exception:
    if 400 <= code < 500:
        return NotReady(f"{code} {text}", retry_after=60 if code == 421 else None)
    return PermanentFailure(f"{code} {text}")


async def _transaction(
    client: aiosmtplib.SMTP, sender: str, recipients: list[str], raw: bytes
) -> None:
    """MAIL, RCPT, DATA — an error before DATA completed never leaves a copy at the server."""
    options = ["SMTPUTF8"] if _needs_utf8(sender, recipients) else []
    try:
        await client.mail(sender, options=options, encoding="utf-8" if options else "ascii")
        refused = []
        for recipient in recipients:
            try:
                await client.rcpt(recipient, encoding="utf-8" if options else "ascii")
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused.append(exc)
        if len(refused) == len(recipients):
            with contextlib.suppress(Exception):
                await client.rset()
            first = refused[0]
            raise _by_code(first.code, f"recipient {first.recipient} refused: {first.message}")
    except aiosmtplib.SMTPServerDisconnected as exc:
        raise _Stale() from exc
    except aiosmtplib.SMTPResponseException as exc:
        with contextlib.suppress(Exception):
            await client.rset()
        raise _by_code(exc.code, exc.message) from exc
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        raise NotReady(f"SMTP error before sending: {exc}") from exc
    try:
        await client.data(raw)
    except aiosmtplib.SMTPResponseException as exc:  # the server answered: it did not take it
        raise _by_code(exc.code, exc.message) from exc
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        with contextlib.suppress(Exception):
            client.close()
        raise DeliveryUnknown(f"no answer from the SMTP server after sending: {exc}") from exc


def _needs_utf8(sender: str, recipients: list[str]) -> bool:
    return not all(a.isascii() for a in [sender, *recipients])


async def close_all() -> None:
    """Close the pooled SMTP connections (shutdown)."""
    pool = current().state.pop("mail.smtp", {})
    for mailbox in pool.values():
        for connection in mailbox.idle:
            with contextlib.suppress(Exception):
                await connection.client.quit()
