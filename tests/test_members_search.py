"""Search: names regardless of case and ё/е, phones in any spelling, e-mail, card number;
scoped, filtered and cursor-paginated."""

from __future__ import annotations

from test_members import bearer, make_org

from unionline.members import services
from unionline.testing import AppHarness


async def names(
    h: AppHarness, headers: dict[str, str] | None = None, **params: object
) -> list[str]:
    r = await h.client.get("/api/members/", params=params, headers=headers or h.admin_headers)
    assert r.status_code == 200, r.text
    return [m["full_name"] for m in r.json()["items"]]


async def test_search_by_name_phone_email_and_card(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "FED")
    await services.create_member(
        None,
        org,
        full_name="Артём Иванов",
        card_number="12345",
        contacts=[("phone", "+79991234567"), ("email", "Artem.Ivanov@Mail.ru")],
    )
    await services.create_member(None, org, full_name="Артем Сидоров", status="member")
    await services.create_member(None, org, full_name="Ольга ИВАНОВА")

    assert await names(h, q="Артём") == ["Артём Иванов", "Артем Сидоров"]
    assert await names(h, q="артем") == ["Артём Иванов", "Артем Сидоров"]
    assert await names(h, q="иванов") == ["Артём Иванов", "Ольга ИВАНОВА"]
    assert await names(h, q="иванов артем") == ["Артём Иванов"]
    for phone in ("8 (999) 123-45-67", "+7 999 1234567", "9991234567", "8-999-123-45-67"):
        assert await names(h, q=phone) == ["Артём Иванов"], phone
    assert await names(h, q="artem.ivanov@mail.ru") == ["Артём Иванов"]
    assert await names(h, q="Artem.Ivanov@MAIL.RU") == ["Артём Иванов"]
    assert await names(h, q="12345") == ["Артём Иванов"]
    assert await names(h, q="nobody") == []
    assert await names(h, q="100%_\\") == []
    assert await names(h, q="артем", status="member") == ["Артем Сидоров"]


async def test_pagination_filters_and_scope(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await make_org(h, "FED")
    south, north = await make_org(h, "S", fed), await make_org(h, "N", fed)
    ppo = await make_org(h, "PPO", south)
    for i in range(7):
        await services.create_member(None, ppo if i % 2 else south, full_name=f"Юг {i}")
    await services.create_member(None, north, full_name="Север")

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": 3, "organization_id": str(south)}
        if cursor:
            params["cursor"] = cursor
        body = (await h.client.get("/api/members/", params=params, headers=h.admin_headers)).json()
        seen += [m["full_name"] for m in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Юг {i}" for i in range(7)]
    assert pages == 3

    assert await names(h, organization_id=str(ppo)) == ["Юг 1", "Юг 3", "Юг 5"]
    north_op = await bearer(h, "north", "operator", north)
    assert await names(h, north_op) == ["Север"]
    assert await names(h, north_op, organization_id=str(south)) == []
    bad = await h.client.get("/api/members/", params={"cursor": "!!"}, headers=h.admin_headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "cursor"
    too_many = await h.client.get("/api/members/", params={"limit": 0}, headers=h.admin_headers)
    assert too_many.status_code == 400
