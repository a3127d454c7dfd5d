"""Helpers of the docflow tests: organizations with staff, a kind and its journal."""

from __future__ import annotations

import uuid
from typing import Any

from appeals_support import bearer, make_org

from unionline.testing import AppHarness

REQUISITES = [
    {"name": "addressee", "label": "Адресат", "required": True},
    {"name": "incoming_date", "label": "Дата входящего", "type": "date"},
    {"name": "sheets", "label": "Листов", "type": "number"},
]


class Office:
    """Organizations A (with a child A1) and B; a supervisor, operators and an observer."""

    def __init__(self, h: AppHarness) -> None:
        self.h = h
        self.ids: dict[str, uuid.UUID] = {}
        self.tokens: dict[str, str] = {}
        self.names = {
            "boss": "Смирнова Анна Петровна",
            "olga": "Ольга Иванова",
            "ivan": "Иван Сидоров",
            "anna": "Анна Кузнецова",
            "bob": "Борис Орлов",
        }

    async def setup(self) -> Office:
        h = self.h
        self.a = await make_org(h, "A", kind="committee")
        self.a1 = await make_org(h, "A1", self.a)
        self.b = await make_org(h, "B", kind="committee")
        for login, role, org in (
            ("boss", "supervisor", self.a),
            ("olga", "operator", self.a),
            ("ivan", "operator", self.a1),
            ("anna", "operator", self.a),
            ("bob", "supervisor", self.b),
        ):
            self.ids[login], self.tokens[login] = await h.create_operator(login, role, org)
            await h.runtime.db.execute(
                "UPDATE operator_operator SET name = {} WHERE id = {}",
                self.names[login],
                self.ids[login],
            )
        self.tokens["admin"] = h.admin_token
        return self

    def id(self, who: str) -> str:
        return str(self.ids[who])

    async def call(self, who: str, method: str, url: str, expect: int = 200, **body: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": bearer(self.tokens[who])}
        if method in ("post", "put", "patch"):
            kwargs["json"] = body
        elif body:
            kwargs["params"] = body
        r = await getattr(self.h.client, method)(url, **kwargs)
        assert r.status_code == expect, f"{method} {url} as {who}: {r.status_code} {r.text}"
        return r.json() if r.content and "json" in r.headers.get("content-type", "") else r

    async def journal(self, fmt: str = "{case}/{seq}", case: str = "02-15", org: str = "") -> str:
        made = await self.call(
            "boss",
            "post",
            "/api/docflow/journals",
            201,
            organization_id=str(self.a),
            name="Входящие",
            number_format=fmt,
            case_index=case,
            org_code=org,
        )
        return str(made["id"])

    async def kind(self, journal_id: str | None = None, category: str = "incoming") -> str:
        made = await self.call(
            "boss",
            "post",
            "/api/docflow/kinds",
            201,
            organization_id=str(self.a),
            code=f"k{uuid.uuid4().hex[:6]}",
            name="Входящее письмо",
            category=category,
            requisites=REQUISITES,
            journal_id=journal_id,
        )
        return str(made["id"])

    async def document(self, kind_id: str, who: str = "olga", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "organization_id": str(self.a),
            "kind_id": kind_id,
            "title": "Письмо работодателя о сокращении",
            "requisites": {"addressee": "Председателю профкома"},
        }
        body.update(extra)
        result: dict[str, Any] = await self.call(
            who, "post", "/api/docflow/documents/", 201, **body
        )
        return result
