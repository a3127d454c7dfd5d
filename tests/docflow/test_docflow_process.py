"""A member's application for material aid, end to end: the member writes to the union's bot
on Telegram once, later sends the site form (the webform channel) with the topic «Материальная
помощь»; the process makes an application, registers it, sends it on a two-step route (the
specialist, then the chair); the chair's decision reaches the member on Telegram (the Bot API
stand-in) with the application's number — once, though the notice job runs again."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from appeals_support import bearer, make_org
from standins.telegram import TelegramStandin
from test_docflow_templates import GOOD

from unionline.channel.config import ChannelsSettings
from unionline.channels.telegram.settings import TelegramSettings
from unionline.channels.webform import tokens
from unionline.channels.webform.settings import WebformSettings
from unionline.settings import Settings, settings_type
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("docflow", "webform", "telegram")
SECRET = "webform-signing-secret-0123456789"
ORIGIN = "https://union.example"
AID = "Материальная помощь"


@pytest.fixture
def telegram() -> Iterator[TelegramStandin]:
    with TelegramStandin() as standin:
        yield standin


@pytest.fixture
def unionline_settings(
    unionline_settings: Settings, tmp_path: Path, telegram: TelegramStandin
) -> Settings:
    data = msgspec.to_builtins(unionline_settings)
    data["channels"] = {"attachments_dir": str(tmp_path / "files")}
    data["webform"] = {"min_fill_seconds": 3}
    data["telegram"] = {"api_url": telegram.base_url}
    data["server"] = {**data["server"], "public_url": "https://union.example"}
    kind = settings_type(
        {"channels": ChannelsSettings, "webform": WebformSettings, "telegram": TelegramSettings}
    )
    return msgspec.convert(data, kind)


async def test_material_aid_from_the_site_form_to_telegram(
    unionline_app: AppHarness, telegram: TelegramStandin
) -> None:
    h = unionline_app
    admin = h.admin_headers

    async def post(path: str, body: dict, headers: dict | None = None, expect: int = 201) -> dict:
        r = await h.client.post(path, json=body, headers=headers or admin)
        assert r.status_code == expect, f"{path}: {r.status_code} {r.text}"
        return dict(r.json())

    org = await make_org(h, "PPO", kind="primary")
    specialist, spec_token = await h.create_operator("spec", "operator", org)
    chair, chair_token = await h.create_operator("chair", "supervisor", org)
    bot = await post(
        "/api/channel-accounts/",
        {
            "organization_id": str(org),
            "channel": "telegram",
            "name": "Бот профкома",
            "config": {"mode": "webhook"},
            "secrets": {"bot_token": telegram.bot.token, "webhook_secret": "s3cret-hook"},
        },
    )
    await post(f"/api/channel-accounts/{bot['id']}/connect", {}, expect=200)
    form = await post(
        "/api/channel-accounts/",
        {
            "organization_id": str(org),
            "channel": "webform",
            "name": "Форма на сайте",
            "public_key": "site-form",
            "config": {
                "fields": {
                    "name": {"required": True},
                    "phone": {},
                    "topic": {"required": True},
                    "text": {"required": True},
                    "consent": {"required": True},
                },
                "topics": [{"id": "aid", "ru": AID}, {"id": "pay", "ru": "Оплата труда"}],
                "allowed_origins": [ORIGIN],
                "privacy_policy_url": "https://union.example/privacy",
            },
            "secrets": {"signing_secret": SECRET},
        },
    )
    # The member, known by phone and Telegram, has written to the bot before.
    await post(
        "/api/members/",
        {
            "organization_id": str(org),
            "full_name": "Соколова Мария Ивановна",
            "status": "member",
            "contacts": [
                {"kind": "phone", "address": "+79123456789"},
                {"kind": "telegram", "address": "555042"},
            ],
        },
    )
    telegram.bot.message("Добрый день! Как подать на матпомощь?", user=telegram.user(555_042))
    assert (await telegram.bot.deliver_webhook(h.client)).statuses() == [200]
    await h.settle()

    journal = await post(
        "/api/docflow/journals",
        {"organization_id": str(org), "name": "Заявления", "number_format": "МП-{seq}"},
    )
    kind = await post(
        "/api/docflow/kinds",
        {
            "organization_id": str(org),
            "code": "aid",
            "name": "Заявление на материальную помощь",
            "category": "application",
            "journal_id": journal["id"],
        },
    )
    template = await h.client.post(
        "/api/docflow/templates",
        data={"organization_id": str(org), "name": "Заявление на матпомощь"},
        files={"file": ("t.docx", GOOD, "application/octet-stream")},
        headers=admin,
    )
    assert template.status_code == 201, template.text
    await post(
        "/api/docflow/processes",
        {
            "organization_id": str(org),
            "name": "Материальная помощь",
            "template_id": template.json()["id"],
            "kind_id": kind["id"],
            "audience": "member",
            "form": AID,
            "stages": [
                {"title": "Проверка специалистом", "assignees": [str(specialist)], "days": 2},
                {
                    "title": "Решение председателя",
                    "kind": "sign",
                    "assignees": [str(chair)],
                    "days": 3,
                },
            ],
        },
    )

    sent = await h.client.post(
        "/channels/webform/site-form/submissions",
        json={
            "submission_id": uuid.uuid4().hex,
            "render_token": tokens.issue(SECRET, form["id"], now=time.time() - 10),
            "name": "Соколова Мария",
            "phone": "8 912 345-67-89",
            "topic": "aid",
            "text": "Прошу оказать материальную помощь в связи с болезнью.",
            "consent": True,
        },
        headers={"Origin": ORIGIN},
    )
    assert sent.status_code == 201, sent.text
    await h.settle()

    spec = bearer(spec_token)
    awaiting = (await h.client.get("/api/docflow/documents/?view=awaiting", headers=spec)).json()
    [item] = awaiting["items"]
    assert item["number"] == "МП-1" and item["stage"] == "Проверка специалистом (1/2)"
    card = (await h.client.get(f"/api/docflow/documents/{item['id']}", headers=spec)).json()
    assert "в связи с болезнью" in card["summary"] and card["member_id"]
    assert [f["name"] for f in card["files"]] == ["Заявление на матпомощь МП-1.docx"]

    async def decide(headers: dict, step: str) -> dict:
        body = {"decision_id": str(uuid.uuid4()), "verdict": "approve"}
        return await post(f"/api/docflow/steps/{step}/decisions", body, headers, expect=200)

    route = await decide(spec, item["step_id"])
    chair_step = next(s["id"] for s in route["steps"] if s["status"] == "pending")
    route = await decide(bearer(chair_token), chair_step)
    assert route["status"] == "done"
    await h.settle()

    texts = [t for t in telegram.bot.sent_texts() if "МП-1" in t]
    assert texts == ["Ваше заявление № МП-1 рассмотрено и удовлетворено."]
    # The notice job run again (a retry after a crash) sends nothing twice.
    from unionline.plugins.docflow.processes import NoticePayload, notify_member

    await notify_member(None, NoticePayload(route_id=uuid.UUID(route["id"])))  # type: ignore[arg-type]
    await h.settle()
    assert [t for t in telegram.bot.sent_texts() if "МП-1" in t] == texts
