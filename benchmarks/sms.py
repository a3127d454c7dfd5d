"""SMPP sends: 10,000 SMS through the SMS channel to the loopback SMSC, against a bare send loop
to the same SMSC in the same run (target ratio >= 0.5), and the duplicates the SMSC saw (0).

* **value** — ``SmppChannel.send()`` of 10,000 Cyrillic replies to distinct numbers, as the
  delivery jobs call it, 100 calls in flight: the content checks, the send claimed before its
  submit_sm (exactly-once across a killed worker) together with the opt-out look-up, the
  account's bound session, and the parts recorded for receipts — the claims and the parts of
  every send in flight written in one statement each (a group commit), on SQLite or
  ``UNIONLINE_TEST_DATABASE_URL``.
* **baseline** — a bare loop on a raw asyncio connection: bind_transceiver, then the same
  10,000 submit_sm PDUs with the same window, counting submit_sm_resp — no database, no
  checks.

The two are measured in three rounds taken in turn (bare loop, then channel) in the same app
process, so the shared machine's drift favours neither; the channel's messages are built before
its clock starts, as the SDK reads each from its delivery row. Both run with a window of 10 and
of 50 submit_sm in flight (the account's ``window``; SMSCs
commonly allow 10–100): the database batches are as large as the answers that come together.
The SMSC sends no receipts here (a receipt for a send the SDK never recorded would only be
retried); receipts are tested in tests/channels/sms/test_smpp.py. Standalone:
``python -m benchmarks.sms [--quick]``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIGURE = "SMPP: SmppChannel.send() of SMS to the SMSC stand-in, window {}"
DUPLICATES = "SMPP: duplicate SMS at the SMSC (0 expected)"
WINDOWS = (10, 50)  # submit_sm in flight on the wire, the same for both loops
ROUNDS = 3  # channel and bare loop in turn, each round a third of the messages
SENDERS = 100  # send() calls in flight, as delivery jobs of a busy worker (or campaigns)
TARGETS = {**{FIGURE.format(w): ">= 0.5" for w in WINDOWS}, DUPLICATES: "<= 0"}


def _standin() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    from standins.smpp_smsc import SmscStandin

    return SmscStandin(receipts=False)


def _texts(n: int, round_: int = 0, who: str = "Профсоюз") -> list[tuple[str, str]]:
    """``n`` distinct numbers and texts of one round (``who``: the sender's word, of the same
    length for the bare loop's texts, so both send the same bytes)."""
    return [
        (f"7999{round_}{i:06d}", f"{who}: ответ на обращение №{round_}-{i}, приходите во вторник.")
        for i in range(n)
    ]


async def bare_loop(smsc: Any, messages: list[tuple[str, str]], window_size: int) -> float:
    """Messages per second of a raw submit_sm loop with a window of ``window_size``."""
    from unionline.channels.sms import segments
    from unionline.channels.sms.smpp import pdu

    reader, writer = await asyncio.open_connection("127.0.0.1", smsc.port)
    writer.write(
        pdu.Pdu(pdu.BIND_TRANSCEIVER, 1, body=pdu.bind_body(smsc.system_id, smsc.password)).encode()
    )
    head = await reader.readexactly(16)
    await reader.readexactly(pdu.read_header(head)[0] - 16)
    window = asyncio.Semaphore(window_size)
    done = asyncio.Event()
    answered = 0

    async def read() -> None:
        nonlocal answered
        while answered < len(messages):
            length = pdu.read_header(await reader.readexactly(16))[0]
            await reader.readexactly(length - 16)
            answered += 1
            window.release()
        done.set()

    start = time.perf_counter()
    task = asyncio.ensure_future(read())
    for seq, (number, text) in enumerate(messages, start=2):
        encoded = segments.encode(text, reference=seq & 0xFF)
        body = pdu.ShortMessage(
            "PROFKOM",
            number,
            encoded.parts[0],
            source_ton=5,
            source_npi=0,
            data_coding=encoded.data_coding,
        ).encode()
        await window.acquire()
        writer.write(pdu.Pdu(pdu.SUBMIT_SM, seq, body=body).encode())
        await writer.drain()
    await done.wait()
    elapsed = time.perf_counter() - start
    task.cancel()
    writer.close()
    return len(messages) / elapsed


async def channel_sends(
    smsc: Any, rounds: list[list[tuple[str, str]]], url: str, window: int
) -> tuple[float, float]:
    """SMS/s of the channel and of the bare loop, over ``ROUNDS`` rounds taken in turn (the
    bare loop first in each) so that the machine's drift favours neither."""
    from unionline.channel import OutboundMessage, load_account
    from unionline.channels.sms.smpp.channel import SmppChannel
    from unionline.channels.sms.smpp.links import close_all
    from unionline.testing.support import make_settings, running_app

    async with running_app(make_settings(url, plugins=["sms"]), migrate=True) as h:
        org = await h.client.post(
            "/api/organizations/",
            headers=h.admin_headers,
            json={"name": "Профсоюз", "code": "PPO", "kind": "federation"},
        )
        created = await h.client.post(
            "/api/channel-accounts/",
            headers=h.admin_headers,
            json={
                "organization_id": org.json()["id"],
                "channel": "smpp",
                "name": "SMPP",
                "config": {
                    "host": "127.0.0.1",
                    "port": smsc.port,
                    "system_id": smsc.system_id,
                    "sender": "PROFKOM",
                    "window": window,
                },
                "secrets": {"password": smsc.password},
            },
        )
        if created.status_code != 201:
            raise RuntimeError(f"seeding failed: {created.status_code} {created.text}")
        account = await load_account(uuid.UUID(created.json()["id"]))
        channel, organization = SmppChannel(), uuid.UUID(org.json()["id"])
        await channel.send(
            account,
            OutboundMessage(
                id=uuid.uuid4(),
                entry_id=-1,
                appeal_id=uuid.uuid4(),
                organization_id=organization,
                member_id=None,
                recipient="+79990000000",
                text="прогрев",
            ),
        )  # the first send binds
        ours = bare = 0.0
        for n, messages in enumerate(rounds):
            base = [(number, text.replace("Профсоюз", "Профкомы", 1)) for number, text in messages]
            bare += len(base) / await bare_loop(smsc, base, window)
            # The messages exist before they are sent (the SDK reads each from its row).
            queue: asyncio.Queue[OutboundMessage] = asyncio.Queue()
            for i, (number, text) in enumerate(messages):
                queue.put_nowait(
                    OutboundMessage(
                        id=uuid.uuid4(),
                        entry_id=n * len(messages) + i,
                        appeal_id=uuid.uuid4(),
                        organization_id=organization,
                        member_id=None,
                        recipient=f"+{number}",
                        text=text,
                    )
                )

            async def worker(queue: asyncio.Queue[OutboundMessage] = queue) -> None:
                while not queue.empty():
                    await channel.send(account, queue.get_nowait())

            start = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(SENDERS)))
            ours += time.perf_counter() - start
        await close_all()
    count = sum(len(r) for r in rounds)
    return count / ours, count / bare


