"""A VK community in the admin console's API: «Проверить подключение» is groups.getById with the
community's token (its name, or the refusal), and the Callback API steps with the address and
the confirmation code flow explained; the form's fields carry Russian labels."""

from __future__ import annotations

from typing import Any

from standins.vk import VkStandin
from vk_support import VkAdapters, vk_fixtures

from unionline.testing.channel_contract import ContractEnv

adapters = VkAdapters()
unionline_settings, env = vk_fixtures(adapters)
URL = "/api/channel-accounts/"


async def _call(env: ContractEnv, method: str, path: str, **kwargs: Any) -> Any:
    h = env.harness
    response = await h.client.request(method, path, headers=h.admin_headers, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


async def test_check_and_the_callback_steps(env: ContractEnv, vk: VkStandin) -> None:
    answer = await _call(env, "POST", f"{URL}{env.account.id}/check")
    assert answer["result"]["ok"] is True, answer
    assert answer["result"]["identity"] == "Профсоюз (тест)"

    setup = await _call(env, "GET", f"{URL}{env.account.id}/setup")
    assert setup["setup"]["webhook_url"].endswith(f"/channels/vk/{env.account.id}/callback")
    assert setup["setup"]["connects"] is False
    steps = " ".join(step["ru"] for step in setup["setup"]["steps"])
    assert "Код подтверждения" in steps and "Подтвердить" in steps
    assert "«Запрет на получение»" in steps  # message_deny: replies refused before sending

    types = {t["name"]: t for t in await _call(env, "GET", "/api/channels")}
    labels = {f["name"]: f["label"]["ru"] for f in types["vk"]["secret_fields"]}
    assert labels["confirmation_code"] == "Код подтверждения"


async def test_a_token_of_another_community_fails_the_check(env: ContractEnv) -> None:
    h = env.harness
    await h.client.patch(
        f"{URL}{env.account.id}", headers=h.admin_headers, json={"config": {"group_id": 999}}
    )
    answer = await _call(env, "POST", f"{URL}{env.account.id}/check")
    assert answer["result"]["ok"] is False
    assert answer["result"]["detail"]
