"""Threading before subject (issue #15): a mail whose In-Reply-To or References name a message
we know joins that message's appeal whatever its subject says — localized and numbered reply
prefixes, forwards, out-of-office subject lines. Automatic answers joined to an appeal never
trigger an acknowledgement and never reopen it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from mail_support import (
    RunningSink,
    create_mailbox,
    mailbox_config,
    member_mail,
    smtp_sink,
    timeline,
)

from unionline.channels.mail import loops, threads
from unionline.channels.mail.ingest import ingest_raw
from unionline.channels.mail.parse import parse

pytestmark = pytest.mark.unionline_plugins("mail")

PREFIXES = [
    "Re: ", "RE[2]: ", "Re(3): ", "Fwd: ", "FW: ", "AW: ", "WG: ", "SV: ", "Отв: ", "Ответ: ",
    "Пересл: ", "Автоматический ответ: ", "Нет на месте: ", "Automatic reply: ",
    "Out of Office: ", "RE: Отв: AW: ",
]  # fmt: skip
AUTO_SUBJECTS = ["Автоматический ответ: ", "Нет на месте: ", "Automatic reply: ", "Автоответ: "]


@pytest.fixture
def sink() -> Iterator[RunningSink]:
    yield from smtp_sink()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_prefixes_are_not_the_topic(prefix: str) -> None:
    assert threads.normalize_subject(prefix + "Отпуск [PPO-2026-7]") == "отпуск"


@pytest.mark.parametrize("prefix", AUTO_SUBJECTS)
def test_an_out_of_office_subject_alone_marks_the_mail_automatic(prefix: str) -> None:
    mail = parse(member_mail(prefix + "Вопрос об отпуске"))
    assert loops.auto_reason(mail) == "auto-reply subject"
    assert loops.auto_reason(parse(member_mail("Ответ на автоматический ответ"))) == ""


async def first_appeal(h: Any, account_id: uuid.UUID) -> tuple[uuid.UUID, str]:
    message_id = f"<{uuid.uuid4().hex}@example.test>"
    first = await ingest_raw(account_id, member_mail(message_id=message_id), source="test")
    assert first.appeal_id is not None
    return first.appeal_id, message_id


@pytest.mark.parametrize("prefix", ["RE[2]: ", "AW: ", "Отв: ", "Пересл: ", "Совсем другое: "])
async def test_a_reference_joins_whatever_the_subject(unionline_app, prefix: str) -> None:
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    appeal_id, message_id = await first_appeal(h, account_id)
    by_reply = member_mail(prefix + "Новая тема", "Дополнение", in_reply_to=message_id)
    by_references = member_mail(
        prefix + "Ещё тема", "Ещё дополнение", references=f"<old@example.test> {message_id}"
    )
    for raw in (by_reply, by_references):
        joined = await ingest_raw(account_id, raw, source="test")
        assert joined.appeal_id == appeal_id
    bodies = [e["body"] for e in await timeline(h, appeal_id) if e["kind"] == "message_in"]
    assert bodies[1:] == ["Дополнение", "Ещё дополнение"]


async def set_status(h: Any, appeal_id: uuid.UUID, *statuses: str) -> None:
    for status in statuses:
        moved = await h.client.post(
            f"/api/appeals/{appeal_id}/status", json={"status": status}, headers=h.admin_headers
        )
        assert moved.status_code == 200, moved.text


async def appeal_count(h: Any) -> int:
    row = await h.runtime.db.fetchone("SELECT COUNT(*) AS n FROM appeal_appeal")
    return int(row["n"])


def out_of_office(message_id: str, subject: str = "Автоматический ответ: Вопрос") -> bytes:
    """Outlook's out-of-office reply as some servers send it: no Auto-Submitted, only the
    subject says so."""
    return member_mail(subject, "Я в отпуске до 20 марта.", in_reply_to=message_id)


@pytest.mark.parametrize("subject", AUTO_SUBJECTS)
async def test_an_auto_reply_to_a_resolved_appeal_joins_it_and_does_not_reopen_it(
    unionline_app, sink, subject: str
) -> None:
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port, auto_ack=True))
    appeal_id, message_id = await first_appeal(h, account_id)
    await set_status(h, appeal_id, "resolved")
    auto = await ingest_raw(
        account_id, out_of_office(message_id, subject + "Вопрос"), source="test"
    )
    assert (auto.kind, auto.appeal_id, auto.acknowledged) == ("auto", appeal_id, False)
    row = await h.runtime.db.fetchone("SELECT status FROM appeal_appeal WHERE id = {}", appeal_id)
    assert row["status"] == "resolved" and await appeal_count(h) == 1
    entries = [e for e in await timeline(h, appeal_id) if e["kind"] == "message_in"]
    assert entries[-1]["body"] == "Я в отпуске до 20 марта."  # the operator can read it
    # A person's reply still reopens it, as the appeals' rules say.
    person = member_mail("Re: Вопрос", "Вопрос остался", in_reply_to=message_id)
    assert (await ingest_raw(account_id, person, source="test")).appeal_id == appeal_id
    row = await h.runtime.db.fetchone("SELECT status FROM appeal_appeal WHERE id = {}", appeal_id)
    assert row["status"] == "open"


async def test_an_auto_reply_to_a_closed_appeal_is_kept_with_it_and_opens_nothing(
    unionline_app,
) -> None:
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525, auto_ack=True))
    appeal_id, message_id = await first_appeal(h, account_id)
    await set_status(h, appeal_id, "closed")
    before = len(await timeline(h, appeal_id))
    raw = out_of_office(message_id)
    auto = await ingest_raw(account_id, raw, source="test")
    assert (auto.kind, auto.appeal_id, auto.entry_id, auto.acknowledged) == (
        "auto",
        appeal_id,
        None,
        False,
    )
    assert await appeal_count(h) == 1 and len(await timeline(h, appeal_id)) == before
    kept = await h.runtime.db.fetch(
        "SELECT appeal_id, kind FROM mail_message WHERE message_id = {}", auto.message_id
    )
    assert [(r["appeal_id"], r["kind"]) for r in kept] == [(appeal_id, "auto")]
    assert (await ingest_raw(account_id, raw, source="test")).duplicate
