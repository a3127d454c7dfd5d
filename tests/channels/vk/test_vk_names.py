"""Members are named from users.get (callbacks carry only ids): batched, cached in vk_name for
``[vk] names_ttl``, asked again after it; a users.get that fails or hangs never holds up or
loses a message, and the job vk.name_members names the member afterwards."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from standins.vk import Fault, VkStandin
from vk_support import VkAdapters, timeline_data, vk_fixtures

from unionline.testing.channel_contract import ContractEnv


class Adapters(VkAdapters):
    vk_settings: ClassVar[dict[str, Any]] = {
        "request_timeout": 5.0,
        "names_timeout": 1.0,
        "names_retry": 0.05,  # the job asking again for a member stored without a name
    }


adapters = Adapters()
unionline_settings, env = vk_fixtures(adapters)


async def write(env: ContractEnv, text: str, sender: int, update_id: int) -> dict[str, Any]:
    """A message of ``sender`` through the Callback endpoint; VK names them as ``vk`` does."""
    call = adapters.message_update(env.account, update_id=update_id, sender=str(sender), text=text)
    answer = await env.post(call)
    assert (answer.status_code, answer.text) == (200, "ok")
    return (await env.stored())[-1]


async def named_later(env: ContractEnv, member_id: Any, name: str) -> str:
    """The member's name once the jobs due have run (the naming job among them)."""
    for _ in range(200):
        await env.harness.settle()
        if (found := await member_name(env, member_id)) == name:
            return found
        await asyncio.sleep(0.02)
    return await member_name(env, member_id)


async def member_name(env: ContractEnv, member_id: Any) -> str:
    row = await env.db.fetchone("SELECT full_name FROM member_member WHERE id = {}", member_id)
    assert row is not None
    return str(row["full_name"])


async def test_a_new_member_is_named_and_the_name_is_cached_then_refreshed(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.add_person(4100, "Иван", "Иванов")
    first = await write(env, "Вопрос о премии", 4100, 41)
    await write(env, "И ещё один", 4100, 42)
    assert await member_name(env, first["member_id"]) == "Иван Иванов"
    assert len(vk.community.calls_of("users.get")) == 1  # the second message used the cache
    vk.add_person(4100, "Иван", "Сидоров")  # changed the name in VK
    await env.db.execute("UPDATE vk_name SET fetched_at = 0 WHERE owner_id = 4100")  # expired
    await write(env, "Третье", 4100, 43)
    assert len(vk.community.calls_of("users.get")) == 2
    names = [e["sender_name"] for e in await timeline_data(env)]
    assert names == ["Иван Иванов", "Иван Иванов", "Иван Сидоров"]


async def test_a_failing_users_get_never_holds_a_message_and_the_member_is_named_later(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.add_person(4200, "Мария", "Кузнецова")
    vk.community.inject("users.get", 29)  # VK's daily limit of the method is reached
    first = await write(env, "Срочно: задерживают зарплату", 4200, 51)
    [entry] = await timeline_data(env)
    assert entry["body"] == "Срочно: задерживают зарплату" and "sender_name" not in entry
    # No second message needed: the job asks VK again and names the member.
    assert await named_later(env, first["member_id"], "Мария Кузнецова") == "Мария Кузнецова"
    assert len(vk.community.calls_of("users.get")) == 2


async def test_a_users_get_that_hangs_never_holds_a_message(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.add_person(4250, "Пётр", "Орлов")
    vk.community.inject("users.get", Fault(hang=True))  # VK does not answer at all
    first = await write(env, "Вы получили?", 4250, 52)  # answered ok after names_timeout
    assert len(await env.messages_in()) == 1
    assert await named_later(env, first["member_id"], "Пётр Орлов") == "Пётр Орлов"


async def test_unknown_and_deleted_profiles_leave_no_false_name(
    env: ContractEnv, vk: VkStandin
) -> None:
    vk.add_person(4300, "DELETED", deactivated="deleted")
    stored = await write(env, "Сообщение", 4300, 61)
    await write(env, "От незнакомца", 4400, 62)  # users.get: 113, nobody by that id
    assert await member_name(env, stored["member_id"]) == ""
    assert [e.get("sender_name") for e in await timeline_data(env)] == [None, None]
