"""Outbound delivery beyond the contract: errors by intent, recipients, attachments, dead jobs."""

from __future__ import annotations

import time
import uuid

import pytest
from channel_support import REF, message, reference_fixtures, signed_call

from unionline.channel import reference
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures(max_send_attempts=3)


async def _events(env: ContractEnv, kind: str) -> list[object]:
    await env.harness.settle()
    bus = env.harness.runtime.events
    return [bus.decode(e) for e in await bus.read_after(0, limit=100_000) if e.type == kind]


async def test_auth_failure_flags_the_account_and_the_message_waits(env: ContractEnv) -> None:
    h = env.harness
    inbound = await REF.inbound(env, 1, sender="11")
    reference.provider(env.account.id).fail_next("auth")
    entry_id = await env.reply(inbound["appeal_id"], "Ответ")
    await h.settle()
    url = f"/api/channel-accounts/{env.account.id}"
    account = (await h.client.get(url, headers=h.admin_headers)).json()
    assert account["status"] == "needs_reauth"
    assert "credentials" in account["status_reason"]
    flagged = await _events(env, "channel.account_needs_reauth")
    assert len(flagged) == 1
    assert await env.delivery_status(entry_id) == "queued"  # kept, not lost

    # An administrator enters new credentials: the account is active and the message goes out.
    fixed = await h.client.patch(
        url,
        headers=h.admin_headers,
        json={"secrets": {"signing_secret": "a-brand-new-secret-456"}, "status": "active"},
    )
    assert fixed.json()["status"] == "active", fixed.text
    assert await env.wait_for_delivery(entry_id) == "sent"
    assert [s.text for s in reference.provider(env.account.id).sent] == ["[ППО] Ответ"]


async def test_retry_after_is_honoured(env: ContractEnv) -> None:
    from unionline.runtime import current

    inbound = await REF.inbound(env, 1, sender="18")
    reference.provider(env.account.id).fail_next("rate_limited")
    entry_id = await env.reply(inbound["appeal_id"], "Подождём")
    await env.harness.settle()
    [job] = [j for j in await current().jobs.list() if j.name == "channel.deliver"]
    assert job.status == "pending"
    assert job.run_at - time.time() > 20  # the provider asked for 30 s
    assert await env.delivery_status(entry_id) == "queued"
    assert reference.provider(env.account.id).sent == []


