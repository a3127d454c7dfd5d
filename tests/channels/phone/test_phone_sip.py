"""The built-in SIP agent against real SIP peers on loopback: sipp as the member's phone
(answered with audio and DTMF into voicemail, CANCEL while ringing, a busy callee, a robot call
answered with a digit) and kamailio as the registrar the agent registers to with digest auth.
Calls are what the cloud PBX adapters make of theirs: entries on the member's appeal, missed
calls owing callbacks, the voicemail attached."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import msgspec
import pytest
from sip_support import SipLine, callee, free_port, kamailio, need, sipp

from unionline import NotReady
from unionline.channel import load_account
from unionline.channels.phone.settings import LineConfig, LineSecrets
from unionline.channels.phone.sip import inbound, queue, runtime, tts
from unionline.channels.phone.sip.agent import SipAgent
from unionline.channels.phone.sip.outbound import call_and_say
from unionline.channels.phone.sip.robot import RobotCall, RobotCallParams
from unionline.robots.sdk import LocalizedText, RobotContext
from unionline.testing import AppHarness
from unionline.testing.channel_contract import ContractEnv


@pytest.fixture
def provider() -> str:
    return "sip"


@pytest.fixture
def pbx() -> None:  # the SIP line needs no cloud PBX stand-in
    return None


@dataclass
class Sip:
    env: ContractEnv
    agent: SipAgent

    @property
    def h(self) -> AppHarness:
        return self.env.harness

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.agent.listen[1]}"

    async def settled(self) -> None:
        await self.agent.idle()
        await self.h.settle()

    async def entries(self) -> list[dict[str, Any]]:
        rows = await self.env.db.fetch(
            "SELECT id, appeal_id, kind, body, data FROM appeal_timeline"
            " WHERE channel_account_id = {} AND external_id LIKE 'call:%' ORDER BY id",
            self.env.account.id,
        )
        return [
            {**r, "data": r["data"] if isinstance(r["data"], dict) else json.loads(r["data"])}
            for r in rows
        ]


async def sip_line(h: AppHarness, **config: Any) -> AsyncGenerator[Sip, None]:
    need("espeak-ng", "espeak-ng")  # the greeting and the robot's words
    env = await SipLine(**config).create_env(h)
    line = await load_account(env.account.id)
    agent = await runtime.start(line)
    try:
        yield Sip(env, agent)
    finally:
        await runtime.stop(line.id)


@pytest.fixture
async def sip(unionline_app: AppHarness) -> AsyncIterator[Sip]:
    async for found in sip_line(unionline_app, sip_outbound=f"127.0.0.1:{free_port()}"):
        yield found


async def test_the_agent_speaks_what_a_call_may_hear_before_the_first_call(
    unionline_app: AppHarness,
) -> None:
    """Synthesis takes seconds on a busy machine: done on the call, a caller heard silence and
    one who pressed 1 talked before the beep (the voicemail test lost the message so)."""
    tts._CACHE.clear()
    async for sip in sip_line(unionline_app):
        spoken = {text for (_engine, _language, text) in tts._CACHE}
        prompts = (inbound.VOICEMAIL_PROMPT, inbound.CALLBACK_PROMPT, queue.HOLD_PROMPT)
        assert {sip.agent.config.sip_greeting, *prompts} <= spoken


async def test_answered_with_greeting_dtmf_and_voicemail(sip: Sip) -> None:
    await sipp(
        "uac_voicemail.xml", sip.target, "-p", str(free_port()), "-mi", "127.0.0.1",
        "-mp", str(free_port()), "-s", "74951112233",
    )  # fmt: skip
    await sip.settled()
    [entry] = await sip.entries()
    call = entry["data"]["call"]
    assert entry["kind"] == "message_in" and call["number"] == "+79161234567"
    assert call["line"] == "74951112233" and call["digits"] == "1"
    assert call["state"] == "ended" and call["missed"] == "voicemail"
    assert entry["body"] == "Входящий звонок · пропущен — оставлено голосовое сообщение"
    assert call["callback"]["status"] == "pending"  # a voicemail is called back
    [file] = entry["data"]["attachments"]
    assert file["content_type"] == "audio/wav" and call["recording"] == "stored"
    stored = await sip.env.db.fetchone(
        "SELECT size FROM channel_attachment WHERE id = {}", file["id"]
    )
    assert stored["size"] > 8000  # what the caller said after the beep (G.711 from sipp)
    assert sip.agent.stats["rtp_sent"] > 50  # the greeting went out as RTP


async def test_cancel_while_ringing_is_a_missed_call_owing_a_callback(sip: Sip) -> None:
    await sipp("uac_missed_cancel.xml", sip.target, "-p", str(free_port()), "-s", "74951112233")
    await sip.settled()
    [entry] = await sip.entries()
    call = entry["data"]["call"]
    assert call["missed"] == "ringing" and call["disposition"] == "cancelled"
    assert entry["body"] == "Входящий звонок · пропущен пока звонил"
    assert call["callback"]["status"] == "pending" and call["callback"]["due_at"] > 0


async def test_a_retransmitted_invite_is_one_call(sip: Sip) -> None:
    """The member's INVITE arrives twice (same branch), then they hang up: one call, rung once,
    cancelled once (aiosipua alone would answer the copy as a second call)."""
    heard: list[str] = []
    loop = asyncio.get_running_loop()
    phone, _ = await loop.create_datagram_endpoint(
        lambda: Collect(heard), local_addr=("127.0.0.1", 0)
    )
    port = phone.get_extra_info("sockname")[1]
    try:
        invite = raw_request("INVITE", sip.agent.listen[1], port, SDP)
        phone.sendto(invite, ("127.0.0.1", sip.agent.listen[1]))
        phone.sendto(invite, ("127.0.0.1", sip.agent.listen[1]))
        await asyncio.sleep(0.3)
        phone.sendto(raw_request("CANCEL", sip.agent.listen[1], port), sip.agent.listen)
        await sip.settled()
    finally:
        phone.close()
    assert heard.count("SIP/2.0 180 Ringing") == 1
    assert heard.count("SIP/2.0 487 Request Terminated") == 1
    [entry] = await sip.entries()
    assert entry["data"]["call"]["missed"] == "ringing"


async def test_an_invite_without_an_answer_is_sent_again(sip: Sip) -> None:
    """A callee that misses the first INVITE (lost on the way) gets it again after T1 with the
    same branch; its 486 then is ACKed and the call is busy."""
    got: list[tuple[bytes, Any]] = []
    loop = asyncio.get_running_loop()
    assert sip.agent.outbound is not None
    phone, _ = await loop.create_datagram_endpoint(
        lambda: Inbox(got), local_addr=sip.agent.outbound
    )
    try:
        calling = asyncio.ensure_future(
            call_and_say(sip.agent, "+79161234567", b"", ref="lost-invite")
        )
        while len(got) < 2:
            await asyncio.sleep(0.05)
        first, again = (data.decode() for data, _ in got[:2])
        assert first.startswith("INVITE ") and again == first  # the same request, the same branch
        phone.sendto(busy_answer(first), got[1][1])
        outcome = await asyncio.wait_for(calling, 5)
        assert outcome.disposition == "busy" and outcome.status == 486
        await asyncio.sleep(0.1)
        assert got[-1][0].startswith(b"ACK ")
    finally:
        phone.close()


async def test_a_callee_that_only_rings_is_no_answer(sip: Sip) -> None:
    got: list[tuple[bytes, Any]] = []
    assert sip.agent.outbound is not None
    phone, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: Inbox(got), local_addr=sip.agent.outbound
    )
    try:
        outcome = await call_and_say(sip.agent, "+79161234567", b"", ref="rings", ring_seconds=0.6)
        assert outcome.disposition == "no_answer"
        assert [data.split(b" ", 1)[0] for data, _ in got][-1] == b"CANCEL"
    finally:
        phone.close()


class Inbox(asyncio.DatagramProtocol):
    def __init__(self, got: list[tuple[bytes, Any]]) -> None:
        self.got = got

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.got.append((data, addr))


def busy_answer(invite: str) -> bytes:
    head = invite.split("\r\n\r\n", 1)[0].split("\r\n")
    keep = [h for h in head[1:] if h.split(":", 1)[0] in ("Via", "From", "Call-ID", "CSeq")]
    to = next(h for h in head if h.startswith("To:"))
    lines = ["SIP/2.0 486 Busy Here", *keep, f"{to};tag=busy", "Content-Length: 0"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Collect(asyncio.DatagramProtocol):
    def __init__(self, heard: list[str]) -> None:
        self.heard = heard

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.heard.append(data.decode(errors="replace").split("\r\n", 1)[0])


SDP = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 9 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
)


def raw_request(method: str, agent_port: int, port: int, sdp: str = "") -> bytes:
    kind = "Content-Type: application/sdp\r\n" if sdp else ""
    return (
        f"{method} sip:74951112233@127.0.0.1:{agent_port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-twice\r\n"
        f"From: <sip:79161234567@127.0.0.1:{port}>;tag=twice\r\n"
        f"To: <sip:74951112233@127.0.0.1:{agent_port}>\r\nCall-ID: twice@127.0.0.1\r\n"
        f"CSeq: 1 {method}\r\nContact: <sip:79161234567@127.0.0.1:{port}>\r\n"
        f"Max-Forwards: 70\r\n{kind}Content-Length: {len(sdp)}\r\n\r\n{sdp}"
    ).encode()


async def test_a_burst_of_calls_hung_up_in_the_menu(sip: Sip) -> None:
    """5 calls at 5 a second (the benchmark makes 300): all answered, each a missed call in
    the menu on the member's one appeal, one callback counting them."""
    await sipp(
        "uac_answer_hangup.xml", sip.target, "-p", str(free_port()), "-mi", "127.0.0.1",
        "-mp", str(free_port()), "-s", "74951112233", "-r", "5", "-d", "500",
        calls=5,
    )  # fmt: skip
    await sip.settled()
    entries = await sip.entries()
    assert [e["data"]["call"]["missed"] for e in entries] == ["ivr"] * 5
    assert len({e["appeal_id"] for e in entries}) == 1
    # Each entry shows the callback as its call's end found it: the call that ended last (not
    # always the one that started last — their ends are stored as they come) shows all five.
    callbacks = [e["data"]["call"]["callback"] for e in entries]
    assert len({c["id"] for c in callbacks}) == 1
    assert sorted(c["missed"] for c in callbacks) == [1, 2, 3, 4, 5]
    assert sip.agent.stats["answered"] == 5


