"""Raw e-mail to what operators read: addresses, subject, text, sanitized HTML, attachments.

Parsing uses the standard library (``email.policy.default``); header values are read by
``headers`` (8-bit bytes without a charset included). Bodies are decoded with their declared
charset; a body the label does not fit (8-bit bytes labelled us-ascii, an unknown or wrong
charset) is recovered with charset-normalizer. ``parse`` never raises: whatever it could not
read is named in ``ParsedMail.error``, what was wrong with the message as sent in
``ParsedMail.warnings`` (``defects``), and the raw bytes are kept by the caller.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import functools
import hashlib
import re
from dataclasses import dataclass, field
from email.headerregistry import ContentDispositionHeader, ContentTypeHeader
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from typing import Any

import charset_normalizer

from unionline.channels.mail import defects, headers, trim
from unionline.channels.mail import htmltext as mailhtml
from unionline.channels.mail.headers import header_text, raw_header
from unionline.channels.mail.htmlbounds import bound

MAX_ID = 190  # longer Message-IDs are stored as a hash (the dedup key must fit its column)
# The standard library spends ~15 µs on each MIME part (headers parsed once, ``_ReadOnce``),
# against ~25 µs per KB of an ordinary mail: a message is read up to its MAX_PARTS-th boundary
# line, or one more for every BYTES_PER_PART of it when that is more (a mail of 40 photos has
# them all; one of thousands of tiny parts costs a bounded time per KB). The raw message keeps
# the rest.
MAX_PARTS = 30
BYTES_PER_PART = 16 * 1024
MAX_BOUNDARIES = 50  # distinct boundaries looked for (parts nest at most 50 deep anyway)
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""", re.I)
_ID = re.compile(r"<([^<>\s]+)>")
MAX_CACHED_HEADER = 1000  # characters of a header value read once for all its reads


class _ReadOnce(EmailPolicy):
    """``email.policy.default``, but a header value is parsed through the header registry once:
    the standard library parses it again on every read, and its parser reads each MIME part's
    Content-Type five times — ~0.25 ms a part, 100 times an ordinary mail per KB on a message
    of tiny parts. A parsed header is immutable, so equal values share one."""

    def header_fetch_parse(self, name: str, value: Any) -> Any:
        if hasattr(value, "name"):
            return value
        value = value.replace("\r", "").replace("\n", "")  # as EmailPolicy does
        if len(value) > MAX_CACHED_HEADER:
            return self.header_factory(name, value)
        return _parsed_header(self.header_factory, name, value)


@functools.lru_cache(maxsize=1024)
def _parsed_header(factory: Any, name: str, value: str) -> Any:
    return factory(name, value)


POLICY = _ReadOnce()


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""
    embedded: bool = False  # shown inside the HTML (a ``cid:`` image): not listed again


@dataclass
class ParsedMail:
    """One message as Unionline understands it; ``message`` is the stdlib parse (None when the
    bytes could not be parsed at all)."""

    message_id: str  # without <>; a stable hash id when the mail has none
    has_message_id: bool = True
    from_address: str = ""
    from_name: str = ""
    reply_to: str = ""
    sender: str = ""  # the Sender: header's address
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: float | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""  # the whole text body (from text/plain, else converted from HTML)
    display_text: str = ""  # quoted history and signature trimmed
    html: str = ""  # sanitized HTML ("" when the mail has none)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # for the operator, in Russian (defects)
    header_codec: str = "utf-8"  # how 8-bit header bytes that are not UTF-8 were read
    salvaged: list[str] = field(default_factory=list)  # address headers read past a defect
    from_source: str = "From"  # the header from_address was read from
    message: EmailMessage | None = None

    @property
    def error(self) -> str | None:
        return "; ".join(self.errors) if self.errors else None

    def header(self, name: str) -> str:
        """A header's decoded value ("" when absent or unreadable)."""
        return header_text(self.message, name, self.header_codec) if self.message else ""


def parse(raw: bytes) -> ParsedMail:
    """Parse ``raw``; never raises."""
    readable, note = within_parts(raw)
    try:
        message = _message(readable)
    except Exception as exc:  # the stdlib parser is lenient; this is a last resort
        return ParsedMail(message_id=hash_id(raw, None), errors=[f"unparseable: {exc!r}"[:300]])
    assert isinstance(message, EmailMessage)
    parsed = ParsedMail(message_id="", message=message, errors=[note] if note else [])
    _headers(parsed, message, raw)
    try:
        _bodies(parsed, message)
    except Exception as exc:  # a MIME structure the walk could not follow
        parsed.errors.append(f"body: {exc!r}"[:300])
    if not parsed.from_address:
        parsed.errors.append("no sender address")
    parsed.warnings = defects.warnings(parsed)
    return parsed


