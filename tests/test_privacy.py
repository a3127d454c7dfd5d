"""Personal-data rights: a member's export (JSON and ZIP) and erasure, scoped and audited."""

from __future__ import annotations

import base64
import io
import uuid
import zipfile
from pathlib import Path
from typing import Any

import msgspec
import pytest
from channel_support import message, reference_fixtures, signed_call

from unionline.channel.tables import AttachmentRecord, InboundRecord
from unionline.runtime import current
from unionline.system.tables import EventRecord
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures()
PNG = b"\x89PNG\r\n\x1a\n" + b"scan of a passport" * 10


async def event_log(appeal_id: str) -> list[dict[str, Any]]:
    """The stored events naming the appeal."""
    rows = await EventRecord.select(EventRecord.type, EventRecord.payload)
    return [r for r in rows if appeal_id in r["payload"]]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def inbound(
    env: ContractEnv,
    update_id: int,
    text: str,
    files: list[dict] | None = None,
    sender: str = "ref-100",
) -> None:
    payload = message(update_id, sender, text, "Иван Петров", **({"files": files} if files else {}))
    call = signed_call(env.account, payload)
    response = await env.harness.client.post(call.path, content=call.body, headers=call.headers)
    assert response.status_code == 200, response.text
    await env.harness.settle()


async def seeded(env: ContractEnv) -> dict[str, Any]:
    """A member who wrote with a file, got a reply and a note, and whose card was read."""
    h = env.harness
    png = base64.b64encode(PNG).decode()
    await inbound(
        env,
        1,
        "Меня увольняют, паспорт 4510 123456",
        [{"name": "паспорт.png", "type": "image/png", "data": png}],
    )
    [appeal] = (await h.client.get("/api/appeals/", headers=h.admin_headers)).json()["items"]
    member_id = appeal["member_id"]
    updated = await h.client.patch(
        f"/api/members/{member_id}",
        headers=h.admin_headers,
        json={"full_name": "Петров Иван Сергеевич", "employer": "Завод №1"},
    )
    assert updated.status_code == 200, updated.text
    for kind, text in (("replies", "Пришлите приказ"), ("notes", "Петров — председатель цеха")):
        made = await h.client.post(
            f"/api/appeals/{appeal['id']}/{kind}", json={"text": text}, headers=h.admin_headers
        )
        assert made.status_code == 201, made.text
    await h.settle()
    assert (
        await h.client.get(f"/api/members/{member_id}", headers=h.admin_headers)
    ).status_code == 200
    return {"member_id": member_id, "appeal": appeal}


async def test_export_holds_everything_and_is_audited(env: ContractEnv) -> None:
    h = env.harness
    seed = await seeded(env)
    url = f"/api/privacy/members/{seed['member_id']}/export"
    response = await h.client.get(url, headers=h.admin_headers)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["format"] == "unionline.member-export/1" and doc["complete"] is True
    assert doc["member"]["full_name"] == "Петров Иван Сергеевич"
    assert [c["address"] for c in doc["member"]["contacts"]] == ["ref-ref-100"]
    [appeal] = doc["appeals"]
    assert appeal["appeal"]["number"] == seed["appeal"]["number"]
    bodies = [e["body"] for e in appeal["timeline"]]
    assert "Меня увольняют, паспорт 4510 123456" in bodies
    assert "Пришлите приказ" in bodies and "Петров — председатель цеха" in bodies
    [file] = doc["attachments"]
    assert file["filename"] == "паспорт.png" and file["size"] == len(PNG)
    assert "member.read" in {e["action"] for e in doc["access_log"]}

    log = (
        await h.client.get(
            "/api/audit/", params={"action": "member.export"}, headers=h.admin_headers
        )
    ).json()["items"]
    assert [e["subject_id"] for e in log] == [seed["member_id"]]
    assert "Петров" not in str(log)

    archive = await h.client.get(url + ".zip", headers=h.admin_headers)
    assert archive.status_code == 200
    assert archive.headers["content-type"].startswith("application/zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        inside = msgspec.json.decode(z.read("member.json"))
        assert inside["member"]["id"] == seed["member_id"]
        assert z.read(file["file"]) == PNG


async def test_only_administrators_of_the_member_export_or_erase(env: ContractEnv) -> None:
    h = env.harness
    seed = await seeded(env)
    other = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Другая", "code": "OTHER", "kind": "federation"},
    )
    _, foreign_admin = await h.create_operator(
        "other-admin", "admin", uuid.UUID(other.json()["id"])
    )
    _, supervisor = await h.create_operator(
        "sup", "supervisor", uuid.UUID(seed["appeal"]["organization_id"])
    )
    for path in ("export", "export.zip"):
        url = f"/api/privacy/members/{seed['member_id']}/{path}"
        assert (await h.client.get(url, headers=bearer(foreign_admin))).status_code == 404
        assert (await h.client.get(url, headers=bearer(supervisor))).status_code == 403
    erase = f"/api/privacy/members/{seed['member_id']}/erase"
    assert (await h.client.post(erase, headers=bearer(foreign_admin))).status_code == 404
    assert (await h.client.post(erase, headers=bearer(supervisor))).status_code == 403
    missing = await h.client.post(
        f"/api/privacy/members/{uuid.uuid4()}/erase", headers=h.admin_headers
    )
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "member_id"


