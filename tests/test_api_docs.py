"""The API is described by its OpenAPI document only: no documentation page loads a script from
a CDN, and what ``/schema`` serves carries a Content-Security-Policy."""

from __future__ import annotations

import pytest

from unionline.testing import AppHarness


@pytest.mark.parametrize("path", ["/schema/openapi.json", "/schema"])
async def test_the_schema_is_served_as_json_under_a_strict_policy(
    unionline_app: AppHarness, path: str
) -> None:
    answer = await unionline_app.client.get(path)
    assert answer.status_code == 200
    assert "/api/plugins" in answer.json()["paths"]
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/schema/swagger", "/schema/redoc", "/schema/elements", "/schema/rapidoc"]
)
async def test_no_documentation_page_loads_remote_script(
    unionline_app: AppHarness, path: str
) -> None:
    answer = await unionline_app.client.get(path)
    assert answer.status_code == 404
    assert "<script" not in answer.text
    assert "default-src 'none'" in answer.headers["content-security-policy"]
