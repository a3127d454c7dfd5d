"""Settings forms: what the console shows, what an administrator saves, what a plugin reads.

A form's value is layered: the Struct's defaults, then the plugin's section of the config file
(when the same Struct is registered with ``register_settings``), then what an administrator
saved in the console. Settings belong to no organization: reading and saving the forms needs
``settings.manage`` over the whole federation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, TypeVar

import msgspec
import msgspec.inspect as mi

from unionline.access import Actor, require_everywhere
from unionline.errors import Invalid, NotFound, NotReady
from unionline.plugin_settings import crypto
from unionline.plugin_settings.schemas import (
    Localized,
    SettingsChanged,
    SettingsField,
    SettingsFormView,
    SettingsSaved,
)
from unionline.plugin_settings.tables import StoredSettings
from unionline.registry import FieldLabel, SettingsForm
from unionline.runtime import current, publish

PERMISSION = "settings.manage"
STARTED = "plugin_settings.started_at"  # runtime.state: when this process started
S = TypeVar("S", bound=msgspec.Struct)


class Stored(msgspec.Struct, kw_only=True):
    """A form's saved row, decoded."""

    values: dict[str, Any] = msgspec.field(default_factory=dict)
    secrets: dict[str, Any] = msgspec.field(default_factory=dict)
    saved: bool = False
    updated_at: datetime | None = None
    restart_changed_at: datetime | None = None


# -- the plugin's side ----------------------------------------------------------------------


async def read(kind: type[S]) -> S:
    """The current settings of the form registered with ``kind``: defaults, the config file's
    section, then what an administrator saved. Raises NotReady while a field without a default
    has no value yet (an administrator has not filled the form in)."""
    form = _by_kind(kind)
    try:
        return msgspec.convert(_effective(form, await _stored(form.id)), kind)
    except msgspec.ValidationError as error:
        raise NotReady(f"settings {form.id!r} are not filled in: {error}") from None


def _by_kind(kind: type[msgspec.Struct]) -> SettingsForm:
    for form in current().registry.settings_forms.values():
        if form.kind is kind:
            return form
    raise LookupError(f"no settings form is registered for {kind.__qualname__}")


def _form(form_id: str) -> SettingsForm:
    form = current().registry.settings_forms.get(form_id)
    if form is None:
        raise NotFound(f"settings form {form_id!r} does not exist", field="form_id")
    return form


# -- layers ------------------------------------------------------------------------------


def _fields(kind: type[msgspec.Struct]) -> list[mi.Field]:
    info = mi.type_info(kind)
    assert isinstance(info, mi.StructType)
    return list(info.fields)