async def test_erasure_keeps_numbers_and_statistics_only(env: ContractEnv, tmp_path: Path) -> None:
    h = env.harness
    seed = await seeded(env)
    member_id, appeal = seed["member_id"], seed["appeal"]
    files = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert files, "the attachment is stored on disk before the erasure"
    assert "увольняют" in str(await event_log(appeal["id"]))

    response = await h.client.post(
        f"/api/privacy/members/{member_id}/erase", headers=h.admin_headers
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["contact_points"] == 1 and report["appeals"] == 1
    assert report["messages"] == 3 and report["attachments"] == 1
    assert report["files_deleted"] == 1
    assert not [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]

    member = (await h.client.get(f"/api/members/{member_id}", headers=h.admin_headers)).json()
    assert member["erased"] is True and member["full_name"] == "" and member["contacts"] == []
    assert member["employer"] == ""
    kept = (await h.client.get(f"/api/appeals/{appeal['id']}", headers=h.admin_headers)).json()
    assert kept["number"] == appeal["number"] and kept["tags"] == appeal["tags"]
    timeline = (
        await h.client.get(f"/api/appeals/{appeal['id']}/timeline", headers=h.admin_headers)
    ).json()["items"]
    text = str(timeline) + str(kept)
    for secret in ("увольняют", "4510", "приказ", "председатель", "паспорт"):
        assert secret not in text
    assert {e["kind"] for e in timeline} >= {"message_in", "message_out", "note"}
    found = await h.client.get("/api/appeals/", params={"q": "увольняют"}, headers=h.admin_headers)
    assert found.status_code == 200 and found.json()["items"] == []
    # The event log keeps the appeal's events (consoles resume by position, robots decode them)
    # with their text gone.
    events = await event_log(appeal["id"])
    assert {"appeal.message_in", "appeal.message_out", "appeal.note_added"} <= {
        e["type"] for e in events
    }
    for secret in ("увольняют", "4510", "приказ", "председатель", "паспорт", "Петров"):
        assert secret not in str(events)
    registered = current().registry.events
    for e in events:
        msgspec.json.decode(e["payload"], type=registered[e["type"]])
    inbound_rows = await InboundRecord.select().where(
        InboundRecord.member_id == uuid.UUID(member_id)
    )
    assert inbound_rows and all(r["sender_address"] == "" for r in inbound_rows)
    attachment = await AttachmentRecord.select().first()
    assert attachment is not None and attachment["filename"] == "erased"

    audit = (
        await h.client.get("/api/audit/", params={"subject_id": member_id}, headers=h.admin_headers)
    ).json()["items"]
    actions = [e["action"] for e in audit]
    # Reads before the erasure stay as tombstones; the erasure itself is recorded.
    assert "member.erase" in actions and actions.count("member.read") >= 2

    again = await h.client.post(f"/api/privacy/members/{member_id}/erase", headers=h.admin_headers)
    assert again.status_code == 200 and again.json()["messages"] == 0
    change = await h.client.patch(
        f"/api/members/{member_id}", headers=h.admin_headers, json={"full_name": "Снова"}
    )
    assert change.status_code == 409

    # The same person writing again is a stranger now: a new provisional member.
    await inbound(env, 2, "Здравствуйте")
    appeals = (await h.client.get("/api/appeals/", headers=h.admin_headers)).json()["items"]
    assert {a["member_id"] for a in appeals} - {member_id}


async def test_a_section_added_again_takes_its_own_place_only(env: ContractEnv) -> None:
    from unionline.privacy.sections import add_personal_data_section, sections

    class Notes:
        name = "test.notes"

        async def export(self, member_ids: list[uuid.UUID], appeal_ids: list[uuid.UUID]) -> Any:
            return []

        async def erase(self, member_ids: list[uuid.UUID]) -> None:
            return None

    class Other(Notes):
        pass

    first, again = Notes(), Notes()
    add_personal_data_section(first)
    add_personal_data_section(again)  # the runtime started again: the plugin adds it anew
    assert [s for s in sections() if s.name == "test.notes"] == [again]
    with pytest.raises(ValueError, match="already added"):  # another kind: a name in use
        add_personal_data_section(Other())
