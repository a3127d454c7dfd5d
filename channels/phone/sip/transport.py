"""The SIP agent's UDP transport: aiosipua's, plus the request retransmission it leaves out.

Over UDP a request is sent again until a response to it arrives (RFC 3261 §17.1.1.2 and
§17.1.2.2: after T1 = 0.5 s, doubling — capped at T2 = 4 s for requests other than INVITE —
and given up after 64 × T1 = 32 s); a response matches its request by the top Via branch and
the CSeq method, as a client transaction does. ACKs are never retransmitted this way. Also, the
socket is bound without aiosipua's ``isinstance`` check of the datagram transport (Python 3.11's
is no ``asyncio.DatagramTransport`` subclass: the check logs an AssertionError at every start).
"""

from __future__ import annotations

import asyncio
import contextlib

from aiosipua import SipRequest, SipResponse, UdpSipTransport

T1, T2 = 0.5, 4.0
GIVE_UP = 64 * T1

Key = tuple[str, str]  # (Via branch, method)


def _key(message: SipRequest | SipResponse) -> Key | None:
    vias, cseq = message.via, message.cseq
    if not vias or not vias[0].branch or cseq is None:
        return None
    return vias[0].branch, cseq.method.upper()


class Transport(UdpSipTransport):
    _pending: dict[Key, asyncio.Task[None]]

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        owner = self
        self._pending = {}

        class Protocol(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                owner._dispatch(data, (str(addr[0]), int(addr[1])))

        transport, _ = await loop.create_datagram_endpoint(Protocol, local_addr=self.local_addr)
        self._udp_transport = transport

    def send(self, message: SipRequest | SipResponse, addr: tuple[str, int]) -> None:
        super().send(message, addr)
        if not isinstance(message, SipRequest) or message.method.upper() == "ACK":
            return
        key = _key(message)
        if key is None:
            return
        earlier = self._pending.pop(key, None)
        if earlier is not None:  # sent anew (an auth retry has its own branch): one timer
            earlier.cancel()
        wire = bytes(message)  # the request as it went: aiosipua may change the object after
        task = asyncio.get_running_loop().create_task(self._resend(wire, addr, key))
        self._pending[key] = task

    def answered(self, response: SipResponse) -> None:
        """A response came: its request is not sent again."""
        key = _key(response)
        task = self._pending.pop(key, None) if key is not None else None
        if task is not None:
            task.cancel()

    async def _resend(self, wire: bytes, addr: tuple[str, int], key: Key) -> None:
        interval, waited = T1, 0.0
        invite = key[1] == "INVITE"
        try:
            while waited + interval <= GIVE_UP:
                await asyncio.sleep(interval)
                waited += interval
                if self._udp_transport is None:
                    return
                self._udp_transport.sendto(wire, addr)
                interval = interval * 2 if invite else min(interval * 2, T2)
        finally:
            if self._pending.get(key) is asyncio.current_task():
                del self._pending[key]

    async def stop(self) -> None:
        for task in list(self._pending.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._pending.clear()
        await super().stop()
