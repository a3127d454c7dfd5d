"""A widget's settings (the channel account's ``config``) and secrets.

One channel account of the ``web`` channel is one chat widget: the sites it may run on, its
texts in Russian and English, its working hours and what it offers outside them.
"""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from unionline import WHITE_SPACE

# scheme://host[:port], no path: exactly what a browser sends in the Origin header.
ORIGIN = r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$(?!\n)"
TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)"
DEFAULT_UPLOAD_TYPES = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
]


class Texts(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A text the visitor reads, in Russian (the default) and English."""

    ru: Annotated[str, msgspec.Meta(max_length=1000)] = ""
    en: Annotated[str, msgspec.Meta(max_length=1000)] = ""

    def pick(self, lang: str) -> str:
        return (self.en if lang == "en" else self.ru) or self.ru or self.en


class Hours(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Working hours on some days of the week (1 = Monday … 7 = Sunday), local time."""

    days: list[Annotated[int, msgspec.Meta(ge=1, le=7)]]
    start: Annotated[str, msgspec.Meta(pattern=TIME)] = "09:00"
    end: Annotated[str, msgspec.Meta(pattern=TIME)] = "18:00"


def _texts(ru: str, en: str) -> Texts:
    return Texts(ru=ru, en=en)


class WidgetSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A chat widget (the account's ``config``)."""

    # The sites that may embed the widget, as browsers send them in Origin
    # ("https://union.example", "http://localhost:8080"). Any other page is refused.
    allowed_origins: Annotated[
        list[Annotated[str, msgspec.Meta(pattern=ORIGIN)]], msgspec.Meta(min_length=1)
    ]
    title: Texts = msgspec.field(default_factory=lambda: _texts("Чат профсоюза", "Union chat"))
    greeting: Texts = msgspec.field(
        default_factory=lambda: _texts(
            "Здравствуйте! Напишите ваш вопрос — вам ответит сотрудник профсоюза.",
            "Hello! Write your question and a union officer will answer.",
        )
    )
    off_hours_message: Texts = msgspec.field(
        default_factory=lambda: _texts(
            "Сейчас мы не на связи. Оставьте сообщение или заявку — ответим в рабочее время.",
            "We are offline now. Leave a message or a request and we will answer in office hours.",
        )
    )
    # Working hours in ``timezone``; none: the chat is always staffed.
    timezone: str = "Europe/Moscow"
    hours: list[Hours] = msgspec.field(default_factory=list)
    # Outside working hours the widget offers this form: a link ("https://…/appeal") or an
    # anchor on the same page ("#form") where the site embeds the form widget.
    form_url: Annotated[
        str, msgspec.Meta(max_length=500, pattern=rf"^((https?://|#)[^{WHITE_SPACE}]*)?$(?!\n)")
    ] = ""
    # Files a visitor may attach (also bounded by the [channels] limits).
    max_upload_bytes: Annotated[int, msgspec.Meta(ge=0)] = 10 * 1024 * 1024
    upload_types: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_UPLOAD_TYPES))
    # A visitor token unused for this many days is refused (each use starts the count again);
    # the browser then starts as a new visitor. Rotating ``widget_secret`` refuses them all.
    visitor_token_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] = 180
    # New visitors one client address may start per hour (a burst of this many, refilled
    # evenly over the hour); returning visitors are not counted.
    new_visitors_per_hour: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 60

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None


class WidgetSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The widget's secret: the union's site signs member ids with it (never sent to browsers)."""

    widget_secret: Annotated[str, msgspec.Meta(min_length=16, max_length=200)]
