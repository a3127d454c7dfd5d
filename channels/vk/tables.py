"""The VK plugin's tables: where Bots Long Poll stopped (``ts`` is written only after the
events before it were stored, one row per account), our own sends, cached names and the
members who forbade a community's messages.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, DoublePrecision, Varchar
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


class CachedName(Table, tablename="vk_name"):
    """The name of a VK person or community (``users.get``, ``groups.getById``): events carry
    only ids. Used for ``[vk] names_ttl`` seconds, then asked again (kept when asking fails)."""

    id = UUID(primary_key=True, default=UUID4())
    owner_id = BigInt(unique=True)  # negative: a community
    name = Varchar(length=300, default="")
    fetched_at = DoublePrecision(default=0.0)


class MessagesDenied(Table, tablename="vk_denied"):
    """A member who forbade a community's messages (``message_deny``), until they allow them
    again (``message_allow``) or write to it. Replies to them are refused before sending."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=80, unique=True)  # "<account id>:<user id>"
    account_id = UUID()
    user_id = BigInt()
    member_id = UUID(null=True, default=None, index=True)  # their member when they denied
    denied_at = DoublePrecision(default=0.0)
