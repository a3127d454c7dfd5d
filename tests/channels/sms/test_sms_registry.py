"""A third party's gateway joins the registry through the entry point group
``unionline.sms_gateways`` and becomes a channel type of its own, with what every SMS channel
gets (the part limit, stop words, the note beside the status). The adapter below imports only
the public face, as a third party's would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import msgspec
import pytest
from sms_support import SmsRuAccounts

from unionline import Settings
from unionline.channel import (
    ChannelAccount,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    SendResult,
)
from unionline.registry import FieldLabel
from unionline.testing import AppHarness, ContractAccount, ContractEnv


class AeroConfig(msgspec.Struct, kw_only=True):
    sender: str = ""


class AeroSecrets(msgspec.Struct, kw_only=True):
    api_key: str


class AeroGateway:
    """A stand-in third-party adapter: it 'sends' into a list."""

    name = "smsaero"
    title = "SMS Aero"
    settings = AeroConfig
    secrets = AeroSecrets
    labels: ClassVar[dict[str, FieldLabel]] = {"api_key": FieldLabel("API-ключ", "API key")}
    receives = False
    sent: ClassVar[list[str]] = []

    async def send(self, account: ChannelAccount[Any, Any], message: OutboundMessage) -> SendResult:
        self.sent.append(message.text)
        return SendResult(external_id=f"aero-{len(self.sent)}", note="1,95 ₽")

    async def verify(self, account: ChannelAccount[Any, Any], request: InboundRequest) -> None:
        return None

    async def decode(
        self, account: ChannelAccount[Any, Any], request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport]:
        return []


class EntryPoint:
    name, value = "smsaero", "third_party:AeroGateway"

    def load(self) -> type[AeroGateway]:
        return AeroGateway


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from unionline.channels.sms import gateways

    monkeypatch.setattr(gateways, "entry_points", lambda group: [EntryPoint()])
    yield
    gateways._REGISTERED.pop("smsaero", None)


@pytest.fixture
def unionline_settings(installed: None, unionline_settings: Settings, tmp_path: Path) -> Settings:
    return SmsRuAccounts().configure(unionline_settings, tmp_path)  # the sms plugin enabled


async def test_an_installed_gateway_is_a_channel_with_the_sms_rules(
    unionline_app: AppHarness,
) -> None:
    h = unionline_app
    types = {
        t["name"]: t for t in (await h.client.get("/api/channels", headers=h.admin_headers)).json()
    }
    assert types["smsaero"]["title"] == "SMS Aero"
    assert types["smsaero"]["contact_kind"] == "phone"
    key = next(f for f in types["smsaero"]["secret_fields"] if f["name"] == "api_key")
    assert key["label"]["ru"] == "API-ключ"
    org = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={"name": "Профсоюз", "code": "PPO", "kind": "federation"},
    )
    account = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": org.json()["id"],
            "channel": "smsaero",
            "name": "Aero",
            "config": {"sender": "PROFKOM"},
            "secrets": {"api_key": "k-123"},
        },
    )
    assert account.status_code == 201, account.text
    member = await h.client.post(
        "/api/members/",
        headers=h.admin_headers,
        json={
            "organization_id": org.json()["id"],
            "full_name": "Иван Петров",
            "contacts": [{"kind": "phone", "address": "+79995550001"}],
        },
    )
    appeal = await h.client.post(
        "/api/appeals/",
        headers=h.admin_headers,
        json={
            "organization_id": org.json()["id"],
            "member_id": member.json()["id"],
            "channel": "smsaero",
            "channel_account_id": account.json()["id"],
        },
    )
    env = ContractEnv(
        h,
        ContractAccount(
            id=uuid.UUID(account.json()["id"]),
            organization_id=uuid.UUID(org.json()["id"]),
            public_key="",
        ),
    )
    ok = await env.reply(uuid.UUID(appeal.json()["id"]), "Короткий ответ")
    assert await env.wait_for_delivery(ok) == "sent"
    row = await env.db.fetchone("SELECT data FROM appeal_timeline WHERE id = {}", ok)
    assert "1 SMS · 1,95 ₽" in str(row["data"])
    too_long = await env.reply(uuid.UUID(appeal.json()["id"]), "Ж" * 500)  # 8 UCS-2 parts
    assert await env.wait_for_delivery(too_long) == "failed"
    assert AeroGateway.sent == ["Короткий ответ"]
