"""Dead letters through the admin API: listed, counted, retried (and then run), discarded."""

from __future__ import annotations

import pytest
from plugins_for_tests.jobsink import JOB, Apply, create_tables
from plugins_for_tests.support import PLUGIN_PATHS, settle, sink

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("jobsink")


@pytest.fixture(autouse=True)
def jobsink_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONLINE_PLUGIN_PATHS", PLUGIN_PATHS)


async def test_admin_lists_retries_and_discards_dead_letters(unionline_app: AppHarness) -> None:
    rt, client, admin = unionline_app.runtime, unionline_app.client, unionline_app.admin_headers
    await create_tables(rt.db)
    flaky = await rt.jobs.enqueue(JOB, Apply(value=10, fail_times=2), key="a", max_attempts=2)
    doomed = await rt.jobs.enqueue(JOB, Apply(permanent=True), key="b")
    fine = await rt.jobs.enqueue(JOB, Apply(value=1), key="c")
    await settle(rt)

    dead = await client.get("/api/jobs", params={"status": "dead"}, headers=admin)
    assert dead.status_code == 200
    assert [(j["id"], j["attempts"]) for j in dead.json()] == [(flaky, 2), (doomed, 1)]
    assert dead.json()[0]["last_error"] == "ConnectionError: transient failure on attempt 2"
    counts = await client.get("/api/jobs/counts", headers=admin)
    assert counts.json()["dead"] == 2
    assert counts.json()["done"] >= 1  # core plugins may have run jobs of their own

    retried = await client.post(f"/api/jobs/{flaky}/retry", headers=admin)
    assert retried.status_code == 200, retried.text
    # Due at once with fresh attempts (the app's executor may already have picked it up).
    assert retried.json()["status"] in ("pending", "running", "done")
    assert retried.json()["attempts"] <= 1
    await settle(rt)
    job = await rt.jobs.get(flaky)  # type: ignore[arg-type]
    assert job is not None and job.status == "done"
    assert (await sink(rt)).total == 11

    discarded = await client.post(f"/api/jobs/{doomed}/discard", headers=admin)
    assert discarded.status_code == 200
    assert discarded.json()["id"] == doomed
    remaining = await client.get("/api/jobs", headers=admin)
    assert [j["id"] for j in remaining.json() if j["name"] == JOB] == [flaky, fine]
    assert (await client.get("/api/jobs/counts", headers=admin)).json()["dead"] == 0


async def test_only_dead_letters_can_be_retried_or_discarded(unionline_app: AppHarness) -> None:
    rt, client, admin = unionline_app.runtime, unionline_app.client, unionline_app.admin_headers
    await create_tables(rt.db)
    done = await rt.jobs.enqueue(JOB, Apply(), key="done")
    await settle(rt)
    for action in ("retry", "discard"):
        refused = await client.post(f"/api/jobs/{done}/{action}", headers=admin)
        assert refused.status_code == 409
        assert refused.json()["error"]["field"] == "job_id"
        missing = await client.post(f"/api/jobs/999999/{action}", headers=admin)
        assert missing.status_code == 404
    job = await rt.jobs.get(done)  # type: ignore[arg-type]
    assert job is not None and job.status == "done"


async def test_jobs_api_is_for_administrators(unionline_app: AppHarness) -> None:
    client = unionline_app.client
    assert (await client.get("/api/jobs")).status_code == 401
    _, token = await unionline_app.create_operator("sidorova", "operator")
    operator = {"Authorization": f"Bearer {token}"}
    for method, path in [
        ("GET", "/api/jobs"),
        ("GET", "/api/jobs/counts"),
        ("POST", "/api/jobs/1/retry"),
        ("POST", "/api/jobs/1/discard"),
    ]:
        response = await client.request(method, path, headers=operator)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"]["code"] == "forbidden"
