"""The widget's HTTP side: uploads within limits (refusals name the field), files in the
appeal, cross-origin answers only for allowed sites, the script itself, working hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from web_support import ORIGIN, WidgetSite
from widget_client import upload, visitor

from unionline import current
from unionline.channels.web.conversation import is_open
from unionline.channels.web.settings import WidgetSettings

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


async def test_upload_limits_name_the_field_and_a_file_reaches_the_appeal(
    site: WidgetSite,
) -> None:
    async with visitor(site.base) as v:
        token = (await v.hello())["token"]
        big = await upload(site.base, token, "scan.png", "image/png", b"x" * 3000)
        assert big.status_code == 422 and big.json()["error"]["field"] == "file"
        assert big.headers["access-control-allow-origin"] == ORIGIN  # the widget can read why
        exe = await upload(site.base, token, "setup.exe", "application/x-msdownload", b"MZ")
        assert exe.status_code == 422 and exe.json()["error"]["field"] == "file"
        bad_token = await upload(site.base, token + "x", "a.png", "image/png", PNG)
        assert bad_token.status_code == 403 and bad_token.json()["error"]["field"] == "token"
        foreign = await upload(
            site.base, token, "a.png", "image/png", PNG, origin="https://evil.example"
        )
        assert foreign.status_code == 403 and "access-control-allow-origin" not in foreign.headers

        ok = await upload(site.base, token, "справка.png", "image/png", PNG)
        assert ok.status_code == 201, ok.text
        file_id = ok.json()["id"]
        await v.say("f1", "Справка во вложении", files=[file_id])
        [mine] = await v.messages(1)
        assert [f["filename"] for f in mine["files"]] == ["справка.png"]
        other = str(file_id)[:-1] + ("1" if str(file_id).endswith("0") else "0")  # never it
        unknown = {"type": "message", "id": "f2", "text": "ещё", "files": [other]}
        await v.ws.send(msgspec.json.encode(unknown).decode())
        error, _ = await v.until("error", client_id="f2")
        assert error["field"] == "files[0]"
    stored = await current().db.fetch(
        "SELECT filename, status, appeal_id FROM channel_attachment WHERE account_id = {}",
        site.account_id,
    )
    assert [(r["filename"], r["status"]) for r in stored] == [("справка.png", "stored")]
    assert stored[0]["appeal_id"] is not None


async def test_the_script_is_served(site: WidgetSite) -> None:
    response = await site.client.get("/widget/chat.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in response.text


async def test_account_settings_are_checked(site: WidgetSite) -> None:
    body = {
        "organization_id": site.organization_id,
        "channel": "web",
        "name": "Второй виджет",
        "config": {"allowed_origins": ["union.example/path"]},
        "secrets": {"widget_secret": "0123456789abcdef"},
    }
    response = await site.client.post("/api/channel-accounts/", headers=site.admin, json=body)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "config.allowed_origins[0]"
    body["config"] = {"allowed_origins": [ORIGIN], "timezone": "Mars/Olympus"}
    response = await site.client.post("/api/channel-accounts/", headers=site.admin, json=body)
    assert response.status_code == 422 and "Mars/Olympus" in response.text


def test_working_hours() -> None:
    config = msgspec.convert(
        {
            "allowed_origins": [ORIGIN],
            "timezone": "Europe/Moscow",
            "hours": [{"days": [1, 2, 3, 4, 5], "start": "09:00", "end": "18:00"}],
        },
        WidgetSettings,
    )
    moscow = ZoneInfo("Europe/Moscow")
    assert is_open(config, datetime(2026, 12, 1, 10, 0, tzinfo=moscow))  # Tuesday morning
    assert not is_open(config, datetime(2026, 12, 1, 18, 0, tzinfo=moscow))
    assert not is_open(config, datetime(2026, 12, 5, 12, 0, tzinfo=moscow))  # Saturday
    # 06:30 UTC is 09:30 in Moscow.
    assert is_open(config, datetime(2026, 12, 1, 6, 30, tzinfo=ZoneInfo("UTC")))
    always = msgspec.convert({"allowed_origins": [ORIGIN]}, WidgetSettings)
    assert is_open(always, datetime(2026, 12, 5, 3, 0, tzinfo=moscow))