async def test_sends_keep_to_the_accounts_rate_limit(
    env: ContractEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unionline.channel.config import channels_settings
    from unionline.channel.types import RateLimit
    from unionline.runtime import current

    channel = current().registry.channels["reference"]
    monkeypatch.setattr(channel, "rate_limit", RateLimit(per_second=0.1, burst=2))
    monkeypatch.setattr(channels_settings(), "rate_limit_wait", 0.0)
    entries = []
    for n in range(4):
        inbound = await REF.inbound(env, n, sender=f"3{n}")
        entries.append(await env.reply(inbound["appeal_id"], f"ответ {n}"))
    await env.harness.settle()
    assert len(reference.provider(env.account.id).sent) == 2  # the burst; then one per 10 s
    statuses = [await env.delivery_status(e) for e in entries]
    assert sorted(statuses) == ["queued", "queued", "sent", "sent"]
    jobs = await current().jobs.list()
    waiting = [j for j in jobs if j.status == "pending" and j.name == "channel.deliver"]
    assert len(waiting) == 2 and all(j.run_at > time.time() + 1 for j in waiting)


async def test_unknown_outcome_is_marked_and_never_resent(env: ContractEnv) -> None:
    inbound = await REF.inbound(env, 1, sender="12")
    reference.provider(env.account.id).fail_next("unknown")
    entry_id = await env.reply(inbound["appeal_id"], "Дошло ли?")
    assert await env.wait_for_delivery(entry_id) == "unknown"
    await env.harness.settle()
    assert len(reference.provider(env.account.id).sent) == 1
    assert await env.delivery_status(entry_id) == "unknown"
    [event] = await env.delivery_events(entry_id)
    assert event.delivery_status == "unknown" and "no answer" in event.error


async def test_blocked_member_fails_visibly_and_marks_the_contact_point(env: ContractEnv) -> None:
    inbound = await REF.inbound(env, 1, sender="13")
    reference.provider(env.account.id).fail_next("blocked")
    entry_id = await env.reply(inbound["appeal_id"], "Вы нас заблокировали?")
    assert await env.wait_for_delivery(entry_id) == "failed"
    row = await env.db.fetchone(
        "SELECT blocked, blocked_reason FROM member_contact_point WHERE kind = 'web'"
        " AND address = 'ref-13'"
    )
    assert row is not None and row["blocked"] and "blocked" in row["blocked_reason"]


async def test_transient_failures_give_up_after_the_send_limit(env: ContractEnv) -> None:
    inbound = await REF.inbound(env, 1, sender="14")
    reference.provider(env.account.id).fail_next("transient", times=10)
    entry_id = await env.reply(inbound["appeal_id"], "Не получится")
    assert await env.wait_for_delivery(entry_id) == "failed"
    [event] = await env.delivery_events(entry_id)
    assert "gave up after 3 attempts" in event.error
    assert list(reference.provider(env.account.id).failures) == ["transient"] * 7


async def test_disabled_account_refuses_webhooks_and_fails_replies(env: ContractEnv) -> None:
    h = env.harness
    inbound = await REF.inbound(env, 1, sender="15")
    disabled = await h.client.post(
        f"/api/channel-accounts/{env.account.id}/disable", headers=h.admin_headers
    )
    assert disabled.json()["status"] == "disabled"
    response = await env.post(signed_call(env.account, message(2, "15", "ещё")))
    assert response.status_code == 404
    entry_id = await env.reply(inbound["appeal_id"], "Ответ")
    assert await env.wait_for_delivery(entry_id) == "failed"
    assert reference.provider(env.account.id).sent == []


async def test_reply_goes_to_the_conversation_with_attachments(env: ContractEnv) -> None:
    from unionline.appeals.services import add_reply

    h = env.harness
    await env.post(signed_call(env.account, message(1, "16", "в группе", chat="group-5")))
    [inbound] = await env.stored()
    upload = await h.client.post(
        "/api/attachments/",
        headers=h.admin_headers,
        files={"file": ("справка.pdf", b"%PDF-1.4 x", "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    entry = await add_reply(
        None, inbound["appeal_id"], "Справка во вложении", attachments=[{"id": upload.json()["id"]}]
    )
    assert await env.wait_for_delivery(entry.id) == "sent"
    [sent] = reference.provider(env.account.id).sent
    assert sent.recipient == "ref-group-5"
    assert sent.files == [("справка.pdf", b"%PDF-1.4 x")]
    # The timeline names the file for every operator (not just the id the uploader knew).
    [file] = entry.data["attachments"]
    assert (file["filename"], file["content_type"], file["size"]) == (
        "справка.pdf",
        "application/pdf",
        10,
    )
    assert file["url"] == f"/api/attachments/{upload.json()['id']}"


async def test_reply_without_inbound_uses_the_members_contact_point(env: ContractEnv) -> None:
    from unionline.appeals.services import add_reply, create_appeal
    from unionline.members.services import create_member

    org = env.account.organization_id
    member = await create_member(None, org, full_name="Иван", contacts=[("web", "ref-777")])
    appeal = await create_appeal(
        None,
        organization_id=org,
        member_id=member,
        subject="Звонок",
        channel="reference",
        channel_account_id=env.account.id,
    )
    entry = await add_reply(None, appeal.id, "Перезваниваем письменно")
    assert await env.wait_for_delivery(entry.id) == "sent"
    assert [s.recipient for s in reference.provider(env.account.id).sent] == ["ref-777"]


async def test_reply_on_an_appeal_without_channel_fails_visibly(env: ContractEnv) -> None:
    from unionline.appeals.services import add_reply, create_appeal
    from unionline.members.services import create_member

    org = env.account.organization_id
    member = await create_member(None, org, full_name="Пётр")
    appeal = await create_appeal(
        None, organization_id=org, member_id=member, subject="Визит", channel="manual"
    )
    entry = await add_reply(None, appeal.id, "Ответ")
    assert await env.delivery_status(entry.id) == "failed"


async def test_dead_delivery_job_fails_its_message(env: ContractEnv) -> None:
    from unionline.events import JobDead
    from unionline.runtime import current, publish

    inbound = await REF.inbound(env, 1, sender="17")
    reference.provider(env.account.id).fail_next("auth")  # keeps the job waiting
    entry_id = await env.reply(inbound["appeal_id"], "Ответ")
    await env.harness.settle()
    [job] = [j for j in await current().jobs.list() if j.name == "channel.deliver"]
    async with current().db.transaction():
        await publish(JobDead(job_id=job.id, name=job.name, error="worker lost"))
    await env.harness.settle()
    assert await env.delivery_status(entry_id) == "failed"


async def test_receipts_for_unknown_messages_are_ignored(env: ContractEnv) -> None:
    call = signed_call(
        env.account,
        {
            "update_id": str(uuid.uuid4()),
            "type": "receipt",
            "message_id": "ref-999",
            "status": "read",
        },
    )
    response = await env.post(call)
    assert response.status_code == 200
    assert await env.stored() == []
