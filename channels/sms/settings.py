"""The ``[sms]`` section: stop words, the confirmation an opt-out gets, status polling and the
SMPP sessions kept by this process."""

from __future__ import annotations

from typing import Annotated

import msgspec

STOP_WORDS = ["СТОП", "STOP", "ОТПИСАТЬСЯ", "UNSUBSCRIBE"]
START_WORDS = ["СТАРТ", "START"]
STOP_REPLY = (
    "Вы отписались от SMS профсоюза и больше не будете их получать. "
    "Чтобы подписаться снова, отправьте СТАРТ."
)


class SmsSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[sms]`` section of the configuration file."""

    # An SMS whose whole text is one of these (any case, punctuation around ignored) opts its
    # number out of the account's SMS; one of ``start_words`` opts it back in.
    stop_words: list[str] = msgspec.field(default_factory=lambda: list(STOP_WORDS))
    start_words: list[str] = msgspec.field(default_factory=lambda: list(START_WORDS))
    # Sent once to a number that opted out, where the gateway can send to it ("" sends none).
    stop_reply: str = STOP_REPLY
    # HTTP gateways in "polling" mode are asked for the statuses of this long a window of sends.
    status_poll_seconds: Annotated[float, msgspec.Meta(gt=0)] = 60.0
    status_window_hours: Annotated[float, msgspec.Meta(gt=0)] = 24.0
    # Keep the SMPP sessions (binds, receipts, inbound SMS) and status polling in the web app
    # process; otherwise run ``unionline sms run`` beside it. A send binds on demand anyway.
    run_pollers: bool = False
    request_timeout: Annotated[float, msgspec.Meta(gt=0, le=120)] = 15.0
    # SMPP send claims and parts are deleted this many days after the send (daily): far past
    # the last retry of a delivery and the last delivery receipt (see smpp/prune.py).
    smpp_keep_days: Annotated[int, msgspec.Meta(ge=7, le=3650)] = 30


def sms_settings() -> SmsSettings:
    from unionline import current

    return current().settings.section("sms", SmsSettings)
