"""An operator writes first (POST /api/appeals/outbound): the member's reachable accounts, a new
appeal assigned to the operator that opens with the message, delivered to the member's address;
accounts that cannot carry text or reach the member are refused; an outsider sees nothing."""

from __future__ import annotations

from typing import Any

from channel_support import PREFIX, reference_fixtures

from unionline.channel import reference
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures()


async def _member(env: ContractEnv, contacts: list[dict[str, str]]) -> str:
    h = env.harness
    answer = await h.client.post(
        "/api/members/",
        headers=h.admin_headers,
        json={
            "organization_id": str(env.account.organization_id),
            "full_name": "Соколова Мария",
            "status": "member",
            "contacts": contacts,
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def _operator(env: ContractEnv, login: str, org: Any) -> dict[str, str]:
    _, token = await env.harness.create_operator(login, "operator", org)
    return {"Authorization": f"Bearer {token}"}


async def test_write_first_on_a_reachable_account(env: ContractEnv) -> None:
    h = env.harness
    member_id = await _member(
        env, [{"kind": "web", "address": "ref-777"}, {"kind": "phone", "address": "+79123456789"}]
    )
    anna = await _operator(env, "anna", env.account.organization_id)
    reach = await h.client.get(f"/api/members/{member_id}/reach", headers=anna)
    assert reach.status_code == 200, reach.text
    assert [(o["channel"], o["account_id"], o["address"]) for o in reach.json()] == [
        ("reference", str(env.account.id), "ref-777")
    ]
    started = await h.client.post(
        "/api/appeals/outbound",
        headers=anna,
        json={
            "member_id": member_id,
            "channel_account_id": str(env.account.id),
            "subject": "Ваше заявление о материальной помощи",
            "text": "Здравствуйте! Ваше заявление рассмотрено, приходите за выплатой.",
        },
    )
    assert started.status_code == 201, started.text
    appeal = started.json()
    me = (await h.client.get("/api/auth/me", headers=anna)).json()
    assert appeal["assignee_id"] == me["id"]
    assert appeal["channel"] == "reference" and appeal["status"] == "open"
    assert appeal["subject"] == "Ваше заявление о материальной помощи"
    await h.settle()
    sent = reference.provider(env.account.id).sent
    assert [(s.recipient, s.text) for s in sent] == [
        ("ref-777", PREFIX + "Здравствуйте! Ваше заявление рассмотрено, приходите за выплатой.")
    ]
    timeline = (await h.client.get(f"/api/appeals/{appeal['id']}/timeline", headers=anna)).json()[
        "items"
    ]
    [out] = [e for e in timeline if e["kind"] == "message_out"]
    assert out["delivery_status"] == "sent"


async def test_an_account_that_cannot_reach_the_member_is_refused(env: ContractEnv) -> None:
    h = env.harness
    member_id = await _member(env, [{"kind": "phone", "address": "+79123456789"}])
    assert (
        await h.client.get(f"/api/members/{member_id}/reach", headers=h.admin_headers)
    ).json() == []
    refused = await h.client.post(
        "/api/appeals/outbound",
        headers=h.admin_headers,
        json={"member_id": member_id, "channel_account_id": str(env.account.id), "text": "Привет"},
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "channel_account_id"
    appeals = (await h.client.get("/api/appeals/", headers=h.admin_headers)).json()["items"]
    assert appeals == []  # nothing half-made


async def test_an_outsider_sees_no_member(env: ContractEnv) -> None:
    h = env.harness
    member_id = await _member(env, [{"kind": "web", "address": "ref-778"}])
    other = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Другая организация", "code": "OTHER", "kind": "primary"},
    )
    outsider = await _operator(env, "olga", other.json()["id"])
    assert (
        await h.client.get(f"/api/members/{member_id}/reach", headers=outsider)
    ).status_code == 404
    refused = await h.client.post(
        "/api/appeals/outbound",
        headers=outsider,
        json={"member_id": member_id, "channel_account_id": str(env.account.id), "text": "Привет"},
    )
    assert refused.status_code == 404
