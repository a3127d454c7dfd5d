"""``unionline hello``: a plugin sub-command (registered by register_commands)."""

from __future__ import annotations

import click

from unionline import booted, config_of, run_async


@click.command()
@click.pass_context
def hello(ctx: click.Context) -> None:
    """Print the configured greeting and every stored greeting."""

    async def go() -> None:
        async with booted(config_of(ctx)) as runtime:
            from unionline_hello.services import view
            from unionline_hello.settings import HelloSettings
            from unionline_hello.tables import Greeting

            click.echo(f"greeting: {runtime.settings.section('hello', HelloSettings).greeting}")
            rows = await Greeting.select().order_by(Greeting.id)
            for greeting in map(view, rows):
                state = "delivered" if greeting.delivered else "pending"
                click.echo(f"{greeting.id:>6} {state:<9} {greeting.text}")
            click.echo(f"{len(rows)} greeting(s)")

    run_async(go())
