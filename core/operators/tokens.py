"""API tokens for integrations, issued on behalf of an actor.

A token belongs to an operator and is narrowed to a list of that operator's permissions. Only
its SHA-256 is stored; the raw value is answered once. Revoking (or deactivating the operator)
stops it at the next request. Operators list and revoke their own tokens; issuing one, or
touching another operator's tokens, needs ``operators.manage`` over that operator.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from unionline.access import Actor
from unionline.errors import Invalid, NotFound
from unionline.operators import services
from unionline.operators.management import managed
from unionline.operators.schemas import TokenCreate, TokenCreated, TokenView
from unionline.operators.tables import ApiToken
from unionline.realtime import access_changed
from unionline.runtime import current


def _view(row: dict[str, Any]) -> TokenView:
    used = row["last_used_at"]
    return TokenView(
        id=row["id"],
        operator_id=row["operator"],
        name=row["name"],
        scopes=row["scopes"].split(),
        created_at=row["created_at"],
        last_used_at=datetime.fromtimestamp(used, UTC) if used else None,
        revoked=row["revoked"],
    )


async def _own_or_managed(actor: Actor, operator_id: uuid.UUID) -> None:
    if operator_id != actor.operator_id:
        await managed(actor, operator_id)


async def list_tokens(actor: Actor, operator_id: uuid.UUID) -> list[TokenView]:
    await _own_or_managed(actor, operator_id)
    rows = (
        await ApiToken.select()
        .where(ApiToken.operator == operator_id)
        .order_by(ApiToken.created_at)
    )
    return [_view(r) for r in rows]


async def issue(actor: Actor, operator_id: uuid.UUID, data: TokenCreate) -> TokenCreated:
    await managed(actor, operator_id)
    return await issue_unchecked(operator_id, data)


async def issue_unchecked(operator_id: uuid.UUID, data: TokenCreate) -> TokenCreated:
    """Issue a token for an active operator, its scopes checked against what the operator
    holds, without asking who issues it (``unionline createtoken``: whoever runs commands on
    the server may anyway)."""
    owner = await services.actor_for(operator_id)
    if owner is None:
        raise Invalid("the operator is deactivated", field="operator_id")
    known = current().registry.permissions
    for i, code in enumerate(data.scopes):
        if code not in known:
            raise Invalid(f"unknown permission {code!r}", field=f"scopes[{i}]")
        if not owner.can(code):
            raise Invalid(f"the operator does not hold {code!r}", field=f"scopes[{i}]")
    raw, token_id = await services.issue_token(operator_id, data.name.strip(), data.scopes)
    row = await ApiToken.select().where(ApiToken.id == token_id).first()
    assert row is not None
    return TokenCreated(token=raw, details=_view(row))


async def revoke(actor: Actor, operator_id: uuid.UUID, token_id: uuid.UUID) -> None:
    await _own_or_managed(actor, operator_id)
    if not await services.revoke_token(operator_id, token_id):
        raise NotFound(f"token {token_id} does not exist", field="token_id")
    access_changed(operator_id, "token revoked")
