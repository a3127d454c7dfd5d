"""The realtime bus: Litestar's channels plugin, in memory by default and on Redis when set.

The event relay publishes every positioned event batch on the ``events`` channel; websocket
handlers (console, widgets) subscribe, filter per receiver, and resume from the event log.
What an operator may do changing (deactivated, signed out, a token revoked, a grant changed) is
announced on the ``access`` channel, so every process re-checks that operator's open sockets.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsStreamBackend

if TYPE_CHECKING:
    from litestar.channels.backends.base import ChannelsBackend

    from unionline.events import Sink, StoredEvent
    from unionline.settings import Settings

EVENTS_CHANNEL = "events"
ACCESS_CHANNEL = "access"


log = logging.getLogger(__name__)


RETRY_SECONDS = 1.0  # pause before reading the bus again after a Redis error


def make_backend(settings: Settings) -> ChannelsBackend:
    history = settings.realtime.history
    if settings.redis_url:
        from redis.asyncio import Redis

        return StreamBackend(
            history=history, redis=Redis.from_url(settings.redis_url), key_prefix="unionline"
        )
    return MemoryChannelsBackend(history=history)


class StreamBackend(RedisChannelsStreamBackend):
    """Litestar's Redis streams backend, made to outlive a Redis error.

    The channels plugin publishes and reads in one task each per process, and an exception
    ends that task for good: the process's bus falls silent while its relay goes on numbering
    events. Here a failed publish is logged and dropped (subscribers fill the gap from the
    event log when the next batch comes), and reading resumes after a pause from where it
    stopped.
    """

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        try:
            await super().publish(data, channels)
        except Exception as exc:
            log.warning("realtime bus: publish failed (%r); subscribers fill it from the log", exc)

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        last_ids: dict[str, bytes] = {}  # per stream, the last entry delivered
        while True:
            keys = [self._make_key(c) for c in await self._get_subscribed_channels()]
            try:
                found = await self._redis.xread(
                    {key: last_ids.get(key, 0) for key in keys},
                    block=self._stream_sleep_no_subscriptions,
                )
            except Exception as exc:
                log.warning("realtime bus: reading failed (%r); retrying", exc)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for key, entries in found or ():
                for entry_id, fields in entries:
                    last_ids[key.decode()] = entry_id
                    yield fields[b"channel"].decode(), fields[b"data"]


class Channels(ChannelsPlugin):
    """Litestar's channels plugin, with a publish worker that survives its own shutdown.

    The plugin's shutdown waits for the publish queue to drain, then drops it. A batch put in
    between (the relay still publishing as the app stops) is taken by the worker, which then
    reached for the dropped queue to mark it done and failed the whole shutdown with an
    AttributeError. Here the worker keeps the queue it started with; the batch in flight is
    cancelled with the worker, and subscribers fill any gap from the event log.
    """

    async def _pub_worker(self) -> None:
        while (queue := self._pub_queue) is not None:
            data, channels = await queue.get()
            await self._backend.publish(data, channels)
            queue.task_done()


def make_channels(settings: Settings) -> ChannelsPlugin:
    return Channels(
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


# -- access changes -------------------------------------------------------------------------


class AccessChanged(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What an operator may do changed; every process re-checks the connections concerned.

    The message only says "look again": each connection re-reads its operator, session and
    token from the database, so a message delivered twice or late (Redis' stream backend
    redelivers recent entries to a process that starts listening) closes nothing wrongly.
    """

    operator_id: uuid.UUID | None = None  # its connections re-read their actor
    session: str | None = None  # digest of a session that ended: its connections close
    reason: str = ""  # for the logs


def session_digest(session_id: str) -> str:
    """How an ended session is named on the bus: never the session id itself."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def access_changed(operator_id: uuid.UUID, reason: str) -> None:
    """Announce that ``operator_id`` was deactivated, lost sessions or tokens, or had grants
    changed: their open connections, in every process, re-check what they may do at once.

    Inside a transaction the announcement waits for the commit (before it, a re-check would
    read the old rows); outside one it goes now."""
    _announce(AccessChanged(operator_id=operator_id, reason=reason))


def session_ended(session_id: str | None, reason: str = "logout") -> None:
    """Announce that the session ``session_id`` ended (sign-out): connections opened with it
    close without asking the database, which may still hold the session row a moment longer."""
    if session_id:
        _announce(AccessChanged(session=session_digest(session_id), reason=reason))


def _announce(message: AccessChanged) -> None:
    from unionline.db import current_tx

    tx = current_tx()
    if tx is not None:
        tx.on_commit(lambda: _publish(message))
    else:
        _publish(message)


def _publish(message: AccessChanged) -> None:
    from unionline.runtime import current

    channels = current().state.get("channels")
    if channels is None:
        # A process without the web app (a command, a worker) has no bus: open sockets notice
        # the change at their next command or periodic re-check (docs/console-protocol.md).
        log.info("no realtime bus here: access change of %s left to the re-checks", message)
        return
    try:
        channels.publish(msgspec.json.encode(message), ACCESS_CHANNEL)
    except RuntimeError:
        log.debug("realtime bus not running; access change left to the re-checks")
