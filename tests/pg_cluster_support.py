"""A throwaway PostgreSQL cluster for tests that restart the server.

The shared test server must never be restarted (other tests use it), so a test that needs
``pg_ctl restart`` runs its own cluster: initdb into a temporary directory, a free port, trust
authentication, always stopped and deleted afterwards. initdb and postgres refuse to run as
root, so as root the binaries run as the ``postgres`` user (``runuser``).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from unionline.testing import free_port, require_service
from unionline.testing.support import in_ci


def postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, else the newest Debian cluster version."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


class Cluster:
    """One running cluster; ``url`` reaches its ``postgres`` database as the superuser."""

    def __init__(self, bindir: Path, root: Path, port: int) -> None:
        self.bindir = bindir
        self.root = root
        self.port = port
        self.data = root / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def create_database(self, name: str) -> str:
        """Create database ``name``; returns its URL."""
        import asyncpg

        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)

    def _run(self, tool: str, *args: str) -> None:
        command = [*self.as_postgres, str(self.bindir / tool), *args]
        subprocess.run(command, cwd=self.root, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "--auth=trust", "--username=postgres",
                  "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip

    def _ctl(self, action: str, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-o", options, action, *args)

    def start(self) -> None:
        self._ctl("start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def restart(self, mode: str) -> None:
        """``pg_ctl restart -m fast|immediate``: returns once the server accepts connections."""
        self._ctl("restart", "-m", mode)

    async def restart_async(self, mode: str) -> None:
        """Restart on a thread so the event loop (and the app's tasks) keep running meanwhile."""
        await asyncio.to_thread(self.restart, mode)


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """Start a cluster of its own for this test; stop and delete it afterwards."""
    bindir = postgres_bindir()
    if bindir is None:
        if in_ci():
            raise RuntimeError("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
        import pytest

        pytest.skip("PostgreSQL server binaries (pg_ctl, initdb) are not installed")
    root = Path(tempfile.mkdtemp(prefix="unionline-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    cluster = Cluster(bindir, root, free_port())
    try:
        cluster.init()
        cluster.start()
        require_service("throwaway PostgreSQL", "127.0.0.1", cluster.port)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
