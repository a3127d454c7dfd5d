"""The webform plugin's tables (``webform_*``).

``webform_submission`` remembers which appeal each submission id became, so a double click or
a retry is answered with the same appeal number. ``webform_rate`` counts submissions per form,
client address (a keyed hash, never the address itself) and clock hour, shared by every process.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, DoublePrecision, Integer, Varchar
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Submission(Table, tablename="webform_submission"):
    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=200, unique=True)  # "<account id>:<submission id>"
    account_id = UUID(index=True)
    appeal_id = UUID()
    created_at = DoublePrecision(default=0.0)


class RateWindow(Table, tablename="webform_rate"):
    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=200, unique=True)  # "<account id>:<client hash>:<window start>"
    account_id = UUID(index=True)
    window_start = BigInt(index=True)  # unix time of the hour's start
    hits = Integer(default=0)  # submissions counted in this window
