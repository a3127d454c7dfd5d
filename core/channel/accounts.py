"""Channel accounts: create, change, disable, look up; secrets encrypted at rest.

``actor=None`` means the system itself (channels flagging re-authorisation, tests): no
permission checks. Every other call is scoped to the organizations the actor manages.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import msgspec

from unionline.access import Actor, require_scope, scope_for
from unionline.channel import crypto
from unionline.channel.events import ChannelAccountChanged, ChannelAccountNeedsReauth
from unionline.channel.registered import get_channel
from unionline.channel.schemas import AccountCreate, AccountUpdate, AccountView
from unionline.channel.tables import ChannelAccountRecord as Account
from unionline.channel.types import ChannelAccount, ChannelType
from unionline.errors import Conflict, Invalid, NotFound
from unionline.runtime import current, publish

log = logging.getLogger("unionline.channel")
READ = "channels.read"
MANAGE = "channels.manage"
_AT = re.compile(r" - at `\$\.?([^`]*)`$")
_NAMED = re.compile(r"(?:missing required|contains unknown) field `([^`]+)`")


def _now() -> datetime:
    return datetime.now(UTC)


def _validate(kind: type[msgspec.Struct], data: dict[str, Any], field: str) -> msgspec.Struct:
    """Decode ``data`` into ``kind``; Invalid naming ``field.<key>`` when it does not fit."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        text = str(exc)
        where = _AT.search(text)
        named = _NAMED.search(text)
        path = where.group(1) if where else ""
        key = ".".join(filter(None, [path, named.group(1) if named else ""]))
        message = text[: where.start()] if where else text
        raise Invalid(message, field=f"{field}.{key}" if key else field) from None


def _secrets_dict(token: str) -> dict[str, Any]:
    return json.loads(crypto.unseal(current().settings.secret_key, token))


def _seal(secrets: msgspec.Struct) -> str:
    return crypto.seal(current().settings.secret_key, msgspec.json.encode(secrets))


