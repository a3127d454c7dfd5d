"""Admin API for bulk import: upload a CSV or XLSX file, get the per-row report back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Controller, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery

from unionline.members.import_orgs import import_organizations
from unionline.members.import_schema import ImportReport
from unionline.members.importer import import_members
from unionline.text import TextQuery
from unionline.web import CurrentActor

MAX_UPLOAD = 64 * 1024 * 1024


@dataclass
class ImportUpload:
    file: UploadFile


Upload = Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)]


class ImportController(Controller):
    path = "/api/import"
    tags = ["import"]  # noqa: RUF012 - Litestar reads it as a plain class attribute

    @post("/members", status_code=200, request_max_body_size=MAX_UPLOAD)
    async def import_members(
        self,
        actor: CurrentActor,
        data: Upload,
        dry_run: FromQuery[bool] = False,
        skip_invalid: FromQuery[bool] = False,
        org: TextQuery = None,
    ) -> ImportReport:
        """Import members from the uploaded file (``multipart/form-data``, field ``file``).

        Nothing is written on a dry run, or when any row is invalid unless ``skip_invalid``.
        """
        content = await data.file.read()
        return await import_members(
            actor, content, filename=data.file.filename or "", dry_run=dry_run,
            skip_invalid=skip_invalid, org_code=org,
        )  # fmt: skip

    @post("/organizations", status_code=200, request_max_body_size=MAX_UPLOAD)
    async def import_organizations(
        self,
        actor: CurrentActor,
        data: Upload,
        dry_run: FromQuery[bool] = False,
        skip_invalid: FromQuery[bool] = False,
    ) -> ImportReport:
        """Import organizations (columns code, name, parent_code, kind) from the uploaded file."""
        content = await data.file.read()
        return await import_organizations(
            actor, content, filename=data.file.filename or "", dry_run=dry_run,
            skip_invalid=skip_invalid,
        )  # fmt: skip
