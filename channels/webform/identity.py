"""A form submission joins the member who already holds its phone, else its e-mail.

The inbound path resolves the sender by the phone the member typed (or, without a phone, the
e-mail). When the phone is new but the e-mail belongs to a member, this ``resolve_identity``
returns that member instead of letting a second, provisional one be made. Neither address is
added to an existing member: what a stranger types into a public form is not proof, so an
operator decides (both addresses are on the message).
"""

from __future__ import annotations

import uuid

from unionline.hookspecs import hookimpl
from unionline.spi import IdentityClaim


@hookimpl
async def resolve_identity(claim: IdentityClaim) -> uuid.UUID | None:
    email = claim.profile.get("email") if claim.channel == "webform" else None
    if claim.kind != "phone" or not email:
        return None
    from unionline.channel.contacts import contact_owner

    if await contact_owner("phone", claim.address) is not None:
        return None  # the core default finds the phone's member
    return await contact_owner("email", str(email))
