"""The callback of HTTP SMS gateways: ``POST /channels/sms/{gateway}/{account}/callback``
(statuses, and members' SMS where the gateway forwards them)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from unionline import NotFound
from unionline.channel import handle_webhook

HTTP_GATEWAYS: set[str] = set()  # the gateways' channel names, filled at registration


def callback_path(gateway: str, account_key: str) -> str:
    return f"/channels/sms/{gateway}/{account_key}/callback"


@post(
    "/channels/sms/{gateway:str}/{account_key:str}/callback",
    status_code=200,
    exclude_from_csrf=True,  # gateways sign their calls; they carry no CSRF token
    tags=["channels"],
)
async def sms_callback(
    request: Request[Any, Any, Any], gateway: FromPath[str], account_key: FromPath[str]
) -> Response[bytes]:
    """Statuses and members' SMS from an HTTP SMS gateway, signed as the gateway documents."""
    if gateway not in HTTP_GATEWAYS:
        raise NotFound(f"no SMS gateway {gateway!r}", field="gateway")
    return await handle_webhook(request, gateway, account_key)
