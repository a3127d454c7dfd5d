"""A member who shares their own phone number in Telegram is linked to the member with that phone.

Unions import their members with phone numbers; a Telegram user is just a numeric id. When the
user presses "share my phone" (Telegram vouches the number is theirs, see ``decode``), this
``resolve_identity`` implementation hands the claim to the SDK's
``link_verified_phone``: the Telegram id joins the member with that phone (a provisional member
made from the user's earlier messages is merged into it), or the phone joins the Telegram
user's member when nobody has it.
"""

from __future__ import annotations

import uuid

from unionline import IdentityClaim, Invalid, hookimpl


@hookimpl
async def resolve_identity(claim: IdentityClaim) -> uuid.UUID | None:
    phone = claim.profile.get("shared_phone") if claim.kind == "telegram" else None
    if not phone:
        return None
    from unionline.channel import link_verified_phone

    try:
        return await link_verified_phone(claim, str(phone))
    except Invalid:  # not a phone number after all: resolve as any other message
        return None
