"""The campaigns plugin's tables. Cross-domain ids (organizations, members, operators, channel
accounts) are plain UUIDs; a composite uniqueness is one ``key`` column (piccolo has no
composite constraint). Times that workers compare (leases) are epoch seconds.
"""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    BigInt,
    Boolean,
    DoublePrecision,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.table import Table


class ConsentText(Table, tablename="campaigns_consent_text"):
    """A version of the consent text shown to members (kept forever: the proof cites it).
    A version is unique within its organization (the unique index
    ``campaigns_consent_text_version`` on (organization_id, version), made by the migration of
    2026-12-07T18:20): another organization's versions are none of its business."""

    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    version = Varchar(length=40)
    purpose = Varchar(length=20)  # info, ads
    body = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Consent(Table, tablename="campaigns_consent"):
    """A member's consent for one channel and purpose as it stands now; ``withdrawn_at`` set:
    withdrawn. Every change is also a row of :class:`ConsentLog` (the proof)."""

    id = UUID(primary_key=True, default=UUID4())
    key = Varchar(length=120, unique=True)  # member:channel:purpose
    member_id = UUID(index=True)
    organization_id = UUID(index=True)
    channel = Varchar(length=20)  # email, sms, telegram, vk, voice
    purpose = Varchar(length=20)  # info, ads
    text_version = Varchar(length=40, default="")
    source = Varchar(length=20)  # form, import, operator, messenger, legacy, link
    evidence = Text(default="{}")  # JSON: address, form id, operator, message
    granted_at = DoublePrecision()
    withdrawn_at = DoublePrecision(null=True, default=None)
    withdrawn_source = Varchar(length=20, default="")


class ConsentLog(Table, tablename="campaigns_consent_log"):
    id = Serial(primary_key=True)
    member_id = UUID(index=True)
    organization_id = UUID()
    channel = Varchar(length=20)
    purpose = Varchar(length=20)
    action = Varchar(length=10)  # granted, withdrawn
    text_version = Varchar(length=40, default="")
    source = Varchar(length=20)
    evidence = Text(default="{}")
    at = DoublePrecision()


class Segment(Table, tablename="campaigns_segment"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    filter = Text(default="{}")  # JSON of schemas.SegmentFilter
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Campaign(Table, tablename="campaigns_campaign"):
    id = UUID(primary_key=True, default=UUID4())
    organization_id = UUID(index=True)
    name = Varchar(length=200)
    purpose = Varchar(length=20, default="info")
    # draft, scheduled, late (its time passed while nothing ran: asks to confirm), sending,
    # paused, cancelled, finished
    status = Varchar(length=20, default="draft")
    filter = Text(default="{}")  # the segment it goes to (copied from a saved one or built)
    channel_order = Text(default="[]")  # ["telegram", "sms", "email"]
    accounts = Text(default="{}")  # channel -> channel account id
    variants = Text(default="{}")  # channel -> schemas.Variant
    concurrency = Integer(default=8)
    trigger_rule = Text(default="{}")  # JSON of schemas.Trigger: what adds members after the start
    created_by = UUID(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    scheduled_at = DoublePrecision(null=True, default=None)  # a scheduled start (epoch)
    started_at = DoublePrecision(null=True, default=None)
    finished_at = DoublePrecision(null=True, default=None)


class Recipient(Table, tablename="campaigns_recipient"):
    """One row per (campaign, member): the campaign's own outbox, claimed in batches."""

    id = Serial(primary_key=True)
    key = Varchar(length=80, unique=True)  # campaign:member
    campaign_id = UUID(index=True)
    member_id = UUID(index=True)
    # queued, sending (claimed, lease_until), sent, delivered, failed, skipped, cancelled
    status = Varchar(length=12, default="queued", index=True)
    channel = Varchar(length=20, default="")
    address = Varchar(length=320, default="")
    lease_until = DoublePrecision(default=0.0)
    attempts = Integer(default=0)
    external_id = Varchar(length=200, default="")
    error = Text(default="")
    sent_at = DoublePrecision(null=True, default=None)
    note = Text(default="")  # the channel's word beside the status: «2 SMS · 2,96 ₽»


class CampaignEvent(Table, tablename="campaigns_event"):
    """What members did with a campaign: click, unsubscribe, reply (statistics)."""

    id = Serial(primary_key=True)
    key = Varchar(length=160, unique=True)  # kind:recipient[:detail], counted once
    campaign_id = UUID(index=True)
    recipient_id = BigInt(index=True)
    kind = Varchar(length=20)
    detail = Text(default="")
    at = DoublePrecision()
    seen = Boolean(default=True)


class Quota(Table, tablename="campaigns_quota"):
    """Campaign e-mails handed to one account's mail server on one local day (the warm-up's
    daily cap): ``key`` is account:YYYY-MM-DD."""

    id = Serial(primary_key=True)
    key = Varchar(length=80, unique=True)
    used = Integer(default=0)


TABLES = (ConsentText, Consent, ConsentLog, Segment, Campaign, Recipient, CampaignEvent, Quota)
