"""Knowledge base search at a realistic size: 26 organizations × 2,000 articles (52,000 rows:
the federation's 2,000; each committee overriding half of them and writing 1,000 of its own;
each primary organization overriding 500 of the federation's and 500 of its committee's and
writing 1,000 of its own), generated Russian text (:mod:`benchmarks._knowledge_corpus`).
``--quick``: 200 per organization.

Rows, on PostgreSQL and on SQLite, each against a baseline from the same run:

- **search**, p95 of ``reading.browse`` (what ``GET /api/knowledge/articles?q=`` calls: the
  words' match, the override resolution and the visibility filter in one statement, 20
  results, decoded) as a primary organization's operator sees the base — a rare word, a topic
  word, two words, an inflected form, a query of only very frequent words, stop words only and
  a typo — against the **bare full-text query** over the whole table (PostgreSQL: ``@@`` with
  ``ts_rank_cd`` on ``search_vector``; SQLite: FTS5 ``MATCH`` with ``bm25``), same words, no
  permissions or overrides, through the raw driver (asyncpg / stdlib ``sqlite3``);
- the **slowest search p95** against the issue's target (100 ms on PostgreSQL, 150 ms on SQLite)
  and the stop-word-only query against 100 ms;
- **override resolution**: ``reading.resolve`` of random articles (their organization's
  override, else the nearest ancestor's, else the federation's) — p95 against the bare
  ``SELECT … WHERE id =`` of one row, and the statements sent per lookup against 1;
- **suggestions**: ``suggestions.for_text`` for member messages (what runs after a member's
  message is committed, before the signal goes out) against the bare OR full-text query;
  p95 against the 200 ms target (the socket's own latency is ``console_fanout``'s row).

Articles are loaded with the product's own pieces (Markdown rendering, the index's stems and
tsvector expression), in bulk statements rather than one request each. Standalone:
``python -m benchmarks.knowledge_search [--quick] [--engine postgres|sqlite] [--per-org N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import random
import sqlite3
import tempfile
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks._knowledge_corpus import Corpus

PER_ORG, QUICK_PER_ORG = 2_000, 200
REPEATS, QUICK_REPEATS = 30, 8
LIMITS = {"postgres": 100.0, "sqlite": 150.0}
ENGINE_NAMES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
TARGETS: dict[str, str] = {}
MESSAGES = [
    "Здравствуйте, как перенести отпуск на другой месяц? Работодатель против",
    "Не выплатили премию за квартал, куда обращаться",
    "Положена ли материальная помощь на лечение ребенка",
    "Меня хотят уволить по сокращению штата, что делать",
    "Сколько дней оплачивается больничный лист",
    "Как получить путевку в санаторий через профком",
    "Заставляют выходить на сверхурочные без оплаты",
    "Не выдают спецодежду, охрана труда не отвечает",
]


@dataclass
class Timing:
    label: str
    product: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    found: int = 0
    statements: list[int] = field(default_factory=list)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# -- loading ----------------------------------------------------------------------------------


async def organizations(h: Any) -> tuple[uuid.UUID, list[uuid.UUID], list[list[uuid.UUID]]]:
    async def make(code: str, kind: str, parent: uuid.UUID | None) -> uuid.UUID:
        body: dict[str, Any] = {"name": f"Организация {code}", "code": code, "kind": kind}
        if parent:
            body["parent_id"] = str(parent)
        r = await h.client.post("/api/organizations/", json=body, headers=h.admin_headers)
        if r.status_code != 201:
            raise RuntimeError(f"creating {code}: {r.status_code} {r.text}")
        return uuid.UUID(r.json()["id"])

    root = await make("FED", "federation", None)
    committees, primaries = [], []
    for c in range(5):
        committee = await make(f"K{c}", "committee", root)
        committees.append(committee)
        primaries.append([await make(f"K{c}P{p}", "primary", committee) for p in range(4)])
    return root, committees, primaries


COLUMNS = (
    "id, family_id, base_id, organization_id, depth, override_mode, base_revision, visibility,"
    " status, tags, revision, title, body, published_revision, published_title, published_body,"
    " published_html, published_at, created_at, updated_at"
)


class Loader:
    def __init__(self, db: Any, corpus: Corpus) -> None:
        from unionline.plugins.knowledge.text import render

        self.db, self.corpus, self.render = db, corpus, render
        self.rows: list[tuple[Any, ...]] = []
        self.vocabulary: set[str] = set()
        self.count = 0

    async def add(self, org: uuid.UUID, depth: int, base: uuid.UUID | None = None) -> uuid.UUID:
        title, body = self.corpus.article()
        article_id = uuid.uuid4()
        moment = datetime.now(UTC)
        self.rows.append(
            (article_id, base or article_id, base, org, depth, "whole" if base else "",
             1 if base else None, "internal", "published", "[]", 1, title, body, 1, title, body,
             self.render(body), moment, moment, moment)
        )  # fmt: skip
        if len(self.rows) >= 100:
            await self.flush()
        return article_id

    async def flush(self) -> None:
        if not self.rows:
            return
        marks = ", ".join("(" + ", ".join("{}" for _ in self.rows[0]) + ")" for _ in self.rows)
        args = [value for row in self.rows for value in row]
        await self.db.execute(f"INSERT INTO knowledge_article ({COLUMNS}) VALUES {marks}", *args)
        self.count += len(self.rows)
        self.rows = []


async def load(h: Any, per_org: int) -> tuple[list[uuid.UUID], list[uuid.UUID], uuid.UUID]:
    """Fill the base; answer the families, the articles a lookup may ask for, and the primary
    organization whose view is measured."""
    root, committees, primaries = await organizations(h)
    db = h.runtime.db
    loader = Loader(db, Corpus())
    half = per_org // 2
    async with db.transaction():
        federation = [await loader.add(root, 0) for _ in range(per_org)]
        for c, committee in enumerate(committees):
            for base in federation[:half]:
                await loader.add(committee, 1, base)
            own = [await loader.add(committee, 1) for _ in range(per_org - half)]
            for primary in primaries[c]:
                for base in federation[half // 2 : half // 2 + half // 2]:
                    await loader.add(primary, 2, base)
                for base in own[: half - half // 2]:
                    await loader.add(primary, 2, base)
                for _ in range(per_org - half):
                    await loader.add(primary, 2)
        await loader.flush()
    await index_all(db)
    families = [*federation]
    return families, federation, primaries[0][0]


async def index_all(db: Any) -> None:
    """The index as the product writes it (PostgreSQL: its tsvector expression over the folded
    columns; SQLite: Snowball stems into FTS5), and the vocabulary for typos."""
    from unionline.plugins.knowledge import index, morphology

    if db.is_postgres:
        fold = "translate(lower({}), 'ё', 'е')"
        expression = index.PG_VECTOR.format(
            fold.format("published_title"), fold.format("''"), fold.format("published_body")
        )
        await db.execute(f"UPDATE knowledge_article SET search_vector = {expression}")
    rows = await db.fetch("SELECT id, published_title, published_body FROM knowledge_article")
    words: set[str] = set()
    async with db.transaction():
        for start in range(0, len(rows), 200):
            chunk = rows[start : start + 200]
            for row in chunk:
                words.update(index.vocabulary(f"{row['published_title']} {row['published_body']}"))
            if db.is_postgres:
                continue
            for row in chunk:
                await db.execute(
                    "INSERT INTO knowledge_search_key (article_id) VALUES ({})", row["id"]
                )
            keys = await db.fetch(
                "SELECT rowid AS k, article_id FROM knowledge_search_key WHERE article_id IN"
                f" ({', '.join('{}' for _ in chunk)})",
                *(row["id"] for row in chunk),
            )
            by_id = {str(k["article_id"]): k["k"] for k in keys}
            for row in chunk:
                await db.execute(
                    "INSERT INTO knowledge_fts (rowid, title, tags, body) VALUES ({}, {}, '', {})",
                    by_id[str(row["id"])],
                    " ".join(morphology.stems(row["published_title"])),
                    " ".join(morphology.stems(row["published_body"])),
                )
        await index.add_terms(" ".join(sorted(words)))
    await db.execute("ANALYZE")


# -- measuring --------------------------------------------------------------------------------


class Bare:
    def __init__(self, url: str) -> None:
        self.url = url
        self.pg: Any = None
        self.lite: sqlite3.Connection | None = None

    async def open(self) -> Bare:
        if self.url.startswith("sqlite:///"):
            self.lite = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        else:
            import asyncpg

            self.pg = await asyncpg.connect(self.url)
        return self

    async def time(self, pg_sql: str, lite_sql: str, *args: Any) -> float:
        started = time.perf_counter()
        if self.lite is not None:
            self.lite.execute(lite_sql, args).fetchall()
        else:
            await self.pg.fetch(pg_sql, *args)
        return (time.perf_counter() - started) * 1000

    async def close(self) -> None:
        if self.pg is not None:
            await self.pg.close()
        if self.lite is not None:
            self.lite.close()


def bare_search(words: list[str], match: str) -> tuple[str, str, tuple[Any, ...]]:
    from unionline.plugins.knowledge.search import _pg_query

    if not words:
        return "SELECT 1", "SELECT 1", ()
    pg = (
        "SELECT id FROM knowledge_article, to_tsquery('russian', $1) q WHERE search_vector @@ q"
        " ORDER BY ts_rank_cd(search_vector, q, 1) DESC LIMIT 20"
    )
    lite = (
        "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH ?"
        " ORDER BY bm25(knowledge_fts, 10.0, 5.0, 1.0) LIMIT 20"
    )
    return pg, lite, (_pg_query(words, match),)


async def measure(
    h: Any, url: str, viewer_org: uuid.UUID, families: list[uuid.UUID], repeats: int
) -> list[Timing]:
    from unionline.plugins.knowledge import morphology, reading, search, suggestions
    from unionline.plugins.knowledge.viewer import viewer_at

    db = h.runtime.db
    is_pg = db.is_postgres
    viewer = await viewer_at(viewer_org)
    rare = await rare_word(db, viewer_org)
    bare = await Bare(url).open()
    out = []
    mix = [
        ("rare word", rare),
        ("topic word", "командировка"),
        ("two words", "материальная помощь"),
        ("inflected form", "отпуском"),
        ("only very frequent words", "профсоюз работник"),
        ("stop words only", "и в на по для"),
        ("typo", "командировкка"),
    ]
    try:
        for label, q in mix:
            t = Timing(f"search: {label}")
            words = morphology.words(q)
            pg, lite, args = bare_search(words, "all")
            lite_args = (search._fts_query(words, "all"),) if words else ()
            for i in range(repeats + 1):
                started = time.perf_counter()
                page = await reading.browse(viewer, q=q, limit=20)
                spent = (time.perf_counter() - started) * 1000
                own = await bare.time(pg, lite, *(args if is_pg else lite_args))
                if i:
                    t.product.append(spent)
                    t.bare.append(own)
                t.found = len(page.items)
            out.append(t)
            report(t)
        t = Timing("override resolution")
        rng = random.Random(7)
        calls = Counter(db)
        for i in range(repeats * 10 + 1):
            family = rng.choice(families)
            calls.count = 0
            counting = COUNTING.set(True)
            started = time.perf_counter()
            row = await reading.resolve(viewer, family)
            spent = (time.perf_counter() - started) * 1000
            COUNTING.reset(counting)
            statements = calls.count
            own = await bare.time(
                "SELECT * FROM knowledge_article WHERE id = $1",
                "SELECT * FROM knowledge_article WHERE id = ?",
                family if is_pg else str(family),
            )
            if i:
                t.product.append(spent)
                t.bare.append(own)
                t.statements.append(statements)
            t.found += row is not None
        calls.restore()
        out.append(t)
        report(t)
        t = Timing("suggestions for a member's message")
        for i in range(repeats + 1):
            text = MESSAGES[i % len(MESSAGES)]
            words = search.informative(text)
            started = time.perf_counter()
            found = await suggestions.for_text(viewer_org, text)
            spent = (time.perf_counter() - started) * 1000
            pg, lite, _ = bare_search(words, "any")
            own = await bare.time(
                pg,
                lite,
                search._pg_query(words, "any") if is_pg else search._fts_query(words, "any"),
            )
            if i:
                t.product.append(spent)
                t.bare.append(own)
            t.found = len(found)
        out.append(t)
        report(t)
    finally:
        await bare.close()
    return out


COUNTING: ContextVar[bool] = ContextVar("knowledge_bench_counting", default=False)


class Counter:
    """Counts the statements the lookup's own task sends (every read goes through
    ``db.fetch``; the app's background tasks are not counted)."""

    def __init__(self, db: Any) -> None:
        self.db, self.count = db, 0
        self.original = db.fetch

        async def fetch(sql: str, *args: Any) -> Any:
            if COUNTING.get():
                self.count += 1
            return await self.original(sql, *args)

        db.fetch = fetch

    def restore(self) -> None:
        self.db.fetch = self.original


