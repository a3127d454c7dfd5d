"""``unionline mail poll`` (the IMAP pollers) and ``unionline smtpd`` (inbound SMTP/LMTP)."""

from __future__ import annotations

import asyncio
import signal

import click

from unionline import booted, config_of, run_async


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


@click.group()
def mail() -> None:
    """Mailboxes: taking their mail by IMAP."""


@mail.command("poll")
@click.pass_context
def poll(ctx: click.Context) -> None:
    """Take the mail of every IMAP mailbox (IDLE or polling) until interrupted."""
    from unionline.channel import run_pollers
    from unionline.channels.mail.imap import MailboxPoller

    async def go() -> None:
        async with booted(config_of(ctx), log=True):
            click.echo("taking mail by IMAP; stop with Ctrl+C")
            await run_pollers(MailboxPoller)  # until SIGINT or SIGTERM

    run_async(go())


@click.command("smtpd")
@click.option("--host", default=None, help="Interface to listen on (default: [mail] smtpd_host).")
@click.option("--port", default=None, type=int, help="Port (default: [mail] smtpd_port).")
@click.option(
    "--lmtp/--smtp", "lmtp", default=None, help="Speak LMTP (default: [mail] smtpd_lmtp)."
)
@click.pass_context
def smtpd(ctx: click.Context, host: str | None, port: int | None, lmtp: bool | None) -> None:
    """Receive mail from the union's MTA over SMTP or LMTP for the mailboxes' smtp_recipients."""
    from unionline.channels.mail.settings import mail_settings
    from unionline.channels.mail.smtpd import serve

    async def go() -> None:
        async with booted(config_of(ctx), log=True):
            settings = mail_settings()
            stop = _stop_on_signals()
            use_lmtp = settings.smtpd_lmtp if lmtp is None else lmtp
            where = (host or settings.smtpd_host, port or settings.smtpd_port)
            async with serve(*where, lmtp=use_lmtp):
                kind = "LMTP" if use_lmtp else "SMTP"
                click.echo(f"receiving mail by {kind} on {where[0]}:{where[1]}", err=False)
                await stop.wait()

    run_async(go())
