"""``unionline jobs`` and ``unionline worker --burst`` in a subprocess, as an operator runs them;
plugins made installable by ``UNIONLINE_PLUGIN_PATHS``."""

from __future__ import annotations

from pathlib import Path

import pytest
from plugins_for_tests.jobsink import JOB, Apply
from plugins_for_tests.support import (
    PLUGIN_PATHS,
    cli_env,
    enqueue_many,
    finish,
    finished,
    job_counts,
    jobs_redis_url,
    jobs_runtime,
    settle,
    sink,
    unionline_cli,
)

from unionline.testing import require_service


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


def cli(*args: str, env: dict[str, str], cwd: Path) -> str:
    status, out, err = finish(unionline_cli(*args, env=env, cwd=cwd))
    assert status == 0, err
    return out


async def cli_beside(*args: str, env: dict[str, str], cwd: Path) -> str:
    """:func:`cli` while this test's own runtime is open (its event loop keeps running)."""
    status, out, err = await finished(unionline_cli(*args, env=env, cwd=cwd))
    assert status == 0, err
    return out


async def test_jobs_failed_lists_dead_letters(unionline_database_url: str, tmp_path: Path) -> None:
    async with jobs_runtime(unionline_database_url) as rt:
        dead = await rt.jobs.enqueue(JOB, Apply(permanent=True), key="bounced")
        await rt.jobs.enqueue(JOB, Apply(), key="delivered")
        await settle(rt)
        env = cli_env(unionline_database_url)

        listed = (await cli_beside("jobs", "--failed", env=env, cwd=tmp_path)).splitlines()
        assert len(listed) == 2
        assert listed[0].split()[:4] == [str(dead), "dead", "1/8", JOB]
        assert listed[0].endswith("PermanentFailure: the recipient does not exist")
        assert "dead=1" in listed[1].split()  # the counts line

        out = await cli_beside("jobs", "--retry", str(dead), env=env, cwd=tmp_path)
        assert out.strip() == f"job {dead} queued again"
        job = await rt.jobs.get(dead)  # type: ignore[arg-type]
        assert job is not None and job.status == "pending"


@pytest.mark.parametrize("executor", ["inprocess", "arq", "arq-redis-down"])
async def test_worker_burst_runs_what_is_due_and_exits(
    executor: str, unionline_database_url: str, tmp_path: Path
) -> None:
    redis = None
    if executor == "arq":
        require_service("Redis", "127.0.0.1", 6379)
        redis = jobs_redis_url()
    elif executor == "arq-redis-down":
        redis = "redis://127.0.0.1:1/0"  # the worker falls back to the database
    async with jobs_runtime(
        unionline_database_url, execute_jobs=redis is not None, redis_url=redis
    ) as rt:
        await enqueue_many(rt, 20, lambda n: Apply(value=n))
        status, _, err = await finished(
            unionline_cli(
                "worker",
                "--burst",
                env=cli_env(unionline_database_url, redis, queue=rt.settings.jobs.queue),
                cwd=tmp_path,
            )
        )
        assert status == 0, err
        assert (await job_counts(rt))["done"] == 20
        assert (await sink(rt)).total == sum(range(20))


def test_plugin_paths_make_a_module_installable(tmp_path: Path) -> None:
    env = cli_env("sqlite:///" + str(tmp_path / "db.sqlite3"))
    rows = cli("plugins", env=env, cwd=tmp_path).splitlines()
    assert any(r.split()[:4] == ["on", "jobsink", "dev", "path"] for r in rows), rows
    env["UNIONLINE_PLUGINS"] = ""
    rows = cli("plugins", env=env, cwd=tmp_path).splitlines()
    assert any(r.split()[:2] == ["off", "jobsink"] for r in rows), rows


def test_malformed_plugin_paths_stop_startup_naming_the_variable(tmp_path: Path) -> None:
    env = cli_env("sqlite:///" + str(tmp_path / "db.sqlite3"))
    env["UNIONLINE_PLUGIN_PATHS"] = "jobsink"
    status, _, err = finish(unionline_cli("plugins", env=env, cwd=tmp_path))
    assert status == 2
    assert err.strip() == (
        "unionline: plugin 'jobsink': UNIONLINE_PLUGIN_PATHS: expected name=dotted.module"
    )
