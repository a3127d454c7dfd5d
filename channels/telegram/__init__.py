"""Telegram channel plugin (enable it as ``telegram``): one bot per channel account.

Updates arrive by webhook (``POST /channels/telegram/<account>/webhook``, checked against the
secret token) or by long polling (``unionline telegram poll``, or ``[telegram] run_pollers``).
Modules: ``client`` (Bot API), ``channel`` (the channel type), ``decode``, ``polling``,
``identity`` (a shared phone links the member), ``text`` (escaping and splitting), ``cli``.
This module holds only hook implementations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from unionline import hookimpl
from unionline.channels.telegram.identity import resolve_identity

if TYPE_CHECKING:
    from unionline.registry import (
        ChannelsRegistrar,
        CommandsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

__all__ = [
    "register_channels",
    "register_commands",
    "register_routes",
    "register_settings",
    "register_tables",
    "resolve_identity",
    "shutdown",
    "startup",
]


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channels.telegram.settings import TelegramSettings

    register("telegram", TelegramSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.telegram.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.telegram.channel import TelegramChannel

    register(TelegramChannel())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.telegram.routes import telegram_webhook

    register(telegram_webhook)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.channels.telegram.cli import telegram

    register(telegram)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channel import start_pollers
    from unionline.channels.telegram.polling import TelegramPoller
    from unionline.channels.telegram.settings import telegram_settings

    if telegram_settings().run_pollers:
        start_pollers(app, TelegramPoller)


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channel import stop_pollers
    from unionline.channels.telegram.polling import TelegramPoller

    await stop_pollers(app, TelegramPoller)
