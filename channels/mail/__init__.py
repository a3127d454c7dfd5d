"""Mail channel plugin (enable it as ``mail``): one mailbox per channel account.

Mail comes in by IMAP (``imap``), by ``unionline smtpd`` (``smtpd``) or by an MTA posting raw
messages over HTTP (``routes``); every path hands the bytes to :func:`ingest.ingest_raw`.
Replies go out over SMTP (``outbound``). Modules: ``parse`` (MIME to text and sanitized HTML),
``threads`` (which appeal a mail continues), ``loops`` (RFC 3834 auto-responses), ``bounces``
(DSNs), ``ack`` (automatic acknowledgements). This module holds only hook implementations.
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

__all__ = [
    "register_channels",
    "register_commands",
    "register_routes",
    "register_settings",
    "register_tables",
    "shutdown",
    "startup",
]

# The app's IMAP pollers ([mail] run_pollers), by app: their stop switch and task.
_pollers: dict[int, tuple[asyncio.Event, asyncio.Task[None]]] = {}


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channels.mail.settings import MailSettings

    register("mail", MailSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.mail.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.mail.channel import MailChannel

    register(MailChannel())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.mail.routes import mail_inbound

    register(mail_inbound)


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.channels.mail.cli import mail, smtpd

    register(mail)
    register(smtpd)


@hookimpl
def runtime_started(runtime: Any) -> None:
    """A member's export and erasure cover their mail, in whatever process runs them."""
    from unionline.channels.mail.privacy import MailSection
    from unionline.privacy.sections import add_section

    add_section(MailSection())


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channels.mail.imap import run_pollers
    from unionline.channels.mail.settings import mail_settings

    if mail_settings().run_pollers:
        stop = asyncio.Event()
        _pollers[id(app)] = (stop, asyncio.create_task(run_pollers(stop)))


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channels.mail.outbound import close_all

    running = _pollers.pop(id(app), None)
    if running is not None:  # IDLE is ended and the connections logged out
        running[0].set()
        await running[1]
    await close_all()
