"""IMAP pollers against a real Dovecot: mail in the mailbox becomes appeals, exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from dovecot_support import (
    Mailbox,
    create_mailbox_account,
    letter,
    mail_test_settings,
    shared_dovecot,
    stored_mail,
    wait_until,
)

from unionline.channels.mail import imap
from unionline.channels.mail.imap import MailboxPoller, load_cursor
from unionline.channels.mail.imap_session import TAKEN, ImapSession
from unionline.settings import Settings
from unionline.testing.support import AppHarness


@pytest.fixture
def mailbox() -> Mailbox:
    return shared_dovecot().new_mailbox()


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return mail_test_settings(unionline_settings, tmp_path)


@contextlib.asynccontextmanager
async def polling(account_id: uuid.UUID) -> AsyncIterator[MailboxPoller]:
    poller = MailboxPoller(account_id)
    task = asyncio.create_task(poller.run())
    try:
        yield poller
    finally:
        poller.stop()
        await asyncio.wait_for(task, 15)


async def count(account_id: uuid.UUID, n: int) -> list[dict[str, Any]]:
    async def enough() -> list[dict[str, Any]]:
        rows = await stored_mail(account_id)
        return rows if len(rows) >= n else []

    return await wait_until(enough, what=f"{n} stored mails")


async def idle(poller: MailboxPoller) -> None:
    async def waiting() -> bool:
        return poller.state == "idle"

    await wait_until(waiting, what="the poller to wait for news")


async def test_mail_becomes_appeals_once_also_when_read_elsewhere_first(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    uids = mailbox.deliver(letter("Отпуск"), letter("Зарплата"), letter("Премия"))
    with mailbox.client() as other:  # a person read one in their mail program already
        other.add_flags([uids[1]], [rb"\Seen"])
    account = await create_mailbox_account(unionline_app, mailbox=mailbox)

    async with polling(account) as poller:
        rows = await count(account, 3)
        await idle(poller)
    assert sorted(r["subject"] for r in rows) == ["Зарплата", "Отпуск", "Премия"]
    assert all(r["appeal_id"] is not None and r["source"] == "imap" for r in rows)
    assert rows[0]["source_ref"].startswith("INBOX:") and rows[0]["source_ref"].endswith(":1")
    flags = mailbox.flags()
    assert rb"\Seen" not in flags[uids[0]] and rb"\Seen" not in flags[uids[2]]  # PEEK only

    async with polling(account) as poller:  # a restart takes nothing twice
        await idle(poller)
        mailbox.deliver(letter("Больничный"))
        rows = await count(account, 4)
    assert len(rows) == 4 and len({r["message_id"] for r in rows}) == 4
    assert (await load_cursor(account, "INBOX"))[1] == uids[-1] + 1


async def test_idle_takes_new_mail_without_waiting_for_a_poll(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    account = await create_mailbox_account(unionline_app, mailbox=mailbox, imap_poll_seconds=3600)
    async with polling(account) as poller:
        await idle(poller)  # the first look found nothing; the next poll is an hour away
        mailbox.deliver(letter("Срочно: увольнение"))
        (row,) = await count(account, 1)
    assert row["subject"] == "Срочно: увольнение"


async def test_without_idle_the_mailbox_is_polled(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    account = await create_mailbox_account(
        unionline_app, mailbox=mailbox, imap_idle=False, imap_poll_seconds=5
    )
    async with polling(account) as poller:
        await idle(poller)
        mailbox.deliver(letter("Опрос"))
        (row,) = await count(account, 1)
    assert row["subject"] == "Опрос"


async def test_a_crash_between_storing_and_the_cursor_takes_nothing_twice(
    unionline_app: AppHarness, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox.deliver(*(letter(f"Обращение {i}") for i in range(4)))
    account = await create_mailbox_account(unionline_app, mailbox=mailbox)
    save = imap.save_cursor

    async def crash_after_the_second(account_id: uuid.UUID, folder: str, v: int, uid: int) -> None:
        if uid == 2:  # the mail is committed; the process dies before the cursor moves
            raise asyncio.CancelledError
        await save(account_id, folder, v, uid)

    monkeypatch.setattr(imap, "save_cursor", crash_after_the_second)
    poller = MailboxPoller(account)
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(poller.run(), 30)
    assert len(await stored_mail(account)) == 2
    assert (await load_cursor(account, "INBOX"))[1] == 1

    monkeypatch.setattr(imap, "save_cursor", save)
    async with polling(account) as poller:
        rows = await count(account, 4)
        await idle(poller)
    rows = await stored_mail(account)
    assert sorted(r["subject"] for r in rows) == [f"Обращение {i}" for i in range(4)]


async def test_a_recreated_folder_is_read_again_without_duplicates(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    first, second = letter("Первое"), letter("Второе")
    mailbox.deliver(first, second, folder="Обращения")
    account = await create_mailbox_account(unionline_app, mailbox=mailbox, imap_folder="Обращения")
    async with polling(account) as poller:
        await count(account, 2)
        await idle(poller)
    before = await load_cursor(account, "Обращения")

    with mailbox.client(None) as c:  # new UIDVALIDITY, UIDs from 1 again
        c.delete_folder("Обращения")
    mailbox.deliver(first, second, letter("Третье"), folder="Обращения")
    async with polling(account) as poller:
        await count(account, 3)
        await idle(poller)
    rows = await stored_mail(account)
    assert sorted(r["subject"] for r in rows) == ["Второе", "Первое", "Третье"]
    after = await load_cursor(account, "Обращения")
    assert after[0] != before[0] and after[1] == 3


async def test_processed_mail_is_flagged(unionline_app: AppHarness, mailbox: Mailbox) -> None:
    (uid,) = mailbox.deliver(letter("Флажок"))
    account = await create_mailbox_account(
        unionline_app, mailbox=mailbox, imap_after_processing="flag"
    )
    async with polling(account) as poller:
        await count(account, 1)
        await idle(poller)
    assert {TAKEN, rb"\Seen"} <= set(mailbox.flags()[uid])  # read, for the people who look


async def test_processed_mail_is_moved(unionline_app: AppHarness, mailbox: Mailbox) -> None:
    mailbox.deliver(letter("В архив"), letter("Тоже в архив"))
    account = await create_mailbox_account(
        unionline_app, mailbox=mailbox, imap_after_processing="move", imap_move_to="Принято"
    )
    async with polling(account) as poller:
        await count(account, 2)
        await idle(poller)
    assert mailbox.subjects("INBOX") == []
    assert sorted(mailbox.subjects("Принято")) == ["В архив", "Тоже в архив"]


async def test_a_refused_login_flags_the_account_for_reauthorisation(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    account = await create_mailbox_account(unionline_app, mailbox=mailbox, password="wrong")
    await asyncio.wait_for(MailboxPoller(account).run(), 30)  # it gives up by itself
    view = await unionline_app.client.get(
        f"/api/channel-accounts/{account}", headers=unionline_app.admin_headers
    )
    assert view.json()["status"] == "needs_reauth"
    assert "IMAP login" in view.json()["status_reason"]


async def test_one_poller_per_mailbox(unionline_app: AppHarness, mailbox: Mailbox) -> None:
    account = await create_mailbox_account(unionline_app, mailbox=mailbox)
    async with polling(account) as first:
        await idle(first)
        async with polling(account) as second:
            await wait_until(
                lambda: asyncio.sleep(0, second.state == "waiting_lease"),
                what="the second poller to wait for the lease",
            )
            mailbox.deliver(letter("Один раз"))
            await count(account, 1)
    assert len(await stored_mail(account)) == 1


async def test_mail_over_the_mailbox_limit_leaves_a_note_and_stays(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    (_uid,) = mailbox.deliver(letter("Скан паспорта", body="Очень большое вложение. " * 200))
    account = await create_mailbox_account(unionline_app, mailbox=mailbox, max_message_bytes=2048)
    async with polling(account) as poller:
        (row,) = await count(account, 1)
        await idle(poller)
    assert row["subject"] == "Скан паспорта" and row["appeal_id"] is not None
    note = email.message_from_bytes(row["raw"], policy=email.policy.default).get_content()
    assert "Письмо слишком большое" in note and "предел почтового ящика 2048 байт" in note
    assert mailbox.subjects("INBOX") == ["Скан паспорта"]  # the whole mail is still there


class LosingLease:
    """The poller's own lease, made to report lost on demand (as when the lease connection
    died or another process took the mailbox)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.lost = False
        self.checks = 0

    async def acquire(self) -> bool:
        return await self.real.acquire()

    async def alive(self) -> bool:
        self.checks += 1
        return not self.lost and await self.real.alive()

    async def release(self) -> None:
        await self.real.release()


