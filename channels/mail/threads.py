"""Which appeal an e-mail continues. The rules (documented in docs/channels/mail.md):

1. The appeal number in the subject (``[PPO-2026-42]``) names the appeal.
2. Else a reply token in a recipient address (``reply+<token>@<reply domain>``) or a
   Message-ID we sent or received in ``In-Reply-To``/``References`` names the message
   answered — and its appeal, whatever the subject says: clients prefix and translate it
   (``RE[2]:``, ``AW:``, ``Отв:``, «Автоматический ответ:», «Нет на месте:»), and a reply is
   a reply.
3. Else a fresh mail continues the sender's latest mail to this mailbox with the same subject
   (prefixes stripped).
4. Otherwise it starts a new appeal.

An appeal found this way is used only when it is the sender's own (the appeals domain checks
the member), so replies of two members to one newsletter never merge.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from itertools import takewhile
from typing import Any

import msgspec

from unionline import current
from unionline.channel import appeal_by_number
from unionline.channels.mail.parse import ParsedMail
from unionline.rows import IdRow

NUMBER = re.compile(r"\[\s*([A-Za-z0-9][A-Za-z0-9_.-]{0,30}-\d{4}-\d{1,9})\s*\]")
_YEAR_IN_NUMBER = re.compile(r"-\d{4}-\d")  # in every NUMBER (a "-" is rare: a fast scan)
# NUMBER as :func:`_without_numbers` runs it: possessive (a space is never an id's first
# character nor a digit, so giving one back never matched), and the same read backwards for
# the reversed subject, which starts at "]".
_NUMBER_FORWARD = re.compile(r"\[\s*+([A-Za-z0-9][A-Za-z0-9_.-]{0,30}-\d{4}-\d{1,9}+)\s*+\]")
_NUMBER_BACKWARD = re.compile(r"\]\s*+(\d{1,9}+-\d{4}-[A-Za-z0-9_.-]{0,30}[A-Za-z0-9])\s*+\[")
# Reply and forward prefixes of mail clients in many languages, and the subject lines
# out-of-office responders put before the original subject.
PREFIXES = (
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "tr", "rif", "odp", "ynt", "fw_",
    "отв", "ответ", "пересл", "переслано",
)  # fmt: skip
AUTO_PREFIXES = (
    "автоматический ответ", "автоответ", "нет на месте", "вне офиса",
    "automatic reply", "auto-reply", "autoreply", "auto reply", "out of office",
    "out of office autoreply", "abwesenheitsnotiz", "automatische antwort",
    "réponse automatique",
)  # fmt: skip


def _either(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Prefixes are read with C-speed string operations, whatever their number: the subject is cut
# at its colons and the pieces before the first that is not a prefix word ("re", "re [2]",
# "отв (3)"…) are dropped. A regular expression matched again after every 64 prefixes made
# "Re: " * n cost ~15 times an ordinary subject per KB, this ~5 (issue #12's linearity;
# ``benchmarks/adversarial_input.py``).
_WORDS = frozenset(word.casefold() for word in PREFIXES + AUTO_PREFIXES)
# the same with the space the normalized subject may have around a colon
_SPACED = frozenset(
    f"{before}{word}{after}" for word in _WORDS for before in ("", " ") for after in ("", " ")
)
_COUNTER = re.compile(r"(?:\[\d+\]|\(\d+\))(?= ?:)")  # "[2]" / "(3)" before a colon
AUTO_SUBJECT = re.compile(rf"^\s*(?:{_either(AUTO_PREFIXES)})\s*[:：]", re.IGNORECASE)
TOKEN = re.compile(r"(?:reply|bounce)\+([A-Za-z0-9_-]{8,40})@(.+)")  # the whole address


@dataclass(frozen=True)
class Thread:
    continue_appeal: uuid.UUID | None
    reason: str  # number, token, reference, subject, new


def topic(subject: str) -> str:
    """A subject without Re:/Fwd:/Отв: prefixes, the appeal number and extra space."""
    subject = subject or ""
    # every appeal number holds "-" and a year: without one the number pattern (an attempt at
    # every "[", "[ " * n ~3 times an ordinary subject per KB) is not run
    raw = _without_numbers(subject).lstrip()
    # prefixes written as the normalized subject has them are dropped before it is normalized
    # (a run of thousands is not split at its spaces and joined again only to be dropped)
    text = " ".join(raw[_prefixes_end(raw) :].split())
    colons = text.replace("\uff1a", ":")  # the full-width colon some clients write
    if ":" not in colons:
        return text
    folded = colons.casefold()
    if len(folded) == len(colons) and "[" not in folded and "(" not in folded:
        return text[_prefixes_end(colons) :].strip()  # offsets kept by casefold
    pieces = _COUNTER.sub("", folded).split(":")[:-1]  # those a colon ends
    count = len(list(takewhile(_WORDS.__contains__, map(str.strip, pieces))))
    end = sum(map(len, colons.split(":", count)[:count])) + count
    return text[end:].strip()


def _without_numbers(subject: str) -> str:
    """``NUMBER.sub(" ", subject)``, read from the side with fewer brackets: a number is a
    "[" and the next "]" around an id (no bracket inside), so every such pair is found from
    either end, and the pattern is tried once per "[" forwards or once per "]" backwards
    (``"[ " * n`` and one number: ~5 times an ordinary subject per KB forwards, ~2.5
    backwards). Every appeal number holds "-" and a year: without one nothing is tried."""
    if not _YEAR_IN_NUMBER.search(subject):
        return subject
    if subject.count("[") <= subject.count("]"):
        return _NUMBER_FORWARD.sub(" ", subject)
    return _NUMBER_BACKWARD.sub(" ", subject[::-1])[::-1]


# Characters split at a time (more than any prefix with its spaces and colon): tens of
# thousands of pieces at once ran ~3 times slower per piece (memory); a window of them costs
# the same per KB at any length.
_WINDOW = 8192


def _prefixes_end(text: str) -> int:
    """Where the leading prefixes of ``text`` end: the pieces between colons that are prefix
    words with at most one space (" ") on either side, read a window at a time (casefolded,
    full-width colons read as colons); a window whose casefolding changes its length ends
    them (the offsets would no longer be the text's)."""
    end = 0
    while True:
        window = text[end : end + _WINDOW]
        folded = window.casefold().replace("\uff1a", ":")
        cut = folded.rfind(":")
        if cut < 0 or len(folded) != len(window):
            return end
        pieces = folded[:cut].split(":")  # those a colon ends
        if _SPACED.issuperset(pieces):  # the whole window: no step in Python per piece
            end += cut + 1
            continue
        prefixes = list(takewhile(_SPACED.__contains__, pieces))
        return end + sum(map(len, prefixes)) + len(prefixes)


def normalize_subject(subject: str) -> str:
    """The topic as threading compares it (case-insensitive)."""
    return topic(subject).casefold()[:500]


def appeal_number(subject: str) -> str | None:
    found = NUMBER.search(subject or "")
    return found.group(1).upper() if found else None


def token_of(address: str, reply_domain: str | None) -> str | None:
    found = TOKEN.fullmatch(address or "")
    if not found or not reply_domain or found.group(2).lower() != reply_domain.lower():
        return None
    return found.group(1)


async def decide(account: Any, parsed: ParsedMail) -> Thread:
    number = appeal_number(parsed.subject)
    if number:
        brief = await appeal_by_number(account.organization_id, number)
        if brief is not None:
            return Thread(brief.id, "number")
    answered = await _answered(account, parsed)
    if answered is not None:
        appeal_id, how = answered
        if appeal_id is not None:
            return Thread(appeal_id, how)
        return Thread(None, "new")  # an answer to mail of no appeal (a newsletter)
    topic = normalize_subject(parsed.subject)
    earlier = await current().db.fetch_one_as(
        IdRow,
        "SELECT appeal_id AS id FROM mail_message WHERE account_id = {} AND direction = 'in'"
        " AND from_address = {} AND thread_subject = {} AND appeal_id IS NOT NULL"
        " ORDER BY created_at DESC LIMIT 1",
        account.id,
        parsed.from_address,
        topic,
    )
    if earlier is not None:
        return Thread(earlier.id, "subject")
    return Thread(None, "new")


async def _answered(account: Any, parsed: ParsedMail) -> tuple[uuid.UUID | None, str] | None:
    """(appeal, how found) of the message this one answers, when we know it."""
    db = current().db
    for address in [*parsed.to, *parsed.cc, *parsed.delivered_to]:
        token = token_of(address, account.config.reply_domain)
        if token:
            row = await db.fetch_one_as(
                _Answered,
                "SELECT appeal_id FROM mail_message WHERE token = {} AND account_id = {}",
                token,
                account.id,
            )
            if row is not None:
                return row.appeal_id, "token"
    for message_id in [*parsed.in_reply_to, *reversed(parsed.references)]:
        row = await db.fetch_one_as(
            _Answered,
            "SELECT appeal_id FROM mail_message WHERE key = {}",
            f"{account.id}:{message_id}",
        )
        if row is not None:
            return row.appeal_id, "reference"
    return None


class _Answered(msgspec.Struct):
    """The message a mail answers: its appeal (None: mail of no appeal)."""

    appeal_id: uuid.UUID | None