async def test_robot_calls_busy_then_answered_with_a_digit(sip: Sip) -> None:
    await sipp("uac_missed_cancel.xml", sip.target, "-p", str(free_port()), "-s", "74951112233")
    await sip.settled()
    [missed] = await sip.entries()  # the member (+79161234568) and their appeal
    action = RobotCall()
    params = RobotCallParams(
        text=LocalizedText(ru="Ваше обращение {appeal.number} рассмотрено. Нажмите 1."),
        ask_digit=True,
    )

    def context() -> RobotContext:
        return RobotContext(
            rule_id=uuid.uuid4(),
            organization_id=sip.env.account.organization_id,
            execution_id=uuid.uuid4(),
            step=0,
            appeal_id=missed["appeal_id"],
        )

    # A process without the line's agent (another holds its lease) hands the step back.
    here = runtime._AGENTS.pop(sip.agent.line.id)
    try:
        with pytest.raises(NotReady, match=r"не в этом процессе|ни в одном процессе"):
            await action.run(context(), params)
    finally:
        runtime._AGENTS[sip.agent.line.id] = here
    port = sip.agent.outbound[1] if sip.agent.outbound else 0
    busy_ctx = context()
    async with callee("uas_busy.xml", port, free_port()):
        busy = await action.run(busy_ctx, params)
    assert busy.data["disposition"] == "busy"
    assert busy.summary == "робот-звонок на +79161234568: занято"
    async with callee("uas_answer_dtmf.xml", port, free_port()):
        answered = await action.run(context(), params)
    assert answered.data == {"disposition": "answered", "heard": False, "digit": "1"}
    assert answered.summary == "робот-звонок на +79161234568: ответил, не дослушал, нажал 1"
    short = RobotCallParams(text=LocalizedText(ru="Спасибо."))  # no digit asked
    async with callee("uas_answer_dtmf.xml", port, free_port()):
        heard = await action.run(context(), short)
    assert heard.data == {"disposition": "answered", "heard": True, "digit": ""}
    listed = await sip.h.client.get("/api/robots/actions", headers=sip.h.admin_headers)
    assert "phone.robot_call" in {a["name"] for a in listed.json()}  # for the rules editor
    again = await action.run(busy_ctx, params)  # a retried step: no second call
    assert again.data["disposition"] == "busy"
    await sip.settled()
    outbound = [e["data"]["call"] for e in await sip.entries() if e["kind"] != "message_in"]
    assert [(c["disposition"], c.get("digits")) for c in outbound] == [
        ("busy", None),
        ("answered", "1"),
        ("answered", None),
    ]
    callback = (await sip.entries())[0]["data"]["call"]["callback"]
    assert callback["status"] == "done"  # the answered call reached the member


