"""Full-text search over what a viewer sees, in one statement per engine: the words' matches,
the override resolution and the visibility filter together, ranked, a page at a time.

Every query is read as :mod:`.morphology` reads articles (folded, stop words dropped, stems);
a query of stop words only finds nothing without asking the database. ``match="all"`` wants
every word (the search box), ``"any"`` ranks articles by how many and how rare (suggestions for
a member's message). When every word is wanted and nothing is found, mistyped words are
corrected towards the vocabulary (pg_trgm, or an FTS5 trigram table) and the search is asked
again; the corrected query is said only when it finds something the viewer may see.
"""

from __future__ import annotations

from typing import Any, Literal

from unionline import current
from unionline.plugins.knowledge import morphology
from unionline.plugins.knowledge.store import RankedRow, columns
from unionline.plugins.knowledge.viewer import Viewer, seen

Match = Literal["all", "any"]
MAX_WORDS = 12  # of a member's message: the rarer ones count, a letter is not a query


# Suggestions (``match="any"``) also take a long stem's beginning: a member's «сокращают» (stem
# «сокраща») meets an article's «сокращение» («сокращен»), «доноров» meets «донорский» —
# forms Snowball does not bring together. Hit@3 on the labelled set: 88.4 % → 92.3 %.
LOOSE_FROM = 6  # stems this long or longer match by all but their last letter


def _loose(word: str) -> str | None:
    stem = morphology.stem(word)
    return stem[:-1] if len(stem) >= LOOSE_FROM else None


def _pg_query(words: list[str], match: Match) -> str:
    # Words are letters and digits only (morphology.words), so quoting cannot be broken.
    if match == "all":
        return " & ".join(f"'{w}'" for w in words)
    terms = dict.fromkeys(f"'{p}':*" if (p := _loose(w)) else f"'{w}'" for w in words)
    return " | ".join(terms)


def _fts_query(words: list[str], match: Match) -> str:
    if match == "all":
        return " ".join(f'"{s}"' for s in dict.fromkeys(morphology.stem(w) for w in words))
    terms = dict.fromkeys(
        f'"{p}"*' if (p := _loose(w)) else f'"{morphology.stem(w)}"' for w in words
    )
    return " OR ".join(terms)


# The ranked page is chosen on ids and ranks alone; only its rows are then read whole (a
# sort carrying every match's text costs more than the match itself).
PAGE = (
    "SELECT {cols}, r.rank FROM ({ranked} ORDER BY rank DESC, a.updated_at DESC"
    " LIMIT {{}} OFFSET {{}}) r JOIN knowledge_article a ON a.id = r.id"
    " ORDER BY r.rank DESC, a.updated_at DESC"
)
# PostgreSQL: the query is written into the statement as a literal, not sent as a parameter.
# asyncpg prepares each statement once per connection, and after five runs the server may keep
# a generic plan: one that cannot see the words, guesses ``@@`` matches a few hundred rows, and
# checks the override condition on every match before ranking — 370 ms instead of 75 ms for
# words in most articles. Seeing the words, the planner ranks first and checks the overrides of
# the best few only. (Words are letters and digits: the literal's quotes cannot be broken.)
PG_RANKED = (
    "SELECT a.id, ts_rank_cd(a.search_vector, q, 1) AS rank"
    " FROM knowledge_article a, to_tsquery('russian', {query}) q"
    " WHERE a.search_vector @@ q AND {where}"
)


def _literal(query: str) -> str:
    kept = query.replace("\\", "").replace("{", "").replace("}", "")  # {} are placeholders
    return "'" + kept.replace("'", "''") + "'"


FTS_RANKED = (
    "SELECT a.id, -bm25(knowledge_fts, 10.0, 5.0, 1.0) AS rank"
    " FROM knowledge_fts JOIN knowledge_search_key k ON k.rowid = knowledge_fts.rowid"
    " JOIN knowledge_article a ON a.id = k.article_id"
    " WHERE knowledge_fts MATCH {{}} AND {where}"
)
# SQLite, a query of words in more articles than this: the viewer's articles first, then the
# match (below); a rarer one joins its few matches to the articles directly (above).
FEW = 2000
# SQLite: the viewer's articles first, then the match. The index keys of what the viewer sees
# (a few thousand at most, resolved through covering indexes) become one temporary B-tree that
# FTS5's matches are checked against — ``+rowid`` keeps SQLite from pushing the list into FTS5
# as one lookup per key — so ``bm25`` is computed and sorted only for the matches the viewer
# sees, and no article row is read until the page's twenty are. FTS5's ranks do not depend on
# the filter (its statistics are the whole index's), so the page is the one the join gave.
FTS_PAGE = (
    "SELECT {cols}, r.rank FROM (SELECT knowledge_fts.rowid AS key,"
    " -bm25(knowledge_fts, 10.0, 5.0, 1.0) AS rank FROM knowledge_fts"
    " WHERE knowledge_fts MATCH {{}} AND +knowledge_fts.rowid IN (SELECT k.rowid"
    " FROM knowledge_article a JOIN knowledge_search_key k ON k.article_id = a.id WHERE {where})"
    " ORDER BY rank DESC, key DESC LIMIT {{}} OFFSET {{}}) r"
    " JOIN knowledge_search_key k ON k.rowid = r.key"
    " JOIN knowledge_article a ON a.id = k.article_id ORDER BY r.rank DESC, r.key DESC"
)


