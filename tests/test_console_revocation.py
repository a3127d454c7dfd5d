"""An open console socket never outlives its operator's rights (#12): deactivation, a password
reset or change, sign-out and a revoked token close it with 4401 at once; a grant change
re-scopes it at once; every command re-checks the operator; foreign origins are refused."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
import websockets

from unionline import Event, current, hookimpl
from unionline.access import Grant
from unionline.app import create_app
from unionline.console.protocol import CLOSE_FORBIDDEN_ORIGIN, CLOSE_REVOKED
from unionline.operators.services import create_operator, create_token
from unionline.registry import EventsRegistrar
from unionline.testing.console import ConsoleClient, connect_console
from unionline.testing.server import serve
from unionline.testing.support import make_settings

PASSWORD = "password-123"


class Noticed(Event, tag="test.revocation_noticed"):
    n: int


class TestPlugin:
    @hookimpl
    def register_events(self, register: EventsRegistrar) -> None:
        register(Noticed)


@contextlib.asynccontextmanager
async def running(database_url: str) -> AsyncIterator[tuple[str, dict[str, str]]]:
    """The app over real HTTP; yields its base URL and an administrator's headers."""
    settings = make_settings(database_url)
    app = create_app(settings, migrate=True, extra_plugins={"test.revocation": TestPlugin()})
    async with serve(app) as base:
        admin = await create_operator("admin", PASSWORD, grants=[Grant("admin")])
        yield base, bearer(await create_token(admin, "admin"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def org(code: str) -> uuid.UUID:
    from unionline.organizations.tables import Organization

    org_id = uuid.uuid4()
    await Organization.insert(Organization(id=org_id, path=f"/{org_id}/", name=code, code=code))
    return org_id


async def sign_in(base: str, login: str) -> httpx.AsyncClient:
    """A browser's cookie jar, signed in (session and CSRF cookies)."""
    client = httpx.AsyncClient(base_url=base)
    r = await client.post("/api/auth/login", json={"login": login, "password": PASSWORD})
    assert r.status_code == 200, r.text
    await client.get("/api/auth/me")  # hands out the CSRF cookie
    return client


def cookie_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"Cookie": f"session={client.cookies['session']}"}


def csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["csrftoken"]}


async def closed_with(console: ConsoleClient) -> int:
    """Read until the server closes the socket; the close code it sent."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await console.until(lambda f: False, timeout=10)
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd.code


async def publish(org_id: uuid.UUID, n: int) -> None:
    rt = current()
    async with rt.db.transaction():
        await rt.events.publish(Noticed(n=n, organization_id=org_id))


# -- withdrawals close the socket ------------------------------------------------------------


WITHDRAWALS = ["deactivate", "reset_password", "revoke_token", "logout", "change_password"]


@pytest.mark.parametrize("action", WITHDRAWALS)
async def test_a_withdrawal_closes_the_open_socket_with_4401(
    unionline_database_url: str, action: str
) -> None:
    async with running(unionline_database_url) as (base, admin_headers):
        anna = await create_operator("anna", PASSWORD, grants=[Grant("operator", await org("A"))])
        token = await create_token(anna, "console")
        async with contextlib.AsyncExitStack() as stack:
            admin = httpx.AsyncClient(base_url=base, headers=admin_headers)
            api = await stack.enter_async_context(admin)
            laptop, phone = await sign_in(base, "anna"), await sign_in(base, "anna")
            stack.push_async_callback(laptop.aclose)
            stack.push_async_callback(phone.aclose)
            consoles: dict[str, ConsoleClient] = {}
            headers = {
                "token": bearer(token),
                "laptop": cookie_headers(laptop),
                "phone": cookie_headers(phone),
            }
            for name, sent in headers.items():
                ws = await stack.enter_async_context(connect_console(base, sent))
                consoles[name] = ConsoleClient(ws)
                await consoles[name].hello()
            closes = await _withdraw(action, api, laptop, anna)
            for name in closes:
                assert await closed_with(consoles[name]) == CLOSE_REVOKED, name
            for name in consoles.keys() - closes:  # their credentials hold: they go on
                result = await consoles[name].command("presence", idle=False)
                assert result["ok"], (name, result)
            for name in closes:  # nothing but a fresh sign-in (or token) opens a console again
                async with connect_console(base, headers[name]) as ws:
                    assert await closed_with(ConsoleClient(ws)) == 4001, name


async def _withdraw(
    action: str, api: httpx.AsyncClient, laptop: httpx.AsyncClient, anna: uuid.UUID
) -> set[str]:
    """Do ``action``; which of anna's consoles (token, laptop, phone) it must close."""
    if action == "deactivate":
        r = await api.post(f"/api/operators/{anna}/deactivate")
        everything = {"token", "laptop", "phone"}
    elif action == "reset_password":
        r = await api.post(f"/api/operators/{anna}/password", json={"new_password": "n3w-secret!"})
        everything = {"laptop", "phone"}  # and the token when a new password revokes tokens
    elif action == "revoke_token":
        tokens = (await api.get(f"/api/operators/{anna}/tokens")).json()
        r = await api.delete(f"/api/operators/{anna}/tokens/{tokens[0]['id']}")
        everything = {"token"}
    elif action == "logout":
        r = await laptop.post("/api/auth/logout", headers=csrf(laptop))
        everything = {"laptop"}
    else:
        body = {"current_password": PASSWORD, "new_password": "n3w-secret!"}
        r = await laptop.post("/api/auth/password", json=body, headers=csrf(laptop))
        everything = {"phone"}  # the session that changed it goes on
    assert r.status_code < 300, r.text
    if action in ("reset_password", "change_password") and await _token_revoked(anna):
        everything.add("token")
    return everything


