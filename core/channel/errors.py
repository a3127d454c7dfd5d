"""Errors by intent that only channels raise (the general ones live in ``unionline.errors``).

A channel's ``send()`` says what happened by what it raises: ``unionline.NotReady`` (retry,
honouring ``retry_after``), ``unionline.AuthFailed`` (the account needs re-authorisation),
``unionline.PermanentFailure`` (fail visibly) and the three below.
"""

from __future__ import annotations

from unionline.errors import PermanentFailure, UnionlineError


class DeliveryUnknown(UnionlineError):
    """The request reached the provider but its answer did not reach us (a timeout after
    sending): the message may or may not have been delivered. It is marked ``unknown`` and never
    resent, because resending could make the member read it twice."""


class SentUnreadable(UnionlineError):
    """The provider confirmed the send (Telegram ``ok: true``, a VK ``response``) but the rest of
    its answer did not decode — its shape changed. The message is marked ``sent`` (with
    ``external_id`` when the provider's message id could still be read, else without one, so no
    receipts) and never resent: resending a confirmed message is how members got four copies.

    A ``msgspec`` decoding error that escapes ``send()`` counts as an answer that came back
    unreadable too: the SDK marks that delivery ``unknown``, never resent.
    """

    def __init__(self, message: str, *, external_id: str | None = None) -> None:
        super().__init__(message)
        self.external_id = external_id


class RecipientBlocked(PermanentFailure):
    """The member blocked us or does not allow messages from us (Telegram 403, VK 901/902).

    The member's contact point is marked blocked with this message as the reason, and the
    delivery fails visibly.
    """
