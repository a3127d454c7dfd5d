"""Print the SQL one steady-state Telegram message runs through the ingest path, to keep
``webhook_ingest.PGBENCH_SCRIPT`` in step with the code
(``python -m benchmarks._ingest_statements``).

An in-process app on a scratch PostgreSQL database (``UNIONLINE_TEST_DATABASE_URL``) gets a
member's first message, then records every statement asyncpg sends while the member's second
message is answered, relayed and routed (background pollers included; the pool's reset query
is left out).
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.webhook_ingest import DEFAULT_PG, SECRET_TOKEN, seed_app, update

RECORDED: list[tuple[str, tuple[Any, ...]]] = []
_recording = False


def record_statements() -> None:
    import asyncpg

    for name in ("execute", "fetch", "fetchrow", "fetchval", "executemany"):
        original = getattr(asyncpg.Connection, name)

        def wrapper(original: Any = original) -> Any:
            async def call(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
                if _recording and "RESET ALL" not in query:
                    RECORDED.append((query, args))
                return await original(self, query, *args, **kwargs)

            return call

        setattr(asyncpg.Connection, name, wrapper())


async def main(url: str) -> None:
    global _recording
    from unionline.testing.support import make_settings, running_app

    record_statements()
    async with running_app(make_settings(url, plugins=["telegram"]), migrate=True) as h:
        ids = await seed_app(h)
        path = f"/channels/telegram/{ids['acct']}/webhook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET_TOKEN}
        h.client.cookies.clear()
        await h.client.post(path, content=update(1, 501), headers=headers)
        await h.settle()
        _recording = True
        answer = await h.client.post(path, content=update(2, 501), headers=headers)
        await h.settle()
        _recording = False
    print(f"# HTTP {answer.status_code}; {len(RECORDED)} statements")
    for query, args in RECORDED:
        print(json.dumps({"sql": " ".join(query.split()), "args": [repr(a)[:60] for a in args]},
                         ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    from unionline.testing.support import fresh_database

    server = os.environ.get("UNIONLINE_TEST_DATABASE_URL") or DEFAULT_PG
    with tempfile.TemporaryDirectory() as tmp, fresh_database(Path(tmp), server) as url:
        asyncio.run(main(url))
