"""The workspace's tables: notifications for one operator and their saved list filters."""

from __future__ import annotations

from piccolo.columns import JSON, UUID, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Notification(Table, tablename="workspace_notification"):
    """Something an operator should see: kept until they mark it read."""

    id = UUID(primary_key=True, default=UUID4())
    operator_id = UUID(index=True)
    # What it is about, once per operator ("mention:<event id>:<operator id>"): an event
    # handled twice makes one notification.
    key = Varchar(length=200, unique=True)
    kind = Varchar(length=30)  # mention, assigned, robot
    organization_id = UUID(null=True, default=None)
    appeal_id = UUID(null=True, default=None, index=True)
    appeal_number = Varchar(length=60, default="")
    author_id = UUID(null=True, default=None)  # who mentioned or assigned (None: routing, robot)
    text = Text(default="")  # the note's or notice's beginning
    # A plugin's notice (kind "notice"): its own title and where the console opens it.
    title = Varchar(length=200, default="")
    link = Varchar(length=300, default="")  # a console address: "#/work/tasks/<id>"
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    read_at = Timestamptz(null=True, default=None)


class SavedFilter(Table, tablename="workspace_saved_filter"):
    """A named appeal-list filter of one operator (the query of ``GET /api/appeals``)."""

    id = UUID(primary_key=True, default=UUID4())
    operator_id = UUID(index=True)
    name = Varchar(length=100)
    query = JSON(default={})
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())
