"""The webhook the gateway calls: ``POST /channels/smsgw/{account id or public key}/inbound``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from unionline.channel import handle_webhook


def inbound_path(account_key: str) -> str:
    return f"/channels/smsgw/{account_key}/inbound"


@post(
    "/channels/smsgw/{account_key:str}/inbound",
    status_code=200,
    exclude_from_csrf=True,  # the gateway signs its calls; it has no CSRF token
    tags=["channels"],
)
async def smsgw_inbound(
    request: Request[Any, Any, Any], account_key: FromPath[str]
) -> Response[bytes]:
    """Messages and delivery receipts from the SMS gateway (signed with ``X-SMSGW-Signature``)."""
    return await handle_webhook(request, "smsgw", account_key)
