"""Messages of the ``/ws/console`` protocol (documented in docs/console-protocol.md)."""

from __future__ import annotations

from typing import Any

import msgspec

PROTOCOL_VERSION = 1

# Close codes (4000–4999 are the application's own).
CLOSE_PROTOCOL_ERROR = 4000
CLOSE_UNAUTHORIZED = 4001
CLOSE_FORBIDDEN_ORIGIN = 4003  # opened from a page of another site
CLOSE_REVOKED = 4401  # signed out, deactivated, token revoked or password reset: sign in again
CLOSE_SLOW_CONSUMER = 4008  # the send queue overflowed: reconnect with your last id
CLOSE_IDLE = 4009  # no message from the client within the idle timeout


# -- client → server ------------------------------------------------------------------------


class Hello(msgspec.Struct, tag="hello", forbid_unknown_fields=True):
    """First message: resume after ``last_id`` (None: only live events from now on)."""

    last_id: int | None = None
    locale: str = "ru"


class Ping(msgspec.Struct, tag="ping"):
    pass


class Pong(msgspec.Struct, tag="pong"):
    pass


class Command(msgspec.Struct, tag="command", forbid_unknown_fields=True):
    """A request; answered by a ``result`` with the same ``ref``."""

    ref: str
    name: str
    args: dict[str, Any] = msgspec.field(default_factory=dict)


ClientMessage = Hello | Ping | Pong | Command


# -- server → client ------------------------------------------------------------------------


class Welcome(msgspec.Struct, tag="welcome"):
    protocol: int
    operator_id: str
    resume_from: int | None
    heartbeat_seconds: float


class EventFrame(msgspec.Struct, tag="event"):
    """A domain event; ``id`` is its stream position: dense, ordered, the resume cursor."""

    id: int
    event: str
    data: msgspec.Raw


class CaughtUp(msgspec.Struct, tag="caught_up"):
    """Replay is over; live events follow. ``id`` is the last position replayed."""

    id: int


class Signal(msgspec.Struct, tag="signal"):
    """An ephemeral notice (typing, viewing, presence): not stored, not replayed."""

    signal: str
    data: dict[str, Any]


class ErrorBody(msgspec.Struct, omit_defaults=True):
    code: str
    message: str
    field: str | None = None
    extra: dict[str, Any] = msgspec.field(default_factory=dict)


class Result(msgspec.Struct, tag="result", omit_defaults=True):
    ref: str
    ok: bool
    data: Any = None
    error: ErrorBody | None = None


ServerMessage = Welcome | EventFrame | CaughtUp | Signal | Result | Ping | Pong

client_decoder = msgspec.json.Decoder(ClientMessage)
encoder = msgspec.json.Encoder()
