"""Mail made to cost time — thousands of MIME parts, a subject of thousands of encoded words —
is read up to documented limits: the member's appeal still lands with what could be read, and
a note says what was left to the raw message (issue #12 item 3). Speed is measured in
``benchmarks/adversarial_input.py``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mail_support import create_mailbox, mailbox_config, timeline

from unionline.channels.mail import headers
from unionline.channels.mail import parse as mailparse
from unionline.channels.mail.ingest import ingest_raw

pytestmark = pytest.mark.unionline_plugins("mail")


def many_parts(count: int) -> bytes:
    head = (
        "From: Анна <anna@example.test>\r\nTo: union@example.test\r\nSubject: Отпуск\r\n"
        "Message-ID: <parts@example.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nМожно ли перенести отпуск?\r\n"
    )
    part = (
        "--b1\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment\r\n\r\nx\r\n"
    )
    return (head + part * count + "--b1--\r\n").encode()


def test_a_message_of_thousands_of_parts_is_read_up_to_the_limit():
    parsed = mailparse.parse(many_parts(5000))
    assert parsed.from_name == "Анна"  # an unencoded 8-bit name (no surrogates reach the db)
    assert parsed.text == "Можно ли перенести отпуск?"
    assert len(parsed.attachments) == mailparse.MAX_PARTS - 1
    assert parsed.error is not None
    assert f"only the first {mailparse.MAX_PARTS} of 5002 MIME boundary lines" in parsed.error


def test_a_large_message_of_many_parts_is_read_whole():
    """40 photos of a document, each its own attachment: the limit grows with the message."""
    photo = "A" * 20_000  # base64 of a ~15 KB picture
    part = (
        "--b1\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: attachment; filename=page.jpg\r\n\r\n{photo}\r\n"
    )
    raw = many_parts(0).replace(b"--b1--", (part * 40).encode() + b"--b1--")
    assert raw.count(b"\n--") > mailparse.MAX_PARTS
    parsed = mailparse.parse(raw)
    assert len(parsed.attachments) == 40 and parsed.error is None


def test_a_message_within_the_limit_is_read_whole():
    parsed = mailparse.parse(many_parts(mailparse.MAX_PARTS - 5))
    assert len(parsed.attachments) == mailparse.MAX_PARTS - 5 and parsed.error is None


def test_a_header_value_is_parsed_once_and_reads_as_the_standard_policy_reads_it():
    """The feedparser reads every part's Content-Type five times; each was a parse (~0.25 ms a
    part through the header registry)."""
    import email.policy

    for name, value in (
        ("Content-Type", 'text/plain; charset="utf-8"; format=flowed'),
        ("From", "=?utf-8?b?0JDQvdC90LA=?= <anna@example.test>"),
        ("Content-Disposition", "attachment;\r\n filename*=utf-8''%D0%B0.txt"),
    ):
        once = mailparse.POLICY.header_fetch_parse(name, value)
        assert once is mailparse.POLICY.header_fetch_parse(name, value)
        standard = email.policy.default.header_fetch_parse(name, value)
        assert (str(once), type(once).__bases__, once.defects) == (
            str(standard),
            type(standard).__bases__,
            standard.defects,
        )
        assert dict(getattr(once, "params", {})) == dict(getattr(standard, "params", {}))
    long = "x" * (mailparse.MAX_CACHED_HEADER + 1)
    assert mailparse.POLICY.header_fetch_parse("Subject", long) == long


def test_a_subject_of_thousands_of_encoded_words_is_decoded_up_to_the_limit():
    subject = "=?utf-8?q?=D0=BE?= " * 5000
    raw = f"From: anna@example.test\r\nSubject: {subject}\r\n\r\nтекст".encode()
    parsed = mailparse.parse(raw)
    assert set(parsed.subject) == {"о"}
    assert len(parsed.subject) < headers.MAX_DECODED_HEADER
    short = mailparse.parse(b"From: anna@example.test\r\nSubject: =?utf-8?q?=D0=BE?= x\r\n\r\n.")
    assert short.subject == "о x"


async def test_the_appeal_lands_with_what_could_be_read_and_a_note(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    raw = many_parts(3000)
    outcome = await ingest_raw(account_id, raw, source="test")
    assert outcome.stored and outcome.appeal_id is not None
    assert outcome.error is not None and "MIME boundary lines" in outcome.error
    entries = [e for e in await timeline(h, outcome.appeal_id) if e["kind"] == "message_in"]
    assert [e["body"] for e in entries] == ["Можно ли перенести отпуск?"]
    rows = await h.runtime.db.fetch("SELECT raw, error FROM mail_message")
    assert bytes(rows[0]["raw"]) == raw and "MIME boundary lines" in rows[0]["error"]


def _shape(message: object) -> list[object]:
    import email.message

    assert isinstance(message, email.message.Message)
    return [
        (part.items(), part.get_payload() if not part.is_multipart() else None,
         [type(d) for d in part.defects])
        for part in message.walk()
    ]  # fmt: skip


@given(
    head=st.sampled_from(
        [
            b"From: a@example.test\r\nSubject: x\r\n",
            b"From: a@example.test\nContent-Type: text/html; charset=koi8-r\n",
            b"From: a@example.test\r\nnot a header\r\nSubject: x\r\n",
            b"From: a@example.test\rSubject: x\r",
            b"Content-Type: multipart/mixed; boundary=b\r\n",
            b"Content-Type: message/rfc822\r\n",
            b"",
        ]
    ),
    blank=st.sampled_from([b"\r\n", b"\n", b""]),
    body=st.binary(max_size=60).map(lambda b: b.replace(b"x", b"\r\n--b\r\n")),
)
def test_a_single_text_part_set_whole_reads_as_the_feedparser_reads_it(
    head: bytes, blank: bytes, body: bytes
):
    """A body of one text part is not read line by line (~1 µs a line); whatever the shape, the
    message is what the standard library's parse makes of it."""
    import email

    raw = head + blank + body
    assert _shape(mailparse._message(raw)) == _shape(
        email.message_from_bytes(raw, policy=mailparse.POLICY)
    )
