"""Header bytes as site forms, old scripts and broken clients send them — raw UTF-8 and
windows-1251 with no charset, encoded words with wrong or unknown labels, stray quotes and
brackets, control bytes — pushed through the whole ingest, by SMTP (``unionline smtpd``) and
by IMAP (a real Dovecot): every mail opens or joins an appeal, nothing is refused with a 5xx and
nothing raises (issue #15). Runs on both engines: PostgreSQL refused surrogate escapes.

Header values never hold CR or LF here (that would be another header), and the IMAP run draws
no NUL: an IMAP literal cannot carry one without the BINARY extension."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosmtplib
import pytest
from dovecot_support import (
    create_mailbox_account,
    mail_test_settings,
    shared_dovecot,
    wait_until,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionline.channels.mail import defects
from unionline.channels.mail.imap import MailboxPoller
from unionline.channels.mail.parse import parse
from unionline.channels.mail.smtpd import serve
from unionline.settings import Settings
from unionline.testing.server import free_port
from unionline.testing.support import AppHarness

RECIPIENT = "profkom@union.example"
WORDS = ["Иван Петров", "Вопрос об отпуске", "Ёлкина Анна", "Müller", "заявление", "Профком"]
CHARSETS = ["utf-8", "windows-1251", "koi8-r", "latin-1", "x-unknown", "bogus", ""]
PUNCTUATION = [b'"', b"(", b")", b"<", b">", b",", b";", b"\\", b":", b"@", b"\t", b" "]


def _one_line(data: bytes) -> bytes:
    return data.replace(b"\r", b"").replace(b"\n", b"")


def _encoded_word(charset: str, data: bytes) -> bytes:
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(data) + b"?="


def _in(encoding: str, text: str) -> bytes:
    return text.encode(encoding, "replace")


words = st.sampled_from(WORDS)
value = st.one_of(
    st.binary(max_size=40).map(_one_line),
    st.builds(_in, st.sampled_from(["utf-8", "cp1251", "koi8-r"]), words),
    st.builds(
        _encoded_word,
        st.sampled_from(CHARSETS),
        st.one_of(
            st.binary(max_size=20), st.builds(_in, st.sampled_from(["utf-8", "cp1251"]), words)
        ),
    ),
    st.lists(st.one_of(st.sampled_from(PUNCTUATION), words.map(str.encode)), max_size=6).map(
        b"".join
    ),
).map(lambda v: v[:120])
OTHER = ["To", "Cc", "Reply-To", "Sender", "In-Reply-To", "References", "Date", "X-Mailer"]


@st.composite
def mail(draw: Any, *, nul: bool = True) -> bytes:
    """A member's mail whose header values are drawn; the sender's address stays readable."""
    case = uuid.uuid4().hex[:12]

    def pick() -> bytes:
        drawn = draw(value)
        return drawn if nul else drawn.replace(b"\x00", b"")

    lines = [
        b"From: " + pick() + b" <m" + case.encode() + b"@example.test>",
        b"To: " + RECIPIENT.encode(),
        b"Subject: " + pick(),
    ]
    for name in draw(st.lists(st.sampled_from(OTHER), max_size=4)):
        lines.append(name.encode() + b": " + pick())
    if draw(st.booleans()):
        lines.append(b"Message-ID: <" + case.encode() + b"@example.test>")
    if draw(st.booleans()):
        charset = draw(st.sampled_from(CHARSETS)).encode()
        lines.append(b"Content-Type: text/plain; charset=" + (charset or b'""'))
    body = b"Case " + case.encode() + b"\r\n" + pick() + b"\r\n"
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def drawn(strategy: Any, examples: int = 40) -> list[bytes]:
    """``examples`` mails hypothesis draws (ingestion runs on the test's own event loop)."""
    seen: list[bytes] = []

    @given(raw=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def collect(raw: bytes) -> None:
        seen.append(raw)

    collect()
    return list(dict.fromkeys(seen))


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return mail_test_settings(unionline_settings, tmp_path)


async def every_mail_on_an_appeal(h: AppHarness, account: uuid.UUID, sent: list[bytes]) -> None:
    rows = await h.runtime.db.fetch(
        "SELECT message_id, appeal_id, error FROM mail_message WHERE account_id = {}"
        " AND direction = 'in'",
        account,
    )
    assert len(rows) == len(sent)
    assert [r for r in rows if r["appeal_id"] is None] == []
    entries = await h.runtime.db.fetch(
        "SELECT body, data FROM appeal_timeline WHERE kind = 'message_in'"
    )
    assert len(entries) == len(sent)


def test_parse_reads_every_drawn_header_as_text() -> None:
    for raw in drawn(mail(), 150):
        parsed = parse(raw)
        assert parsed.from_address.startswith("m") and parsed.from_address.endswith(".test")
        for text in (parsed.from_name, parsed.subject, *parsed.to, *parsed.warnings):
            text.encode("utf-8")  # no surrogates: both engines store it


async def test_random_header_bytes_over_smtp_always_open_an_appeal(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    account = await create_mailbox_account(h, smtp_recipients=[RECIPIENT])
    port = free_port()
    sent = drawn(mail())
    async with serve("127.0.0.1", port):
        for raw in sent:
            errors, _ = await aiosmtplib.send(
                raw,
                hostname="127.0.0.1",
                port=port,
                sender="sender@example.test",
                recipients=[RECIPIENT],
                timeout=30,
            )
            assert errors == {}  # 250: stored (a 4xx/5xx raises SMTPResponseException)
    await every_mail_on_an_appeal(h, account, sent)


@contextlib.asynccontextmanager
async def polling(account_id: uuid.UUID) -> AsyncIterator[MailboxPoller]:
    poller = MailboxPoller(account_id)
    task = asyncio.create_task(poller.run())
    try:
        yield poller
    finally:
        poller.stop()
        await asyncio.wait_for(task, 15)


async def test_random_header_bytes_over_imap_always_open_an_appeal(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    mailbox = shared_dovecot().new_mailbox()
    sent = drawn(mail(nul=False))
    mailbox.deliver(*sent)
    account = await create_mailbox_account(h, mailbox=mailbox)

    async def all_taken() -> bool:
        row = await h.runtime.db.fetchone(
            "SELECT COUNT(*) AS n FROM mail_message WHERE account_id = {}", account
        )
        return row is not None and int(row["n"]) >= len(sent)

    async with polling(account):
        await wait_until(all_taken, what=f"{len(sent)} mails taken from Dovecot")
    await every_mail_on_an_appeal(h, account, sent)


# -- what a person reads, case by case ---------------------------------------------------------

SITE_FORM = (
    "From: Иван Петров <ivan@example.test>\r\nTo: profkom@union.example\r\n"
    "Subject: Вопрос с сайта\r\nDate: Thu, 05 Mar 2026 10:00:00 +0300\r\n"
    "Message-ID: <form-1@site.example>\r\n\r\nТекст обращения\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251", "koi8-r"])
def test_unlabelled_header_bytes_are_read_in_their_charset(encoding: str) -> None:
    parsed = parse(SITE_FORM.encode(encoding))
    assert (parsed.from_name, parsed.from_address) == ("Иван Петров", "ivan@example.test")
    assert parsed.subject == "Вопрос с сайта"
    charset = {"utf-8": None, "cp1251": "windows-1251", "koi8-r": "KOI8-R"}[encoding]
    noted = [w for w in parsed.warnings if "без указания кодировки" in w]
    assert noted == (
        [f"Заголовки письма без указания кодировки; прочитаны как {charset}"] if charset else []
    )


def test_the_body_charset_tells_how_to_read_the_headers() -> None:
    raw = (
        b"From: \xcf\xe5\xf2\xf0 <petr@example.test>\r\n"
        b"Subject: \xc7\xc0\xdf\xc2\xcb\xc5\xcd\xc8\xc5\r\n"
        b"Content-Type: text/plain; charset=windows-1251\r\n\r\n\xd2\xe5\xea\xf1\xf2\r\n"
    )  # "Петр", "ЗАЯВЛЕНИЕ" (capitals alone read as KOI8-R too), "Текст"
    parsed = parse(raw)
    assert (parsed.from_name, parsed.subject, parsed.text) == ("Петр", "ЗАЯВЛЕНИЕ", "Текст")


def test_latin_names_are_not_taken_for_cyrillic() -> None:
    parsed = parse(
        "From: Jörg Müller <jm@example.test>\r\nSubject: Grüße\r\n\r\nx".encode("latin-1")
    )
    assert (parsed.from_name, parsed.subject) == ("Jörg Müller", "Grüße")


def test_a_name_cut_mid_letter_stays_utf8() -> None:
    parsed = parse("From: Анна Петрова".encode()[:-1] + b" <anna@example.test>\r\n\r\nx")
    assert parsed.from_name == "Анна Петров\ufffd" and parsed.from_address == "anna@example.test"


def test_mislabelled_and_unknown_encoded_words() -> None:
    cp1251 = base64.b64encode("Отпуск".encode("cp1251")).decode()
    koi8 = base64.b64encode("отпуск".encode("koi8-r")).decode()
    subject = f"=?utf-8?B?{cp1251}?= =?x-bogus?B?{koi8}?="
    parsed = parse(f"From: a@example.test\r\nSubject: {subject}\r\n\r\nx".encode())
    assert "\ufffd" not in parsed.subject and parsed.subject.startswith("Отпуск")


def test_a_file_name_in_raw_cp1251() -> None:
    raw = (
        b"From: a@example.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n"
        b"--zz\r\nContent-Type: text/plain\r\n\r\nhi\r\n--zz\r\nContent-Type: application/pdf\r\n"
        b'Content-Disposition: attachment; filename="\xc7\xe0\xff\xe2\xeb\xe5\xed\xe8\xe5.pdf"\r\n'
        b"\r\nxx\r\n--zz--\r\n"
    )
    assert [a.filename for a in parse(raw).attachments] == ["Заявление.pdf"]


@pytest.mark.parametrize(
    ("value", "name", "address"),
    [
        ('"Иван (профком <ivan@example.test>', "Иван (профком", "ivan@example.test"),
        ("m( <m1@example.test>", "m(", "m1@example.test"),
        ('Петров " Иван <p@example.test>', 'Петров " Иван', "p@example.test"),
        ("Иван Петров ivan@example.test", "Иван Петров", "ivan@example.test"),
    ],
)
def test_a_malformed_address_list_is_salvaged_and_flagged(value: str, name: str, address: str):
    parsed = parse(f"From: {value}\r\nSubject: x\r\n\r\nx".encode())
    assert (parsed.from_name, parsed.from_address) == (name, address)
    assert any(w.startswith("Адрес в заголовке From записан с ошибкой") for w in parsed.warnings)


def test_header_defects_become_warnings_in_russian() -> None:
    raw = (
        b" continuation first\r\nSubject: x\r\nReply-To: anna@example.test\r\nDate: yesterday\r\n"
        b"Content-Type: multipart/mixed\r\nbroken header line\r\n\r\nbody"
    )
    warnings = parse(raw).warnings
    assert sorted(warnings) == sorted(
        [
            "Письмо составное, но граница между частями не указана",
            "Заголовки письма начинаются с продолжения строки",
            "В заголовках есть строка без имени заголовка: она прочитана как начало текста",
            "Письмо объявлено составным, но частей в нём нет",
            "Нет заголовка From (отправитель); адрес взят из Reply-To: anna@example.test",
            "Дата отправки не читается: «yesterday»",
            "Нет идентификатора письма (Message-ID)",
        ]
    )
    clean = parse(SITE_FORM.encode())
    assert clean.warnings == []


def test_an_encrypted_mail_says_so() -> None:
    raw = (
        b"From: a@example.test\r\nSubject: e\r\nDate: Thu, 05 Mar 2026 10:00:00 +0300\r\n"
        b"Message-ID: <e@example.test>\r\nContent-Type: application/pkcs7-mime;"
        b" smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n"
        b"\r\nAAAA\r\n"
    )
    parsed = parse(raw)
    assert parsed.warnings == [defects.SEALED]
    assert [a.filename for a in parsed.attachments] == ["smime.p7m"]
