"""The federation tree: create, move a subtree, archive; scoped visibility."""

from __future__ import annotations

from unionline.testing import AppHarness


async def _create(
    h: AppHarness, name: str, code: str, parent: str | None = None, kind: str = "primary"
) -> str:
    body = {"name": name, "code": code, "kind": kind}
    if parent:
        body["parent_id"] = parent
    r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def test_tree_move_and_scope(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await _create(h, "Федерация", "FED", kind="federation")
    south = await _create(h, "Южный комитет", "SOUTH", fed, "committee")
    north = await _create(h, "Северный комитет", "NORTH", fed, "committee")
    ppo1 = await _create(h, "ППО №1", "PPO1", south)
    ppo2 = await _create(h, "ППО №2", "PPO2", north)

    import uuid

    _, south_token = await h.create_operator("south-op", "operator", uuid.UUID(south))
    headers = {"Authorization": f"Bearer {south_token}"}
    seen = {o["code"] for o in (await h.client.get("/api/organizations/", headers=headers)).json()}
    assert seen == {"SOUTH", "PPO1"}
    hidden = await h.client.get(f"/api/organizations/{ppo2}", headers=headers)
    assert hidden.status_code == 404

    # Moving NORTH (with PPO2) under SOUTH brings it into the south operator's scope.
    moved = await h.client.post(
        f"/api/organizations/{north}/move", json={"parent_id": south}, headers=h.admin_headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["depth"] == 2
    seen = {o["code"] for o in (await h.client.get("/api/organizations/", headers=headers)).json()}
    assert seen == {"SOUTH", "PPO1", "NORTH", "PPO2"}
    ppo2_view = (await h.client.get(f"/api/organizations/{ppo2}", headers=headers)).json()
    assert ppo2_view["depth"] == 3

    cycle = await h.client.post(
        f"/api/organizations/{south}/move", json={"parent_id": ppo2}, headers=h.admin_headers
    )
    assert cycle.status_code == 422
    assert cycle.json()["error"]["field"] == "parent_id"

    # An operator cannot manage organizations, even in scope.
    denied = await h.client.patch(f"/api/organizations/{ppo1}", json={"name": "x"}, headers=headers)
    assert denied.status_code == 403


async def test_codes_are_unique_and_archive_hides(unionline_app: AppHarness) -> None:
    h = unionline_app
    fed = await _create(h, "Федерация", "FED", kind="federation")
    dup = await h.client.post(
        "/api/organizations/",
        json={"name": "x", "code": "fed", "parent_id": fed},
        headers=h.admin_headers,
    )
    assert dup.status_code == 409
    assert dup.json()["error"]["field"] == "code"
    child = await _create(h, "ППО", "PPO", fed)
    archived = await h.client.post(f"/api/organizations/{child}/archive", headers=h.admin_headers)
    assert archived.json()["archived"] is True
    listed = await h.client.get("/api/organizations/", headers=h.admin_headers)
    assert [o["code"] for o in listed.json()] == ["FED"]
    bad = await h.client.post(
        "/api/organizations/", json={"name": "", "code": "X"}, headers=h.admin_headers
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "name"
