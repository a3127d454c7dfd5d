"""Helpers of the timekeeping tests: an app with the plugin (and routing's quick settings), a
clock the test moves, people with tokens, and calls as one of them."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from unionline.appeals.clock import use_clock
from unionline.routing.config import RoutingSettings
from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness
from unionline.testing.support import make_settings


def timekeeping_settings(database_url: str, **timekeeping: Any) -> Settings:
    data = msgspec.to_builtins(make_settings(database_url, plugins=["timekeeping"]))
    data["routing"] = {"offline_grace_seconds": 0}
    from unionline.plugins.timekeeping.schemas import TimekeepingSettings

    data["timekeeping"] = timekeeping
    kinds = {"routing": RoutingSettings, "timekeeping": TimekeepingSettings}
    return msgspec.convert(data, settings_type(kinds))


class Clock:
    """A clock the test sets and moves (the appeals clock, which routing and timekeeping read)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@contextlib.contextmanager
def clock_at(at: datetime) -> Iterator[Clock]:
    clock = Clock(at.astimezone(UTC))
    with use_clock(clock):
        yield clock


class People:
    """Organizations A (with a child A1) and B, people with tokens."""

    def __init__(self, h: AppHarness) -> None:
        self.h = h
        self.ids: dict[str, uuid.UUID] = {}
        self.tokens: dict[str, str] = {}

    async def setup(self) -> People:
        from appeals_support import make_org

        h = self.h
        self.a = await make_org(h, "A", kind="committee")
        self.a1 = await make_org(h, "A1", self.a)
        self.b = await make_org(h, "B", kind="committee")
        for login, role, org in (
            ("boss", "supervisor", self.a),
            ("olga", "operator", self.a),
            ("ivan", "operator", self.a1),
            ("bob", "supervisor", self.b),
            ("petr", "operator", self.b),
        ):
            self.ids[login], self.tokens[login] = await h.create_operator(login, role, org)
        self.tokens["admin"] = h.admin_token
        return self

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def call(self, who: str, method: str, url: str, expect: int = 200, **body: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self.auth(who)}
        if method in ("post", "put", "patch"):
            kwargs["json"] = body
        elif body:
            kwargs["params"] = body
        r = await getattr(self.h.client, method)(url, **kwargs)
        assert r.status_code == expect, f"{method} {url} as {who}: {r.status_code} {r.text}"
        if not r.content:
            return None
        return r.json() if r.headers.get("content-type", "").startswith("application/json") else r

    async def act(self, who: str, action: str, expect: int = 200) -> Any:
        return await self.call(who, "post", "/api/timekeeping/me/workday", expect, action=action)
