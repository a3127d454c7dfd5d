"""Categories (sections) of an organization's base."""

from __future__ import annotations

import uuid

from unionline import Actor, Invalid, current
from unionline.plugins.knowledge.articles import require
from unionline.plugins.knowledge.schemas import CategoryCreate, CategoryView
from unionline.plugins.knowledge.viewer import WRITE


async def create(actor: Actor, data: CategoryCreate) -> CategoryView:
    await require(actor, WRITE, data.organization_id)
    if data.parent_id is not None:
        parent = await current().db.fetchone(
            "SELECT organization_id FROM knowledge_category WHERE id = {}", data.parent_id
        )
        if parent is None or str(parent["organization_id"]) != str(data.organization_id):
            raise Invalid("no such category in this organization", field="parent_id")
    row = await current().db.fetch_one_as(
        CategoryView,
        "INSERT INTO knowledge_category (id, organization_id, parent_id, title, position,"
        " created_at) VALUES ({}, {}, {}, {}, {}, CURRENT_TIMESTAMP)"
        " RETURNING id, organization_id, parent_id, title, position",
        uuid.uuid4(),
        data.organization_id,
        data.parent_id,
        data.title.strip(),
        data.position,
    )
    assert row is not None
    return row
