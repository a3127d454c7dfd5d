"""What a failed Bot API call means for the caller, by intent.

429 and 5xx are :class:`~unionline.errors.NotReady` (honour ``retry_after``); 401 is
:class:`~unionline.errors.AuthFailed`; 403 "blocked by the user" is :class:`BlockedByUser` (a
``RecipientBlocked``: the SDK marks the contact point); a send whose answer never came is the
SDK's ``DeliveryUnknown`` (it may have been delivered, so it is not resent); other refusals are
permanent.
"""

from __future__ import annotations

from unionline import AuthFailed, NotReady, PermanentFailure
from unionline.channel import DeliveryUnknown, RecipientBlocked

__all__ = [
    "BlockedByUser",
    "DeliveryUnknown",
    "RecipientUnavailable",
    "TelegramRefused",
    "WebhookActive",
    "error_for",
]


class TelegramRefused(PermanentFailure):
    """Telegram refused the call for good; ``description`` is Telegram's own words."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"Telegram answered {error_code}: {description}")
        self.error_code = error_code
        self.description = description


class BlockedByUser(TelegramRefused, RecipientBlocked):
    """403 "bot was blocked by the user": the member's contact point is marked blocked."""


class RecipientUnavailable(TelegramRefused, RecipientBlocked):
    """Another 403: the user is deactivated, or the bot may not write to this chat; the
    contact point is marked blocked with Telegram's reason, as for a block."""


class WebhookActive(TelegramRefused):
    """409 on ``getUpdates``: a webhook is set, so long polling cannot run."""


def error_for(error_code: int, description: str, retry_after: int | None = None) -> Exception:
    """The error by intent for a Bot API failure answer."""
    if error_code == 429:
        return NotReady(f"Telegram: {description}", retry_after=float(retry_after or 1))
    if error_code >= 500:
        return NotReady(f"Telegram answered {error_code}: {description}")
    if error_code in (401, 404):  # 404 is what a malformed token gets
        return AuthFailed(f"Telegram refused the bot token ({error_code} {description})")
    if error_code == 403:
        kind = (
            BlockedByUser
            if "blocked by the user" in description.lower()
            else (RecipientUnavailable)
        )
        return kind(error_code, description)
    if error_code == 409:
        if "webhook" in description.lower():
            return WebhookActive(error_code, description)
        return NotReady(f"Telegram: {description}", retry_after=1.0)  # another poll ran
    return TelegramRefused(error_code, description)
