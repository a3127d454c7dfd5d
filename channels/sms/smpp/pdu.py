"""The SMPP 3.4 PDUs an ESME needs: bind_transceiver, submit_sm, deliver_sm, enquire_link,
unbind, their responses and generic_nack — encoded and decoded as plain dataclasses.

A PDU is a 16-octet header (command_length, command_id, command_status, sequence_number, all
big-endian) and a body of C-octet strings (NUL-terminated), single octets and, for the
message PDUs, ``sm_length`` octets of ``short_message`` followed by optional TLVs.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

HEADER = struct.Struct(">IIII")

BIND_TRANSCEIVER = 0x00000009
BIND_TRANSCEIVER_RESP = 0x80000009
SUBMIT_SM = 0x00000004
SUBMIT_SM_RESP = 0x80000004
DELIVER_SM = 0x00000005
DELIVER_SM_RESP = 0x80000005
UNBIND = 0x00000006
UNBIND_RESP = 0x80000006
ENQUIRE_LINK = 0x00000015
ENQUIRE_LINK_RESP = 0x80000015
GENERIC_NACK = 0x80000000
RESPONSE = 0x80000000

# command_status values (SMPP 3.4, section 5.1.3)
ESME_ROK = 0x00
ESME_RINVMSGLEN = 0x01
ESME_RINVCMDID = 0x03
ESME_RINVBNDSTS = 0x04
ESME_RALYBND = 0x05
ESME_RSYSERR = 0x08
ESME_RINVDSTADR = 0x0B
ESME_RBINDFAIL = 0x0D
ESME_RINVPASWD = 0x0E
ESME_RINVSYSID = 0x0F
ESME_RMSGQFUL = 0x14
ESME_RSUBMITFAIL = 0x45
ESME_RTHROTTLED = 0x58
ESME_RX_T_APPN = 0x64

STATUS_NAMES = {
    0x00: "ESME_ROK",
    0x01: "ESME_RINVMSGLEN",
    0x03: "ESME_RINVCMDID",
    0x04: "ESME_RINVBNDSTS",
    0x05: "ESME_RALYBND",
    0x08: "ESME_RSYSERR",
    0x0A: "ESME_RINVSRCADR",
    0x0B: "ESME_RINVDSTADR",
    0x0D: "ESME_RBINDFAIL",
    0x0E: "ESME_RINVPASWD",
    0x0F: "ESME_RINVSYSID",
    0x14: "ESME_RMSGQFUL",
    0x45: "ESME_RSUBMITFAIL",
    0x58: "ESME_RTHROTTLED",
    0x64: "ESME_RX_T_APPN",
    0x65: "ESME_RX_P_APPN",
    0x66: "ESME_RX_R_APPN",
}
TEMPORARY = {ESME_RMSGQFUL, ESME_RTHROTTLED, ESME_RSYSERR, ESME_RX_T_APPN}  # nothing was taken
AUTH = {ESME_RINVPASWD, ESME_RINVSYSID, ESME_RBINDFAIL}

# esm_class bits, TON/NPI
ESM_RECEIPT = 0x04  # deliver_sm: an SMSC delivery receipt
ESM_UDHI = 0x40  # short_message begins with a user data header
TON_INTERNATIONAL, TON_ALPHANUMERIC, NPI_E164 = 1, 5, 1

# optional parameters (TLVs)
TLV_RECEIPTED_MESSAGE_ID = 0x001E
TLV_MESSAGE_STATE = 0x0427
MESSAGE_STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
}


def status_name(status: int) -> str:
    return STATUS_NAMES.get(status, f"0x{status:08X}")


class PduError(ValueError):
    """Bytes that are not a PDU this ESME can read."""


@dataclass
class Pdu:
    command_id: int
    sequence: int
    status: int = ESME_ROK
    body: bytes = b""

    def encode(self) -> bytes:
        return (
            HEADER.pack(HEADER.size + len(self.body), self.command_id, self.status, self.sequence)
            + self.body
        )


def read_header(data: bytes) -> tuple[int, int, int, int]:
    length, command_id, status, sequence = HEADER.unpack(data)
    if length < HEADER.size or length > 65536:
        raise PduError(f"command_length {length}")
    return length, command_id, status, sequence


# -- fields --------------------------------------------------------------------------------


def cstr(value: str, limit: int) -> bytes:
    raw = value.encode("latin-1", errors="replace")[: limit - 1]
    return raw + b"\x00"


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def cstr(self) -> str:
        end = self.data.find(b"\x00", self.at)
        if end < 0:
            raise PduError("C-octet string without its NUL")
        value = self.data[self.at : end].decode("latin-1")
        self.at = end + 1
        return value

    def octet(self) -> int:
        if self.at >= len(self.data):
            raise PduError("PDU body too short")
        self.at += 1
        return self.data[self.at - 1]

    def octets(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise PduError("PDU body too short")
        self.at += n
        return self.data[self.at - n : self.at]

    def tlvs(self) -> dict[int, bytes]:
        found = {}
        while self.at + 4 <= len(self.data):
            tag, size = struct.unpack(">HH", self.data[self.at : self.at + 4])
            self.at += 4
            found[tag] = self.octets(size)
        return found


# -- bodies --------------------------------------------------------------------------------


def bind_body(system_id: str, password: str, system_type: str = "") -> bytes:
    return (
        cstr(system_id, 16)
        + cstr(password, 9)
        + cstr(system_type, 13)
        + bytes((0x34, 0, 0))
        + cstr("", 41)
    )  # (interface 3.4, ton, npi, range)


@dataclass
class Bind:
    system_id: str
    password: str
    system_type: str


def read_bind(body: bytes) -> Bind:
    r = Reader(body)
    return Bind(r.cstr(), r.cstr(), r.cstr())


@dataclass
class ShortMessage:
    """The body of submit_sm and deliver_sm (they share it)."""

    source: str
    destination: str
    short_message: bytes
    source_ton: int = TON_INTERNATIONAL
    source_npi: int = NPI_E164
    dest_ton: int = TON_INTERNATIONAL
    dest_npi: int = NPI_E164
    esm_class: int = 0
    registered_delivery: int = 0
    data_coding: int = 0
    service_type: str = ""
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def encode(self) -> bytes:
        if len(self.short_message) > 254:
            raise PduError("short_message over 254 octets")
        head = (
            cstr(self.service_type, 6)
            + bytes((self.source_ton, self.source_npi))
            + cstr(self.source, 21)
            + bytes((self.dest_ton, self.dest_npi))
            + cstr(self.destination, 21)
            + bytes((self.esm_class, 0, 0))
            + cstr("", 17)
            + cstr("", 17)
            + bytes((self.registered_delivery, 0, self.data_coding, 0, len(self.short_message)))
        )
        tail = b"".join(struct.pack(">HH", t, len(v)) + v for t, v in self.tlvs.items())
        return head + self.short_message + tail

    @property
    def is_receipt(self) -> bool:
        return bool(self.esm_class & ESM_RECEIPT)


def read_short_message(body: bytes) -> ShortMessage:
    r = Reader(body)
    service_type = r.cstr()
    source_ton, source_npi, source = r.octet(), r.octet(), r.cstr()
    dest_ton, dest_npi, destination = r.octet(), r.octet(), r.cstr()
    esm_class = r.octet()
    r.octet(), r.octet()  # protocol_id, priority_flag
    r.cstr(), r.cstr()  # schedule_delivery_time, validity_period
    registered_delivery = r.octet()
    r.octet()  # replace_if_present_flag
    data_coding = r.octet()
    r.octet()  # sm_default_msg_id
    short_message = r.octets(r.octet())
    return ShortMessage(
        source,
        destination,
        short_message,
        source_ton,
        source_npi,
        dest_ton,
        dest_npi,
        esm_class,
        registered_delivery,
        data_coding,
        service_type,
        r.tlvs(),
    )


def message_id_body(message_id: str) -> bytes:
    return cstr(message_id, 65)


def read_message_id(body: bytes) -> str:
    return Reader(body).cstr() if body else ""


@dataclass
class Receipt:
    """An SMSC delivery receipt: whose message (``receipted_message_id``) and its state."""

    message_id: str
    state: str  # DELIVRD, UNDELIV, EXPIRED, REJECTD, ...
    error: str = ""


def read_receipt(message: ShortMessage) -> Receipt:
    """The TLVs when present (3.4 receipts carry them), else the text SMSCs write:
    ``id:… sub:… dlvrd:… submit date:… done date:… stat:DELIVRD err:000 text:…``."""
    text = message.short_message.decode("latin-1", errors="replace")
    fields = _receipt_fields(text)
    tlv_id = message.tlvs.get(TLV_RECEIPTED_MESSAGE_ID)
    message_id = tlv_id.rstrip(b"\x00").decode("latin-1") if tlv_id else fields.get("id", "")
    tlv_state = message.tlvs.get(TLV_MESSAGE_STATE)
    state = MESSAGE_STATES.get(tlv_state[0], "") if tlv_state else ""
    return Receipt(
        message_id, state or fields.get("stat", "UNKNOWN").upper(), fields.get("err", "")
    )


def _receipt_fields(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in ("id", "stat", "err"):
        at = text.find(f"{name}:")
        if at >= 0 and (at == 0 or text[at - 1] == " "):
            found[name] = text[at + len(name) + 1 :].split(" ", 1)[0]
    return found


def receipt_text(message_id: str, state: str, error: str = "000") -> bytes:
    return (
        f"id:{message_id} sub:001 dlvrd:{'001' if state == 'DELIVRD' else '000'} "
        f"submit date:2601010000 done date:2601010000 stat:{state} err:{error} text:"
    ).encode()
