"""Helpers of the campaigns plugin's tests: organizations, staff, members with contact points
and consents, a reference-channel account standing in for every channel."""

from __future__ import annotations

import uuid
from typing import Any

from appeals_support import bearer, make_org

from unionline.channel import reference
from unionline.testing import AppHarness

SECRET = "reference-signing-secret-0123"
TEXT_VERSION = "info-2025-09"


class World:
    def __init__(self, h: AppHarness) -> None:
        self.h = h
        self.tokens: dict[str, str] = {}
        self.ids: dict[str, uuid.UUID] = {}

    async def setup(self) -> World:
        h = self.h
        self.a = await make_org(h, "A", kind="committee")
        self.a1 = await make_org(h, "A1", self.a)
        self.b = await make_org(h, "B", kind="committee")
        for login, role, org in (
            ("boss", "supervisor", self.a),
            ("olga", "operator", self.a),
            ("bob", "supervisor", self.b),
        ):
            self.ids[login], self.tokens[login] = await h.create_operator(login, role, org)
        self.tokens["admin"] = h.admin_token
        r = await h.client.post(
            "/api/channel-accounts/",
            json={
                "organization_id": str(self.a),
                "channel": "reference",
                "name": "Рассылки",
                "secrets": {"signing_secret": SECRET},
            },
            headers=h.admin_headers,
        )
        assert r.status_code == 201, r.text
        self.account = uuid.UUID(r.json()["id"])
        await self.call(
            "admin", "post", "/api/campaigns/consent-texts", 201,
            organization_id=str(self.a), version=TEXT_VERSION, purpose="info",
            body="Согласен получать сообщения о работе профсоюза.",
        )  # fmt: skip
        return self

    async def actor(self, who: str) -> Any:
        from unionline import actor_for

        return await actor_for(self.ids[who])

    def sent(self) -> list[Any]:
        return reference.provider(self.account).sent

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
        return r.json() if r.content and "json" in r.headers.get("content-type", "") else r


async def member(
    org: uuid.UUID,
    name: str,
    *,
    contacts: tuple[tuple[str, str], ...] = (),
    status: str = "member",
    custom: dict[str, Any] | None = None,
) -> uuid.UUID:
    from unionline.members.services import create_member

    return await create_member(
        None, org, full_name=name, status=status, contacts=contacts, custom_fields=custom or {}
    )


async def grant(member_id: uuid.UUID, channel: str, purpose: str = "info") -> None:
    from unionline.plugins.campaigns import consent

    org = await consent.member_org(member_id)
    await consent.record(
        member_id, org, channel, purpose, granted=True, source="operator",
        text_version=TEXT_VERSION, evidence={"test": "yes"},
    )  # fmt: skip


def campaign_body(world: World, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organization_id": str(world.a),
        "name": "Поздравление",
        "purpose": "info",
        "filter": {},
        "channel_order": ["telegram", "email"],
        "accounts": {"telegram": str(world.account), "email": str(world.account)},
        "variants": {
            "telegram": {
                "text": "{{ first_name }}, с праздником! "
                "Стаж: {{ custom.years | plural:год,года,лет }}"
            },
            "email": {"subject": "С праздником", "text": "Здравствуйте, {{ first_name }}!"},
        },
        "concurrency": 4,
    }
    body.update(over)
    return body
