"""A chat appeal merged into another: the visitor's conversation follows it (``appeal_merged``).

The conversation's messages name the target from the merge on (``web_message.appeal_id``), so
the visitor's typing shows on the target's console and an operator typing on the target shows
in the widget — before, both went to the merged appeal, which nobody has open.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from web_support import WidgetSite
from widget_client import visitor

from unionline import current

pytestmark = pytest.mark.every_engine


async def _console(site: WidgetSite) -> Any:
    ws = await websockets.connect(
        site.base.replace("http://", "ws://") + "/ws/console",
        additional_headers={"Authorization": site.admin["Authorization"]},
    )
    await ws.send(json.dumps({"type": "hello", "last_id": None}))
    while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "caught_up":
        pass
    return ws


async def _member_typing(ws: Any) -> dict[str, Any]:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame["type"] == "signal" and frame["signal"] == "member_typing":
            return dict(frame["data"])


async def _merged_into_another(site: WidgetSite, client_id: str) -> str:
    """Merge the appeal of the visitor's message ``client_id`` into another of the member's."""
    row = await current().db.fetchone(
        "SELECT appeal_id FROM web_message WHERE client_id = {}", client_id
    )
    assert row is not None
    source = await site.api("GET", f"/api/appeals/{row['appeal_id']}")
    target = await site.api(
        "POST",
        "/api/appeals",
        json={
            "organization_id": source["organization_id"],
            "member_id": source["member_id"],
            "subject": "Вопрос об отпуске (по телефону)",
        },
    )
    await site.api("POST", f"/api/appeals/{source['id']}/merge", json={"target_id": target["id"]})
    return str(target["id"])


async def test_typing_both_ways_follows_the_merge(site: WidgetSite) -> None:
    console = await _console(site)
    try:
        async with visitor(site.base) as v:
            await v.hello()
            await v.say("m1", "Вопрос про отпуск")
            target = await _merged_into_another(site, "m1")
            held = await current().db.fetch("SELECT DISTINCT appeal_id FROM web_message")
            assert [str(r["appeal_id"]) for r in held] == [target]
            await v.ws.send(json.dumps({"type": "typing", "on": True}))
            assert await _member_typing(console) == {"appeal_id": target, "on": True}
            command = {
                "type": "command",
                "ref": "1",
                "name": "typing",
                "args": {"appeal_id": target},
            }
            await console.send(json.dumps(command))
            typing, _ = await v.until("typing")
            assert typing["on"] is True
            # The visitor writes again: the message is the target's, as the typing was.
            await v.say("m2", "Дополнение")
            again = await current().db.fetchone(
                "SELECT appeal_id FROM web_message WHERE client_id = 'm2'"
            )
            assert again is not None and str(again["appeal_id"]) == target
    finally:
        await console.close()
