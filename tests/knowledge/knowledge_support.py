"""Helpers of the knowledge base's tests: an organization tree, staff, articles."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from appeals_support import bearer, make_org

from unionline.testing import AppHarness


class Tree(msgspec.Struct, frozen=True):
    """ФНПР (root) → Обком (region) → Завод (primary); Обком → Школа; ФНПР → Другой обком."""

    root: uuid.UUID
    region: uuid.UUID
    plant: uuid.UUID
    school: uuid.UUID
    other: uuid.UUID


async def make_tree(h: AppHarness) -> Tree:
    root = await make_org(h, "FNPR", kind="federation")
    region = await make_org(h, "OBKOM", root, kind="committee")
    plant = await make_org(h, "ZAVOD", region)
    school = await make_org(h, "SHKOLA", region)
    other = await make_org(h, "DRUGOY", root, kind="committee")
    return Tree(root, region, plant, school, other)


async def staff(h: AppHarness, login: str, role: str, org: uuid.UUID) -> dict[str, str]:
    _, token = await h.create_operator(login, role, org)
    return bearer(token)


async def write(
    h: AppHarness, headers: dict[str, str], org: uuid.UUID, title: str, body: str, **more: Any
) -> dict[str, Any]:
    r = await h.client.post(
        "/api/knowledge/articles",
        json={"organization_id": str(org), "title": title, "body": body, **more},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json()


async def publish(
    h: AppHarness, headers: dict[str, str], article: dict[str, Any]
) -> dict[str, Any]:
    r = await h.client.post(
        f"/api/knowledge/articles/{article['id']}/status",
        json={"status": "published", "revision": article["revision"]},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    return r.json()


async def titles(h: AppHarness, headers: dict[str, str], **params: Any) -> list[str]:
    r = await h.client.get("/api/knowledge/articles", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return [item["title"] for item in r.json()["items"]]
