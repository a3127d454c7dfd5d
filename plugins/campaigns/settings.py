"""The ``[campaigns]`` settings section."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec

import unionline


class CampaignsSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Where members' links point (unsubscribe, clicks); empty: ``[server] public_url``.
    public_url: str = ""
    # The mailto of List-Unsubscribe, e.g. "unsubscribe@union.example"; empty: https only.
    unsubscribe_mailto: str = ""
    # A claimed recipient whose worker died is claimed again after this many seconds.
    lease_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 120.0
    # Sends of one recipient before it is failed (transient errors, rate limits).
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=100)] = 8
    # One job run sends for this long, then hands over to the next run.
    run_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 30.0
    # Quiet hours in the member's time zone (their organization's, ``unionline.calendar``):
    # nothing is sent from ``quiet_from`` o'clock until ``quiet_to`` (e.g. 21 and 9); equal
    # hours (the default): no quiet hours.
    quiet_from: Annotated[int, msgspec.Meta(ge=0, le=23)] = 0
    quiet_to: Annotated[int, msgspec.Meta(ge=0, le=23)] = 0
    # Members' clicks, unsubscribes and replies are kept this many days (0: forever).
    event_retention_days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 365
    # A scheduled start this late (the installation was down) waits for a confirmation.
    late_after_minutes: Annotated[int, msgspec.Meta(ge=1, le=10080)] = 60
    # Sends per second per channel account (the provider's limit for bulk sending); 0: the
    # channel's own limit (e-mail 5/s). New senders warm up by raising these day by day.
    email_per_second: Annotated[float, msgspec.Meta(ge=0, le=10000)] = 0.0
    sms_per_second: Annotated[float, msgspec.Meta(ge=0, le=10000)] = 0.0
    messenger_per_second: Annotated[float, msgspec.Meta(ge=0, le=10000)] = 0.0
    voice_per_second: Annotated[float, msgspec.Meta(ge=0, le=10000)] = 0.0
    # E-mail warm-up of a new sending domain: from ``email_warmup_start`` (a date, e.g.
    # "2026-12-07"; empty: no warm-up) each e-mail account sends at most
    # ``email_warmup_daily[n]`` campaign e-mails on the n-th day (its organization's local day,
    # the first is 0), e.g. [50, 100, 250, 500, 1000, 2500, 5000]; after the list, no daily cap.
    # What is over the day's cap waits for the next day.
    email_warmup_start: Annotated[
        str, msgspec.Meta(pattern=r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$(?!\n)")
    ] = ""
    email_warmup_daily: Annotated[
        list[Annotated[int, msgspec.Meta(ge=0)]], msgspec.Meta(max_length=365)
    ] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if self.email_warmup_start:
            try:
                date.fromisoformat(self.email_warmup_start)
            except ValueError:
                raise ValueError("email_warmup_start is not a date (YYYY-MM-DD)") from None

    def warmup_cap(self, day: date) -> int | None:
        """The warm-up's cap of e-mails per account on ``day`` (None: no cap)."""
        if not self.email_warmup_start or not self.email_warmup_daily:
            return None
        n = (day - date.fromisoformat(self.email_warmup_start)).days
        if n >= len(self.email_warmup_daily):
            return None
        return self.email_warmup_daily[max(0, n)]

    def rate(self, channel: str) -> float:
        return {
            "email": self.email_per_second,
            "sms": self.sms_per_second,
            "telegram": self.messenger_per_second,
            "vk": self.messenger_per_second,
            "voice": self.voice_per_second,
        }.get(channel, 0.0)


def campaigns_settings() -> CampaignsSettings:
    return unionline.current().settings.section("campaigns", CampaignsSettings)


def public_url() -> str:
    own = campaigns_settings().public_url.strip()
    return (own or unionline.current().settings.server.public_url).rstrip("/")
