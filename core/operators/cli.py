"""``unionline createadmin`` and ``unionline createtoken``: the first federation-wide
administrator and an API token for an integration, from the command line (no curl needed)."""

from __future__ import annotations

import getpass

import click

from unionline.access import Grant
from unionline.cli import booted, config_of, fail, run_async


@click.command("createadmin")
@click.option("--login", prompt=True)
@click.option("--name", default="")
@click.option("--email", default="")
@click.option(
    "--password",
    envvar="UNIONLINE_ADMIN_PASSWORD",
    default=None,
    help="Read from UNIONLINE_ADMIN_PASSWORD, else asked for.",
)
@click.pass_context
def createadmin(
    ctx: click.Context, login: str, name: str, email: str, password: str | None
) -> None:
    """Create a federation-wide administrator."""
    from unionline.operators.services import create_operator

    if password is None:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            fail("passwords differ")

    async def go() -> None:
        async with booted(config_of(ctx)):
            await create_operator(
                login, password or "", name=name, email=email, grants=[Grant("admin", None)]
            )

    run_async(go())
    click.echo(f"administrator {login.strip().lower()} created")


@click.command("createtoken")
@click.option("--login", required=True, help="The operator the token acts as.")
@click.option("--name", default="command line", show_default=True, help="What it is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    help="A permission the token is narrowed to (repeat it); none: all of the operator's.",
)
@click.pass_context
def createtoken(ctx: click.Context, login: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create an API token for an operator and print it once (only its hash is kept)."""
    import msgspec

    from unionline.errors import ServiceError
    from unionline.operators import services
    from unionline.operators.schemas import TokenCreate
    from unionline.operators.tables import Operator
    from unionline.operators.tokens import issue_unchecked

    who = login.strip().lower()

    async def go() -> str:
        async with booted(config_of(ctx)):
            row = await Operator.select(Operator.id).where(Operator.login == who).first()
            if row is None:
                fail(f"no operator {who!r}")
            if not scopes:  # all of the operator's rights, as they stand at each request
                if await services.actor_for(row["id"]) is None:
                    fail(f"operator {who!r} is deactivated")
                return await services.create_token(row["id"], name.strip() or "command line")
            try:
                data = msgspec.convert({"name": name, "scopes": list(scopes)}, TokenCreate)
                return (await issue_unchecked(row["id"], data)).token
            except ServiceError as exc:
                fail(f"{exc.field or 'token'}: {exc.message}")
            except msgspec.ValidationError as exc:
                fail(f"token: {exc}")

    token = run_async(go())
    click.echo(token)
    click.echo(
        "Shown only this once: use it as the header «Authorization: Bearer <token>».", err=True
    )
