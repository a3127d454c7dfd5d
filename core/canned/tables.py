"""The canned replies' one table: shared (``organization_id``) or personal (``operator_id``)."""

from __future__ import annotations

from piccolo.columns import UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class CannedReply(Table, tablename="canned_reply"):
    """A reply an operator inserts with ``/key``. Exactly one of ``organization_id`` (shared
    with that organization's subtree) and ``operator_id`` (one operator's own) is set."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(null=True, default=None, index=True)
    operator_id = UUID(null=True, default=None, index=True)
    key = Varchar(length=60)
    title = Varchar(length=200, default="")
    text = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
