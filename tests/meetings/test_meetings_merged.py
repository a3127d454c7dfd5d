"""A meeting held from an appeal that was merged into another follows it (``appeal_merged``).

The meeting and its member's participant row name the target from the merge on: the target's
«Встречи» list it, and a change of the meeting reaches the member on the target — before, the
message went to the merged appeal, which takes no messages (409: the move failed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from appeals_support import inbound, make_member
from meetings_support import JITSI, Staff, with_meetings

from unionline.appeals import services
from unionline.settings import Settings
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("meetings")


@pytest.fixture
def unionline_settings(unionline_settings: Settings) -> Settings:
    return with_meetings(unionline_settings, JITSI)


async def test_a_meeting_of_a_merged_appeal_is_the_targets(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a1, "Мария Соколова")
    source, _ = await inbound(s.a1, member, "Прошу консультацию по графику смен")
    target = await services.create_appeal(
        None, organization_id=s.a1, member_id=member, subject="График смен", channel="phone"
    )
    start = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
    meeting = await s.call(
        "olga",
        "post",
        "/api/meetings/",
        201,
        organization_id=str(s.a1),
        title="Консультация по графику",
        starts_at=start.isoformat(),
        duration_minutes=45,
        member_ids=[str(member)],
        appeal_id=str(source.id),
    )
    await s.call("admin", "post", f"/api/appeals/{source.id}/merge", target_id=str(target.id))

    listed = await s.call("olga", "get", "/api/meetings/", appeal_id=str(target.id))
    assert [(m["id"], m["appeal_id"]) for m in listed] == [(meeting["id"], str(target.id))]
    assert await s.call("olga", "get", "/api/meetings/", appeal_id=str(source.id)) == []

    moved = await s.call(
        "olga",
        "patch",
        f"/api/meetings/{meeting['id']}",
        starts_at=(start + timedelta(hours=1)).isoformat(),
    )
    assert moved["sequence"] == 1
    page = await s.call("admin", "get", f"/api/appeals/{target.id}/timeline")
    bodies = [e["body"] for e in page["items"] if e["kind"] == "message_out"]
    assert "перенесена: 4 марта 2030, 16:00" in bodies[-1]
