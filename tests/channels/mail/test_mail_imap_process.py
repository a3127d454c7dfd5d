"""IMAP pollers as they run in production: ``unionline mail poll`` killed and restarted, and
the pollers the app starts itself with ``[mail] run_pollers``."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import TEST_SECRET
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
from unionline.settings import Settings
from unionline.testing.support import AppHarness

N = 40
# A poller killed mid-fetch and restarted takes every mail once: proved on each engine.
pytestmark = pytest.mark.every_engine


@pytest.fixture
def mailbox() -> Mailbox:
    return shared_dovecot().new_mailbox()


@pytest.fixture
def run_pollers() -> bool:
    return False


@pytest.fixture(autouse=True)
def quick_rescan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Accounts are made after the app started: let its pollers look for them soon."""
    monkeypatch.setattr(imap.MailboxPoller, "rescan_seconds", 0.2)


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path, run_pollers: bool) -> Settings:
    return mail_test_settings(unionline_settings, tmp_path, run_pollers=run_pollers)


def start_poll(tmp_path: Path, h: AppHarness, name: str) -> subprocess.Popen[bytes]:
    """``unionline mail poll``, its stdout and stderr in ``<name>.out`` and ``<name>.err`` of
    ``tmp_path``: files, not pipes — a pipe nobody reads while it polls fills up and blocks
    the poller's next log line (a stall, not a failure)."""
    config = tmp_path / "unionline.toml"
    config.write_text(
        f'secret_key = "{TEST_SECRET}"\n'
        f"database_url = {json.dumps(h.runtime.settings.database_url)}\n"
        'plugins = ["mail"]\n'
        '[log]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    env["UNIONLINE_CONFIG"] = str(config)
    with (
        (tmp_path / f"{name}.out").open("wb") as stdout,
        (tmp_path / f"{name}.err").open("wb") as stderr,
    ):
        return subprocess.Popen(
            [sys.executable, "-m", "unionline", "mail", "poll"],
            cwd=tmp_path,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )


async def test_a_poller_killed_mid_fetch_and_restarted_takes_every_mail_once(
    unionline_app: AppHarness, mailbox: Mailbox, tmp_path: Path
) -> None:
    mailbox.deliver(*(letter(f"Обращение №{i}") for i in range(N)))
    account = await create_mailbox_account(unionline_app, mailbox=mailbox)

    poll = start_poll(tmp_path, unionline_app, "first")
    try:
        await wait_until(lambda: stored_mail(account), what="the first stored mail")
        poll.send_signal(signal.SIGSTOP)  # frozen where it is: count what it got, then kill
        killed_at = len(await stored_mail(account))
    finally:
        poll.kill()
        await asyncio.to_thread(poll.wait, 10)
    assert 0 < killed_at < N, f"killed after {killed_at} of {N}: not mid-fetch"

    again = start_poll(tmp_path, unionline_app, "again")
    try:

        async def all_of_them() -> list:
            rows = await stored_mail(account)
            return rows if len(rows) >= N else []

        await wait_until(all_of_them, timeout=60, what=f"{N} stored mails")
        again.send_signal(signal.SIGTERM)  # a clean stop: IDLE ended, logged out
        # Not on the event loop: the test's own app must go on (it shares the SQLite file).
        await asyncio.to_thread(again.wait, 30)
    finally:
        again.kill()
    assert again.returncode == 0, (tmp_path / "again.err").read_text(errors="replace")
    assert "taking mail by IMAP" in (tmp_path / "again.out").read_text(errors="replace")
    rows = await stored_mail(account)
    assert sorted(r["subject"] for r in rows) == sorted(f"Обращение №{i}" for i in range(N))
    assert all(r["appeal_id"] is not None for r in rows)
    assert (await imap.load_cursor(account, "INBOX"))[1] == N


@pytest.mark.parametrize("run_pollers", [True])
async def test_the_app_takes_mail_itself_with_run_pollers(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    mailbox.deliver(letter("Через приложение"))
    account = await create_mailbox_account(unionline_app, mailbox=mailbox)
    (row,) = await wait_until(lambda: stored_mail(account), what="the app's poller")
    assert row["subject"] == "Через приложение"
    # The fixture's teardown stops the app: its shutdown must end IDLE and return.
