"""SMS channel plugin (enable it as ``sms``): members write to the union by SMS and get the
operators' answers by SMS — through an HTTP gateway (SMS.ru, SMSC.ru, or one a third party
adds to the registry in :mod:`.gateways`) or over SMPP 3.4 with an operator contract
(:mod:`.smpp`). Every account is a channel account of its own type (``smsru``, ``smsc``,
``smpp``, …) on the admin console's «Каналы» page.

Shared by all of them (:mod:`.common`): E.164 senders through phonenumbers, stop words that opt a
number out (:mod:`.optout`), part limits (:mod:`.segments`), the parts and cost beside the
delivery status, receipts on the timeline (:mod:`.statuses`, :mod:`.smpp.receipts`). This module
holds only hook implementations. See docs/channels/sms.md.
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

CONSOLE = Path(__file__).parent / "static"  # the console's words for a refused SMS reply


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channels.sms.settings import SmsSettings

    register("sms", SmsSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.sms.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.sms import optout, routes
    from unionline.channels.sms.channel import channel_for
    from unionline.channels.sms.gateways import gateways
    from unionline.channels.sms.smpp.channel import SmppChannel

    for name, gateway in gateways().items():
        register(channel_for(gateway))
        routes.HTTP_GATEWAYS.add(name)
        optout.CHANNELS.add(name)
    register(SmppChannel())
    optout.CHANNELS.add(SmppChannel.name)


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.sms.routes import sms_callback

    register(sms_callback)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.channels.sms import optout
    from unionline.channels.sms.smpp import prune, receipts

    prune.SWEEP.register(register)
    register(optout.CONFIRM_JOB, optout.confirm, payload=optout.ConfirmOptOut, max_attempts=10)
    register(
        receipts.RECEIPT_JOB,
        receipts.report_later,
        payload=receipts.ReportReceipt,
        max_attempts=receipts.RECEIPT_TRIES + 1,
    )


@hookimpl
def register_commands(register: CommandsRegistrar) -> None:
    from unionline.channels.sms.cli import sms

    register(sms)


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(CONSOLE, "index.js")


@hookimpl
async def before_message_send(draft: OutboundDraft) -> None:
    """Refuse an operator's SMS to a number that opted out (СТОП), before anything is queued."""
    from unionline.channels.sms.optout import refuse_reply

    await refuse_reply(draft)


@hookimpl
async def on_event(event: Any) -> None:
    config = getattr(type(event), "__struct_config__", None)
    if config is not None and config.tag == "appeal.message_in":
        from unionline.channels.sms.optout import on_message

        await on_message(event)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channels.sms.cli import kinds
    from unionline.channels.sms.settings import sms_settings
    from unionline.channels.sms.smpp.prune import SWEEP

    await SWEEP.schedule()  # the daily pruning of SMPP claims and parts (once a day, whoever asks)
    if sms_settings().run_pollers:
        from unionline.channel import start_pollers

        for kind in kinds():
            start_pollers(app, kind)


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channel import stop_pollers
    from unionline.channels.sms.cli import kinds
    from unionline.channels.sms.smpp.links import close_all

    for kind in kinds():
        await stop_pollers(app, kind)
    await close_all()
