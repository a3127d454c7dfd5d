"""Canned replies on the server: shared ones per organization subtree (read by the operators of
the organization, its ancestors' and descendants' — never another branch's), managed with
``canned.manage``; personal ones each operator's own; 4xx naming the field."""

from __future__ import annotations

from typing import Any

from test_members import bearer, make_org

from unionline.testing import AppHarness


async def call(h: AppHarness, who: dict[str, str], method: str, path: str, **kw: Any) -> Any:
    answer = await h.client.request(method, path, headers=who, **kw)
    return answer.status_code, (answer.json() if answer.content else None)


def keys(replies: list[dict[str, Any]]) -> list[str]:
    return [r["key"] for r in replies]


async def test_shared_replies_stay_within_their_subtree(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    a = await make_org(h, "AAA", fed)
    a_shop = await make_org(h, "AAASHOP", a)
    b = await make_org(h, "BBB", fed)
    boss_a = await bearer(h, "boss_a", "supervisor", a)
    anna = await bearer(h, "anna", "operator", a_shop)
    bob = await bearer(h, "bob", "operator", b)
    admin = h.admin_headers

    for who, org, key in ((admin, fed, "всем"), (boss_a, a, "привет"), (admin, b, "бэшкам")):
        status, body = await call(
            h,
            who,
            "POST",
            "/api/canned-replies/",
            json={"organization_id": str(org), "key": key, "text": "Здравствуйте, {{имя}}!"},
        )
        assert status == 201, body
        assert body["shared"] is True and body["editable"] is True
    status, own = await call(
        h, anna, "POST", "/api/canned-replies/", json={"key": "моё", "text": "Личное"}
    )
    assert status == 201 and own["shared"] is False and own["operator_id"]

    # Anna (a team under A) reads her own, A's and the federation's — never B's.
    status, listed = await call(h, anna, "GET", "/api/canned-replies/")
    assert status == 200 and keys(listed) == ["моё", "всем", "привет"]
    assert [r["editable"] for r in listed] == [True, False, False]
    status, listed = await call(h, bob, "GET", "/api/canned-replies/")
    assert keys(listed) == ["бэшкам", "всем"]
    # Someone else's personal reply is absent for others.
    assert "моё" not in keys((await call(h, boss_a, "GET", "/api/canned-replies/"))[1])

    # An operator cannot manage shared replies; a supervisor of A cannot reach B's.
    status, body = await call(
        h,
        anna,
        "POST",
        "/api/canned-replies/",
        json={"organization_id": str(a), "key": "x", "text": "y"},
    )
    assert status == 403
    status, body = await call(
        h,
        boss_a,
        "POST",
        "/api/canned-replies/",
        json={"organization_id": str(b), "key": "x", "text": "y"},
    )
    assert status == 404 and body["error"]["field"] == "organization_id"
    b_reply = next(
        r for r in (await call(h, admin, "GET", "/api/canned-replies/"))[1] if r["key"] == "бэшкам"
    )
    status, body = await call(
        h, boss_a, "PATCH", f"/api/canned-replies/{b_reply['id']}", json={"text": "чужое"}
    )
    assert status == 404
    status, _ = await call(h, bob, "DELETE", f"/api/canned-replies/{own['id']}")
    assert status == 404


async def test_changes_and_field_errors(unionline_app: AppHarness) -> None:
    h = unionline_app
    a = await make_org(h, "AAA")
    boss = await bearer(h, "boss", "supervisor", a)
    anna = await bearer(h, "anna", "operator", a)
    body = {"organization_id": str(a), "key": "привет", "text": "Здравствуйте!"}
    status, made = await call(h, boss, "POST", "/api/canned-replies/", json=body)
    assert status == 201
    status, err = await call(h, boss, "POST", "/api/canned-replies/", json=body)
    assert status == 409 and err["error"]["field"] == "key"
    status, err = await call(
        h, boss, "POST", "/api/canned-replies/", json={**body, "key": "два слова"}
    )
    assert status in (400, 422) and "key" in str(err["error"]["field"])
    status, err = await call(h, boss, "POST", "/api/canned-replies/", json={**body, "text": ""})
    assert status in (400, 422) and "text" in str(err["error"]["field"])

    status, changed = await call(
        h,
        boss,
        "PATCH",
        f"/api/canned-replies/{made['id']}",
        json={"title": "Приветствие", "text": "Добрый день, {{имя}}!"},
    )
    assert status == 200 and changed["title"] == "Приветствие" and changed["key"] == "привет"
    assert (await call(h, anna, "PATCH", f"/api/canned-replies/{made['id']}", json={"text": "x"}))[
        0
    ] == 403
    status, listed = await call(h, anna, "GET", "/api/canned-replies/")
    assert listed[0]["text"] == "Добрый день, {{имя}}!"
    assert (await call(h, boss, "DELETE", f"/api/canned-replies/{made['id']}"))[0] == 204
    assert (await call(h, anna, "GET", "/api/canned-replies/"))[1] == []
