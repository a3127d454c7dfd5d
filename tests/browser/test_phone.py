"""The phone channel in the console (issue #16, phone items 2–3), against the cloud PBX stand-in
(tests/standins/phone_pbx.py, Mango Office): an incoming call pops the member's card for the
operator whose extension rings — and nobody else; a number nobody holds offers «Создать
карточку»; a missed call owes a callback which the operator makes with «Позвонить» (the
stand-in takes the provider's command, then its call events are replayed to the app). Also the
call entry at 390 × 844 and the accessibility gate over an appeal with a call entry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_support import serious_violations
from conftest import Login
from console_support import MEMBER_NAME, Operator, Site, fits, wait_for
from playwright.async_api import expect
from screenshots import doc_shot
from standins.phone_pbx import PbxStandin, Webhook, webhooks

pytestmark = pytest.mark.unionline_plugins("phone", "sms")

KNOWN = "79123456789"  # the seeded member's phone (+7 912 345-67-89)
UNKNOWN = "79035550011"
# Every screen pop a page draws, in order (installed before the console's own code).
POPS_SEEN = """window.popsSeen = [];
new MutationObserver((changes) => { for (const change of changes)
  for (const node of change.addedNodes) if (node.matches && node.matches("aside.phone-pop"))
    window.popsSeen.push(node.querySelector(".phone-pop-number").textContent); })
  .observe(document, { childList: true, subtree: true });"""
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
ADMIN = Operator("", "admin", "")


@pytest.fixture
def pbx() -> Iterator[PbxStandin]:
    with PbxStandin() as standin:
        yield standin


async def make_line(site: Site, pbx: PbxStandin) -> str:
    """A Mango line of the seeded organization: extension 101 is Anna's, 102 Boris's."""
    line = await site.api(
        "POST",
        "/api/channel-accounts/",
        json={
            "organization_id": site.organization_id,
            "channel": "phone",
            "name": "Телефон профкома",
            "config": {
                "provider": "mango",
                "api_url": pbx.url("mango"),
                "operators": ["101 = anna", "102 = boris"],
                "caller_number": pbx.line_number,
                "callback_hours": 2,
            },
            "secrets": {"api_key": pbx.keys.api_key, "api_secret": pbx.keys.api_secret},
        },
    )
    pbx.line = str(line["id"])
    return pbx.line


async def deliver(site: Site, calls: list[Webhook]) -> None:
    for call in calls:
        r = await site.client.request(
            call.method, call.path, content=call.body, headers=call.headers
        )
        assert r.status_code == 200, f"{call.label}: {r.status_code} {r.text}"


async def call_entries(site: Site, line: str) -> list[dict[str, Any]]:
    """The line's call entries (through the appeals API, as a console reads them)."""
    appeals = await site.api("GET", "/api/appeals/", params={"channel": "phone"})
    found = []
    for appeal in appeals["items"]:
        timeline = await site.api("GET", f"/api/appeals/{appeal['id']}/timeline")
        items = timeline["items"] if isinstance(timeline, dict) else timeline
        found += [e for e in items if (e.get("data") or {}).get("call")]
    return found


