"""The console's side of connecting a channel account: the account form generated from the
channel's declared ``settings``/``secrets`` Structs, «Проверить подключение» (``check``), the
webhook URL and the steps left (``setup``), and the provider side done for the admin
(``connect``)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import msgspec
import msgspec.inspect as mi

from unionline.access import Actor, require_scope, scope_for
from unionline.channel import accounts
from unionline.channel.registered import channel_types, get_channel
from unionline.channel.schemas import (
    AccountCheckView,
    AccountField,
    AccountSetupView,
    ChannelPluginView,
    ChannelTypeView,
    Localized,
)
from unionline.channel.types import ChannelType, CheckResult
from unionline.errors import Forbidden, Invalid
from unionline.plugin_choices.services import views as plugin_switches
from unionline.runtime import current

log = logging.getLogger("unionline.channel")
CHECK_TIMEOUT = 30.0  # seconds a provider gets to answer a check or a connect
CHANNEL_PACKAGE = "unionline.channels."


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 10:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = {**defs.get(name, {}), **{k: v for k, v in schema.items() if k != "$ref"}}
        seen += 1
    return schema


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def describe(channel: ChannelType[Any, Any], kind: type[msgspec.Struct]) -> list[AccountField]:
    """The form's fields for ``kind`` (the channel's settings or secrets Struct)."""
    schema = msgspec.json.schema(kind)
    defs = schema.get("$defs", {})
    own = _resolve(schema, defs)
    info = mi.type_info(kind)
    assert isinstance(info, mi.StructType)
    secret = kind is channel.secrets
    fields = []
    for f in info.fields:
        prop = _resolve(own.get("properties", {}).get(f.encode_name, {}), defs)
        label = channel.labels.get(f.name)
        about = str(prop.get("description") or "")
        help_ru = (label.help_ru if label else "") or about
        fields.append(
            AccountField(
                name=f.encode_name,
                label=Localized(
                    ru=(label.ru if label else "") or str(prop.get("title") or f.name),
                    en=(label.en if label else "") or _words(f.name),
                ),
                help=Localized(ru=help_ru, en=(label.help_en if label else "") or help_ru),
                schema=label.schema_of(prop) if label else prop,
                required=f.required,
                secret=secret,
            )
        )
    return fields


def _overrides(channel: ChannelType[Any, Any], method: str) -> bool:
    return getattr(type(channel), method) is not getattr(ChannelType, method)


def type_view(name: str, channel: ChannelType[Any, Any]) -> ChannelTypeView:
    return ChannelTypeView(
        name=name,
        title=channel.title or name,
        contact_kind=channel.contact_kind,
        capabilities=channel.capabilities,
        settings_schema=msgspec.json.schema(channel.settings),
        secrets_schema=msgspec.json.schema(channel.secrets),
        plugin=current().registry.owners.get(("channel", name), ""),
        config_fields=describe(channel, channel.settings),
        secret_fields=describe(channel, channel.secrets),
        checks=_overrides(channel, "check"),
        connects=_overrides(channel, "connect"),
        listed=channel.listed,
    )


def type_views() -> list[ChannelTypeView]:
    return [type_view(name, channel) for name, channel in sorted(channel_types().items())]


async def channel_plugins(actor: Actor) -> list[ChannelPluginView]:
    """Installed channel plugins (the built-in ``unionline.channels`` ones and any plugin that
    registered a channel type), enabled or not, to those who see channel accounts anywhere."""
    scope = await scope_for(actor, accounts.READ)
    if not scope.everything and not scope.organization_ids:
        raise Forbidden(
            "permission 'channels.read' is required", extra={"permission": accounts.READ}
        )
    rt = current()
    by_plugin: dict[str, list[str]] = {}
    for (kind, key), plugin in rt.registry.owners.items():
        if kind == "channel":
            by_plugin.setdefault(plugin, []).append(key)
    switches = await plugin_switches(actor)
    found = []
    for info in rt.host.listing():
        sources = rt.host.sources.get(info.name, [])
        builtin = any(s.module.startswith(CHANNEL_PACKAGE) for s in sources)
        if info.name in by_plugin or builtin:
            found.append(
                ChannelPluginView(
                    plugin=info.name,
                    version=info.version,
                    origin=info.origin,
                    enabled=info.enabled,
                    channels=sorted(by_plugin.get(info.name, [])),
                    switch=switches.get(info.name),
                )
            )
    return found


async def _managed(actor: Actor, account_id: uuid.UUID) -> Any:
    """The account with decrypted secrets, when ``actor`` manages its organization."""
    shown = await accounts.get_account(actor, account_id)
    await require_scope(
        actor,
        accounts.MANAGE,
        shown.organization_id,
        what=f"channel account {account_id}",
    )
    return await accounts.load_account(account_id)


def base_url(fallback: str) -> str:
    """The server's public URL (``server.public_url``), else how the admin reached it."""
    return (current().settings.server.public_url or fallback).rstrip("/")


async def _run(call: Any) -> CheckResult:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            result: CheckResult = await call
        return result
    except NotImplementedError:
        raise
    except TimeoutError:
        return CheckResult(ok=False, detail="Сервис не ответил вовремя")
    except Exception as exc:  # a provider's refusal or a network error: shown, not raised
        log.info("channel check failed: %s: %s", type(exc).__name__, exc)
        return CheckResult(ok=False, detail=str(exc)[:500] or type(exc).__name__)


async def check_account(actor: Actor, account_id: uuid.UUID) -> AccountCheckView:
    account = await _managed(actor, account_id)
    channel = get_channel(account.channel)
    if not _overrides(channel, "check"):
        raise Invalid(
            f"channel {account.channel!r} cannot check its accounts",
            field="channel",
            extra={"problem": "no_check"},
        )
    result = await _run(channel.check(account))
    return AccountCheckView(
        account_id=account_id, channel=account.channel, result=result, checked_at=datetime.now(UTC)
    )


async def setup_info(actor: Actor, account_id: uuid.UUID, fallback: str) -> AccountSetupView:
    account = await _managed(actor, account_id)
    channel = get_channel(account.channel)
    return AccountSetupView(
        account_id=account_id,
        channel=account.channel,
        setup=channel.setup(account, base_url(fallback)),
        checks=_overrides(channel, "check"),
        public_url_set=bool(current().settings.server.public_url),
    )


async def connect_account(actor: Actor, account_id: uuid.UUID, fallback: str) -> AccountCheckView:
    account = await _managed(actor, account_id)
    channel = get_channel(account.channel)
    if not _overrides(channel, "connect"):
        raise Invalid(
            f"channel {account.channel!r} cannot connect its accounts itself",
            field="channel",
            extra={"problem": "no_connect"},
        )
    result = await _run(channel.connect(account, base_url(fallback)))
    return AccountCheckView(
        account_id=account_id, channel=account.channel, result=result, checked_at=datetime.now(UTC)
    )
