"""An organization's own timekeeping settings (``GET/PUT
/api/timekeeping/organizations/{id}/policy``): which violations are notified and to whom, and
the pay-type codes of the T-12 payroll part. A subtree inherits the nearest organization up the
tree that has its own; with none, nothing is notified and no pay code is filled."""

from __future__ import annotations

import uuid

import msgspec

import unionline
from unionline import Actor, Invalid, current, record_audit
from unionline.plugins.timekeeping import codes, rights
from unionline.plugins.timekeeping.schemas import OrganizationPolicy, PolicyView

# The payroll lines of T-12 the time sheet knows, besides one per absence code.
PAY_KINDS = {
    "worked": "Оплата отработанного времени",
    "night": "Доплата за работу в ночное время",
    "weekend": "Оплата работы в выходные и нерабочие праздничные дни",
}


class _Stored(msgspec.Struct, frozen=True):
    organization_id: uuid.UUID
    data: OrganizationPolicy


async def effective(organization_id: uuid.UUID) -> PolicyView:
    """The settings that apply to the organization: its own, else the nearest ancestor's."""
    line = await unionline.organization_ancestors(organization_id)
    marks = ", ".join("{}" for _ in line)
    rows = await current().db.fetch_as(
        _Stored,
        f"SELECT organization_id, data FROM timekeeping_policy WHERE organization_id IN ({marks})",
        *line,
    )
    own = {r.organization_id: r.data for r in rows}
    for ancestor in reversed(line):
        if ancestor in own:
            return PolicyView(
                organization_id=organization_id, inherited_from=ancestor, policy=own[ancestor]
            )
    return PolicyView(
        organization_id=organization_id, inherited_from=None, policy=OrganizationPolicy()
    )


async def read(actor: Actor, organization_id: uuid.UUID) -> PolicyView:
    await rights.require_in_scope(actor, rights.READ, organization_id)
    return await effective(organization_id)


def check(policy: OrganizationPolicy) -> None:
    for key in policy.pay_codes:
        if key not in PAY_KINDS and key not in codes.ABSENCE_CODES:
            raise Invalid(
                "a pay code is for worked, night, weekend or a T-13 absence code",
                field=f"pay_codes.{key}",
            )


async def put(actor: Actor, organization_id: uuid.UUID, policy: OrganizationPolicy) -> PolicyView:
    """Set the organization's own settings (``timekeeping.manage``; audited)."""
    await rights.require_in_scope(actor, rights.MANAGE, organization_id)
    await unionline.organization_ancestors(organization_id)  # 404 for an unknown one, first
    check(policy)
    data = msgspec.json.encode(policy).decode()
    db = current().db
    async with db.transaction():
        await db.execute(
            "INSERT INTO timekeeping_policy (organization_id, data, updated_by, updated_at)"
            " VALUES ({}, {}, {}, {}) ON CONFLICT (organization_id) DO UPDATE SET"
            " data = excluded.data, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            organization_id,
            data,
            actor.operator_id,
            unionline.now(),
        )
        await record_audit(
            actor, "timekeeping.policy.update", "organization", organization_id, organization_id
        )
    return await effective(organization_id)