async def test_click_to_call_rings_the_operator_then_the_member_and_bridges_them(
    unionline_app: AppHarness,
) -> None:
    outbound = free_port()
    lines = sip_line(
        unionline_app, sip_outbound=f"127.0.0.1:{outbound}", operators=["101 = ivanova"]
    )
    sip = await anext(lines)
    try:
        ivanova = await operator(sip, "ivanova")
        await sipp("uac_missed_cancel.xml", sip.target, "-p", str(free_port()), "-s", "74951112233")
        await sip.settled()
        [missed] = await sip.entries()
        callback_id = missed["data"]["call"]["callback"]["id"]
        # one sipp answers both legs: the operator's phone (101), then the member's
        async with callee("uas_talk.xml", outbound, free_port(), calls=2) as phones:
            r = await sip.h.client.post(f"/api/phone/callbacks/{callback_id}/call", headers=ivanova)
            assert r.status_code == 200, r.text
            await phones
        await sip.settled()
        [_, bridged] = await sip.entries()
        call = bridged["data"]["call"]
        assert call["direction"] == "out" and call["number"] == "+79161234568"
        assert call["extension"] == "101" and call["disposition"] == "answered"
        assert sip.agent.stats["rtp_sent"] > 50  # each phone's audio relayed to the other
        settled = (await sip.entries())[0]["data"]["call"]["callback"]
        assert settled["status"] == "done" and settled["outcome"] == "answered"
    finally:
        await lines.aclose()


