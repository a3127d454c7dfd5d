"""IMAP pollers: take the mail of each mailbox account with ``imap_host`` set, exactly once.

Progress is the folder's ``UIDVALIDITY`` and the last UID stored (``mail_cursor``), never the
``\\Seen`` flag: mail a person already read in another program is still taken, and mail taken
once is not taken again. Per message: fetch (``BODY.PEEK[]``) → :func:`ingest.ingest_raw`
(which commits) → flag/move it if the account asks → advance the cursor. A crash anywhere in
between re-fetches at most the message in hand, and ingest stores it only once (it dedups by
Message-ID). When the server announces a new ``UIDVALIDITY`` (the folder was re-created), the
old UIDs mean nothing: the whole folder is read again and ingest's dedup absorbs what it has.

Each mailbox has one poller, holding a lease (:mod:`.imap_lease`) so that one process polls it.
The IMAP conversation (IMAPClient, blocking) runs in the poller's own thread; storing runs on
the event loop. New mail is noticed by IDLE, or by polling every ``imap_poll_seconds`` when the
server has no IDLE or ``imap_idle`` is off.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from unionline import current
from unionline.channel.accounts import load_account, mark_needs_reauth
from unionline.channels.mail.imap_lease import Lease
from unionline.channels.mail.imap_session import ImapSession
from unionline.channels.mail.settings import MailboxConfig
from unionline.errors import AuthFailed, NotReady

if TYPE_CHECKING:
    from piccolo.columns import Column

log = logging.getLogger("unionline.channels.mail.imap")
T = TypeVar("T")

RESCAN_SECONDS = 30.0  # how soon new, changed or disabled accounts are noticed
LEASE_RETRY_SECONDS = 30.0  # another process polls the mailbox: look again this often
BACKOFF_MAX = 300.0
CHUNK_BYTES = 8 * 1024 * 1024  # fetched per round trip, at most
CHUNK_MESSAGES = 25
MAX_ATTEMPTS = 5  # a message ingest keeps failing on (not NotReady) is skipped after this
STOP_GRACE = 5.0


# -- the cursor ----------------------------------------------------------------------------


def _cursor_key(account_id: uuid.UUID, folder: str) -> str:
    return f"{account_id}:{folder}"


async def load_cursor(account_id: uuid.UUID, folder: str) -> tuple[int, int]:
    """``(uidvalidity, last_uid)`` of the folder; ``(0, 0)`` before the first poll."""
    from unionline.channels.mail.tables import MailCursor

    row = (
        await MailCursor.select(MailCursor.uidvalidity, MailCursor.last_uid)
        .where(MailCursor.key == _cursor_key(account_id, folder))
        .first()
    )
    return (int(row["uidvalidity"]), int(row["last_uid"])) if row else (0, 0)


async def save_cursor(account_id: uuid.UUID, folder: str, uidvalidity: int, last_uid: int) -> None:
    from unionline.channels.mail.tables import MailCursor

    key = _cursor_key(account_id, folder)
    values: dict[Column | str, Any] = {
        MailCursor.uidvalidity: uidvalidity,
        MailCursor.last_uid: last_uid,
        MailCursor.updated_at: time.time(),
    }
    async with current().db.transaction():  # one poller per mailbox (the lease): no race
        if await MailCursor.exists().where(MailCursor.key == key):
            await MailCursor.update(values).where(MailCursor.key == key)
        else:
            await MailCursor.insert(
                MailCursor(
                    account_id=account_id,
                    folder=folder,
                    key=key,
                    uidvalidity=uidvalidity,
                    last_uid=last_uid,
                    updated_at=time.time(),
                )
            )


def chunks(uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
    """Consecutive UIDs grouped so one FETCH brings at most ``CHUNK_BYTES`` (or one message)."""
    out: list[list[int]] = []
    current_chunk: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if current_chunk and (total + size > CHUNK_BYTES or len(current_chunk) >= CHUNK_MESSAGES):
            out.append(current_chunk)
            current_chunk, total = [], 0
        current_chunk.append(uid)
        total += size
    if current_chunk:
        out.append(current_chunk)
    return out


def oversize_stand_in(header: bytes, size: int, limit: int) -> bytes:
    """What is stored of a mail over ``max_message_bytes``: its own headers (so sender,
    subject, Message-ID and threading hold) and a note that the mail stays in the mailbox."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.SMTP).parsebytes(
        header, headersonly=True
    )
    for name in ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition"):
        del message[name]
    note = (
        f"Письмо слишком большое ({size} байт, предел почтового ящика {limit} байт), поэтому"
        " целиком не загружено; оно осталось в почтовом ящике.\n"
        f"The mail is too big ({size} bytes, the mailbox limit is {limit} bytes) to be taken"
        " whole; it stays in the mailbox.\n"
    )
    message.set_content(note)  # text/plain; charset="utf-8"
    return message.as_bytes()