async def rare_word(db: Any, organization_id: uuid.UUID) -> str:
    """A generated word of one of the organization's own articles (so the viewer sees it)."""
    from benchmarks._knowledge_corpus import COMMON, FILLER, TOPIC

    known = {*COMMON, *FILLER, *TOPIC}
    rows = await db.fetch(
        "SELECT published_body FROM knowledge_article WHERE organization_id = {}"
        " AND base_id IS NULL LIMIT 50",
        organization_id,
    )
    for row in rows:
        for word in reversed(row["published_body"].rstrip(".").split()):
            if word.lower() not in known:
                return word
    raise RuntimeError("no rare word in the corpus")


def report(t: Timing) -> None:
    extra = f"; {sum(t.statements) / len(t.statements):.2f} statement(s)" if t.statements else ""
    print(
        f"#   {t.label:<40} found {t.found:>4}; product p50 {quantile(t.product, 0.5):6.1f}"
        f" p95 {quantile(t.product, 0.95):6.1f} ms; bare p50 {quantile(t.bare, 0.5):6.1f}"
        f" p95 {quantile(t.bare, 0.95):6.1f} ms{extra}",
        flush=True,
    )


# -- one engine -------------------------------------------------------------------------------


async def session(url: str, per_org: int, repeats: int) -> list[Timing]:
    from unionline.testing.support import make_settings, running_app

    settings = make_settings(url, plugins=["knowledge"])
    async with running_app(settings, migrate=True, execute_jobs=False) as h:
        started = time.perf_counter()
        families, _, viewer_org = await load(h, per_org)
        count = (await h.runtime.db.fetch("SELECT COUNT(*) AS n FROM knowledge_article"))[0]["n"]
        print(f"#   {count:,} articles loaded in {time.perf_counter() - started:.0f} s", flush=True)
        return await measure(h, url, viewer_org, families, repeats)


