"""Which appeal an e-mail continues. The rules (documented in docs/channels/mail.md):

1. The appeal number in the subject (``[PPO-2026-42]``) names the appeal.
2. Else a reply token in a recipient address (``reply+<token>@<reply domain>``) or a
   Message-ID we sent or received in ``In-Reply-To``/``References`` names the message
   answered — and its appeal, unless the subject was changed to another topic.
3. Else a fresh mail continues the sender's latest mail to this mailbox with the same subject.
4. Otherwise it starts a new appeal.

An appeal found this way is used only when it is the sender's own (the appeals domain checks
the member), so replies of two members to one newsletter never merge.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from unionline import current
from unionline.channel import appeals_bridge
from unionline.channels.mail.parse import ParsedMail

NUMBER = re.compile(r"\[\s*([A-Za-z0-9][A-Za-z0-9_.-]{0,30}-\d{4}-\d{1,9})\s*\]")
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs|antw|tr|rif|odp|ynt|отв|ответ|пересл|переслано|fw_)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
TOKEN = re.compile(r"^(?:reply|bounce)\+([A-Za-z0-9_-]{8,40})@(.+)$")


@dataclass(frozen=True)
class Thread:
    continue_appeal: uuid.UUID | None
    reason: str  # number, token, reference, subject, new, changed-subject


def topic(subject: str) -> str:
    """A subject without Re:/Fwd:/Отв: prefixes, the appeal number and extra space."""
    text = " ".join(NUMBER.sub(" ", subject or "").split())
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text).strip()
    return text


def normalize_subject(subject: str) -> str:
    """The topic as threading compares it (case-insensitive)."""
    return topic(subject).casefold()[:500]


def appeal_number(subject: str) -> str | None:
    found = NUMBER.search(subject or "")
    return found.group(1).upper() if found else None


def token_of(address: str, reply_domain: str | None) -> str | None:
    found = TOKEN.match(address or "")
    if not found or not reply_domain or found.group(2).lower() != reply_domain.lower():
        return None
    return found.group(1)


async def decide(account: Any, parsed: ParsedMail) -> Thread:
    number = appeal_number(parsed.subject)
    if number:
        brief = await appeals_bridge.appeal_by_number(account.organization_id, number)
        if brief is not None:
            return Thread(brief.id, "number")
    topic = normalize_subject(parsed.subject)
    answered = await _answered(account, parsed)
    if answered is not None:
        appeal_id, subject, how = answered
        if subject and topic and subject != topic:
            return Thread(None, "changed-subject")
        if appeal_id is not None:
            return Thread(appeal_id, how)
        return Thread(None, "new")  # an answer to mail of no appeal (a newsletter)
    earlier = await current().db.fetchone(
        "SELECT appeal_id FROM mail_message WHERE account_id = {} AND direction = 'in'"
        " AND from_address = {} AND thread_subject = {} AND appeal_id IS NOT NULL"
        " ORDER BY created_at DESC LIMIT 1",
        account.id,
        parsed.from_address,
        topic,
    )
    if earlier is not None:
        return Thread(_uuid(earlier["appeal_id"]), "subject")
    return Thread(None, "new")


async def _answered(account: Any, parsed: ParsedMail) -> tuple[uuid.UUID | None, str, str] | None:
    """(appeal, its topic, how found) of the message this one answers, when we know it."""
    db = current().db
    for address in [*parsed.to, *parsed.cc, *parsed.delivered_to]:
        token = token_of(address, account.config.reply_domain)
        if token:
            row = await db.fetchone(
                "SELECT appeal_id, thread_subject FROM mail_message WHERE token = {}"
                " AND account_id = {}",
                token,
                account.id,
            )
            if row is not None:
                return _uuid(row["appeal_id"]), row["thread_subject"], "token"
    for message_id in [*parsed.in_reply_to, *reversed(parsed.references)]:
        row = await db.fetchone(
            "SELECT appeal_id, thread_subject FROM mail_message WHERE key = {}",
            f"{account.id}:{message_id}",
        )
        if row is not None:
            return _uuid(row["appeal_id"]), row["thread_subject"], "reference"
    return None


def _uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))
