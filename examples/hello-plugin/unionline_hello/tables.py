"""The plugin's one table; its name is prefixed by the app name, as every Unionline table's is."""

from __future__ import annotations

from piccolo.columns import UUID, Boolean, DoublePrecision, Integer, Serial, Varchar
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Greeting(Table, tablename="hello_greeting"):
    id = Serial(primary_key=True)
    name = Varchar(length=100)
    text = Varchar(length=300)
    created_by = UUID(null=True, default=None)  # the operator who asked for it
    created_at = Timestamptz(default=TimestamptzNow())
    delivered = Boolean(default=False)  # set by the hello.deliver job
    delivered_at = DoublePrecision(null=True, default=None)
    events_seen = Integer(default=0)  # GreetingCreated events the listener counted
    # The robot step that made it (``hello.greet``): a retried step finds it and adds none.
    robot_key = Varchar(length=200, null=True, default=None)  # unique index: see migrations