async def test_screen_pop_for_the_ringing_operator_and_a_callback_by_click_to_call(
    site: Site, login: Login, pbx: PbxStandin, shots: Path
) -> None:
    line = await make_line(site, pbx)
    anna = await login(site.a, init_script=POPS_SEEN)
    boris = await login(site.b, init_script=POPS_SEEN)

    # 1. The member calls; Anna's extension rings: her console pops the member's card.
    await deliver(site, webhooks("mango", "ringing", line, pbx.keys, number=KNOWN))
    pop = anna.locator("aside.phone-pop")
    await expect(pop).to_be_visible()
    await expect(pop.locator(".phone-pop-number")).to_contain_text("+79123456789")
    await expect(pop.locator("ul-member-card")).to_contain_text(MEMBER_NAME)
    await expect(pop.locator("a.phone-pop-open")).to_have_text("Открыть обращение")
    await expect(pop.locator(".phone-pop-create-open")).to_have_count(0)  # a known member
    await anna.screenshot(path=str(shots / "phone-screen-pop.png"))

    # 2. A call ringing Boris's extension: his pop shows that call only — the signals come in
    #    order on one socket, so the first call's pop would have been drawn before it.
    await deliver(
        site, webhooks("mango", "ringing", line, pbx.keys, number=UNKNOWN, extension="102")
    )
    other = boris.locator("aside.phone-pop")
    await expect(other.locator(".phone-pop-number")).to_contain_text("+79035550011")
    assert await boris.evaluate("window.popsSeen") == ["Звонит +79035550011"]

    # 3. An unknown number ringing Anna: «Создать карточку» makes the provisional member real.
    unknown = webhooks("mango", "ringing", line, pbx.keys, number="79035550022", entry="unknown")
    await deliver(site, unknown)
    await expect(pop.locator(".phone-pop-number")).to_contain_text("+79035550022")
    seen = ["Звонит +79123456789", "Звонит +79035550022"]  # not Boris's call in between
    assert await anna.evaluate("window.popsSeen") == seen
    await expect(pop).to_contain_text("Номер не найден в базе членов профсоюза")
    await pop.get_by_role("button", name="Создать карточку").click()
    await pop.get_by_label("ФИО").fill("Громова Ольга Петровна")
    await pop.get_by_role("button", name="Сохранить").click()
    await expect(pop.locator(".phone-pop-done")).to_have_text("Карточка создана")
    found = await site.api("GET", "/api/members/", params={"q": "Громова"})
    [member] = found["items"]
    assert member["full_name"] == "Громова Ольга Петровна" and not member["provisional"]
    # Anna answers and hangs up: the pop closes.
    answered = webhooks(
        "mango", "answered_recorded", line, pbx.keys, number="79035550022", entry="unknown"
    )
    await deliver(site, answered)
    await expect(pop).to_have_count(0)
    assert anna.dialogs == [] and anna.console_errors == []
    assert boris.console_errors == []

    # 4. A missed call of the known member: a callback is owed on the member's appeal.
    await deliver(site, webhooks("mango", "missed_ivr", line, pbx.keys, number=KNOWN))
    missed = [e for e in await call_entries(site, line) if e["data"]["call"].get("missed") == "ivr"]
    [entry] = missed
    await anna.evaluate(f"location.hash = '#/-/{entry['appeal_id']}'")
    card = anna.locator(".phone-call", has_text="Пропущен в голосовом меню")
    await expect(card).to_be_visible()
    await expect(card.locator(".phone-callback")).to_contain_text("Перезвонить до")

    # 5. «Позвонить»: the PBX is asked to ring Anna's 101, then the member; the call it makes
    #    is reported back and the callback is done.
    await card.get_by_role("button", name="Позвонить").click()
    called = lambda: [c for c in pbx.commands if c.name == "callback"]  # noqa: E731
    [command] = await wait_for(called, "the PBX's callback command")
    assert command.params["from"]["extension"] == "101"
    assert command.params["to_number"] == KNOWN  # Mango: digits, no plus
    await expect(card.locator(".phone-callback")).to_contain_text("Звоним… (попытка 1)")
    await deliver(site, pbx.take_outbox())
    await expect(card.locator(".phone-callback")).to_contain_text("Перезвонили")
    await expect(card.get_by_role("button", name="Позвонить")).to_have_count(0)
    outgoing = anna.locator(".phone-call", has_text="Исходящий звонок")
    await expect(outgoing).to_contain_text("Разговор 1:00")
    await anna.screenshot(path=str(shots / "phone-callback-done.png"))
    assert anna.dialogs == [] and anna.console_errors == []


