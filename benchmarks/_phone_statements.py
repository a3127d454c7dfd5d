"""Print the SQL a Mango ``call_state`` event runs through the phone channel, to keep
``phone.FIRST_SCRIPT`` and ``phone.NEXT_SCRIPT`` in step with the code
(``python -m benchmarks._phone_statements``).

An in-process app on a scratch PostgreSQL database (``UNIONLINE_TEST_DATABASE_URL``) takes
one call of a member (warm-up: the member and the appeal exist), then records every statement
asyncpg sends while the first event of the member's second call is answered, and then its
second event (background pollers included; the pool's reset query is left out).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from pathlib import Path

import benchmarks._ingest_statements as recorder
from benchmarks._ingest_statements import RECORDED, record_statements
from benchmarks.phone import DEFAULT_PG, call_events, seed_app


async def main(url: str) -> None:
    from unionline.testing.support import make_settings, running_app

    record_statements()
    async with running_app(make_settings(url, plugins=["phone"]), migrate=True) as h:
        ids = await seed_app(h)
        path = f"/channels/phone/{ids['line']}/events/call"
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        h.client.cookies.clear()
        for body in call_events("warm-1", 501, int(time.time())):
            await h.client.post(path, content=body, headers=headers)
        await h.settle()
        events = call_events("call-2", 501, int(time.time()))
        for label, body in (("FIRST", events[0]), ("NEXT", events[1])):
            recorder._recording = True
            answer = await h.client.post(path, content=body, headers=headers)
            await h.settle()
            recorder._recording = False
            print(f"# {label}: HTTP {answer.status_code}; {len(RECORDED)} statements")
            for query, args in RECORDED:
                print(json.dumps({"sql": " ".join(query.split()),
                                  "args": [repr(a)[:60] for a in args]},
                                 ensure_ascii=False))  # fmt: skip
            RECORDED.clear()


if __name__ == "__main__":
    from unionline.testing.support import fresh_database

    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        asyncio.run(main(url))
