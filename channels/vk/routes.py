"""The Callback API endpoint: ``POST /channels/vk/{account id or public key}/callback``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from unionline.channel import handle_webhook


def callback_path(account_key: str) -> str:
    return f"/channels/vk/{account_key}/callback"


@post(
    "/channels/vk/{account_key:str}/callback",
    status_code=200,
    exclude_from_csrf=True,
    tags=["channels"],
)
async def vk_callback(
    request: Request[Any, Any, Any], account_key: FromPath[str]
) -> Response[bytes]:
    """Events of a community; every event but the confirmation carries the ``secret``."""
    return await handle_webhook(request, "vk", account_key)
