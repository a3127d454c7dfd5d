"""An actor whose permissions reach no organization (an SSO plugin's actor holding permissions
but no grant) is answered with empty lists, never a 500: piccolo's ``is_in([])`` raises, and
PostgreSQL refuses an empty ``IN ()``."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar import Request

from unionline import Actor, hookimpl
from unionline.settings import Settings
from unionline.testing.support import AppHarness, running_app

pytestmark = pytest.mark.unionline_plugins(
    "campaigns", "docflow", "knowledge", "meetings", "reports", "satisfaction", "tasks"
)

HEADER = "x-sso-operator"
DAYS = {"since": "2026-01-01", "until": "2026-01-31"}
# The parameters a list needs to be answered at all (otherwise a 400 would hide its query).
QUERIES: dict[str, dict[str, str]] = {
    "/api/reports": DAYS,
    "/api/reports/export": DAYS,
    "/api/reports/appeals": {**DAYS, "metric": "first_responses"},
}


class NoOrganizations:
    """An SSO stand-in: the header's operator holds every permission and no grant."""

    def __init__(self) -> None:
        self.permissions: frozenset[str] = frozenset()

    @hookimpl
    async def actor_from_request(self, request: Request[Any, Any, Any]) -> Actor | None:
        raw = request.headers.get(HEADER)
        if raw is None:
            return None
        return Actor(operator_id=uuid.UUID(raw), name="sso", permissions=self.permissions)


def list_paths(app: AppHarness) -> list[str]:
    """Every GET operation of the API without a path parameter."""
    schema = app.app.openapi_schema.to_schema()
    return sorted(
        path
        for path, item in schema["paths"].items()
        if "get" in item and "{" not in path and path.startswith("/api/")
    )


async def test_every_list_answers_an_actor_without_organizations(
    unionline_settings: Settings,
) -> None:
    sso = NoOrganizations()
    async with running_app(unionline_settings, migrate=True, extra_plugins={"sso": sso}) as app:
        sso.permissions = frozenset(app.runtime.registry.permissions)
        operator_id, _ = await app.create_operator("sso-user", "observer")
        headers = {HEADER: str(operator_id)}
        answers = {}
        for path in list_paths(app):
            response = await app.client.get(path, params=QUERIES.get(path), headers=headers)
            answers[path] = response.status_code
        assert {p: s for p, s in answers.items() if s >= 500} == {}
        assert {p for p in QUERIES if answers[p] != 200} == set()
        assert (await app.client.get("/api/operators", headers=headers)).json()["items"] == []
        # An SSO actor with no account here (it was an assert: a 500) is described from itself.
        nobody = {HEADER: str(uuid.uuid4())}
        me = await app.client.get("/api/auth/me", headers=nobody)
        assert me.status_code == 200, me.text
        assert (me.json()["id"], me.json()["name"], me.json()["login"]) == (
            nobody[HEADER],
            "sso",
            "",
        )
        assert me.json()["permissions"] == sorted(sso.permissions)
