"""Admin API of channel accounts and channel types; attachment upload and download.

Inbound webhook routes are not here: each channel registers its own and hands the request to
:func:`unionline.channel.handle_webhook`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody

from unionline.channel import accounts, attachments, setup
from unionline.channel.schemas import (
    AccountCheckView,
    AccountCreate,
    AccountSetupView,
    AccountUpdate,
    AccountView,
    AttachmentView,
    ChannelPluginView,
    ChannelTypeView,
)
from unionline.text import TextQuery
from unionline.web import CurrentActor

UPLOAD_BODY_LIMIT = 64 * 1024 * 1024  # the [channels] size limit applies on top of this


class ChannelAccountController(Controller):
    path = "/api/channel-accounts"
    tags = ("channels",)

    @get("/")
    async def list_channel_accounts(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID | None] = None,
        channel: TextQuery = None,
    ) -> list[AccountView]:
        """Channel accounts of the organizations the caller may see."""
        return await accounts.list_accounts(actor, organization_id=organization_id, channel=channel)

    @post("/")
    async def create_channel_account(
        self, actor: CurrentActor, data: JSONBody[AccountCreate]
    ) -> AccountView:
        """Connect a bot, community, mailbox or widget; ``config`` and ``secrets`` follow the
        channel type's schemas (``GET /api/channels``). Secrets are never returned."""
        return await accounts.create_account(actor, data)

    @get("/{account_id:uuid}")
    async def get_channel_account(
        self, actor: CurrentActor, account_id: FromPath[uuid.UUID]
    ) -> AccountView:
        return await accounts.get_account(actor, account_id)

    @patch("/{account_id:uuid}")
    async def update_channel_account(
        self, actor: CurrentActor, account_id: FromPath[uuid.UUID], data: JSONBody[AccountUpdate]
    ) -> AccountView:
        """Change name, public key, config; add or replace secrets; re-activate."""
        return await accounts.update_account(actor, account_id, data)

    @post("/{account_id:uuid}/disable", status_code=200)
    async def disable_channel_account(
        self, actor: CurrentActor, account_id: FromPath[uuid.UUID]
    ) -> AccountView:
        """Stop receiving and sending on the account (its webhook answers 404)."""
        return await accounts.disable_account(actor, account_id)

    @post("/{account_id:uuid}/check", status_code=200)
    async def check_channel_account(
        self, actor: CurrentActor, account_id: FromPath[uuid.UUID]
    ) -> AccountCheckView:
        """Ask the provider whether the account's credentials work (the channel's
        ``check``); a refusal is ``result.ok: false`` with the reason, not an error."""
        return await setup.check_account(actor, account_id)

    @get("/{account_id:uuid}/setup")
    async def channel_account_setup(
        self, actor: CurrentActor, account_id: FromPath[uuid.UUID], request: Request[Any, Any, Any]
    ) -> AccountSetupView:
        """The webhook URL and the steps left to connect the account."""
        return await setup.setup_info(actor, account_id, str(request.base_url))

    @post("/{account_id:uuid}/connect", status_code=200)
    async def connect_channel_account(
        self, actor: CurrentActor, account_id: FromPath[uuid.UUID], request: Request[Any, Any, Any]
    ) -> AccountCheckView:
        """Do the provider side of the setup for the admin (Telegram: setWebhook to this
        server's webhook URL, with a secret token)."""
        return await setup.connect_account(actor, account_id, str(request.base_url))


@get("/api/channels", tags=["channels"])
async def list_channel_types(actor: CurrentActor) -> list[ChannelTypeView]:
    """Enabled channel types, their capabilities, the schemas of their account settings and
    the account form's fields (labels and help, Russian first; secrets write-only)."""
    return setup.type_views()


@get("/api/channel-plugins", tags=["channels"])
async def list_channel_plugins(actor: CurrentActor) -> list[ChannelPluginView]:
    """Installed channel plugins, enabled or not, and the channel types each registers."""
    return await setup.channel_plugins(actor)


@dataclass
class UploadForm:
    """The multipart body of an upload: one file part named ``file``."""

    file: UploadFile


class AttachmentController(Controller):
    path = "/api/attachments"
    tags = ("attachments",)

    @post("/", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def upload_attachment(
        self,
        actor: CurrentActor,
        data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> AttachmentView:
        """Upload a file for a reply (the multipart part ``file``); pass its id in the reply."""
        upload = data.file
        content = await upload.read()
        return await attachments.upload(actor, upload.filename, upload.content_type, content)

    # The file's own type: the schema says "any" rather than the JSON the default would claim.
    @get("/{attachment_id:uuid}", media_type="*/*")
    async def download_attachment(
        self, actor: CurrentActor, attachment_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The file, to operators who may see its appeal. Images show inline; everything else
        downloads, so a file from a member never runs as a page of ours."""
        found, content = await attachments.open_for(actor, attachment_id)
        kind = "inline" if attachments.is_inline(found.content_type) else "attachment"
        return Response(
            content=content, media_type=found.content_type, headers=_headers(kind, found)
        )


def _headers(kind: str, found: AttachmentView) -> dict[str, Any]:
    fallback = found.filename.encode("ascii", "replace").decode().replace("?", "_")
    return {
        "Content-Disposition": f'{kind}; filename="{fallback}"; '
        f"filename*=UTF-8''{quote(found.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=3600",
    }
