"""The app starts on an empty database, serves health, schema, and the admin plugin list."""

from __future__ import annotations

from unionline.testing import AppHarness


async def test_ready_and_schema_are_served(unionline_app: AppHarness) -> None:
    client = unionline_app.client
    ready = await client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert "/api/plugins" in schema.json()["paths"]
    assert ready.headers["x-request-id"]


async def test_plugins_api_needs_an_admin(unionline_app: AppHarness) -> None:
    client = unionline_app.client
    anonymous = await client.get("/api/plugins")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    _, token = await unionline_app.create_operator("ivanova", "operator")
    denied = await client.get("/api/plugins", headers={"Authorization": f"Bearer {token}"})
    assert denied.status_code == 403
    listed = await client.get("/api/plugins", headers=unionline_app.admin_headers)
    assert listed.status_code == 200
    names = {p["name"]: p for p in listed.json()}
    assert names["core.operators"]["enabled"] is True
    assert "actor_from_request" in names["core.operators"]["hooks"]


async def test_session_login_then_me(unionline_app: AppHarness) -> None:
    client = unionline_app.client
    await unionline_app.create_operator("petrov", "supervisor", password="correct-horse")
    wrong = await client.post("/api/auth/login", json={"login": "petrov", "password": "nope"})
    assert wrong.status_code == 401
    ok = await client.post("/api/auth/login", json={"login": "Petrov", "password": "correct-horse"})
    assert ok.status_code == 200, ok.text
    assert "httponly" in ok.headers["set-cookie"].lower()
    me = await client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["login"] == "petrov"


async def test_bad_body_names_the_field(unionline_app: AppHarness) -> None:
    response = await unionline_app.client.post(
        "/api/auth/login", json={"login": "x", "password": 5}
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "password"


async def test_events_relayed_while_the_bus_is_down_are_left_to_the_log(
    unionline_settings, caplog
) -> None:
    """Litestar starts the realtime bus after the runtime and stops it before: a batch relayed in
    that window is not an error (subscribers fill gaps from the event log) and logs none."""
    import logging

    import msgspec

    from unionline.events import StoredEvent
    from unionline.realtime import event_sink, make_channels

    sink = event_sink(make_channels(unionline_settings))
    batch = [StoredEvent(1, 1, "appeal.created", None, msgspec.Raw(b"{}"))]
    with caplog.at_level(logging.DEBUG, logger="unionline.realtime"):
        await sink(batch)
    assert [r.levelname for r in caplog.records] == ["DEBUG"]
    assert "left to the log" in caplog.records[0].getMessage()
