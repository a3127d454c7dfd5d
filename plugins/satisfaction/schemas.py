"""Satisfaction API bodies and views."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from unionline import Event, Text

Rating = Annotated[int, msgspec.Meta(ge=1, le=5)]


class SupervisorRating(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    rating: Rating
    comment: Annotated[Text, msgspec.Meta(max_length=2000)] = ""


class SurveyView(msgspec.Struct, kw_only=True):
    """An appeal's ratings; every field but ``appeal_id`` is None until there is one."""

    appeal_id: uuid.UUID
    operator_id: uuid.UUID | None = None
    asked_at: datetime | None = None
    expires_at: datetime | None = None
    awaiting: bool = False  # the member's rating is awaited now
    member_rating: int | None = None
    member_rated_at: datetime | None = None
    supervisor_rating: int | None = None
    supervisor_id: uuid.UUID | None = None
    supervisor_comment: str = ""
    supervisor_rated_at: datetime | None = None


class OperatorRatings(msgspec.Struct, kw_only=True):
    """One operator's line of the report (``operator_id`` None: appeals resolved unassigned)."""

    operator_id: uuid.UUID | None
    operator_name: str
    surveys: int  # appeals with a survey row in the period (asked or rated)
    asked: int  # questions sent to members
    member_ratings: int
    member_average: float | None
    supervisor_ratings: int
    supervisor_average: float | None


class SatisfactionReport(msgspec.Struct, kw_only=True):
    since: datetime | None
    until: datetime | None
    organization_id: uuid.UUID | None
    operators: list[OperatorRatings]


class SatisfactionRated(Event, kw_only=True, tag="satisfaction.rated"):
    """A member or a supervisor rated an appeal."""

    appeal_id: uuid.UUID
    operator_id: uuid.UUID | None
    source: Literal["member", "supervisor"]
    rating: int
