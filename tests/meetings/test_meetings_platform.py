"""«Платформа» of «Настройки → Видеовстречи» is a choice of the installed platforms (a third
party's added in process too), shown by their Russian titles; the server refuses a platform
that is not installed as a 422 naming ``values.provider`` and keeps the one saved before."""

from __future__ import annotations

import pytest
from meetings_support import Staff

from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("meetings")


class Whereby:
    name = "whereby"
    title_ru = "Whereby (комната)"
    title_en = "Whereby"


async def test_the_platform_is_chosen_from_the_installed_ones(unionline_app: AppHarness) -> None:
    from unionline.plugins.meetings import providers

    s = await Staff(unionline_app).setup()
    providers.register_provider(Whereby())  # type: ignore[arg-type]
    try:
        form = await s.call("admin", "get", "/api/settings/forms/meetings")
        [field] = [f for f in form["fields"] if f["name"] == "provider"]
        assert field["schema"]["enum"] == ["jitsi", "bbb", "link", "whereby"]
        words = field["schema"]["x-choices"]
        assert words["link"]["ru"] == "Постоянная ссылка"
        assert words["whereby"] == {"ru": "Whereby (комната)", "en": "Whereby"}
        saved = await s.call(
            "admin", "put", "/api/settings/forms/meetings", values={"provider": "whereby"}
        )
        assert saved["form"]["values"]["provider"] == "whereby"
    finally:
        providers._EXTRA.pop("whereby")


async def test_an_unknown_platform_is_refused_naming_the_field(unionline_app: AppHarness) -> None:
    s = await Staff(unionline_app).setup()
    r = await unionline_app.client.put(
        "/api/settings/forms/meetings",
        json={"values": {"provider": "zoom"}},
        headers=s.auth("admin"),
    )
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["field"] == "values.provider" and "bbb" in error["extra"]["choices"], r.text
    form = await s.call("admin", "get", "/api/settings/forms/meetings")
    assert form["values"]["provider"] == "jitsi" and not form["saved"]
    await s.call("admin", "put", "/api/settings/forms/meetings", values={"provider": "bbb"})
    listed = await s.call("olga", "get", "/api/meetings/providers")
    assert [p["name"] for p in listed if p["default"]] == ["bbb"]
