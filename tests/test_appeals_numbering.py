"""Public numbers {ORG}-{YYYY}-{seq}: gap-free per organization and year, under concurrency,
with rolled-back creations giving their number back; the year is Moscow's."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from appeals_support import make_member, make_org

from unionline.appeals import services
from unionline.appeals.clock import use_clock
from unionline.runtime import current
from unionline.testing import AppHarness


async def _create(org: uuid.UUID, member: uuid.UUID) -> str:
    view = await services.create_appeal(
        None, organization_id=org, member_id=member, subject="Вопрос", channel="manual"
    )
    return view.number


async def test_fifty_concurrent_creations_take_one_to_fifty(unionline_app: AppHarness) -> None:
    h = unionline_app
    org, other = await make_org(h, "PPO"), await make_org(h, "OTHER")
    member = await make_member(org)
    year = datetime.now(ZoneInfo("Europe/Moscow")).year
    numbers = await asyncio.gather(
        *(_create(other if i % 6 == 5 else org, member) for i in range(60))
    )
    mine = sorted(int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith("PPO-"))
    theirs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith("OTHER-"))
    assert mine == list(range(1, 51))
    assert theirs == list(range(1, 11))
    assert all(n.split("-")[1] == str(year) for n in numbers)
    listed = await services.list_appeals(None, limit=200)
    assert len({a.number for a in listed.items}) == 60


async def test_a_rolled_back_creation_leaves_no_gap(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    first = await _create(org, member)

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with current().db.transaction():
            assert (await _create(org, member)).endswith("-2")
            raise Abort
    assert (await _create(org, member)).endswith("-2")
    assert first.endswith("-1")
    listed = await services.list_appeals(None)
    assert sorted(a.seq for a in listed.items) == [1, 2]


async def test_the_year_is_taken_in_moscow_time(unionline_app: AppHarness) -> None:
    h = unionline_app
    org = await make_org(h, "PPO")
    member = await make_member(org)
    with use_clock(lambda: datetime(2026, 12, 31, 20, 59, tzinfo=UTC)):  # 23:59 in Moscow
        assert await _create(org, member) == "PPO-2026-1"
        assert await _create(org, member) == "PPO-2026-2"
    with use_clock(lambda: datetime(2026, 12, 31, 21, 0, tzinfo=UTC)):  # 00:00 on 1 January
        assert await _create(org, member) == "PPO-2027-1"
    with use_clock(lambda: datetime(2026, 12, 31, 20, 0, tzinfo=UTC)):  # a late clock: 2026 still
        assert await _create(org, member) == "PPO-2026-3"