def bench(engine: str, per_org: int, repeats: int) -> list[tuple[str, float, float, str]]:
    from unionline.testing import spares
    from unionline.testing.support import fresh_database

    server = os.environ.get(
        "UNIONLINE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    name = ENGINE_NAMES[engine]
    print(f"# knowledge search on {name}: 26 organizations x {per_org:,} articles", flush=True)
    print(f"#   load average before: {os.getloadavg()[0]:.1f}", flush=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(Path(tmp), server if engine == "postgres" else None) as url,
    ):
        timings = asyncio.run(session(url, per_org, repeats))
    spares.close()
    return rows_of(name, engine, timings)


def rows_of(name: str, engine: str, timings: list[Timing]) -> list[tuple[str, float, float, str]]:
    rows = []
    for t in timings:
        figure = f"knowledge on {name}, p95 ms: {t.label}"
        p50 = f"p50 {quantile(t.product, 0.5):.1f} vs {quantile(t.bare, 0.5):.1f}"
        unit = f"ms; {p50}; baseline: bare SQL"
        rows.append((figure, quantile(t.product, 0.95), quantile(t.bare, 0.95), unit))
    searches = [t for t in timings if t.label.startswith("search")]
    slowest = f"knowledge search on {name}: slowest p95 vs {LIMITS[engine]:.0f} ms"
    TARGETS[slowest] = "< 1"
    rows.append((slowest, max(quantile(t.product, 0.95) for t in searches), LIMITS[engine], "ms"))
    stop = next(t for t in timings if "stop words" in t.label)
    figure = f"knowledge search on {name}: stop words only p95 vs 100 ms"
    TARGETS[figure] = "< 1"
    rows.append((figure, quantile(stop.product, 0.95), 100.0, "ms"))
    resolution = next(t for t in timings if t.label == "override resolution")
    figure = f"knowledge on {name}: statements per override lookup vs 1"
    TARGETS[figure] = "<= 1"
    rows.append((figure, max(resolution.statements), 1.0, "statements (the most of any lookup)"))
    suggest = next(t for t in timings if t.label.startswith("suggestions"))
    figure = f"knowledge on {name}: suggestions p95 vs 200 ms"
    TARGETS[figure] = "< 1"
    rows.append((figure, quantile(suggest.product, 0.95), 200.0, "ms"))
    return rows


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    per_org = QUICK_PER_ORG if quick else PER_ORG
    repeats = QUICK_REPEATS if quick else REPEATS
    return [row for engine in ("postgres", "sqlite") for row in bench(engine, per_org, repeats)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.knowledge_search")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--engine", choices=["postgres", "sqlite"], action="append")
    parser.add_argument("--per-org", type=int)
    parser.add_argument("--repeats", type=int)
    args = parser.parse_args(argv)
    per_org = args.per_org or (QUICK_PER_ORG if args.quick else PER_ORG)
    repeats = args.repeats or (QUICK_REPEATS if args.quick else REPEATS)
    from benchmarks.run import Row, table

    rows = []
    for engine in args.engine or ["postgres", "sqlite"]:
        for figure, value, baseline, unit in bench(engine, per_org, repeats):
            rows.append(
                Row("knowledge_search", figure, value, baseline, unit, TARGETS.get(figure, ""))
            )
    print(table(rows))


if __name__ == "__main__":
    main()
