"""Console commands over the websocket: claim, reply, status; viewers and typing signals
reach colleagues who may see the appeal and nobody else."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from unionline import current
from unionline.access import Grant
from unionline.app import create_app
from unionline.appeals.services import create_appeal
from unionline.members.services import create_member
from unionline.operators.services import create_operator, create_token
from unionline.testing.console import ConsoleClient, connect_console
from unionline.testing.server import serve
from unionline.testing.support import make_settings


async def _token(login: str, role: str, org: uuid.UUID | None) -> tuple[uuid.UUID, str]:
    operator = await create_operator(login, "password-123", grants=[Grant(role, org)])
    return operator, await create_token(operator, "test")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _org(code: str) -> uuid.UUID:
    from unionline.organizations.tables import Organization

    org_id = uuid.uuid4()
    await Organization.insert(Organization(id=org_id, path=f"/{org_id}/", name=code, code=code))
    return org_id


async def test_claim_reply_and_signals(unionline_database_url: str) -> None:
    app = create_app(make_settings(unionline_database_url), migrate=True)
    async with serve(app) as base:
        org_a, org_b = await _org("AAA"), await _org("BBB")
        a_id, token_a = await _token("anna", "operator", org_a)
        _, token_b = await _token("boris", "operator", org_a)
        c_id, token_c = await _token("clara", "operator", org_b)
        member = await create_member(None, org_a, full_name="Иван Петров")
        appeal = await create_appeal(
            None, organization_id=org_a, member_id=member, subject="Отпуск", channel="reference"
        )
        aid = str(appeal.id)
        async with (
            connect_console(base, bearer(token_a)) as wa,
            connect_console(base, bearer(token_b)) as wb,
            connect_console(base, bearer(token_c)) as wc,
        ):
            a, b, c = ConsoleClient(wa), ConsoleClient(wb), ConsoleClient(wc)
            for console in (a, b, c):
                await console.hello()

            viewing = await a.command("viewing", appeal_id=aid)
            assert viewing["ok"] is True
            # (presence signals of colleagues coming online may come first)
            seen = await b.until(lambda f: f["type"] == "signal" and f["signal"] == "viewing")
            assert seen["signal"] == "viewing" and seen["data"]["operator_id"] == str(a_id)

            claimed = await a.command("claim", appeal_id=aid)
            assert claimed["ok"] is True and claimed["data"]["assignee_id"] == str(a_id)
            taken = await b.command("claim", appeal_id=aid)
            assert taken["ok"] is False and taken["error"]["code"] == "conflict"

            reply = await a.command("reply", appeal_id=aid, text="Здравствуйте! <b>Ответ</b>")
            assert reply["ok"] is True, reply
            event = await b.until(
                lambda f: f["type"] == "event" and f["event"] == "appeal.message_out"
            )
            assert event["data"]["appeal_id"] == aid

            bad = await a.command("set_status", appeal_id=aid, status="nonsense")
            assert bad["ok"] is False and bad["error"]["field"] == "status"
            missing = await a.command("set_status", appeal_id=aid)
            assert missing["ok"] is False and missing["error"]["code"] == "validation_error"
            done = await a.command("set_status", appeal_id=aid, status="resolved")
            assert done["ok"] is True and done["data"]["status"] == "resolved"
            await b.until(lambda f: f["type"] == "event" and f["event"] == "appeal.status_changed")

            # The operator of another organization can neither act nor see.
            foreign = await c.command("claim", appeal_id=aid)
            assert foreign["ok"] is False and foreign["error"]["code"] == "not_found"
            await current().events.drain()
            await asyncio.sleep(0.3)
            c_frames = [f for f in c.frames if f["type"] in ("event", "signal")]
            own_presence = {"signal": "presence", "data": {"operator_id": str(c_id)}}
            assert [f for f in c_frames if not _about(f, own_presence)] == []


def _about(frame: dict[str, Any], pattern: dict[str, Any]) -> bool:
    return frame.get("signal") == pattern["signal"] and all(
        frame.get("data", {}).get(k) == v for k, v in pattern["data"].items()
    )
