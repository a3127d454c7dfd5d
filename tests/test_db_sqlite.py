"""SQLite's long-lived connections (``unionline.db_sqlite``): statements reuse one writer and one
reader on the event loop instead of a connection (and a thread) each; writers of one process take
turns (no "database is locked"), a transaction keeps other tasks' statements out, another
process's lock is waited out without blocking the loop, statements too long for the loop move to
a thread, a cancelled or failed transaction gives the writer back, and stopping the database
closes every connection."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

import aiosqlite
import pytest

from unionline import db_sqlite_inline, db_sqlite_pool
from unionline.db import Database
from unionline.db_sqlite import Connections, PooledSQLiteEngine, may_read_only
from unionline.testing.support import make_settings, running_app


def sqlite_threads() -> int:
    return sum("_connection_worker_thread" in t.name for t in threading.enumerate())


def sqlite_threads_left(running: Iterable[aiosqlite.Connection] = ()) -> int:
    """aiosqlite's threads still alive once those already told to stop have ended (a thread
    answers its close just before it returns). The threads of ``running`` (connections still in
    use) are counted without waiting: joining one would always wait the whole timeout."""
    in_use = {connection._thread for connection in running}
    for thread in threading.enumerate():
        if "_connection_worker_thread" in thread.name and thread not in in_use:
            thread.join(timeout=10)
    return sqlite_threads()


def open_files(path: Path) -> list[str]:
    """This process's open file descriptors on ``path`` or its -wal/-shm files."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        with_target = os.path.join("/proc/self/fd", fd)
        try:
            target = os.readlink(with_target)
        except OSError:
            continue
        if target.startswith(str(path)):
            found.append(target)
    return found


def connections_of(db: Database) -> Connections:
    assert isinstance(db.engine, PooledSQLiteEngine)
    assert db.engine.connections is not None
    return db.engine.connections


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    await database.start()
    try:
        await database.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        await database.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)")
        await database.execute("INSERT INTO counter (id, n) VALUES (1, 0)")
        yield database
    finally:
        await database.stop()


def test_only_select_with_and_values_are_tried_on_a_reader() -> None:
    assert may_read_only("  select 1")
    assert may_read_only("WITH x AS (SELECT 1) SELECT * FROM x")
    assert not may_read_only("INSERT INTO item (n) VALUES (1)")
    assert not may_read_only("PRAGMA journal_mode")


async def test_statements_reuse_the_connections(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_sqlite_inline, "INLINE_BUDGET", 60.0)  # however loaded the machine
    connections = connections_of(db)
    writer, reader = connections.writer, connections.reader
    threads = sqlite_threads()
    for n in range(200):
        await db.execute("INSERT INTO item (n) VALUES ({})", n)
        assert await db.fetchone("SELECT n FROM item WHERE n = {}", n) == {"n": n}
        async with db.transaction():
            await db.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
        assert sqlite_threads() == threads  # piccolo alone started a thread per statement
    assert (connections.writer, connections.reader, connections.moved) == (writer, reader, 0)
    assert await db.fetchone("PRAGMA journal_mode") == {"journal_mode": "wal"}
    assert writer.raw.execute("PRAGMA synchronous").fetchone() == {"synchronous": 1}  # NORMAL


async def test_concurrent_writers_take_turns(db: Database) -> None:
    """Read-modify-write transactions, autocommit inserts and reads at once: every increment
    counts (transactions are serialized), none fails with "database is locked"."""

    async def increment() -> None:
        async with db.transaction():
            row = await db.fetchone("SELECT n FROM counter WHERE id = 1")
            assert row is not None
            await asyncio.sleep(0)  # let the others run while this transaction is open
            await db.execute("UPDATE counter SET n = {} WHERE id = 1", row["n"] + 1)

    async def insert(n: int) -> None:
        await db.execute("INSERT INTO item (n) VALUES ({})", n)

    async def read() -> None:
        await db.fetch("SELECT count(*) AS c FROM item")

    work = [increment() for _ in range(60)] + [insert(n) for n in range(60)]
    work += [read() for _ in range(60)]
    await asyncio.gather(*work)
    assert await db.fetchone("SELECT n FROM counter WHERE id = 1") == {"n": 60}
    assert await db.fetchone("SELECT count(*) AS c FROM item") == {"c": 60}


