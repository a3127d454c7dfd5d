"""Acceptance: route decisions exactly once across a worker killed with SIGKILL.

Members' applications are decided; each final decision queues the notice of the decision to the
member (a job keyed by the route). A worker sending the notices is killed with SIGKILL midway;
a second worker finishes. Every route's member got exactly one reply, and every decision sent
again with its id (a client retrying after the crash) changes nothing: no second decision row,
no second notice job."""

from __future__ import annotations

import contextlib
import signal
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from plugins_for_tests.support import FAST_JOBS, cli_env, unionline_cli, wait_for, waited

from unionline import Actor, Grant, runtime
from unionline.runtime import Runtime
from unionline.testing.support import make_settings

APPLICATIONS = 150
NOTICE = "docflow.notify_member"


@contextlib.asynccontextmanager
async def docflow_runtime(url: str) -> AsyncIterator[Runtime]:
    settings = make_settings(url, plugins=["docflow"], jobs=FAST_JOBS)
    rt = runtime.build(*runtime.from_settings(settings))
    async with rt.running(migrate=True, execute_jobs=False):
        yield rt


async def seed(rt: Runtime) -> list[tuple[uuid.UUID, Actor]]:
    """APPLICATIONS applications on a one-step route each; their steps and the deciding chair."""
    from unionline.appeals.services import receive_message
    from unionline.members.services import create_member
    from unionline.operators.services import create_operator
    from unionline.organizations.schemas import OrganizationCreate
    from unionline.organizations.services import create as create_org
    from unionline.plugins.docflow import catalog, processes
    from unionline.plugins.docflow.schemas import (
        NewJournal,
        NewKind,
        NewProcess,
        StageSpec,
        StartProcess,
    )

    admin = Actor(
        operator_id=uuid.uuid4(),
        grants=(Grant("admin", None),),
        permissions=frozenset(rt.registry.permissions),
    )
    org = await create_org(admin, OrganizationCreate(name="Профком", code="PK"))
    chair_id = await create_operator("chair", "password-123", grants=[Grant("supervisor", org.id)])
    chair = await __import__("unionline").actor_for(chair_id)
    journal = await catalog.create_journal(
        admin, NewJournal(organization_id=org.id, name="Заявления", number_format="МП-{seq}")
    )
    kind = await catalog.create_kind(
        admin,
        NewKind(
            organization_id=org.id,
            code="aid",
            name="Заявление",
            category="application",
            journal_id=journal.id,
        ),
    )
    process = await processes.create(
        admin,
        NewProcess(
            organization_id=org.id,
            name="Материальная помощь",
            kind_id=kind.id,
            audience="member",
            stages=[StageSpec(assignees=[chair_id])],
        ),
    )
    row = await processes.load(process.id)
    steps = []
    for n in range(APPLICATIONS):
        member = await create_member(None, org.id, full_name=f"Член профсоюза {n}")
        appeal, _ = await receive_message(
            organization_id=org.id,
            member_id=member,
            channel="telegram",
            channel_account_id=None,
            text=f"Прошу матпомощь {n}",
            external_id=f"m{n}",
        )
        doc = await processes.launch(
            None,
            row,
            org.id,
            StartProcess(title=f"Заявление {n}", member_id=member, appeal_id=appeal.id),
        )
        step = await rt.db.fetchone("SELECT id FROM docflow_step WHERE document_id = {}", doc.id)
        assert step is not None
        steps.append((uuid.UUID(str(step["id"])), chair))
    return steps


async def count(rt: Runtime, sql: str, *args: object) -> int:
    row = await rt.db.fetchone(sql, *args)
    return int(row["n"]) if row else 0


@pytest.mark.slow
async def test_decisions_and_their_notices_once_across_a_killed_worker(
    unionline_database_url: str, tmp_path: Path
) -> None:
    from unionline.plugins.docflow import routing
    from unionline.plugins.docflow.schemas import NewDecision

    async with docflow_runtime(unionline_database_url) as rt:
        steps = await seed(rt)
        decisions = [(step, actor, uuid.uuid4()) for step, actor in steps]
        for step, actor, decision in decisions:
            await routing.decide(actor, step, NewDecision(decision_id=decision, verdict="approve"))
        assert await count(rt, "SELECT COUNT(*) AS n FROM system_job WHERE name = {}", NOTICE) == (
            APPLICATIONS
        )
        notices = "SELECT COUNT(*) AS n FROM docflow_link WHERE kind = 'notice'"
        env = cli_env(unionline_database_url) | {"UNIONLINE_PLUGINS": "docflow"}
        env.pop("UNIONLINE_PLUGIN_PATHS", None)
        log = tmp_path / "workers.log"
        first = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def under_way() -> bool:
                return await count(rt, notices) >= APPLICATIONS // 5

            await wait_for(under_way, 120, "the first worker to get going")
        finally:
            first.send_signal(signal.SIGKILL)
            await waited(first, 30)
        assert await count(rt, notices) < APPLICATIONS, "the worker finished before it was killed"

        # A client retrying every decision after the crash: the same ids change nothing.
        for step, actor, decision in decisions:
            await routing.decide(actor, step, NewDecision(decision_id=decision, verdict="approve"))

        second = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def all_sent() -> bool:
                pending = await count(
                    rt,
                    "SELECT COUNT(*) AS n FROM system_job WHERE name = {}"
                    " AND status IN ('pending', 'running')",
                    NOTICE,
                )
                return await count(rt, notices) >= APPLICATIONS and not pending

            await wait_for(all_sent, 180, f"the second worker\n{log.read_text()[-2000:]}")
        finally:
            second.send_signal(signal.SIGTERM)
            await waited(second, 60)

        assert await count(rt, "SELECT COUNT(*) AS n FROM docflow_decision") == APPLICATIONS
        assert await count(rt, notices) == APPLICATIONS
        assert await count(rt, "SELECT COUNT(*) AS n FROM system_job WHERE name = {}", NOTICE) == (
            APPLICATIONS
        )
        replies = await rt.db.fetch(
            "SELECT appeal_id, COUNT(*) AS n FROM appeal_timeline WHERE kind = 'message_out'"
            " AND body LIKE {} GROUP BY appeal_id",
            "Ваше заявление № МП-%",
        )
        assert len(replies) == APPLICATIONS and {int(r["n"]) for r in replies} == {1}
        dead = await count(
            rt, "SELECT COUNT(*) AS n FROM system_job WHERE status = 'dead' AND name = {}", NOTICE
        )
        assert dead == 0