async def test_call_entry_at_phone_width_and_the_accessibility_gate(
    site: Site, login: Login, pbx: PbxStandin, shots: Path
) -> None:
    line = await make_line(site, pbx)
    await deliver(site, webhooks("mango", "answered_recorded", line, pbx.keys, number=KNOWN))
    await deliver(site, webhooks("mango", "missed_ivr", line, pbx.keys, number=KNOWN))
    entries = await call_entries(site, line)
    appeal_id = entries[0]["appeal_id"]

    page = await login(site.a, **PHONE)
    await page.evaluate(f"location.hash = '#/-/{appeal_id}'")
    answered = page.locator(".phone-call", has_text="Разговор 1:15")
    await expect(answered).to_be_visible()
    await expect(page.locator(".timeline audio").first).to_be_attached()  # the recording plays
    await expect(answered).not_to_contain_text("Запись загружается")  # fetched and said so
    await expect(page.locator(".timeline a", has_text="zapis-zvonka")).not_to_contain_text("(0 Б)")
    missed = page.locator(".phone-call", has_text="Пропущен в голосовом меню")
    await expect(missed.get_by_role("button", name="Позвонить")).to_be_visible()
    await missed.scroll_into_view_if_needed()
    assert await fits(page), "the call entry sticks out sideways at 390 px"
    box = await missed.get_by_role("button", name="Позвонить").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    await page.screenshot(path=str(shots / "phone-call-entry-390.png"))
    found = await serious_violations(page)
    assert found == [], "the appeal with call entries:\n" + "\n".join(found)
    assert page.console_errors == []

    # The admin area's forms of a phone line and an SMPP account: the guides' pictures
    # (docs/channels/phone.md, sms.md; written under UNIONLINE_DOC_SCREENSHOTS=1).
    admin = await login(ADMIN)
    await admin.evaluate(f"location.hash = '#/admin/channels/{line}'")
    form = admin.locator("form.channel-account-form[data-channel=phone]")
    await expect(form.locator("[name=name]")).to_have_value("Телефон профкома")
    await form.locator("[data-setting=api_url]").fill("")  # the provider's own (not saved)
    sip_only = '[data-field^="config.sip_"], [data-field="secrets.sip_password"]'
    await admin.add_style_tag(content=f"{sip_only} {{ display: none !important; }}")
    await doc_shot(admin, "phone-line", "form.channel-account-form")  # a Mango line's fields
    await admin.evaluate("location.hash = '#/admin/channels/new/smpp'")
    sms = admin.locator("form.channel-account-form[data-channel=smpp]")
    await sms.locator("[name=name]").fill("SMS профкома (МТС)")
    for setting, value in (("host", "smpp.operator.example"), ("system_id", "profkom")):
        await sms.locator(f"[data-setting={setting}]").fill(value)
    await sms.locator("[data-setting=sender]").fill("PROFKOM")
    await doc_shot(admin, "sms-smpp-new", "form.channel-account-form")
    assert admin.console_errors == []


async def test_a_card_without_a_name_is_refused_at_the_name(
    site: Site, login: Login, pbx: PbxStandin
) -> None:
    """«Создать карточку» saved with only spaces typed: the refusal (422, ``full_name``) is said
    under «ФИО» in the pop, at 390 px, not in a toast; with a name the card is made."""
    line = await make_line(site, pbx)
    anna = await login(site.a, **PHONE)
    await deliver(site, webhooks("mango", "ringing", line, pbx.keys, number=UNKNOWN, entry="u1"))
    pop = anna.locator("aside.phone-pop")
    await pop.get_by_role("button", name="Создать карточку").click()
    await pop.get_by_label("ФИО").fill("   ")
    await pop.get_by_role("button", name="Сохранить").click()
    name = pop.locator("[data-field=full_name]")
    await expect(name.locator(".field-error")).to_have_text("Напишите ФИО звонящего")
    await expect(name.locator("input")).to_be_focused()
    await expect(anna.locator(".toast")).to_have_count(0)
    assert await serious_violations(anna, "aside.phone-pop") == []
    assert await fits(anna)
    await pop.get_by_label("ФИО").fill("Громова Ольга Петровна")
    await pop.get_by_role("button", name="Сохранить").click()
    await expect(pop.locator(".phone-pop-done")).to_have_text("Карточка создана")
    assert anna.console_errors == []
