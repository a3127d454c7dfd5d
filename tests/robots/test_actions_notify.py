"""``operators.notify``: a console notice (an event operators' consoles receive) and an e-mail
through SMTP (an aiosmtpd sink on loopback), once per step."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from actions_support import context, fixtures, member_writes, run
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:  # Controller(port=0) does not work in aiosmtpd 1.4
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PORT = free_port()
unionline_settings, env = fixtures(
    notifications={"smtp_host": "127.0.0.1", "smtp_port": PORT, "from_address": "robot@ppo.test"}
)


class Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def smtp() -> Iterator[Sink]:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=PORT)
    controller.start()
    yield sink
    controller.stop()


async def notices(h: Any) -> list[Any]:
    await h.settle()
    events = h.runtime.events
    return [
        events.decode(e)
        for e in await events.read_after(0, limit=10_000)
        if e.type == "robots.operators_notified"
    ]


async def test_assignee_and_supervisors_get_a_notice_and_an_email(env, smtp) -> None:
    h = env.harness
    org = env.account.organization_id
    row = await member_writes(env, "Срочно: увольнение")
    olga, _ = await h.create_operator("olga", "operator", org)
    boss, _ = await h.create_operator("boss", "supervisor", org)
    await h.create_operator("idle", "operator", org)  # neither assignee nor supervisor
    for ident, address in ((olga, "olga@ppo.test"), (boss, "boss@ppo.test")):
        await h.runtime.db.execute(
            "UPDATE operator_operator SET email = {} WHERE id = {}", address, ident
        )
    await run("appeal.assign", context(env, row["appeal_id"]), {"operator_id": str(olga)})
    ctx = context(env, row["appeal_id"], step=1)
    params = {
        "text": {"ru": "Просрочено обращение {appeal.number} ({member.name})"},
        "to": ["assignee", "supervisors"],
    }
    done = await run("operators.notify", ctx, params)
    again = await run("operators.notify", ctx, params)
    assert done.data["email"] is True and again.summary == "уведомление уже отправлено"
    [notice] = await notices(h)
    assert set(notice.operator_ids) == {olga, boss}
    assert notice.text.startswith("Просрочено обращение PPO-") and notice.organization_id == org
    assert notice.text.endswith("(Анна Сергеевна Иванова)")
    received = sorted(e.rcpt_tos[0] for e in smtp.envelopes)
    assert received == ["boss@ppo.test", "olga@ppo.test"]
    mail = email.message_from_bytes(smtp.envelopes[0].content, policy=email.policy.default)
    assert mail["From"] == "robot@ppo.test" and "PPO-" in mail["Subject"]
    assert mail.get_content().strip() == notice.text


async def test_operators_of_another_organization_are_refused(env, smtp) -> None:
    from appeals_support import make_org

    from unionline.errors import PermanentFailure

    h = env.harness
    row = await member_writes(env, "Вопрос")
    other = await make_org(h, "OTH")
    stranger, _ = await h.create_operator("petr", "supervisor", other)
    with pytest.raises(PermanentFailure, match="не работает в организации правила"):
        await run(
            "operators.notify",
            context(env, row["appeal_id"]),
            {"text": {"ru": "x"}, "to": [], "operator_ids": [str(stranger)]},
        )
    await h.create_operator("boss", "supervisor", env.account.organization_id)
    preview = await run(
        "operators.notify",
        context(env, row["appeal_id"], dry_run=True),
        {"text": {"ru": "Внимание"}, "to": ["supervisors"]},
    )
    assert preview.data["dry_run"] is True and "(1)" in preview.summary
    assert await notices(h) == [] and smtp.envelopes == []
