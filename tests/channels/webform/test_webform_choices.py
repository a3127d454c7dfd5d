"""Sub-organization choice (only within the form's subtree) and the attached file."""

from __future__ import annotations

import pytest
from webform_support import ORIGIN, Federation, created

pytestmark = pytest.mark.unionline_plugins("webform")


async def with_organizations(site: Federation, *ids: str) -> None:
    await site.configure(
        fields={
            "name": {},
            "phone": {"required": True},
            "organization": {"required": True},
            "text": {"required": True},
        },
        organizations=list(ids),
    )


async def test_the_appeal_goes_to_the_chosen_sub_organization(site: Federation) -> None:
    await with_organizations(site, site.primary, site.other_primary)
    form = (await site.client.get(f"/channels/webform/{site.public_key}/form")).json()
    options = next(f for f in form["fields"] if f["name"] == "organization")["options"]
    assert [o["label"] for o in options] == ["ППО завода", "ППО больницы"]
    answer = await created(
        await site.submit(organization=site.other_primary, topic=None, consent=None)
    )
    assert answer["appeal_number"].startswith("BOLN-")
    [appeal] = await site.appeals()
    assert appeal["organization_id"] == site.other_primary


async def test_an_organization_outside_the_subtree_is_neither_offered_nor_accepted(
    site: Federation,
) -> None:
    await with_organizations(site, site.primary, site.outsider)
    form = (await site.client.get(f"/channels/webform/{site.public_key}/form")).json()
    options = next(f for f in form["fields"] if f["name"] == "organization")["options"]
    assert [o["value"] for o in options] == [site.primary]
    for chosen in (site.outsider, site.federation, "not-a-uuid"):
        answer = await site.submit(organization=chosen, topic=None, consent=None)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == "organization"
    assert await site.appeals() == []


async def test_config_errors_name_the_key(site: Federation) -> None:
    response = await site.client.patch(
        f"/api/channel-accounts/{site.account_id}",
        headers=site.h.admin_headers,
        json={"config": {"fields": {"name": {}, "text": {}}}},
    )
    assert response.status_code == 422
    assert "phone" in response.json()["error"]["message"]
    bad_origin = await site.client.patch(
        f"/api/channel-accounts/{site.account_id}",
        headers=site.h.admin_headers,
        json={"config": {"allowed_origins": ["https://union.example/path"]}},
    )
    assert bad_origin.status_code == 422
    assert "allowed_origins" in bad_origin.json()["error"]["message"]


async def test_an_origin_with_a_newline_after_it_is_refused(site: Federation) -> None:
    """The whole value is the origin: "https://union.example\n" is not one."""
    response = await site.client.patch(
        f"/api/channel-accounts/{site.account_id}",
        headers=site.h.admin_headers,
        json={"config": {"allowed_origins": ["https://union.example\n"]}},
    )
    assert response.status_code == 422, response.text
    assert "allowed_origins" in response.json()["error"]["message"]


def multipart(site: Federation, data: bytes, kind: str = "application/pdf") -> dict:
    values = {
        k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in site.values().items()
    }
    return {"data": values, "files": {"file": ("заявление.pdf", data, kind)}}


async def test_a_file_is_stored_with_the_appeal(site: Federation) -> None:
    url = f"/channels/webform/{site.public_key}/submissions"
    answer = await created(
        await site.client.post(
            url, headers={"Origin": ORIGIN}, **multipart(site, b"%PDF-1.4 hello")
        )
    )
    [appeal] = await site.appeals()
    assert appeal["number"] == answer["appeal_number"]
    timeline = await site.api(f"/api/appeals/{appeal['id']}/timeline")
    [message] = [e for e in timeline["items"] if e["kind"] == "message_in"]
    [file] = message["data"]["attachments"]
    assert file["filename"] == "заявление.pdf" and file["status"] == "stored"
    download = await site.client.get(file["url"], headers=site.h.admin_headers)
    assert download.content == b"%PDF-1.4 hello"


async def test_a_file_too_big_or_of_a_refused_type_is_refused_naming_the_field(
    site: Federation,
) -> None:
    url = f"/channels/webform/{site.public_key}/submissions"
    answer = await site.client.post(url, headers={"Origin": ORIGIN}, **multipart(site, b"x" * 5000))
    assert answer.status_code == 413, answer.text  # [channels] max_attachment_bytes = 4096 here
    assert answer.json()["error"]["field"] == "file"
    assert answer.headers["access-control-allow-origin"] == ORIGIN
    assert await site.appeals() == []
    answer = await site.client.post(
        url, headers={"Origin": ORIGIN}, **multipart(site, b"MZ", "application/x-msdownload")
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == "file"
    assert await site.appeals() == []
