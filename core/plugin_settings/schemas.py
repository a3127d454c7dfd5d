"""Bodies of the settings API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from unionline.events import Event


class Localized(msgspec.Struct, kw_only=True):
    ru: str
    en: str


class SettingsField(msgspec.Struct, kw_only=True):
    """One input of a settings form: label and help (Russian first), its JSON schema."""

    name: str
    label: Localized
    help: Localized
    schema: dict[str, Any]  # the field's JSON schema (type, enum, bounds, default)
    required: bool  # no default: the form cannot be saved without it
    secret: bool  # write-only: never sent back, only whether it is set
    restart: bool  # a change takes effect after a restart


class SettingsFormView(msgspec.Struct, kw_only=True):
    id: str
    plugin: str
    title: Localized
    help: Localized
    fields: list[SettingsField]
    values: dict[str, Any]  # what the plugin reads now, secrets left out
    secrets_set: list[str]  # the secret fields holding a value
    saved: bool  # an administrator saved this form (else: defaults and the config file)
    updated_at: datetime | None
    restart_pending: bool  # a restart field changed after this process started


class SettingsSave(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The fields to change; others keep their values. A secret field left out or null keeps
    its value; a string (even empty) replaces it."""

    values: dict[str, Any]


class SettingsSaved(msgspec.Struct, kw_only=True):
    form: SettingsFormView
    changed: list[str]  # the fields whose value changed
    restart_needed: bool  # one of them takes effect only after a restart


class SettingsChanged(Event, tag="settings.changed"):
    """An administrator saved a settings form (admins only: ``organization_id`` is None)."""

    form_id: str
    plugin: str
    fields: list[str]  # names of the fields that changed (secrets included, not their values)
