"""IMAP pollers: take the mail of each mailbox account with ``imap_host`` set, exactly once.

Progress is the folder's ``UIDVALIDITY`` and the last UID stored (``mail_cursor``), never the
``\\Seen`` flag: mail a person already read in another program is still taken, and mail taken
once is not taken again. Per message: fetch (``BODY.PEEK[]``) → :func:`ingest.ingest_raw`
(which commits) → flag/move it if the account asks → advance the cursor. A crash anywhere in
between re-fetches at most the message in hand, and ingest stores it only once (it dedups by
Message-ID). When the server announces a new ``UIDVALIDITY`` (the folder was re-created), the
old UIDs mean nothing: the whole folder is read again and ingest's dedup absorbs what it has.

Each mailbox has one poller (:class:`MailboxPoller`, run by the channel SDK's ``run_pollers``),
holding a lease (:class:`unionline.Lease`, kind ``mail``) so that one process polls it: two
pollers would not lose or double mail (ingest dedups), but would fetch everything twice and
race on the cursor. The lease is looked at before every round, inside the IMAP session before
each batch is fetched and again before it is stored and acknowledged (flagged or moved), when a
wait for news ends, and every ``LEASE_CHECK_SECONDS`` while it lasts: once it is lost (the
lease connection died, another process took the mailbox) the session logs out before taking
anything more, and the poller ends (``run_pollers`` starts it again, to wait for the lease).
The IMAP conversation (IMAPClient, blocking) runs in the poller's own thread; storing runs on
the event loop. New mail is noticed by IDLE, or by polling every ``imap_poll_seconds`` when the
server has no IDLE or ``imap_idle`` is off.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from unionline import Lease, NotReady, current
from unionline.channel import Poller, load_account
from unionline.channels.mail.imap_session import ImapSession
from unionline.channels.mail.settings import MailboxConfig

if TYPE_CHECKING:
    from piccolo.columns import Column

log = logging.getLogger("unionline.channels.mail.imap")
T = TypeVar("T")

LEASE_KIND = "mail"  # the lease of a mailbox: its PostgreSQL advisory lock class
LEASE_RETRY_SECONDS = 30.0  # another process polls the mailbox: look again this often
LEASE_CHECK_SECONDS = 30.0  # while waiting for news (IDLE or the next poll): the lease's check
CHUNK_BYTES = 8 * 1024 * 1024  # fetched per round trip, at most
CHUNK_MESSAGES = 25
MAX_ATTEMPTS = 5  # a message ingest keeps failing on (not NotReady) is skipped after this


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


class _LeaseLost(Exception):
    """The mailbox's lease is no longer this process's: the IMAP session ends at once."""


class MailboxPoller(Poller):
    """Polls one mailbox account; a round is one IMAP connection, kept until it fails or the
    poller stops.

    ``state`` is ``starting``, ``waiting_lease``, ``connecting``, ``fetching``, ``idle`` (waiting
    for news, by IDLE or until the next poll), ``backoff`` or ``stopped``.
    """

    channel: ClassVar[str] = "mail"
    backoff_max: ClassVar[float] = 300.0
    stop_grace: ClassVar[float] = 5.0  # to end IDLE and log out

    def __init__(self, account_id: uuid.UUID) -> None:
        super().__init__(account_id)
        self._halt = threading.Event()  # the thread's view of ``stopping``
        self._wake: threading.Event | None = None  # ends the wait for news in hand
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"imap-{str(account_id)[:8]}")
        self._session: ImapSession | None = None
        self._attempts: dict[int, int] = {}
        self._lease = Lease(LEASE_KIND, account_id)
        self._taken = 0  # mails stored by the round in hand

    @classmethod
    def polls(cls, config: MailboxConfig) -> bool:
        return bool(config.imap_host)

    def stop(self) -> None:
        super().stop()
        self._halt.set()
        if self._wake is not None:
            self._wake.set()

    def abort(self) -> None:
        """Break the thread out of a blocking read (shutdown that did not finish in time)."""
        if self._session is not None:
            self._session.abort()

    async def prepare(self) -> bool:
        while not self.stopping.is_set() and not await self._lease.acquire():
            self.state = "waiting_lease"
            await self.pause(LEASE_RETRY_SECONDS)
        return not self.stopping.is_set()

    async def keeps_polling(self, account: Any) -> bool:
        return await super().keeps_polling(account) and await self._lease.alive()

    async def finish(self) -> None:
        await self._lease.release()
        self._thread.shutdown(wait=False)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, functools.partial(fn, *args))

    async def poll_once(self) -> int:
        """One IMAP connection: take what is new, then wait for news, until stopped; how many
        mails it stored."""
        self._taken = 0
        try:
            await self._session_loop(await load_account(self.account_id))
        except _LeaseLost:
            log.warning(
                "mail account %s: the mailbox's lease was lost (its database connection ended, "
                "or another process took it): the IMAP session ends",
                self.account_id,
            )
        return self._taken

    async def _keep_lease(self) -> None:
        """Go on only while the lease is this process's."""
        if not await self._lease.alive():
            raise _LeaseLost

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
                await self._keep_lease()  # first, and each time a wait for news ends
                last_uid = await self._take_new(account, session, last_uid)
                if self.stopping.is_set():
                    break
                self.state = "idle"
                await self._wait_for_news(session, float(config.imap_poll_seconds))
        finally:
            self._session = None
            await self._call(session.close)

    async def _wait_for_news(self, session: ImapSession, seconds: float) -> None:
        """``session.wait`` in the thread (IDLE, or until the next poll), ended early by
        ``stop`` or by the lease found lost (looked at every ``LEASE_CHECK_SECONDS``)."""
        wake = self._wake = threading.Event()
        if self._halt.is_set():
            wake.set()
        waiting = asyncio.ensure_future(self._call(session.wait, seconds, wake))
        try:
            while not (await asyncio.wait([waiting], timeout=LEASE_CHECK_SECONDS))[0]:
                if not await self._lease.alive():
                    wake.set()
                    await waiting
                    raise _LeaseLost
            waiting.result()
        finally:
            self._wake = None
            wake.set()  # (cancelled: the thread's wait ends all the same)

    async def _take_new(self, account: Any, session: ImapSession, last_uid: int) -> int:
        uids = await self._call(session.new_uids, last_uid)
        if not uids:
            return last_uid
        sizes = await self._call(session.sizes, uids)
        limit = account.config.max_message_bytes
        for chunk in chunks(uids, sizes):
            await self._keep_lease()  # before each batch is fetched ...
            whole = [uid for uid in chunk if sizes.get(uid, 0) <= limit]
            raws = await self._call(session.fetch, whole) if whole else {}
            if too_big := [uid for uid in chunk if uid not in whole]:
                heads = await self._call(session.headers, too_big)
                raws |= {uid: oversize_stand_in(h, sizes[uid], limit) for uid, h in heads.items()}
            await self._keep_lease()  # ... and before it is stored and acknowledged
            for uid in chunk:
                if self.stopping.is_set():
                    return last_uid
                raw = raws.get(uid)  # None: expunged since the search; nothing to take
                if raw is not None and await self._store(account, session, uid, raw):
                    self._taken += 1
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
