"""A mail appeal merged into another: the member's mail follows it (the ``appeal_merged`` hook).

The thread's mail names the target from the merge on (``mail_message.appeal_id``): the member's
next mail on the old thread — a person's or an out-of-office reply — lands on the target, and
an operator's reply on the target answers the member's last mail (In-Reply-To), in the thread
the member's client shows; the target's next mail is not acknowledged as a new appeal's.
"""

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
    wait_delivery,
)

from unionline.channels.mail.ingest import ingest_raw

pytestmark = [pytest.mark.unionline_plugins("mail"), pytest.mark.every_engine]


@pytest.fixture
def sink() -> Iterator[RunningSink]:
    yield from smtp_sink()


async def merged_mail_appeal(h: Any, account_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID, str]:
    """(source, target, the member's Message-ID): the member's mail appeal merged into an
    appeal an operator opened for them by phone."""
    message_id = f"<{uuid.uuid4().hex}@example.test>"
    first = await ingest_raw(account_id, member_mail(message_id=message_id), source="test")
    assert first.appeal_id is not None
    source = await h.client.get(f"/api/appeals/{first.appeal_id}", headers=h.admin_headers)
    created = await h.client.post(
        "/api/appeals",
        headers=h.admin_headers,
        json={
            "organization_id": source.json()["organization_id"],
            "member_id": source.json()["member_id"],
            "subject": "Перенос отпуска (звонила)",
            "channel": "phone",
        },
    )
    assert created.status_code == 201, created.text
    target = uuid.UUID(created.json()["id"])
    merged = await h.client.post(
        f"/api/appeals/{first.appeal_id}/merge",
        headers=h.admin_headers,
        json={"target_id": str(target)},
    )
    assert merged.status_code == 200, merged.text
    return first.appeal_id, target, message_id


async def test_the_next_mail_on_the_merged_thread_lands_on_the_target(unionline_app) -> None:
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525))
    source, target, message_id = await merged_mail_appeal(h, account_id)
    kept = await h.runtime.db.fetch(
        "SELECT DISTINCT appeal_id FROM mail_message WHERE account_id = {}", account_id
    )
    assert [r["appeal_id"] for r in kept] == [target]
    person = member_mail("Re: Вопрос об отпуске", "Дополняю вопрос", in_reply_to=message_id)
    assert (await ingest_raw(account_id, person, source="test")).appeal_id == target
    # An out-of-office reply on the old thread: the merged appeal is closed, the target is not —
    # it is the target's (before, it was kept out of sight with the closed merged appeal).
    away = member_mail("Автоматический ответ: Вопрос", "Я в отпуске.", in_reply_to=message_id)
    auto = await ingest_raw(account_id, away, source="test")
    assert (auto.kind, auto.appeal_id) == ("auto", target) and auto.entry_id is not None
    bodies = [e["body"] for e in await timeline(h, target) if e["kind"] == "message_in"]
    assert bodies[-2:] == ["Дополняю вопрос", "Я в отпуске."]
    assert [e["kind"] for e in await timeline(h, source) if e["kind"] == "message_in"] == []


async def test_a_reply_on_the_target_answers_the_members_mail(unionline_app, sink) -> None:
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(sink.port))
    _, target, message_id = await merged_mail_appeal(h, account_id)
    reply = await h.client.post(
        f"/api/appeals/{target}/replies", headers=h.admin_headers, json={"text": "Можно."}
    )
    assert reply.status_code == 201, reply.text
    assert await wait_delivery(h, int(reply.json()["id"])) == "sent"
    [sent] = sink.received
    assert sent.rcpt_tos == ["anna@example.test"]
    assert sent.message["In-Reply-To"] == message_id
    assert message_id in sent.message["References"]


async def test_the_targets_next_mail_is_not_acknowledged_as_a_new_appeal(unionline_app) -> None:
    h = unionline_app
    account_id, _ = await create_mailbox(h, mailbox_config(2525, auto_ack=True))
    _, target, message_id = await merged_mail_appeal(h, account_id)
    # Days later (the sender's daily acknowledgement slot is free again) the member writes on
    # the old thread: the target already holds their mail, so no «зарегистрировано» again.
    await h.runtime.db.execute("UPDATE mail_ack SET sent_at = sent_at - {}", 3 * 86400)
    again = member_mail("Re: Вопрос об отпуске", "Есть новости?", in_reply_to=message_id)
    landed = await ingest_raw(account_id, again, source="test")
    assert (landed.appeal_id, landed.acknowledged) == (target, False)
