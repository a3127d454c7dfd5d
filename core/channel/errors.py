"""Errors by intent that only channels raise (the general ones live in ``unionline.errors``).

A channel's ``send()`` says what happened by what it raises: ``unionline.NotReady`` (retry,
honouring ``retry_after``), ``unionline.AuthFailed`` (the account needs re-authorisation),
``unionline.PermanentFailure`` (fail visibly) and the two below.
"""

from __future__ import annotations

from unionline.errors import PermanentFailure, UnionlineError


class DeliveryUnknown(UnionlineError):
    """The request reached the provider but its answer did not reach us (a timeout after
    sending): the message may or may not have been delivered. It is marked ``unknown`` and never
    resent, because resending could make the member read it twice."""


class RecipientBlocked(PermanentFailure):
    """The member blocked us or does not allow messages from us (Telegram 403, VK 901/902).

    The member's contact point is marked blocked with this message as the reason, and the
    delivery fails visibly.
    """
