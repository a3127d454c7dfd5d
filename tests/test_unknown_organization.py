"""An organization id that names no organization is refused naming the field the client sent
it in (``organization_id``, ``parent_id``), wherever a request names one: query, path or body."""

from __future__ import annotations

import uuid

import pytest

from unionline.testing.support import AppHarness

pytestmark = pytest.mark.unionline_plugins(
    "campaigns",
    "docflow",
    "knowledge",
    "meetings",
    "reports",
    "satisfaction",
    "tasks",
    "timekeeping",
)

NOWHERE = str(uuid.uuid4())
# What a list needs besides the organization to be answered at all.
DAYS = {"since": "2026-01-01", "until": "2026-01-31"}
NEEDS = {
    "/api/reports": DAYS,
    "/api/reports/export": DAYS,
    "/api/reports/appeals": {**DAYS, "metric": "first_responses"},
}
# Answered 404 naming ``id`` before (plugins' organization_ancestors). So did docflow/kinds,
# knowledge/articles and categories and timekeeping/schedules, whose organization is a list's
# filter: they answer an empty list now (docs/api.md; tests/test_org_scope_answers.py).
ONCE_NAMED_ID = ["/api/timekeeping/organizations/{organization_id}/policy"]


def organization_gets(app: AppHarness) -> list[str]:
    """Every GET operation naming ``organization_id`` in its path or query (and no other object
    in its path)."""
    schema = app.app.openapi_schema.to_schema()
    return sorted(
        path
        for path, item in schema["paths"].items()
        if "organization_id" in {p["name"] for p in item.get("get", {}).get("parameters", [])}
        and "{" not in path.replace("{organization_id}", "")
    )


async def get(app: AppHarness, path: str) -> tuple[int, str | None]:
    params = dict(NEEDS.get(path, {}))
    if "{organization_id}" not in path:
        params["organization_id"] = NOWHERE
    url = path.replace("{organization_id}", NOWHERE)
    response = await app.client.get(url, params=params, headers=app.admin_headers)
    is_json = response.headers.get("content-type", "").startswith("application/json")
    error = response.json().get("error") if is_json and response.status_code >= 400 else None
    return response.status_code, error.get("field") if error else None


async def test_an_unknown_organization_in_a_query_or_path_is_named(
    unionline_app: AppHarness,
) -> None:
    answers = {path: await get(unionline_app, path) for path in organization_gets(unionline_app)}
    assert {p: a for p, a in answers.items() if a[0] == 404 and a[1] != "organization_id"} == {}
    assert {p: answers[p] for p in ONCE_NAMED_ID} == {
        p: (404, "organization_id") for p in ONCE_NAMED_ID
    }


async def test_an_unknown_parent_is_named_parent_id(unionline_app: AppHarness) -> None:
    client, headers = unionline_app.client, unionline_app.admin_headers
    created = await client.post(
        "/api/organizations",
        json={"name": "Профком завода", "code": "ZAVOD", "kind": "primary", "parent_id": NOWHERE},
        headers=headers,
    )
    assert (created.status_code, created.json()["error"]["field"]) == (404, "parent_id")
    root = await client.post(
        "/api/organizations", json={"name": "Федерация", "code": "FED"}, headers=headers
    )
    assert root.status_code == 201, root.text
    moved = await client.post(
        f"/api/organizations/{root.json()['id']}/move", json={"parent_id": NOWHERE}, headers=headers
    )
    assert (moved.status_code, moved.json()["error"]["field"]) == (404, "parent_id")


async def test_an_unknown_organization_in_a_body_is_named(unionline_app: AppHarness) -> None:
    response = await unionline_app.client.post(
        "/api/knowledge/articles",
        json={"organization_id": NOWHERE, "title": "Как вступить в профсоюз"},
        headers=unionline_app.admin_headers,
    )
    assert (response.status_code, response.json()["error"]["field"]) == (404, "organization_id")
