"""Members and their contact points.

Cross-domain references (organization) are plain UUID columns; services check integrity.
Composite uniqueness is expressed as one unique key column computed in Python
(``card_key``, ``key``) because piccolo migrations cannot declare multi-column constraints.
"""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Member(Table, tablename="member_member"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)  # primary organization
    full_name = Varchar(length=300, default="")
    # lower-cased, ё→е, spaces collapsed: SQLite's LOWER() only folds ASCII.
    search_name = Varchar(length=300, default="", index=True)
    status = Varchar(length=20, default="applicant")
    card_number = Varchar(length=50, null=True, default=None, index=True)
    # "<federation id>:<card number>": a card number is unique within its federation.
    card_key = Varchar(length=100, null=True, default=None, unique=True)
    employer = Varchar(length=300, default="")
    position = Varchar(length=300, default="")
    consents = Text(default="{}")  # {"email": {"granted": true, "at": "..."}}
    custom_fields = Text(default="{}")
    provisional = Boolean(default=False)
    merged_into = UUID(null=True, default=None, index=True)
    erased_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ContactPoint(Table, tablename="member_contact_point"):
    id = UUID(primary_key=True, default=UUID4())
    member_id = UUID(index=True)
    kind = Varchar(length=20)  # phone, email, telegram, vk, web
    address = Varchar(length=320, index=True)  # normalized
    key = Varchar(length=340, unique=True)  # "<kind>:<address>": UNIQUE(kind, address)
    verified = Boolean(default=False)
    blocked = Boolean(default=False)
    blocked_reason = Varchar(length=300, default="")
    created_at = Timestamptz(default=TimestamptzNow())
