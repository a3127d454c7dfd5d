"""Helpers of the robots engine tests: a plugin with test actions, settings, rules, appeals."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import msgspec

from unionline.errors import PermanentFailure
from unionline.hookspecs import hookimpl
from unionline.registry import RobotsRegistrar
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext
from unionline.runtime import current
from unionline.testing.support import make_settings


class NoteParams(msgspec.Struct, forbid_unknown_fields=True):
    text: str


class TestNote(RobotAction[NoteParams]):
    """Adds an internal note (an ``appeal.note_added`` event made by the robot)."""

    name = "test.note"
    params = NoteParams
    title: ClassVar[dict[str, str]] = {"ru": "Тестовая заметка", "en": "Test note"}

    async def run(self, ctx: RobotContext, params: NoteParams) -> ActionOutcome:
        from unionline.appeals.actions import add_note

        if ctx.dry_run:
            return ActionOutcome(summary=f"заметка «{params.text}» (проверка)")
        assert ctx.appeal_id is not None
        await add_note(None, ctx.appeal_id, params.text)
        return ActionOutcome(summary=f"заметка «{params.text}»")


class WaitParams(msgspec.Struct, forbid_unknown_fields=True):
    seconds: float


class TestWait(RobotAction[WaitParams]):
    name = "test.wait"
    params = WaitParams

    async def run(self, ctx: RobotContext, params: WaitParams) -> ActionOutcome:
        return ActionOutcome(summary=f"ждём {params.seconds} с", wait_seconds=params.seconds)


class FailParams(msgspec.Struct, forbid_unknown_fields=True):
    reason: str = "не вышло"


class TestFail(RobotAction[FailParams]):
    name = "test.fail"
    params = FailParams

    async def run(self, ctx: RobotContext, params: FailParams) -> ActionOutcome:
        if ctx.dry_run:
            return ActionOutcome(summary="упадёт")
        raise PermanentFailure(params.reason)


class StatusParams(msgspec.Struct, forbid_unknown_fields=True):
    status: str


class TestStatus(RobotAction[StatusParams]):
    name = "test.status"
    params = StatusParams

    async def run(self, ctx: RobotContext, params: StatusParams) -> ActionOutcome:
        from unionline.appeals.actions import set_status

        if ctx.dry_run:
            return ActionOutcome(summary=f"статус станет {params.status}")
        assert ctx.appeal_id is not None
        await set_status(None, ctx.appeal_id, params.status)
        return ActionOutcome(summary=f"статус {params.status}")


class RobotsTestPlugin:
    @hookimpl
    def register_robots(self, register: RobotsRegistrar) -> None:
        for action in (TestNote(), TestWait(), TestFail(), TestStatus()):
            register(action)


PLUGINS = {"robots.test": RobotsTestPlugin()}


def robots_settings(database_url: str, **robots: Any) -> Any:
    """Test settings with a ``[robots]`` section."""
    from unionline.robots.config import RobotsSettings
    from unionline.settings import settings_type

    data = msgspec.to_builtins(make_settings(database_url))
    data["robots"] = robots
    return msgspec.convert(data, settings_type({"robots": RobotsSettings}))


async def make_org(h: Any, code: str, parent: uuid.UUID | None = None) -> uuid.UUID:
    body: dict[str, Any] = {"name": f"Организация {code}", "code": code, "kind": "primary"}
    if parent is not None:
        body["parent_id"] = str(parent)
    r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["id"])


async def make_appeal(
    org: uuid.UUID,
    *,
    channel: str = "telegram",
    subject: str = "Вопрос",
    tags: tuple[str, ...] = (),
) -> uuid.UUID:
    from unionline.appeals.services import create_appeal
    from unionline.members.services import create_member

    member = await create_member(None, org, full_name="Иван Петров")
    view = await create_appeal(
        None, organization_id=org, member_id=member, subject=subject, channel=channel, tags=tags
    )
    return view.id


async def create_rule(
    h: Any, org: uuid.UUID, headers: dict[str, str] | None = None, **body: Any
) -> dict[str, Any]:
    payload = {"organization_id": str(org), "name": body.pop("name", "Правило"), **body}
    r = await h.client.post("/api/robots/rules", json=payload, headers=headers or h.admin_headers)
    assert r.status_code == 201, r.text
    return r.json()


async def executions(rule_id: str | uuid.UUID) -> list[dict[str, Any]]:
    return await current().db.fetch(
        "SELECT * FROM robot_execution WHERE rule_id = {} ORDER BY created_at",
        uuid.UUID(str(rule_id)),
    )


async def timeline_kinds(appeal_id: uuid.UUID, kind: str) -> list[dict[str, Any]]:
    return await current().db.fetch(
        "SELECT * FROM appeal_timeline WHERE appeal_id = {} AND kind = {} ORDER BY id",
        appeal_id,
        kind,
    )
