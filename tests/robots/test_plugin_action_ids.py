"""Plugins' robot actions and ids: a malformed id in a rule's parameters, or a chosen-person
option with nobody chosen, is refused when the rule is saved (422 naming the field); an id in
the trigger's event that is not a UUID fails the step for good in the rules log, naming the
field — never a ``ValueError`` that the job system retries."""

from __future__ import annotations

import types
import uuid
from collections.abc import AsyncIterator
from typing import Any, Union, get_args, get_origin

import msgspec
import pytest
from appeals_support import inbound, make_member, make_org

from unionline import hookimpl
from unionline.errors import PermanentFailure
from unionline.events import Event
from unionline.registry import EventsRegistrar
from unionline.robots.sdk import NoParams, RobotAction, RobotContext
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.support import running_app

PLUGINS = ("campaigns", "docflow", "meetings", "satisfaction", "tasks", "timekeeping")
pytestmark = pytest.mark.unionline_plugins(*PLUGINS)


class OutsideTask(Event, kw_only=True, tag="test.outside_task"):
    """Another plugin's event with a ``task_id`` of its own kind (an outside tracker's)."""

    task_id: str


class OutsideEvents:
    @hookimpl
    def register_events(self, register: EventsRegistrar) -> None:
        register(OutsideTask)


@pytest.fixture
async def app(unionline_settings: Settings) -> AsyncIterator[AppHarness]:
    async with running_app(
        unionline_settings, migrate=True, extra_plugins={"outside": OutsideEvents()}
    ) as harness:
        yield harness


def _is_uuid(kind: Any) -> bool:
    if kind is uuid.UUID:
        return True
    if get_origin(kind) in (Union, types.UnionType):
        return any(_is_uuid(k) for k in get_args(kind))
    return False


def uuid_fields(action: RobotAction[Any]) -> list[str]:
    return [f.name for f in msgspec.structs.fields(action.params) if _is_uuid(f.type)]


def plugin_actions(h: AppHarness) -> dict[str, RobotAction[Any]]:
    robots = h.runtime.registry.robots
    owners = h.runtime.registry.owners
    return {n: a for n, a in robots.items() if owners.get(("robot action", n), "") in PLUGINS}


async def save(h: AppHarness, org: uuid.UUID, action: str, params: dict[str, Any]) -> Any:
    body = {
        "organization_id": str(org),
        "name": "Правило",
        "trigger": {"kind": "event", "event_type": "appeal.created"},
        "actions": [{"action": action, "params": params}],
    }
    return await h.client.post("/api/robots/rules", json=body, headers=h.admin_headers)


async def test_a_malformed_id_is_refused_when_the_rule_is_saved(app: AppHarness) -> None:
    org = await make_org(app, "A")
    actions = plugin_actions(app)
    checked = 0
    for name, action in sorted(actions.items()):
        good = {f: str(uuid.uuid4()) for f in uuid_fields(action)}
        extra = {"campaigns.add_member": {}, "timekeeping.workday": {"action": "start"}}
        for field in uuid_fields(action):
            for bad in ("nope", "123", 17, ["x"], "{" + str(uuid.uuid4()) + "}"):
                params = {**extra.get(name, {}), **good, field: bad}
                if name == "tasks.set_status":
                    params["status"] = "done"
                r = await save(app, org, name, params)
                assert r.status_code == 422, (name, field, bad, r.text)
                assert r.json()["error"]["field"] == f"actions[0].params.{field}", r.text
                checked += 1
    assert checked >= 5 * 7  # every plugin with id parameters was reached


NOBODY_CHOSEN: list[tuple[str, dict[str, Any], str]] = [
    ("timekeeping.workday", {"action": "start"}, "operator_id"),
    ("timekeeping.workday", {"action": "start", "who": "operator"}, "operator_id"),
    ("tasks.create", {"responsible": "operator"}, "operator_id"),
    ("tasks.create", {"responsible": "template"}, "template_id"),
]