async def test_a_transaction_keeps_other_tasks_statements_out(db: Database) -> None:
    inside, release = asyncio.Event(), asyncio.Event()

    async def rolled_back() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO item (n) VALUES (1)")
                inside.set()
                await release.wait()
                raise RuntimeError("roll back")

    task = asyncio.create_task(rolled_back())
    await inside.wait()
    # Another task's write waits for the transaction instead of joining it...
    other = asyncio.create_task(db.execute("INSERT INTO item (n) VALUES (2)"))
    # ...and reads see the last committed state, not the transaction's row.
    assert await db.fetch("SELECT n FROM item") == []
    await asyncio.sleep(0.05)
    assert not other.done()
    release.set()
    await asyncio.gather(task, other)
    assert await db.fetch("SELECT n FROM item") == [{"n": 2}]


async def test_a_writing_statement_sent_to_a_reader_runs_on_the_writer(db: Database) -> None:
    insert = "WITH v(n) AS (VALUES (7)) INSERT INTO item (n) SELECT n FROM v RETURNING n"
    rows = await db.fetch(insert)
    assert rows == [{"n": 7}]
    assert await db.fetch("SELECT n FROM item") == [{"n": 7}]


async def test_statements_too_long_for_the_loop_run_on_a_thread(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a transaction, a statement that outlasts its time on the event loop is stopped
    (SQLite undoes it) and run again on a connection of its own: results are whole, not
    doubled."""
    monkeypatch.setattr(db_sqlite_inline, "INLINE_BUDGET", 0.0)  # however fast the machine
    count = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000)"
    assert await db.fetch(count + " SELECT count(*) AS c FROM c") == [{"c": 300000}]
    await db.execute(count + " INSERT INTO item (n) SELECT x FROM c")
    assert await db.fetch("SELECT count(*) AS c, sum(n) AS s FROM item") == [
        {"c": 300000, "s": 300000 * 300001 // 2}
    ]
    assert connections_of(db).moved >= 2


async def test_reads_moved_off_the_loop_reuse_kept_thread_connections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read moved to a thread runs on a ``query_only`` connection kept for the next one (its
    page cache warm, nothing opened per read), at most SPARE_READERS of them; stop closes them."""
    monkeypatch.setattr(db_sqlite_inline, "INLINE_BUDGET", 0.0)  # however fast the machine
    path = tmp_path / "db.sqlite3"
    db = Database(f"sqlite:///{path}")
    await db.start()
    before = sqlite_threads_left()
    await db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
    await db.execute("INSERT INTO item (n) VALUES (1), (2)")
    connections = connections_of(db)
    # Long enough for SQLite to ask the loop's budget (every PROGRESS_STEPS steps): it moves.
    slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000)"
    top = slow + " SELECT (SELECT max(n) FROM item) AS m, count(*) AS k FROM c"
    assert await db.fetch(top) == [{"m": 2, "k": 3000}]
    kept = list(connections.spare)
    assert connections.moved == 1 and len(kept) == 1
    assert sqlite_threads_left(kept) == before + 1
    for _ in range(3):
        assert await db.fetch(top) == [{"m": 2, "k": 3000}]
    assert connections.moved == 4 and connections.spare == kept  # no new connection, no thread
    assert sqlite_threads_left(kept) == before + 1
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await connections._moved_read("INSERT INTO item (n) VALUES (3)", ())  # query_only
    assert connections.spare == kept
    assert await asyncio.gather(*(db.fetch(top) for _ in range(5))) == [[{"m": 2, "k": 3000}]] * 5
    assert len(connections.spare) == db_sqlite_pool.SPARE_READERS
    await db.execute("INSERT INTO item (n) VALUES (4)")  # a kept reader sees later commits
    assert await db.fetch(top) == [{"m": 4, "k": 3000}]
    await db.stop()
    assert connections.spare == [] and open_files(path) == []
    assert sqlite_threads_left() <= before


