"""One blocking IMAP session on a mailbox folder (IMAPClient), run in the poller's own thread.

Nothing here touches the database or the event loop: :mod:`.imap` calls these methods from a
worker thread and does the storing. Messages are fetched with ``BODY.PEEK[]``, so taking mail
never sets ``\\Seen`` — what a person reads in their mail program is not our business, and what
they read first is still taken.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
import time
from collections.abc import Iterable

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from unionline import AuthFailed, NotReady
from unionline.channels.mail.settings import MailboxConfig

log = logging.getLogger("unionline.channels.mail.imap")

# RFC 2177: a client should re-issue IDLE at least every 29 minutes, or the server may log it out.
IDLE_RENEW_SECONDS = 24 * 60
NOOP_SECONDS = 10 * 60  # polling without IDLE: keep the connection from an autologout
TICK = 1.0  # how often a wait looks whether the poller is stopping
# imap_after_processing = "flag": read (for people) and this keyword (to search for).
TAKEN = b"$Unionline"
SEEN = rb"\Seen"


class ImapSession:
    """A logged-in connection with the account's folder selected."""

    def __init__(self, config: MailboxConfig, password: str, *, timeout: float = 60.0) -> None:
        self.config = config
        self.password = password
        self.timeout = timeout
        self.client: IMAPClient | None = None
        self.uidvalidity = 0
        self.idle_capable = False
        self._idling = False

    @property
    def folder(self) -> str:
        return self.config.imap_folder

    def open(self) -> int:
        """Connect, log in, select the folder; returns its UIDVALIDITY."""
        c = self.config
        context = ssl.create_default_context()
        client = IMAPClient(
            c.imap_host,
            port=c.imap_port,
            ssl=c.imap_security == "ssl",
            ssl_context=context if c.imap_security == "ssl" else None,
            timeout=self.timeout,
        )
        self.client = client
        if c.imap_security == "starttls":
            client.starttls(context)
        try:
            client.login(c.imap_username or c.address, self.password)
        except LoginError as exc:
            text = str(exc)
            if "[UNAVAILABLE]" in text or "[INUSE]" in text:  # RFC 5530: try again later
                raise NotReady(f"IMAP login: {text}") from None
            raise AuthFailed(f"IMAP login refused: {text}") from None
        # "keep" changes nothing in the mailbox, so EXAMINE (read-only) is enough.
        info = client.select_folder(self.folder, readonly=c.imap_after_processing == "keep")
        self.uidvalidity = int(info[b"UIDVALIDITY"])
        self.idle_capable = c.imap_idle and client.has_capability("IDLE")
        return self.uidvalidity

    def _c(self) -> IMAPClient:
        if self.client is None:
            raise NotReady("IMAP session is not open")
        return self.client

    def new_uids(self, after: int) -> list[int]:
        """UIDs above ``after``, ascending.

        ``UID n:*`` always matches the highest UID, even one below n (RFC 3501 §6.4.8), so the
        answer is filtered.
        """
        client = self._c()
        client.noop()  # servers show a search only mail they announced: let them announce it
        found = client.search(["UID", f"{after + 1}:*"])
        return sorted(uid for uid in found if uid > after)

    def sizes(self, uids: list[int]) -> dict[int, int]:
        fetched = self._c().fetch(uids, ["RFC822.SIZE"])
        return {uid: int(data.get(b"RFC822.SIZE", 0)) for uid, data in fetched.items()}

    def fetch(self, uids: list[int]) -> dict[int, bytes]:
        """The raw messages; a UID expunged meanwhile is simply absent."""
        fetched = self._c().fetch(uids, ["BODY.PEEK[]"])
        return {uid: data[b"BODY[]"] for uid, data in fetched.items() if b"BODY[]" in data}

    def headers(self, uids: list[int]) -> dict[int, bytes]:
        """Just the header sections (of mail too big to take whole)."""
        fetched = self._c().fetch(uids, ["BODY.PEEK[HEADER]"])
        return {
            uid: data[b"BODY[HEADER]"] for uid, data in fetched.items() if b"BODY[HEADER]" in data
        }

    def after_processing(self, uids: Iterable[int]) -> None:
        """Flag or move mail that is stored (best effort: a failure is logged, not retried)."""
        how = self.config.imap_after_processing
        uids = list(uids)
        if how == "keep" or not uids:
            return
        try:
            if how == "flag":
                self._flag(uids)
            elif how == "move" and self.config.imap_move_to not in (None, self.folder):
                self._move(uids, self.config.imap_move_to)
        except IMAPClientError as exc:
            log.warning("IMAP %s of %s in %s failed: %s", how, uids, self.folder, exc)

    def _flag(self, uids: list[int]) -> None:
        try:
            self._c().add_flags(uids, [SEEN, TAKEN], silent=True)
        except IMAPClientError:  # a server without keywords
            self._c().add_flags(uids, [SEEN], silent=True)

    def _move(self, uids: list[int], target: str | None) -> None:
        client = self._c()
        assert target is not None
        if not client.folder_exists(target):
            client.create_folder(target)
        if client.has_capability("MOVE"):
            client.move(uids, target)
            return
        client.copy(uids, target)
        client.delete_messages(uids, silent=True)
        if client.has_capability("UIDPLUS"):  # expunge just these, not others' \Deleted mail
            client.uid_expunge(uids)

    def wait(self, seconds: float, halt: threading.Event) -> bool:
        """Wait up to ``seconds`` for new mail (IDLE) or for the next poll; False when halted."""
        if self.idle_capable:
            return self._idle(min(seconds, IDLE_RENEW_SECONDS), halt)
        deadline = time.monotonic() + seconds
        next_noop = time.monotonic() + NOOP_SECONDS
        while (left := deadline - time.monotonic()) > 0:
            if halt.wait(min(left, TICK * 5)):
                return False
            if time.monotonic() >= next_noop:
                self._c().noop()
                next_noop = time.monotonic() + NOOP_SECONDS
        return True

    def _idle(self, seconds: float, halt: threading.Event) -> bool:
        client = self._c()
        client.idle()
        self._idling = True
        deadline = time.monotonic() + seconds
        try:
            while not halt.is_set() and (left := deadline - time.monotonic()) > 0:
                if client.idle_check(timeout=min(left, TICK)):
                    break  # EXISTS, EXPUNGE, FETCH ...: look again (the search is cheap)
        finally:
            self._idling = False
            client.idle_done()
        return not halt.is_set()

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # a broken connection: just drop it
            with contextlib.suppress(Exception):
                client.shutdown()

    def abort(self) -> None:
        """From another thread: break a blocking read so the session's thread returns."""
        client = self.client
        if client is not None:
            with contextlib.suppress(Exception):
                client.socket().shutdown(socket.SHUT_RDWR)
