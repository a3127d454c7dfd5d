"""REST API of personal-data rights: export and erase one member (``privacy.manage``)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath

from unionline.privacy import erase, export
from unionline.privacy.schemas import ErasureReport, MemberExport
from unionline.web import CurrentActor

MemberId = FromPath[uuid.UUID]


class PrivacyController(Controller):
    path = "/api/privacy/members"
    tags = ("privacy",)

    @get("/{member_id:uuid}/export")
    async def export_member(
        self, request: Request[Any, Any, Any], actor: CurrentActor, member_id: MemberId
    ) -> MemberExport:
        """Everything held about the member, as JSON (audited as ``member.export``)."""
        return await export.export(actor, member_id, request=request)

    @get("/{member_id:uuid}/export.zip", media_type="application/zip")
    async def export_member_zip(
        self, request: Request[Any, Any, Any], actor: CurrentActor, member_id: MemberId
    ) -> Response[bytes]:
        """The same as a ZIP archive: ``member.json`` plus the member's files."""
        data = await export.export_zip(actor, member_id, request=request)
        name = f"member-{member_id}.zip"
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @post("/{member_id:uuid}/erase", status_code=200)
    async def erase_member(
        self, request: Request[Any, Any, Any], actor: CurrentActor, member_id: MemberId
    ) -> ErasureReport:
        """Erase the member's personal data; appeal numbers, statistics and the audit log stay.
        Repeating it is harmless."""
        return await erase.erase(actor, member_id, request=request)
