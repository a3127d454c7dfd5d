"""message_allow / message_deny: a member who forbids the community's messages has their
contact point marked and every reply refused before VK is called — at once in the console for
an operator, as a failed delivery for automatic messages — until they allow messages or write
again."""

from __future__ import annotations

from typing import Any

from standins.vk import VkStandin
from vk_support import CODE, SECRET, VkAdapters, vk_fixtures

from unionline.testing.channel_contract import ContractEnv

adapters = VkAdapters()
unionline_settings, env = vk_fixtures(adapters)


async def events(env: ContractEnv, vk: VkStandin) -> None:
    url = f"https://union.example/channels/vk/{env.account.id}/callback"
    vk.community.set_callback_server(url, secret=SECRET, code=CODE)
    report = await vk.community.deliver_callback(env.harness.client)
    assert {a.body for a in report.attempts} == {"ok"}


async def contact(env: ContractEnv, user_id: int) -> dict[str, Any]:
    row = await env.db.fetchone(
        "SELECT blocked, blocked_reason FROM member_contact_point"
        " WHERE kind = 'vk' AND address = {}",
        str(user_id),
    )
    assert row is not None
    return dict(row)


async def operator_reply(env: ContractEnv, appeal_id: Any, text: str) -> Any:
    h = env.harness
    return await h.client.post(
        f"/api/appeals/{appeal_id}/replies", headers=h.admin_headers, json={"text": text}
    )


async def test_a_denial_refuses_replies_until_the_member_allows_them(
    env: ContractEnv, vk: VkStandin
) -> None:
    inbound = await adapters.inbound(env, 71, sender="7100")
    vk.community.message_deny(7100)
    await events(env, vk)
    marked = await contact(env, 7100)
    assert marked["blocked"] and "запретил сообщения от сообщества" in marked["blocked_reason"]

    refused = await operator_reply(env, inbound["appeal_id"], "Ответ, который не уйдёт")
    assert refused.status_code == 409
    assert refused.json()["error"]["extra"] == {"reason": "vk_messages_denied"}
    entry_id = await env.reply(inbound["appeal_id"], "Автоматическое уведомление")
    assert await env.wait_for_delivery(entry_id) == "failed"
    [failed] = await env.delivery_events(entry_id)
    assert "запретил сообщения от сообщества" in failed.error
    assert vk.community.calls_of("messages.send") == []  # VK was never asked

    vk.community.message_allow(7100)
    await events(env, vk)
    assert not (await contact(env, 7100))["blocked"]
    sent = await operator_reply(env, inbound["appeal_id"], "Теперь дойдёт")
    assert sent.status_code == 201, sent.text
    assert await env.wait_for_delivery(sent.json()["id"]) == "sent"
    assert vk.community.sent_texts() == ["Теперь дойдёт"]


async def test_writing_again_lifts_a_denial(env: ContractEnv, vk: VkStandin) -> None:
    inbound = await adapters.inbound(env, 72, sender="7200")
    vk.community.message_deny(7200)
    await events(env, vk)
    vk.community.message_new("Я снова здесь, ответьте", from_id=7200)
    await events(env, vk)
    assert not (await contact(env, 7200))["blocked"]
    sent = await operator_reply(env, inbound["appeal_id"], "Отвечаем")
    assert sent.status_code == 201, sent.text
    assert await env.wait_for_delivery(sent.json()["id"]) == "sent"


async def test_a_members_export_and_erasure_cover_their_denial(
    env: ContractEnv, vk: VkStandin
) -> None:
    inbound = await adapters.inbound(env, 74, sender="7400")
    vk.community.message_deny(7400)
    await events(env, vk)
    h = env.harness
    url = f"/api/privacy/members/{inbound['member_id']}"
    document = (await h.client.get(f"{url}/export", headers=h.admin_headers)).json()
    [denial] = document["extra"]["vk"]
    assert denial["vk_id"] == 7400
    assert denial["messages_forbidden_by_community"] == str(env.account.id)
    erased = await h.client.post(f"{url}/erase", headers=h.admin_headers)
    assert erased.status_code == 200, erased.text
    assert await env.db.fetch("SELECT id FROM vk_denied") == []


async def test_expired_names_are_swept(env: ContractEnv, vk: VkStandin) -> None:
    """Cached names are VK's, by VK id: kept no longer than names_ttl and a day."""
    from unionline.channels.vk.privacy import sweep_names

    vk.add_person(7500, "Нина", "Лебедева")
    await adapters.inbound(env, 75, sender="7500")
    assert len(await env.db.fetch("SELECT id FROM vk_name")) == 1
    await sweep_names()
    assert len(await env.db.fetch("SELECT id FROM vk_name")) == 1  # fresh: kept
    await sweep_names(now=10**10)
    assert await env.db.fetch("SELECT id FROM vk_name") == []