def _defaults(kind: type[msgspec.Struct]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for f in _fields(kind):
        if f.default is not mi.NODEFAULT:
            found[f.encode_name] = msgspec.to_builtins(f.default)
        elif f.default_factory is not mi.NODEFAULT:
            found[f.encode_name] = msgspec.to_builtins(f.default_factory())
    return found


def _from_file(form: SettingsForm) -> dict[str, Any]:
    """The plugin's config-file section, when it is decoded into the form's Struct."""
    settings = current().settings
    for section, kind in current().registry.settings.items():
        value = getattr(settings, section, None)
        if kind is form.kind and isinstance(value, form.kind):
            built = msgspec.to_builtins(value)
            return built if isinstance(built, dict) else {}
    return {}


def _effective(form: SettingsForm, stored: Stored) -> dict[str, Any]:
    return {**_defaults(form.kind), **_from_file(form), **stored.values, **stored.secrets}


async def _stored(form_id: str) -> Stored:
    row = await StoredSettings.select().where(StoredSettings.form_id == form_id).first()
    if row is None:
        return Stored()
    secrets = crypto.unseal(current().settings.secret_key, row["secrets"])
    return Stored(
        values=msgspec.json.decode(row["values"] or "{}"),
        # A changed secret_key makes saved secrets unreadable: they count as not set.
        secrets=msgspec.json.decode(secrets) if secrets is not None else {},
        saved=True,
        updated_at=row["updated_at"],
        restart_changed_at=row["restart_changed_at"],
    )


# -- the console's side ---------------------------------------------------------------------


async def list_forms(actor: Actor) -> list[SettingsFormView]:
    await require_everywhere(actor, PERMISSION)
    forms = sorted(current().registry.settings_forms.values(), key=lambda f: (f.order, f.id))
    return [_view(form, await _stored(form.id)) for form in forms]


async def get_form(actor: Actor, form_id: str) -> SettingsFormView:
    await require_everywhere(actor, PERMISSION)
    form = _form(form_id)
    return _view(form, await _stored(form.id))


def _view(form: SettingsForm, stored: Stored) -> SettingsFormView:
    effective = _effective(form, stored)
    started = current().state.get(STARTED)
    pending = bool(started and stored.restart_changed_at and stored.restart_changed_at > started)
    return SettingsFormView(
        id=form.id,
        plugin=form.plugin,
        title=Localized(ru=form.title_ru, en=form.title_en),
        help=Localized(ru=form.help_ru, en=form.help_en or form.help_ru),
        fields=_describe(form),
        values={k: v for k, v in effective.items() if k not in form.secrets},
        secrets_set=sorted(k for k in form.secrets if effective.get(k)),
        saved=stored.saved,
        updated_at=stored.updated_at,
        restart_pending=pending,
    )


def _describe(form: SettingsForm) -> list[SettingsField]:
    schema = msgspec.json.schema(form.kind)
    defs = schema.get("$defs", {})
    own = _resolve(schema, defs)
    described = []
    for f in _fields(form.kind):
        prop = _resolve(own.get("properties", {}).get(f.encode_name, {}), defs)
        label = form.labels.get(f.name) or FieldLabel("")
        about = prop.get("description") or ""
        help_ru = label.help_ru or about
        described.append(
            SettingsField(
                name=f.encode_name,
                label=Localized(
                    ru=label.ru or prop.get("title") or f.name, en=label.en or _words(f.name)
                ),
                help=Localized(ru=help_ru, en=label.help_en or help_ru),
                schema=label.schema_of(prop),
                required=f.required,
                secret=f.name in form.secrets,
                restart=f.name in form.restart,
            )
        )
    return described


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref``s into ``$defs`` (a field of a nested Struct type shows as JSON)."""
    seen = 0
    while "$ref" in schema and seen < 10:
        schema = {
            **defs.get(schema["$ref"].rsplit("/", 1)[-1], {}),
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
        seen += 1
    return schema


def _refuse_unlisted(form: SettingsForm, values: dict[str, Any]) -> None:
    """A 422 naming a field whose label's choices limit it (``FieldLabel.limits``) when its
    value is none of them."""
    schema = msgspec.json.schema(form.kind)
    defs = schema.get("$defs", {})
    own = _resolve(schema, defs).get("properties", {})
    for f in _fields(form.kind):
        label = form.labels.get(f.name)
        value = values.get(f.encode_name)
        if label is None or not label.limits(_resolve(own.get(f.encode_name, {}), defs)):
            continue
        if value not in label.choices:
            raise Invalid(
                f"{value!r} is not one of {', '.join(map(repr, label.choices))}",
                field=f"values.{f.encode_name}",
                extra={"problem": "invalid", "choices": list(label.choices)},
            )


def _words(name: str) -> str:
    return name.replace("_", " ").capitalize()


async def save(actor: Actor, form_id: str, values: dict[str, Any]) -> SettingsSaved:
    """Validate ``values`` over the current ones with the form's Struct and store them."""
    await require_everywhere(actor, PERMISSION)
    form = _form(form_id)
    names = {f.encode_name for f in _fields(form.kind)}
    for key in values:
        if key not in names:
            raise Invalid(
                f"settings {form_id!r} have no field {key!r}",
                field=f"values.{key}",
                extra={"problem": "unknown"},
            )
    stored = await _stored(form.id)
    before = _effective(form, stored)
    secrets = dict(stored.secrets)
    for key, value in values.items():
        if key in form.secrets and value is not None:
            secrets[key] = value
    plain = {k: v for k, v in values.items() if k not in form.secrets}
    merged = {**before, **plain, **secrets}
    try:
        built = msgspec.convert(merged, form.kind)
    except msgspec.ValidationError as error:
        raise _invalid(error) from None
    after = msgspec.to_builtins(built)
    _refuse_unlisted(form, after)
    changed = sorted(k for k in names if after.get(k) != before.get(k))
    restart = any(k in form.restart for k in changed)
    await _write(form, actor, after, secrets, changed, restart)
    return SettingsSaved(
        form=_view(form, await _stored(form.id)), changed=changed, restart_needed=restart
    )


async def _write(
    form: SettingsForm,
    actor: Actor,
    after: dict[str, Any],
    secrets: dict[str, Any],
    changed: list[str],
    restart: bool,
) -> None:
    now = datetime.now(UTC)
    plain = {k: v for k, v in after.items() if k not in form.secrets}
    sealed = crypto.seal(current().settings.secret_key, msgspec.json.encode(secrets))
    async with current().db.transaction():
        row = StoredSettings(
            form_id=form.id,
            values=msgspec.json.encode(plain).decode(),
            secrets=sealed,
            updated_at=now,
            updated_by=actor.operator_id,
        )
        await StoredSettings.insert(row).on_conflict(
            target=StoredSettings.form_id,
            action="DO UPDATE",
            values=[
                StoredSettings.values,
                StoredSettings.secrets,
                StoredSettings.updated_at,
                StoredSettings.updated_by,
            ],
        )
        if restart:
            await StoredSettings.update({StoredSettings.restart_changed_at: now}).where(
                StoredSettings.form_id == form.id
            )
        if changed:
            await publish(SettingsChanged(form_id=form.id, plugin=form.plugin, fields=changed))


_MISSING = re.compile(r"missing required field `([^`]+)`")
_AT = re.compile(r" - at `\$\.?([^`]*)`")


def _invalid(error: msgspec.ValidationError) -> Invalid:
    """The Struct's verdict as a 422 naming the field (``values.<name>``)."""
    message = str(error)
    missing = _MISSING.search(message)
    at = _AT.search(message)
    path = ".".join(filter(None, [at.group(1) if at else "", missing.group(1) if missing else ""]))
    field = f"values.{path}" if path else "values"
    problem = "missing" if missing else "invalid"
    return Invalid(message, field=field, extra={"problem": problem})
