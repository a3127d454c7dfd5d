"""The words of campaigns, written once: channels of consent, purposes, statuses."""

from __future__ import annotations

from typing import Literal

ConsentChannel = Literal["email", "sms", "telegram", "vk", "voice"]
Purpose = Literal["info", "ads"]
Source = Literal["form", "import", "operator", "messenger", "legacy", "link"]

CHANNELS: tuple[str, ...] = ("email", "sms", "telegram", "vk", "voice")
PURPOSES: tuple[str, ...] = ("info", "ads")
# The member's contact point each channel reaches.
CONTACT_KIND = {
    "email": "email",
    "sms": "phone",
    "telegram": "telegram",
    "vk": "vk",
    "voice": "phone",
}
# A robot call's text at most (about a minute of speech; the phone channel refuses longer ones).
VOICE_MAX = 600
# The legacy per-channel flags of the member card (``member.consents``) by their keys.
LEGACY_KEYS = {
    "email": "email",
    "mail": "email",
    "sms": "sms",
    "phone": "sms",
    "telegram": "telegram",
    "vk": "vk",
    "voice": "voice",
}

CampaignStatus = Literal["draft", "scheduled", "late", "sending", "paused", "cancelled", "finished"]
TERMINAL = ("sent", "delivered", "bounced", "failed", "skipped", "cancelled")
# What members did (``campaigns_event.kind``) -> the count of the statistics it makes.
EVENT_COUNTS = {
    "open": "opened",
    "click": "clicked",
    "unsubscribe": "unsubscribed",
    "reply": "replied",
}
# Replies that withdraw a messenger's or SMS consent.
STOP_WORDS = frozenset({"СТОП", "STOP", "ОТПИСАТЬСЯ", "UNSUBSCRIBE", "ОТПИСКА"})
