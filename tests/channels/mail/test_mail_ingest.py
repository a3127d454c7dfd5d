"""ingest_raw: every inbound path's entry point — durable, idempotent, never crashing on bytes."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from mail_support import create_mailbox, mailbox_config, member_mail, timeline

from unionline.channels.mail.ingest import ingest_raw

pytestmark = pytest.mark.unionline_plugins("mail")


async def test_mail_becomes_an_appeal_and_redelivery_is_stored_once(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    raw = member_mail(message_id="<first@example.test>")
    first = await ingest_raw(account_id, raw, source="test")
    again = await ingest_raw(account_id, raw, source="imap", source_ref="INBOX:1:7")
    assert first.stored and not first.duplicate and first.appeal_id is not None
    assert first.message_id == "first@example.test"
    assert again.duplicate and not again.stored
    entries = [e for e in await timeline(h, first.appeal_id) if e["kind"] == "message_in"]
    assert [e["body"] for e in entries] == ["Здравствуйте! Можно ли перенести отпуск?"]
    rows = await h.runtime.db.fetch("SELECT raw, error FROM mail_message")
    assert len(rows) == 1 and bytes(rows[0]["raw"]) == raw and rows[0]["error"] == ""


async def test_garbage_is_kept_raw_with_an_error(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    outcome = await ingest_raw(account_id, b"\x00\xff not a mail at all", source="test")
    assert outcome.stored and outcome.error and outcome.appeal_id is None
    again = await ingest_raw(account_id, b"\x00\xff not a mail at all", source="test")
    assert again.duplicate
    rows = await h.runtime.db.fetch("SELECT raw, error FROM mail_message")
    assert len(rows) == 1 and rows[0]["error"]


async def test_unknown_account_is_not_found(unionline_app):
    from unionline.errors import NotFound

    with pytest.raises(NotFound):
        await ingest_raw(uuid.uuid4(), member_mail(), source="test")


async def test_mail_the_appeals_domain_refuses_is_kept_raw_with_the_reason(unionline_app):
    h = unionline_app
    account_id, org_id = await create_mailbox(h, mailbox_config(2525))
    archived = await h.client.post(f"/api/organizations/{org_id}/archive", headers=h.admin_headers)
    assert archived.status_code == 200, archived.text
    outcome = await ingest_raw(account_id, member_mail(), source="smtp")
    assert outcome.stored and outcome.appeal_id is None and "organization" in (outcome.error or "")
    rows = await h.runtime.db.fetch("SELECT error, appeal_id FROM mail_message")
    assert len(rows) == 1 and "organization" in rows[0]["error"] and rows[0]["appeal_id"] is None
    assert (await ingest_raw(account_id, member_mail(), source="smtp")).stored  # a new mail


async def test_http_inbound_route(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525), {"inbound_token": "t" * 24})
    url = "/channels/mail/profkom@union.example/inbound"
    raw = member_mail(message_id="<http-1@example.test>")
    missing = await h.client.post(url, content=raw)
    wrong = await h.client.post(url, content=raw, headers={"Authorization": "Bearer nope"})
    assert (missing.status_code, wrong.status_code) == (401, 403)
    ok = await h.client.post(url, content=raw, headers={"Authorization": "Bearer " + "t" * 24})
    again = await h.client.post(url, content=raw, headers={"Authorization": "Bearer " + "t" * 24})
    assert ok.status_code == again.status_code == 200
    assert (ok.json()["stored"], again.json()["stored"]) == (True, False)
    unknown = await h.client.post("/channels/mail/nobody@x.example/inbound", content=raw)
    assert unknown.status_code == 404
    huge = member_mail(text="x" * 2048)
    await h.client.patch(
        f"/api/channel-accounts/{account_id}",
        headers=h.admin_headers,
        json={"config": {**mailbox_config(2525), "max_message_bytes": 1024}},
    )
    refused = await h.client.post(
        url, content=huge, headers={"Authorization": "Bearer " + "t" * 24}
    )
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "body"


async def test_erasing_a_member_clears_their_mail_but_not_the_dedup(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525, auto_ack=True))
    raw = member_mail(message_id="<private@example.test>")
    first = await ingest_raw(account_id, raw, source="test")
    row = await h.runtime.db.fetchone(
        "SELECT member_id FROM appeal_appeal WHERE id = {}", first.appeal_id
    )
    erased = await h.client.post(
        f"/api/privacy/members/{row['member_id']}/erase", headers=h.admin_headers
    )
    assert erased.status_code == 200, erased.text
    # cleared inside the erasure's transaction: no waiting for jobs
    rows = await h.runtime.db.fetch(
        "SELECT raw, subject, from_address FROM mail_message WHERE direction = 'in'"
    )
    assert [(r["raw"], r["subject"], r["from_address"]) for r in rows] == [(None, "[удалено]", "")]
    assert await h.runtime.db.fetch("SELECT key FROM mail_ack") == []
    assert (await ingest_raw(account_id, raw, source="imap")).duplicate  # not resurrected


async def test_a_members_export_carries_their_mail_raw(unionline_app):
    """The right of access: the member's export lists their mail and the ZIP holds each message
    byte for byte; another member's mail stays out."""
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    raw = member_mail("Справка о доходах", message_id="<mine@example.test>")
    mine = await ingest_raw(account_id, raw, source="test")
    await ingest_raw(
        account_id, member_mail("Чужое", sender="Пётр <petr@example.test>"), source="test"
    )
    row = await h.runtime.db.fetchone(
        "SELECT member_id FROM appeal_appeal WHERE id = {}", mine.appeal_id
    )
    url = f"/api/privacy/members/{row['member_id']}/export"
    document = (await h.client.get(url, headers=h.admin_headers)).json()
    (mail,) = document["extra"]["mail"]
    assert (mail["message_id"], mail["subject"], mail["direction"]) == (
        "mine@example.test",
        "Справка о доходах",
        "in",
    )
    assert mail["from_address"] == "anna@example.test" and mail["appeal_id"] == str(mine.appeal_id)
    archive = (await h.client.get(url + ".zip", headers=h.admin_headers)).content
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert [n for n in z.namelist() if n.startswith("mail/")] == [mail["file"]]
        assert z.read(mail["file"]) == raw


async def test_parsing_runs_off_the_event_loop(unionline_app, monkeypatch: pytest.MonkeyPatch):
    """Issue #12: one e-mail parsed on the event loop stalled every other request (14–40 s)."""
    import threading

    from unionline.channels.mail import ingest

    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    threads: list[threading.Thread] = []
    real_parse = ingest.parse

    def parse(raw: bytes) -> ingest.ParsedMail:
        threads.append(threading.current_thread())
        return real_parse(raw)

    monkeypatch.setattr(ingest, "parse", parse)
    outcome = await ingest_raw(account_id, member_mail(), source="smtp")
    assert outcome.stored and outcome.appeal_id is not None
    assert threads and threads[0] is not threading.current_thread()