# -- one mailbox ---------------------------------------------------------------------------


class MailboxPoller:
    """Polls one mailbox account until stopped, its account changes state, or login fails.

    ``state`` is ``starting``, ``waiting_lease``, ``connecting``, ``fetching``, ``idle`` (waiting
    for news, by IDLE or until the next poll), ``backoff`` or ``stopped``.
    """

    def __init__(self, account_id: uuid.UUID) -> None:
        self.account_id = account_id
        self.state = "starting"
        self.failures = 0
        self.stopping = asyncio.Event()
        self._halt = threading.Event()  # the thread's view of ``stopping``
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"imap-{str(account_id)[:8]}")
        self._session: ImapSession | None = None
        self._attempts: dict[int, int] = {}

    def stop(self) -> None:
        self.stopping.set()
        self._halt.set()

    def abort(self) -> None:
        """Break the thread out of a blocking read (shutdown that did not finish in time)."""
        if self._session is not None:
            self._session.abort()

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(fn, *args))

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)

    async def run(self) -> None:
        lease = Lease(self.account_id)
        try:
            while not self.stopping.is_set() and not await lease.acquire():
                self.state = "waiting_lease"
                await self._pause(LEASE_RETRY_SECONDS)
            while not self.stopping.is_set() and await lease.alive():
                account = await load_account(self.account_id)
                if account.status != "active" or not account.config.imap_host:
                    return
                if not await self._run_session(account):
                    return
        finally:
            self.state = "stopped"
            await lease.release()
            self._thread.shutdown(wait=False)

    async def _run_session(self, account: Any) -> bool:
        """One connection, kept until it fails or we stop; False: do not try again."""
        try:
            await self._session_loop(account)
            self.failures = 0
        except AuthFailed as exc:
            log.warning("mail account %s: %s", self.account_id, exc)
            await mark_needs_reauth(self.account_id, str(exc))
            return False
        except Exception as exc:  # connection lost, server error, database not ready ...
            self.failures += 1
            retry_after = exc.retry_after if isinstance(exc, NotReady) else None
            delay = retry_after or min(BACKOFF_MAX, 2.0 ** min(self.failures, 10))
            log.warning(
                "mail account %s: IMAP polling failed (%s: %s); again in %.0f s",
                self.account_id,
                type(exc).__name__,
                exc,
                delay,
            )
            self.state = "backoff"
            await self._pause(delay)
        return True

    async def _session_loop(self, account: Any) -> None:
        config: MailboxConfig = account.config
        session = ImapSession(config, account.secrets.imap_password)
        self._session = session
        self.state = "connecting"
        try:
            uidvalidity = await self._call(session.open)
            known, last_uid = await load_cursor(self.account_id, config.imap_folder)
            if known != uidvalidity:
                if known:
                    log.warning(
                        "mail account %s: %s has a new UIDVALIDITY (%s, was %s): reading it "
                        "again; mail already stored is recognised by its Message-ID",
                        self.account_id,
                        config.imap_folder,
                        uidvalidity,
                        known,
                    )
                last_uid = 0
                await save_cursor(self.account_id, config.imap_folder, uidvalidity, 0)
            while not self.stopping.is_set():
                self.state = "fetching"
                last_uid = await self._take_new(account, session, last_uid)
                if self.stopping.is_set():
                    break
                self.state = "idle"
                await self._call(session.wait, float(config.imap_poll_seconds), self._halt)
        finally:
            self._session = None
            await self._call(session.close)

    async def _take_new(self, account: Any, session: ImapSession, last_uid: int) -> int:
        uids = await self._call(session.new_uids, last_uid)
        if not uids:
            return last_uid
        sizes = await self._call(session.sizes, uids)
        limit = account.config.max_message_bytes
        for chunk in chunks(uids, sizes):
            whole = [uid for uid in chunk if sizes.get(uid, 0) <= limit]
            raws = await self._call(session.fetch, whole) if whole else {}
            if too_big := [uid for uid in chunk if uid not in whole]:
                heads = await self._call(session.headers, too_big)
                raws |= {uid: oversize_stand_in(h, sizes[uid], limit) for uid, h in heads.items()}
            for uid in chunk:
                if self.stopping.is_set():
                    return last_uid
                raw = raws.get(uid)  # None: expunged since the search; nothing to take
                if raw is not None and await self._store(account, session, uid, raw):
                    await self._call(session.after_processing, [uid])
                last_uid = uid
                await save_cursor(account.id, session.folder, session.uidvalidity, uid)
        return last_uid

    async def _store(self, account: Any, session: ImapSession, uid: int, raw: bytes) -> bool:
        """Hand one message to ingest; False when it was given up on (left in the folder)."""
        from unionline.channels.mail.ingest import ingest_raw

        ref = f"{session.folder}:{session.uidvalidity}:{uid}"
        try:
            outcome = await ingest_raw(account.id, raw, source="imap", source_ref=ref)
        except NotReady:
            raise  # temporary: the session backs off, the cursor stays before this UID
        except Exception:
            self._attempts[uid] = attempts = self._attempts.get(uid, 0) + 1
            if attempts < MAX_ATTEMPTS:
                raise
            log.exception(
                "mail account %s: %s failed %d times; skipped, it stays in the folder",
                account.id,
                ref,
                attempts,
            )
            return False
        self._attempts.pop(uid, None)
        if getattr(outcome, "error", None):
            log.warning(
                "mail account %s: %s stored with an error: %s", account.id, ref, outcome.error
            )
        return True


