"""A phone number shared with "share my phone" links the Telegram user to the union's member."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from standins.telegram import TelegramStandin
from telegram_support import WEBHOOK_SECRET, TelegramAdapters, telegram_fixtures

from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = telegram_fixtures(TelegramAdapters())


async def deliver(env: ContractEnv, telegram: TelegramStandin) -> None:
    url = f"https://union.example/channels/telegram/{env.account.id}/webhook"
    async with httpx.AsyncClient() as http:
        await http.post(
            f"{telegram.base_url}/bot{telegram.bot.token}/setWebhook",
            json={"url": url, "secret_token": WEBHOOK_SECRET},
        )
    report = await telegram.bot.deliver_webhook(env.harness.client)
    assert set(report.statuses()) == {200}


async def member_with_phone(env: ContractEnv, phone: str) -> uuid.UUID:
    from unionline.members.services import create_member

    return await create_member(
        None,
        env.account.organization_id,
        full_name="Мария Иванова",
        status="member",
        contacts=[("phone", phone)],
    )


async def contacts_of(env: ContractEnv, member_id: uuid.UUID) -> set[tuple[str, str]]:
    rows = await env.db.fetch(
        "SELECT kind, address FROM member_contact_point WHERE member_id = {}", member_id
    )
    return {(r["kind"], r["address"]) for r in rows}


async def member_row(env: ContractEnv, member_id: Any) -> dict[str, Any]:
    row = await env.db.fetchone(
        "SELECT provisional, merged_into FROM member_member WHERE id = {}", member_id
    )
    assert row is not None
    return row


async def test_shared_phone_links_a_new_telegram_user_to_the_member(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    member_id = await member_with_phone(env, "+79161234567")
    user = telegram.user(41_000)
    telegram.bot.contact("79161234567", user=user)  # Telegram sends it without the plus
    telegram.bot.message("Это я, Мария", user=user)
    await deliver(env, telegram)
    stored = await env.stored()
    assert [r["member_id"] for r in stored] == [member_id, member_id]
    assert ("telegram", "41000") in await contacts_of(env, member_id)
    assert [m["body"] for m in await env.messages_in()] == [
        "Контакт: +79161234567 (Иван)",
        "Это я, Мария",
    ]


async def test_a_provisional_member_merges_into_the_member_with_the_phone(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    member_id = await member_with_phone(env, "+79161234568")
    user = telegram.user(42_000)
    telegram.bot.message("Здравствуйте, кто я для вас?", user=user)
    await deliver(env, telegram)
    [first] = await env.stored()
    provisional = first["member_id"]
    assert provisional != member_id and (await member_row(env, provisional))["provisional"]

    telegram.bot.contact("+79161234568", user=user)
    await deliver(env, telegram)
    second = (await env.stored())[-1]
    assert second["member_id"] == member_id
    assert (await member_row(env, provisional))["merged_into"] == member_id
    assert ("telegram", "42000") in await contacts_of(env, member_id)
    for message in await env.messages_in():  # the conversation so far followed the member
        appeal = await env.db.fetchone(
            "SELECT member_id FROM appeal_appeal WHERE id = {}", message["appeal_id"]
        )
        assert appeal is not None and appeal["member_id"] == member_id


async def test_an_unknown_phone_is_added_to_the_telegram_users_member(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    user = telegram.user(43_000)
    telegram.bot.contact("+79031112233", user=user)
    await deliver(env, telegram)
    [row] = await env.stored()
    assert await contacts_of(env, row["member_id"]) == {
        ("telegram", "43000"),
        ("phone", "+79031112233"),
    }


async def test_someone_elses_contact_card_links_nothing(
    env: ContractEnv, telegram: TelegramStandin
) -> None:
    member_id = await member_with_phone(env, "+79161234569")
    telegram.bot.contact("+79161234569", user=telegram.user(44_000), own=False)
    await deliver(env, telegram)
    [row] = await env.stored()
    assert row["member_id"] != member_id
    assert await contacts_of(env, member_id) == {("phone", "+79161234569")}
