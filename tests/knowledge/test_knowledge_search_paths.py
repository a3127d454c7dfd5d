"""The SQLite search's two plans give the same answers: a query matching few articles joins its
matches to the articles; one matching many filters FTS5's matches by the viewer's articles
first (``search.FEW``). The Russian search and override scenario again, every query on the
second plan."""

from __future__ import annotations

import pytest
import test_knowledge_articles as scenario

from unionline.plugins.knowledge import search
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("knowledge")


async def test_the_viewer_first_plan_answers_the_same(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "FEW", 0)
    await scenario.test_overrides_resolve_per_organization_and_search_is_russian(unionline_app)
