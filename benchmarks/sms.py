"""SMPP sends: 10,000 SMS through the SMS channel to the loopback SMSC, against a bare aiosmpplib
send loop to the same SMSC in the same run (target ratio >= 0.5), and the duplicates the SMSC
saw (0).

* **value** — ``SmppChannel.send()`` of 10,000 Cyrillic replies to distinct numbers, as the
  delivery jobs call it, 100 calls in flight: the content checks, the send claimed before its
  submit_sm (exactly-once across a killed worker) together with the opt-out look-up, the
  account's bound session, and the parts recorded for receipts — the claims and the parts of
  every send in flight written in one statement each (a group commit), on SQLite or
  ``UNIONLINE_TEST_DATABASE_URL``.
* **baseline** (the issue's) — a bare aiosmpplib ESME (``aiosmpplib``, MIT) sending the same
  10,000 texts as submit_sm in UCS-2 to the same SMSC with the same window (its broker hands out
  a message only while fewer than the window await their answer; aiosmpplib keeps none itself),
  counting submit_sm_resp in its hook — no database, no checks.
* **raw baseline** (a floor, no target) — a loop on a raw asyncio connection: bind_transceiver,
  then the same submit_sm PDUs, built by our codec, with the same window.

The three are measured in three rounds taken in turn (raw loop, aiosmpplib, then the channel)
in the same app process, so the shared machine's drift favours none; the CPU seconds of the
process per 1,000 SMS of each are printed too (the SMSC stand-in runs in the same process and is
in each alike). The channel's messages are built before its clock starts, as the SDK reads
each from its delivery row. All run with a window of 10 and of 50 submit_sm in flight (the
account's ``window``; SMSCs commonly allow 10–100): the database batches are as large as the
answers that come together.

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
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
FIGURE = "SMPP: SmppChannel.send() of SMS to the SMSC stand-in vs aiosmpplib, window {}"
RAW = "SMPP: SmppChannel.send() vs a raw asyncio submit loop, window {}"
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


async def aiosmpplib_loop(smsc: Any, messages: list[tuple[str, str]], window_size: int) -> float:
    """Messages per second of a bare aiosmpplib ESME (the issue's baseline): its broker hands
    out the next submit_sm only while fewer than ``window_size`` await their answer (aiosmpplib
    itself keeps no window), its hook counts the submit_sm_resp."""
    from aiosmpplib import (
        ESME,
        NPI,
        TON,
        AbstractBroker,
        AbstractHook,
        PhoneNumber,
        SubmitSm,
        SubmitSmResp,
    )
    from aiosmpplib.correlator import SimpleCorrelator

    window = asyncio.Semaphore(window_size)
    done = asyncio.Event()
    answered = 0
    source = PhoneNumber("PROFKOM", TON.ALPHANUMERIC, NPI.UNKNOWN)
    queue = [
        SubmitSm(
            short_message=text,
            source=source,
            destination=PhoneNumber(number, TON.INTERNATIONAL, NPI.ISDN),
            encoding="ucs2",
            log_id=str(n),
        )
        for n, (number, text) in enumerate(messages)
    ]
    queue.reverse()

    class Broker(AbstractBroker):
        async def enqueue(self, message: Any) -> None:
            raise NotImplementedError

        async def dequeue(self) -> Any:
            nonlocal start
            start = start or time.perf_counter()  # bound: the clock starts as the raw loop's
            await window.acquire()
            if not queue:
                await done.wait()
                await asyncio.Event().wait()  # nothing more to send
            return queue.pop()

    class Hook(AbstractHook):
        async def sending(self, smpp_message: Any, pdu: bytes, client_id: str) -> None:
            pass

        async def received(self, smpp_message: Any, pdu: bytes, client_id: str) -> None:
            nonlocal answered
            if isinstance(smpp_message, SubmitSmResp):
                answered += 1
                window.release()
                if answered == len(messages):
                    done.set()

        async def send_error(self, smpp_message: Any, error: Exception, client_id: str) -> None:
            raise RuntimeError(f"aiosmpplib could not send: {error!r}")

    class Correlator(SimpleCorrelator):
        """Keeps no receipt correlation (the SMSC sends no receipts here): the default one
        scans every message it keeps for receipts at each PDU, so it slows down as a batch
        goes on (100–380 SMS/s at 3,333 a round, where 333 made ~4,000)."""

        async def put_delivery(self, smsc_message_id: str, submit_sm: Any) -> None:
            pass

    esme = ESME(
        smsc_host="127.0.0.1",
        smsc_port=smsc.port,
        system_id=smsc.system_id,
        password=smsc.password,
        log_level="WARNING",
        broker=Broker(),
        hook=Hook(),
        correlator=Correlator("bench"),
    )
    start = 0.0
    runner = asyncio.ensure_future(esme.start())
    await done.wait()
    elapsed = time.perf_counter() - start
    await esme.stop()
    runner.cancel()
    return len(messages) / elapsed


class Rates(NamedTuple):
    """SMS/s of each loop and the process's CPU seconds per 1,000 SMS (the SMSC stand-in runs
    in the same process and is in every figure alike)."""

    channel: float
    raw: float
    aiosmpplib: float
    cpu: dict[str, float]


async def channel_sends(
    smsc: Any, rounds: list[list[tuple[str, str]]], url: str, window: int
) -> Rates:
    """SMS/s of the channel, the raw loop and aiosmpplib, over ``ROUNDS`` rounds taken in turn
    (the bare loops first in each) so that the machine's drift favours none."""
    from unionline.channel import OutboundMessage, load_account
    from unionline.channels.sms.smpp.channel import SmppChannel
    from unionline.channels.sms.smpp.links import close_all
    from unionline.testing.support import make_settings, running_app

    wall = {"channel": 0.0, "raw": 0.0, "aiosmpplib": 0.0}
    cpu = dict.fromkeys(wall, 0.0)
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
        for n, messages in enumerate(rounds):
            for name, loop, word in (
                ("raw", bare_loop, "Профкомы"),
                ("aiosmpplib", aiosmpplib_loop, "Профорги"),
            ):
                other = [(number, text.replace("Профсоюз", word, 1)) for number, text in messages]
                cpu_start = time.process_time()
                wall[name] += len(other) / await loop(smsc, other, window)
                cpu[name] += time.process_time() - cpu_start
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

            start, cpu_start = time.perf_counter(), time.process_time()
            await asyncio.gather(*(worker() for _ in range(SENDERS)))
            wall["channel"] += time.perf_counter() - start
            cpu["channel"] += time.process_time() - cpu_start
        await close_all()
    count = sum(len(r) for r in rounds)
    return Rates(
        count / wall["channel"],
        count / wall["raw"],
        count / wall["aiosmpplib"],
        {name: seconds * 1000 / count for name, seconds in cpu.items()},
    )


