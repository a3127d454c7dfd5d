"""Where Bots Long Poll stopped for each community, so a restart loses no events.

``ts`` is written only after the events before it were stored (one row per account).
"""

from __future__ import annotations

from piccolo.columns import UUID, DoublePrecision, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class PollState(Table, tablename="vk_poll_state"):
    id = UUID(primary_key=True, default=UUID4())
    account_id = UUID(unique=True)
    ts = Varchar(length=40)
    updated_at = DoublePrecision(default=0.0)


class SentMessage(Table, tablename="vk_sent"):
    """The ``random_id`` of every message part we sent, written before the send: VK echoes each
    send back as ``message_reply``, and this tells our own echoes from messages a community
    admin typed in VK's interface (those are shown on the appeal)."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=80, unique=True)  # "<account id>:<random_id>"
    sent_at = DoublePrecision(default=0.0)
