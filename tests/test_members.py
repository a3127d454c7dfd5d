"""Members: creation, contact points, scoping, updates through the service layer and the API."""

from __future__ import annotations

import uuid

import pytest
from unionline.errors import Conflict, NotFound
from unionline.members import services
from unionline.testing import AppHarness


async def _org(h: AppHarness, code: str, parent: str | None = None) -> uuid.UUID:
    body: dict[str, object] = {"name": f"Org {code}", "code": code}
    if parent:
        body["parent_id"] = parent
    r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def test_create_member_service(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await _org(h, "FED")
    member_id = await services.create_member(
        None,
        fed,
        full_name="Артём Иванов",
        card_number="A-1",
        contacts=[("phone", "8 (999) 123-45-67"), ("email", "Artem@Example.RU")],
    )
    view = await services.get_member(None, member_id)
    assert view.full_name == "Артём Иванов"
    assert {(c.kind, c.address) for c in view.contacts} == {
        ("phone", "+79991234567"),
        ("email", "Artem@example.ru"),
    }
    with pytest.raises(Conflict) as taken:
        await services.create_member(None, fed, full_name="X", contacts=[("phone", "9991234567")])
    assert taken.value.field == "contacts[0].address"
    with pytest.raises(Conflict) as card:
        await services.create_member(None, fed, full_name="Y", card_number="A-1")
    assert card.value.field == "card_number"
    with pytest.raises(NotFound):
        await services.create_member(None, uuid.uuid4(), full_name="Z")
