"""Replies over TLS (STARTTLS and implicit TLS) to a real aiosmtpd server with a certificate the
test makes, attachments with Cyrillic names, and what counts as a temporary failure."""

from __future__ import annotations

import sqlite3
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from mail_support import (
    RunningSink,
    SmtpSink,
    certificate,
    create_mailbox,
    free_port,
    mailbox_config,
    member_mail,
    wait_delivery,
)

from unionline.channels.mail.ingest import ingest_raw, temporary

pytestmark = pytest.mark.unionline_plugins("mail")


@pytest.fixture(params=["starttls", "ssl"])
def tls_sink(request, tmp_path: Path, monkeypatch) -> Iterator[tuple[RunningSink, str]]:
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test's certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink, port = SmtpSink(), free_port()
    if request.param == "starttls":
        controller = Controller(
            sink, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
        )
    else:
        controller = Controller(sink, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    yield RunningSink(sink, port), request.param
    controller.stop()


async def test_reply_over_tls_with_attachment(unionline_app, tls_sink):
    h = unionline_app
    sink, security = tls_sink
    config = mailbox_config(sink.port, smtp_security=security)
    account_id, _ = await create_mailbox(h, config)
    first = await ingest_raw(account_id, member_mail(), source="test")
    upload = await h.client.post(
        "/api/attachments/",
        headers=h.admin_headers,
        files={"file": ("Справка о членстве.pdf", b"%PDF-1.4 test", "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    reply = await h.client.post(
        f"/api/appeals/{first.appeal_id}/replies",
        headers=h.admin_headers,
        json={"text": "Справка во вложении.", "attachments": [{"id": upload.json()["id"]}]},
    )
    assert reply.status_code == 201, reply.text
    assert await wait_delivery(h, reply.json()["id"]) == "sent"
    [sent] = sink.received
    assert sent.text == "Справка во вложении."
    [attachment] = list(sent.message.iter_attachments())
    assert attachment.get_filename() == "Справка о членстве.pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"


async def test_untrusted_certificate_is_not_sent_to(unionline_app, tmp_path, monkeypatch):
    h = unionline_app
    cert, key = certificate(tmp_path)  # the server's; the client is not told to trust it
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    sink, port = SmtpSink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        account_id, _ = await create_mailbox(h, mailbox_config(port, smtp_security="ssl"))
        first = await ingest_raw(account_id, member_mail(), source="test")
        reply = await h.client.post(
            f"/api/appeals/{first.appeal_id}/replies",
            headers=h.admin_headers,
            json={"text": "Не уйдёт"},
        )
        await wait_delivery(h, reply.json()["id"], timeout=1.0)
        assert sink.received == []  # retried later (NotReady), never sent in the clear
        row = await h.runtime.db.fetchone(
            "SELECT status, last_error FROM channel_delivery WHERE entry_id = {}",
            reply.json()["id"],
        )
        assert row["status"] == "queued" and "SMTP" in row["last_error"]
    finally:
        controller.stop()


def test_what_counts_as_temporary():
    assert temporary(ConnectionRefusedError(111, "Connection refused"))
    assert temporary(sqlite3.OperationalError("database is locked"))
    assert temporary(TimeoutError())
    assert not temporary(ValueError("bad"))
    assert not temporary(KeyError("x"))
