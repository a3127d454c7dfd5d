"""``unionline import members FILE`` and ``unionline import organizations FILE``."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any

import click

from unionline.members.import_schema import ImportReport, Progress
from unionline.members.tabular import read_path

MAX_ERRORS_SHOWN = 50


@click.group(name="import")
def import_group() -> None:
    """Bulk-import organizations and members from CSV or XLSX files."""


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--skip-invalid", is_flag=True, help="Import the valid rows anyway.")(
        command
    )
    command = click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")(
        command
    )
    return click.argument("file", type=click.Path(exists=True, dir_okay=False))(command)


@import_group.command(name="members")
@_options
@click.option("--org", "org_code", default=None, help="Organization code for rows without one.")
@click.pass_context
def import_members_command(
    ctx: click.Context, file: str, dry_run: bool, skip_invalid: bool, org_code: str | None
) -> None:
    """Import members (columns: org_code, full_name, card_number, phone, email, telegram, vk,
    status, employer, position)."""
    from unionline.members.importer import import_members

    def run(progress: Progress) -> Awaitable[ImportReport]:
        return import_members(
            None, read_path(file), dry_run=dry_run, skip_invalid=skip_invalid,
            org_code=org_code, progress=progress,
        )  # fmt: skip

    _run(ctx, run)


@import_group.command(name="organizations")
@_options
@click.pass_context
def import_organizations_command(
    ctx: click.Context, file: str, dry_run: bool, skip_invalid: bool
) -> None:
    """Import the federation tree (columns: code, name, parent_code, kind)."""
    from unionline.members.import_orgs import import_organizations

    def run(progress: Progress) -> Awaitable[ImportReport]:
        return import_organizations(
            None, read_path(file), dry_run=dry_run, skip_invalid=skip_invalid, progress=progress
        )

    _run(ctx, run)


class _Bars:
    """One click progress bar per phase ("checking", "writing"), drawn on stderr."""

    def __init__(self) -> None:
        self.phase = ""
        self.bar: Any = None
        self.done = 0

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase, self.done = phase, 0
            self.bar = click.progressbar(length=max(total, 1), label=phase, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _run(ctx: click.Context, run: Callable[[Progress], Awaitable[ImportReport]]) -> None:
    from unionline.cli import booted, config_of, run_async

    bars = _Bars()

    async def main() -> ImportReport:
        async with booted(config_of(ctx)):
            try:
                return await run(bars)
            finally:
                bars.close()

    report = run_async(main())
    _print(report)
    if report.errors and not report.imported:
        sys.exit(1)


def _print(report: ImportReport) -> None:
    for error in report.errors[:MAX_ERRORS_SHOWN]:
        column = f" [{error.column}]" if error.column else ""
        click.echo(f"row {error.row}{column}: {error.reason}", err=True)
    if len(report.errors) > MAX_ERRORS_SHOWN:
        click.echo(f"... and {len(report.errors) - MAX_ERRORS_SHOWN} more errors", err=True)
    verb = "imported" if report.imported else "nothing imported"
    if report.dry_run:
        verb = "dry run, nothing imported"
    click.echo(
        f"{report.kind} ({report.format}): {report.total_rows} rows, {report.valid_rows} valid, "
        f"{report.invalid_rows} invalid; created {report.created}, updated {report.updated}, "
        f"unchanged {report.unchanged}; {verb}"
    )
