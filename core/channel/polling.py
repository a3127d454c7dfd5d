"""Pollers: channels that ask their provider for news (long polling, IMAP) instead of being
called by a webhook.

Subclass :class:`Poller` and write :meth:`Poller.poll_once`: one round that asks the provider,
hands what came to :func:`~unionline.channel.store_inbound`, and only then moves the provider's
offset. The base class does the rest, the same way for every channel: the run loop, backoff with
jitter (``NotReady.retry_after`` honoured), re-authorisation (``AuthFailed`` flags the account
*needs re-auth* and stops), start and stop, and a line in ``/health/ready``. :func:`run_pollers`
keeps one poller per account that wants one, noticing accounts added, changed or disabled;
:func:`start_pollers` and :func:`stop_pollers` run it inside the web app from the plugin's
``startup`` and ``shutdown`` hooks. See docs/writing-channels.md (Pollers).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import uuid
from typing import Any, ClassVar

import msgspec

from unionline.channel.accounts import load_account, mark_needs_reauth
from unionline.channel.registered import get_channel
from unionline.channel.types import ChannelAccount
from unionline.errors import AuthFailed, NotFound, NotReady
from unionline.health import unwatch, watch
from unionline.jobs import backoff_delay

log = logging.getLogger("unionline.channel.polling")


class Poller:
    """Polls one account of ``channel`` until stopped, until the account no longer wants polling
    (disabled, another mode), or until the provider refuses its credentials.

    ``state`` is ``starting``, ``polling`` (a round runs; a subclass may name its steps more
    finely), ``backoff`` or ``stopped``; ``failures`` counts failed rounds in a row.
    """

    channel: ClassVar[str]  # the name of the channel type whose accounts this polls
    rescan_seconds: ClassVar[float] = 30.0  # how soon run_pollers notices accounts' changes
    backoff_base: ClassVar[float] = 2.0  # the pause after the first failed round, at most
    backoff_max: ClassVar[float] = 60.0
    stop_grace: ClassVar[float] = 0.0  # how long stop waits for the round before cancelling it

    def __init__(self, account_id: uuid.UUID) -> None:
        self.account_id = account_id
        self.state = "starting"
        self.failures = 0
        self.last_error = ""
        self.stopping = asyncio.Event()

    # -- what a channel writes ---------------------------------------------------------------

    @classmethod
    def polls(cls, config: Any) -> bool:
        """Whether an active account with this ``config`` (the channel's settings Struct) is
        polled at all, e.g. ``config.mode == "polling"``."""
        return True

    async def poll_once(self) -> int:
        """One round: ask the provider, store what came, move the offset; how many it handled.
        ``NotReady`` and other exceptions back off and try again; ``AuthFailed`` stops."""
        raise NotImplementedError

    async def prepare(self) -> bool:
        """Before the first round (e.g. take a lease so one process polls the account);
        False ends the run."""
        return True

    async def keeps_polling(self, account: ChannelAccount[Any, Any]) -> bool:
        """Checked before every round with the account as stored now."""
        return account.status == "active" and self.polls(account.config)

    async def finish(self) -> None:
        """After the last round, whatever ended the run (release what ``prepare`` took)."""

    def abort(self) -> None:
        """Break out of a blocking call that ``stop`` cannot reach (called before cancelling)."""

    # -- what the base does --------------------------------------------------------------------

    @property
    def name(self) -> str:
        return f"{self.channel} poller {self.account_id}"

    def stop(self) -> None:
        """Ask the run to end; it ends after the round in hand (or at once, when it waits)."""
        self.stopping.set()

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds``, or less if stopped meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    async def run(self) -> None:
        """Poll round after round until stopped or the account is done with polling."""
        watch(self)
        try:
            if not await self.prepare():
                return
            while not self.stopping.is_set() and await self._round():
                pass
        finally:
            self.state = "stopped"
            unwatch(self)
            await self.finish()

    async def _round(self) -> bool:
        """One round with its error handling; False: do not poll again."""
        try:
            account = await load_account(self.account_id)
            if not await self.keeps_polling(account):
                return False
            self.state = "polling"
            await self.poll_once()
        except NotFound:  # the account was deleted
            return False
        except AuthFailed as exc:
            log.warning("%s: %s", self.name, exc)
            await mark_needs_reauth(self.account_id, str(exc))
            return False
        except Exception as exc:  # the provider or the database away, an unexpected answer ...
            await self._back_off(exc)
            return True
        self.failures = 0
        self.last_error = ""
        return True

    async def _back_off(self, exc: Exception) -> None:
        self.failures += 1
        self.last_error = f"{type(exc).__name__}: {exc}"
        retry_after = exc.retry_after if isinstance(exc, NotReady) else None
        delay = retry_after or backoff_delay(
            min(self.failures, 30), self.backoff_base, self.backoff_max
        )
        expected = isinstance(exc, NotReady | OSError)  # one line; anything else gets its trace
        log.warning(
            "%s: polling failed (%s); again in %.0f s",
            self.name,
            self.last_error,
            delay,
            exc_info=not expected,
        )
        self.state = "backoff"
        await self.pause(delay)

    def health(self) -> str:
        """What ``/health/ready`` shows for this poller (under ``background``)."""
        if not self.failures:
            return self.state
        return f"{self.state}: {self.failures} failed round(s) in a row, last {self.last_error}"


# -- one poller per account -------------------------------------------------------------------


async def polled_accounts(kind: type[Poller]) -> dict[uuid.UUID, str]:
    """Active accounts of ``kind.channel`` that ``kind.polls`` → a fingerprint of their stored
    settings and secrets (a changed fingerprint restarts the account's poller)."""
    from unionline.channel.tables import ChannelAccountRecord as Record

    settings = get_channel(kind.channel).settings
    rows = await Record.select(Record.id, Record.config, Record.secrets, Record.updated_at).where(
        (Record.channel == kind.channel) & (Record.status == "active")
    )
    found: dict[uuid.UUID, str] = {}
    for row in rows:
        try:
            config = msgspec.json.decode(row["config"] or "{}", type=settings)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            log.warning(
                "%s account %s: config unreadable, not polled: %s", kind.channel, row["id"], exc
            )
            continue
        if kind.polls(config):
            found[row["id"]] = f"{row['updated_at']}|{row['config']}|{row['secrets']}"
    return found


async def _stop(poller: Poller, task: asyncio.Task[None]) -> None:
    poller.stop()
    done, _ = await asyncio.wait([task], timeout=poller.stop_grace)
    if not done:  # a long poll or a blocking read under way
        poller.abort()
        task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:
        log.exception("%s ended with an error", poller.name)


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def run_pollers(kind: type[Poller], stop: asyncio.Event | None = None) -> None:
    """Run a ``kind`` poller for every account that wants one until ``stop`` is set (without
    ``stop``: until SIGINT or SIGTERM, for a command such as ``unionline telegram poll``).

    Every ``kind.rescan_seconds`` the accounts are listed again: pollers start for new accounts,
    restart for changed ones or ones that ended by themselves, and stop for accounts gone. A
    listing that fails (the database restarting) keeps what runs. On the way out every poller
    is stopped, and cancelled after its ``stop_grace``.
    """
    if stop is None:
        stop = _stop_on_signals()
    running: dict[uuid.UUID, tuple[str, Poller, asyncio.Task[None]]] = {}
    try:
        while not stop.is_set():
            try:
                wanted = await polled_accounts(kind)
            except Exception as exc:
                log.warning(
                    "%s: listing accounts failed: %s: %s", kind.channel, type(exc).__name__, exc
                )
                wanted = {account_id: held[0] for account_id, held in running.items()}
            for account_id in [a for a in running if a not in wanted]:
                _, poller, task = running.pop(account_id)
                await _stop(poller, task)
            for account_id, fingerprint in wanted.items():
                held = running.get(account_id)
                if held and held[0] == fingerprint and not held[2].done():
                    continue
                if held:
                    await _stop(held[1], held[2])
                poller = kind(account_id)
                running[account_id] = (fingerprint, poller, asyncio.create_task(poller.run()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), kind.rescan_seconds)
    finally:
        await asyncio.gather(*(_stop(poller, task) for _, poller, task in running.values()))


# -- inside the web app --------------------------------------------------------------------

_in_apps: dict[tuple[int, type[Poller]], tuple[asyncio.Event, asyncio.Task[None]]] = {}


def start_pollers(app: object, kind: type[Poller]) -> None:
    """From a ``startup`` hook: run :func:`run_pollers` for ``kind`` inside ``app``."""
    stop = asyncio.Event()
    _in_apps[(id(app), kind)] = (stop, asyncio.create_task(run_pollers(kind, stop)))


async def stop_pollers(app: object, kind: type[Poller]) -> None:
    """From a ``shutdown`` hook: stop what :func:`start_pollers` started (nothing if it did not)."""
    running = _in_apps.pop((id(app), kind), None)
    if running is not None:
        stop, task = running
        stop.set()
        await task
