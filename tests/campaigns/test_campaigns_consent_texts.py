"""Consent text versions are unique per organization: another organization's version is
answered exactly as one that does not exist — adding it, citing it in a consent, and in the
proof — so no answer tells an operator what names another branch uses."""

from __future__ import annotations

from typing import Any

import pytest
from campaigns_support import TEXT_VERSION, World, member

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns")


def text(w: World, org: Any, version: str, body: str = "Согласен.") -> dict[str, Any]:
    return {"organization_id": str(org), "version": version, "purpose": "info", "body": body}


async def test_a_version_is_unique_within_its_organization_only(
    unionline_app: AppHarness,
) -> None:
    w = await World(unionline_app).setup()
    path = "/api/campaigns/consent-texts"
    # A's version and a version nobody has: bob (B) gets the same answer for both.
    taken = await w.call("bob", "post", path, 201, **text(w, w.b, TEXT_VERSION))
    fresh = await w.call("bob", "post", path, 201, **text(w, w.b, "b-only"))
    assert taken.keys() == fresh.keys() and taken["version"] == TEXT_VERSION
    # Within one organization a version is still written once (texts are never changed).
    again = await w.call("bob", "post", path, 409, **text(w, w.b, "b-only", "Другой текст."))
    assert again["error"]["field"] == "version", again
    mine = await w.call("boss", "post", path, 409, **text(w, w.a, TEXT_VERSION))
    assert mine["error"]["field"] == "version", mine
    # A1 below A may have a version of the same name: its members are shown its own.
    await w.call("admin", "post", path, 201, **text(w, w.a1, TEXT_VERSION, "Текст A1."))
    rows = await unionline_app.runtime.db.fetch(
        "SELECT organization_id FROM campaigns_consent_text WHERE version = {}", TEXT_VERSION
    )
    assert len(rows) == 3


async def test_another_organizations_version_is_cited_as_none(
    unionline_app: AppHarness,
) -> None:
    w = await World(unionline_app).setup()
    path = "/api/campaigns/consent-texts"
    await w.call("admin", "post", path, 201, **text(w, w.a, "a-only", "Текст только A."))
    await w.call("bob", "post", path, 201, **text(w, w.b, TEXT_VERSION, "Текст B."))
    ours = await member(w.b, "Борисов Борис")

    def grant(version: str) -> dict[str, Any]:
        return {"channel": "sms", "purpose": "info", "granted": True, "text_version": version}

    consents = f"/api/campaigns/members/{ours}/consents"
    elsewhere = await w.call("bob", "post", consents, 422, **grant("a-only"))
    nowhere = await w.call("bob", "post", consents, 422, **grant("z-none"))
    assert elsewhere["error"]["field"] == nowhere["error"]["field"] == "text_version"
    assert elsewhere["error"]["message"].replace("a-only", "z-none") == nowhere["error"]["message"]

    # B's own text of the version A uses too: the proof cites B's, never A's.
    await w.call("bob", "post", consents, 200, **grant(TEXT_VERSION))
    proof = await w.call("bob", "get", f"{consents}/proof")
    assert [(t["version"], t["body"]) for t in proof["texts"]] == [(TEXT_VERSION, "Текст B.")]

    # A member of A1 (below A) cites A's text: a federation's text is its members' too.
    below = await member(w.a1, "Иванова Ирина")
    await w.call("boss", "post", f"/api/campaigns/members/{below}/consents", 200, **grant("a-only"))
    proof = await w.call("boss", "get", f"/api/campaigns/members/{below}/consents/proof")
    assert [(t["version"], t["body"]) for t in proof["texts"]] == [("a-only", "Текст только A.")]


async def test_the_proof_cites_the_text_of_the_organization_consented_in(
    unionline_app: AppHarness,
) -> None:
    """A member who consented in A1 (to A1's own text of the version) and then moved to A:
    the proof cites A1's text — what they agreed to — not A's text of the same name."""
    w = await World(unionline_app).setup()
    path = "/api/campaigns/consent-texts"
    await w.call("admin", "post", path, 201, **text(w, w.a1, TEXT_VERSION, "Текст A1."))
    moved = await member(w.a1, "Петров Пётр")
    consents = f"/api/campaigns/members/{moved}/consents"
    grant = {"channel": "sms", "purpose": "info", "granted": True, "text_version": TEXT_VERSION}
    await w.call("boss", "post", consents, 200, **grant)
    await w.call("boss", "patch", f"/api/members/{moved}", 200, organization_id=str(w.a))

    proof = await w.call("boss", "get", f"{consents}/proof")
    assert [(t["version"], t["body"], t["organization_id"]) for t in proof["texts"]] == [
        (TEXT_VERSION, "Текст A1.", str(w.a1))
    ]
    assert [e["organization_id"] for e in proof["history"]] == [str(w.a1)]
