"""Site appeal form channel plugin (enable it as ``webform``): one account is one form.

A union's site embeds ``<script src="<app>/widget/form.js" data-form-key="…" async>``; the
widget (``widgets/form/``) asks ``GET /channels/webform/<key>/form`` for its fields and a
signed render token and sends ``POST /channels/webform/<key>/submissions``; the member sees the
appeal number. Modules: ``settings``, ``definition`` (what the widget renders), ``submission``
(checks and storing), ``tokens``, ``ratelimit``, ``organizations``, ``identity``, ``routes``.
This module holds only hook implementations. See docs/channels/webform.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from unionline import hookimpl
from unionline.channels.webform.identity import resolve_identity

if TYPE_CHECKING:
    from unionline.registry import (
        ChannelsRegistrar,
        ConsoleAssetsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

__all__ = [
    "register_channels",
    "register_console_assets",
    "register_routes",
    "register_settings",
    "register_tables",
    "resolve_identity",
]

CONSOLE = Path(__file__).parent / "static"  # the form's fields under its message in the console


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channels.webform.settings import WebformSettings

    register("webform", WebformSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.webform.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.webform.channel import WebformChannel

    register(WebformChannel())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.webform.routes import ROUTES

    register(*ROUTES)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(CONSOLE, "index.js")
