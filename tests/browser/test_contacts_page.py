"""«Контакты» (#14 item 2) in a real Chromium: the work page found in the main bar, a member
found by each identifier (phone in three spellings, e-mail, messenger id, name), the card edited,
a duplicate merged after its preview, and a web visitor linked to a known member — at desktop
width and at 390 px."""

from __future__ import annotations

from conftest import Login
from console_support import MEMBER_NAME, Operator, Site
from playwright.async_api import expect

SUPERVISOR = Operator("", "boris", "Борис Ким")


async def add_member(site: Site, name: str, contacts: list[dict[str, str]]) -> str:
    body = {"organization_id": site.organization_id, "full_name": name, "contacts": contacts}
    created = await site.api("POST", "/api/members/", json=body)
    return str(created["id"])


async def search(page: object, q: str) -> None:
    await page.fill("ul-contacts input[name=q]", q)  # type: ignore[attr-defined]
    await page.click("ul-contacts form.contacts-search button[type=submit]")  # type: ignore[attr-defined]


async def test_contacts_search_by_each_identifier_and_edit(site: Site, login: Login) -> None:
    await add_member(site, "Иванов Пётр", [{"kind": "telegram", "address": "4242"}])
    page = await login(site.a)
    await page.click("nav a[data-page=contacts]")
    rows = page.locator("ul-contacts .contact-row")
    await expect(rows).to_have_count(2)
    for q, name in (
        ("+7 (912) 345-67-89", MEMBER_NAME),
        ("89123456789", MEMBER_NAME),
        ("9123456789", MEMBER_NAME),
        ("maria@example.org", MEMBER_NAME),
        ("4242", "Иванов Пётр"),
        ("соколова", MEMBER_NAME),
    ):
        await search(page, q)
        await expect(rows).to_have_count(1)
        await expect(rows.first.locator(".card-title")).to_have_text(name)
    await search(page, "никого-такого")
    await expect(page.locator("ul-contacts .contacts-nothing")).to_have_text("Никого не нашлось")

    await search(page, "соколова")
    await rows.first.locator("a.contact-open").click()
    card = page.locator("ul-contacts form.contact-card")
    await card.locator("input[name=card_number]").fill("77-2048")
    await card.locator("select[name=status]").select_option("suspended")
    await card.locator("input[data-channel=email]").check()
    await card.locator("button[type=submit]").click()
    await expect(page.locator(".toast").last).to_have_text("Карточка сохранена")
    member = await site.api("GET", f"/api/members/{site.member_id}")
    assert member["card_number"] == "77-2048" and member["status"] == "suspended"
    assert member["consents"]["email"]["granted"] is True
    # A contact point added and an address in error shown next to its field, in words.
    add = page.locator("ul-contacts form.contact-add")
    await add.locator("select[name=kind]").select_option("phone")
    await add.locator("input[name=address]").fill("не телефон")
    await add.locator("button[type=submit]").click()
    await expect(add.locator("[data-field=address] .field-error")).not_to_be_empty()
    await add.locator("input[name=address]").fill("8 (495) 123-45-67")
    await add.locator("button[type=submit]").click()
    added = page.locator("ul-contacts .contact-point", has_text="+74951234567")
    await expect(added).to_be_visible()
    assert page.console_errors == []


async def test_merge_a_duplicate_after_preview(site: Site, login: Login) -> None:
    duplicate = await add_member(
        site, "Соколова М. И.", [{"kind": "email", "address": "m.sokolova@example.org"}]
    )
    await site.api(
        "POST",
        "/api/appeals/",
        json={
            "organization_id": site.organization_id,
            "member_id": duplicate,
            "subject": "Письмо о матпомощи",
            "channel": "email",
        },
    )
    page = await login(SUPERVISOR)
    await page.evaluate(f"location.hash = '#/work/contacts/{site.member_id}'")
    section = page.locator("ul-contacts .join-merge")
    await section.locator("input[type=search]").fill("m.sokolova@example.org")
    await section.locator("button[type=submit]").click()
    await section.locator("button.join-choose").click()
    preview = section.locator(".merge-preview")
    await expect(preview.locator(".preview-name")).to_have_text(
        f"Останется карточка «{MEMBER_NAME}»"
    )
    await expect(preview.locator(".preview-contacts")).to_contain_text("m.sokolova@example.org")
    await expect(preview.locator(".preview-appeals")).to_have_text("Обращений: 1")
    gone = await site.api("GET", f"/api/members/{duplicate}")
    assert gone["merged_into"] is None  # the preview changed nothing
    await preview.locator("button.join-confirm").click()
    await expect(page.locator(".toast").last).to_have_text("Контакты объединены")
    await expect(
        page.locator("ul-contacts .contact-point", has_text="m.sokolova@example.org")
    ).to_be_visible()
    gone = await site.api("GET", f"/api/members/{duplicate}")
    assert gone["merged_into"] == site.member_id
    assert page.console_errors == []


async def test_operator_links_a_web_visitor_at_phone_width(site: Site, login: Login) -> None:
    visitor = await site.api(
        "POST",
        "/api/members/",
        json={
            "organization_id": site.organization_id,
            "full_name": "Гость сайта",
            "contacts": [{"kind": "web", "address": "visitor-9000"}],
        },
    )
    # Made as a channel makes visitors: provisional until an operator knows who it is.
    await site.api("PATCH", f"/api/members/{visitor['id']}", json={"provisional": True})
    page = await login(site.a, viewport={"width": 390, "height": 844})
    await page.evaluate("location.hash = '#/work/contacts'")
    await search(page, "visitor-9000")
    rows = page.locator("ul-contacts .contact-row")
    await expect(rows).to_have_count(1)
    await expect(rows.first.locator(".card-title")).to_have_text("Гость сайта")
    await expect(rows.first).to_contain_text("Посетитель сайта: visitor-9000")
    await rows.first.locator("a.contact-open").click()
    section = page.locator("ul-contacts .join-link")
    await section.locator("input[type=search]").fill("+7 912 345 67 89")
    await section.locator("button[type=submit]").click()
    await section.locator("button.join-choose").click()
    await expect(section.locator(".preview-contacts")).to_contain_text("visitor-9000")
    await section.locator("button.join-confirm").click()
    await expect(page.locator(".toast").last).to_have_text("Контакт связан с членом профсоюза")
    await expect(page.locator("ul-contacts h2.contact-name")).to_have_text(MEMBER_NAME)
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    member = await site.api("GET", f"/api/members/{site.member_id}")
    assert "visitor-9000" in {c["address"] for c in member["contacts"]}
    assert page.console_errors == []
