"""REST API of robots: rules, their log and dry runs, the registered actions."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from unionline.robots import catalog, dryrun, services
from unionline.robots.schemas import (
    ActionInfo,
    DryRunDefinition,
    DryRunRequest,
    DryRunResult,
    ExecutionPage,
    RuleCreate,
    RuleUpdate,
    RuleView,
)
from unionline.text import TextQuery
from unionline.web import CurrentActor


def _limit(limit: int) -> int:
    return max(1, min(200, limit))


class RobotController(Controller):
    path = "/api/robots"
    tags = ("robots",)

    @get("/rules")
    async def list_rules(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> list[RuleView]:
        """Rules of the caller's organizations (``robots.read``)."""
        return await services.list_rules(actor, organization_id)

    @post("/rules")
    async def create_rule(self, actor: CurrentActor, data: JSONBody[RuleCreate]) -> RuleView:
        """Create a rule (``robots.manage`` over its organization); actions' parameters are
        checked against the actions (422 naming e.g. ``actions[1].params.status``)."""
        return await services.create_rule(actor, data)

    @get("/rules/{rule_id:uuid}")
    async def get_rule(self, actor: CurrentActor, rule_id: FromPath[uuid.UUID]) -> RuleView:
        return await services.get_rule(actor, rule_id)

    @patch("/rules/{rule_id:uuid}")
    async def update_rule(
        self, actor: CurrentActor, rule_id: FromPath[uuid.UUID], data: JSONBody[RuleUpdate]
    ) -> RuleView:
        """Change the fields given."""
        return await services.update_rule(actor, rule_id, data)

    @post("/rules/{rule_id:uuid}/enable", status_code=200)
    async def enable_rule(self, actor: CurrentActor, rule_id: FromPath[uuid.UUID]) -> RuleView:
        return await services.set_enabled(actor, rule_id, True)

    @post("/rules/{rule_id:uuid}/disable", status_code=200)
    async def disable_rule(self, actor: CurrentActor, rule_id: FromPath[uuid.UUID]) -> RuleView:
        return await services.set_enabled(actor, rule_id, False)

    @delete("/rules/{rule_id:uuid}", status_code=HTTP_204_NO_CONTENT)
    async def delete_rule(self, actor: CurrentActor, rule_id: FromPath[uuid.UUID]) -> None:
        """Delete a rule; its past executions stay in the log."""
        await services.delete_rule(actor, rule_id)

    @post("/rules/{rule_id:uuid}/dry-run", status_code=200)
    async def dry_run_rule(
        self,
        actor: CurrentActor,
        rule_id: FromPath[uuid.UUID],
        data: JSONBody[DryRunRequest],
    ) -> DryRunResult:
        """What the rule would have done on the last ``limit`` triggers; changes nothing."""
        return await dryrun.dry_run_rule(actor, rule_id, data.limit)

    @post("/dry-run", status_code=200)
    async def dry_run_definition(
        self, actor: CurrentActor, data: JSONBody[DryRunDefinition]
    ) -> DryRunResult:
        """A dry run of an unsaved rule."""
        return await dryrun.dry_run_definition(actor, data)

    @get("/rules/{rule_id:uuid}/log")
    async def rule_log(
        self,
        actor: CurrentActor,
        rule_id: FromPath[uuid.UUID],
        cursor: TextQuery = None,
        limit: FromQuery[int] = 50,
        all: FromQuery[bool] = False,
    ) -> ExecutionPage:
        """The rule's executions, newest first (``all``: with timers that did not match)."""
        return await services.rule_log(actor, rule_id, cursor, _limit(limit), all)

    @get("/log")
    async def log(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID | None] = None,
        cursor: TextQuery = None,
        limit: FromQuery[int] = 50,
        all: FromQuery[bool] = False,
    ) -> ExecutionPage:
        """The rules log of the caller's organizations, newest first."""
        return await services.log(actor, organization_id, cursor, _limit(limit), all)

    @get("/appeals/{appeal_id:uuid}/log")
    async def appeal_log(
        self,
        actor: CurrentActor,
        appeal_id: FromPath[uuid.UUID],
        cursor: TextQuery = None,
        limit: FromQuery[int] = 50,
    ) -> ExecutionPage:
        """What rules did to one appeal, newest first."""
        return await services.appeal_log(actor, appeal_id, cursor, _limit(limit))

    @get("/actions")
    async def list_actions(self, actor: CurrentActor) -> list[ActionInfo]:
        """Registered actions with their titles and parameters' JSON schema."""
        return await services.list_actions(actor)

    @get("/catalog")
    async def builder_catalog(self, actor: CurrentActor) -> catalog.Catalog:
        """What the visual rule builder offers: events with human names, timer fields,
        condition kinds with their operators, actions with a label and a control per
        parameter (plugins' events and actions included while they are enabled)."""
        actor.require(services.READ)
        return catalog.build()

    @get("/event-types")
    async def event_types(self, actor: CurrentActor) -> list[str]:
        """Event types a rule can be triggered by (core and the enabled plugins')."""
        actor.require(services.READ)
        return services.event_types()