def losing(poller: MailboxPoller) -> LosingLease:
    lease = LosingLease(poller._lease)
    poller._lease = lease  # type: ignore[assignment]
    return lease


def fetches(
    monkeypatch: pytest.MonkeyPatch, during: Callable[[list[int]], None] = lambda _uids: None
) -> list[list[int]]:
    """The UIDs of every FETCH of whole messages, in order (``during`` is called in each)."""
    fetched: list[list[int]] = []
    fetch = ImapSession.fetch

    def spy(session: ImapSession, uids: list[int]) -> dict[int, bytes]:
        fetched.append(list(uids))
        during(uids)
        return fetch(session, uids)

    monkeypatch.setattr(ImapSession, "fetch", spy)
    return fetched


@pytest.mark.parametrize("lost", ["after the first batch", "while the second is fetched"])
async def test_a_lease_lost_mid_session_stops_the_session_before_the_next_fetch(
    unionline_app: AppHarness, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, lost: str
) -> None:
    mailbox.deliver(*(letter(f"Обращение {i}") for i in range(6)))
    account = await create_mailbox_account(
        unionline_app, mailbox=mailbox, imap_after_processing="flag"
    )
    monkeypatch.setattr(imap, "CHUNK_MESSAGES", 2)  # three FETCHes in one session
    poller = MailboxPoller(account)
    lease = losing(poller)

    def lose(uids: list[int]) -> None:  # meanwhile another process took the mailbox
        if uids[0] == 3 and lost == "while the second is fetched":
            lease.lost = True

    fetched = fetches(monkeypatch, lose)
    save = imap.save_cursor

    async def save_then_lose(account_id: uuid.UUID, folder: str, v: int, uid: int) -> None:
        await save(account_id, folder, v, uid)
        if uid == 2 and lost == "after the first batch":
            lease.lost = True

    monkeypatch.setattr(imap, "save_cursor", save_then_lose)
    await asyncio.wait_for(poller.run(), 30)  # it ends by itself: the lease is gone
    assert fetched == ([[1, 2]] if lost == "after the first batch" else [[1, 2], [3, 4]])
    assert sorted(r["subject"] for r in await stored_mail(account)) == [
        "Обращение 0",
        "Обращение 1",
    ]
    flagged = [uid for uid, flags in mailbox.flags().items() if TAKEN in flags]
    assert flagged == [1, 2]  # nothing stored or acknowledged past the loss
    assert (await load_cursor(account, "INBOX"))[1] == 2


