"""Numbers beyond what the database holds, in plugins' paths, queries and bodies, are a 400
naming the parameter — found by schemathesis over the plugins' routes with more examples than CI
runs: a revision number or an offset of 27 digits reached the database (SQLite: ``Python int
too large to convert to SQLite INTEGER``) and answered 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge", "tasks")

HUGE = [2**31, 2**63, 818261033983343201353728, -9415599684869529600]


def _field(answer: Any) -> Any:
    return answer.json().get("error", {}).get("field") if answer.status_code < 500 else None


async def test_huge_numbers_are_refused_naming_the_parameter(unionline_app: AppHarness) -> None:
    h, article = unionline_app, uuid.uuid4()
    base = f"/api/knowledge/articles/{article}"
    for n in HUGE:
        calls: list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None, str]] = [
            ("get", "/api/tasks/", {"offset": n}, None, "offset"),
            ("get", f"{base}/revisions/{abs(n)}", None, None, "number"),
            ("post", f"{base}/revisions/{abs(n)}/restore", None, {"base_revision": 1}, "number"),
            ("post", f"{base}/revisions/1/restore", None, {"base_revision": n}, "base_revision"),
            ("get", f"{base}/diff", {"old": n, "new": 1}, None, "old"),
            ("get", f"{base}/diff", {"old": 1, "new": n}, None, "new"),
            ("put", base, None, {"revision": n, "title": "Т", "body": ""}, "revision"),
            ("post", f"{base}/status", None, {"status": "review", "revision": n}, "revision"),
        ]
        for method, url, params, body, field in calls:
            answer = await h.client.request(
                method, url, params=params, json=body, headers=h.admin_headers
            )
            assert (answer.status_code, _field(answer)) == (400, field), (url, n, answer.text)
    category = {"organization_id": str(uuid.uuid4()), "title": "Раздел", "position": 2**63}
    answer = await h.client.post(
        "/api/knowledge/categories", json=category, headers=h.admin_headers
    )
    assert (answer.status_code, _field(answer)) == (400, "position"), answer.text


async def test_a_task_list_offset_is_a_page_or_a_400(unionline_app: AppHarness) -> None:
    """Up to the bound, a page (empty past the end); beyond it, a 400 naming it."""
    h = unionline_app
    for offset, status in ((0, 200), (1_000_000, 200), (1_000_001, 400), (-1, 400)):
        answer = await h.client.get(
            "/api/tasks/", params={"offset": offset}, headers=h.admin_headers
        )
        assert answer.status_code == status, (offset, answer.text)
        if status == 200:
            assert answer.json()["items"] == []
        else:
            assert _field(answer) == "offset"
