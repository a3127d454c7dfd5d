"""Campaigns end to end on both engines: the consent register (legacy flags absorbed, proof),
a segment counted in SQL and exported, a campaign previewed, sent through the channel's send()
once per member on the first channel of its order the member consented to, statistics, and
organization scope."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from appeals_support import inbound
from campaigns_support import SECRET, TEXT_VERSION, World, campaign_body, grant, member

from unionline import MetricQuery, metric_sources
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("campaigns", "reports")


async def test_a_campaign_reaches_each_consenting_member_once(unionline_app: AppHarness) -> None:
    w = await World(unionline_app).setup()
    anna = await member(
        w.a,
        "Иванова Анна Петровна",
        contacts=(("telegram", "1001"), ("email", "anna@example.org")),
        custom={"years": 21},
    )
    boris = await member(
        w.a1, "Борисов Борис Борисович", contacts=(("email", "boris@example.org"),)
    )
    # Vera has a Telegram contact but gave consent for e-mail only: she gets the e-mail.
    vera = await member(
        w.a, "Веткина Вера Олеговна", contacts=(("telegram", "1003"), ("email", "vera@example.org"))
    )
    gleb = await member(w.a, "Глебов Глеб", contacts=(("telegram", "1004"),))  # no consent
    outsider = await member(w.b, "Чужой Павел Ильич", contacts=(("telegram", "2001"),))
    for who, channel in (
        (anna, "telegram"),
        (anna, "email"),
        (boris, "email"),
        (vera, "email"),
        (outsider, "telegram"),
    ):
        await grant(who, channel)

    count = await w.call(
        "boss",
        "post",
        "/api/campaigns/segments/count",
        organization_id=str(w.a),
        filter={"reachable": ["telegram", "email"]},
        purpose="info",
    )
    assert count["count"] == 3
    assert {m["full_name"] for m in count["sample"]} >= {"Иванова Анна Петровна"}
    everyone = await w.call(
        "boss", "post", "/api/campaigns/segments/count", organization_id=str(w.a), filter={}
    )
    assert everyone["count"] == 4  # Anna, Boris, Vera, Gleb; not the outsider of B
    csv = await w.call(
        "boss",
        "post",
        "/api/campaigns/segments/export",
        organization_id=str(w.a),
        filter={"statuses": ["member"]},
    )
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,ФИО") and len(lines) == 5
    xlsx = await w.call(
        "boss", "post", "/api/campaigns/segments/export",
        organization_id=str(w.a), filter={"statuses": ["member"]}, format="xlsx",
    )  # fmt: skip
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][:2] == ["id", "ФИО"] and len(table) == 5
    assert sorted(r[1] for r in table[1:]) == sorted(line.split(",")[1] for line in lines[1:])
    bad = await w.call("boss", "post", "/api/campaigns/segments/export", 400, format="pdf")
    assert bad["error"]["field"] == "format"

    recent = {
        "appealed_within_days": 30,
        "tags": [],
        "custom_fields": [{"key": "years", "value": "21"}],
    }
    found = await w.call(
        "boss", "post", "/api/campaigns/segments/count", organization_id=str(w.a), filter=recent
    )
    assert found["count"] == 0
    await inbound(w.a, anna, "Вопрос о взносах", channel="reference")
    found = await w.call(
        "boss", "post", "/api/campaigns/segments/count", organization_id=str(w.a), filter=recent
    )
    assert [m["full_name"] for m in found["sample"]] == ["Иванова Анна Петровна"]
    body = campaign_body(w)
    button = {"title": "Программа встречи", "url": "javascript:alert(1)"}
    body["variants"]["telegram"]["buttons"] = [button]
    bad = await w.call("boss", "post", "/api/campaigns/", 400, **body)
    assert bad["error"]["field"].endswith(".buttons[0].url"), bad  # the field is named
    button["url"] = "https://profsoyuz.example/program"
    campaign = await w.call("boss", "post", "/api/campaigns/", 201, **body)
    cid = campaign["id"]
    preview = await w.call(
        "boss", "post", f"/api/campaigns/{cid}/preview/telegram", member_id=str(anna)
    )
    assert preview["text"].startswith("Анна, с праздником! Стаж: 21 год")
    # Link buttons are the message's own (a Telegram/VK keyboard); the preview shows them
    # beside the text. The reference account here takes no buttons: the channel SDK writes
    # them as «Название: ссылка» lines, the link through the signed click redirect (below).
    assert preview["text"] == "Анна, с праздником! Стаж: 21 год"
    assert preview["buttons"] == [button]
    assert (preview["sms_parts"], preview["sms_chars"]) == (1, 32)  # the text's own counter
    from unionline.plugins.campaigns.render import sms_parts

    assert sms_parts(preview["text"] + " " * 39) == (2, 71)  # Cyrillic over 70: parts of 67

    tested = await w.call(
        "boss", "post", f"/api/campaigns/{cid}/test", channel="telegram", address="9999"
    )
    assert tested["status"] == "sent" and [s.recipient for s in w.sent()] == ["9999"]
    w.sent().clear()
    from unionline.channel import reference

    reference.provider(w.account).fail_next("permanent")
    refused = await w.call(
        "boss", "post", f"/api/campaigns/{cid}/test", 422, channel="telegram", address="9999"
    )
    assert refused["error"]["field"] == "address"
    saved = await w.call(
        "boss", "post", "/api/campaigns/segments", 201,
        organization_id=str(w.a), name="Работники", filter={"statuses": ["member"]},
    )  # fmt: skip
    assert [s["name"] for s in await w.call("olga", "get", "/api/campaigns/segments")] == [
        "Работники"
    ]
    assert await w.call("bob", "get", "/api/campaigns/segments") == []
    await w.call("bob", "delete", f"/api/campaigns/segments/{saved['id']}", 404)
    await w.call("boss", "delete", f"/api/campaigns/segments/{saved['id']}", 204)
    # A robot-call message through an account that cannot send it does not start: every
    # recipient would fail (the reference channel, standing in for every channel, counts by
    # text; another needs Capabilities.spoken — tests/channels/phone/test_phone_broadcast.py).
    voice = await w.call(
        "boss", "post", "/api/campaigns/", 201,
        **campaign_body(w, channel_order=["voice"], accounts={"voice": str(w.account)},
                        variants={"voice": {"text": "Собрание в пятницу в 18 часов"}}),
    )  # fmt: skip
    from unionline.channel import Capabilities, channel_type

    speechless = Capabilities(text=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(channel_type("reference")), "capabilities", speechless)
        refused = await w.call("boss", "post", f"/api/campaigns/{voice['id']}/start", 422)
    assert refused["error"]["field"] == "accounts.voice", refused
    started = await w.call("boss", "post", f"/api/campaigns/{cid}/start")
    assert started["status"] == "sending" and started["counts"]["total"] == 3
    await unionline_app.settle()
    done = await w.call("boss", "get", f"/api/campaigns/{cid}")
    assert done["status"] == "finished", done
    assert done["counts"]["sent"] == 3 and done["counts"]["queued"] == 0
    by_recipient = sorted(s.recipient for s in w.sent())
    assert by_recipient == sorted(["1001", "boris@example.org", "vera@example.org"])
    [telegram] = [s for s in w.sent() if s.recipient == "1001"]
    # The reference channel has no buttons: the SDK wrote the button as a line of the text.
    assert telegram.text == (
        "Анна, с праздником! Стаж: 21 год\n\nПрограмма встречи: https://profsoyuz.example/program"
    )
    assert gleb and outsider  # neither got anything

    totals = await w.call("boss", "get", "/api/campaigns/totals", organization_id=str(w.a1))
    assert totals["total"] == 1 and totals["sent"] == 1  # Boris, of A1
    assert (await w.call("boss", "get", "/api/campaigns/totals"))["sent"] == 3
    assert (await w.call("bob", "get", "/api/campaigns/totals"))["total"] == 0
    # Another branch, or an id of no organization even for an administrator, as the filter:
    # nothing counted there (docs/api.md; an empty IN () was a 500 on PostgreSQL once).
    nothing = await w.call("bob", "get", "/api/campaigns/totals", organization_id=str(w.a))
    assert nothing["total"] == nothing["sent"] == 0
    nowhere = "00000000-0000-4000-8000-000000000000"
    nothing = await w.call("admin", "get", "/api/campaigns/totals", organization_id=nowhere)
    assert nothing["total"] == nothing["sent"] == 0

    # Providers' receipts, through the channel's webhook as a gateway sends them: delivered,
    # read (also an open) and failed (a bounce); a repeated or late one changes nothing.
    by_address = {s.recipient: s.external_id for s in w.sent()}
    for update, (address, status) in enumerate(
        [("1001", "read"), ("boris@example.org", "delivered"), ("vera@example.org", "failed"),
         ("vera@example.org", "delivered"), ("1001", "delivered")]
    ):  # fmt: skip
        body, headers = reference.signed(
            SECRET, {"update_id": f"r{update}", "type": "receipt",
                     "message_id": by_address[address], "status": status, "error": "550 5.1.1"},
        )  # fmt: skip
        r = await unionline_app.client.post(
            f"/channels/reference/{w.account}/inbound", content=body, headers=headers
        )
        assert r.status_code < 300, r.text
    # Anna answers the campaign: her message is an appeal, counted as the campaign's reply.
    answer, _ = await inbound(w.a, anna, "Спасибо, приду", channel="reference")
    await unionline_app.settle()
    counts = (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]
    assert (counts["delivered"], counts["bounced"], counts["sent"]) == (2, 1, 0), counts
    assert (counts["opened"], counts["replied"]) == (1, 1), counts
    [reply] = await w.call("olga", "get", f"/api/campaigns/{cid}/replies")
    assert reply["member_id"] == str(anna) and reply["appeal_id"] == str(answer.id)
    assert reply["appeal_number"]
    await w.call("bob", "get", f"/api/campaigns/{cid}/replies", 404)

    # The reports plugin shows them through the metric source, as a third party adds one.
    today = datetime.now(UTC).date()
    period = {"since": str(today - timedelta(days=1)), "until": str(today + timedelta(days=2))}
    report = await w.call("boss", "get", "/api/reports/", **period, organization_id=str(w.a))
    assert report["totals"]["extra"] == {
        "campaigns.sent": 3.0, "campaigns.delivered": 2.0, "campaigns.bounced": 1.0,
        "campaigns.replied": 1.0, "campaigns.unsubscribed": 0.0, "campaigns.answered": 0.0,
    }, report["totals"]  # fmt: skip
    [source] = [s for s in metric_sources() if s.name == "campaigns"]
    elsewhere = MetricQuery(organization_ids=(w.b,), since=today, until=today + timedelta(days=1))
    assert await source.rows(elsewhere) == []

    # Retention: the members' actions older than the setting go, the counts stay.
    from unionline.plugins.campaigns import retention, unsubscribe

    rid = (
        await unionline_app.runtime.db.fetchone("SELECT MIN(id) AS id FROM campaigns_recipient")
    )["id"]
    await unsubscribe.event(uuid.UUID(cid), int(rid), "click", "https://old.example")
    await unionline_app.runtime.db.execute("UPDATE campaigns_event SET at = 0")
    await retention.purge()
    assert (await w.call("boss", "get", f"/api/campaigns/{cid}"))["counts"]["clicked"] == 0

    # Another organization's supervisor sees nothing of it.
    assert await w.call("bob", "get", "/api/campaigns/") == []
    await w.call("bob", "get", f"/api/campaigns/{cid}", 404)
    await w.call("bob", "post", f"/api/campaigns/{cid}/pause", 404)
    await w.call("bob", "get", f"/api/campaigns/members/{anna}/consents", 404)
    # Another branch's channel account is one that does not exist: no start, no test send.
    foreign = await w.call(
        "bob", "post", "/api/campaigns/", 201, **campaign_body(w, organization_id=str(w.b))
    )
    refused = await w.call("bob", "post", f"/api/campaigns/{foreign['id']}/start", 422)
    assert refused["error"]["field"] == "accounts.telegram", refused
    assert "no such" in refused["error"]["message"], refused
    refused = await w.call(
        "bob", "post", f"/api/campaigns/{foreign['id']}/test", 422, channel="telegram", address="1"
    )
    assert refused["error"]["field"] == "channel" and "no such" in refused["error"]["message"]
    # Consent texts: one's own organization's and those above it, never another branch's.
    await w.call(
        "admin", "post", "/api/campaigns/consent-texts", 201,
        organization_id=str(w.a1), version="a1-info", purpose="info", body="Текст A1.",
    )  # fmt: skip
    versions = [t["version"] for t in await w.call("bob", "get", "/api/campaigns/consent-texts")]
    assert TEXT_VERSION not in versions and "a1-info" not in versions
    olga = [t["version"] for t in await w.call("olga", "get", "/api/campaigns/consent-texts")]
    assert TEXT_VERSION in olga and "a1-info" in olga
    _, ivan = await unionline_app.create_operator("ivan", "operator", w.a1)
    w.tokens["ivan"] = ivan
    below = [t["version"] for t in await w.call("ivan", "get", "/api/campaigns/consent-texts")]
    assert TEXT_VERSION in below and "a1-info" in below  # A's text is A1's members' too


async def test_the_register_absorbs_card_flags_and_proves_consent(
    unionline_app: AppHarness,
) -> None:
    w = await World(unionline_app).setup()
    from unionline.members.services import create_member

    legacy = await create_member(
        None, w.a, full_name="Старый Флаг", consents={"email": True, "sms": False}
    )
    await unionline_app.settle()
    rows = await w.call("olga", "get", f"/api/campaigns/members/{legacy}/consents")
    assert {(r["channel"], r["source"], r["withdrawn_at"] is None) for r in rows} == {
        ("email", "legacy", True),
        ("sms", "legacy", False),
    }
    await w.call(
        "olga", "post", f"/api/campaigns/members/{legacy}/consents",
        channel="sms", purpose="ads", granted=True, text_version="nope",
        expect=422,
    )  # fmt: skip
    changed = await w.call(
        "olga", "post", f"/api/campaigns/members/{legacy}/consents",
        channel="sms", purpose="info", granted=True, text_version=TEXT_VERSION,
        source="form", evidence={"form_id": "site-join", "address": "203.0.113.7"},
    )  # fmt: skip
    assert any(r["channel"] == "sms" and r["withdrawn_at"] is None for r in changed)
    proof = await w.call("olga", "get", f"/api/campaigns/members/{legacy}/consents/proof")
    actions = [(e["channel"], e["action"], e["source"]) for e in proof["history"]]
    assert ("sms", "granted", "form") in actions and ("sms", "withdrawn", "legacy") in actions
    assert [t["version"] for t in proof["texts"]] == ["legacy", TEXT_VERSION][
        -len(proof["texts"]) :
    ]
    bad = await unionline_app.client.post(
        f"/api/campaigns/members/{legacy}/consents", headers=w.auth("olga"),
        json={"channel": "pigeon", "purpose": "info", "granted": True},
    )  # fmt: skip
    assert bad.status_code == 400 and "channel" in bad.text
    await w.call("bob", "get", f"/api/campaigns/members/{legacy}/consents/proof", 404)
    await w.call("olga", "get", f"/api/campaigns/members/{uuid.uuid4()}/consents", 404)

    # The member's export holds the proof; the erasure removes it.
    h = unionline_app
    exported = (
        await h.client.get(f"/api/privacy/members/{legacy}/export", headers=h.admin_headers)
    ).json()
    section = exported["extra"]["campaigns"]
    assert {c["channel"] for c in section["consents"]} == {"email", "sms"}
    assert any(e["source"] == "form" for e in section["history"])
    erased = await h.client.post(f"/api/privacy/members/{legacy}/erase", headers=h.admin_headers)
    assert erased.status_code == 200, erased.text
    again = (
        await h.client.get(f"/api/privacy/members/{legacy}/export", headers=h.admin_headers)
    ).json()
    assert again["extra"]["campaigns"]["consents"] == []
