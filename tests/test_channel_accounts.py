"""Channel accounts: validation naming the field, write-only encrypted secrets, scoping."""

from __future__ import annotations

import uuid

import httpx
import pytest
from channel_support import SECRET, message, reference_fixtures, signed_call

from unionline.channel import crypto, load_account
from unionline.errors import ConfigError
from unionline.testing.channel_contract import ContractAccount, ContractEnv

unionline_settings, env = reference_fixtures()
URL = "/api/channel-accounts/"


async def _create(env: ContractEnv, **body: object) -> httpx.Response:
    h = env.harness
    payload = {
        "organization_id": str(env.account.organization_id),
        "channel": "reference",
        "name": "Второй",
        "secrets": {"signing_secret": SECRET},
        **body,
    }
    return await h.client.post(URL, json=payload, headers=h.admin_headers)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"config": {"prefix": 5}}, "config.prefix"),
        ({"config": {"colour": "red"}}, "config.colour"),
        ({"secrets": {}}, "secrets.signing_secret"),
        ({"secrets": {"signing_secret": "short"}}, "secrets.signing_secret"),
        ({"organization_id": str(uuid.uuid4())}, "organization_id"),
    ],
)
async def test_bad_accounts_are_refused_naming_the_field(
    env: ContractEnv, body: dict[str, object], field: str
) -> None:
    response = await _create(env, **body)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["field"] == field


async def test_secrets_are_write_only_and_encrypted_at_rest(env: ContractEnv) -> None:
    h = env.harness
    view = (await h.client.get(f"{URL}{env.account.id}", headers=h.admin_headers)).json()
    assert view["secrets_set"] == ["signing_secret"]
    assert SECRET not in str(view)
    row = await env.db.fetchone("SELECT secrets FROM channel_account WHERE id = {}", env.account.id)
    assert SECRET not in row["secrets"]
    assert (await load_account(env.account.id)).secrets.signing_secret == SECRET

    # Changing config keeps the secrets; a new secret replaces the old one.
    changed = await h.client.patch(
        f"{URL}{env.account.id}", headers=h.admin_headers, json={"config": {"prefix": ""}}
    )
    assert changed.json()["config"] == {"prefix": ""}
    assert (await load_account(env.account.id)).secrets.signing_secret == SECRET
    await h.client.patch(
        f"{URL}{env.account.id}",
        headers=h.admin_headers,
        json={"secrets": {"signing_secret": "another-secret-0987"}},
    )
    old = await env.post(signed_call(env.account, message(1, "5", "старый ключ")))
    assert old.status_code == 403
    new = await env.post(signed_call(env.account, message(1, "5", "новый"), "another-secret-0987"))
    assert new.status_code == 200


def test_secrets_need_the_same_secret_key() -> None:
    token = crypto.seal("key-one", b'{"token": "x"}')
    assert crypto.unseal("key-one", token) == b'{"token": "x"}'
    with pytest.raises(ConfigError, match="secret_key changed"):
        crypto.unseal("key-two", token)


async def test_public_keys_are_unique_and_route_webhooks(env: ContractEnv) -> None:
    first = await _create(env, public_key="union-site")
    assert first.status_code == 201
    taken = await _create(env, public_key="union-site")
    assert taken.status_code == 409
    assert taken.json()["error"]["field"] == "public_key"
    account = ContractAccount(
        id=uuid.UUID(first.json()["id"]),
        organization_id=env.account.organization_id,
        public_key="union-site",
    )
    call = signed_call(account, message(1, "7", "по ключу"))
    response = await env.harness.client.post(
        "/channels/reference/union-site/inbound", content=call.body, headers=call.headers
    )
    assert response.status_code == 200, response.text
    unknown = await env.harness.client.post(
        "/channels/reference/nobody/inbound", content=call.body, headers=call.headers
    )
    assert unknown.status_code == 404


async def test_accounts_are_scoped_to_organizations(env: ContractEnv) -> None:
    h = env.harness
    other = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Другая", "code": "OTHER", "kind": "federation"},
    )
    other_id = other.json()["id"]
    _, supervisor = await h.create_operator("sup", "supervisor", uuid.UUID(other_id))
    _, operator = await h.create_operator("op", "operator", env.account.organization_id)
    as_supervisor = {"Authorization": f"Bearer {supervisor}"}
    as_operator = {"Authorization": f"Bearer {operator}"}
    assert (await h.client.get(URL, headers=as_supervisor)).json() == []
    hidden = await h.client.get(f"{URL}{env.account.id}", headers=as_supervisor)
    assert hidden.status_code == 404
    assert (await h.client.get(URL, headers=as_operator)).json() == []
    refused = await h.client.post(
        URL,
        headers=as_operator,
        json={
            "organization_id": str(env.account.organization_id),
            "channel": "reference",
            "name": "x",
            "secrets": {"signing_secret": SECRET},
        },
    )
    assert refused.status_code in (403, 404)
    listed = await h.client.get(URL, headers=h.admin_headers)
    assert [a["id"] for a in listed.json()] == [str(env.account.id)]


async def test_channel_types_describe_their_settings(env: ContractEnv) -> None:
    h = env.harness
    [kind] = [
        c
        for c in (await h.client.get("/api/channels", headers=h.admin_headers)).json()
        if c["name"] == "reference"
    ]
    assert kind["capabilities"]["read_receipts"] is True
    assert "signing_secret" in str(kind["secrets_schema"])
