"""The console with routing: the presence switch (seen live by the supervisor) and offers an
operator accepts in the browser."""

from __future__ import annotations

from conftest import Login
from console_support import Site
from playwright.async_api import expect


async def test_presence_switch_is_seen_by_the_supervisor(site: Site, login: Login) -> None:
    a = await login(site.a)
    b = await login(site.b)
    await b.click(".topbar a[href='#/supervisor']")
    presence_a = b.locator(f"table.operators-load tr[data-operator='{site.a.id}'] .presence-dot")
    await expect(presence_a).to_have_text("В сети")
    await expect(a.locator("ul-presence [data-presence]")).to_have_attribute(
        "data-presence", "online"
    )

    await a.select_option("select[name=presence]", "away")
    await expect(a.locator("ul-presence [data-presence]")).to_have_attribute(
        "data-presence", "away"
    )
    await expect(presence_a).to_have_text("Нет на месте")

    await a.select_option("select[name=presence]", "online")
    await expect(presence_a).to_have_text("В сети")
    assert a.console_errors == [] and b.console_errors == []


async def test_an_offer_is_accepted_in_the_console(site: Site, login: Login) -> None:
    await site.api(
        "POST",
        "/api/routing/queues/",
        json={
            "organization_id": site.organization_id,
            "name": "Общая очередь",
            "is_default": True,
            "offer_timeout": 300,
        },
    )
    a = await login(site.a, init_script="document.hasFocus = () => true;")  # B stays offline
    await site.inbound("Нужна консультация юриста по увольнению")
    # The seeded phone appeal waits in the default queue too: both are offered to A.
    offer = a.locator("ul-offers .offer", has_text="ZAVOD-2026-2")
    await expect(offer).to_be_visible()
    await expect(offer).to_contain_text("Вам предложено обращение ZAVOD-2026-2")
    await expect(offer).to_contain_text("Нужна консультация юриста")
    await offer.locator("button.accept").click()
    await expect(offer).to_have_count(0)
    await expect(a.locator("ul-offers .offer", has_text="ZAVOD-2026-1")).to_be_visible()
    await expect(a.locator(".assignee-name")).to_have_text(site.a.name)
    await expect(a.locator("[data-list=mine].active")).to_be_visible()
    await expect(a.locator(".timeline .message-in")).to_contain_text("консультация юриста")
    # Routing queues are offered as transfer targets.
    await expect(
        a.locator("select[name=transfer] optgroup[label='Передать в очередь']")
    ).to_have_count(1)
    assert a.console_errors == []
