"""App startup with every built-in plugin enabled vs. with none (target ratio <= 1.5).

Each measurement is a fresh Python process: it imports ``unionline.app``, then times
``create_app()`` plus the lifespan start until ``GET /health/ready`` answers 200 (in process,
through httpx's ASGI transport, so no port or network timing is involved). A second figure adds
the import time of ``unionline.app`` and the enabled plugins' modules. Medians of several runs;
the two variants alternate so drift of the machine hits both. Each variant has its own SQLite
file, migrated by an untimed first start, so the figure is a restart, not a first install.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from unionline.plugin_host import builtin_sources

FIGURE = "startup, all built-in plugins"
FIGURE_IMPORTS = "startup incl. imports, all built-in plugins"
TARGETS = {FIGURE: "<= 1.5"}

CHILD = """
import asyncio, json, sys, time
started = time.perf_counter()
from unionline.app import create_app
imported = time.perf_counter()
import httpx

async def main():
    begin = time.perf_counter()
    app = create_app()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            response = await client.get("/health/ready")
            ready = time.perf_counter()
    if response.status_code != 200:
        sys.exit(f"/health/ready answered {response.status_code}: {response.text}")
    total = ready - begin + imported - started
    print(json.dumps({"startup": ready - begin, "with_imports": total}))

asyncio.run(main())
"""


def builtin_plugins() -> list[str]:
    return sorted(source.name for source in builtin_sources())


def start_once(workdir: Path, variant: str, plugins: list[str]) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    env.update(
        UNIONLINE_SECRET_KEY="benchmark-only-secret-key",
        UNIONLINE_DATABASE_URL=f"sqlite:///{workdir / variant}.sqlite3",
        UNIONLINE_PLUGINS=",".join(plugins),
        UNIONLINE_LOG__LEVEL="WARNING",
    )
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{variant} start failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    plugins = builtin_plugins()
    listed = ", ".join(plugins) or "(none installed)"
    print(f"# startup: built-in plugins enabled in 'all': {listed}", flush=True)
    variants = {"zero": [], "all": plugins}
    repeats = 3 if quick else 9
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory(prefix="unionline-bench-") as tmp:
        workdir = Path(tmp)
        for name, enabled in variants.items():
            start_once(workdir, name, enabled)  # creates and migrates the database; not timed
        for _ in range(repeats):
            for name, enabled in variants.items():
                samples[name].append(start_once(workdir, name, enabled))

    def median(name: str, key: str) -> float:
        return statistics.median(sample[key] for sample in samples[name])

    note = f"median of {repeats}; baseline: zero plugins, 'all' = {len(plugins)}"
    return [
        (
            FIGURE,
            median("all", "startup"),
            median("zero", "startup"),
            f"s, create_app to ready, {note}",
        ),
        (
            FIGURE_IMPORTS,
            median("all", "with_imports"),
            median("zero", "with_imports"),
            f"s, import + create_app to ready, {note}",
        ),
    ]