async def _token_revoked(operator_id: uuid.UUID) -> bool:
    from unionline.operators.tables import ApiToken

    revoked = (ApiToken.operator == operator_id) & (ApiToken.revoked == True)  # noqa: E712
    return bool(await ApiToken.exists().where(revoked))


# -- grants re-scope the socket ---------------------------------------------------------------


async def test_grant_changes_rescope_the_open_socket_at_once(unionline_database_url: str) -> None:
    async with running(unionline_database_url) as (base, admin_headers):
        org_a, org_b = await org("A"), await org("B")
        anna = await create_operator("anna", PASSWORD, grants=[Grant("operator", org_a)])
        api = httpx.AsyncClient(base_url=base, headers=admin_headers)
        async with api, connect_console(base, bearer(await create_token(anna, "c"))) as ws:
            console = ConsoleClient(ws)
            await console.hello()
            r = await api.post(
                f"/api/operators/{anna}/grants",
                json={"role": "operator", "organization_id": str(org_b)},
            )
            assert r.status_code == 201, r.text
            await _until_seen(console, org_b, 1)  # B's events arrive without reconnecting
            r = await api.delete(f"/api/operators/{anna}/grants/{r.json()['id']}")
            assert r.status_code == 204, r.text
            await _until_rescoped(console, org_b)
            await publish(org_b, 100)
            await publish(org_a, 101)
            got = await console.until(lambda f: f["type"] == "event")
            assert got["data"]["n"] == 101  # B's event was not sent


async def _until_seen(console: ConsoleClient, org_id: uuid.UUID, n: int) -> None:
    """Publish an event of ``org_id`` until the socket receives one (the re-scope is announced
    over the bus, so it may land just after the grant's answer)."""
    for attempt in range(50):
        await publish(org_id, n)
        with contextlib.suppress(TimeoutError):
            await console.until(lambda f: f["type"] == "event", timeout=0.2 + attempt / 10)
            return
    raise AssertionError("the new grant never re-scoped the socket")


async def _until_rescoped(console: ConsoleClient, org_id: uuid.UUID) -> None:
    """Wait until the socket's session sees the revoked grant (its actor no longer holds it)."""
    hub = current().state["console_hub"]
    for _ in range(500):
        sessions = [c.on_access_changed.__self__ for c in hub.connections.values()]
        if all(not s.scope.allows(org_id) for s in sessions):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the revoked grant never re-scoped the socket")


