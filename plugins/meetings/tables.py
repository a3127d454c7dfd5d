"""The meetings plugin's tables: a meeting, its participants (each with its own join role)
and the log of what was sent to whom (one row per delivery key: exactly once).

Cross-domain ids (organization, operator, member, appeal, task, document) are plain UUIDs.
"""

from __future__ import annotations

from piccolo.columns import UUID, BigInt, Boolean, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class Meeting(Table, tablename="meetings_meeting"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    title = Varchar(length=300)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz(index=True)
    organizer_id = UUID(null=True, default=None, index=True)
    provider = Varchar(length=50)
    room = Varchar(length=300)  # the provider's room name or meeting id
    room_data = Text(default="{}")  # what else the provider keeps (JSON)
    status = Varchar(length=20, default="scheduled")  # scheduled, started, ended, cancelled
    sequence = Integer(default=0)  # iCalendar SEQUENCE: raised by every change sent out
    instant = Boolean(default=False)
    appeal_id = UUID(null=True, default=None, index=True)
    task_id = UUID(null=True, default=None, index=True)
    document_id = UUID(null=True, default=None, index=True)
    reminded_at = Timestamptz(null=True, default=None)  # reminders queued for this start
    absence_checked = Boolean(default=False)
    robot_key = Varchar(length=200, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Participant(Table, tablename="meetings_participant"):
    id = UUID(primary_key=True, default=UUID4())
    meeting_id = UUID(index=True)
    key = Varchar(length=120, unique=True)  # "<meeting>:operator:<id>" / "<meeting>:member:<id>"
    operator_id = UUID(null=True, default=None, index=True)
    member_id = UUID(null=True, default=None, index=True)
    name = Varchar(length=300, default="")
    email = Varchar(length=320, default="")
    role = Varchar(length=20)  # moderator, guest
    appeal_id = UUID(null=True, default=None)  # where a member's link goes (their channel)
    timezone = Varchar(length=64, default="")
    joined_at = Timestamptz(null=True, default=None)  # as the provider reported
    # The short address /meet/<link_key> redirects to the participant's link (SMS, short_links).
    link_key = Varchar(length=40, null=True, default=None, index=True)  # random: unique enough
    absent_reported = Boolean(default=False)


class Delivery(Table, tablename="meetings_delivery"):
    """What was sent: a member's link, a reminder, an invitation by e-mail (by its key)."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=200, unique=True)
    meeting_id = UUID(index=True)
    participant_id = UUID(null=True, default=None)
    kind = Varchar(length=20)  # link, reminder, update, cancel, mail
    entry_id = BigInt(null=True, default=None)  # the appeal timeline entry sent
    created_at = Timestamptz(default=TimestamptzNow())


TABLES = (Meeting, Participant, Delivery)
