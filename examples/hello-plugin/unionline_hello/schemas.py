"""What the HTTP API reads and answers."""

from __future__ import annotations

from typing import Annotated

import msgspec


class NewGreeting(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class GreetingView(msgspec.Struct, kw_only=True):
    id: int
    name: str
    text: str
    delivered: bool
    events_seen: int