_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def _message(raw: bytes) -> EmailMessage:
    """The standard library's parse of ``raw``. A message of one text part gets its body set
    whole: the feedparser reads a body line by line (~1 µs a line, ``">\n" * n`` ~14 times an
    ordinary mail per KB). Any other message, or headers the feedparser would read otherwise
    than up to the first blank line (bare CR line ends, a line that is no header), is parsed
    whole."""
    found = _BLANK_LINE.search(raw)
    if found is not None:
        head = raw[: found.start()]
        if head.count(b"\r") == head.count(b"\r\n"):
            message = email.message_from_bytes(raw[: found.end()], policy=POLICY)
            if (
                isinstance(message, EmailMessage)
                and message.get_payload() == ""
                and not message.defects
                and message.get_content_maintype() == "text"
            ):
                body = raw[found.end() :].decode("ascii", "surrogateescape")
                message.set_payload(body)
                return message
    message = email.message_from_bytes(raw, policy=POLICY)
    assert isinstance(message, EmailMessage)
    return message


def part_limit(raw: bytes) -> int:
    """The MIME boundary lines read of ``raw``."""
    return max(MAX_PARTS, len(raw) // BYTES_PER_PART)


def within_parts(raw: bytes) -> tuple[bytes, str]:
    """``raw`` cut before its ``part_limit + 1``-th MIME boundary line, and a note saying so
    ("" when it has no more)."""
    limit = part_limit(raw)
    if raw.count(b"\n--") <= limit:
        return raw, ""
    boundaries = {(m.group(1) or m.group(2)).strip() for m in _BOUNDARY.finditer(raw)}
    if not boundaries:
        return raw, ""
    chosen = sorted(boundaries)[:MAX_BOUNDARIES]
    line = re.compile(b"\n--(?:" + b"|".join(re.escape(b) for b in chosen) + b")")
    for count, found in enumerate(line.finditer(raw), 1):
        if count > limit:
            total = count + sum(1 for _ in line.finditer(raw, found.end()))
            note = (
                f"only the first {limit} of {total} MIME boundary lines were read"
                " (the rest is in the raw message)"
            )
            return raw[: found.start() + 1], note
    return raw, ""


# -- headers ----------------------------------------------------------------------------------


def _headers(parsed: ParsedMail, message: EmailMessage, raw: bytes) -> None:
    codec = parsed.header_codec = headers.header_codec(message, _declared_charset(message))
    ids = message_ids(header_text(message, "Message-ID", codec))
    parsed.has_message_id = bool(ids)
    parsed.message_id = clamp_id(ids[0]) if ids else hash_id(raw, message)
    parsed.from_name, parsed.from_address = _first(parsed, message, "From")
    parsed.reply_to = _first(parsed, message, "Reply-To")[1]
    parsed.sender = _first(parsed, message, "Sender")[1]
    if not parsed.from_address:
        parsed.from_address = parsed.sender or parsed.reply_to
        parsed.from_source = "Sender" if parsed.sender else "Reply-To" if parsed.reply_to else ""
    parsed.to = _addresses(parsed, message, "To")
    parsed.cc = _addresses(parsed, message, "Cc")
    parsed.delivered_to = [
        a
        for name in ("Delivered-To", "X-Original-To", "Envelope-To")
        for a in _addresses(parsed, message, name)
    ]
    parsed.subject = header_text(message, "Subject", codec)
    parsed.in_reply_to = [clamp_id(i) for i in message_ids(parsed.header("In-Reply-To"))]
    parsed.references = [clamp_id(i) for i in message_ids(parsed.header("References"))]
    parsed.date = _date(parsed.header("Date"))


def _declared_charset(message: Message) -> str | None:
    """The charset the message's first text part declares (a hint for unlabelled headers)."""
    for part in message.walk():
        if part.get_content_maintype() == "text":
            return _charset(part)
    return None


def _first(parsed: ParsedMail, message: Message, name: str) -> tuple[str, str]:
    """(display name, address) of the header's first mailbox; ("", "") when there is none."""
    pairs = _pairs(parsed, message, name)
    return pairs[0] if pairs else ("", "")


def _addresses(parsed: ParsedMail, message: Message, name: str) -> list[str]:
    return [address for _, address in _pairs(parsed, message, name)]


def _pairs(parsed: ParsedMail, message: Message, name: str) -> list[tuple[str, str]]:
    pairs, salvaged = headers.address_pairs(message, name, parsed.header_codec)
    if salvaged:
        parsed.salvaged.append(name)
    return pairs


def message_ids(value: str) -> list[str]:
    """The ``<id>``s in a header value, without brackets (a bare id when there are none)."""
    found = _ID.findall(value)
    if not found and value.strip() and " " not in value.strip() and "@" in value:
        found = [value.strip().strip("<>")]
    return found


def clamp_id(message_id: str) -> str:
    """A Message-ID as stored: at most ``MAX_ID`` characters (a hash of longer ones)."""
    message_id = message_id.replace("\x00", "").strip()
    if len(message_id) <= MAX_ID and message_id.isprintable():
        return message_id
    return (
        "long-" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest() + "@unionline"
    )


def hash_id(raw: bytes, message: Message | None) -> str:
    """A stable id for mail without a Message-ID: the same message fetched by IMAP or received
    over SMTP (with different Received: lines) gets the same one."""
    digest = hashlib.sha256()
    if message is not None:
        for name in ("From", "To", "Cc", "Date", "Subject"):
            digest.update(
                name.encode()
                + b":"
                + (raw_header(message, name) or "").encode("utf-8", "replace")
                + b"\n"
            )
        _head, sep, body = raw.partition(b"\r\n\r\n")
        if not sep:
            _head, sep, body = raw.partition(b"\n\n")
        digest.update(body.replace(b"\r\n", b"\n") if sep else raw)
    else:
        digest.update(raw)
    return f"nomsgid-{digest.hexdigest()[:40]}@unionline"


def _date(value: str) -> float | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except Exception:
        return None
    if moment is None:
        return None
    try:
        return moment.timestamp() if moment.tzinfo else None
    except (OverflowError, ValueError, OSError):
        return None


# -- bodies -----------------------------------------------------------------------------------


def _bodies(parsed: ParsedMail, message: EmailMessage) -> None:
    plain: str | None = None
    html: str | None = None
    for part in leaves(message):
        kind, disposition, filename, charset = _describe(part)
        if "\ufffd" in filename:  # 8-bit bytes in a file name, read as UTF-8 by the registry
            filename = headers.file_name(part, parsed.header_codec) or filename
        if kind in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            text = decode_part(part, parsed.errors, charset)
            if kind == "text/plain" and plain is None:
                plain = text
            elif kind == "text/html" and html is None:
                html = text
            continue
        _attachment(parsed, part, kind, disposition, filename)
    bounded = bound(html[: mailhtml.MAX_INPUT]) if html else None
    if bounded is not None:
        parsed.errors.extend(bounded.notes)  # what the HTML view leaves out (htmlbounds)
        inline = _inline_images(parsed)
        parsed.html = mailhtml.sanitize(bounded, inline)
        for image in inline.values():
            image.embedded = mailhtml.embedded(parsed.html, image)
    if plain is not None and plain.strip():
        parsed.text = _normalize_text(plain)
    elif bounded is not None:
        parsed.text = _normalize_text(mailhtml.to_text(bounded))
    parsed.display_text = trim.for_display(parsed.text)


def leaves(part: Message, depth: int = 0) -> list[Message]:
    """The leaf parts of a message in order; an attached message (message/rfc822) is one leaf,
    not opened (a forwarded mail is an attachment, its text is not the member's)."""
    payload = part.get_payload()
    if isinstance(payload, list) and depth < 50 and part.get_content_maintype() == "multipart":
        return [
            leaf for sub in payload if isinstance(sub, Message) for leaf in leaves(sub, depth + 1)
        ]
    return [part]


def _normalize_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    # str.rstrip mapped over the lines runs no Python code per line (a generator over them made
    # ">\n" * n ~7 times an ordinary mail per KB)
    return "\n".join(map(str.rstrip, text.split("\n"))).strip("\n")


def _describe(part: Message) -> tuple[str, str, str, str | None]:
    """(content type, disposition, file name, charset) of a part, each header parsed once."""
    try:
        content_type = part.get("Content-Type")
        disposition_header = part.get("Content-Disposition")
        if not isinstance(content_type, ContentTypeHeader | None) or not isinstance(
            disposition_header, ContentDispositionHeader | None
        ):  # not parsed by email.policy.default's header registry
            raise TypeError("plain header values")
        kind = content_type.content_type if content_type is not None else part.get_default_type()
        params: dict[str, Any] = dict(content_type.params) if content_type is not None else {}
        disposition = ""
        name = ""
        if disposition_header is not None:
            disposition = (disposition_header.content_disposition or "").lower()
            name = disposition_header.params.get("filename") or ""
        name = name or params.get("name") or ""
        charset = params.get("charset")
    except Exception:  # a header the registry cannot read: the slower, lenient accessors
        kind = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        charset = _charset(part)
    if not isinstance(name, str):
        name = _filename(part)
    if "=?" in name:
        name = headers.decode_words(name)
    charset = charset.strip().lower() if isinstance(charset, str) and charset.strip() else None
    return kind.lower(), disposition, name.replace("\x00", "").strip(), charset


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if "=?" in name:
        name = headers.decode_words(name)
    return name.replace("\x00", "").strip()


def _attachment(parsed: ParsedMail, part: Message, kind: str, disposition: str, name: str) -> None:
    try:
        if kind == "message/rfc822" or kind.startswith("message/"):
            data = _embedded_bytes(part)
        else:
            data = payload_bytes(part)
    except Exception as exc:
        parsed.errors.append(f"attachment: {exc!r}"[:300])
        return
    if not name:
        name = _default_name(part, kind)
    content_id = (header_text(part, "Content-ID") or "").strip().strip("<>")
    parsed.attachments.append(
        ParsedAttachment(
            filename=name,
            content_type=kind,
            data=data,
            inline=disposition == "inline" or (bool(content_id) and disposition != "attachment"),
            content_id=content_id,
        )
    )


def _embedded_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, list):
        return b"\r\n".join(_as_bytes(inner) for inner in payload)
    return payload_bytes(part)


