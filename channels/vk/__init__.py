"""VK channel plugin (enable it as ``vk``): one community per channel account.

Events arrive through the Callback API (``POST /channels/vk/<account>/callback``: the
confirmation request is answered with the community's code, every other event with the literal
``ok`` once stored, the ``secret`` checked) or through Bots Long Poll (``unionline vk poll``,
or ``[vk] run_pollers``). Modules: ``client`` (VK API), ``channel`` (the channel type),
``decode``, ``polling``, ``cli``. This module holds only hook implementations.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from unionline.hookspecs import hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        ChannelsRegistrar,
        CommandsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

_pollers: dict[int, tuple[asyncio.Event, asyncio.Task[None]]] = {}


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channels.vk.settings import VkSettings

    register("vk", VkSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.vk.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.vk.channel import VkChannel

    register(VkChannel())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.vk.routes import vk_callback

    register(vk_callback)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.channels.vk.cli import vk

    register(vk)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channels.vk.polling import run_pollers
    from unionline.channels.vk.settings import vk_settings

    if vk_settings().run_pollers:
        stop = asyncio.Event()
        _pollers[id(app)] = (stop, asyncio.create_task(run_pollers(stop)))


@hookimpl
async def shutdown(app: Any) -> None:
    running = _pollers.pop(id(app), None)
    if running is not None:
        stop, task = running
        stop.set()
        await task
