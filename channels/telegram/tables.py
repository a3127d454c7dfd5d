"""The parts of long messages already sent, so a retried delivery sends only what is missing.

A text over 4,096 characters goes out as several Telegram messages; when part 2 meets a 429,
the retry must not send part 1 again. ``key`` is ``"<delivery id>:<part>"``.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, DoublePrecision, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class SentPart(Table, tablename="telegram_sent_part"):
    id = UUID(primary_key=True, default=UUID4())
    delivery_id = UUID(index=True)
    key = Varchar(length=60, unique=True)  # "<delivery id>:<part index>"
    message_id = BigInt()  # Telegram's id of the message that part became
    sent_at = DoublePrecision(default=0.0)