@pytest.mark.parametrize("wake_up", ["new mail", "the wait's end"])
async def test_a_lease_lost_while_idle_is_noticed_at_the_wake_up_before_any_fetch(
    unionline_app: AppHarness, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch, wake_up: str
) -> None:
    seconds = 3600 if wake_up == "new mail" else 5  # IDLE is renewed after this
    account = await create_mailbox_account(
        unionline_app, mailbox=mailbox, imap_poll_seconds=seconds
    )
    monkeypatch.setattr(imap, "LEASE_CHECK_SECONDS", 3600.0, raising=False)  # the wake-up
    fetched = fetches(monkeypatch)
    poller = MailboxPoller(account)
    lease = losing(poller)
    task = asyncio.create_task(poller.run())
    try:
        await idle(poller)
        lease.lost = True
        if wake_up == "new mail":
            mailbox.deliver(letter("Пришло после потери"))  # IDLE wakes up on it
        await asyncio.wait_for(asyncio.shield(task), 30)
    finally:
        poller.stop()
        await asyncio.wait_for(task, 15)
    assert fetched == [] and await stored_mail(account) == []


async def test_a_lease_lost_during_a_long_idle_ends_the_session(
    unionline_app: AppHarness, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No news for an hour: the lease is still looked at while IDLE waits, and the IMAP
    connection is given up when it is lost."""
    account = await create_mailbox_account(unionline_app, mailbox=mailbox, imap_poll_seconds=3600)
    monkeypatch.setattr(imap, "LEASE_CHECK_SECONDS", 0.2, raising=False)
    poller = MailboxPoller(account)
    lease = losing(poller)
    task = asyncio.create_task(poller.run())
    try:
        await idle(poller)
        checks = lease.checks
        lease.lost = True
        await asyncio.wait_for(asyncio.shield(task), 30)
    finally:
        poller.stop()
        await asyncio.wait_for(task, 15)
    assert lease.checks > checks and poller._session is None
