"""Identities a channel vouches for: a sender the channel proved to be a known member (a
site's signed widget identity, ``channels/web``), or a phone a messenger proved is the
sender's own (Telegram's "share my phone"); and an address the sender only typed (a site
form's e-mail), which joins unverified.

The members package decides what follows (:mod:`unionline.members.linking`); this is the
SDK's face of it for channel plugins.
"""

from __future__ import annotations

from unionline.members.linking import (
    known_member,
    link_typed_contact,
    link_verified_member,
    link_verified_phone,
)

__all__ = ["known_member", "link_typed_contact", "link_verified_member", "link_verified_phone"]
