"""The webhook Telegram calls: ``POST /channels/telegram/{account id or public key}/webhook``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from unionline.channel import handle_webhook


def webhook_path(account_key: str) -> str:
    return f"/channels/telegram/{account_key}/webhook"


@post(
    "/channels/telegram/{account_key:str}/webhook",
    status_code=200,
    exclude_from_csrf=True,
    tags=["channels"],
)
async def telegram_webhook(
    request: Request[Any, Any, Any], account_key: FromPath[str]
) -> Response[bytes]:
    """Updates of a bot, authenticated by ``X-Telegram-Bot-Api-Secret-Token``."""
    return await handle_webhook(request, "telegram", account_key)
