"""The SIP agent of one line: a UDP SIP endpoint (aiosipua) that registers, answers and calls.

One agent per line with ``provider = "sip"``, started with the app (:mod:`.runtime`). It binds
``sip_listen``, registers ``sip_user@sip_domain`` to ``sip_registrar`` (digest auth with the
line's ``sip_password``, refreshed before expiry) and tells every call to the channel as call
events (:meth:`SipAgent.emit` → :func:`unionline.channels.phone.store.record`), written by one
task per call in order, so that signalling never waits for the database. Inbound calls:
:mod:`.inbound`; calls it makes: :mod:`.outbound`.

aiosipua 0.7.1 (reviewed) leaves some things to its user, done here: an INVITE answered with a
final failure (486, 487 after our CANCEL…) is acknowledged (RFC 3261 §17.1.1.3; aiosipua sends
no ACK for non-2xx); a retransmitted INVITE is not a second call (aiosipua dispatches it
again); CANCEL/BYE are matched to our calls by Call-ID; requests are retransmitted over UDP
until answered (:mod:`.transport`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import time
from collections.abc import Callable
from typing import Any

from aiosipua import (
    IncomingCall,
    OutgoingCall,
    Registration,
    RegistrationState,
    SipDigestAuth,
    SipRequest,
    SipResponse,
    SipUAC,
    SipUAS,
)

from unionline.channels.phone.model import CallEvent, Location, Step
from unionline.channels.phone.settings import host_port
from unionline.channels.phone.sip.transport import Transport

log = logging.getLogger("unionline.channels.phone.sip")
USER_AGENT = "Unionline"
# Session timers (RFC 4028): a call whose far end vanished is ended after this long without a
# refresh (the refresher is whichever side the INVITE names; UPDATE refreshes).
SESSION_SECONDS = 1800


class CallState:
    """What the agent keeps of one call while it lasts."""

    def __init__(self, ref: str) -> None:
        self.ref = ref  # the call's id in the call model (the SIP Call-ID, or the robot's key)
        self.seq = itertools.count(1)
        self.queue: asyncio.Queue[CallEvent | None] = asyncio.Queue()
        self.writer: asyncio.Task[None] | None = None
        self.cancelled = asyncio.Event()
        self.hung_up = asyncio.Event()
        self.digits = ""
        self.location: Location = "ivr"  # where an incoming call is: ivr, queue, voicemail


class SipAgent:
    """The line's SIP endpoint. ``record`` stores call events (the app's store by default)."""

    def __init__(self, line: Any, record: Callable[[Any, list[CallEvent]], Any] | None = None):
        self.line = line
        config = line.config
        self.config = config
        self.listen = host_port(config.sip_listen)
        self.public = host_port(config.sip_public) if config.sip_public else self.listen
        registrar = config.sip_registrar
        self.registrar = host_port(registrar) if registrar else None
        outbound = config.sip_outbound or registrar
        self.outbound = host_port(outbound) if outbound else None
        self.domain = config.sip_domain or (self.registrar[0] if self.registrar else self.public[0])
        low, high = (int(p) for p in config.sip_rtp_ports.split("-"))
        self.rtp_ports = range(low, high + 1)
        self.calls: dict[str, CallState] = {}  # by SIP Call-ID
        self.outgoing: dict[str, OutgoingCall] = {}  # their INVITEs, to ACK a failure
        self.incoming: dict[str, IncomingCall] = {}  # calls being answered, by Call-ID
        self.legs: dict[str, asyncio.Event] = {}  # a bridged call's legs: hung up by the far end
        self.registration: Registration | None = None
        self.registered = asyncio.Event()
        self.last_registration_error = ""
        self.stats = {"answered": 0, "busy": 0, "rtp_sent": 0, "rtp_received": 0}
        self._record = record
        self._tasks: set[asyncio.Task[Any]] = set()
        self.transport = Transport(local_addr=self.listen)
        self.uac = SipUAC(self.transport, advertised_addr=self.public)
        self.uas = SipUAS(
            self.transport,
            user_agent=USER_AGENT,
            uac=self.uac,
            advertised_addr=self.public,
            session_expires=SESSION_SECONDS,
        )

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        from unionline.channels.phone.sip import inbound

        def on_invite(call: IncomingCall) -> None:
            known = self.incoming.get(call.call_id)
            if known is not None:
                # A retransmitted INVITE: aiosipua made a second call of it (with another
                # To tag); the first one goes on, and answers the in-dialog requests.
                self.uas._calls[call.call_id] = known
                return
            self.incoming[call.call_id] = call
            self.spawn(inbound.answer(self, call))

        await inbound.prepare(self)
        self.uas.on_invite = on_invite
        self.uas.on_cancel = self._on_cancel
        self.uas.on_bye = self._on_bye
        self.uas.on_session_expired = lambda call: self._on_gone(call.call_id)
        await self.uas.start()
        dispatch = self.transport.on_message
        assert dispatch is not None

        def on_message(message: SipRequest | SipResponse, addr: tuple[str, int]) -> None:
            if isinstance(message, SipResponse):
                self.transport.answered(message)
                self._ack_failure(message, addr)
            dispatch(message, addr)

        self.transport.on_message = on_message
        if self.registrar is not None and self.config.sip_user:
            self._register()
        log.info("SIP agent of line %s listening on %s:%s", self.line.id, *self.listen)

    async def stop(self) -> None:
        if self.registration is not None and self.registered.is_set():
            self.registration.unregister()
            await asyncio.sleep(0)  # let the datagram go
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await self.uas.stop()

    async def idle(self) -> None:
        """Wait until every call the agent has (and its events' storing) is over."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("SIP agent task failed", exc_info=task.exception())

    # -- registration --------------------------------------------------------------------------

    def auth(self) -> SipDigestAuth | None:
        password = self.line.secrets.sip_password
        return SipDigestAuth(self.config.sip_user, password) if password else None

    def _register(self) -> None:
        assert self.registrar is not None
        registration = Registration(
            self.uac,
            f"sip:{self.config.sip_user}@{self.domain}",
            self.registrar,
            auth=self.auth(),
            user_agent=USER_AGENT,
        )

        def failed(_: Registration, status: int, reason: str) -> None:
            self.registered.clear()
            self.last_registration_error = f"{status} {reason}"
            log.warning("line %s: registration refused: %s %s", self.line.id, status, reason)

        host, port = self.registrar

        def registered(_: Registration) -> None:
            if not self.registered.is_set():  # said once, not at each refresh
                log.info("line %s: registered at %s:%s", self.line.id, host, port)
            self.registered.set()

        registration.on_registered = registered
        registration.on_failed = failed
        registration.on_expired = lambda _: self.registered.clear()
        self.registration = registration
        registration.register()

    @property
    def registration_state(self) -> str:
        if self.registration is None:
            return "none"
        if self.registration.state == RegistrationState.REGISTERED:
            return "registered"
        return self.registration.state.value

    # -- calls ---------------------------------------------------------------------------------

    def track(self, sip_call_id: str, ref: str) -> CallState:
        state = CallState(ref)
        self.calls[sip_call_id] = state
        state.writer = self.spawn(self._write(state))
        return state

    def emit(self, state: CallState, step: Step, **fields: Any) -> None:
        """Tell the channel one step of the call (stored in order by the call's writer)."""
        n = next(state.seq)
        event = CallEvent(
            call=state.ref,
            key=f"{state.ref}:{n}:{step}",
            step=step,
            at=time.time(),
            seq=n,
            **fields,
        )
        state.queue.put_nowait(event)

    async def finish(self, sip_call_id: str, state: CallState) -> None:
        """Wait until the call's events are stored; forget the call."""
        state.queue.put_nowait(None)
        if state.writer is not None:
            await state.writer
        self.calls.pop(sip_call_id, None)
        self.incoming.pop(sip_call_id, None)

    async def _write(self, state: CallState) -> None:
        from unionline.channels.phone.store import record

        store = self._record or record
        while (event := await state.queue.get()) is not None:
            try:
                await store(self.line, [event])
            except Exception:  # one event lost is logged; the call goes on
                log.exception("line %s: call event %s not stored", self.line.id, event.key)

    def _on_cancel(self, request: SipRequest, addr: tuple[str, int]) -> None:
        state = self.calls.get(request.call_id or "")
        if state is not None:
            state.cancelled.set()

    def _on_bye(self, call: IncomingCall, request: SipRequest) -> None:
        self._on_gone(request.call_id or "")

    def _on_gone(self, sip_call_id: str) -> None:
        """The far end hung up (BYE) or its session expired."""
        state = self.calls.get(sip_call_id)
        if state is not None:
            state.hung_up.set()
        leg = self.legs.get(sip_call_id)
        if leg is not None:
            leg.set()

    def _ack_failure(self, response: SipResponse, addr: tuple[str, int]) -> None:
        """ACK a final failure to one of our INVITEs (same branch, the response's To tag)."""
        cseq = response.cseq
        if cseq is None or cseq.method.upper() != "INVITE" or response.status_code < 300:
            return
        outgoing = self.outgoing.get(response.call_id or "")
        if outgoing is None:
            return
        invite = outgoing.invite
        ack = SipRequest(method="ACK", uri=invite.uri)
        via = invite.headers.get_first("via")
        if via:
            ack.headers.append("Via", via)
        for name in ("From", "Call-ID"):
            value = invite.headers.get_first(name)
            if value:
                ack.headers.set_single(name, value)
        ack.headers.set_single("To", response.headers.get_first("to") or "")
        ack.headers.set_single("CSeq", f"{cseq.seq} ACK")
        ack.headers.set_single("Max-Forwards", "70")
        ack.headers.set_single("Content-Length", "0")
        self.transport.send(ack, outgoing.remote_addr)
