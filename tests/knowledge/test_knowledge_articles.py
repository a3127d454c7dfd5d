"""Articles of the federation with local overrides, their revisions and Russian search, on both
engines: what each organization's staff sees, the two-editor conflict, rebasing an override."""

from __future__ import annotations

import pytest
from knowledge_support import make_tree, publish, staff, titles, write

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")

VACATION = """Ежегодный оплачиваемый отпуск — 28 календарных дней (ст. 115 ТК РФ).

## Как оформить

Напишите заявление за две недели.

## Перенос

Отпуск переносится по соглашению с работодателем.
"""


async def test_overrides_resolve_per_organization_and_search_is_russian(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    tree = await make_tree(h)
    admin = h.admin_headers
    base = await publish(
        h, admin, await write(h, admin, tree.root, "Отпуск", VACATION, tags=["Отпуск"])
    )
    region_editor = await staff(h, "obkom", "supervisor", tree.region)
    r = await h.client.post(
        f"/api/knowledge/articles/{base['id']}/overrides",
        json={
            "organization_id": str(tree.region),
            "mode": "sections",
            "body": "## Перенос\n\nПо коллективному договору обкома — в течение 3 дней.\n",
        },
        headers=region_editor,
    )
    assert r.status_code == 201, r.text
    override = await publish(h, region_editor, r.json())
    assert "28 календарных дней" in override["published_body"]
    assert "в течение 3 дней" in override["published_body"]

    plant_reader = await staff(h, "zavod", "operator", tree.plant)
    other_reader = await staff(h, "drugoy", "operator", tree.other)
    r = await h.client.get(
        "/api/knowledge/articles", params={"q": "отпуска переносятся"}, headers=plant_reader
    )
    [seen] = r.json()["items"]
    assert seen["id"] == override["id"] and seen["is_override"]
    r = await h.client.get(
        "/api/knowledge/articles", params={"q": "ОТПУСКОМ"}, headers=other_reader
    )
    [seen] = r.json()["items"]
    assert seen["id"] == base["id"]
    # The other committee never sees the region's override, by id or by its words.
    r = await h.client.get(f"/api/knowledge/articles/{override['id']}", headers=other_reader)
    assert r.status_code == 404
    assert await titles(h, other_reader, q="коллективному договору обкома") == []
    # ё/е and stop words.
    assert await titles(h, plant_reader, q="и в на отпуск") == ["Отпуск"]
    assert await titles(h, plant_reader, q="и в на") == []
    # A typo is corrected when the corrected words find something.
    r = await h.client.get("/api/knowledge/articles", params={"q": "отпусск"}, headers=plant_reader)
    assert r.json()["corrected"] == "отпуск" and len(r.json()["items"]) == 1
