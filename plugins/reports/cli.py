"""``unionline reports rebuild``: recount every appeal from the raw data."""

from __future__ import annotations

import click

from unionline import booted, config_of, run_async


@click.group()
def reports() -> None:
    """The reports' rollup."""


@reports.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Recount every appeal and sum the daily rollup again; print how many cells differed
    from the rollup kept from events (0: it matched exactly)."""

    async def go() -> None:
        from unionline.plugins.reports.rollup import rebuild as run

        async with booted(config_of(ctx)):
            result = await run()
        click.echo(
            f"appeals {result.appeals}, contributions {result.contributions},"
            f" cells {result.cells}, differing cells {result.differing_cells},"
            f" {result.seconds:.1f} s"
        )
        if result.differing_cells:
            ctx.exit(1)

    run_async(go())
