"""Phone channel plugin (enable it as ``phone``): calls through a cloud PBX as appeals.

A line (channel account) is one cloud PBX account — Mango Office, Zadarma, UIS/CoMagic, or a
third party's adapter (``adapters.register_adapter``). The PBX's webhooks
(``/channels/phone/<line>/…``) become calls: each call one entry of the member's appeal,
rewritten as its events arrive, with its recording attached; a ringing extension pops the
member's card on its operator's console; a missed call owes a callback, which the operator makes
by click-to-call. Modules: ``model`` (the call and its fold), ``adapters`` (the providers),
``store``, ``callbacks``, ``dial``, ``screenpop``, ``recordings``, ``routes``, ``metrics``
(calls in the reports, through ``unionline.add_metric_source``), and ``sip``
(the built-in SIP agent and robot calls). This module holds
only hook implementations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from unionline import hookimpl

if TYPE_CHECKING:
    from unionline.registry import (
        ChannelsRegistrar,
        ConsoleAssetsRegistrar,
        JobsRegistrar,
        RobotsRegistrar,
        RoutesRegistrar,
        SettingsRegistrar,
        TablesRegistrar,
    )

CONSOLE = Path(__file__).parent / "static"  # the call entry, the screen pop, click-to-call


@hookimpl
def register_settings(register: SettingsRegistrar) -> None:
    from unionline.channels.phone.settings import PhoneSettings

    register("phone", PhoneSettings)


@hookimpl
def register_tables(register: TablesRegistrar) -> None:
    from unionline.channels.phone.piccolo_app import APP_CONFIG

    register(APP_CONFIG)


@hookimpl
def register_channels(register: ChannelsRegistrar) -> None:
    from unionline.channels.phone.channel import PhoneChannel

    register(PhoneChannel())


@hookimpl
def register_routes(register: RoutesRegistrar) -> None:
    from unionline.channels.phone.routes import CallbacksController, phone_events

    register(phone_events)
    register(CallbacksController)


@hookimpl
def register_jobs(register: JobsRegistrar) -> None:
    from unionline.channels.phone.fetch import FETCH_JOB, FetchRecording, fetch_recording
    from unionline.channels.phone.recordings import SWEEP

    register(FETCH_JOB, fetch_recording, payload=FetchRecording)
    from unionline.channels.phone.broadcast import RECEIPT_JOB, ReceiptAgain, report_again

    register(RECEIPT_JOB, report_again, payload=ReceiptAgain)
    SWEEP.register(register)


@hookimpl
def register_robots(register: RobotsRegistrar) -> None:
    from unionline.channels.phone.sip.robot import RobotCall

    register(RobotCall())


@hookimpl
def register_console_assets(register: ConsoleAssetsRegistrar) -> None:
    register(CONSOLE, "index.js")


@hookimpl
async def runtime_started(runtime: Any) -> None:
    """Calls answered, missed and called back in the reports (when reports is enabled); in
    ``unionline worker``, the SIP lines' agents (a web process that runs jobs starts them in
    ``startup``): robot calls and the console's click-to-call (sip/handoff.py) are placed by
    the process that runs jobs — of those, the one holding the line's lease."""
    from unionline import add_metric_source
    from unionline.channels.phone.metrics import CallMetrics

    add_metric_source(CallMetrics())
    from unionline.channels.phone.settings import phone_settings

    if runtime.state.get("process_kind") == "worker" and phone_settings().sip_agent:
        from unionline.channels.phone.sip import runtime as agents

        await agents.start_all()
        runtime.stopping.append(agents.stop_all)


@hookimpl
async def startup(app: Any) -> None:
    from unionline.channels.phone.recordings import SWEEP

    await SWEEP.schedule()  # the daily sweep of recordings past retention
    from unionline import current
    from unionline.channels.phone.settings import phone_settings

    rt = current()
    # A web process runs agents only when it runs jobs (no redis_url): robot calls and the
    # clicks carried by jobs need the agent where jobs run. One process per line: its lease.
    if phone_settings().sip_agent and rt.executor is not None and rt.executor_kind == "inprocess":
        from unionline.channels.phone.sip import runtime

        await runtime.start_all()


@hookimpl
async def shutdown(app: Any) -> None:
    from unionline.channels.phone.sip import runtime

    await runtime.stop_all()


@hookimpl
async def appeal_merged(source: Any, target: Any) -> None:
    """A merged appeal's calls and callbacks go to the target (two open callbacks: one)."""
    from unionline.channels.phone.merged import follow_merge

    await follow_merge(source, target)
