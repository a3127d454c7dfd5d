"""Mail channel plugin (enable it as ``mail``): one mailbox per channel account.

Mail comes in by IMAP (``imap``), by ``unionline smtpd`` (``smtpd``) or by an MTA posting raw
messages over HTTP (``routes``); every path hands the bytes to :func:`ingest.ingest_raw`.
Replies go out over SMTP (``outbound``). Modules: ``parse`` (MIME to text and sanitized HTML),
``threads`` (which appeal a mail continues), ``loops`` (RFC 3834 auto-responses), ``bounces``
(DSNs), ``ack`` (automatic acknowledgements). This module holds only hook implementations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from unionline import hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        ChannelsRegistrar,
        CommandsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

__all__ = [
    "claim_member_reply",
    "register_channels",
    "register_commands",
    "register_routes",
    "register_settings",
    "register_tables",
    "shutdown",
    "startup",
]


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
def claim_member_reply(appeal: Any, text: str) -> dict[str, Any] | None:
    """An automatic mail (an out-of-office reply) stays on a resolved appeal, never reopens it."""
    from unionline.channels.mail.ingest import automatic_claim

    return automatic_claim()


@hookimpl
async def appeal_merged(source: Any, target: Any) -> None:
    """The merged appeal's mail names the target: the member's next mail on its thread (a
    person's, an out-of-office reply) lands there, and the target's first mail is not new."""
    from unionline import current

    await current().db.execute(
        "UPDATE mail_message SET appeal_id = {} WHERE appeal_id = {}", target.id, source.id
    )


@hookimpl
def runtime_started(runtime: Any) -> None:
    """A member's export and erasure cover their mail, in whatever process runs them."""
    from unionline import add_personal_data_section
    from unionline.channels.mail.privacy import MailSection

    add_personal_data_section(MailSection())


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channel import start_pollers
    from unionline.channels.mail.imap import MailboxPoller
    from unionline.channels.mail.settings import mail_settings

    if mail_settings().run_pollers:
        start_pollers(app, MailboxPoller)


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channel import stop_pollers
    from unionline.channels.mail.imap import MailboxPoller
    from unionline.channels.mail.outbound import close_all

    await stop_pollers(app, MailboxPoller)  # IDLE is ended and the connections logged out
    await close_all()
