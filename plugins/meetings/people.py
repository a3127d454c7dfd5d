"""Who takes part: operators (moderators) and members (guests), checked against the scope,
with where a member's link goes (their appeal's channel) and their time zone."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import msgspec

from unionline import Actor, Invalid, actor_for, scope_for
from unionline.calendar import timezone_for
from unionline.plugins.meetings import store
from unionline.plugins.meetings.rights import CREATE, READ


class Person(msgspec.Struct, kw_only=True):
    operator_id: uuid.UUID | None = None
    member_id: uuid.UUID | None = None
    name: str
    email: str
    role: str  # moderator, guest
    appeal_id: uuid.UUID | None = None
    timezone: str

    @property
    def key(self) -> str:
        if self.operator_id is not None:
            return f"operator:{self.operator_id}"
        return f"member:{self.member_id}"


async def staff(operator_id: uuid.UUID, organization_id: uuid.UUID, field: str) -> Person:
    found = await store.operator(operator_id)
    other = await actor_for(operator_id) if found and found.is_active else None
    if found is None or other is None or not other.can(READ):
        raise Invalid(f"operator {operator_id} cannot take part in meetings", field=field)
    if not (await scope_for(other, READ)).allows(organization_id):
        raise Invalid(f"operator {operator_id} does not see this organization", field=field)
    return Person(
        operator_id=operator_id,
        name=found.name or found.login,
        email=found.email,
        role="moderator",
        timezone=found.timezone,
    )


def _zone_of(custom: dict[str, Any]) -> str:
    value = custom.get("timezone") or custom.get("time_zone")
    return value if isinstance(value, str) else ""


async def guest(
    actor: Actor, member_id: uuid.UUID, appeal: Any | None, field: str = "member_ids"
) -> Person:
    """A member the actor may invite (their organization in the actor's scope); their link goes
    to ``appeal`` when it is theirs, else to their latest open appeal in the actor's scope."""
    found = await store.member(member_id)
    scope = await scope_for(actor, CREATE)
    if found is None or not scope.allows(found.organization_id):
        raise Invalid(f"member {member_id} does not exist", field=field)
    if appeal is not None and appeal.member_id == member_id:
        appeal_id = appeal.id
    else:
        ids = scope.ids()
        appeal_id = await store.member_appeal(member_id, None if ids is None else list(ids))
    return Person(
        member_id=member_id,
        name=found.full_name,
        email=await store.member_email(member_id),
        role="guest",
        appeal_id=appeal_id,
        timezone=_zone_of(found.custom_fields) or await timezone_for(found.organization_id),
    )


async def add(meeting_id: uuid.UUID, persons: list[Person]) -> None:
    """The meeting's participants, each once (in the caller's transaction)."""
    for person in dict((p.key, p) for p in persons).values():
        await store.insert(
            "meetings_participant",
            {
                "id": uuid.uuid4(),
                "meeting_id": meeting_id,
                "key": f"{meeting_id}:{person.key}",
                "operator_id": person.operator_id,
                "member_id": person.member_id,
                "name": person.name,
                "email": person.email,
                "role": person.role,
                "appeal_id": person.appeal_id,
                "timezone": person.timezone,
                "absent_reported": False,
                "link_key": secrets.token_urlsafe(16),  # 128 bits: /meet/<key>
            },
        )
