"""``unionline vk poll``: run Bots Long Poll for communities without a public URL."""

from __future__ import annotations

import click

from unionline import booted, config_of, run_async


@click.group()
def vk() -> None:
    """VK communities: Bots Long Poll."""


@vk.command("poll")
@click.pass_context
def poll(ctx: click.Context) -> None:
    """Long-poll every community in "longpoll" mode until interrupted."""
    from unionline.channel import run_pollers
    from unionline.channels.vk.polling import LongPoller

    async def go() -> None:
        async with booted(config_of(ctx)):
            click.echo("polling VK; stop with Ctrl+C")
            await run_pollers(LongPoller)  # until SIGINT or SIGTERM

    run_async(go())
