"""What every SMS channel does the same way, HTTP gateway or SMPP: the checks before a send
(text only, the number not opted out, within the account's part limit), the note beside the
delivery status («2 SMS · 3,40 ₽»), and a member's SMS into an ``InboundMessage`` (E.164
sender, stop words)."""

from __future__ import annotations

from typing import Any

import msgspec

from unionline import PermanentFailure, UnsupportedUpdate
from unionline.channel import (
    Capabilities,
    ChannelAccount,
    InboundMessage,
    OutboundMessage,
    Sender,
)
from unionline.channels.sms import optout, phones, segments

DEFAULT_MAX_SEGMENTS = 6


def max_segments(account: ChannelAccount[Any, Any]) -> int:
    return int(getattr(account.config, "max_segments", DEFAULT_MAX_SEGMENTS))


async def refuse_before_sending(
    account: ChannelAccount[Any, Any], message: OutboundMessage
) -> segments.Segments:
    """Raise ``PermanentFailure`` (Russian, for the timeline) for what must not be sent; else
    the parts the text takes."""
    phone, need = refuse_content(account, message)
    row = await optout.opted_out(account.id, phone)
    if row is not None and row.confirmation_entry != message.entry_id:
        raise PermanentFailure(optout.reason(account.name))
    return need


def refuse_content(
    account: ChannelAccount[Any, Any], message: OutboundMessage
) -> tuple[str, segments.Segments]:
    """The checks that need no database (attachments, the number, the part limit); the
    recipient's E.164 number and the parts the text takes."""
    if message.attachments:
        raise PermanentFailure(NO_FILES)
    phone = phones.e164(message.recipient)
    if phone is None:
        raise PermanentFailure(f"«{message.recipient}» — не номер телефона: SMS не отправлено")
    refusal, need = _text_refusal(account, message)
    if refusal:
        raise PermanentFailure(refusal)
    return phone, need


def content_refusal(account: ChannelAccount[Any, Any], message: OutboundMessage) -> str:
    """Why the account refuses ``message`` for what it holds (files, an empty text, more parts
    than its limit), "" when it takes it — the channels' ``message_refusal``, asked before a
    message is queued; :func:`refuse_content` refuses the same at the send."""
    if message.attachments:
        return NO_FILES
    return _text_refusal(account, message)[0]


NO_FILES = "SMS передаёт только текст: файл отправьте другим каналом"


def _text_refusal(
    account: ChannelAccount[Any, Any], message: OutboundMessage
) -> tuple[str, segments.Segments]:
    """The refusal of the text ("" when it goes) and the parts it takes — the whole text as
    sent, with any link buttons' lines (one Cyrillic label makes all of it UCS-2)."""
    need = segments.count(message.text)
    if need.count == 0:
        return "Пустое SMS не отправляется", need
    limit = max_segments(account)
    if need.count <= limit:
        return "", need
    script = "кириллица" if need.encoding == "ucs2" else "латиница"
    what = "сообщение" if message.broadcast else "ответ"
    ucs2, gsm7 = segments.max_length(limit, "ucs2"), segments.max_length(limit, "gsm7")
    return (
        f"Текст занимает {need.count} SMS ({script}), а для этого подключения разрешено не"
        f" больше {limit} — это {ucs2} симв. кириллицей или {gsm7} латиницей: сократите {what}"
    ), need


def account_capabilities(
    capabilities: Capabilities, account: ChannelAccount[Any, Any]
) -> Capabilities:
    """The type's capabilities at the account's part limit: the console counts parts."""
    limit = max_segments(account)
    return msgspec.structs.replace(
        capabilities, sms_segments=limit, max_text_length=segments.max_length(limit, "ucs2")
    )


def note(parts: int, cost: float | None = None, currency: str = "₽") -> str:
    """«2 SMS · 3,40 ₽» — the parts, and the cost when the gateway reported it."""
    text = f"{parts} SMS"
    if cost is not None:
        text += f" · {cost:.2f}".replace(".", ",") + f" {currency}"
    return text


def member_sms(
    account: ChannelAccount[Any, Any],
    external_id: str,
    sender: str,
    text: str,
    *,
    to: str = "",
    sent_at: float | None = None,
) -> InboundMessage:
    """A member's SMS as the SDK stores it; ``UnsupportedUpdate`` for a sender that is no
    phone (a bank's notice) or an empty text. Stop words are applied by :func:`apply_words`."""
    phone = phones.e164(sender)
    if phone is None:
        raise UnsupportedUpdate(f"SMS {external_id} from {sender!r}: not a phone number")
    if not text.strip():
        raise UnsupportedUpdate(f"SMS {external_id} has no text")
    data: dict[str, Any] = {"sms_from": phone, "sms_parts": segments.count(text).count}
    if to:
        data["sms_to"] = to
    return InboundMessage(
        external_id=external_id,
        sender=Sender(kind="phone", address=phone),
        text=text,
        conversation=phone,
        sent_at=sent_at,
        data=data,
    )


async def apply_words(account: ChannelAccount[Any, Any], message: InboundMessage) -> InboundMessage:
    """Opt the sender out (СТОП) or back in (СТАРТ); the message is stored either way, marked
    ``sms_opt`` so the confirmation follows and operators see why replies are refused."""
    word = optout.keyword(message.text)
    if word is None:
        return message
    phone = message.sender.address
    if word == "stop":
        await optout.opt_out(account, phone, message.text.strip())
    else:
        await optout.opt_in(account, phone)
    data = {**message.data, "sms_opt": "out" if word == "stop" else "in"}
    warning = (
        "Абонент отписался от SMS (стоп-слово): ответы по SMS ему не отправляются"
        if word == "stop"
        else "Абонент снова подписался на SMS (СТАРТ)"
    )
    return _replace(message, data=data, warnings=(*message.warnings, warning))


def _replace(message: InboundMessage, **changes: Any) -> InboundMessage:
    return msgspec.structs.replace(message, **changes)