async def measure(n: int, url: str, window: int) -> tuple[float, float, int]:
    smsc = await _standin().start()
    try:
        rounds = [_texts(n // ROUNDS, r) for r in range(ROUNDS)]
        ours, bare = await channel_sends(smsc, rounds, url, window)
        sent = {m for r in rounds for m in r}
        taken = Counter(m for m in smsc.taken if m in sent)
        duplicates = sum(c - 1 for c in taken.values())
        missing = len(sent - set(taken))
        if missing:
            raise RuntimeError(f"{missing} SMS never reached the SMSC")
        return ours, bare, duplicates
    finally:
        await smsc.stop()


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    from unionline.testing.support import fresh_database, postgres_server_url

    n = 1_000 if quick else 10_000
    figures, duplicates = [], 0
    for window in WINDOWS:
        with (
            tempfile.TemporaryDirectory() as tmp,
            fresh_database(Path(tmp), postgres_server_url()) as url,
        ):
            ours, bare, dup = asyncio.run(measure(n, url, window))
        figures.append((FIGURE.format(window), ours, bare, "SMS/s"))
        duplicates += dup
    return [*figures, (DUPLICATES, float(duplicates), 1.0, "SMS")]


if __name__ == "__main__":
    for name, value, base, unit in run("--quick" in sys.argv):
        print(f"{name}: {value:,.1f} {unit}; baseline {base:,.1f} {unit}; x{value / base:.3f}")
