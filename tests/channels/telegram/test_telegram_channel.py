"""The Telegram channel end to end: webhook delivery as Telegram's pusher does it, what members
send, and what happens to replies (429, blocks, lost answers, long texts, files)."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
import pytest
from standins.telegram import (
    BAD_GATEWAY,
    HANG_AFTER_SEND,
    PASS,
    TelegramStandin,
    too_many_requests,
)
from telegram_support import WEBHOOK_SECRET, TelegramAdapters, telegram_fixtures

from unionline.testing.channel_contract import ContractEnv


class Adapters(TelegramAdapters):
    telegram_settings: ClassVar[dict[str, Any]] = {"request_timeout": 1.0}


adapters = Adapters()
unionline_settings, env = telegram_fixtures(adapters)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


async def set_webhook(telegram: TelegramStandin, env: ContractEnv) -> None:
    url = f"https://union.example/channels/telegram/{env.account.id}/webhook"
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            f"{telegram.base_url}/bot{telegram.bot.token}/setWebhook",
            json={"url": url, "secret_token": WEBHOOK_SECRET},
        )
    assert answer.json()["ok"], answer.text


async def timeline_data(env: ContractEnv) -> list[dict[str, Any]]:
    """``(body, data)`` of every message_in entry of the account, oldest first."""
    from unionline.appeals.services import timeline

    found = []
    for row in await env.messages_in():
        page = await timeline(None, row["appeal_id"])
        entry = next(e for e in page.items if e.id == row["id"])
        found.append({"body": entry.body, **entry.data})
    return found


# -- inbound ---------------------------------------------------------------------------------


@pytest.mark.slow
async def test_1000_updates_with_duplicates_and_concurrent_redelivery_are_stored_once(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    await set_webhook(telegram, env)
    users = [telegram.user(500_000 + n) for n in range(100)]
    updates = [telegram.bot.message(f"Сообщение №{n}", user=users[n % 100]) for n in range(1000)]
    report = await telegram.bot.deliver_webhook(
        env.harness.client, concurrency=8, duplicates=0.1, concurrent_duplicates=0.03, seed=7
    )
    assert set(report.statuses()) == {200}
    assert len(report.attempts) > 1100  # about 10% came twice, some of them at the same time
    stored = await env.stored()
    keys = sorted(f"{u['message']['chat']['id']}:{u['message']['message_id']}" for u in updates)
    assert sorted(r["external_id"] for r in stored) == keys
    bodies = sorted(m["body"] for m in await env.messages_in())
    assert bodies == sorted(f"Сообщение №{n}" for n in range(1000))
    assert len({r["member_id"] for r in stored}) == 100
    assert telegram.bot.pending() == []


async def test_update_ids_need_not_grow_nor_stay_unique(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    await set_webhook(telegram, env)
    user = telegram.user(77)
    later = telegram.bot.message("позже", user=user, update_id=900)
    telegram.bot.message("раньше", user=user, update_id=15)
    telegram.bot.add_update(later)  # the same update delivered again
    # After a quiet week Telegram starts update ids anew: a new message may reuse an old id.
    telegram.bot.message("через неделю", user=user, update_id=900)
    await telegram.bot.deliver_webhook(env.harness.client)
    bodies = sorted(m["body"] for m in await env.messages_in())
    assert bodies == ["позже", "раньше", "через неделю"]


async def test_a_wrong_or_missing_secret_token_stores_nothing(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    await set_webhook(telegram, env)
    telegram.bot.message("подделка?")
    wrong = await telegram.bot.deliver_webhook(
        env.harness.client, secret_token="guess", max_attempts=2
    )
    assert wrong.statuses() == [403, 403] and wrong.failed
    missing = await telegram.bot.deliver_webhook(
        env.harness.client, secret_token="", max_attempts=1
    )
    assert missing.statuses() == [401]
    assert await env.stored() == [] and await env.messages_in() == []
    assert len(telegram.bot.pending()) == 1  # Telegram keeps it for a later delivery
    right = await telegram.bot.deliver_webhook(env.harness.client)
    assert right.statuses() == [200] and len(await env.stored()) == 1


async def test_what_members_send_reaches_the_timeline(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    await set_webhook(telegram, env)
    bot, user = telegram.bot, telegram.user(4242, "Мария", "Иванова", "maria_iv")
    bot.message(
        "Вопрос о *премии*", user=user, entities=[{"type": "bold", "offset": 10, "length": 8}]
    )
    bot.photo(PNG, user=user, caption="Расчётный листок")
    bot.document(b"%PDF-1.4 statement", "заявление.pdf", "application/pdf", user=user)
    bot.voice(b"OggS voice", 6, user=user)
    await bot.deliver_webhook(env.harness.client)
    await env.harness.settle()  # the attachment fetch jobs

    text, photo, document, voice = await timeline_data(env)
    assert text["body"] == "Вопрос о *премии*" and text["entities"][0]["type"] == "bold"
    assert text["sender_name"] == "Мария Иванова"
    assert photo["body"] == "Расчётный листок"
    assert photo["attachments"][0]["content_type"] == "image/jpeg"
    assert document["attachments"][0]["filename"] == "заявление.pdf"
    assert voice["attachments"][0]["content_type"] == "audio/ogg"
    assert voice["voice_duration"] == 6
    h = env.harness
    fetched = [(photo, PNG), (document, b"%PDF-1.4 statement"), (voice, b"OggS voice")]
    for entry, content in fetched:  # announced in the update, fetched by a job through getFile
        url = entry["attachments"][0]["url"]
        assert (await h.client.get(url, headers=h.admin_headers)).content == content
    assert len({row["appeal_id"] for row in await env.stored()}) == 1


# -- outbound --------------------------------------------------------------------------------


async def test_a_429_is_honoured_with_retry_after(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    inbound = await adapters.inbound(env, 11, sender="1100")
    telegram.bot.inject("sendMessage", too_many_requests(retry_after=1))
    entry_id = await env.reply(inbound["appeal_id"], "Ответ после паузы")
    assert await env.wait_for_delivery(entry_id) == "sent"
    first, second = telegram.bot.calls_of("sendMessage")
    assert second.at - first.at >= 1.0  # not before Telegram's retry_after
    assert telegram.bot.sent_texts() == ["Ответ после паузы"]


async def test_blocked_by_the_member_fails_visibly_and_marks_the_contact(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    inbound = await adapters.inbound(env, 12, sender="1200")
    telegram.bot.block(1200)
    entry_id = await env.reply(inbound["appeal_id"], "Вы нас заблокировали?")
    assert await env.wait_for_delivery(entry_id) == "failed"
    [event] = await env.delivery_events(entry_id)
    assert "blocked by the user" in event.error
    contact = await _contact(env, "1200")
    assert contact["blocked"] and "blocked by the user" in contact["blocked_reason"]


async def test_blocking_and_unblocking_the_bot_marks_the_contact(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    await adapters.inbound(env, 13, sender="1300")
    chat = {"id": 1300, "first_name": "А", "type": "private"}
    user = {"id": 1300, "is_bot": False, "first_name": "А"}
    bot_user = {"id": telegram.bot.id, "is_bot": True, "first_name": "Бот"}
    for update_id, status in ((14, "kicked"), (15, "member")):
        change = {
            "chat": chat,
            "from": user,
            "date": 1718000000,
            "old_chat_member": {"user": bot_user, "status": "member"},
            "new_chat_member": {"user": bot_user, "status": status},
        }
        telegram.bot.add_update({"update_id": update_id, "my_chat_member": change})
        await set_webhook(telegram, env)
        await telegram.bot.deliver_webhook(env.harness.client)
        assert (await _contact(env, "1300"))["blocked"] is (status == "kicked")
    assert len(await env.stored()) == 1  # status changes are not messages


async def test_a_send_without_answer_is_unknown_and_not_resent(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    inbound = await adapters.inbound(env, 16, sender="1600")
    telegram.bot.inject("sendMessage", HANG_AFTER_SEND)
    entry_id = await env.reply(inbound["appeal_id"], "Дошло?")
    assert await env.wait_for_delivery(entry_id) == "unknown"
    for _ in range(5):
        await env.harness.settle()
    assert telegram.bot.sent_texts() == ["Дошло?"]
    assert len(telegram.bot.calls_of("sendMessage")) == 1


async def test_a_long_reply_is_split_and_a_retry_sends_only_missing_parts(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    inbound = await adapters.inbound(env, 17, sender="1700")
    paragraphs = [f"Пункт {n}: " + "условия <коллективного> договора & " * 60 for n in range(5)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    telegram.bot.inject("sendMessage", PASS)
    telegram.bot.inject("sendMessage", BAD_GATEWAY)
    entry_id = await env.reply(inbound["appeal_id"], text)
    assert await env.wait_for_delivery(entry_id) == "sent"
    parts = telegram.bot.sent_texts()
    assert len(parts) == 5  # five paragraphs of ~2,200 characters: one message each
    assert "\n\n".join(parts) == text
    assert len(telegram.bot.calls_of("sendMessage")) == 6  # one failed, none sent twice


async def test_files_go_as_photo_or_document(env: ContractEnv, telegram: TelegramStandin) -> None:
    from unionline.appeals.services import add_reply

    h = env.harness
    inbound = await adapters.inbound(env, 18, sender="1800")
    ids = []
    for name, content, kind in (
        ("фото.png", PNG, "image/png"),
        ("устав.pdf", b"%PDF-1.4 x", "application/pdf"),
    ):
        upload = await h.client.post(
            "/api/attachments/", headers=h.admin_headers, files={"file": (name, content, kind)}
        )
        assert upload.status_code == 201, upload.text
        ids.append({"id": upload.json()["id"]})
    entry = await add_reply(None, inbound["appeal_id"], "Документы во вложении", attachments=ids)
    assert await env.wait_for_delivery(entry.id) == "sent"
    sent = telegram.bot.sent
    assert [m.method for m in sent] == ["sendmessage", "sendphoto", "senddocument"]
    assert [m.chat_id for m in sent] == [1800] * 3
    assert sent[1].file is not None and sent[1].file.content == PNG
    assert sent[2].file is not None and sent[2].file.file_name == "устав.pdf"


async def _contact(env: ContractEnv, address: str) -> dict[str, Any]:
    row = await env.db.fetchone(
        "SELECT member_id, blocked, blocked_reason, verified FROM member_contact_point"
        " WHERE kind = 'telegram' AND address = {}",
        address,
    )
    assert row is not None
    return {**row, "blocked": bool(row["blocked"]), "verified": bool(row["verified"])}
