"""Managing operators: scoped listing, creation, grants without escalation, deactivation."""

from __future__ import annotations

import uuid

import pytest

from unionline.testing import AppHarness


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def org(h: AppHarness, code: str, parent: str | None = None) -> str:
    body = {"name": code, "code": code, **({"parent_id": parent} if parent else {})}
    response = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
async def tree(unionline_app: AppHarness) -> dict[str, str]:
    h = unionline_app
    fed = await org(h, "FED")
    north = await org(h, "NORTH", fed)
    south = await org(h, "SOUTH", fed)
    ppo = await org(h, "PPO", north)
    return {"fed": fed, "north": north, "south": south, "ppo": ppo}


async def supervisor_of(h: AppHarness, org_id: str, login: str = "sup") -> dict[str, str]:
    _, token = await h.create_operator(login, "supervisor", uuid.UUID(org_id))
    return bearer(token)


async def test_supervisor_sees_and_creates_only_inside_own_subtree(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    h = unionline_app
    sup = await supervisor_of(h, tree["north"])
    await h.create_operator("south-op", "operator", uuid.UUID(tree["south"]))

    made = await h.client.post(
        "/api/operators/",
        headers=sup,
        json={
            "login": "ppo-op",
            "password": "password-123",
            "name": "Иванов",
            "skills": ["юристы", "юристы", "ОТ"],
            "capacity": 4,
            "timezone": "Asia/Yekaterinburg",
            "grants": [{"role": "operator", "organization_id": tree["ppo"]}],
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["skills"] == ["юристы", "ОТ"]
    assert body["capacity"] == 4 and body["timezone"] == "Asia/Yekaterinburg"
    assert [g["role"] for g in body["grants"]] == ["operator"]

    listed = await h.client.get("/api/operators/", headers=sup)
    assert {o["login"] for o in listed.json()["items"]} == {"sup", "ppo-op"}
    admin_list = await h.client.get("/api/operators/", headers=h.admin_headers)
    assert {"admin", "south-op"} <= {o["login"] for o in admin_list.json()["items"]}

    elsewhere = await h.client.post(
        "/api/operators/",
        headers=sup,
        json={
            "login": "x1",
            "password": "password-123",
            "grants": [{"role": "operator", "organization_id": tree["south"]}],
        },
    )
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"]["field"] == "grants[0].organization_id"
    no_grant = await h.client.post(
        "/api/operators/", headers=sup, json={"login": "x2", "password": "password-123"}
    )
    assert no_grant.status_code == 422
    assert no_grant.json()["error"]["field"] == "grants"


async def test_a_new_operators_time_zone_is_their_organizations(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    """Not Moscow for everyone: the zone of the organization of the first grant (the nearest
    ancestor's when it has none of its own); the installation's for a federation-wide one."""
    h = unionline_app
    for org_id, name in ((tree["fed"], "Asia/Yekaterinburg"), (tree["north"], "Asia/Novosibirsk")):
        zone = await h.client.put(
            f"/api/calendar/{org_id}/timezone", json={"timezone": name}, headers=h.admin_headers
        )
        assert zone.status_code == 200, zone.text

    async def created(login: str, grants: list[dict[str, str | None]], **extra: str) -> str:
        body = {"login": login, "password": "password-123", "grants": grants, **extra}
        made = await h.client.post("/api/operators/", json=body, headers=h.admin_headers)
        assert made.status_code == 201, made.text
        return str(made.json()["timezone"])

    assert await created("ppo-op", [{"role": "operator", "organization_id": tree["ppo"]}]) == (
        "Asia/Novosibirsk"
    )
    south: list[dict[str, str | None]] = [{"role": "operator", "organization_id": tree["south"]}]
    assert await created("south-op", south) == "Asia/Yekaterinburg"
    assert await created("own-zone", south, timezone="Asia/Vladivostok") == "Asia/Vladivostok"
    assert await created("fed-admin", [{"role": "admin", "organization_id": None}]) == (
        h.runtime.settings.timezone
    )


async def test_nobody_grants_more_than_they_hold(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    h = unionline_app
    sup = await supervisor_of(h, tree["north"])
    for grant, status in (
        ({"role": "admin", "organization_id": tree["north"]}, 403),
        ({"role": "supervisor"}, 403),  # the whole federation
        ({"role": "observer", "organization_id": tree["fed"]}, 404),
    ):
        response = await h.client.post(
            "/api/operators/",
            headers=sup,
            json={"login": "climber", "password": "password-123", "grants": [grant]},
        )
        assert response.status_code == status, (grant, response.text)
    # A scoped admin holds more than a supervisor: the supervisor cannot manage it.
    admin_id, _ = await h.create_operator("north-admin", "admin", uuid.UUID(tree["north"]))
    change = await h.client.patch(f"/api/operators/{admin_id}", headers=sup, json={"capacity": 1})
    assert change.status_code == 403
    tokens = await h.client.post(
        f"/api/operators/{admin_id}/tokens",
        headers=sup,
        json={"name": "x", "scopes": ["operators.read"]},
    )
    assert tokens.status_code == 403


async def test_operators_cannot_manage(unionline_app: AppHarness, tree: dict[str, str]) -> None:
    h = unionline_app
    _, token = await h.create_operator("op", "operator", uuid.UUID(tree["north"]))
    response = await h.client.post(
        "/api/operators/",
        headers=bearer(token),
        json={
            "login": "x",
            "password": "password-123",
            "grants": [{"role": "observer", "organization_id": tree["north"]}],
        },
    )
    assert response.status_code == 403
    _, observer = await h.create_operator("obs", "observer", uuid.UUID(tree["north"]))
    assert (await h.client.get("/api/operators/", headers=bearer(observer))).status_code == 403


async def test_out_of_scope_operators_are_not_found(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    h = unionline_app
    sup = await supervisor_of(h, tree["north"])
    south_id, _ = await h.create_operator("south-op", "operator", uuid.UUID(tree["south"]))
    for method, path, body in (
        ("GET", f"/api/operators/{south_id}", None),
        ("PATCH", f"/api/operators/{south_id}", {"capacity": 1}),
        ("POST", f"/api/operators/{south_id}/deactivate", None),
        (
            "POST",
            f"/api/operators/{south_id}/grants",
            {"role": "operator", "organization_id": tree["north"]},
        ),
        ("GET", f"/api/operators/{south_id}/tokens", None),
    ):
        response = await h.client.request(method, path, json=body, headers=sup)
        assert response.status_code == 404, (method, path, response.text)


async def test_grants_outside_the_scope_are_not_shown(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    h = unionline_app
    sup = await supervisor_of(h, tree["north"])
    both, _ = await h.create_operator("both", "operator", uuid.UUID(tree["north"]))
    grant = await h.client.post(
        f"/api/operators/{both}/grants",
        headers=h.admin_headers,
        json={"role": "operator", "organization_id": tree["south"]},
    )
    assert grant.status_code == 201, grant.text
    seen = (await h.client.get(f"/api/operators/{both}", headers=sup)).json()
    assert [g["organization_id"] for g in seen["grants"]] == [tree["north"]]
    assert tree["south"] not in str(seen)
    # The supervisor may not change an operator who also works elsewhere ...
    change = await h.client.patch(f"/api/operators/{both}", headers=sup, json={"capacity": 3})
    assert change.status_code == 403
    # ... but may take away the role it granted inside its own subtree.
    north_grant = seen["grants"][0]["id"]
    revoked = await h.client.delete(f"/api/operators/{both}/grants/{north_grant}", headers=sup)
    assert revoked.status_code == 204
    south_grant = grant.json()["id"]
    hidden = await h.client.delete(f"/api/operators/{both}/grants/{south_grant}", headers=sup)
    assert hidden.status_code == 404


async def test_grant_and_revoke(unionline_app: AppHarness, tree: dict[str, str]) -> None:
    h = unionline_app
    sup = await supervisor_of(h, tree["north"])
    op_id, op_token = await h.create_operator("op", "operator", uuid.UUID(tree["ppo"]))
    assert (await h.client.get("/api/operators/", headers=bearer(op_token))).status_code == 200
    grant = await h.client.post(
        f"/api/operators/{op_id}/grants",
        headers=sup,
        json={"role": "supervisor", "organization_id": tree["ppo"]},
    )
    assert grant.status_code == 201, grant.text
    again = await h.client.post(
        f"/api/operators/{op_id}/grants",
        headers=sup,
        json={"role": "supervisor", "organization_id": tree["ppo"]},
    )
    assert again.status_code == 409
    me = (await h.client.get("/api/auth/me", headers=bearer(op_token))).json()
    assert "operators.manage" in me["permissions"]
    gone = await h.client.delete(f"/api/operators/{op_id}/grants/{grant.json()['id']}", headers=sup)
    assert gone.status_code == 204
    me = (await h.client.get("/api/auth/me", headers=bearer(op_token))).json()
    assert "operators.manage" not in me["permissions"]


async def test_deactivation_signs_out_and_stops_tokens(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    h = unionline_app
    sup = await supervisor_of(h, tree["north"])
    op_id, op_token = await h.create_operator(
        "op", "operator", uuid.UUID(tree["north"]), password="password-123"
    )
    login = await h.client.post("/api/auth/login", json={"login": "op", "password": "password-123"})
    assert login.status_code == 200
    session_cookie = h.client.cookies["session"]
    h.client.cookies.clear()
    off = await h.client.post(f"/api/operators/{op_id}/deactivate", headers=sup)
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert (await h.client.get("/api/auth/me", headers=bearer(op_token))).status_code == 401
    h.client.cookies.set("session", session_cookie, domain="testserver.local")
    assert (await h.client.get("/api/auth/me")).status_code == 401
    h.client.cookies.clear()
    again = await h.client.post("/api/auth/login", json={"login": "op", "password": "password-123"})
    assert again.status_code == 401
    on = await h.client.post(f"/api/operators/{op_id}/activate", headers=sup)
    assert on.json()["is_active"] is True
    assert (await h.client.get("/api/auth/me", headers=bearer(op_token))).status_code == 200
    me_id = (await h.client.get("/api/auth/me", headers=sup)).json()["id"]
    self_off = await h.client.post(f"/api/operators/{me_id}/deactivate", headers=sup)
    assert self_off.status_code == 409


async def test_password_reset_by_a_manager(unionline_app: AppHarness, tree: dict[str, str]) -> None:
    h = unionline_app
    op_id, _ = await h.create_operator("op", "operator", uuid.UUID(tree["north"]))
    reset = await h.client.post(
        f"/api/operators/{op_id}/password",
        headers=h.admin_headers,
        json={"new_password": "brand-new-pass"},
    )
    assert reset.status_code == 204
    ok = await h.client.post("/api/auth/login", json={"login": "op", "password": "brand-new-pass"})
    assert ok.status_code == 200


TOO_SHORT = {"min_length": 8}


async def test_a_short_password_is_a_422_naming_the_field_and_the_minimum(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    """Made, reset by a manager or changed by its owner: seven characters are a 422 naming the
    request's field with ``extra.min_length`` (the console says it at the input); nothing
    changes. Eight are enough."""
    h = unionline_app
    grants = [{"role": "operator", "organization_id": tree["north"]}]
    made = await h.client.post(
        "/api/operators/",
        headers=h.admin_headers,
        json={"login": "newbie", "password": "1234567", "grants": grants},
    )
    assert made.status_code == 422, made.text
    error = made.json()["error"]
    assert (error["code"], error["field"], error["extra"]) == ("invalid", "password", TOO_SHORT)
    listed = (await h.client.get("/api/operators/", headers=h.admin_headers)).json()
    assert "newbie" not in str(listed)
    op_id, token = await h.create_operator("op", "operator", uuid.UUID(tree["north"]))
    reset = await h.client.post(
        f"/api/operators/{op_id}/password", headers=h.admin_headers, json={"new_password": "short"}
    )
    assert reset.status_code == 422, reset.text
    assert reset.json()["error"]["field"] == "new_password"
    assert reset.json()["error"]["extra"] == TOO_SHORT
    own = await h.client.post(
        "/api/auth/password",
        headers=bearer(token),
        json={"current_password": "wrong-but-unchecked", "new_password": "1234567"},
    )
    assert own.status_code == 422, own.text
    assert own.json()["error"]["field"] == "new_password"
    assert own.json()["error"]["extra"] == TOO_SHORT
    enough = await h.client.post(
        f"/api/operators/{op_id}/password",
        headers=h.admin_headers,
        json={"new_password": "12345678"},
    )
    assert enough.status_code == 204


async def test_profile_fields_are_validated(
    unionline_app: AppHarness, tree: dict[str, str]
) -> None:
    h = unionline_app
    op_id, _ = await h.create_operator("op", "operator", uuid.UUID(tree["north"]))
    bad_zone = await h.client.patch(
        f"/api/operators/{op_id}", headers=h.admin_headers, json={"timezone": "Mars/Olympus"}
    )
    assert bad_zone.status_code == 422
    assert bad_zone.json()["error"]["field"] == "timezone"
    bad_capacity = await h.client.patch(
        f"/api/operators/{op_id}", headers=h.admin_headers, json={"capacity": -1}
    )
    assert bad_capacity.status_code == 400
    assert bad_capacity.json()["error"]["field"] == "capacity"
    duplicate = await h.client.post(
        "/api/operators/", headers=h.admin_headers, json={"login": "OP", "password": "password-123"}
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["field"] == "login"


async def test_list_pages_with_a_cursor(unionline_app: AppHarness, tree: dict[str, str]) -> None:
    h = unionline_app
    for i in range(5):
        await h.create_operator(f"op{i}", "observer", uuid.UUID(tree["south"]))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (
            await h.client.get("/api/operators/", params=params, headers=h.admin_headers)
        ).json()
        seen += [o["login"] for o in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["admin", "op0", "op1", "op2", "op3", "op4"]
    observers = (
        await h.client.get(
            "/api/operators/", params={"role": "observer", "q": "OP3"}, headers=h.admin_headers
        )
    ).json()
    assert [o["login"] for o in observers["items"]] == ["op3"]
    bad = await h.client.get("/api/operators/", params={"cursor": "!!"}, headers=h.admin_headers)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"


async def test_roles_list_what_plugins_declared(unionline_app: AppHarness) -> None:
    h = unionline_app
    roles = {
        r["role"]: r["permissions"]
        for r in (await h.client.get("/api/roles/", headers=h.admin_headers)).json()
    }
    assert set(roles) == {"admin", "supervisor", "operator", "observer"}
    assert "operators.manage" in roles["supervisor"]
    assert "operators.manage" not in roles["operator"]
    perms = (await h.client.get("/api/roles/permissions", headers=h.admin_headers)).json()
    assert {"operators.manage", "audit.read"} <= {p["code"] for p in perms}
