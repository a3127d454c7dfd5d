"""One operator's console connection: resume, live stream, authorization, heartbeats."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from typing import Any

import msgspec
from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from unionline.access import Actor, Scope, scope_for
from unionline.console import (
    appeal_commands,  # noqa: F401 - registers the commands
    presence_commands,  # registers commands; presence notices
)
from unionline.console import protocol as p
from unionline.console.commands import dispatch
from unionline.console.hub import Connection, Hub, Live, SignalMessage
from unionline.console.revocation import reread
from unionline.errors import ServiceError
from unionline.events import StoredEvent
from unionline.realtime import AccessChanged, session_digest
from unionline.runtime import Runtime

log = logging.getLogger("unionline.console")
HEARTBEAT = 20.0
IDLE_TIMEOUT = 60.0
SCOPE_REFRESH = 30.0
# Sockets of operators holding the same grants share one reading of their scope for this long
# (forty operators of one organization cost one query, not forty); with the refresh below,
# a scope is still never older than SCOPE_REFRESH.
SCOPE_SHARED = 10.0
TICK = 10.0  # heartbeat loop period: a scope is re-read when older than one tick
# The actor is re-read before every command and at once when the bus announces an access
# change; this is the safety net for a change no bus announced (SQL by hand, a command run
# without the app's bus).
ACTOR_REFRESH = 60.0
READ_PERMISSION = "appeals.read"


class ConsoleSession:
    def __init__(self, socket: WebSocket[Any, Any, Any], actor: Actor, runtime: Runtime, hub: Hub):
        self.socket = socket
        self.actor = actor
        self.runtime = runtime
        self.hub = hub
        self.id = uuid.uuid4().hex
        capacity = runtime.settings.realtime.subscriber_backlog
        self.connection = Connection(self.id, capacity, self._overflow)
        self.connection.operator_id = actor.operator_id
        if actor.session_id is not None and actor.token_id is None:
            self.connection.session = session_digest(actor.session_id)
        self.connection.on_access_changed = self._access_changed
        self.actor_at = time.monotonic()
        self._rechecks: set[asyncio.Task[None]] = set()
        self.last_sent = 0
        self.scope = Scope(frozenset())
        self.scope_at = 0.0
        self.closing: int | None = None
        self._send_lock = asyncio.Lock()

    # -- lifecycle ------------------------------------------------------------------------

    async def run(self) -> None:
        hello = await self._hello()
        if hello is None:
            return
        await self._refresh_scope(force=True)
        await self.hub.add(self.connection)
        await presence_commands.connected(self)
        try:
            # Listening for access changes first, then re-read: a withdrawal made while the
            # socket waited for its hello is not missed.
            if not await self.recheck("connected"):
                return
            # Registered with the hub before reading the log: nothing committed meanwhile is
            # missed, and anything seen twice is skipped by position.
            if hello.last_id is None:
                self.last_sent = await self.runtime.events.last_position()
            else:
                self.last_sent = max(0, hello.last_id)
            await self._send(
                p.Welcome(p.PROTOCOL_VERSION, str(self.actor.operator_id), hello.last_id, HEARTBEAT)
            )
            await self._fill()
            await self._send(p.CaughtUp(self.last_sent))
            await self._serve()
        finally:
            self.hub.remove(self.connection)
            await presence_commands.disconnected(self)

    async def _hello(self) -> p.Hello | None:
        try:
            raw = await asyncio.wait_for(self.socket.receive_text(), IDLE_TIMEOUT)
            message = p.client_decoder.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError):
            await self._close(p.CLOSE_PROTOCOL_ERROR, "expected a hello message")
            return None
        except (TimeoutError, WebSocketDisconnect):
            return None
        if not isinstance(message, p.Hello):
            await self._close(p.CLOSE_PROTOCOL_ERROR, "expected a hello message")
            return None
        return message

    async def _serve(self) -> None:
        sender = asyncio.create_task(self._pump())
        heart = asyncio.create_task(self._heartbeat())
        try:
            await self._receive()
        finally:
            for task in (sender, heart):
                task.cancel()
            for task in (sender, heart):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    # -- receiving ------------------------------------------------------------------------

    async def _receive(self) -> None:
        while self.closing is None:
            try:
                raw = await asyncio.wait_for(self.socket.receive_text(), IDLE_TIMEOUT)
            except TimeoutError:
                await self._close(p.CLOSE_IDLE, "idle")
                return
            except WebSocketDisconnect:
                return
            try:
                message = p.client_decoder.decode(raw)
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                await self._send(p.Result("", False, error=p.ErrorBody("protocol_error", str(exc))))
                continue
            if isinstance(message, p.Ping):
                await self._send(p.Pong())
            elif isinstance(message, p.Command):
                # In order: a reply followed by "resolve" must not race it.
                await self._command(message)

    async def _command(self, command: p.Command) -> None:
        try:
            # Authorized as the operator stands now, not as they stood at connect time.
            if not await self.recheck("command"):
                return
            data = await dispatch(self, command.name, command.args)
            await self._send(p.Result(command.ref, True, data=data))
        except ServiceError as exc:
            error = p.ErrorBody(exc.code, exc.message, exc.field, exc.extra)
            await self._send(p.Result(command.ref, False, error=error))
        except msgspec.ValidationError as exc:
            error = p.ErrorBody("validation_error", str(exc), _field(str(exc)))
            await self._send(p.Result(command.ref, False, error=error))
        except Exception:
            log.exception("console command %s failed", command.name)
            error = p.ErrorBody("internal_error", "internal error")
            await self._send(p.Result(command.ref, False, error=error))

    # -- credentials ----------------------------------------------------------------------

    async def recheck(self, why: str) -> bool:
        """Re-read the actor (see :mod:`unionline.console.revocation`): close the socket with
        4401 when its credentials no longer hold, re-scope it when its grants changed. True
        when the socket may go on."""
        if self.closing is not None:
            return False
        actor = await reread(self.socket, self.actor)
        self.actor_at = time.monotonic()
        if actor is None:
            log.info("console of %s closed: access withdrawn (%s)", self.actor.operator_id, why)
            await self._close(p.CLOSE_REVOKED, "access withdrawn: sign in again")
            return False
        regranted = (actor.grants, actor.permissions) != (self.actor.grants, self.actor.permissions)
        self.actor = actor
        if regranted:  # what it may see changes now, not at the next scope refresh
            await self._refresh_scope(force=True)
        return True

    def _access_changed(self, change: AccessChanged) -> None:
        """The bus says this operator's access changed (or this socket's session ended)."""
        if change.session is not None and change.session == self.connection.session:
            task = asyncio.create_task(self._close(p.CLOSE_REVOKED, "signed out"))
        else:
            task = asyncio.create_task(self._recheck_quietly(change.reason or "access changed"))
        self._rechecks.add(task)
        task.add_done_callback(self._rechecks.discard)

    async def _recheck_quietly(self, why: str) -> None:
        try:
            await self.recheck(why)
        except Exception:
            log.exception("console could not re-check its operator's access")

    # -- sending --------------------------------------------------------------------------

    async def _pump(self) -> None:
        queue = self.connection.queue
        while True:
            kind, item = await queue.get()
            if kind == "events":
                await self._live(item)
            elif kind == "signal":
                await self._signal(item)

    async def _live(self, events: list[Live]) -> None:
        """Events from the hub: in order, without gaps, already filtered for this operator
        and encoded; what the replay already sent is skipped by position."""
        for event in events:
            if event.position > self.last_sent:
                await self._send_frame(event.frame)
                self.last_sent = event.position

    async def _fill(self, until: int | None = None) -> None:
        """Replay from the event log after ``last_sent`` (up to ``until``)."""
        while (until is None or self.last_sent < until) and self.closing is None:
            page = await self.runtime.events.read_after(self.last_sent, 500)
            if until is not None:
                page = [e for e in page if e.position <= until]
            if not page:
                return
            for event in page:
                await self._deliver(event)

    async def _deliver(self, event: StoredEvent) -> None:
        await self._refresh_scope()
        if self._visible(event.organization_id):
            await self._send(p.EventFrame(event.position, event.type, event.payload))
        self.last_sent = event.position

    async def _signal(self, signal: SignalMessage) -> None:
        await self._refresh_scope()
        if self._visible(signal.organization_id):
            await self._send(p.Signal(signal.signal, signal.data))

    def _visible(self, organization_id: uuid.UUID | None) -> bool:
        if organization_id is None:
            return self.actor.is_admin
        return self.scope.allows(organization_id)

    async def _refresh_scope(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.scope_at >= TICK:  # + SCOPE_SHARED + TICK <= SCOPE_REFRESH
            self.scope = await self._read_scope(now)
            self.scope_at = now
            # The hub filters live events and signals with these.
            if (self.connection.scope, self.connection.admin) != (self.scope, self.actor.is_admin):
                self.connection.scope = self.scope
                self.connection.admin = self.actor.is_admin
                self.hub.changed()

    async def _read_scope(self, now: float) -> Scope:
        shared = self.runtime.state.setdefault("console_scopes", {})
        key = (self.actor.grants, self.actor.token_scopes)
        hit = shared.get(key)
        if hit is not None and now - hit[0] < SCOPE_SHARED:
            return hit[1]
        scope = await scope_for(self.actor, READ_PERMISSION)
        shared[key] = (now, scope)
        return scope

    async def _send(self, message: msgspec.Struct) -> None:
        await self._send_frame(p.encoder.encode(message))

    async def _send_frame(self, frame: bytes) -> None:
        async with self._send_lock:
            if self.closing is None:  # nothing more reaches a socket being closed
                await self.socket.send_bytes(frame)

    async def _heartbeat(self) -> None:
        # A random start spreads sockets opened together, so they do not all ping (and
        # re-read their scope) in the same instant.
        await asyncio.sleep(random.uniform(0, TICK))
        pinged = time.monotonic()
        while True:
            if time.monotonic() - pinged >= HEARTBEAT:
                await self._send(p.Ping())
                pinged = time.monotonic()
            if time.monotonic() - self.actor_at >= ACTOR_REFRESH:
                await self._recheck_quietly("periodic")
            await self._refresh_scope()
            await asyncio.sleep(TICK)

    def _overflow(self) -> None:
        asyncio.get_running_loop().create_task(
            self._close(p.CLOSE_SLOW_CONSUMER, "slow consumer: reconnect with your last id")
        )

    async def _close(self, code: int, reason: str) -> None:
        if self.closing is not None:
            return
        self.closing = code
        self.hub.remove(self.connection)  # offered nothing more from now on
        with contextlib.suppress(Exception):
            await self.socket.close(code=code, reason=reason)

    def signal(self, name: str, organization_id: uuid.UUID | None, data: dict[str, Any]) -> None:
        """Broadcast an ephemeral notice to the other consoles that may see the organization."""
        self.hub.publish_signal(
            SignalMessage(signal=name, organization_id=organization_id, data=data, origin=self.id)
        )


def _field(message: str) -> str | None:
    marker = " - at `$."
    return message.split(marker, 1)[1].rstrip("`") if marker in message else None
