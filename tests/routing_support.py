"""Helpers of the routing tests: organizations, operators with capacity and skills, queues,
presence without a socket, and settling the event → job → event chains routing runs."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import msgspec
import pytest

from unionline.access import Grant
from unionline.appeals.services import create_appeal
from unionline.members.services import create_member
from unionline.operators.services import create_operator, create_token
from unionline.routing import presence
from unionline.routing.config import RoutingSettings
from unionline.runtime import current
from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness
from unionline.testing.support import make_settings


def routing_settings(database_url: str, **routing: Any) -> Settings:
    """Test settings with a ``[routing]`` section (no grace period unless asked)."""
    data = msgspec.to_builtins(make_settings(database_url))
    data["routing"] = {"offline_grace_seconds": 0, **routing}
    return msgspec.convert(data, settings_type({"routing": RoutingSettings}))


@pytest.fixture
def unionline_settings(unionline_database_url: str) -> Settings:
    return routing_settings(unionline_database_url)


async def org(
    h: AppHarness, code: str, parent: uuid.UUID | None = None, kind: str = "primary"
) -> uuid.UUID:
    body: dict[str, Any] = {"name": f"Организация {code}", "code": code, "kind": kind}
    if parent is not None:
        body["parent_id"] = str(parent)
    r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def operator(
    login: str,
    organization_id: uuid.UUID | None,
    *,
    role: str = "operator",
    capacity: int = 10,
    skills: tuple[str, ...] = (),
) -> uuid.UUID:
    return await create_operator(
        login,
        "password-123",
        grants=[Grant(role, organization_id)],
        capacity=capacity,
        skills=skills,
    )


async def token(operator_id: uuid.UUID) -> dict[str, str]:
    return {"Authorization": f"Bearer {await create_token(operator_id, 'test')}"}


async def online(operator_id: uuid.UUID) -> str:
    """Open a console connection for the operator (the socket's own path, without a socket)."""
    connection = f"test-{uuid.uuid4().hex}"
    await presence.connected(operator_id, connection)
    return connection


async def offline(operator_id: uuid.UUID, connection: str) -> None:
    await presence.disconnected(operator_id, connection)


async def queue(
    h: AppHarness, organization_id: uuid.UUID, name: str = "Общая", **fields: Any
) -> uuid.UUID:
    body = {"organization_id": str(organization_id), "name": name, "is_default": True, **fields}
    r = await h.client.post("/api/routing/queues/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def member(organization_id: uuid.UUID, name: str = "Иван Петров") -> uuid.UUID:
    return await create_member(None, organization_id, full_name=name)


async def appeal(
    organization_id: uuid.UUID,
    member_id: uuid.UUID,
    *,
    priority: str = "normal",
    queue_id: uuid.UUID | None = None,
) -> uuid.UUID:
    view = await create_appeal(
        None,
        organization_id=organization_id,
        member_id=member_id,
        subject="Вопрос",
        channel="reference",
        priority=priority,
        queue_id=queue_id,
    )
    return view.id


SOON = 1.5  # routing coalesces some jobs to the end of the current second


async def settle(h: AppHarness, rounds: int = 40) -> None:
    """Run events and jobs due now or within a second and a half (routing chains them, and
    batches drains by the second) until nothing more is due that soon.

    The drain of operators who came online (``presence._drain_soon``, due at the end of the
    current second) is made due at once rather than slept for (half of the routing tests'
    time was that sleep); it runs through the job queue as it would at its time, nothing else
    happening meanwhile. Once done its row goes, as if the second were over: an operator
    coming online later in the same second then gets a drain of their own, where the early
    run's idempotency key would have refused one — impossible in production, where the
    second's drain runs only after it."""
    rt = current()
    drains = f"{presence.DRAIN_JOB}:online:%"
    await rt.db.execute(
        "UPDATE system_job SET run_at = {} WHERE status = 'pending' AND name = {}"
        " AND idempotency_key LIKE {}",
        time.time(),
        presence.DRAIN_JOB,
        drains,
    )
    await _settle(h, rt, rounds)
    await rt.db.execute(
        "DELETE FROM system_job WHERE status = 'done' AND name = {} AND idempotency_key LIKE {}",
        presence.DRAIN_JOB,
        drains,
    )


async def _settle(h: AppHarness, rt: Any, rounds: int) -> None:
    for _ in range(rounds):
        await h.settle()
        due = await rt.jobs.next_due()
        pending = await rt.db.fetchone(
            "SELECT COUNT(*) AS n FROM system_event WHERE position IS NULL"
        )
        if pending and int(pending["n"]):
            continue
        if due is None or due > time.time() + SOON:
            return
        await asyncio.sleep(max(0.0, due - time.time()))
    raise AssertionError("routing did not settle")


async def assignee(appeal_id: uuid.UUID) -> uuid.UUID | None:
    row = await current().db.fetchone(
        "SELECT assignee_id FROM appeal_appeal WHERE id = {}", appeal_id
    )
    assert row is not None
    value = row["assignee_id"]
    return uuid.UUID(str(value)) if value else None


async def field(appeal_id: uuid.UUID, name: str) -> Any:
    row = await current().db.fetchone(
        f"SELECT {name} FROM appeal_appeal WHERE id = {{}}", appeal_id
    )
    assert row is not None
    return row[name]
