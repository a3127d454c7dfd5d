"""One visitor connection (``/widget/{key}/ws``): hello, resume, live stream, messages in.

Frames are JSON text (documented in docs/channels/web.md). The widget says which message
number it has shown last (``after``); the server first registers the socket with the hub, then
replays the conversation after that number, then streams — so nothing committed meanwhile is
missed, and anything seen twice is skipped by number. The visitor's ``typing`` frames become
``member_typing`` signals to the consoles that may see the visitor's appeal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Literal

import msgspec
from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from unionline import ServiceError, signal_appeal
from unionline.channel import InboundRequest, find_account
from unionline.channels.web import conversation, live
from unionline.channels.web.channel import NAME, origin_allowed
from unionline.channels.web.intake import take_in
from unionline.channels.web.sessions import Hello, Opened, open_session
from unionline.channels.web.uploads import limit_bytes

log = logging.getLogger("unionline.channels.web")

CLOSE_PROTOCOL_ERROR = 4000
CLOSE_REFUSED = 4003  # page origin not allowed, or identity signature refused
CLOSE_UNKNOWN_WIDGET = 4004
CLOSE_IDLE = 4009
CLOSE_TOO_MANY = 4029  # too many new visitors from this address: the websocket's 429
IDLE_TIMEOUT = 90.0  # the widget pings every 25 s
POLL = 30.0  # look at the conversation even without a bus notice
TYPING_EVERY = 3.0  # a visitor who keeps typing is signalled at most this often


class _Type(msgspec.Struct):
    type: str


class Typing(msgspec.Struct, forbid_unknown_fields=True):
    """The visitor is (no longer) typing; the widget sends it throttled."""

    type: Literal["typing"]
    on: bool = True


_type = msgspec.json.Decoder(_Type)
_hello = msgspec.json.Decoder(Hello)
_typing = msgspec.json.Decoder(Typing)
_encode = msgspec.json.Encoder().encode


class VisitorSocket:
    def __init__(self, socket: WebSocket[Any, Any, Any], account: Any, origin: str) -> None:
        self.socket = socket
        self.account = account
        self.origin = origin
        self.session: Opened | None = None
        self.last_sent = 0
        self.queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue(maxsize=1000)
        self._lock = asyncio.Lock()
        self._typing_since = 0.0  # when the last "on" went to the consoles; 0: not typing

    async def run(self) -> None:
        hello = await self._hello()
        if hello is None:
            return
        client = self.socket.client
        try:
            self.session = await open_session(self.account, hello, client.host if client else "")
        except ServiceError as exc:
            await self._error(exc)
            code = CLOSE_TOO_MANY if exc.status_code == 429 else CLOSE_REFUSED
            await self._close(code, exc.message[:120])
            return
        key = self.session.visitor.key
        hub = live.hub()
        await hub.add(key, self._offer)
        try:
            self.last_sent = 0 if self.session.reset else hello.after
            await self._send(self._welcome(hello.lang))
            await self._fill()
            await self._send({"type": "caught_up", "seq": self.last_sent})
            await self._serve()
        finally:
            hub.remove(key, self._offer)

    def _welcome(self, lang: str) -> dict[str, Any]:
        config = self.account.config
        assert self.session is not None
        return {
            "type": "welcome",
            "token": self.session.token,
            "verified": self.session.visitor.verified,
            "reset": self.session.reset,
            "open": conversation.is_open(config),
            "title": config.title.pick(lang),
            "greeting": config.greeting.pick(lang),
            "off_hours_message": config.off_hours_message.pick(lang),
            "form_url": config.form_url,
            "upload": {"max_bytes": limit_bytes(config), "types": config.upload_types},
        }

    # -- receiving ------------------------------------------------------------------------

    async def _hello(self) -> Hello | None:
        try:
            raw = await asyncio.wait_for(self.socket.receive_text(), IDLE_TIMEOUT)
            return _hello.decode(raw)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            await self._send({"type": "error", "code": "protocol_error", "message": str(exc)})
            await self._close(CLOSE_PROTOCOL_ERROR, "expected a hello frame")
        except (TimeoutError, WebSocketDisconnect):
            pass
        return None

    async def _serve(self) -> None:
        tasks = [asyncio.create_task(self._pump()), asyncio.create_task(self._poll())]
        try:
            await self._receive()
        finally:
            if self._typing_since:
                with contextlib.suppress(Exception):
                    await self._member_typing(False)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _receive(self) -> None:
        while True:
            try:
                raw = await asyncio.wait_for(self.socket.receive_text(), IDLE_TIMEOUT)
            except TimeoutError:
                await self._close(CLOSE_IDLE, "idle")
                return
            except WebSocketDisconnect:
                return
            try:
                kind = _type.decode(raw).type
            except (msgspec.DecodeError, msgspec.ValidationError) as exc:
                await self._send({"type": "error", "code": "protocol_error", "message": str(exc)})
                continue
            if kind == "ping":
                await self._send({"type": "pong"})
            elif kind == "typing":
                await self._typing(raw)
            else:
                await self._inbound(raw.encode())

    async def _inbound(self, body: bytes) -> None:
        """A message or receipt, through the SDK's inbound path (as a webhook would be)."""
        assert self.session is not None
        request = InboundRequest(
            method="WS",
            path=f"/widget/{self.account.public_key}/ws",
            headers={"origin": self.origin, "authorization": f"Bearer {self.session.token}"},
            query={},
            body=body,
        )
        try:
            _, acks = await take_in(self.account, request)
        except ServiceError as exc:
            await self._error(exc, client_id=_client_id(body))
            return
        except Exception:
            log.exception("widget frame failed")
            await self._send(
                {
                    "type": "error",
                    "code": "internal_error",
                    "message": "internal error",
                    "client_id": _client_id(body),
                }
            )
            return
        for ack in acks:
            await self._send(msgspec.to_builtins(ack))
        await self._fill()

    async def _typing(self, raw: str) -> None:
        try:
            on = _typing.decode(raw).on
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            await self._send({"type": "error", "code": "protocol_error", "message": str(exc)})
            return
        if on == bool(self._typing_since) and (
            not on or time.monotonic() - self._typing_since < TYPING_EVERY
        ):
            return  # nothing new for the consoles
        await self._member_typing(on)

    async def _member_typing(self, on: bool) -> None:
        """Tell the consoles of the visitor's latest appeal (none before a first message)."""
        assert self.session is not None
        appeal_id = await conversation.latest_appeal(self.session.visitor.key)
        sent = appeal_id is not None and await signal_appeal(appeal_id, "member_typing", {"on": on})
        self._typing_since = time.monotonic() if on and sent else 0.0

    # -- sending --------------------------------------------------------------------------

    def _offer(self, kind: str, item: Any) -> None:
        with contextlib.suppress(asyncio.QueueFull):  # the poll catches up on what is dropped
            self.queue.put_nowait((kind, item))

    async def _pump(self) -> None:
        while True:
            kind, item = await self.queue.get()
            if kind == "seq" and item > self.last_sent:
                await self._fill()
            elif kind == "typing":
                await self._send({"type": "typing", "on": bool(item)})

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL)
            await self._fill()

    async def _fill(self) -> None:
        """Send the conversation after ``last_sent``, in order."""
        assert self.session is not None
        async with self._lock:
            while True:
                rows = await conversation.history(self.session.visitor.key, self.last_sent)
                if not rows:
                    return
                for row in rows:
                    await self._send_unlocked(conversation.frame_of(row))
                    self.last_sent = int(row["seq"])

    async def _send(self, frame: dict[str, Any]) -> None:
        async with self._lock:
            await self._send_unlocked(frame)

    async def _send_unlocked(self, frame: dict[str, Any]) -> None:
        await self.socket.send_text(_encode(frame).decode())

    async def _error(self, exc: ServiceError, client_id: str | None = None) -> None:
        frame: dict[str, Any] = {"type": "error", "code": exc.code, "message": exc.message}
        if exc.field:
            frame["field"] = exc.field
        if exc.extra and "retry_after" in exc.extra:
            frame["retry_after"] = exc.extra["retry_after"]
        if client_id:
            frame["client_id"] = client_id
        await self._send(frame)

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.socket.close(code=code, reason=reason)


def _client_id(body: bytes) -> str | None:
    try:
        found = msgspec.json.decode(body, type=dict)
    except msgspec.DecodeError:
        return None
    value = found.get("id")
    return value if isinstance(value, str) else None


async def serve_visitor(socket: WebSocket[Any, Any, Any], key: str) -> None:
    await socket.accept()
    account = await find_account(NAME, key)
    if account is None or account.status != "active":
        await socket.close(code=CLOSE_UNKNOWN_WIDGET, reason="unknown widget")
        return
    origin = socket.headers.get("origin", "")
    if not origin_allowed(account.config, origin):
        await socket.close(code=CLOSE_REFUSED, reason="this site may not use the widget")
        return
    await VisitorSocket(socket, account, origin).run()