async def test_another_process_lock_is_waited_out_off_the_loop(
    db: Database, tmp_path: Path
) -> None:
    """A write lock held by another connection to the file (another process) makes writers
    wait — the loop goes on, reads still answer — and they write once it is released."""
    other = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO item (n) VALUES (1)")
        waiting = asyncio.create_task(db.execute("INSERT INTO item (n) VALUES (2)"))
        in_turn = asyncio.create_task(db.execute("INSERT INTO item (n) VALUES (3)"))
        for _ in range(20):
            await asyncio.sleep(0.005)
            assert await db.fetch("SELECT n FROM item") == []  # the loop and the reader go on
        assert not waiting.done() and not in_turn.done()
        other.execute("COMMIT")
        await asyncio.gather(waiting, in_turn)
    finally:
        other.close()
    assert await db.fetch("SELECT n FROM item ORDER BY n") == [{"n": 1}, {"n": 2}, {"n": 3}]


async def test_checkpoints_keep_the_wal_short_under_steady_writes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Checkpoints run in a writer turn of their own, so they complete and the WAL starts over;
    one racing a steady stream of writes would never catch up."""
    monkeypatch.setattr(db_sqlite_pool, "CHECKPOINT_EVERY", 50)

    async def writes() -> None:
        for n in range(500):
            await db.execute("INSERT INTO item (n) VALUES ({})", n)

    await asyncio.gather(writes(), writes())
    checkpoint = connections_of(db).checkpoint
    if checkpoint is not None:
        await checkpoint
    with sqlite3.connect(tmp_path / "db.sqlite3") as other:
        _, frames, _ = other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert 0 <= frames < 200  # pages written since the WAL last started over; 1000+ without


async def test_a_cancelled_transaction_rolls_back_and_frees_the_writer(db: Database) -> None:
    inside = asyncio.Event()

    async def hanging() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO item (n) VALUES (1)")
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(hanging())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.transaction():
        await db.execute("INSERT INTO item (n) VALUES (2)")
    assert await db.fetch("SELECT n FROM item") == [{"n": 2}]


async def test_a_failed_commit_gives_the_writer_back(db: Database) -> None:
    await db.execute("PRAGMA foreign_keys = ON")
    await db.execute(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, item_id INTEGER"
        " REFERENCES item (id) DEFERRABLE INITIALLY DEFERRED)"
    )
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await db.execute("INSERT INTO child (item_id) VALUES (999)")  # fails at COMMIT
    async with db.transaction():
        await db.execute("INSERT INTO item (n) VALUES (3)")
    assert await db.fetch("SELECT n FROM item") == [{"n": 3}]
    assert await db.fetch("SELECT * FROM child") == []


async def test_a_task_left_over_from_an_ended_transaction_cannot_use_its_connection(
    db: Database,
) -> None:
    go = asyncio.Event()

    async def late() -> None:
        await go.wait()
        await db.execute("INSERT INTO item (n) VALUES (1)")

    async with db.transaction():
        leftover = asyncio.create_task(late())  # inherits the transaction's context
    go.set()
    with pytest.raises(sqlite3.ProgrammingError, match="has ended"):
        await leftover
    assert await db.fetch("SELECT n FROM item") == []


async def test_a_loop_in_another_thread_connects_per_statement(db: Database) -> None:
    """The long-lived connections wait on the loop that opened them; another loop (a thread
    running its own, as some tests and tools do) gets piccolo's connection per statement."""

    async def elsewhere() -> list[dict[str, object]]:
        async with db.transaction():
            await db.execute("INSERT INTO item (n) VALUES (5)")
        return await db.fetch("SELECT n FROM item")

    assert await asyncio.to_thread(asyncio.run, elsewhere()) == [{"n": 5}]
    assert await db.fetch("SELECT n FROM item") == [{"n": 5}]


async def test_stop_closes_every_connection(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    db = Database(f"sqlite:///{path}")
    await db.start()
    await db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, n INTEGER)")
    await asyncio.gather(*(db.fetch("SELECT * FROM item") for _ in range(10)))
    assert open_files(path) != []
    await db.stop()
    assert open_files(path) == []
    assert not Path(f"{path}-wal").exists()  # the last connection folded the WAL in
    # A stopped database still answers, a connection per statement, and keeps none open.
    assert await db.fetch("SELECT count(*) AS c FROM item") == [{"c": 0}]
    assert open_files(path) == []
    path.unlink()


async def test_an_app_that_stopped_leaves_no_connection_open(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite3"
    before = sqlite_threads_left()
    async with running_app(make_settings(f"sqlite:///{path}"), migrate=True) as h:
        assert (await h.client.get("/health/ready")).status_code == 200
    assert open_files(path) == []
    assert sqlite_threads_left() <= before
