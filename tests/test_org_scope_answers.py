"""One answer for an organization the caller cannot see (docs/api.md, «An organization you
cannot see»), with every first-party plugin — the access matrix checks the same rule
(``access_matrix_support.org_rule_problems``) with the plugins it seeds, which leave out the
knowledge base and tasks.

ALPHA's staff of every built-in role name BRAVO's organization, and then an id of no
organization, in each GET list route taking one: as a query filter both answer 200 with nothing
listed, as the route's subject both answer the same 404. Something of ALPHA's in each list (a
federation-wide article and category everyone reads, a task) shows a filter that is ignored.
"""

from __future__ import annotations

import uuid

import pytest
from access_matrix_support import Side, org_probes, org_rule_problems
from appeals_support import bearer, make_org
from litestar.routes import HTTPRoute

from unionline.access import BUILTIN_ROLES
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins(
    "campaigns", "docflow", "knowledge", "meetings", "reports", "satisfaction", "tasks",
    "timekeeping",
)  # fmt: skip


async def _seed(h: AppHarness, fed: uuid.UUID, alpha: uuid.UUID) -> None:
    async def post(url: str, **body: object) -> dict[str, str]:
        r = await h.client.post(url, json=body, headers=h.admin_headers)
        assert r.status_code == 201, r.text
        return dict(r.json())

    article = await post(
        "/api/knowledge/articles", organization_id=str(fed), title="Отпуск", body="Отпуск."
    )
    await post(
        f"/api/knowledge/articles/{article['id']}/status",
        status="published",
        revision=article["revision"],
    )
    await post("/api/knowledge/categories", organization_id=str(fed), title="Кадры")
    await post("/api/tasks/", title="Отчёт", organization_id=str(alpha))


async def test_an_organization_out_of_scope_answers_as_one_of_none(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    fed = await make_org(h, "FED", kind="federation")
    alpha = await make_org(h, "ALPHA", fed, kind="committee")
    bravo = await make_org(h, "BRAVO", fed, kind="committee")
    await _seed(h, fed, alpha)
    a, b = Side("ALPHA"), Side("BRAVO")
    a.add("org_id", alpha)
    b.add("org_id", bravo)
    routes = [
        route.path
        for route in h.app.routes
        if isinstance(route, HTTPRoute)
        and route.path.startswith("/api/")
        and any("GET" in handler.http_methods for handler in route.route_handlers)
    ]
    probes = org_probes(routes, h.app.openapi_schema.to_schema(), a)
    assert {"/api/knowledge/articles", "/api/knowledge/categories", "/api/tasks"} <= {
        p.route for p in probes if p.where == "filter"
    }
    problems = await org_rule_problems(h, probes, b, "federation", h.admin_headers)
    for role in BUILTIN_ROLES:
        _, token = await h.create_operator(f"alpha-{role}", role, alpha)
        problems += await org_rule_problems(h, probes, b, role, bearer(token))
    assert not problems, "\n".join(problems)
