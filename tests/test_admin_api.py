"""What the admin pages read besides the domains' own routes, on both engines: counts per
organization (scoped: an administrator of A sees A's subtree only) and what each plugin adds; and
the isolation the pages rely on — an administrator of A can neither see nor change B's
organizations, operators or tokens."""

from __future__ import annotations

import uuid
from typing import Any

from unionline.testing import AppHarness


async def created(h: AppHarness, path: str, body: dict[str, Any], headers: Any = None) -> Any:
    response = await h.client.post(path, json=body, headers=headers or h.admin_headers)
    assert response.status_code == 201, response.text
    return response.json()


async def tree(h: AppHarness) -> dict[str, str]:
    fed = await created(
        h, "/api/organizations/", {"name": "Федерация", "code": "FED", "kind": "federation"}
    )
    ids = {"FED": fed["id"]}
    for code, parent in (("A", "FED"), ("A1", "A"), ("B", "FED")):
        body = {"name": f"Организация {code}", "code": code, "parent_id": ids[parent]}
        ids[code] = (await created(h, "/api/organizations/", body))["id"]
    return ids


async def test_counts_per_organization_are_scoped(unionline_app: AppHarness) -> None:
    h = unionline_app
    ids = await tree(h)
    for code, name in (("A", "Иванов"), ("A1", "Петров"), ("A1", "Сидоров"), ("B", "Кузнецов")):
        member = await created(
            h,
            "/api/members/",
            {"organization_id": ids[code], "full_name": name, "status": "member"},
        )
        await created(
            h,
            "/api/appeals/",
            {"organization_id": ids[code], "member_id": member["id"], "subject": "Вопрос"},
        )
    closed = await created(
        h,
        "/api/appeals/",
        {"organization_id": ids["A1"], "member_id": member["id"], "subject": "X"},
    )
    for status in ("open", "resolved"):
        r = await h.client.post(
            f"/api/appeals/{closed['id']}/status", json={"status": status}, headers=h.admin_headers
        )
        assert r.status_code == 200, r.text
    _, a_admin = await h.create_operator("a-admin", "admin", uuid.UUID(ids["A"]))
    await h.create_operator("a1-op", "operator", uuid.UUID(ids["A1"]))

    everything = await h.client.get("/api/admin/organization-counts/", headers=h.admin_headers)
    assert everything.status_code == 200, everything.text
    by_id = {c["organization_id"]: c for c in everything.json()}
    assert by_id[ids["A1"]] == {
        "organization_id": ids["A1"],
        "members": 2,
        "appeals": 3,
        "active_appeals": 2,
        "operators": 1,
    }
    assert by_id[ids["B"]]["members"] == 1

    headers = {"Authorization": f"Bearer {a_admin}"}
    scoped = await h.client.get("/api/admin/organization-counts/", headers=headers)
    assert {c["organization_id"] for c in scoped.json()} == {ids["A"], ids["A1"]}
    _, operator = await h.create_operator("b-op", "operator", uuid.UUID(ids["B"]))
    refused = await h.client.get(
        "/api/admin/organization-counts/", headers={"Authorization": f"Bearer {operator}"}
    )
    assert refused.status_code == 403


