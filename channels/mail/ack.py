"""Automatic acknowledgements: "your appeal is registered under number …", per mailbox.

Sent for the first mail of an appeal when the mailbox has ``auto_ack`` on, never for an
automatic message (RFC 3834: out-of-office replies, list mail, bounces), and at most once per
sender per mailbox within ``[mail] ack_interval_hours`` (24 by default). The reply goes through
the ordinary outbound path (a timeline entry operators see), marked automatic so that it
leaves with ``MAIL FROM:<>`` and ``Auto-Submitted: auto-replied``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from unionline import current
from unionline.channel import appeal_brief, automatic_reply
from unionline.channels.mail.parse import ParsedMail
from unionline.channels.mail.settings import mail_settings

TEXTS = {
    "ru": (
        "Здравствуйте!\n\n"
        "Ваше обращение получено и зарегистрировано под номером {number}. "
        "Мы ответим вам в ближайшее время.\n\n"
        "Чтобы дополнить обращение, ответьте на это письмо, не удаляя номер из темы.\n\n"
        "Это письмо отправлено автоматически."
    ),
    "en": (
        "Hello,\n\n"
        "We have received your appeal and registered it under the number {number}. "
        "We will answer you soon.\n\n"
        "To add to your appeal, reply to this message keeping the number in the subject.\n\n"
        "This message was sent automatically."
    ),
}


def ack_text(config: Any, number: str) -> str:
    template = config.ack_text or TEXTS.get(config.ack_language, TEXTS["ru"])
    return template.replace("{number}", number)


async def maybe_acknowledge(account: Any, parsed: ParsedMail, appeal_id: uuid.UUID) -> bool:
    """Queue an acknowledgement of ``parsed`` (in the caller's transaction) when due."""
    if not account.config.auto_ack or not parsed.from_address:
        return False
    if not await _first_mail_of_appeal(appeal_id):
        return False
    if not await claim_daily_slot(account.id, parsed.from_address):
        return False
    brief = await appeal_brief(appeal_id)
    if brief is None:
        return False
    entry_id = await automatic_reply(appeal_id, ack_text(account.config, brief.number))
    await mark_automatic(entry_id)
    return True


async def _first_mail_of_appeal(appeal_id: uuid.UUID) -> bool:
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM mail_message WHERE appeal_id = {} AND direction = 'in'",
        appeal_id,
    )
    return row is not None and int(row["n"]) <= 1


async def claim_daily_slot(account_id: uuid.UUID, sender: str) -> bool:
    """Take the sender's acknowledgement slot; False when one went out within the interval."""
    now = time.time()
    cutoff = now - mail_settings().ack_interval_hours * 3600
    row = await current().db.fetchone(
        "INSERT INTO mail_ack (id, key, sent_at) VALUES ({}, {}, {})"
        " ON CONFLICT (key) DO UPDATE SET sent_at = excluded.sent_at"
        " WHERE mail_ack.sent_at < {} RETURNING id",
        uuid.uuid4(),
        f"{account_id}:{sender.lower()}"[:400],
        now,
        cutoff,
    )
    return row is not None


async def mark_automatic(entry_id: int) -> None:
    await current().db.execute(
        "INSERT INTO mail_auto_reply (id, entry_id, created_at) VALUES ({}, {}, {})"
        " ON CONFLICT (entry_id) DO NOTHING",
        uuid.uuid4(),
        entry_id,
        time.time(),
    )


async def is_automatic(entry_id: int) -> bool:
    row = await current().db.fetchone(
        "SELECT id FROM mail_auto_reply WHERE entry_id = {}", entry_id
    )
    return row is not None
