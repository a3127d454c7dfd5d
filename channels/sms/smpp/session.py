"""An SMPP 3.4 ESME session over asyncio: bind_transceiver, a window of submit_sm awaiting
their responses, deliver_sm answered (after the handler has stored it), enquire_link both
ways, unbind, generic_nack for what it does not know.

What a submit raises says whether the SMS may have gone out, which is what exactly-once needs:
:class:`NotSubmitted` — the submit_sm was never written (the session was down): resending is
safe; :class:`NoAnswer` — it was written and no submit_sm_resp came (dropped, or the session
died): the SMSC may have it, so it must not be resent; :class:`Refused` — the SMSC answered
with an error status and took nothing. Throttling answers (``ESME_RTHROTTLED``,
``ESME_RMSGQFUL``) pause every submit of the session with a doubling backoff and are retried
inside the session a few times before they are raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Awaitable, Callable

from unionline.channels.sms.smpp import pdu

log = logging.getLogger("unionline.channels.sms.smpp")

DeliverHandler = Callable[[pdu.ShortMessage], Awaitable[None]]
THROTTLE_FIRST, THROTTLE_MAX = 0.2, 30.0
THROTTLE_TRIES = 6  # submits refused for throttling, retried in the session before raising


_DRAIN_ABOVE = 64 * 1024  # bytes queued for the socket before a submit waits for it to drain


def _expire(future: asyncio.Future[pdu.Pdu]) -> None:
    if not future.done():
        future.set_exception(TimeoutError("no answer in time"))


class SessionError(Exception):
    pass


class NotSubmitted(SessionError):
    """The submit_sm never left: safe to send again."""


class NoAnswer(SessionError):
    """The submit_sm left and no answer came: the SMSC may have taken it."""


class Refused(SessionError):
    def __init__(self, status: int) -> None:
        super().__init__(f"SMSC refused: {pdu.status_name(status)}")
        self.status = status

    @property
    def temporary(self) -> bool:
        return self.status in pdu.TEMPORARY


class BindFailed(SessionError):
    def __init__(self, status: int) -> None:
        super().__init__(f"bind_transceiver refused: {pdu.status_name(status)}")
        self.status = status


class Session:
    def __init__(
        self,
        host: str,
        port: int,
        *,
        system_id: str,
        password: str,
        system_type: str = "",
        window: int = 10,
        timeout: float = 10.0,
        enquire_every: float = 30.0,
        on_deliver: DeliverHandler | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.credentials = (system_id, password, system_type)
        self.timeout, self.enquire_every = timeout, enquire_every
        self.on_deliver = on_deliver
        self.closed = asyncio.Event()
        self.bound = False
        self.smsc_id = ""
        self._window = asyncio.Semaphore(window)
        self._pending: dict[int, asyncio.Future[pdu.Pdu]] = {}
        self._seq = itertools.count(1)
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._paused_until = 0.0
        self._throttle = THROTTLE_FIRST

    # -- open and close ----------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and bind as a transceiver; ``BindFailed`` or ``OSError`` when it cannot."""
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout
        )
        self._spawn(self._read_loop())
        answer = await self._request(pdu.BIND_TRANSCEIVER, pdu.bind_body(*self.credentials))
        if answer.status != pdu.ESME_ROK:
            await self.abort()
            raise BindFailed(answer.status)
        self.smsc_id = pdu.read_message_id(answer.body)
        self.bound = True
        self._spawn(self._enquire_loop())

    async def close(self) -> None:
        """Unbind politely (a second at most), then drop the connection."""
        if self.bound and not self.closed.is_set():
            with contextlib.suppress(SessionError, OSError, TimeoutError):
                await asyncio.wait_for(self._request(pdu.UNBIND, b""), 1.0)
        await self.abort()

    async def abort(self) -> None:
        self._lost()
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()

    # -- submitting --------------------------------------------------------------------------

    async def submit(self, message: pdu.ShortMessage) -> str:
        """The SMSC's message id of ``message`` (see the module for what it raises)."""
        for tries in itertools.count(1):
            try:
                answer = await self._submit_once(message)
            except Refused as exc:
                if not exc.temporary or tries >= THROTTLE_TRIES:
                    raise
                self._slow_down()
                continue
            self._throttle = THROTTLE_FIRST
            return pdu.read_message_id(answer.body)
        raise AssertionError("unreachable")

    @property
    def pause(self) -> float:
        """Seconds the SMSC asked us to wait (by throttling), 0 when none."""
        return max(0.0, self._paused_until - time.monotonic())

    def _slow_down(self) -> None:
        self._paused_until = time.monotonic() + self._throttle
        self._throttle = min(self._throttle * 2, THROTTLE_MAX)

    async def _submit_once(self, message: pdu.ShortMessage) -> pdu.Pdu:
        async with self._window:
            if self.pause:
                await asyncio.sleep(self.pause)
            answer = await self._request(pdu.SUBMIT_SM, message.encode())
        if answer.command_id == pdu.GENERIC_NACK or answer.status != pdu.ESME_ROK:
            raise Refused(answer.status or pdu.ESME_RSYSERR)
        return answer

    async def _request(self, command_id: int, body: bytes) -> pdu.Pdu:
        writer = self._writer
        if writer is None or self.closed.is_set() or writer.is_closing():
            raise NotSubmitted("the SMPP session is not open")
        sequence = next(self._seq) & 0x7FFFFFFF
        future: asyncio.Future[pdu.Pdu] = asyncio.get_running_loop().create_future()
        self._pending[sequence] = future
        # One timer per request instead of wait_for's task and shield: at thousands of
        # submits a second the wrapping cost more than the submit itself.
        expiry = future.get_loop().call_later(self.timeout, _expire, future)
        try:
            writer.write(pdu.Pdu(command_id, sequence, body=body).encode())
            if writer.transport.get_write_buffer_size() > _DRAIN_ABOVE:
                await writer.drain()
            return await future
        except (TimeoutError, OSError) as exc:
            raise NoAnswer(f"no answer to {command_id:#x} #{sequence}: {exc!r}") from exc
        finally:
            expiry.cancel()
            self._pending.pop(sequence, None)

    # -- reading -----------------------------------------------------------------------------

    async def _read_loop(self) -> None:
        assert self._reader is not None
        try:
            while True:
                head = await self._reader.readexactly(pdu.HEADER.size)
                length, command_id, status, sequence = pdu.read_header(head)
                body = await self._reader.readexactly(length - pdu.HEADER.size)
                self._dispatch(pdu.Pdu(command_id, sequence, status, body))
        except (asyncio.IncompleteReadError, OSError, pdu.PduError) as exc:
            log.info("SMPP session %s:%s ended: %r", self.host, self.port, exc)
        finally:
            self._lost()

    def _dispatch(self, packet: pdu.Pdu) -> None:
        if packet.command_id & pdu.RESPONSE:
            future = self._pending.get(packet.sequence)
            if future is not None and not future.done():
                future.set_result(packet)
            return
        if packet.command_id == pdu.ENQUIRE_LINK:
            self._answer(pdu.ENQUIRE_LINK_RESP, packet.sequence)
        elif packet.command_id == pdu.DELIVER_SM:
            self._spawn(self._deliver(packet))
        elif packet.command_id == pdu.UNBIND:
            self._answer(pdu.UNBIND_RESP, packet.sequence)
            self._lost()
        else:
            self._answer(pdu.GENERIC_NACK, packet.sequence, pdu.ESME_RINVCMDID)

    async def _deliver(self, packet: pdu.Pdu) -> None:
        """Answer a deliver_sm once its handler has stored it; a handler that failed gets an
        error status, so the SMSC delivers it again later."""
        status = pdu.ESME_ROK
        try:
            message = pdu.read_short_message(packet.body)
            if self.on_deliver is not None:
                await self.on_deliver(message)
        except pdu.PduError:
            status = pdu.ESME_RINVMSGLEN
        except Exception:
            log.exception(
                "deliver_sm #%s from %s:%s not stored", packet.sequence, self.host, self.port
            )
            status = pdu.ESME_RX_T_APPN
        self._answer(pdu.DELIVER_SM_RESP, packet.sequence, status, pdu.message_id_body(""))

    def _answer(self, command_id: int, sequence: int, status: int = 0, body: bytes = b"") -> None:
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(pdu.Pdu(command_id, sequence, status, body).encode())

    async def _enquire_loop(self) -> None:
        while not self.closed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closed.wait(), self.enquire_every)
                return
            try:
                await self._request(pdu.ENQUIRE_LINK, b"")
            except SessionError:
                log.warning(
                    "SMPP %s:%s: no answer to enquire_link; reconnecting", self.host, self.port
                )
                await self.abort()
                return

    def _lost(self) -> None:
        self.bound = False
        if self.closed.is_set():
            return
        self.closed.set()
        if self._writer is not None:
            self._writer.close()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(OSError("the SMPP session closed"))

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
