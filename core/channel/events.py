"""Events of the channel SDK (the delivery status of a message is ``appeal.delivery_updated``)."""

from __future__ import annotations

import uuid

from unionline.events import Event


class ChannelAccountNeedsReauth(Event, tag="channel.account_needs_reauth"):
    """A provider refused an account's credentials; an administrator must enter new ones."""

    account_id: uuid.UUID
    channel: str
    name: str
    reason: str


class ChannelAccountChanged(Event, tag="channel.account_changed"):
    account_id: uuid.UUID
    channel: str
    status: str


CHANNEL_EVENTS: tuple[type[Event], ...] = (ChannelAccountNeedsReauth, ChannelAccountChanged)
