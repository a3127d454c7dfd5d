"""The SMPP sessions of this process, one per account: opened on demand by a send or by the
account's keeper (:class:`SessionKeeper`, a ``Poller``: it keeps the session bound so receipts
and members' SMS arrive while nobody sends, and re-binds after a drop with the Poller's
backoff — 2, 4, 8 … 60 s with jitter). A bind refused for its credentials flags the account
*needs re-auth*."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

from unionline import AuthFailed, NotReady
from unionline.channel import ChannelAccount, Poller, load_account
from unionline.channels.sms.smpp import inbound, pdu
from unionline.channels.sms.smpp.session import BindFailed, Session, SessionError

__all__ = ["Session", "SessionKeeper", "close_all", "drop", "session_for"]

_SESSIONS: dict[uuid.UUID, tuple[str, Session]] = {}
_LOCKS: dict[uuid.UUID, asyncio.Lock] = {}


def _fingerprint(account: ChannelAccount[Any, Any]) -> str:
    c = account.config
    return f"{c.host}:{c.port}:{c.system_id}:{account.secrets.password}:{c.system_type}:{c.window}"


async def session_for(account: ChannelAccount[Any, Any]) -> Session:
    """The account's bound session, opened when there is none (or its settings changed)."""
    mark = _fingerprint(account)
    found = _SESSIONS.get(account.id)
    if found and found[0] == mark and not found[1].closed.is_set():
        return found[1]
    lock = _LOCKS.setdefault(account.id, asyncio.Lock())
    async with lock:
        found = _SESSIONS.get(account.id)
        if found and found[0] == mark and not found[1].closed.is_set():
            return found[1]
        if found:
            await found[1].close()
        session = _new(account)
        try:
            await session.open()
        except BindFailed as exc:
            if exc.status in pdu.AUTH:
                raise AuthFailed(f"SMSC не принял system_id и пароль ({exc})") from exc
            raise NotReady(f"SMSC не принял bind_transceiver: {exc}", retry_after=5) from exc
        except (OSError, TimeoutError, SessionError) as exc:
            raise NotReady(
                f"SMSC {account.config.host}:{account.config.port} недоступен: {exc!r}"
            ) from exc
        _SESSIONS[account.id] = (mark, session)
        return session


def _new(account: ChannelAccount[Any, Any]) -> Session:
    c = account.config
    account_id = account.id

    async def deliver(message: pdu.ShortMessage) -> None:
        await inbound.delivered(await load_account(account_id), message)

    return Session(
        c.host,
        c.port,
        system_id=c.system_id,
        password=account.secrets.password,
        system_type=c.system_type,
        window=c.window,
        timeout=c.response_timeout,
        enquire_every=c.enquire_link_seconds,
        on_deliver=deliver,
    )


async def close_all() -> None:
    sessions = [s for _, s in _SESSIONS.values()]
    _SESSIONS.clear()
    for session in sessions:
        await session.close()


async def drop(account_id: uuid.UUID) -> None:
    found = _SESSIONS.pop(account_id, None)
    if found:
        await found[1].close()


class SessionKeeper(Poller):
    """Keeps an SMPP account bound; a round lasts as long as its session."""

    channel: ClassVar[str] = "smpp"
    backoff_base: ClassVar[float] = 2.0
    backoff_max: ClassVar[float] = 60.0

    async def poll_once(self) -> int:
        account = await load_account(self.account_id)
        session = await session_for(account)
        self.state = "bound"
        stopped = asyncio.ensure_future(self.stopping.wait())
        closed = asyncio.ensure_future(session.closed.wait())
        await asyncio.wait({stopped, closed}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel(), closed.cancel()
        if self.stopping.is_set():
            await drop(self.account_id)
            return 0
        raise NotReady("the SMSC closed the SMPP session")
