"""Fixtures of the web channel tests: the app under uvicorn with a widget account."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from web_support import WIDGET_KEY, WIDGET_SECRET, WebAdapters, WidgetSite, widget_config

from unionline.settings import Settings
from unionline.testing.server import serve
from unionline.testing.support import make_settings


@pytest.fixture
def web_settings(unionline_database_url: str, tmp_path: Path) -> Settings:
    return _Configured().configure(make_settings(unionline_database_url), tmp_path)


class _Configured(WebAdapters):
    """The contract's settings (plugin enabled, attachments in tmp) with small file limits."""

    __test__ = False
    extra_settings: ClassVar[dict[str, Any]] = {"channels": {"max_attachment_bytes": 4096}}


@pytest.fixture
async def site(web_settings: Settings) -> AsyncIterator[WidgetSite]:
    from unionline.access import Grant
    from unionline.app import create_app
    from unionline.operators.services import create_operator, create_token

    app = create_app(web_settings, migrate=True)
    async with serve(app) as base, httpx.AsyncClient(base_url=base, timeout=30) as client:
        admin_id = await create_operator("admin", "password-123", grants=[Grant("admin", None)])
        admin = {"Authorization": f"Bearer {await create_token(admin_id, 'web tests')}"}

        async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
            response = await client.post(path, headers=admin, json=body)
            assert response.status_code == 201, response.text
            return dict(response.json())

        org = await post(
            "/api/organizations/", {"name": "Профком больницы", "code": "HOSP", "kind": "primary"}
        )
        account = await post(
            "/api/channel-accounts/",
            {
                "organization_id": org["id"],
                "channel": "web",
                "name": "Чат на сайте",
                "public_key": WIDGET_KEY,
                "config": widget_config(),
                "secrets": {"widget_secret": WIDGET_SECRET},
            },
        )
        member = await post(
            "/api/members/",
            {
                "organization_id": org["id"],
                "full_name": "Иванова Ольга Петровна",
                "status": "member",
            },
        )
        yield WidgetSite(
            base=base,
            client=client,
            admin=admin,
            organization_id=org["id"],
            account_id=uuid.UUID(account["id"]),
            member_id=member["id"],
        )
