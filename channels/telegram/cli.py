"""``unionline telegram …``: point Telegram at our webhook, inspect it, or run long polling."""

from __future__ import annotations

import secrets
from typing import Any

import click

from unionline import ConfigError, NotFound, booted, config_of, run_async
from unionline.channels.telegram.setup import ALLOWED_UPDATES  # one list: the console sets it too


@click.group()
def telegram() -> None:
    """Telegram bots: webhooks and long polling."""


async def _accounts(key: str | None, mode: str | None = None) -> list[Any]:
    from unionline.channel import channel_accounts, find_account

    if key:
        account = await find_account("telegram", key)
        if account is None:
            raise NotFound(f"no telegram account {key!r}", field="account")
        return [account]
    accounts = await channel_accounts("telegram", statuses=("active", "needs_reauth"))
    return [a for a in accounts if mode is None or a.config.mode == mode]


async def _ensure_secret(account: Any) -> str:
    """The account's webhook secret; a new one is made and stored when it has none."""
    if account.secrets.webhook_secret:
        return str(account.secrets.webhook_secret)
    from unionline.channel import AccountUpdate, update_account

    secret = secrets.token_urlsafe(48)
    await update_account(None, account.id, AccountUpdate(secrets={"webhook_secret": secret}))
    return secret


@telegram.command("set-webhook")
@click.option("--account", "key", help="Account id or public key (default: every webhook bot).")
@click.option("--url", help="Webhook URL (default: server.public_url + the account's path).")
@click.option("--drop-pending", is_flag=True, help="Forget updates Telegram still holds.")
@click.pass_context
def set_webhook(ctx: click.Context, key: str | None, url: str | None, drop_pending: bool) -> None:
    """Tell Telegram where to send updates, with a secret token it must send back."""
    from unionline.channels.telegram.channel import client_for
    from unionline.channels.telegram.routes import webhook_path

    async def go() -> None:
        async with booted(config_of(ctx)) as rt:
            public = rt.settings.server.public_url.rstrip("/")
            accounts = await _accounts(key, None if key else "webhook")
            if not accounts:
                raise NotFound("no telegram account in webhook mode", field="account")
            for account in accounts:
                target = url or (public and public + webhook_path(str(account.id)))
                if not target or not target.startswith("https://"):
                    raise ConfigError(
                        "Telegram needs an HTTPS URL: set server.public_url or pass --url"
                    )
                secret = await _ensure_secret(account)
                async with client_for(account) as client:
                    await client.set_webhook(
                        target,
                        secret_token=secret,
                        allowed_updates=ALLOWED_UPDATES,
                        drop_pending_updates=drop_pending,
                    )
                    info = await client.get_webhook_info()
                click.echo(
                    f"{account.name}: webhook {info.url} ({info.pending_update_count} pending)"
                )

    run_async(go())


@telegram.command("webhook-info")
@click.option("--account", "key", help="Account id or public key (default: every bot).")
@click.pass_context
def webhook_info(ctx: click.Context, key: str | None) -> None:
    """Show what Telegram knows of each bot's webhook, with its last delivery error."""
    from unionline.channels.telegram.channel import client_for

    async def go() -> None:
        async with booted(config_of(ctx)):
            for account in await _accounts(key):
                async with client_for(account) as client:
                    info = await client.get_webhook_info()
                error = (
                    f"; last error: {info.last_error_message}" if info.last_error_message else ""
                )
                click.echo(
                    f"{account.name}: {info.url or '(no webhook)'} "
                    f"({info.pending_update_count} pending{error})"
                )

    run_async(go())


@telegram.command("poll")
@click.pass_context
def poll(ctx: click.Context) -> None:
    """Long-poll every bot in polling mode until interrupted (for installs without a public URL)."""
    from unionline.channel import run_pollers
    from unionline.channels.telegram.polling import TelegramPoller

    async def go() -> None:
        async with booted(config_of(ctx)):
            click.echo("polling Telegram; stop with Ctrl+C")
            await run_pollers(TelegramPoller)  # until SIGINT or SIGTERM

    run_async(go())
