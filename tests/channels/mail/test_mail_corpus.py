"""The fixture corpus: real-world-shaped mail (Outlook, Gmail, Thunderbird, Apple Mail, Yandex,
Mail.ru; KOI8-R, windows-1251, mislabelled charsets; alternative and related multiparts;
forwards; Cyrillic attachment names; a DSN; an out-of-office reply), each ``<name>.eml`` with
what a person reading it expects in ``<name>.json``."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mail_support import create_mailbox, mailbox_config

from unionline.channels.mail import bounces, loops, threads
from unionline.channels.mail.ingest import ingest_raw
from unionline.channels.mail.parse import parse

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.eml"))
ACCOUNT = SimpleNamespace(config=SimpleNamespace(reply_domain="reply.union.example"))


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def test_the_corpus_covers_the_shapes():
    assert len(NAMES) >= 14
    assert all((FIXTURES / f"{n}.json").is_file() for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_parsed_as_a_reader_expects(name: str):
    raw = (FIXTURES / f"{name}.eml").read_bytes()
    want = expected(name)
    mail = parse(raw)
    assert mail.error is None
    if want["message_id"] is None:
        assert not mail.has_message_id and mail.message_id == parse(raw).message_id
    else:
        assert mail.message_id == want["message_id"]
    assert (mail.from_address, mail.from_name) == (want["from_address"], want["from_name"])
    assert mail.subject == want["subject"]
    assert mail.in_reply_to == want["in_reply_to"]
    assert mail.references == want.get("references", mail.references)
    assert threads.appeal_number(mail.subject) == want.get("appeal_number")
    if "reply_to" in want:
        assert mail.reply_to == want["reply_to"]
    if want["text"] is not None:
        assert mail.display_text == want["text"]
    for part in want["full_text_contains"]:
        assert part in mail.text  # the whole text is kept beside the trimmed one
    _check_html(mail.html, want["html"])
    if want["attachments"] is not None:
        _check_attachments(mail.attachments, want["attachments"])
    assert bool(loops.auto_reason(mail, ("union.example",))) is want["auto"]
    report = bounces.classify(mail, ACCOUNT)
    assert (report.kind if report else "message") == want["kind"]
    if "bounce" in want:
        assert report is not None
        assert report.status == want["bounce"]["status"]
        assert report.original_ids == [want["bounce"]["original"]]
        assert report.token == want["bounce"]["token"]
        for part in want["bounce"]["error_contains"]:
            assert part in report.error


def _check_html(html: str, want: dict[str, list[str]] | None) -> None:
    if want is None:
        assert html == ""
        return
    for part in want["contains"]:
        assert part in html
    for part in want["excludes"]:
        assert part not in html


def _check_attachments(found: list[Any], want: list[dict[str, Any]]) -> None:
    assert [(a.filename, a.content_type, a.inline) for a in found] == [
        (w["filename"], w["content_type"], w["inline"]) for w in want
    ]
    for attachment, w in zip(found, want, strict=True):
        if w["size"] is not None:
            assert len(attachment.data) == w["size"]
        if "contains" in w:
            assert w["contains"].encode() in attachment.data


@pytest.mark.unionline_plugins("mail")
async def test_every_fixture_is_stored_once(unionline_app):
    h = unionline_app
    account_id, _ = await create_mailbox(
        h, mailbox_config(2525, reply_domain="reply.union.example", auto_ack=True)
    )
    outcomes = {}
    for name in NAMES:
        raw = (FIXTURES / f"{name}.eml").read_bytes()
        outcomes[name] = await ingest_raw(account_id, raw, source="test")
        again = await ingest_raw(account_id, raw, source="test")
        assert again.duplicate, name
    for name, outcome in outcomes.items():
        want = expected(name)
        assert outcome.stored and outcome.error is None, name
        assert outcome.kind == (
            "auto" if want["auto"] and want["kind"] == "message" else want["kind"]
        )
        if want["kind"] == "message":
            assert outcome.appeal_id is not None, name
            # An automatic message never gets an acknowledgement; a person's first one does.
            assert outcome.acknowledged is (not want["auto"]), name
    rows = await h.runtime.db.fetch("SELECT COUNT(*) AS n FROM mail_message WHERE direction = 'in'")
    assert rows[0]["n"] == len(NAMES)
