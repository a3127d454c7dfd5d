"""A trial start of the plugins in a separate interpreter: would a process starting with these
choices load? Run there, a plugin's import (module-level registrations included) cannot change
the process that asks.

``python -m unionline.plugin_choices.trial`` reads ``{data, sources, path, stored, allowed}`` as
JSON on stdin, loads the plugins as :func:`unionline.runtime.trial` does, and prints nothing
(exit 0) or the reason it would not start (exit 1).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import msgspec

from unionline.settings import RawConfig

TIMEOUT = 120.0


class Request(msgspec.Struct, kw_only=True):
    data: dict[str, Any]
    sources: dict[str, str]
    path: str | None
    stored: dict[str, bool]
    allowed: list[str] | None


async def loads(raw: RawConfig, stored: dict[str, bool], allowed: list[str] | None) -> str | None:
    """None when the plugins load with ``stored``; else the reason they would not."""
    request = Request(
        data=raw.data,
        sources=raw.sources,
        path=str(raw.path) if raw.path else None,
        stored=stored,
        allowed=allowed,
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "unionline.plugin_choices.trial",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate(msgspec.json.encode(request)), TIMEOUT
        )
    except TimeoutError:
        process.kill()
        await process.wait()
        return f"loading the plugins took longer than {TIMEOUT:.0f} s"
    if process.returncode == 0:
        return None
    text = out.decode(errors="replace").strip() or err.decode(errors="replace").strip()
    return text.splitlines()[-1] if text else f"exit status {process.returncode}"


def main() -> int:
    from unionline import runtime
    from unionline.errors import ConfigError, PluginError

    request = msgspec.json.decode(sys.stdin.buffer.read(), type=Request)
    raw = RawConfig(
        data=request.data,
        sources=request.sources,
        path=Path(request.path) if request.path else None,
    )
    try:
        runtime.trial(raw, request.stored, request.allowed)
    except (ConfigError, PluginError) as exc:
        print(exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
