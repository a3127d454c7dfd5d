"""A document linked to an appeal that was merged into another follows it (``appeal_merged``).

The document's appeal and its appeal link name the target from the merge on: the target's
documents list it, and a route's decision is told to the member on the target (the merged
appeal takes no messages).
"""

from __future__ import annotations

import pytest
from appeals_support import inbound, make_member
from docflow_support import Office

from unionline.appeals import services
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow")


async def test_a_merged_appeals_documents_are_the_targets(unionline_app: AppHarness) -> None:
    s = await Office(unionline_app).setup()
    kind = await s.kind(await s.journal())
    member = await make_member(s.a)
    source, _ = await inbound(s.a, member, "Работодатель прислал письмо о сокращении")
    target = await services.create_appeal(
        None, organization_id=s.a, member_id=member, subject="Сокращение", channel="phone"
    )
    doc = await s.document(kind, appeal_id=str(source.id))
    both = await s.document(kind, appeal_id=str(target.id), title="Ответ работодателю")
    await s.call(
        "olga",
        "post",
        f"/api/docflow/documents/{both['id']}/links",
        201,
        kind="appeal",
        target_id=str(source.id),
    )
    await s.call("admin", "post", f"/api/appeals/{source.id}/merge", target_id=str(target.id))

    listed = await s.call("olga", "get", "/api/docflow/documents/", appeal_id=str(target.id))
    assert sorted(d["id"] for d in listed["items"]) == sorted([doc["id"], both["id"]])
    assert (await s.call("olga", "get", "/api/docflow/documents/", appeal_id=str(source.id)))[
        "items"
    ] == []
    for document in (doc, both):
        card = await s.call("olga", "get", f"/api/docflow/documents/{document['id']}")
        assert card["appeal_id"] == str(target.id)
        appeals = [link["target_id"] for link in card["links"] if link["kind"] == "appeal"]
        assert appeals == [str(target.id)]  # one link each, to the target
