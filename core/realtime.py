"""The realtime bus: Litestar's channels plugin, in memory by default and on Redis when set.

The event relay publishes every positioned event batch on the ``events`` channel; websocket
handlers (console, widgets) subscribe, filter per receiver, and resume from the event log.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend

if TYPE_CHECKING:
    from litestar.channels.backends.base import ChannelsBackend

    from unionline.events import Sink, StoredEvent
    from unionline.settings import Settings

EVENTS_CHANNEL = "events"


log = logging.getLogger(__name__)


def make_backend(settings: Settings) -> ChannelsBackend:
    history = settings.realtime.history
    if settings.redis_url:
        from litestar.channels.backends.redis import RedisChannelsStreamBackend
        from redis.asyncio import Redis

        return RedisChannelsStreamBackend(
            history=history, redis=Redis.from_url(settings.redis_url), key_prefix="unionline"
        )
    return MemoryChannelsBackend(history=history)


def make_channels(settings: Settings) -> ChannelsPlugin:
    return ChannelsPlugin(
        make_backend(settings),
        channels=[EVENTS_CHANNEL],
        arbitrary_channels_allowed=True,
        subscriber_max_backlog=settings.realtime.subscriber_backlog,
        subscriber_backlog_strategy="dropleft",
    )


def event_sink(channels: ChannelsPlugin) -> Sink:
    """An event-bus sink publishing each positioned batch on the ``events`` channel."""

    async def publish(batch: list[StoredEvent]) -> None:
        try:
            channels.publish(msgspec.json.encode(batch), EVENTS_CHANNEL)
        except RuntimeError:
            # The bus starts after the runtime (Litestar runs on_startup after the lifespan) and
            # stops before it. Nobody can be subscribed yet/any more, and a subscriber that sees
            # the next batch fills the gap from the event log, so nothing is lost.
            log.debug("realtime bus not running; %d event(s) left to the log", len(batch))

    return publish
