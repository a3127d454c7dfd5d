"""Helpers of the webform tests: settings with the plugin on, a federation with a form, and
submissions carrying a valid render token (signed with the form's secret, rendered "earlier")."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import msgspec

from unionline.channel.config import ChannelsSettings
from unionline.channels.webform import tokens
from unionline.channels.webform.settings import WebformSettings
from unionline.settings import Settings, settings_type
from unionline.testing.support import AppHarness

SECRET = "webform-signing-secret-0123456789"
ORIGIN = "https://union.example"


def form_settings(base: Settings, tmp_path: Path, **webform: Any) -> Settings:
    """``base`` with the webform plugin on, attachments under ``tmp_path``, ``[webform]`` values."""
    data = msgspec.to_builtins(base)
    data["plugins"] = [*data.get("plugins", []), "webform"]
    data["channels"] = {
        "attachments_dir": str(tmp_path / "attachments"),
        "max_attachment_bytes": 4096,
    }
    data["webform"] = {"min_fill_seconds": 3, **webform}
    kind = settings_type({"channels": ChannelsSettings, "webform": WebformSettings})
    return msgspec.convert(data, kind)


def default_config(**overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "fields": {
            "name": {"required": True},
            "phone": {},
            "email": {},
            "topic": {"required": True},
            "text": {"required": True},
            "file": {},
            "consent": {"required": True},
        },
        "topics": [
            {"id": "pay", "ru": "Оплата труда", "en": "Pay"},
            {"id": "leave", "ru": "Отпуск"},
        ],
        "allowed_origins": [ORIGIN],
        "privacy_policy_url": "https://union.example/privacy",
    }
    config.update(overrides)
    return config


@dataclass
class Federation:
    """A federation, two primary organizations under it, one outside, and a form."""

    h: AppHarness
    federation: str
    primary: str
    other_primary: str
    outsider: str
    account_id: str
    public_key: str

    @property
    def client(self) -> httpx.AsyncClient:
        return self.h.client

    async def configure(self, **config: Any) -> None:
        response = await self.client.patch(
            f"/api/channel-accounts/{self.account_id}",
            headers=self.h.admin_headers,
            json={"config": default_config(**config)},
        )
        assert response.status_code == 200, response.text

    def token(self, rendered_ago: float = 10.0) -> str:
        return tokens.issue(SECRET, self.account_id, now=time.time() - rendered_ago)

    def values(self, **fields: Any) -> dict[str, Any]:
        body = {
            "submission_id": uuid.uuid4().hex,
            "render_token": self.token(),
            "name": "Иван Петров",
            "phone": "+7 912 345-67-89",
            "topic": "pay",
            "text": "Не выплатили премию за квартал.",
            "consent": True,
        }
        body.update(fields)
        return {k: v for k, v in body.items() if v is not None}

    async def submit(self, headers: dict[str, str] | None = None, **fields: Any) -> httpx.Response:
        return await self.client.post(
            f"/channels/webform/{self.public_key}/submissions",
            json=self.values(**fields),
            headers={"Origin": ORIGIN, **(headers or {})},
        )

    async def api(self, path: str, **params: Any) -> Any:
        response = await self.client.get(path, headers=self.h.admin_headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def appeals(self) -> list[dict[str, Any]]:
        return list((await self.api("/api/appeals/", limit=100))["items"])


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


async def make_federation(h: AppHarness, **config: Any) -> Federation:
    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return await created(await h.client.post(path, headers=h.admin_headers, json=body))

    fed = await post(
        "/api/organizations/", {"name": "Федерация профсоюзов", "code": "FED", "kind": "federation"}
    )
    primary = await post(
        "/api/organizations/",
        {"name": "ППО завода", "code": "ZAVOD", "kind": "primary", "parent_id": fed["id"]},
    )
    other = await post(
        "/api/organizations/",
        {"name": "ППО больницы", "code": "BOLN", "kind": "primary", "parent_id": fed["id"]},
    )
    outsider = await post(
        "/api/organizations/", {"name": "Чужая организация", "code": "OUT", "kind": "federation"}
    )
    account = await post(
        "/api/channel-accounts/",
        {
            "organization_id": fed["id"],
            "channel": "webform",
            "name": "Форма на сайте",
            "public_key": "site-form",
            "config": default_config(**config),
            "secrets": {"signing_secret": SECRET},
        },
    )
    return Federation(
        h, fed["id"], primary["id"], other["id"], outsider["id"], account["id"], "site-form"
    )
