from __future__ import annotations

import msgspec


class PluginView(msgspec.Struct, kw_only=True):
    name: str
    version: str
    origin: str
    enabled: bool
    hooks: list[str]


class JobCounts(msgspec.Struct, kw_only=True):
    pending: int = 0
    running: int = 0
    done: int = 0
    dead: int = 0