async def test_a_chosen_person_with_nobody_chosen_is_refused(app: AppHarness) -> None:
    org = await make_org(app, "A")
    for action, params, field in NOBODY_CHOSEN:
        r = await save(app, org, action, params)
        assert r.status_code == 422, (action, r.text)
        assert r.json()["error"]["field"] == f"actions[0].params.{field}", r.text
        chosen = {**params, field: str(uuid.uuid4())}
        assert (await save(app, org, action, chosen)).status_code == 201, action


def context(org: uuid.UUID, event: dict[str, Any], appeal_id: uuid.UUID | None = None) -> Any:
    return RobotContext(
        rule_id=uuid.uuid4(),
        organization_id=org,
        execution_id=uuid.uuid4(),
        step=0,
        appeal_id=appeal_id,
        event=event,
    )


EVENT_IDS = {
    "docflow.register": ("document_id", {}),
    "docflow.render": ("document_id", {"template_id": str(uuid.uuid4())}),
    "tasks.set_status": ("task_id", {"status": "done"}),
    "tasks.set_responsible": ("task_id", {"operator_id": str(uuid.uuid4())}),
    "tasks.set_deadline": ("task_id", {"days": 1}),
    "tasks.comment": ("task_id", {"text": "Комментарий"}),
    "tasks.notify": ("task_id", {}),
    "meetings.send_link": ("meeting_id", {}),
}


async def test_an_event_id_that_is_not_a_uuid_fails_for_good(app: AppHarness) -> None:
    org = await make_org(app, "A")
    appeal, _ = await inbound(org, await make_member(org), "Вопрос")
    for action, (field, params) in EVENT_IDS.items():
        step = app.runtime.registry.robots[action]
        typed = msgspec.convert(params, step.params) if params else NoParams()
        for raw in ("T-17", 17, "g" * 32, ["x"]):
            with pytest.raises(PermanentFailure) as refused:
                await step.run(context(org, {field: raw}, appeal.id), typed)
            assert field in str(refused.value), (action, raw)
        # a well-formed id of nothing is a failure too (the service's «not found»)
        missing = context(org, {field: str(uuid.uuid4())}, appeal.id)
        outcome = await _outcome(step, missing, typed)
        assert outcome is None or "нет" in outcome, (action, outcome)


async def _outcome(step: RobotAction[Any], ctx: RobotContext, params: Any) -> str | None:
    """None when the step failed (raised a service error), else its summary."""
    from unionline.errors import ServiceError

    try:
        return (await step.run(ctx, params)).summary
    except (PermanentFailure, ServiceError):
        return None


async def test_the_rules_log_shows_the_failed_step(app: AppHarness) -> None:
    """Through the engine: the step fails at its first run, the execution is ``failed`` with
    the reason naming the field, and nothing is left to retry."""
    org = await make_org(app, "A")
    body = {
        "organization_id": str(org),
        "name": "Комментарий к задаче",
        "trigger": {"kind": "event", "event_type": "test.outside_task"},
        "actions": [{"action": "tasks.comment", "params": {"text": "Срок истёк"}}],
    }
    r = await app.client.post("/api/robots/rules", json=body, headers=app.admin_headers)
    assert r.status_code == 201, r.text
    async with app.runtime.db.transaction():
        await app.runtime.events.publish(OutsideTask(organization_id=org, task_id="JIRA-17"))
    await app.settle()
    log = await app.client.get(f"/api/robots/rules/{r.json()['id']}/log", headers=app.admin_headers)
    [execution] = log.json()["items"]
    assert execution["status"] == "failed", execution
    assert "task_id" in execution["reason"] and "JIRA-17" in execution["reason"], execution
    [step] = execution["steps"]
    assert step["ok"] is False
    jobs = await app.runtime.db.fetch(
        "SELECT status, attempts FROM system_job WHERE name = 'robots.fire'"
    )
    assert [int(j["attempts"]) for j in jobs] == [1], jobs
