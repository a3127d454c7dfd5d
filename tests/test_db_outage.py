"""The database away: webhooks answer 503 with one log line, readiness names a relay that does
not advance, commands started without a database say so in one line (password masked), and
``unionline run --workers 2`` refuses SQLite."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

import asyncpg
import pytest
from cli_runner import TEST_SECRET, one_error_line, run_cli
from hypothesis import given
from hypothesis import strategies as st

from unionline.db import database_unavailable, masked_url
from unionline.events import JobDead
from unionline.testing import AppHarness, free_port

# -- what counts as "the database is unavailable" --------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [
        ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
        ConnectionResetError(104, "Connection reset by peer"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.InterfaceError(
            "cannot call Connection.fetch(): connection has been released back to the pool"
        ),
        asyncpg.exceptions.InterfaceError("connection is closed"),
        # seen once in the restart test: the protocol was mid-query when the server went away
        asyncpg.exceptions.InternalClientError(
            "cannot switch to state 15; another operation (2) is in progress"
        ),
    ],
)
def test_outages_are_recognised(exc: Exception) -> None:
    assert database_unavailable(exc)
    try:
        raise RuntimeError("while storing") from exc
    except RuntimeError as wrapped:
        assert database_unavailable(wrapped)  # through the cause chain too


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad input"),
        asyncpg.exceptions.UniqueViolationError("duplicate key"),
        asyncpg.exceptions.QueryCanceledError("canceling statement due to statement timeout"),
        asyncpg.exceptions.InterfaceError(
            "cannot perform operation: another operation is in progress"
        ),
        PermissionError(13, "Permission denied"),
    ],
)
def test_bugs_and_refusals_are_not_outages(exc: Exception) -> None:
    assert not database_unavailable(exc)


@given(
    user=st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12),
    password=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789!$%&()*+,;=~-_.", min_size=1),
    port=st.integers(min_value=1, max_value=65535),
)
def test_masked_url_never_shows_the_password(user: str, password: str, port: int) -> None:
    url = f"postgresql://{user}:{password}@db.example.org:{port}/unionline"
    masked = masked_url(url)
    assert masked == f"postgresql://{user}:***@db.example.org:{port}/unionline"
    assert (
        masked_url("postgresql://postgres@127.0.0.1/test") == "postgresql://postgres@127.0.0.1/test"
    )


# -- webhooks during an outage ---------------------------------------------------------------


async def test_webhook_answers_503_with_one_log_line_when_the_database_is_away(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from unionline.channel import inbound

    async def refused(*_: object) -> None:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    monkeypatch.setattr(inbound, "find_account", refused)
    with caplog.at_level(logging.WARNING, logger="unionline.web"):
        answer = await unionline_app.client.post(
            "/channels/reference/some-account/inbound", content=b"{}"
        )
    assert answer.status_code == 503
    assert answer.headers["retry-after"]
    assert answer.json()["error"]["code"] == "unavailable"
    [record] = [r for r in caplog.records if r.name == "unionline.web"]
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "database unavailable" in record.getMessage()
    assert "\n" not in record.getMessage()


async def test_other_errors_still_answer_500(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unionline.channel import inbound

    async def broken(*_: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(inbound, "find_account", broken)
    answer = await unionline_app.client.post("/channels/reference/x/inbound", content=b"{}")
    assert answer.status_code == 500


# -- readiness -------------------------------------------------------------------------------


async def test_ready_reports_a_relay_that_does_not_advance_while_events_wait(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, bus = unionline_app.client, unionline_app.runtime.events
    await unionline_app.settle()
    healthy = await client.get("/health/ready")
    assert healthy.status_code == 200 and healthy.json()["checks"]["events"] == "ok"

    async def dead() -> list[object]:
        raise RuntimeError("relay stuck")

    monkeypatch.setattr(bus, "relay_once", dead)
    bus.last_relayed = time.monotonic() - 3600  # its last pass: an hour ago
    idle = await client.get("/health/ready")
    assert idle.status_code == 200  # nothing waits: an idle relay is fine

    await bus.publish(JobDead(job_id=1, name="x", error="e"))
    stalled = await client.get("/health/ready")
    assert stalled.status_code == 503
    assert stalled.json()["checks"]["events"].startswith("stalled: 1 events waiting")

    monkeypatch.undo()
    await bus.relay_once()
    assert (await client.get("/health/ready")).status_code == 200


# -- commands without a database -------------------------------------------------------------


def config(folder: Path, database_url: str, extra: str = "") -> Path:
    path = folder / "unionline.toml"
    text = f'secret_key = "{TEST_SECRET}"\ndatabase_url = "{database_url}"\n{extra}'
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["run"], ["worker", "--burst"], ["migrate"]])
def test_commands_name_an_unreachable_database_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    port = free_port()  # nothing listens there
    config(tmp_path, f"postgresql://unionline:s3cret-pw@127.0.0.1:{port}/unionline")
    line = one_error_line(run_cli(*command, cwd=tmp_path))
    assert line.startswith(f"unionline: database postgresql://unionline:***@127.0.0.1:{port}/")
    assert "unreachable" in line
    assert "s3cret-pw" not in line


@pytest.mark.parametrize(
    ("args", "extra"), [(["--workers", "2"], ""), ([], "[server]\nworkers = 3\n")]
)
def test_run_refuses_several_workers_on_sqlite(tmp_path: Path, args: list[str], extra: str) -> None:
    config(tmp_path, f"sqlite:///{tmp_path / 'u.sqlite3'}", extra)
    line = one_error_line(run_cli("run", "--port", str(free_port()), *args, cwd=tmp_path))
    assert "workers need PostgreSQL" in line


# -- channel pollers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "poller",
    [
        "unionline.channels.telegram.polling:TelegramPoller",
        "unionline.channels.vk.polling:LongPoller",
        "unionline.channels.mail.imap:MailboxPoller",
    ],
)
async def test_poller_supervisors_outlive_a_failed_account_listing(
    monkeypatch: pytest.MonkeyPatch, poller: str
) -> None:
    """The supervisor lists accounts every ``rescan_seconds``; a listing that fails while the
    database restarts used to end it (and cancel every poller) for good."""
    import importlib

    from unionline.channel import polling

    module, name = poller.split(":")
    kind = getattr(importlib.import_module(module), name)
    stop = asyncio.Event()
    calls = 0

    async def flaky(listed: object) -> dict[object, str]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionRefusedError(111, "Connect call failed")
        stop.set()  # listed again after the failure: the supervisor lives on
        return {}

    monkeypatch.setattr(polling, "polled_accounts", flaky)
    monkeypatch.setattr(kind, "rescan_seconds", 0.01)
    await asyncio.wait_for(polling.run_pollers(kind, stop), 30)
    assert calls == 2
