"""Helpers of the tasks plugin's tests: an organization with staff, calls as one of them."""

from __future__ import annotations

import uuid
from typing import Any

from appeals_support import bearer, make_org

from unionline.testing import AppHarness


class Staff:
    """Two organizations (A with a child A1, and B) and people with tokens."""

    def __init__(self, h: AppHarness) -> None:
        self.h = h
        self.ids: dict[str, uuid.UUID] = {}
        self.tokens: dict[str, str] = {}

    async def setup(self) -> Staff:
        h = self.h
        self.a = await make_org(h, "A", kind="committee")
        self.a1 = await make_org(h, "A1", self.a)
        self.b = await make_org(h, "B", kind="committee")
        for login, role, org in (
            ("boss", "supervisor", self.a),
            ("olga", "operator", self.a),
            ("ivan", "operator", self.a1),
            ("vera", "observer", self.a),
            ("bob", "supervisor", self.b),
            ("petr", "operator", self.b),
        ):
            self.ids[login], self.tokens[login] = await h.create_operator(login, role, org)
        self.tokens["admin"] = h.admin_token
        return self

    def auth(self, who: str) -> dict[str, str]:
        return bearer(self.tokens[who])

    async def call(self, who: str, method: str, url: str, expect: int = 200, **body: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self.auth(who)}
        if method in ("post", "put", "patch"):
            kwargs["json"] = body
        elif body:
            kwargs["params"] = body
        r = await getattr(self.h.client, method)(url, **kwargs)
        assert r.status_code == expect, f"{method} {url} as {who}: {r.status_code} {r.text}"
        return r.json() if r.content else None
