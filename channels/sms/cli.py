"""``unionline sms run``: keep the SMPP sessions bound and poll HTTP gateways for statuses,
beside the web app (or set ``[sms] run_pollers`` to do it inside it)."""

from __future__ import annotations

import asyncio
import functools
import signal

import click

from unionline import booted, config_of, run_async
from unionline.channel import Poller, run_pollers


@functools.cache
def kinds() -> tuple[type[Poller], ...]:
    from unionline.channels.sms.gateways import gateways
    from unionline.channels.sms.smpp.links import SessionKeeper
    from unionline.channels.sms.statuses import poller_for

    pollers = [poller_for(name) for name, g in sorted(gateways().items()) if hasattr(g, "statuses")]
    return (SessionKeeper, *pollers)


@click.group("sms")
def sms() -> None:
    """SMS channels: SMPP sessions and status polling."""


@sms.command("run")
@click.pass_context
def run(ctx: click.Context) -> None:
    """Keep SMPP accounts bound and poll gateways for delivery statuses (until stopped)."""

    async def go() -> None:
        async with booted(config_of(ctx)):
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            await asyncio.gather(*(run_pollers(kind, stop) for kind in kinds()))

    run_async(go())
