"""One call's media: an RTP session over asyncio UDP (RFC 3550) carrying G.711 A-law (PT 8),
with DTMF digits as RFC 2833 telephone-events.

The session plays A-law paced at 20 ms a packet, keeps what the far end says while recording
(voicemail), and hands each digit once (a digit's packets share one RTP timestamp; its end
packet is sent three times).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import struct
from typing import cast

from unionline.channels.phone.sip.g711 import FRAME

PCMA = 8
EVENTS = "0123456789*#ABCD"  # RFC 2833 event codes 0-15


class RtpSession(asyncio.DatagramProtocol):
    """Media of one call: bind with :meth:`open`, point at the far end with ``remote``."""

    def __init__(self, dtmf_type: int = 101) -> None:
        self.dtmf_type = dtmf_type
        self.remote: tuple[str, int] | None = None
        self.transport: asyncio.DatagramTransport | None = None
        self.digits: asyncio.Queue[str] = asyncio.Queue()
        self.recorded = bytearray()
        self.recording = False
        self.limit = 0  # bytes recorded at most (0: no limit)
        self.sent = self.received = 0
        self.relay: RtpSession | None = None  # a bridged call: what comes in goes out there
        self._seen: set[int] = set()
        self._seq = random.randrange(65536)
        self._stamp = random.randrange(1 << 32)
        self._ssrc = random.randrange(1 << 32)

    @classmethod
    async def open(cls, host: str, ports: range) -> RtpSession:
        """A session bound to the first free (even) port of ``ports``."""
        loop = asyncio.get_running_loop()
        start = random.randrange(len(ports)) if len(ports) > 1 else 0
        for i in range(len(ports)):
            port = ports[(start + i) % len(ports)]
            if port % 2:
                continue
            try:
                _, protocol = await loop.create_datagram_endpoint(cls, local_addr=(host, port))
            except OSError:
                continue
            return protocol
        raise OSError(f"no free RTP port in {ports.start}-{ports.stop - 1}")

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) < 12 or data[0] >> 6 != 2:
            return
        self.received += 1
        if self.relay is not None:
            self.relay.forward(data)
            return
        offset = 12 + 4 * (data[0] & 0x0F)
        if data[0] & 0x10 and len(data) >= offset + 4:  # header extension
            offset += 4 + 4 * struct.unpack_from("!H", data, offset + 2)[0]
        kind, payload = data[1] & 0x7F, data[offset:]
        if kind == self.dtmf_type and len(payload) >= 4:
            self._digit(struct.unpack_from("!I", data, 4)[0], payload[0])
        elif kind == PCMA and self.recording:
            room = self.limit - len(self.recorded) if self.limit else len(payload)
            self.recorded += payload[: max(room, 0)]

    def _digit(self, stamp: int, event: int) -> None:
        if stamp in self._seen or event >= len(EVENTS):
            return
        self._seen.add(stamp)
        self.digits.put_nowait(EVENTS[event])

    async def play(self, alaw: bytes) -> None:
        """Send ``alaw`` in 20 ms packets, in real time (cancel to stop)."""
        loop = asyncio.get_running_loop()
        due = loop.time()
        for start in range(0, len(alaw), FRAME):
            self._send(alaw[start : start + FRAME].ljust(FRAME, b"\xd5"))
            due += FRAME / 8000
            await asyncio.sleep(max(due - loop.time(), 0))

    def forward(self, packet: bytes) -> None:
        """Send a packet of the other leg of a bridged call on as it is."""
        if self.transport is not None and self.remote is not None:
            self.transport.sendto(packet, self.remote)
            self.sent += 1

    def _send(self, payload: bytes) -> None:
        if self.transport is None or self.remote is None:
            return
        header = struct.pack("!BBHII", 0x80, PCMA, self._seq, self._stamp, self._ssrc)
        self._seq = (self._seq + 1) & 0xFFFF
        self._stamp = (self._stamp + len(payload)) & 0xFFFFFFFF
        self.transport.sendto(header + payload, self.remote)
        self.sent += 1

    async def digit(self, timeout: float) -> str | None:
        """The next digit pressed within ``timeout`` seconds, else None."""
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(self.digits.get(), timeout)
        return None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None
