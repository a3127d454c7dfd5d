"""Mail loops (RFC 3834): which mail was written by a machine, and must never be answered by one.

Auto-responses (out-of-office replies, list and bulk mail, bounces, our own mail coming back)
still join their appeal — an operator may want to read them — but never trigger an automatic
acknowledgement, and never reopen a resolved or closed appeal (``ingest``). Our automatic
replies go out with ``MAIL FROM:<>`` and ``Auto-Submitted: auto-replied`` so that
well-behaved responders do not answer them either.
"""

from __future__ import annotations

from collections.abc import Callable

from unionline.channels.mail import threads
from unionline.channels.mail.parse import ParsedMail

_BULK = ("bulk", "list", "junk", "auto_reply")
_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress-Reply")
OWN_ID_PREFIX = "ul-"  # Message-IDs we make: <ul-<hex>@<mailbox domain>>
_NULL_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply")


def auto_reason(parsed: ParsedMail, own_domains: tuple[str, ...] = ()) -> str:
    """Why ``parsed`` is an automatic message ("" when a person wrote it)."""
    for check in _CHECKS:
        reason = check(parsed, own_domains)
        if reason:
            return reason
    return ""


def _auto_submitted(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    value = parsed.header("Auto-Submitted").lower()
    return f"Auto-Submitted: {value}"[:80] if value and value != "no" else ""


def _precedence(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    value = parsed.header("Precedence").lower()
    return f"Precedence: {value}" if value in _BULK else ""


def _autoreply_headers(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    for name in _AUTOREPLY_HEADERS:
        if parsed.header(name):
            return name
    if parsed.header("X-Auto-Response-Suppress").lower() in ("all", "oof", "autoreply"):
        pass  # Outlook sets this on mail people write too; it only asks us not to respond
    return ""


def _loop(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    return "X-Loop" if parsed.header("X-Loop") else ""


def _list(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    for name in ("List-Unsubscribe", "List-Id", "List-Post"):
        if parsed.header(name):
            return name
    return ""


def _null_return_path(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    if parsed.message is None:
        return ""
    value = parsed.header("Return-Path")
    if value.replace(" ", "") == "<>":
        return "null return path"
    local = parsed.from_address.partition("@")[0].lower()
    return "sender is a mailer daemon" if local in _NULL_SENDERS else ""


def _own_message_id(parsed: ParsedMail, own: tuple[str, ...]) -> str:
    if not parsed.has_message_id:
        return ""
    local, _, domain = parsed.message_id.rpartition("@")
    ours = local.startswith(OWN_ID_PREFIX) and domain.lower() in own
    return "our own Message-ID" if ours else ""


def _auto_subject(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    # Responders that set no header still say so in the subject («Автоматический ответ: …»).
    return "auto-reply subject" if threads.AUTO_SUBJECT.match(parsed.subject) else ""


def _content_type(parsed: ParsedMail, _: tuple[str, ...]) -> str:
    if parsed.message is None:
        return ""
    kind = parsed.message.get_content_type()
    if kind == "multipart/report":
        return "multipart/report"
    return ""


_CHECKS: tuple[Callable[[ParsedMail, tuple[str, ...]], str], ...] = (
    _auto_submitted,
    _precedence,
    _autoreply_headers,
    _loop,
    _list,
    _null_return_path,
    _own_message_id,
    _content_type,
    _auto_subject,
)
