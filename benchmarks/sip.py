"""The phone channel's SIP agent under sipp: 5 calls a second for 60 s → 0 failed calls, and
the answer latency (INVITE sent → 200 OK received, sipp's response-time measure) p99, target
< 200 ms — beside sipp's own UAS answering the same scenario at the same rate in the same run.

The app runs in this process on PostgreSQL with the ``phone`` plugin and one SIP line whose
agent answers at once (``sip_ring_seconds = 0``); each call is the member's phone from
``tests/channels/phone/sipp/uac_answer_hangup.xml``: INVITE with PCMA + telephone-event,
ACK, one second of the greeting (Russian TTS, G.711 A-law RTP from the agent), BYE. Every call
is stored by the agent as call events (a missed call in the menu on the member's appeal, a
callback owed). **Baseline**: ``sipp -sn uas`` (answers from memory, stores nothing) called
with the same scenario, rate and duration, right after.

Needs ``sipp`` (Debian ``sip-tester``), ``espeak-ng`` and PostgreSQL
(``UNIONLINE_TEST_DATABASE_URL``, else ``postgresql://postgres@127.0.0.1:5432/test``; a
scratch database is created and dropped). Standalone: ``python -m benchmarks.sip [--quick]``.
"""

from __future__ import annotations

import asyncio
import csv
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.webhook_ingest import DEFAULT_PG, quantile

SCENARIO = Path(__file__).parents[1] / "tests/channels/phone/sipp/uac_answer_hangup.xml"
RATE = 5  # calls a second
HOLD_MS = 1000  # each call's length after the answer
P99 = "SIP agent answer latency p99 at 5 calls/s, ms"
P99_TARGET = "SIP agent answer latency p99 vs 200 ms target"
FAILED = "SIP agent failed calls at 5 calls/s (sipp)"  # of the calls made
TARGETS = {P99_TARGET: "< 1", FAILED: "<= 0 + 0"}


def free_port() -> int:
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port % 2 == 0 and port < 65000:
            return port


async def sipp_uac(target: str, calls: int, workdir: Path) -> dict[str, Any]:
    """Call ``target`` ``calls`` times at ``RATE``/s; sipp's per-call response times and its
    failed-call count."""
    workdir.mkdir(parents=True, exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        "sipp", "-sf", str(SCENARIO), target, "-i", "127.0.0.1", "-p", str(free_port()),
        "-mi", "127.0.0.1", "-mp", str(free_port()), "-s", "74951112233",
        "-r", str(RATE), "-m", str(calls), "-d", str(HOLD_MS), "-nostdin",
        "-timeout", str(calls // RATE + 60), "-timeout_error",
        "-trace_rtt", "-rtt_freq", "1", "-trace_stat", "-stf", "stat.csv",
        cwd=workdir, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await process.wait()
    times = []
    for path in workdir.glob("*_rtt.csv"):
        with path.open() as file:
            times += [float(r["response_time_ms"]) for r in csv.DictReader(file, delimiter=";")]
    with (workdir / "stat.csv").open() as file:
        last = list(csv.DictReader(file, delimiter=";"))[-1]
    return {
        "rc": process.returncode,
        "times": times,
        "ok": int(last["SuccessfulCall(C)"]),
        "failed": int(last["FailedCall(C)"]),
    }


async def agent_run(url: str, calls: int, workdir: Path) -> tuple[dict[str, Any], dict[str, int]]:
    from unionline.channel import load_account
    from unionline.channels.phone.sip import runtime
    from unionline.testing.support import make_settings, running_app

    async with running_app(make_settings(url, plugins=["phone"]), migrate=True) as h:
        post, headers = h.client.post, h.admin_headers
        org = await post(
            "/api/organizations/",
            headers=headers,
            json={"name": "Профсоюз", "code": "PPO", "kind": "federation"},
        )
        rtp = free_port()
        config: dict[str, Any] = {
            "provider": "sip", "sip_listen": f"127.0.0.1:{free_port()}", "sip_ring_seconds": 0,
            "sip_rtp_ports": f"{rtp}-{rtp + 400}", "sip_max_calls": 100, "recording_days": 0,
        }  # fmt: skip
        line = await post("/api/channel-accounts/", headers=headers, json={
            "organization_id": org.json()["id"], "channel": "phone", "name": "SIP",
            "config": config, "secrets": {}})  # fmt: skip
        if line.status_code != 201:
            raise RuntimeError(f"seeding failed: {line.status_code} {line.text}")
        agent = await runtime.start(await load_account(line.json()["id"]))
        try:
            got = await sipp_uac(config["sip_listen"], calls, workdir)
            await agent.idle()
            await h.settle()
            stored = await h.runtime.db.fetchone(
                "SELECT count(*) AS n FROM phone_call WHERE account_id = {}", line.json()["id"]
            )
        finally:
            await runtime.stop(agent.line.id)
        return got, {**agent.stats, "stored": int(stored["n"])}


async def baseline_run(calls: int, workdir: Path) -> dict[str, Any]:
    port = free_port()
    uas = await asyncio.create_subprocess_exec(
        "sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(port), "-nostdin",
        cwd=workdir, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await asyncio.sleep(0.3)
    try:
        return await sipp_uac(f"127.0.0.1:{port}", calls, workdir / "uac")
    finally:
        uas.terminate()
        await uas.wait()


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database

    for binary in ("sipp", "espeak-ng"):
        if shutil.which(binary) is None:
            raise RuntimeError(f"{binary} is not installed (Debian: sip-tester, espeak-ng)")
    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    seconds = 10 if quick else 60
    calls = RATE * seconds
    load = os.getloadavg()
    print(f"# sip: {calls} calls at {RATE}/s ({seconds} s), {HOLD_MS} ms each; PostgreSQL; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        got, stats = asyncio.run(agent_run(url, calls, Path(tmp) / "agent"))
        base = asyncio.run(baseline_run(calls, Path(tmp)))
    p99, base_p99 = quantile(got["times"], 0.99), quantile(base["times"], 0.99)
    print(f"# sip: agent {got['ok']} ok, {got['failed']} failed (sipp rc {got['rc']}), p50 "
          f"{quantile(got['times'], 0.5):.0f} ms, p99 {p99:.0f} ms, max {max(got['times']):.0f} ms;"
          f" {stats['stored']} calls stored, RTP {stats['rtp_sent']} packets sent, "
          f"{stats['rtp_received']} received; baseline sipp UAS {base['ok']} ok, "
          f"{base['failed']} failed, p99 {base_p99:.0f} ms; load average after "
          f"{os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    failed = got["failed"] + calls - got["ok"] - got["failed"]  # failed or never completed
    return [
        (P99, p99, max(base_p99, 1.0),
         "ms INVITE → 200 (sipp, 1 ms steps); baseline: sipp's own UAS, same calls (0 ms as 1)"),
        (P99_TARGET, p99, 200.0, "ms; baseline: the 200 ms target"),
        (FAILED, float(failed), float(calls),
         f"calls failed or unfinished; baseline: calls made (sipp's UAS: {base['failed']} failed)"),
    ]  # fmt: skip


if __name__ == "__main__":
    for name, value, baseline, unit in run("--quick" in sys.argv):
        target = TARGETS.get(name, "")
        print(f"{name}: {value:,.1f} vs {baseline:,.1f} {unit}"
              f"{' (target ' + target + ')' if target else ''})")  # fmt: skip