async def operator(sip: Sip, login: str) -> dict[str, str]:
    """An operator of the line's organization; their API token's headers."""
    h = sip.h
    r = await h.client.post(
        "/api/operators/",
        headers=h.admin_headers,
        json={
            "login": login,
            "password": "password-123",
            "name": login.title(),
            "grants": [
                {"role": "operator", "organization_id": str(sip.env.account.organization_id)}
            ],
        },
    )
    assert r.status_code == 201, r.text
    t = await h.client.post(
        f"/api/operators/{r.json()['id']}/tokens",
        headers=h.admin_headers,
        json={"name": "test", "scopes": ["appeals.read", "appeals.reply"]},
    )
    assert t.status_code in (200, 201), t.text
    return {"Authorization": f"Bearer {t.json()['token']}"}


@pytest.mark.parametrize(
    ("ring", "operators", "phones", "answers"),
    [
        ("in_turn", ["101 = ivanova"], "uas_talk.xml", "101"),
        # Parallel forking: both phones ring; 102 answers, 101 gets a CANCEL (uas_fork.xml).
        ("all", ["101 = ivanova", "102 = petrova"], "uas_fork.xml", "102"),
    ],
)
async def test_the_menu_puts_the_caller_through_to_an_operator(
    unionline_app: AppHarness, ring: str, operators: list[str], phones: str, answers: str
) -> None:
    outbound = free_port()
    lines = sip_line(
        unionline_app,
        sip_outbound=f"127.0.0.1:{outbound}",
        operators=operators,
        sip_queue_ring=ring,
    )
    sip = await anext(lines)
    try:
        for setting in operators:
            await operator(sip, setting.split("=")[1].strip())
        async with callee(phones, outbound, free_port(), calls=len(operators)) as phone:
            await sipp(
                "uac_operator.xml", sip.target, "-p", str(free_port()), "-mi", "127.0.0.1",
                "-mp", str(free_port()), "-s", "74951112233",
            )  # fmt: skip
            await phone  # sipp exits 0: every leg went as its scenario says
        await sip.settled()
        [entry] = await sip.entries()
        call = entry["data"]["call"]
        assert call["digits"] == "0" and call["extension"] == answers
        assert call["disposition"] == "answered" and call["missed"] is None
        assert call["operator_id"] is not None and call["duration"] >= 1
        assert entry["body"].startswith("Входящий звонок · разговор 0:0")
        assert sip.agent.stats["rtp_sent"] > 50  # the hold prompt, then the caller relayed
    finally:
        await lines.aclose()


async def test_registers_to_kamailio_with_digest_auth_and_takes_its_calls(
    unionline_app: AppHarness,
) -> None:
    async with kamailio() as port:
        registrar = f"127.0.0.1:{port}"
        lines = sip_line(unionline_app, sip_registrar=registrar, sip_user="support")
        sip = await anext(lines)
        try:
            await asyncio.wait_for(sip.agent.registered.wait(), 5)
            assert sip.agent.registration_state == "registered"
            checked = await runtime.check(sip.agent.line)  # «Проверить подключение»
            assert checked.ok and checked.identity == "support@127.0.0.1"
            await sipp("uac_missed_cancel.xml", registrar, "-p", str(free_port()), "-s", "support")
            await sip.settled()
            [entry] = await sip.entries()
            assert entry["data"]["call"]["missed"] == "ringing"  # routed by the registrar
        finally:
            await lines.aclose()
        # a wrong password: the registrar's challenge is answered once, then refused
        config = SipLine(sip_registrar=registrar, sip_user="other").account_config()
        line = SimpleNamespace(
            id=uuid.uuid4(),
            config=msgspec.convert(config, LineConfig),
            secrets=LineSecrets(sip_password="wrong"),
        )
        refused = SipAgent(line)
        await refused.start()
        try:
            for _ in range(50):
                if refused.last_registration_error:
                    break
                await asyncio.sleep(0.05)
            assert refused.last_registration_error.startswith("401")
            assert not refused.registered.is_set()
        finally:
            await refused.stop()
