"""The ``[routing]`` settings section: presence timing and the engine's sweep."""

from __future__ import annotations

from typing import Annotated

import msgspec

Seconds = Annotated[float, msgspec.Meta(ge=0, le=86400)]


class RoutingSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # An operator whose last console socket closed stays online this long (a page reload or a
    # network blip must not hand their appeals to someone else).
    offline_grace_seconds: Seconds = 30
    # Each process refreshes the rows of its open sockets this often; a row not refreshed for
    # ``connection_ttl_seconds`` belongs to a process that died, and no longer counts.
    refresh_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 20
    connection_ttl_seconds: Annotated[float, msgspec.Meta(gt=0, le=86400)] = 90
    # The sweep catches up on anything an event listener missed (a crash between commit and
    # enqueue): unassigned appeals, expired offers, due overflows, stale presence.
    sweep_seconds: Annotated[float, msgspec.Meta(gt=0, le=86400)] = 30
    drain_batch: Annotated[int, msgspec.Meta(ge=1, le=10000)] = 200  # appeals per drain pass

    def __post_init__(self) -> None:
        if self.refresh_seconds >= self.connection_ttl_seconds:
            raise ValueError("refresh_seconds must be shorter than connection_ttl_seconds")


def routing_settings() -> RoutingSettings:
    from unionline.runtime import current

    return current().settings.section("routing", RoutingSettings)
