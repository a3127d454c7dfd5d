"""Signing in: cookie attributes, CSRF, login throttling, password change, session fixation."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest

from unionline.app import create_app
from unionline.operators.ratelimit import AuthSettings
from unionline.operators.tables import SessionRecord
from unionline.settings import ServerSettings, Settings, settings_type
from unionline.testing import AppHarness
from unionline.testing.support import lifespan_task, make_settings, running_app

PASSWORD = "correct-horse-battery"


@contextlib.asynccontextmanager
async def browser(h: AppHarness, address: str = "10.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """A separate cookie jar, as a second browser would have, calling from ``address``."""
    transport = httpx.ASGITransport(app=h.app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as c:
        yield c


async def login(client: httpx.AsyncClient, login: str, password: str = PASSWORD) -> httpx.Response:
    return await client.post("/api/auth/login", json={"login": login, "password": password})


def csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def test_session_cookie_is_httponly_and_lax(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        response = await login(client, "petrova")
        assert response.status_code == 200, response.text
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith("session=")
        assert "httponly" in cookie
        assert "samesite=lax" in cookie


@pytest.mark.parametrize(
    ("server", "secure"),
    [
        (ServerSettings(public_url="https://union.example"), True),
        (ServerSettings(public_url="http://127.0.0.1:8000"), False),
    ],
)
async def test_cookies_are_secure_when_served_over_https(
    unionline_settings: Settings, server: ServerSettings, secure: bool
) -> None:
    settings = msgspec.structs.replace(unionline_settings, server=server)
    async with running_app(settings, migrate=True) as h:
        await h.create_operator("petrova", "operator", password=PASSWORD)
        async with browser(h) as client:
            response = await login(client, "petrova")
            assert response.status_code == 200, response.text
            session = response.headers["set-cookie"].lower()
            csrf_cookie = (await client.get("/api/auth/me")).headers["set-cookie"].lower()
    assert csrf_cookie.startswith("csrftoken=")
    assert ("; secure" in session) is secure
    assert ("; secure" in csrf_cookie) is secure


def test_secure_cookies_setting_overrides_the_public_url() -> None:
    assert ServerSettings(public_url="HTTPS://union.example").cookies_secure
    assert not ServerSettings().cookies_secure
    https = "https://union.example"
    assert not ServerSettings(public_url=https, secure_cookies=False).cookies_secure
    assert ServerSettings(public_url="http://union.example", secure_cookies=True).cookies_secure


async def test_cookie_post_needs_the_csrf_header(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        await login(client, "petrova")
        me = await client.get("/api/auth/me")  # a safe request hands out the CSRF cookie
        assert me.status_code == 200
        body = {"name": "Петрова А. А."}
        refused = await client.patch("/api/auth/me", json=body)
        assert refused.status_code == 403
        assert (await client.get("/api/auth/me")).json()["name"] == "petrova"
        accepted = await client.patch("/api/auth/me", json=body, headers=csrf(client))
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["name"] == "Петрова А. А."


async def test_bearer_requests_skip_csrf(unionline_app: AppHarness) -> None:
    _, token = await unionline_app.create_operator("bot", "operator")
    response = await unionline_app.client.patch(
        "/api/auth/me", json={"locale": "en"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.json()["locale"] == "en"


async def test_password_change_ends_other_sessions(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as laptop, browser(unionline_app) as phone:
        assert (await login(laptop, "petrova")).status_code == 200
        assert (await login(phone, "petrova")).status_code == 200
        assert (await phone.get("/api/auth/me")).status_code == 200
        await laptop.get("/api/auth/me")
        changed = await laptop.post(
            "/api/auth/password",
            json={"current_password": PASSWORD, "new_password": "new-password-42"},
            headers=csrf(laptop),
        )
        assert changed.status_code == 204, changed.text
        assert (await laptop.get("/api/auth/me")).status_code == 200
        assert (await phone.get("/api/auth/me")).status_code == 401
        assert (await login(phone, "petrova")).status_code == 401
        assert (await login(phone, "petrova", "new-password-42")).status_code == 200


async def test_wrong_current_password_is_refused(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        await login(client, "petrova")
        await client.get("/api/auth/me")
        response = await client.post(
            "/api/auth/password",
            json={"current_password": "guess-guess", "new_password": "new-password-42"},
            headers=csrf(client),
        )
        assert response.status_code == 403
        assert response.json()["error"]["field"] == "current_password"


async def test_login_gets_a_fresh_session_id(unionline_app: AppHarness) -> None:
    """A session id planted before login (session fixation) never becomes authenticated."""
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    await unionline_app.create_operator("attacker", "operator", password=PASSWORD)
    async with browser(unionline_app) as attacker, browser(unionline_app) as victim:
        await login(attacker, "attacker")
        planted = attacker.cookies["session"]
        victim.cookies.set("session", planted, domain="testserver.local")
        await login(victim, "petrova")
        assert victim.cookies["session"] != planted
        # The planted id is gone altogether: the attacker is signed out, not signed in as her.
        assert (await attacker.get("/api/auth/me")).status_code == 401


async def test_the_database_keeps_only_a_hash_of_the_session_id(
    unionline_app: AppHarness,
) -> None:
    """A copy of the sessions table (a backup, a read-only SQL account) signs nobody in."""
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        await login(client, "petrova")
        session_id = client.cookies["session"]
        stored = repr(await SessionRecord.raw("SELECT * FROM operator_session"))
        assert session_id not in stored
        assert hashlib.sha256(session_id.encode()).hexdigest() in stored
        assert (await client.get("/api/auth/me")).status_code == 200


async def test_logout_ends_the_session(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        await login(client, "petrova")
        await client.get("/api/auth/me")
        old = client.cookies["session"]
        out = await client.post("/api/auth/logout", headers=csrf(client))
        assert out.status_code == 204
        client.cookies.set("session", old, domain="testserver.local")
        assert (await client.get("/api/auth/me")).status_code == 401


async def test_failed_logins_are_throttled_per_login_and_address(
    unionline_app: AppHarness,
) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app, "192.0.2.7") as guesser:
        for _ in range(5):
            assert (await login(guesser, "petrova", "wrong-password")).status_code == 401
        blocked = await login(guesser, "Petrova", PASSWORD)  # even the right password waits
        assert blocked.status_code == 429
        assert blocked.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(blocked.headers["retry-after"]) <= 900
        # Another login from the same address is not affected.
        await unionline_app.create_operator("ivanov", "operator", password=PASSWORD)
        assert (await login(guesser, "ivanov")).status_code == 200
    # Nor is the real user, signing in from elsewhere: a guesser cannot lock her out.
    async with browser(unionline_app, "198.51.100.20") as her_office:
        assert (await login(her_office, "petrova")).status_code == 200


async def test_guessing_from_many_addresses_meets_the_softer_per_login_limit(
    unionline_database_url: str,
) -> None:
    data = msgspec.to_builtins(make_settings(unionline_database_url))
    data["auth"] = {"pair_failures": 3, "login_failures": 6}
    settings = msgspec.convert(data, settings_type({"auth": AuthSettings}))
    async with running_app(settings, migrate=True) as h:
        await h.create_operator("petrova", "operator", password=PASSWORD)
        for i in range(6):  # one failure each from six addresses: under the per-address limits
            async with browser(h, f"203.0.113.{i}") as guesser:
                assert (await login(guesser, "petrova", "wrong-password")).status_code == 401
        async with browser(h, "198.51.100.20") as her_office:
            blocked = await login(her_office, "petrova")
            assert blocked.status_code == 429
            assert 1 <= int(blocked.headers["retry-after"]) <= 900


async def test_success_resets_the_login_count(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        for _ in range(4):
            assert (await login(client, "petrova", "wrong-password")).status_code == 401
        assert (await login(client, "petrova")).status_code == 200
        for _ in range(4):
            assert (await login(client, "petrova", "wrong-password")).status_code == 401
        assert (await login(client, "petrova")).status_code == 200


async def test_failed_logins_are_throttled_per_address(unionline_app: AppHarness) -> None:
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app, "192.0.2.7") as guesser:
        for i in range(20):  # 20 different logins, 1 failure each: under the per-login limit
            assert (await login(guesser, f"user{i}", "wrong-password")).status_code == 401
        blocked = await login(guesser, "petrova")
        assert blocked.status_code == 429
        assert "retry-after" in blocked.headers
    async with browser(unionline_app, "192.0.2.8") as elsewhere:
        assert (await login(elsewhere, "petrova")).status_code == 200


async def test_throttling_is_kept_in_the_database(
    unionline_app: AppHarness, unionline_settings: Settings
) -> None:
    """Another app process on the same database sees the same failure count."""
    await unionline_app.create_operator("petrova", "operator", password=PASSWORD)
    async with browser(unionline_app) as client:
        for _ in range(5):
            await login(client, "petrova", "wrong-password")
    second = create_app(unionline_settings)
    transport = httpx.ASGITransport(app=second, client=("10.0.0.1", 1))
    async with (
        lifespan_task(second),
        httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as other,
    ):
        assert (await login(other, "petrova")).status_code == 429