async def test_an_administrator_of_a_cannot_see_or_change_b(unionline_app: AppHarness) -> None:
    h = unionline_app
    ids = await tree(h)
    _, a_token = await h.create_operator("a-admin", "admin", uuid.UUID(ids["A"]))
    b_operator, _ = await h.create_operator("b-op", "operator", uuid.UUID(ids["B"]))
    a = {"Authorization": f"Bearer {a_token}"}

    seen = (await h.client.get("/api/organizations/", headers=a)).json()
    assert {o["code"] for o in seen} == {"A", "A1"}
    b = ids["B"]
    assert (await h.client.get(f"/api/organizations/{b}", headers=a)).status_code == 404
    renamed = await h.client.patch(f"/api/organizations/{b}", json={"name": "Моя"}, headers=a)
    assert renamed.status_code == 404 and renamed.json()["error"]["field"] == "id"
    under_b = await h.client.post(
        "/api/organizations/", json={"name": "X", "code": "X1", "parent_id": b}, headers=a
    )
    assert under_b.status_code == 404 and under_b.json()["error"]["field"] == "parent_id"
    root = await h.client.post("/api/organizations/", json={"name": "X", "code": "X2"}, headers=a)
    assert root.status_code == 403 and root.json()["error"]["field"] == "parent_id"
    moved = await h.client.post(
        f"/api/organizations/{ids['A1']}/move", json={"parent_id": b}, headers=a
    )
    assert moved.status_code == 404 and moved.json()["error"]["field"] == "parent_id"
    archived = await h.client.post(f"/api/organizations/{b}/archive", headers=a)
    assert archived.status_code == 404

    logins = [
        o["login"] for o in (await h.client.get("/api/operators/", headers=a)).json()["items"]
    ]
    assert "b-op" not in logins and "a-admin" in logins
    for method, path, body in (
        ("GET", f"/api/operators/{b_operator}", None),
        ("POST", f"/api/operators/{b_operator}/deactivate", None),
        ("POST", f"/api/operators/{b_operator}/password", {"new_password": "another-password"}),
        ("POST", f"/api/operators/{b_operator}/tokens", {"name": "x", "scopes": ["appeals.read"]}),
        ("GET", f"/api/operators/{b_operator}/tokens", None),
    ):
        r = await h.client.request(method, path, json=body, headers=a)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["error"]["field"] == "operator_id"
    hired = await h.client.post(
        "/api/operators/",
        json={
            "login": "spy",
            "password": "password-123",
            "grants": [{"role": "operator", "organization_id": b}],
        },
        headers=a,
    )
    assert (
        hired.status_code == 404 and hired.json()["error"]["field"] == "grants[0].organization_id"
    )
    # Inside A the administrator does all of it.
    own = await created(
        h,
        "/api/operators/",
        {
            "login": "vera",
            "password": "password-123",
            "grants": [{"role": "operator", "organization_id": ids["A1"]}],
        },
        a,
    )
    token = await created(
        h, f"/api/operators/{own['id']}/tokens", {"name": "1С", "scopes": ["appeals.read"]}, a
    )
    use = {"Authorization": f"Bearer {token['token']}"}
    assert (await h.client.get("/api/appeals/", headers=use)).status_code == 200
    revoked = await h.client.delete(
        f"/api/operators/{own['id']}/tokens/{token['details']['id']}", headers=a
    )
    assert revoked.status_code == 204
    assert (await h.client.get("/api/appeals/", headers=use)).status_code == 401


async def test_plugins_say_what_they_add(unionline_app: AppHarness) -> None:
    h = unionline_app
    plugins = {
        p["name"]: p for p in (await h.client.get("/api/plugins/", headers=h.admin_headers)).json()
    }
    admin = plugins["core.admin"]["adds"]
    assert [p["id"] for p in admin["pages"]] == ["organizations", "operators", "plugins"]
    assert "/api/plugins" in admin["routes"] and admin["permissions"] == [
        "jobs.manage",
        "plugins.read",
    ]
    settings = plugins["core.plugin_settings"]["adds"]
    assert settings["tables"] == ["plugin_settings_form"] and settings["events"] == [
        "settings.changed"
    ]
    assert settings["pages"][0] == {
        "id": "settings",
        "section": "admin",
        "title_ru": "Настройки",
        "title_en": "Settings",
    }
    assert "operator_operator" in plugins["core.operators"]["adds"]["tables"]
    assert "createadmin" in plugins["core.operators"]["adds"]["commands"]
    disabled = [p for p in plugins.values() if not p["enabled"]]
    assert all(p["adds"]["routes"] == [] and p["adds"]["pages"] == [] for p in disabled)