def view(row: dict[str, Any]) -> AccountView:
    secrets = _secrets_dict(row["secrets"]) if row["secrets"] else {}
    return AccountView(
        id=row["id"],
        organization_id=row["organization_id"],
        channel=row["channel"],
        name=row["name"],
        public_key=row["public_key"],
        status=row["status"],
        status_reason=row["status_reason"],
        config=json.loads(row["config"] or "{}"),
        secrets_set=sorted(k for k, v in secrets.items() if v not in (None, "")),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def to_account(row: dict[str, Any], channel: ChannelType[Any, Any]) -> ChannelAccount[Any, Any]:
    """The account as the channel's methods see it: decoded config and decrypted secrets."""
    return ChannelAccount(
        id=row["id"],
        organization_id=row["organization_id"],
        channel=row["channel"],
        name=row["name"],
        public_key=row["public_key"],
        status=row["status"],
        config=msgspec.json.decode(row["config"] or "{}", type=channel.settings),
        secrets=msgspec.convert(_secrets_dict(row["secrets"]), channel.secrets),
    )


async def _row(account_id: uuid.UUID, *, field: str = "id") -> dict[str, Any]:
    row = await Account.select().where(Account.id == account_id).first()
    if row is None:
        raise NotFound(f"channel account {account_id} does not exist", field=field)
    return row


async def _scoped(actor: Actor | None, permission: str, account_id: uuid.UUID) -> dict[str, Any]:
    row = await _row(account_id)
    if actor is not None:
        await require_scope(
            actor, permission, row["organization_id"], what=f"channel account {account_id}"
        )
    return row


async def _check_public_key(channel: str, public_key: str, own: uuid.UUID | None) -> str | None:
    if not public_key:
        return None
    lookup = f"{channel}:{public_key}"
    query = Account.exists().where(Account.lookup_key == lookup)
    if own is not None:
        query = query.where(Account.id != own)
    if await query:
        raise Conflict(
            f"another {channel} account has public key {public_key!r}", field="public_key"
        )
    return lookup


async def _check_organization(organization_id: uuid.UUID) -> None:
    from unionline.organizations.tables import Organization

    found = await Organization.exists().where(
        (Organization.id == organization_id) & Organization.archived_at.is_null()
    )
    if not found:
        raise NotFound(f"organization {organization_id} does not exist", field="organization_id")


# -- admin operations -----------------------------------------------------------------------


async def create_account(actor: Actor | None, data: AccountCreate) -> AccountView:
    if actor is not None:
        await require_scope(
            actor,
            MANAGE,
            data.organization_id,
            what=f"organization {data.organization_id}",
            field="organization_id",
        )
    channel = get_channel(data.channel)
    config = _validate(channel.settings, data.config, "config")
    secrets = _validate(channel.secrets, data.secrets, "secrets")
    account_id = uuid.uuid4()
    async with current().db.transaction():
        await _check_organization(data.organization_id)
        lookup = await _check_public_key(data.channel, data.public_key.strip(), None)
        stamp = _now()
        await Account.insert(
            Account(
                id=account_id,
                organization_id=data.organization_id,
                channel=data.channel,
                name=data.name.strip(),
                public_key=data.public_key.strip(),
                lookup_key=lookup,
                config=msgspec.json.encode(config).decode(),
                secrets=_seal(secrets),
                status="active",
                created_at=stamp,
                updated_at=stamp,
            )
        )
    return view(await _row(account_id))


async def update_account(
    actor: Actor | None, account_id: uuid.UUID, data: AccountUpdate
) -> AccountView:
    async with current().db.transaction():
        row = await _scoped(actor, MANAGE, account_id)
        channel = get_channel(row["channel"])
        changes: dict[Any, Any] = {Account.updated_at: _now()}
        if not isinstance(data.name, msgspec.UnsetType):
            changes[Account.name] = data.name.strip()
        if not isinstance(data.public_key, msgspec.UnsetType):
            key = data.public_key.strip()
            changes[Account.public_key] = key
            changes[Account.lookup_key] = await _check_public_key(row["channel"], key, account_id)
        if not isinstance(data.config, msgspec.UnsetType):
            config = _validate(channel.settings, data.config, "config")
            changes[Account.config] = msgspec.json.encode(config).decode()
        if not isinstance(data.secrets, msgspec.UnsetType):
            merged = _secrets_dict(row["secrets"]) | data.secrets
            changes[Account.secrets] = _seal(_validate(channel.secrets, merged, "secrets"))
        if not isinstance(data.status, msgspec.UnsetType):
            changes[Account.status] = data.status
            changes[Account.status_reason] = ""
        await Account.update(changes).where(Account.id == account_id)
        if Account.status in changes and data.status != row["status"]:
            await publish(
                ChannelAccountChanged(
                    organization_id=row["organization_id"],
                    account_id=account_id,
                    channel=row["channel"],
                    status=str(data.status),
                )
            )
    return view(await _row(account_id))


async def disable_account(actor: Actor | None, account_id: uuid.UUID) -> AccountView:
    return await update_account(actor, account_id, AccountUpdate(status="disabled"))


async def get_account(actor: Actor | None, account_id: uuid.UUID) -> AccountView:
    return view(await _scoped(actor, READ, account_id))


async def list_accounts(
    actor: Actor, *, organization_id: uuid.UUID | None = None, channel: str | None = None
) -> list[AccountView]:
    scope = await scope_for(actor, READ)
    query = Account.select().order_by(Account.created_at).order_by(Account.id)
    if scope.organization_ids is not None:
        if not scope.organization_ids:
            return []
        query = query.where(Account.organization_id.is_in(sorted(scope.organization_ids)))
    if organization_id is not None:
        query = query.where(Account.organization_id == organization_id)
    if channel is not None:
        query = query.where(Account.channel == channel)
    return [view(r) for r in await query]


# -- used by the inbound and outbound paths -------------------------------------------------


async def load_account(account_id: uuid.UUID) -> ChannelAccount[Any, Any]:
    """The account with decrypted secrets (NotFound when it does not exist)."""
    row = await _row(account_id, field="account_id")
    return to_account(row, get_channel(row["channel"]))


async def find_account(channel: str, key: str) -> ChannelAccount[Any, Any] | None:
    """The ``channel`` account whose id or public key is ``key`` (None when there is none)."""
    query = Account.select()
    try:
        query = query.where((Account.id == uuid.UUID(key)) & (Account.channel == channel))
    except ValueError:
        query = query.where(Account.lookup_key == f"{channel}:{key}")
    row = await query.first()
    return to_account(row, get_channel(channel)) if row else None


async def channel_accounts(
    channel: str, *, statuses: Collection[str] = ("active",)
) -> list[ChannelAccount[Any, Any]]:
    """The ``channel`` accounts whose status is one of ``statuses``, oldest first, with decrypted
    secrets. One whose stored config or secrets no longer decode (the channel's settings
    changed shape) is left out and logged, so one bad account does not hide the others."""
    kind = get_channel(channel)
    rows = (
        await Account.select()
        .where((Account.channel == channel) & Account.status.is_in(list(statuses)))
        .order_by(Account.created_at)
    )
    found = []
    for row in rows:
        try:
            found.append(to_account(row, kind))
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            log.warning("%s account %s left out: %s", channel, row["id"], exc)
    return found


async def mark_needs_reauth(account_id: uuid.UUID, reason: str) -> bool:
    """Flag the account and tell the admins (once: an already flagged account stays quiet)."""
    async with current().db.transaction():
        row = await _row(account_id)
        if row["status"] != "active":
            return False
        await Account.update(
            {
                Account.status: "needs_reauth",
                Account.status_reason: reason[:500],
                Account.updated_at: _now(),
            }
        ).where(Account.id == account_id)
        await publish(
            ChannelAccountNeedsReauth(
                organization_id=row["organization_id"],
                account_id=account_id,
                channel=row["channel"],
                name=row["name"],
                reason=reason[:500],
            )
        )
    return True
