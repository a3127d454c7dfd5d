"""A client process of the console fan-out benchmark: holds its share of console sockets and
records event→frame latencies, so that reading frames is spread over processes and the
measuring side is not the bottleneck.

``python -m benchmarks._fanout_client OUT`` reads a JSON job from stdin (``{"sockets":
[[url, token], ...]}``), prints ``ready`` once every socket has caught up, records from the
``go`` line to the ``stop`` line, writes its latencies and per-event counts to ``OUT``
(msgpack) and prints ``done``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter

import msgspec


class _Frame(msgspec.Struct):
    type: str
    event: str = ""
    data: msgspec.Raw = msgspec.Raw(b"null")


class _Tick(msgspec.Struct):
    n: int
    occurred_at: float


class Job(msgspec.Struct):
    sockets: list[tuple[str, str]]


class Report(msgspec.Struct):
    latencies: list[float]
    received_at: list[float]  # when each of ``latencies`` was measured
    per_tick: dict[int, int]
    ended: list[str]


_frame = msgspec.json.Decoder(_Frame)
_tick = msgspec.json.Decoder(_Tick)


class Recorder:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.received_at: list[float] = []
        self.per_tick: Counter[int] = Counter()
        self.on = False
        self.ended: list[str] = []


async def console(url: str, token: str, rec: Recorder, ready: asyncio.Event) -> None:
    import websockets

    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with websockets.connect(url, additional_headers=headers, max_queue=None) as ws:
            await ws.send('{"type":"hello","last_id":null}')
            async for message in ws:
                now = time.time()
                frame = _frame.decode(message)
                if frame.type == "event" and frame.event == "bench.tick":
                    if rec.on:
                        tick = _tick.decode(frame.data)
                        rec.latencies.append(now - tick.occurred_at)
                        rec.received_at.append(now)
                        rec.per_tick[tick.n] += 1
                elif frame.type == "caught_up":
                    ready.set()
                elif frame.type == "ping":
                    await ws.send('{"type":"pong"}')
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # closed by the server (4008 slow consumer, 4009 idle) or failed
        rec.ended.append(repr(exc))
        ready.set()


async def line() -> str:
    return (await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)).strip()


async def main(out: str) -> None:
    job = msgspec.json.decode((await line()).encode(), type=Job)
    rec = Recorder()
    gate = asyncio.Semaphore(25)
    tasks: list[asyncio.Task[None]] = []

    async def one(url: str, token: str) -> None:
        ready = asyncio.Event()
        async with gate:
            tasks.append(asyncio.create_task(console(url, token, rec, ready)))
            await asyncio.wait_for(ready.wait(), 300)

    await asyncio.gather(*(one(url, token) for url, token in job.sockets))
    print("ready", flush=True)
    assert await line() == "go"
    rec.on = True
    assert await line() == "stop"
    rec.on = False
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    report = Report(rec.latencies, rec.received_at, dict(rec.per_tick), rec.ended)
    with open(out, "wb") as f:
        f.write(msgspec.msgpack.encode(report))
    print("done", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
