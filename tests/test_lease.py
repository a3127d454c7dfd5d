"""``unionline.Lease``: one process of the install holds a name's key at a time.

Against the test's database on either engine (a PostgreSQL advisory lock, or a ``flock`` beside
the SQLite file): a second holder is refused — another lease of this process or another
process —, a SIGKILLed holder frees the lease, and on PostgreSQL a process's leases share one
connection whose death ends them all (``held`` false, then taken again).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from unionline import Lease
from unionline.lease import APPLICATION_NAME
from unionline.testing import AppHarness

HOLDER = """
import asyncio, sys, uuid
from unionline import Lease, booted

async def main():
    async with booted(sys.argv[1]):
        leases = [Lease("test", uuid.UUID(key)) for key in sys.argv[2:]]
        taken = [await lease.acquire() for lease in leases]
        print("held" if all(taken) else "refused", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


class Holder:
    """A child process that boots on the test's database, takes leases of kind ``test`` on
    the keys and says ``held`` (or ``refused``) on its stdout."""

    def __init__(self, h: AppHarness, workdir: Path, keys: list[uuid.UUID]) -> None:
        settings = h.runtime.settings
        config = workdir / f"holder-{len(list(workdir.iterdir()))}.toml"
        config.write_text(
            f"secret_key = {json.dumps(settings.secret_key)}\n"
            f"database_url = {json.dumps(settings.database_url)}\n"
            f"plugins = {json.dumps(sorted(h.runtime.host.enabled))}\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(config), *map(str, keys)],
            env=env,
            stdout=subprocess.PIPE,
        )

    def answer(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().decode().strip()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)


@pytest.fixture
def holders() -> Iterator[list[Holder]]:
    started: list[Holder] = []
    yield started
    for holder in started:
        holder.kill()


@pytest.fixture
async def leases() -> AsyncIterator[list[Lease]]:
    made: list[Lease] = []
    yield made
    for lease in made:
        await lease.release()


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 30.0) -> None:
    """A generous bound for something another process does, not a speed claim."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def lease_connections(h: AppHarness) -> int:
    rows = await h.runtime.db.fetch(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = {}"
        " AND datname = current_database()",
        APPLICATION_NAME,
    )
    return int(rows[0]["n"])


def test_a_lease_name_is_four_lowercase_letters_or_digits() -> None:
    Lease("sip1", uuid.uuid4())
    for bad in ("", "sip", "mails", "Mail", "ма", "a-b/"):
        with pytest.raises(ValueError, match="four lowercase letters or digits"):
            Lease(bad, uuid.uuid4())


async def test_one_holder_in_a_process_and_the_lease_passes_on_when_released(
    unionline_app: AppHarness, leases: list[Lease]
) -> None:
    key = uuid.uuid4()
    holder, second, other_key, other_kind = leases[:] = [
        Lease("test", key),
        Lease("test", key),
        Lease("test", uuid.uuid4()),
        Lease("tes2", key),
    ]
    assert await holder.acquire() and holder.held and await holder.alive()
    assert await holder.acquire()  # asked again while holding: still held
    assert not await second.acquire() and not second.held and not await second.alive()
    assert await other_key.acquire() and await other_kind.acquire()  # each its own
    await holder.release()
    assert not holder.held and not await holder.alive()
    assert await second.acquire() and await second.alive()
    assert not await holder.acquire()
    await holder.release()  # not held: nothing to give up, the other keeps it
    assert await second.alive()


async def test_another_process_holds_it_until_killed(
    unionline_app: AppHarness, tmp_path: Path, holders: list[Holder], leases: list[Lease]
) -> None:
    key = uuid.uuid4()
    holder = Holder(unionline_app, tmp_path, [key])
    holders.append(holder)
    assert holder.answer() == "held"
    mine = Lease("test", key)
    leases.append(mine)
    assert not await mine.acquire() and not mine.held
    rival = Holder(unionline_app, tmp_path, [key])
    holders.append(rival)
    assert rival.answer() == "refused"

    holder.kill()  # SIGKILL: no release, no goodbye to the server
    await until(mine.acquire, "the lease to be free once its holder was killed")
    assert mine.held and await mine.alive()


async def test_a_process_s_leases_share_one_connection_that_ends_them_all(
    unionline_app: AppHarness,
    on_postgres: bool,
    tmp_path: Path,
    holders: list[Holder],
    leases: list[Lease],
) -> None:
    if not on_postgres:
        pytest.skip("PostgreSQL only: on SQLite a lease is a file lock, no connection")
    h = unionline_app
    held, free = [uuid.uuid4() for _ in range(5)], [uuid.uuid4() for _ in range(5)]
    holders.append(holder := Holder(h, tmp_path, held))
    assert holder.answer() == "held"
    leases[:] = [Lease("test", key) for key in held + free]
    taken = [await lease.acquire() for lease in leases]
    assert taken == [False] * 5 + [True] * 5  # a standby of five and a holder of five
    assert await lease_connections(h) == 2  # one per process, however many leases

    shared = h.runtime.state["unionline.lease"]  # this process's lease connection
    pid = shared.conn.get_server_pid()
    await h.runtime.db.execute("SELECT pg_terminate_backend({}, 10000)", pid)  # gone on return
    mine = leases[5:]
    assert not await mine[0].alive()  # the first check finds the connection gone ...
    assert not any(lease.held for lease in mine)  # ... and every lease on it ends with it
    assert not any([await lease.alive() for lease in mine])
    assert [await lease.acquire() for lease in mine] == [True] * 5  # a new connection
    assert shared.conn.get_server_pid() != pid
    assert await lease_connections(h) == 2