async def measure(n: int, url: str, window: int) -> tuple[Rates, int]:
    smsc = await _standin().start()
    try:
        rounds = [_texts(n // ROUNDS, r) for r in range(ROUNDS)]
        rates = await channel_sends(smsc, rounds, url, window)
        sent = {m for r in rounds for m in r}
        taken = Counter(m for m in smsc.taken if m in sent)
        duplicates = sum(c - 1 for c in taken.values())
        missing = len(sent - set(taken))
        if missing:
            raise RuntimeError(f"{missing} SMS never reached the SMSC")
        return rates, duplicates
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
            rates, dup = asyncio.run(measure(n, url, window))
        print(
            f"window {window}: CPU seconds per 1,000 SMS (this process, SMSC stand-in included):"
            + ", ".join(f" {name} {seconds:.3f}" for name, seconds in rates.cpu.items())
        )
        figures.append(
            (FIGURE.format(window), rates.channel, rates.aiosmpplib, "SMS/s; baseline: aiosmpplib")
        )
        figures.append((RAW.format(window), rates.channel, rates.raw, "SMS/s; baseline: raw loop"))
        duplicates += dup
    return [*figures, (DUPLICATES, float(duplicates), 1.0, "SMS")]


if __name__ == "__main__":
    for name, value, base, unit in run("--quick" in sys.argv):
        print(f"{name}: {value:,.1f} {unit}; baseline {base:,.1f} {unit}; x{value / base:.3f}")
