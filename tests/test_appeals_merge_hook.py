"""The ``appeal_merged`` hook: every plugin is called inside the merge's transaction with the
two appeals as they are after it, and a plugin's refusal rolls the whole merge back (409 naming
the plugin's field, nothing moved, the source still open)."""

from __future__ import annotations

import uuid
from typing import Any

from appeals_support import inbound, make_member, make_org

from unionline import Conflict, current, hookimpl
from unionline.appeals import services
from unionline.settings import Settings
from unionline.spi import AppealSummary
from unionline.testing.support import running_app


class Recorder:
    """Writes down what it was told, in the merge's transaction (a row it can read back)."""

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.seen: list[tuple[AppealSummary, AppealSummary, Any]] = []

    @hookimpl
    async def appeal_merged(self, source: AppealSummary, target: AppealSummary) -> None:
        row = await current().db.fetchone(
            "SELECT merged_into_id FROM appeal_appeal WHERE id = {}", source.id
        )
        self.seen.append((source, target, row["merged_into_id"] if row else None))
        if self.refuse:
            raise Conflict("the reminders of this appeal cannot move", field="reminders")


async def _pair(app: Any) -> tuple[uuid.UUID, uuid.UUID]:
    org = await make_org(app, "PPO")
    member = await make_member(org)
    source, _ = await inbound(org, member, "Первое обращение")
    target = await services.create_appeal(
        None, organization_id=org, member_id=member, subject="Главное", channel="phone"
    )
    return source.id, target.id


async def test_every_plugin_is_told_inside_the_merge(unionline_settings: Settings) -> None:
    told = Recorder()
    async with running_app(
        unionline_settings, migrate=True, extra_plugins={"reminders": told}
    ) as app:
        assert "reminders" in app.runtime.hooks.implementers("appeal_merged")
        source, target = await _pair(app)
        r = await app.client.post(
            f"/api/appeals/{source}/merge",
            headers=app.admin_headers,
            json={"target_id": str(target)},
        )
        assert r.status_code == 200, r.text
    [(was, into, merged_into)] = told.seen
    assert (was.id, was.status, into.id, into.status) == (source, "closed", target, "new")
    assert merged_into == target  # the merge's own writes are visible: the same transaction


async def test_a_plugins_refusal_rolls_the_merge_back(unionline_settings: Settings) -> None:
    async with running_app(
        unionline_settings, migrate=True, extra_plugins={"reminders": Recorder(refuse=True)}
    ) as app:
        source, target = await _pair(app)
        r = await app.client.post(
            f"/api/appeals/{source}/merge",
            headers=app.admin_headers,
            json={"target_id": str(target)},
        )
        assert r.status_code == 409 and r.json()["error"]["field"] == "reminders", r.text
        kept = await services.get_appeal(None, source)
        assert (kept.status, kept.merged_into_id) == ("new", None)
        moved = await services.timeline(None, target)
        assert [e.kind for e in moved.items if e.kind == "message_in"] == []
