"""API tokens: shown once, stored hashed, narrowed to scopes, revoked at once."""

from __future__ import annotations

import hashlib
import uuid

from unionline.operators.tables import ApiToken
from unionline.testing import AppHarness


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_token_lifecycle(unionline_app: AppHarness) -> None:
    h = unionline_app
    bot_id, _ = await h.create_operator("crm-bot", "supervisor", None)
    made = await h.client.post(
        f"/api/operators/{bot_id}/tokens",
        headers=h.admin_headers,
        json={"name": "CRM", "scopes": ["organizations.read"]},
    )
    assert made.status_code == 201, made.text
    raw = made.json()["token"]
    token_id = made.json()["details"]["id"]
    assert made.json()["details"]["scopes"] == ["organizations.read"]

    stored = await ApiToken.select().where(ApiToken.id == uuid.UUID(token_id)).first()
    assert stored is not None
    assert raw not in str(stored)
    assert stored["token_hash"] == hashlib.sha256(raw.encode()).hexdigest()

    assert (await h.client.get("/api/organizations/", headers=bearer(raw))).status_code == 200
    # Scoped: the bot holds operators.read, the token does not.
    assert (await h.client.get("/api/operators/", headers=bearer(raw))).status_code == 403

    listed = await h.client.get(f"/api/operators/{bot_id}/tokens", headers=h.admin_headers)
    assert {t["name"] for t in listed.json()} == {"CRM", "crm-bot test token"}
    assert raw not in listed.text and "token_hash" not in listed.text
    used = next(t for t in listed.json() if t["id"] == token_id)
    assert used["last_used_at"] is not None

    revoked = await h.client.delete(
        f"/api/operators/{bot_id}/tokens/{token_id}", headers=h.admin_headers
    )
    assert revoked.status_code == 204
    assert (await h.client.get("/api/organizations/", headers=bearer(raw))).status_code == 401
    again = await h.client.delete(
        f"/api/operators/{bot_id}/tokens/{uuid.uuid4()}", headers=h.admin_headers
    )
    assert again.status_code == 404


async def test_scopes_are_checked(unionline_app: AppHarness) -> None:
    h = unionline_app
    op_id, _ = await h.create_operator("op", "operator", None)
    unknown = await h.client.post(
        f"/api/operators/{op_id}/tokens",
        headers=h.admin_headers,
        json={"name": "x", "scopes": ["organizations.read", "nope"]},
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "scopes[1]"
    not_held = await h.client.post(
        f"/api/operators/{op_id}/tokens",
        headers=h.admin_headers,
        json={"name": "x", "scopes": ["operators.manage"]},
    )
    assert not_held.status_code == 422
    empty = await h.client.post(
        f"/api/operators/{op_id}/tokens", headers=h.admin_headers, json={"name": "x", "scopes": []}
    )
    assert empty.status_code == 400


async def test_operators_list_and_revoke_their_own_tokens(unionline_app: AppHarness) -> None:
    h = unionline_app
    op_id, token = await h.create_operator("op", "operator", None)
    mine = await h.client.get(f"/api/operators/{op_id}/tokens", headers=bearer(token))
    assert mine.status_code == 200
    # Issuing needs operators.manage, even for oneself.
    issue = await h.client.post(
        f"/api/operators/{op_id}/tokens",
        headers=bearer(token),
        json={"name": "x", "scopes": ["organizations.read"]},
    )
    assert issue.status_code == 403
    own_id = mine.json()[0]["id"]
    gone = await h.client.delete(f"/api/operators/{op_id}/tokens/{own_id}", headers=bearer(token))
    assert gone.status_code == 204
    assert (await h.client.get("/api/auth/me", headers=bearer(token))).status_code == 401


async def test_a_password_reset_revokes_the_operators_tokens(unionline_app: AppHarness) -> None:
    """A reset means the old credentials may have leaked: tokens issued under them stop too."""
    h = unionline_app
    op_id, token = await h.create_operator("op", "operator", None)
    _, other = await h.create_operator("other", "operator", None)
    reset = await h.client.post(
        f"/api/operators/{op_id}/password",
        headers=h.admin_headers,
        json={"new_password": "new-password-42"},
    )
    assert reset.status_code == 204, reset.text
    assert (await h.client.get("/api/auth/me", headers=bearer(token))).status_code == 401
    listed = await h.client.get(f"/api/operators/{op_id}/tokens", headers=h.admin_headers)
    assert [t["revoked"] for t in listed.json()] == [True]
    # Only that operator's tokens.
    assert (await h.client.get("/api/auth/me", headers=bearer(other))).status_code == 200


async def test_changing_the_own_password_revokes_the_own_tokens(unionline_app: AppHarness) -> None:
    h = unionline_app
    _, token = await h.create_operator("op", "operator", None, password="old-password-1")
    changed = await h.client.post(
        "/api/auth/password",
        headers=bearer(token),
        json={"current_password": "old-password-1", "new_password": "new-password-42"},
    )
    assert changed.status_code == 204, changed.text
    assert (await h.client.get("/api/auth/me", headers=bearer(token))).status_code == 401
