"""Events of the web channel."""

from __future__ import annotations

import uuid

from unionline import Event


class ConversationChanged(Event, tag="web.conversation_changed"):
    """A visitor's conversation has a new message (number ``seq``): their sockets, in whatever
    process they are connected, fetch it. Carries no text: the database is the source."""

    account_id: uuid.UUID
    visitor_key: str
    seq: int
