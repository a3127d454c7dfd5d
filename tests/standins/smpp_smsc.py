"""A loopback SMSC for the SMPP channel: an asyncio server speaking SMPP 3.4 to ESMEs — binds
(transceiver, with a password check), submit_sm answered with a message id, delivery receipts
(deliver_sm with ``esm_class`` 0x04, ``receipted_message_id`` and ``message_state``), members'
SMS (:meth:`SmscStandin.deliver_mo`), enquire_link both ways, unbind, generic_nack.

Faults for the next submit_sm (``fail_next``): ``DROP_RESP`` takes the message and never
answers; ``DROP_SESSION`` takes it and closes the connection before answering (in-flight
submits behind it are never read); ``THROTTLED`` / ``QUEUE_FULL`` refuse it with
ESME_RTHROTTLED / ESME_RMSGQFUL (nothing taken); ``REJECT`` with ESME_RINVDSTADR;
``RECEIPT_FIRST`` sends its receipt before the submit_sm_resp. ``undeliverable`` numbers get
UNDELIV receipts. ``taken`` is every message the SMSC accepted, with its parts joined.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from dataclasses import dataclass, field

from unionline.channels.sms import segments
from unionline.channels.sms.smpp import pdu

DROP_RESP, DROP_SESSION, THROTTLED, QUEUE_FULL, REJECT, RECEIPT_FIRST = (
    "drop_resp",
    "drop_session",
    "throttled",
    "queue_full",
    "reject",
    "receipt_first",
)


@dataclass
class Submitted:
    message_id: str
    source: str
    source_ton: int
    destination: str
    data_coding: int
    esm_class: int
    registered_delivery: int
    short_message: bytes

    @property
    def text(self) -> str:
        data = self.short_message
        if self.esm_class & pdu.ESM_UDHI:
            _, data = segments.strip_udh(data)
        return segments.decode(data, self.data_coding)

    @property
    def concat(self) -> tuple[int, int, int] | None:
        if not self.esm_class & pdu.ESM_UDHI:
            return None
        return segments.strip_udh(self.short_message)[0]


@dataclass
class Link:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    bound: bool = False
    pending: dict[int, asyncio.Future[pdu.Pdu]] = field(default_factory=dict)


@dataclass
class SmscStandin:
    system_id: str = "profkom"
    password: str = "secret1"
    receipts: bool = True
    undeliverable: set[str] = field(default_factory=set)
    submitted: list[Submitted] = field(default_factory=list)  # every part taken
    faults: deque[str] = field(default_factory=deque)
    binds: int = 0
    enquire_links: int = 0
    refused: int = 0  # submits answered with an error status
    port: int = 0
    links: list[Link] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(0x1000))
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self) -> SmscStandin:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        for link in self.links:
            link.writer.close()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        for task in list(self._tasks):
            task.cancel()

    def fail_next(self, fault: str, times: int = 1) -> None:
        self.faults.extend([fault] * times)

    def drop_all(self) -> None:
        """Close every session at once, as a network failure would."""
        for link in self.links:
            link.writer.close()

    @property
    def taken(self) -> list[tuple[str, str]]:
        """(destination, whole text) of every message taken, parts joined in order."""
        whole: list[tuple[str, str]] = []
        open_parts: dict[tuple[str, int], dict[int, str]] = {}
        for part in self.submitted:
            concat = part.concat
            if concat is None:
                whole.append((part.destination, part.text))
                continue
            slot = open_parts.setdefault((part.destination, concat[0]), {})
            slot[concat[2]] = part.text
            if len(slot) == concat[1]:
                whole.append((part.destination, "".join(slot[n] for n in sorted(slot))))
                del open_parts[(part.destination, concat[0])]
        return whole

    # -- sessions ------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        link = Link(reader, writer)
        self.links.append(link)
        try:
            while True:
                head = await reader.readexactly(pdu.HEADER.size)
                length, command_id, status, sequence = pdu.read_header(head)
                body = await reader.readexactly(length - pdu.HEADER.size)
                if not await self._handle(link, pdu.Pdu(command_id, sequence, status, body)):
                    break
        except (asyncio.IncompleteReadError, OSError):
            pass
        finally:
            link.bound = False
            writer.close()

    def _send(self, link: Link, packet: pdu.Pdu) -> None:
        if not link.writer.is_closing():
            link.writer.write(packet.encode())

    async def _handle(self, link: Link, packet: pdu.Pdu) -> bool:
        cid = packet.command_id
        if cid & pdu.RESPONSE:
            future = link.pending.pop(packet.sequence, None)
            if future is not None and not future.done():
                future.set_result(packet)
            return True
        if cid == pdu.BIND_TRANSCEIVER:
            bind = pdu.read_bind(packet.body)
            ok = (bind.system_id, bind.password) == (self.system_id, self.password)
            status = pdu.ESME_ROK if ok else pdu.ESME_RINVPASWD
            self.binds += ok
            link.bound = ok
            self._send(
                link,
                pdu.Pdu(
                    pdu.BIND_TRANSCEIVER_RESP, packet.sequence, status, pdu.cstr("STANDIN", 16)
                ),
            )
            return True
        if cid == pdu.ENQUIRE_LINK:
            self.enquire_links += 1
            self._send(link, pdu.Pdu(pdu.ENQUIRE_LINK_RESP, packet.sequence))
            return True
        if cid == pdu.UNBIND:
            self._send(link, pdu.Pdu(pdu.UNBIND_RESP, packet.sequence))
            return False
        if cid == pdu.SUBMIT_SM:
            return await self._submit(link, packet)
        self._send(link, pdu.Pdu(pdu.GENERIC_NACK, packet.sequence, pdu.ESME_RINVCMDID))
        return True

    async def _submit(self, link: Link, packet: pdu.Pdu) -> bool:
        if not link.bound:
            self._send(link, pdu.Pdu(pdu.SUBMIT_SM_RESP, packet.sequence, pdu.ESME_RINVBNDSTS))
            return True
        fault = self.faults.popleft() if self.faults else None
        refusal = {
            THROTTLED: pdu.ESME_RTHROTTLED,
            QUEUE_FULL: pdu.ESME_RMSGQFUL,
            REJECT: pdu.ESME_RINVDSTADR,
        }.get(fault or "")
        if refusal is not None:
            self.refused += 1
            self._send(link, pdu.Pdu(pdu.SUBMIT_SM_RESP, packet.sequence, refusal))
            return True
        message = pdu.read_short_message(packet.body)
        message_id = f"{next(self._ids):X}"
        self.submitted.append(
            Submitted(
                message_id,
                message.source,
                message.source_ton,
                message.destination,
                message.data_coding,
                message.esm_class,
                message.registered_delivery,
                message.short_message,
            )
        )
        if fault == DROP_SESSION:
            return False
        wants_receipt = self.receipts and message.registered_delivery & 1
        if fault == RECEIPT_FIRST and wants_receipt:  # on the wire before the response
            self._spawn(self._receipt(link, message_id, message.destination))
            await asyncio.sleep(0)
        if fault != DROP_RESP:
            self._send(
                link,
                pdu.Pdu(pdu.SUBMIT_SM_RESP, packet.sequence, 0, pdu.message_id_body(message_id)),
            )
        if wants_receipt and fault != RECEIPT_FIRST:
            self._spawn(self._receipt(link, message_id, message.destination))
        return True

    async def _receipt(self, link: Link, message_id: str, destination: str) -> None:
        state = "UNDELIV" if destination in self.undeliverable else "DELIVRD"
        code = {"DELIVRD": 2, "UNDELIV": 5}[state]
        receipt = pdu.ShortMessage(
            destination,
            "79001234567",
            pdu.receipt_text(message_id, state),
            esm_class=pdu.ESM_RECEIPT,
            tlvs={
                pdu.TLV_RECEIPTED_MESSAGE_ID: message_id.encode() + b"\x00",
                pdu.TLV_MESSAGE_STATE: bytes((code,)),
            },
        )
        await self._request(link, pdu.DELIVER_SM, receipt.encode())

    async def _request(self, link: Link, command_id: int, body: bytes) -> pdu.Pdu | None:
        sequence = next(self._seq)
        future: asyncio.Future[pdu.Pdu] = asyncio.get_running_loop().create_future()
        link.pending[sequence] = future
        self._send(link, pdu.Pdu(command_id, sequence, body=body))
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(future, 10)
        return None

    async def deliver_mo(
        self, source: str, text: str, destination: str = "79001234567"
    ) -> list[int]:
        """A member's SMS to the first bound session (in parts when long); the deliver_sm_resp
        statuses."""
        link = next(x for x in self.links if x.bound and not x.writer.is_closing())
        encoded = segments.encode(text, reference=next(self._ids) & 0xFF)
        statuses = []
        for part in encoded.parts:
            message = pdu.ShortMessage(
                source,
                destination,
                part,
                data_coding=encoded.data_coding,
                esm_class=pdu.ESM_UDHI if encoded.udh else 0,
            )
            answer = await self._request(link, pdu.DELIVER_SM, message.encode())
            statuses.append(-1 if answer is None else answer.status)
        return statuses

    async def enquire(self) -> int | None:
        """An enquire_link from the SMSC's side; the ESME's answer status."""
        link = next(x for x in self.links if x.bound and not x.writer.is_closing())
        answer = await self._request(link, pdu.ENQUIRE_LINK, b"")
        return None if answer is None else answer.status

    def _spawn(self, coroutine: object) -> None:
        task = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
