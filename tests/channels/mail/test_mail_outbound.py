"""Replies over SMTP against a real aiosmtpd server on loopback: headers, threading back into the
same appeal, acknowledgements (RFC 3834), DKIM, connection reuse, 4xx/5xx, bounces."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Iterator

import dkim
import msgspec
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from mail_support import (
    MAILBOX,
    RunningSink,
    create_mailbox,
    dsn,
    mailbox_config,
    member_mail,
    reply_to,
    smtp_sink,
    timeline,
    wait_delivery,
)

from unionline.channels.mail.ingest import ingest_raw

pytestmark = pytest.mark.unionline_plugins("mail")
REPLY_DOMAIN = "reply.union.example"


@pytest.fixture
def sink() -> Iterator[RunningSink]:
    yield from smtp_sink()


async def operator_reply(h, appeal_id: uuid.UUID, text: str) -> int:
    response = await h.client.post(
        f"/api/appeals/{appeal_id}/replies", headers=h.admin_headers, json={"text": text}
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def number_of(h, appeal_id: uuid.UUID) -> str:
    row = await h.runtime.db.fetchone("SELECT number FROM appeal_appeal WHERE id = {}", appeal_id)
    return row["number"]


async def test_member_reply_to_an_operator_mail_lands_in_the_same_appeal(unionline_app, sink):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port, reply_domain=REPLY_DOMAIN))
    first = await ingest_raw(account_id, member_mail(message_id="<q1@example.test>"), source="test")
    number = await number_of(h, first.appeal_id)

    entry_id = await operator_reply(h, first.appeal_id, "Да, можно. Напишите заявление.")
    assert await wait_delivery(h, entry_id) == "sent"
    [sent] = sink.received
    mail = sent.message
    assert mail["Subject"] == f"Re: Вопрос об отпуске [{number}]"
    assert mail["In-Reply-To"] == "<q1@example.test>"
    assert "<q1@example.test>" in mail["References"]
    assert str(mail["Message-ID"]).startswith("<ul-") and mail["Message-ID"].endswith(
        "@union.example>"
    )
    token = str(mail["Reply-To"]).split("reply+", 1)[1].split("@", 1)[0]
    assert mail["Reply-To"].addresses[0].addr_spec == f"reply+{token}@{REPLY_DOMAIN}"
    assert sent.mail_from == f"bounce+{token}@{REPLY_DOMAIN}"  # VERP
    assert sent.rcpt_tos == ["anna@example.test"] and "Auto-Submitted" not in mail
    assert sent.text == "Да, можно. Напишите заявление."
    row = await h.runtime.db.fetchone(
        "SELECT external_id FROM appeal_timeline WHERE id = {}", entry_id
    )
    assert row["external_id"] == str(mail["Message-ID"]).strip("<>")

    answer = await ingest_raw(account_id, reply_to(sent, "Спасибо, напишу."), source="test")
    assert answer.appeal_id == first.appeal_id
    bodies = [e["body"] for e in await timeline(h, first.appeal_id) if e["kind"] == "message_in"]
    assert bodies[-1] == "Спасибо, напишу."  # the quoted history is trimmed for display

    # A client that drops the number and the references still hits the reply token.
    bare = member_mail("Re: Вопрос об отпуске", "Ещё вопрос по тому же.", to=mail["Reply-To"])
    assert (await ingest_raw(account_id, bare, source="test")).appeal_id == first.appeal_id

    # A reply is a reply whatever its subject says (threading comes before the subject).
    topic = reply_to(sent, "А как вступить в профсоюз сына?", subject="Вступление в профсоюз")
    same = await ingest_raw(account_id, topic, source="test")
    assert same.appeal_id == first.appeal_id


async def test_replies_of_two_members_to_one_mail_never_merge(unionline_app, sink):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port))
    first = await ingest_raw(account_id, member_mail(), source="test")
    assert await wait_delivery(h, await operator_reply(h, first.appeal_id, "Ответ")) == "sent"
    [sent] = sink.received
    # Anna forwarded our answer to a colleague, who replies to it, number and all.
    colleague = reply_to(sent, "И у меня тот же вопрос.", sender="Олег <oleg@example.test>")
    other = await ingest_raw(account_id, colleague, source="test")
    assert other.appeal_id not in (None, first.appeal_id)


async def test_acknowledgement_once_a_day_and_never_to_an_auto_reply(unionline_app, sink):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port, auto_ack=True))
    first = await ingest_raw(account_id, member_mail(), source="test")
    assert first.acknowledged
    number = await number_of(h, first.appeal_id)
    [ack_entry] = [e for e in await timeline(h, first.appeal_id) if e["kind"] == "message_out"]
    assert await wait_delivery(h, ack_entry["id"]) == "sent"
    [ack] = sink.received
    assert ack.mail_from == "<>"  # RFC 3834: no bounces or replies to an automatic reply
    assert ack.message["Auto-Submitted"] == "auto-replied"
    assert number in ack.message["Subject"] and number in ack.text
    assert "зарегистрировано" in ack.text
    appeal = await h.runtime.db.fetchone(
        "SELECT status, first_responded_at FROM appeal_appeal WHERE id = {}", first.appeal_id
    )
    assert appeal["status"] == "new" and appeal["first_responded_at"] is None  # no response

    second = await ingest_raw(
        account_id, member_mail("Другая тема", "Ещё одно обращение"), source="test"
    )
    assert second.appeal_id != first.appeal_id and not second.acknowledged  # once a day

    out_of_office = member_mail(
        "Автоматический ответ: Ответ",
        "Я в отпуске до понедельника.",
        sender="Олег <oleg@example.test>",
        headers={"Auto-Submitted": "auto-replied"},
    )
    auto = await ingest_raw(account_id, out_of_office, source="test")
    assert auto.kind == "auto" and auto.appeal_id is not None and not auto.acknowledged
    await wait_delivery(h, ack_entry["id"])
    outs = await h.runtime.db.fetch("SELECT id FROM appeal_timeline WHERE kind = 'message_out'")
    assert len(outs) == 1


async def test_a_bounce_marks_the_original_message_failed(unionline_app, sink):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port, reply_domain=REPLY_DOMAIN))
    first = await ingest_raw(account_id, member_mail(), source="test")
    entry_id = await operator_reply(h, first.appeal_id, "Ответ профкома")
    assert await wait_delivery(h, entry_id) == "sent"
    [sent] = sink.received
    bounce = dsn(str(sent.message["Message-ID"]).strip("<>"), to=sent.mail_from)
    outcome = await ingest_raw(account_id, bounce, source="test")
    assert outcome.kind == "bounce" and outcome.appeal_id == first.appeal_id
    row = await h.runtime.db.fetchone(
        "SELECT delivery_status, data FROM appeal_timeline WHERE id = {}", entry_id
    )
    assert row["delivery_status"] == "failed"
    assert "5.1.1" in str(row["data"])
    ins = [e for e in await timeline(h, first.appeal_id) if e["kind"] == "message_in"]
    assert len(ins) == 1  # the bounce is no message of the member


async def test_dkim_signature_verifies(unionline_app, sink):
    h = unionline_app
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    config = mailbox_config(sink.port, dkim_selector="ul2026", dkim_domain="union.example")
    account_id, _ = await create_mailbox(h, config, {"dkim_private_key": private})
    first = await ingest_raw(account_id, member_mail(), source="test")
    assert await wait_delivery(h, await operator_reply(h, first.appeal_id, "Подпись")) == "sent"
    [sent] = sink.received
    assert sent.message["DKIM-Signature"]

    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"ul2026._domainkey.union.example."
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    assert dkim.verify(sent.content, dnsfunc=dns)
    assert not dkim.verify(sent.content.replace(b"\xd1\x8c", b"\xd1\x8f"), dnsfunc=dns)


async def test_connection_is_reused_and_4xx_retried_5xx_failed(unionline_app, sink):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port))
    first = await ingest_raw(account_id, member_mail(), source="test")
    for text in ("Первый ответ", "Второй ответ"):
        assert await wait_delivery(h, await operator_reply(h, first.appeal_id, text)) == "sent"
    assert sink.sink.sessions == 1  # one SMTP session carried both

    sink.sink.fail_next("transient")
    entry_id = await operator_reply(h, first.appeal_id, "После 451")
    assert await wait_delivery(h, entry_id) == "sent"
    assert [r.text for r in sink.received][-1] == "После 451"

    sink.sink.fail_next("permanent")
    entry_id = await operator_reply(h, first.appeal_id, "Не дойдёт")
    assert await wait_delivery(h, entry_id) == "failed"
    row = await h.runtime.db.fetchone("SELECT data FROM appeal_timeline WHERE id = {}", entry_id)
    assert "550" in str(row["data"])
    assert len(sink.received) == 3


async def test_acknowledgement_in_english_or_the_mailbox_text(unionline_app, sink):
    h = unionline_app
    account_id, _ = await create_mailbox(
        h, mailbox_config(sink.port, auto_ack=True, ack_language="en")
    )
    first = await ingest_raw(account_id, member_mail(), source="test")
    [entry] = [e for e in await timeline(h, first.appeal_id) if e["kind"] == "message_out"]
    number = await number_of(h, first.appeal_id)
    assert f"registered it under the number {number}" in entry["body"]
    config = mailbox_config(sink.port, auto_ack=True, ack_text="Принято: {number}.")
    config["address"] = "ppo2@union.example"
    other_id, _ = await create_mailbox(h, config, code="PPO2")
    second = await ingest_raw(other_id, member_mail(to="ppo2@union.example"), source="test")
    [entry] = [e for e in await timeline(h, second.appeal_id) if e["kind"] == "message_out"]
    assert entry["body"] == f"Принято: {await number_of(h, second.appeal_id)}."


async def test_mailbox_without_smtp_fails_visibly(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, {"address": MAILBOX})
    first = await ingest_raw(account_id, member_mail(), source="test")
    entry_id = await operator_reply(h, first.appeal_id, "Некуда отправить")
    assert await wait_delivery(h, entry_id) == "failed"


@pytest.mark.parametrize("html", ["", "<p>Собрание в <b>пятницу</b></p>"])
def test_the_direct_writer_says_what_email_message_says(html: str) -> None:
    """The mail of a text without files is written out directly (no header objects); read back,
    it has the headers and parts ``EmailMessage`` gives: encoded words for Cyrillic, the
    List-Unsubscribe pair as given, a line too long for 8bit in base64."""
    import asyncio
    import email
    import email.policy
    from types import SimpleNamespace

    from unionline.channel import OutboundMessage
    from unionline.channels.mail import outbound

    config = SimpleNamespace(
        display_name="Первичная профсоюзная организация «Школа №3»",
        address="news@union.example",
        domain="union.example",
        reply_domain=REPLY_DOMAIN,
    )
    account = SimpleNamespace(id=uuid.uuid4(), config=config)
    unsubscribe = (
        "<https://union.example/campaigns/unsubscribe/42.0123456789abcdef01234567>,"
        " <mailto:unsubscribe@union.example?subject=unsubscribe%2042.0123456789abcdef01234567>"
    )
    message = OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=uuid.uuid4(),
        organization_id=uuid.uuid4(),
        member_id=None,
        recipient="ivan@example.test",
        text="Здравствуйте, Иван!\n\nСобрание в пятницу.\n" + "я" * 600,
        broadcast=True,
        subject="Приглашение на отчётно-выборное собрание первичной организации 12 декабря",
        html=html,
        headers=(
            ("List-Unsubscribe", unsubscribe),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
    )
    raw = outbound.compose(account, message, "tok", message.subject, None, automatic=False)
    built = asyncio.run(outbound.build(account, message, "tok", None, None, automatic=False))
    new = email.message_from_bytes(raw, policy=email.policy.default)
    old = email.message_from_bytes(
        built.as_bytes(policy=outbound.SMTP_POLICY), policy=email.policy.default
    )
    names = (
        "From",
        "To",
        "Subject",
        "Message-ID",
        "Reply-To",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    )
    assert [str(new[n]) for n in names] == [str(old[n]) for n in names]
    assert str(new["List-Unsubscribe"]) == unsubscribe

    def parts(mail: email.message.EmailMessage) -> list[tuple[str, str]]:
        return [
            (p.get_content_type(), p.get_content()) for p in mail.walk() if not p.is_multipart()
        ]

    assert parts(new) == parts(old) and new.get_content_type() == old.get_content_type()
    assert all(not p.defects for p in new.walk())
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"=?utf-8?b?" in raw.split(b"\r\n\r\n")[0]  # headers stay ASCII: encoded words
    assert raw.split(b"\r\n\r\n")[0].isascii()
    bad = msgspec.structs.replace(message, subject="a\r\nBcc: someone@example.test")
    with pytest.raises(ValueError):
        outbound.compose(account, bad, "tok", bad.subject, None, automatic=False)


async def test_a_second_first_attempt_gets_the_stored_mail(unionline_app, sink):
    """Building and storing is one statement; when an earlier run stored the delivery's mail (a
    worker killed after storing, the retry still counted as a first attempt), the statement
    returns that mail — the very same bytes go out again, never a second version."""
    from unionline.channel import OutboundMessage, load_account
    from unionline.channels.mail import outbound

    account_id, _ = await create_mailbox(unionline_app, mailbox_config(sink.port))
    account = await load_account(account_id)
    message = OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=uuid.uuid4(),
        organization_id=account.organization_id,
        member_id=None,
        recipient="ivan@example.test",
        text="Собрание в пятницу",
        broadcast=True,
        subject="Собрание",
    )
    first = await outbound._prepared(account, message)
    stored = b"X-Stored: earlier\r\n" + first["raw"]  # tell the stored bytes from a rebuild
    db = unionline_app.runtime.db
    await db.execute("UPDATE mail_message SET raw = {} WHERE delivery_id = {}", stored, message.id)
    again = await outbound._prepared(account, message)
    later = await outbound._prepared(account, msgspec.structs.replace(message, attempt=2))
    assert again["raw"] == later["raw"] == stored
    assert again["message_id"] == first["message_id"]
    rows = await db.fetch("SELECT id FROM mail_message WHERE delivery_id = {}", message.id)
    assert len(rows) == 1


class _SlowSink:
    """Holds each DATA a moment, counting sessions and the transactions in progress at once
    (per connection and in all)."""

    def __init__(self) -> None:
        self.sessions = 0
        self.busy: dict[int, int] = {}
        self.most = 0
        self.most_on_one = 0
        self.received = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        key = id(session)
        self.busy[key] = self.busy.get(key, 0) + 1
        self.most = max(self.most, sum(self.busy.values()))
        self.most_on_one = max(self.most_on_one, self.busy[key])
        await asyncio.sleep(0.02)
        self.busy[key] -= 1
        self.received += 1
        return "250 OK"


@pytest.mark.parametrize("connections", [1, 3])
async def test_parallel_sends_use_at_most_smtp_connections(unionline_app, connections):
    from aiosmtpd.controller import Controller
    from mail_support import free_port

    from unionline.channel import load_account
    from unionline.channels.mail.outbound import deliver

    h = unionline_app
    slow = _SlowSink()
    port = free_port()
    controller = Controller(slow, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        config = mailbox_config(port, smtp_connections=connections)
        account_id, _ = await create_mailbox(h, config)
        account = await load_account(account_id)
        raw = b"Subject: x\r\n\r\ntext\r\n"
        await asyncio.gather(
            *(deliver(account, MAILBOX, [f"m{i}@example.test"], raw) for i in range(12))
        )
    finally:
        controller.stop()
    assert slow.received == 12
    assert slow.sessions == connections  # opened as needed, then reused
    assert slow.most == connections and slow.most_on_one == 1


async def test_smtp_connections_out_of_range_is_refused_naming_the_field(unionline_app, sink):
    h = unionline_app
    org = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Профсоюзная организация", "code": "PPO9", "kind": "federation"},
    )
    response = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": org.json()["id"],
            "channel": "mail",
            "name": "Почта профкома",
            "public_key": MAILBOX,
            "config": mailbox_config(sink.port, smtp_connections=0),
        },
    )
    assert response.status_code in (400, 422), response.text
    assert "smtp_connections" in response.text
