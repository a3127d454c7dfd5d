"""What the OpenAPI document says of the campaigns' routes is what they do (tests/
test_api_schema.py runs schemathesis over them; these are the cases it found)."""

from __future__ import annotations

import pytest

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


async def test_the_segment_export_is_documented_as_csv_or_xlsx(
    unionline_app: AppHarness,
) -> None:
    document = unionline_app.app.openapi_schema.to_schema()
    answer = document["paths"]["/api/campaigns/segments/export"]["post"]["responses"]["200"]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert set(answer["content"]) == {"text/csv", xlsx}
    answered = {}
    for kind in ("csv", "xlsx"):
        exported = await unionline_app.client.post(
            "/api/campaigns/segments/export",
            headers=unionline_app.admin_headers,
            json={"format": kind},
        )
        assert exported.status_code == 200
        answered[kind] = exported.headers["content-type"]
    # One charset (the CSV's was named twice: "text/csv; charset=utf-8; charset=utf-8").
    assert answered == {"csv": "text/csv; charset=utf-8", "xlsx": xlsx}
