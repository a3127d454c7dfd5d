"""What the SMSC delivers: receipts (to :mod:`.receipts`) and members' SMS, stored as their
messages before the deliver_sm is answered (so an SMS the SMSC sends again after a lost
answer is the same update: its id is derived from the sender, the recipient, the text and the
ten minutes it arrived in). The parts of a concatenated SMS are joined first."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from unionline import UnsupportedUpdate
from unionline.channel import ChannelAccount, store_inbound
from unionline.channels.sms import common, segments
from unionline.channels.sms.smpp import pdu, receipts

REDELIVERY_WINDOW = 600  # seconds: the same SMS again within them is the SMSC's redelivery
_PARTS: dict[tuple[str, str, int], dict[int, str]] = {}


async def delivered(account: ChannelAccount[Any, Any], message: pdu.ShortMessage) -> None:
    if message.is_receipt:
        await receipts.received(account.id, pdu.read_receipt(message))
        return
    text = _text_of(message)
    if text is None:
        return  # a part of a longer SMS: kept until the rest arrives
    key = "|".join((message.source, message.destination, text))
    window = int(time.time() // REDELIVERY_WINDOW)
    external_id = f"mo:{hashlib.sha256(key.encode()).hexdigest()[:24]}:{window}"
    try:
        sms = common.member_sms(
            account, external_id, _sender(message), text, to=message.destination
        )
    except UnsupportedUpdate:
        return
    await store_inbound(account, [await common.apply_words(account, sms)])


def _sender(message: pdu.ShortMessage) -> str:
    if message.source_ton == pdu.TON_INTERNATIONAL and not message.source.startswith("+"):
        return f"+{message.source}"
    return message.source


def _text_of(message: pdu.ShortMessage) -> str | None:
    data = message.short_message
    concat = None
    if message.esm_class & pdu.ESM_UDHI:
        concat, data = segments.strip_udh(data)
    text = segments.decode(data, message.data_coding)
    if concat is None:
        return text
    reference, total, number = concat
    slot = (message.source, message.destination, reference)
    parts = _PARTS.setdefault(slot, {})
    parts[number] = text
    if len(parts) < total:
        return None
    del _PARTS[slot]
    return "".join(parts[n] for n in sorted(parts))
