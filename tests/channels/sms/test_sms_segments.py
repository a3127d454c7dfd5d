"""How texts become SMS parts: GSM-7 160/153 and UCS-2 70/67, UDH concatenation, both
encodings read back exactly (hypothesis), and the SMPP PDUs byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionline.channels.sms import segments
from unionline.channels.sms.smpp import pdu


@pytest.mark.parametrize(
    ("text", "encoding", "parts"),
    [
        ("", "gsm7", 0),
        ("A" * 160, "gsm7", 1),
        ("A" * 161, "gsm7", 2),
        ("A" * 306, "gsm7", 2),
        ("A" * 307, "gsm7", 3),
        ("€" * 80, "gsm7", 1),  # an extension character takes two septets
        ("Ж" * 70, "ucs2", 1),
        ("Ж" * 71, "ucs2", 2),
        ("Ж" * 134, "ucs2", 2),
        ("Ж" * 135, "ucs2", 3),
        ("Hello, привет", "ucs2", 1),  # one Cyrillic letter makes the whole text UCS-2
        ("🙂" * 36, "ucs2", 2),  # an emoji takes two UTF-16 units
    ],
)
def test_count(text: str, encoding: str, parts: int) -> None:
    assert segments.count(text)[:2] == (encoding, parts)


def test_cyrillic_parts_carry_a_concatenation_header() -> None:
    text = "Профсоюз отвечает: " + "ж" * 150
    encoded = segments.encode(text, reference=0x2A)
    assert encoded.data_coding == 8 and encoded.udh
    assert len(encoded.parts) == 3
    for n, part in enumerate(encoded.parts, start=1):
        assert part[:6] == bytes((5, 0, 3, 0x2A, 3, n))
        assert len(part) <= 140  # 6 octets of UDH + 67 UTF-16 units at most
    joined = "".join(segments.decode(segments.strip_udh(p)[1], 8) for p in encoded.parts)
    assert joined == text


def test_a_short_latin_text_is_one_unpacked_gsm7_part() -> None:
    encoded = segments.encode("Hi {all} @ 5€", reference=1)
    assert encoded.data_coding == 0 and not encoded.udh
    assert encoded.parts == [b"Hi \x1b\x28all\x1b\x29 \x00 5\x1b\x65"]


@given(st.text(alphabet=st.sampled_from([*segments.GSM_BASIC.replace("\x1b", ""), "€", "{", "^"])))
def test_gsm7_reads_back(text: str) -> None:
    parts = segments.encode(text, reference=7).parts
    read = [segments.strip_udh(p)[1] if len(parts) > 1 else p for p in parts]
    assert "".join(segments.decode(r, 0) for r in read) == text


@given(st.text(min_size=1))
def test_every_text_reads_back_and_fits(text: str) -> None:
    encoded = segments.encode(text, reference=9)
    assert len(encoded.parts) == segments.count(text).count
    assert all(len(p) <= 140 if encoded.data_coding == 8 else len(p) <= 160 for p in encoded.parts)
    bodies = [segments.strip_udh(p)[1] if encoded.udh else p for p in encoded.parts]
    assert "".join(segments.decode(b, encoded.data_coding) for b in bodies) == text


def test_bind_transceiver_bytes() -> None:
    packet = pdu.Pdu(pdu.BIND_TRANSCEIVER, 1, body=pdu.bind_body("profkom", "secret1")).encode()
    body = b"profkom\x00secret1\x00\x00\x34\x00\x00\x00"
    assert (
        packet
        == (16 + len(body)).to_bytes(4, "big") + bytes.fromhex("00000009 00000000 00000001") + body
    )


def test_submit_sm_reads_back() -> None:
    message = pdu.ShortMessage(
        "PROFKOM",
        "79991234567",
        "Привет".encode("utf-16-be"),
        source_ton=5,
        source_npi=0,
        registered_delivery=1,
        data_coding=8,
    )
    again = pdu.read_short_message(message.encode())
    assert (again.source, again.source_ton, again.destination, again.data_coding) == (
        "PROFKOM",
        5,
        "79991234567",
        8,
    )
    assert again.short_message == message.short_message and again.registered_delivery == 1


def test_receipt_from_tlvs_or_text() -> None:
    with_tlvs = pdu.ShortMessage(
        "79991234567",
        "PROFKOM",
        b"",
        esm_class=4,
        tlvs={pdu.TLV_RECEIPTED_MESSAGE_ID: b"1A2B\x00", pdu.TLV_MESSAGE_STATE: b"\x05"},
    )
    assert pdu.read_receipt(pdu.read_short_message(with_tlvs.encode())) == pdu.Receipt(
        "1A2B", "UNDELIV"
    )
    text_only = pdu.ShortMessage(
        "79991234567", "PROFKOM", pdu.receipt_text("77", "DELIVRD"), esm_class=4
    )
    found = pdu.read_receipt(text_only)
    assert (found.message_id, found.state) == ("77", "DELIVRD")