async def _few(query: str) -> bool:
    """Whether an FTS5 query matches at most :data:`FEW` articles (counting stops there)."""
    row = await current().db.fetchone(
        "SELECT COUNT(*) AS n FROM (SELECT rowid FROM knowledge_fts"
        " WHERE knowledge_fts MATCH {} LIMIT {})",
        query,
        FEW + 1,
    )
    return row is not None and int(row["n"]) <= FEW


async def _page(
    viewer: Viewer, query: str, limit: int, offset: int, extra: str, args: list[Any]
) -> list[RankedRow]:
    where, seen_args = seen(viewer)
    if current().db.is_postgres:
        ranked = PG_RANKED.format(query=_literal(query), where=f"{where}{extra}")
        sql = PAGE.format(cols=columns("a"), ranked=ranked)
        return await current().db.fetch_as(RankedRow, sql, *seen_args, *args, limit, offset)
    if await _few(query):
        sql = PAGE.format(cols=columns("a"), ranked=FTS_RANKED.format(where=f"{where}{extra}"))
    else:
        sql = FTS_PAGE.format(cols=columns("a"), where=f"{where}{extra}")
    return await current().db.fetch_as(RankedRow, sql, query, *seen_args, *args, limit, offset)


async def find(
    viewer: Viewer,
    words: list[str],
    *,
    match: Match = "all",
    limit: int = 20,
    offset: int = 0,
    extra: str = "",
    args: tuple[Any, ...] = (),
) -> list[RankedRow]:
    """Articles ``viewer`` sees matching ``words`` (folded, from :func:`morphology.words`),
    best first; ``extra`` is more conditions on ``a`` (starting with `` AND``)."""
    if not words:
        return []
    query = _pg_query(words, match) if current().db.is_postgres else _fts_query(words, match)
    return await _page(viewer, query, limit, offset, extra, list(args))


def informative(text: str, limit: int = MAX_WORDS) -> list[str]:
    """A message's words worth searching for: distinct, longest first (long words are the
    rare ones in Russian), at most ``limit``."""
    distinct = dict.fromkeys(w for w in morphology.words(text) if len(w) > 2 and not w.isdigit())
    return sorted(distinct, key=len, reverse=True)[:limit]


async def correct(word: str) -> str | None:
    """The vocabulary's word nearest to a mistyped ``word`` (None: nothing near enough)."""
    if len(word) < 4 or not word.isalpha():
        return None
    db = current().db
    if await db.fetchone("SELECT 1 AS known FROM knowledge_term WHERE word = {}", word):
        return None
    if db.is_postgres:
        # The planner takes ``%`` for unselective and scans the whole vocabulary (~90 ms at
        # 30,000 words); the trigram index answers in a few.
        async with db.transaction():
            await db.execute("SET LOCAL enable_seqscan = off")
            rows = await db.fetch(
                "SELECT word FROM knowledge_term WHERE word % {}"
                " ORDER BY similarity(word, {}) DESC LIMIT 5",
                word,
                word,
            )
    else:
        grams = [g for g in morphology.trigrams(word) if " " not in g]
        if not grams:
            return None
        rows = await db.fetch(
            "SELECT word FROM knowledge_term_fts WHERE knowledge_term_fts MATCH {} LIMIT 300",
            " OR ".join(f'"{g}"' for g in grams),
        )
    ranked = sorted(
        ((morphology.similarity(word, r["word"]), r["word"]) for r in rows), reverse=True
    )
    return ranked[0][1] if ranked and ranked[0][0] >= 0.3 else None


async def corrected(words: list[str]) -> list[str] | None:
    """``words`` with mistyped ones corrected (None when none was)."""
    fixed = [await correct(w) or w for w in words]
    return fixed if fixed != words else None
