"""REST API of the federation tree."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from unionline.organizations import services
from unionline.organizations.schemas import (
    OrganizationCreate,
    OrganizationMove,
    OrganizationUpdate,
    OrganizationView,
)
from unionline.web import CurrentActor


class OrganizationController(Controller):
    path = "/api/organizations"
    tags = ("organizations",)

    @get("/")
    async def list_organizations(
        self, actor: CurrentActor, include_archived: FromQuery[bool] = False
    ) -> list[OrganizationView]:
        """Organizations the caller may see, in tree order (parents before children)."""
        return await services.list_visible(actor, include_archived=include_archived)

    @post("/")
    async def create_organization(
        self, actor: CurrentActor, data: JSONBody[OrganizationCreate]
    ) -> OrganizationView:
        """Create an organization under ``parent_id`` (a root needs a federation-wide admin)."""
        return await services.create(actor, data)

    @get("/{org_id:uuid}")
    async def get_organization(
        self, actor: CurrentActor, org_id: FromPath[uuid.UUID]
    ) -> OrganizationView:
        return await services.get(actor, org_id)

    @patch("/{org_id:uuid}")
    async def update_organization(
        self, actor: CurrentActor, org_id: FromPath[uuid.UUID], data: JSONBody[OrganizationUpdate]
    ) -> OrganizationView:
        """Rename, change the code or kind."""
        return await services.update(actor, org_id, data)

    @post("/{org_id:uuid}/move", status_code=200)
    async def move_organization(
        self, actor: CurrentActor, org_id: FromPath[uuid.UUID], data: JSONBody[OrganizationMove]
    ) -> OrganizationView:
        """Move the organization with its whole subtree under another parent."""
        return await services.move(actor, org_id, data.parent_id)

    @post("/{org_id:uuid}/archive", status_code=200)
    async def archive_organization(
        self, actor: CurrentActor, org_id: FromPath[uuid.UUID]
    ) -> OrganizationView:
        """Archive the organization and its subtree."""
        return await services.archive(actor, org_id)
