"""A form submission joins the member who already holds its phone, else its e-mail.

The inbound path resolves the sender by the phone the member typed (or, without a phone, the
e-mail). When the phone is new but the e-mail belongs to a member, this ``resolve_identity``
returns that member instead of letting a second, provisional one be made. Otherwise the member
is the phone's (found or made), and an e-mail typed beside the phone that nobody holds joins
that member **unverified** (``unionline.channel.identity.link_typed_contact``): the next
submission with a new e-mail adds it, so a reply by mail can reach the member. What a stranger
types into a public form is no proof: an e-mail another member holds stays theirs, nothing is
verified or merged, and an operator decides (both addresses are on the message).
"""

from __future__ import annotations

import uuid

from unionline import IdentityClaim, hookimpl


@hookimpl
async def resolve_identity(claim: IdentityClaim) -> uuid.UUID | None:
    email = claim.profile.get("email") if claim.channel == "webform" else None
    if claim.kind != "phone" or not email:
        return None
    from unionline.channel import contact_owner, link_typed_contact

    if await contact_owner("phone", claim.address) is None:
        by_email = await contact_owner("email", str(email))
        if by_email is not None:
            return by_email
    return await link_typed_contact(claim, "email", str(email))
