"""The federation tree, stored with a materialized path for subtree queries."""

from __future__ import annotations

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Organization(Table, tablename="organization_organization"):
    id = UUID(primary_key=True, default=UUID4())
    parent_id = UUID(null=True, default=None, index=True)
    # "/<root id>/<child id>/.../<own id>/": a subtree is every path starting with one's own.
    path = Varchar(length=2000, index=True)
    name = Varchar(length=300)
    code = Varchar(length=20, unique=True)  # short code used in appeal numbers: {CODE}-{YYYY}-{seq}
    kind = Varchar(length=20, default="primary")  # federation, committee, primary
    archived_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
