"""Fixtures for the phone channel's tests: an app with the plugin, a line per provider pointed
at the PBX stand-in (``standins.phone_pbx``), operators with extensions, and helpers that post
the stand-in's signed call sequences and read back what the app made of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import msgspec
from standins.phone_pbx import Keys, PbxStandin, Webhook, webhooks

from unionline.channels.phone.settings import PhoneSettings
from unionline.settings import Settings
from unionline.testing import AppHarness
from unionline.testing.channel_contract import ChannelContract, ContractEnv

NUMBER = "79161234567"  # the member's, as providers write it
E164 = "+79161234567"


class PhoneLine(ChannelContract):
    """How a test app gets a phone line (not a contract run: calls carry no text)."""

    channel = "phone"
    plugins = ("phone",)
    settings_sections: ClassVar[dict[str, Any]] = {"phone": PhoneSettings}

    def __init__(self, provider: str, pbx: PbxStandin) -> None:
        self.provider, self.pbx = provider, pbx

    def account_config(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "api_url": self.pbx.url(self.provider),
            "operators": ["101 = ivanova", "102 = petrova"],
            "caller_number": "74951112233",
            "busy_codes": ["1191"],
            "callback_hours": 2,
        }

    def account_secrets(self) -> dict[str, Any]:
        keys = self.pbx.keys
        return {
            "api_key": keys.api_key,
            "api_secret": keys.api_secret,
            "webhook_token": keys.webhook_token,
        }


@dataclass
class Phone:
    """One test's app, line and stand-in."""

    env: ContractEnv
    pbx: PbxStandin
    provider: str
    keys: Keys

    @property
    def h(self) -> AppHarness:
        return self.env.harness

    @property
    def line(self) -> str:
        return str(self.env.account.id)

    def calls(self, scenario: str, **kwargs: Any) -> list[Webhook]:
        kwargs.setdefault("pbx_url", self.pbx.base_url)
        return webhooks(self.provider, scenario, self.line, self.keys, **kwargs)

    async def post(self, *calls: Webhook, expect: int = 200) -> None:
        for call in calls:
            r = await self.h.client.request(
                call.method, call.path, content=call.body, headers=call.headers
            )
            assert r.status_code == expect, f"{call.label}: {r.status_code} {r.text}"
        await self.h.settle()

    async def deliver_outbox(self) -> None:
        await self.post(*self.pbx.take_outbox())

    async def entries(self) -> list[dict[str, Any]]:
        """The line's call entries, oldest first: kind, appeal, body and data."""
        rows = await self.env.db.fetch(
            "SELECT id, appeal_id, kind, body, data FROM appeal_timeline"
            " WHERE channel_account_id = {} AND external_id LIKE 'call:%' ORDER BY id",
            self.env.account.id,
        )
        import json

        return [
            {**r, "data": r["data"] if isinstance(r["data"], dict) else json.loads(r["data"])}
            for r in rows
        ]

    async def count(self, table: str) -> int:
        row = await self.env.db.fetchone(f"SELECT count(*) AS n FROM {table}")
        return int(row["n"])

    async def operator(self, login: str, organization_id: uuid.UUID | None = None) -> dict:
        r = await self.h.client.post(
            "/api/operators/",
            headers=self.h.admin_headers,
            json={
                "login": login,
                "password": "password-123",
                "name": login.title(),
                "grants": [
                    {
                        "role": "operator",
                        "organization_id": str(organization_id or self.env.account.organization_id),
                    }
                ],
            },
        )
        assert r.status_code == 201, r.text
        operator = r.json()
        t = await self.h.client.post(
            f"/api/operators/{operator['id']}/tokens",
            headers=self.h.admin_headers,
            json={"name": "test", "scopes": ["appeals.read", "appeals.reply", "members.read"]},
        )
        assert t.status_code in (200, 201), t.text
        operator["headers"] = {"Authorization": f"Bearer {t.json()['token']}"}
        return operator


def configure(settings: Settings, tmp_path: Path, provider: str, pbx: PbxStandin) -> Settings:
    configured = PhoneLine(provider, pbx).configure(settings, tmp_path)
    if provider != "sip":
        return configured
    # The test app runs no SIP agent of its own (it would take each line created within a
    # round): a test starts the agent it drives, or plays the processes' starts itself.
    data = msgspec.to_builtins(configured)
    data["phone"] = {**data.get("phone", {}), "sip_agent": False}
    return msgspec.convert(data, type(configured))


async def make_phone(h: AppHarness, provider: str, pbx: PbxStandin) -> Phone:
    env = await PhoneLine(provider, pbx).create_env(h)
    pbx.line = str(env.account.id)
    return Phone(env=env, pbx=pbx, provider=provider, keys=pbx.keys)
