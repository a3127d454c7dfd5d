"""Acceptance: a worker sending reminders for a morning of meetings is killed with SIGKILL; a
second worker finishes. Each participant gets exactly one reminder for each meeting — the
reminder jobs are keyed by participant and start, and each claims its delivery key in the
transaction that writes the member's message (or the operator's notice)."""

from __future__ import annotations

import contextlib
import signal
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from meetings_support import JITSI, with_meetings
from plugins_for_tests.support import FAST_JOBS, cli_env, unionline_cli, wait_for, waited

from unionline import Actor, Grant, now, runtime
from unionline.runtime import Runtime
from unionline.testing.support import make_settings

MEETINGS = 120  # each with its organizer and one member: two reminders


@contextlib.asynccontextmanager
async def meetings_runtime(url: str) -> AsyncIterator[Runtime]:
    settings = with_meetings(make_settings(url, plugins=["meetings"], jobs=FAST_JOBS), JITSI)
    rt = runtime.build(*runtime.from_settings(settings))
    async with rt.running(migrate=True, execute_jobs=False):
        yield rt


async def seed(rt: Runtime) -> None:
    from unionline.appeals.services import receive_message
    from unionline.members.services import create_member
    from unionline.operators.services import create_operator
    from unionline.organizations.schemas import OrganizationCreate
    from unionline.organizations.services import create as create_org
    from unionline.plugins.meetings import services
    from unionline.plugins.meetings.schemas import MeetingCreate

    admin = Actor(
        operator_id=uuid.uuid4(),
        grants=(Grant("admin", None),),
        permissions=frozenset(rt.registry.permissions),
    )
    org = await create_org(admin, OrganizationCreate(name="Профком", code="PK"))
    boss = await create_operator("boss", "password-123456", grants=[Grant("admin", org.id)])
    organizer = Actor(
        operator_id=boss, grants=(Grant("admin", org.id),), permissions=admin.permissions
    )
    soon = now() + timedelta(minutes=30)
    for n in range(MEETINGS):
        member = await create_member(None, org.id, full_name=f"Член профсоюза {n}")
        appeal, _ = await receive_message(
            organization_id=org.id,
            member_id=member,
            channel="telegram",
            channel_account_id=None,
            text=f"Вопрос {n}",
            external_id=f"m{n}",
        )
        await services.create(
            organizer,
            MeetingCreate(
                organization_id=org.id,
                title=f"Консультация {n}",
                starts_at=soon + timedelta(minutes=n % 20),
                member_ids=[member],
                appeal_id=appeal.id,
            ),
        )


async def count(rt: Runtime, sql: str) -> int:
    row = await rt.db.fetchone(sql)
    return int(row["n"]) if row else 0


REMINDED = "SELECT COUNT(*) AS n FROM meetings_delivery WHERE kind = 'reminder'"


@pytest.mark.slow
async def test_a_killed_worker_sends_each_reminder_exactly_once(
    unionline_database_url: str, tmp_path: Path
) -> None:
    from unionline.plugins.meetings.clock import CLOCK

    async with meetings_runtime(unionline_database_url) as rt:
        await seed(rt)
        async with rt.db.transaction():
            await CLOCK.schedule(now=True)  # the clock the web app's startup would queue
        env = cli_env(unionline_database_url) | {
            "UNIONLINE_PLUGINS": "meetings",
            "UNIONLINE_MEETINGS__JITSI_APP_ID": JITSI["jitsi_app_id"],
            "UNIONLINE_MEETINGS__JITSI_APP_SECRET": JITSI["jitsi_app_secret"],
            "UNIONLINE_MEETINGS__JITSI_URL": JITSI["jitsi_url"],
        }
        env.pop("UNIONLINE_PLUGIN_PATHS", None)
        log = tmp_path / "workers.log"
        first = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def under_way() -> bool:
                return await count(rt, REMINDED) >= MEETINGS // 3

            await wait_for(under_way, 120, f"the first worker\n{log.read_text()[-2000:]}")
        finally:
            first.send_signal(signal.SIGKILL)
            await waited(first, 30)
        assert await count(rt, REMINDED) < 2 * MEETINGS, "the worker finished before it was killed"

        second = unionline_cli("worker", env=env, cwd=tmp_path, log=log)
        try:

            async def all_sent() -> bool:
                pending = await count(
                    rt,
                    "SELECT COUNT(*) AS n FROM system_job WHERE name = 'meetings.remind'"
                    " AND status IN ('pending', 'running')",
                )
                return await count(rt, REMINDED) >= 2 * MEETINGS and not pending

            await wait_for(all_sent, 180, f"the second worker\n{log.read_text()[-2000:]}")
        finally:
            second.send_signal(signal.SIGTERM)
            await waited(second, 60)

        # One reminder per participant and meeting: on each member's appeal one message, in
        # each organizer's inbox one notice per meeting.
        assert await count(rt, REMINDED) == 2 * MEETINGS
        per_appeal = await rt.db.fetch(
            "SELECT appeal_id, COUNT(*) AS n FROM appeal_timeline WHERE kind = 'message_out'"
            " AND body LIKE 'Напоминаем%' GROUP BY appeal_id"
        )
        assert len(per_appeal) == MEETINGS and {int(r["n"]) for r in per_appeal} == {1}
        dead = await count(
            rt,
            "SELECT COUNT(*) AS n FROM system_job WHERE status = 'dead' AND name LIKE 'meetings.%'",
        )
        assert dead == 0
