"""The suggestions' precision on a labelled set (labelled_appeals.py: 25 articles, 233 appeal
texts written as members write them), on both engines: the article that answers each text must
be among the three suggested for at least 85 % of them. The figures are printed (pytest -s)."""

from __future__ import annotations

import pytest
from knowledge_support import make_tree, publish, write
from labelled_appeals import APPEALS, ARTICLES

from unionline.plugins.knowledge.suggestions import for_text
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")
FLOOR = 0.85  # hit@3: the answering article among the three


async def test_precision_at_3_on_labelled_appeals(unionline_app: AppHarness) -> None:
    h = unionline_app
    tree = await make_tree(h)
    ids = {}
    for key, (title, body) in ARTICLES.items():
        made = await publish(
            h, h.admin_headers, await write(h, h.admin_headers, tree.root, title, body)
        )
        ids[made["id"]] = key
    hits, first, misses = 0, 0, []
    for text, label in APPEALS:
        suggested = [ids[str(s.article_id)] for s in await for_text(tree.plant, text)]
        hits += label in suggested
        first += suggested[:1] == [label]
        if label not in suggested:
            misses.append((text, label, suggested))
    hit_at_3 = hits / len(APPEALS)
    precision_at_3 = hits / (3 * len(APPEALS))  # one answering article per text
    print(
        f"\nsuggestions on {len(APPEALS)} labelled appeals: hit@3 {hit_at_3:.3f},"
        f" precision@3 {precision_at_3:.3f} (at most 0.333), top-1 {first / len(APPEALS):.3f}"
    )
    for miss in misses:
        print("  missed:", miss)
    assert hit_at_3 >= FLOOR, misses
