"""VK channel plugin (enable it as ``vk``): one community per channel account.

Events arrive through the Callback API (``POST /channels/vk/<account>/callback``: the
confirmation request is answered with the community's code, every other event with the literal
``ok`` once stored, the ``secret`` checked) or through Bots Long Poll (``unionline vk poll``,
or ``[vk] run_pollers``). Modules: ``client`` (VK API), ``channel`` (the channel type),
``decode`` and ``content`` (events into messages), ``names`` (users.get, cached),
``permissions`` (message_allow/message_deny), ``inbound``, ``polling``, ``cli``. This module
holds only hook implementations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionline import hookimpl

if TYPE_CHECKING:
    from unionline import OutboundDraft
    from unionline.registry import (
        ChannelsRegistrar,
        CommandsRegistrar,
        ConsoleAssetsRegistrar,
        JobsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"  # the console's words for VK's refusals


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
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.channels.vk.names import NAME_JOB, NAME_JOB_ATTEMPTS, NameMembers, name_members
    from unionline.channels.vk.privacy import SWEEP

    register(NAME_JOB, name_members, payload=NameMembers, max_attempts=NAME_JOB_ATTEMPTS)
    SWEEP.register(register)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(CONSOLE, "index.js")


@hookimpl
async def before_message_send(draft: OutboundDraft) -> None:
    """Refuse a reply to a member who forbade the community's messages (message_deny)."""
    from unionline.channels.vk.permissions import refuse_reply

    await refuse_reply(draft)


@hookimpl
def runtime_started(runtime: Any) -> None:
    """A member's export and erasure cover what the channel holds about them."""
    from unionline import add_personal_data_section
    from unionline.channels.vk.privacy import VkSection

    add_personal_data_section(VkSection())


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channel import start_pollers
    from unionline.channels.vk.polling import LongPoller
    from unionline.channels.vk.privacy import SWEEP
    from unionline.channels.vk.settings import vk_settings

    await SWEEP.schedule()  # the daily sweep of expired names (once a day, whoever asks)
    if vk_settings().run_pollers:
        start_pollers(app, LongPoller)


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channel import stop_pollers
    from unionline.channels.vk.polling import LongPoller

    await stop_pollers(app, LongPoller)