# -- every mailbox -------------------------------------------------------------------------


async def imap_accounts() -> dict[uuid.UUID, str]:
    """Active mail accounts with ``imap_host`` set → a fingerprint of their settings."""
    from unionline.channel.tables import ChannelAccountRecord as Record

    rows = await Record.select(Record.id, Record.config, Record.secrets, Record.updated_at).where(
        (Record.channel == "mail") & (Record.status == "active")
    )
    found: dict[uuid.UUID, str] = {}
    for row in rows:
        try:
            config = msgspec.json.decode(row["config"] or "{}", type=MailboxConfig)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            log.warning("mail account %s: config unreadable, not polled: %s", row["id"], exc)
            continue
        if config.imap_host:
            found[row["id"]] = f"{row['updated_at']}|{row['config']}|{row['secrets']}"
    return found


async def _stop_poller(poller: MailboxPoller, task: asyncio.Task[None]) -> None:
    poller.stop()
    done, _ = await asyncio.wait([task], timeout=STOP_GRACE)
    if not done:  # a blocking read the halt flag cannot reach
        poller.abort()
        task.cancel()
    with contextlib.suppress(BaseException):
        await task


async def run_pollers(
    stop: asyncio.Event, *, on_start: Callable[[MailboxPoller], None] | None = None
) -> None:
    """Poll every IMAP mailbox until ``stop``; accounts added, changed or disabled later are
    picked up within ``RESCAN_SECONDS``. ``on_start`` sees each poller started (tests)."""
    running: dict[uuid.UUID, tuple[str, MailboxPoller, asyncio.Task[None]]] = {}
    try:
        while not stop.is_set():
            try:
                wanted = await imap_accounts()
            except Exception:
                log.exception("mail: listing IMAP accounts failed")
                wanted = {k: v[0] for k, v in running.items()}
            for account_id in [a for a in running if a not in wanted]:
                _, poller, task = running.pop(account_id)
                await _stop_poller(poller, task)
            for account_id, fingerprint in wanted.items():
                held = running.get(account_id)
                if held and held[0] == fingerprint and not held[2].done():
                    continue
                if held:  # changed settings, or it ended by itself (lease lost): anew
                    await _stop_poller(held[1], held[2])
                poller = MailboxPoller(account_id)
                running[account_id] = (fingerprint, poller, asyncio.create_task(poller.run()))
                if on_start is not None:
                    on_start(poller)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESCAN_SECONDS)
    finally:
        await asyncio.gather(*(_stop_poller(p, t) for _, p, t in running.values()))
