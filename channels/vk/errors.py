"""What a failed VK API call means for the caller, by intent.

Errors 6 (too many requests per second), 9 (flood control) and 10 (VK's internal error) are
:class:`~unionline.errors.NotReady` with a back-off; 5 (authorization failed: the token was
revoked or is wrong) is :class:`~unionline.errors.AuthFailed`; 901/902 (the member has not
allowed messages) are :class:`MessagesNotAllowed`; everything else is permanent. A reply to a
member who forbade messages (``message_deny``) is :class:`MessagesDenied` without asking VK.
"""

from __future__ import annotations

from unionline import AuthFailed, NotReady, PermanentFailure
from unionline.channel import RecipientBlocked

BACKOFF = {6: 1.0, 9: 10.0, 10: 2.0}  # seconds before trying again, by error code


class VkRefused(PermanentFailure):
    """VK refused the call for good; ``error_msg`` is VK's own words."""

    def __init__(self, error_code: int, error_msg: str) -> None:
        super().__init__(f"VK error {error_code}: {error_msg}")
        self.error_code = error_code
        self.error_msg = error_msg


class MessagesNotAllowed(VkRefused, RecipientBlocked):
    """901/902: the member has not allowed the community to write, or forbids it; the SDK
    marks the contact point blocked with this reason, so operators see it."""


class MessagesDenied(RecipientBlocked):
    """The member forbade the community's messages (``message_deny``): the reply is refused
    before VK is called, with the words the operator reads (:func:`.permissions.reason`)."""


def error_for(error_code: int, error_msg: str) -> Exception:
    """The error by intent for a VK API error answer."""
    if error_code in BACKOFF:
        return NotReady(f"VK error {error_code}: {error_msg}", retry_after=BACKOFF[error_code])
    if error_code == 5:
        return AuthFailed(f"VK refused the community token (error {error_code}: {error_msg})")
    if error_code in (901, 902):
        return MessagesNotAllowed(error_code, error_msg)
    return VkRefused(error_code, error_msg)