# -- every command re-checks the operator ------------------------------------------------------


async def test_a_command_rechecks_the_operator_even_without_an_announcement(
    unionline_database_url: str,
) -> None:
    """A change made where no bus reaches (SQL by hand): the next command finds it."""
    from unionline.appeals.services import create_appeal
    from unionline.appeals.tables import Appeal
    from unionline.members.services import create_member
    from unionline.operators.tables import Operator

    async with running(unionline_database_url) as (base, _):
        org_a = await org("A")
        anna = await create_operator("anna", PASSWORD, grants=[Grant("supervisor", org_a)])
        member = await create_member(None, org_a, full_name="Иван Петров")
        appeal = await create_appeal(
            None, organization_id=org_a, member_id=member, subject="Отпуск", channel="reference"
        )
        async with connect_console(base, bearer(await create_token(anna, "c"))) as ws:
            console = ConsoleClient(ws)
            await console.hello()
            await Operator.update({Operator.is_active: False}).where(Operator.id == anna)
            await console.ws.send(
                json.dumps(
                    {
                        "type": "command",
                        "ref": "c1",
                        "name": "set_status",
                        "args": {"appeal_id": str(appeal.id), "status": "resolved"},
                    }
                )
            )
            assert await closed_with(console) == CLOSE_REVOKED
        assert not any(f["type"] == "result" for f in console.frames)
        row = await Appeal.select(Appeal.status).where(Appeal.id == appeal.id).first()
        assert row is not None and row["status"] != "resolved"


# -- Origin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://evil.example", False),
        ("null", False),
        ("http://127.0.0.1:1", False),  # same host, other port: another origin
        ("https://union.example", True),  # server.public_url
        (None, True),  # not a browser: an integration with a token
        ("own", True),  # the console's own page
    ],
)
async def test_the_console_socket_refuses_foreign_origins(
    unionline_database_url: str, origin: str | None, allowed: bool
) -> None:
    settings = make_settings(unionline_database_url, server={"public_url": "https://union.example"})
    app = create_app(settings, migrate=True)
    async with serve(app) as base:
        anna = await create_operator("anna", PASSWORD, grants=[Grant("operator", await org("A"))])
        client = await sign_in(base, "anna")
        headers = cookie_headers(client)
        if origin is not None:
            headers["Origin"] = base if origin == "own" else origin
        await client.aclose()
        async with connect_console(base, headers) as ws:
            console = ConsoleClient(ws)
            if allowed:
                await console.hello()
                assert console.frames[0]["type"] == "welcome"
                assert console.frames[0]["operator_id"] == str(anna)
            else:
                assert await closed_with(console) == CLOSE_FORBIDDEN_ORIGIN
                assert console.frames == []


# -- the hub routes access changes -------------------------------------------------------------


def test_the_hub_tells_only_the_sockets_concerned() -> None:
    from unionline.console.hub import Connection, Hub
    from unionline.realtime import AccessChanged, session_digest

    hub = Hub(channels=None)  # type: ignore[arg-type]
    anna, boris = uuid.uuid4(), uuid.uuid4()
    told: list[str] = []
    for name, operator, session in [
        ("anna-laptop", anna, "s-laptop"),
        ("anna-phone", anna, "s-phone"),
        ("anna-token", anna, None),
        ("boris", boris, "s-boris"),
    ]:
        connection = Connection(name, 10, lambda: None)
        connection.operator_id = operator
        connection.session = session_digest(session) if session else None
        connection.on_access_changed = lambda change, name=name: told.append(name)
        hub.connections[name] = connection
    hub.access_changed(AccessChanged(operator_id=anna, reason="deactivated"))
    assert sorted(told) == ["anna-laptop", "anna-phone", "anna-token"]
    told.clear()
    hub.access_changed(AccessChanged(session=session_digest("s-phone"), reason="logout"))
    assert told == ["anna-phone"]
