"""``unionline vk poll``: run Bots Long Poll for communities without a public URL."""

from __future__ import annotations

import asyncio
import signal

import click

from unionline.cli import booted, config_of, run_async


@click.group()
def vk() -> None:
    """VK communities: Bots Long Poll."""


@vk.command("poll")
@click.pass_context
def poll(ctx: click.Context) -> None:
    """Long-poll every community in "longpoll" mode until interrupted."""
    from unionline.channels.vk.polling import run_pollers

    async def go() -> None:
        async with booted(config_of(ctx)):
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            click.echo("polling VK; stop with Ctrl+C")
            await run_pollers(stop)

    run_async(go())