def payload_bytes(part: Message) -> bytes:
    """A single part's body with its transfer encoding undone (b"" for a multipart)."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _as_bytes(inner: Message | str) -> bytes:
    if isinstance(inner, Message):
        try:
            return bytes(inner.as_bytes(policy=email.policy.SMTP))
        except Exception:
            pass
    return str(inner).encode("utf-8", "replace")


def _default_name(part: Message, kind: str) -> str:
    if kind == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        subject = header_text(inner, "Subject") if isinstance(inner, Message) else ""
        safe = re.sub(r"[\\/:*?\"<>|]+", " ", subject).strip()[:100]
        return f"{safe or 'message'}.eml"
    if kind in ("message/delivery-status", "message/disposition-notification"):
        return "delivery-status.txt"
    if kind == "text/rfc822-headers":
        return "headers.txt"
    extension = {
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "image/gif": ".gif",
        "text/calendar": ".ics",
        "message/delivery-status": ".txt",
        "text/rfc822-headers": ".txt",
        "message/disposition-notification": ".txt",
    }.get(kind, ".bin")
    return f"attachment{extension}"


def _inline_images(parsed: ParsedMail) -> dict[str, ParsedAttachment]:
    return {
        a.content_id: a
        for a in parsed.attachments
        if a.content_id and a.content_type.startswith("image/")
    }


def decode_part(part: Message, errors: list[str] | None = None, declared: str | None = None) -> str:
    """A text part's payload as text: declared charset, else (or when it does not fit) the
    charset the bytes look like."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):  # None: not a single part
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    return decode_bytes(payload, declared if declared is not None else _charset(part))


def _charset(part: Message) -> str | None:
    try:
        charset = part.get_content_charset()
    except Exception:
        return None
    return charset.strip().lower() if charset else None


def decode_bytes(payload: bytes, declared: str | None) -> str:
    if declared in (None, "us-ascii", "ascii", "ansi_x3.4-1968", "unknown-8bit", "x-unknown"):
        if payload.isascii():
            return payload.decode("ascii")
        declared = None  # mislabelled: 8-bit bytes in a "us-ascii" body
    if declared is not None:
        try:
            return payload.decode(_codec(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(payload).best()
    if best is not None:
        return str(best)
    return payload.decode("windows-1251", errors="replace")


def _codec(charset: str) -> str:
    # Aliases mail clients use that Python does not know.
    return {"utf8": "utf-8", "x-user-defined": "windows-1252", "cp-850": "cp850"}.get(
        charset, charset
    )
