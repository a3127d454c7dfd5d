"""Which processes run, and with which plugins: so the console can say which of them still run
an old list after a plugin was switched.

Every runtime writes one row when it starts (its host, pid, kind and the optional plugins it
enabled) and renews ``seen_at`` every HEARTBEAT seconds; a clean stop deletes it. A process
killed without stopping leaves its row behind: one not seen for LIVE seconds counts as gone and
is deleted by the next listing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import msgspec

from unionline.plugin_choices.tables import PluginProcess
from unionline.rows import decode_rows

log = logging.getLogger("unionline.plugins")
HEARTBEAT = 30.0
LIVE = 3 * HEARTBEAT
KEY = "plugin_choices.process"  # runtime.state: this process's row id
Kind = Literal["web", "worker", "command"]


class ProcessRow(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    kind: str
    host: str
    pid: int
    started_at: datetime
    seen_at: datetime
    plugins: list[str]


async def announce(runtime: Any) -> None:
    """Record this process and keep its row fresh until the runtime stops."""
    row_id = uuid.uuid4()
    kind = runtime.state.get("process_kind", "command")
    plugins = list(runtime.host.enabled)
    await PluginProcess.insert(
        PluginProcess(
            id=row_id,
            kind=kind,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            plugins=msgspec.json.encode(sorted(plugins)).decode(),
        )
    )
    runtime.state[KEY] = row_id
    beat = asyncio.create_task(_heartbeat(row_id), name="plugin-process-heartbeat")

    async def stop() -> None:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
        await PluginProcess.delete().where(PluginProcess.id == row_id)

    runtime.stopping.append(stop)


async def mark(runtime: Any, kind: Kind) -> None:
    """Say what this process is once it is known (the web app's ``startup``)."""
    runtime.state["process_kind"] = kind
    row_id = runtime.state.get(KEY)
    if row_id is not None:
        await PluginProcess.update({PluginProcess.kind: kind}).where(PluginProcess.id == row_id)


async def _heartbeat(row_id: uuid.UUID) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT)
        try:
            await PluginProcess.update({PluginProcess.seen_at: datetime.now(UTC)}).where(
                PluginProcess.id == row_id
            )
        except Exception:  # the database away for a moment: the next beat tries again
            log.warning("could not renew this process's row", exc_info=True)


async def live() -> list[ProcessRow]:
    """The processes seen within LIVE seconds, oldest first; older rows are deleted."""
    cutoff = datetime.now(UTC) - timedelta(seconds=LIVE)
    await PluginProcess.delete().where(PluginProcess.seen_at < cutoff)
    rows = await PluginProcess.select().order_by(PluginProcess.started_at)
    for row in rows:
        row["plugins"] = msgspec.json.decode(row["plugins"] or "[]")
    return decode_rows(ProcessRow, rows)
