"""``ChannelContract``: the conformance suite every channel passes, first-party or not.

Subclass it in a test module (the class name must start with ``Test``), set ``channel`` and
``plugins``, and implement the adapters: how to build a signed update, a badly signed one and an
unsupported one, how to read what the provider stand-in received, how to make it fail. The
inherited tests then check what members and operators rely on::

    class TestReferenceChannel(ChannelContract):
        channel = "reference"

        def account_secrets(self) -> dict[str, Any]:
            return {"signing_secret": SECRET}
        ...

Every test runs on a fresh database (SQLite, or PostgreSQL with
``UNIONLINE_TEST_DATABASE_URL``); attachments go to the test's temporary directory.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path
from typing import Any, ClassVar, Literal

import msgspec
import pytest

from unionline.settings import Settings, settings_type
from unionline.testing.support import AppHarness

FINAL = ("sent", "delivered", "read", "failed", "unknown")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL, and what a decoder could not read


def _strings(value: Any) -> list[str]:
    """Every string in ``value`` (dict keys too), however deep."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


class WebhookCall(msgspec.Struct, kw_only=True):
    """An HTTP call of the provider to our inbound route."""

    path: str
    body: bytes
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    method: str = "POST"


class SentRecord(msgspec.Struct, kw_only=True):
    """What the provider stand-in received from ``send()``."""

    recipient: str
    text: str
    external_id: str | None = None


class ContractAccount(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    organization_id: uuid.UUID
    public_key: str


class ContractEnv:
    """One test's app, organization and channel account, with helpers the tests share."""

    def __init__(self, harness: AppHarness, account: ContractAccount) -> None:
        self.harness = harness
        self.account = account

    @property
    def db(self) -> Any:
        return self.harness.runtime.db

    async def post(self, call: WebhookCall) -> Any:
        return await self.harness.client.request(
            call.method, call.path, content=call.body, headers=call.headers
        )

    async def stored(self) -> list[dict[str, Any]]:
        """Inbound messages stored for the account (the dedup log), oldest first."""
        return await self.db.fetch(
            "SELECT external_id, member_id, appeal_id, entry_id FROM channel_inbound"
            " WHERE account_id = {} ORDER BY received_at",
            self.account.id,
        )

    async def messages_in(self) -> list[dict[str, Any]]:
        """``message_in`` timeline entries of the account (what operators see)."""
        return await self.db.fetch(
            "SELECT id, appeal_id, member_id, body FROM appeal_timeline"
            " WHERE channel_account_id = {} AND kind = 'message_in' ORDER BY id",
            self.account.id,
        )

    async def entries_in(self) -> list[Any]:
        """The ``message_in`` entries of the account, whole (``TimelineEntryView``, with the
        ``data`` the channel SDK stored), oldest first."""
        from unionline.appeals.schemas import TimelineEntryView

        return await self.db.fetch_as(
            TimelineEntryView,
            "SELECT * FROM appeal_timeline WHERE channel_account_id = {} AND kind = 'message_in'"
            " ORDER BY id",
            self.account.id,
        )

    async def events_of(self, kind: str) -> list[Any]:
        """The events of type ``kind`` published so far (jobs settled first)."""
        await self.harness.settle()
        events = self.harness.runtime.events
        stored = await events.read_after(0, limit=100_000)
        found = [events.decode(e) for e in stored if e.type == kind]
        return [e for e in found if e is not None]

    async def reply(self, appeal_id: uuid.UUID, text: str) -> int:
        from unionline.appeals.services import add_reply

        entry = await add_reply(None, appeal_id, text)
        return entry.id

    async def delivery_status(self, entry_id: int) -> str | None:
        row = await self.db.fetchone(
            "SELECT delivery_status FROM appeal_timeline WHERE id = {}", entry_id
        )
        return row["delivery_status"] if row else None

    async def wait_for_delivery(
        self, entry_id: int, statuses: tuple[str, ...] = FINAL, timeout: float = 20.0
    ) -> str | None:
        """Run jobs until the entry's delivery status is one of ``statuses`` (or time runs out:
        the caller's assertion then shows the status reached)."""
        deadline = time.monotonic() + timeout
        status = await self.delivery_status(entry_id)
        while status not in statuses and time.monotonic() < deadline:
            await self.harness.settle()
            await asyncio.sleep(0.02)
            status = await self.delivery_status(entry_id)
        return status

    async def delivery_events(self, entry_id: int) -> list[Any]:
        found = await self.events_of("appeal.delivery_updated")
        return [e for e in found if e.entry_id == entry_id]


class ChannelContract:
    """Base class of a channel's conformance tests; see the module docstring."""

    channel: ClassVar[str]
    plugins: ClassVar[tuple[str, ...]] = ()  # plugins to enable (the channel's own)
    public_key: ClassVar[str] = ""  # the account's public key ("" for none)
    settings_sections: ClassVar[dict[str, type[msgspec.Struct]]] = {}  # plugin config types
    # Settings on top, a section merged key by key: {"telegram": {"api_url": ...}}
    extra_settings: ClassVar[dict[str, Any]] = {}
    rejected_statuses: ClassVar[tuple[int, ...]] = (401, 403)

    # -- adapters a channel implements ---------------------------------------------------

    def account_config(self) -> dict[str, Any]:
        """The account's ``config`` (the channel's settings Struct, as JSON)."""
        return {}

    def account_secrets(self) -> dict[str, Any]:
        """The account's ``secrets``."""
        return {}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        """A correctly signed provider update carrying one text message from ``sender`` (a
        numeric id as a string) with the provider's id ``update_id``."""
        raise NotImplementedError

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        """The same update with a wrong signature or secret."""
        raise NotImplementedError

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        """A correctly signed update of a kind the channel does not handle."""
        raise NotImplementedError

    def status_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        external_id: str,
        status: Literal["delivered", "read"],
    ) -> WebhookCall | None:
        """A provider receipt for a message we sent; None when the provider has none (a
        provider with delivery receipts but no read receipts returns None for ``"read"``)."""
        return None

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        """What the provider stand-in received, in order."""
        raise NotImplementedError

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        """Make the stand-in answer the next ``times`` sends with a transient error (rate
        limit, 5xx) or a permanent one (message refused)."""
        raise NotImplementedError

    def expected_text(self, text: str) -> str:
        """How ``text`` arrives at the provider (a channel may add a prefix, escape, ...)."""
        return text

    async def typing_notices(self, env: ContractEnv) -> list[str] | None:
        """The conversations (``OutboundMessage.recipient``) the stand-in was shown "typing…"
        in, in order. A channel whose ``typing`` hook the SDK calls must implement it; None
        (the default) means it was not."""
        return None

    # Content beyond text: a channel whose provider cannot carry one returns None and the case
    # is skipped (as typing is for a channel without typing notices).

    def forward_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        text: str,
        origin_name: str,
        origin_id: str,
    ) -> WebhookCall | None:
        """``sender`` forwards a message that someone else wrote: ``origin_name``, the
        provider's user ``origin_id``, with the text ``text``."""
        return None

    def location_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        sender: str,
        latitude: float,
        longitude: float,
    ) -> WebhookCall | None:
        """``sender`` shares a point on the map."""
        return None

    def edit_update(
        self, account: ContractAccount, *, update_id: int, sender: str, original: int, text: str
    ) -> WebhookCall | None:
        """``sender`` edits the message that ``message_update(update_id=original)`` carried;
        its new text is ``text``."""
        return None

    def undecodable_update(
        self, account: ContractAccount, *, update_id: int, sender: str
    ) -> WebhookCall | None:
        """A message from ``sender`` whose headers (the sender's name, a subject) hold bytes
        that are not valid in the charset they declare, or declare none — as site forms and old
        scripts send. None when the provider's format cannot carry raw bytes (JSON APIs)."""
        return None

    async def setup_channel(self, env: ContractEnv) -> None:
        """Start stand-ins or pollers the channel needs (called once the account exists)."""

    # -- fixtures ------------------------------------------------------------------------

    @pytest.fixture
    def unionline_settings(self, unionline_settings: Settings, tmp_path: Path) -> Settings:
        return self.configure(unionline_settings, tmp_path)

    @pytest.fixture
    async def contract(self, unionline_app: AppHarness) -> ContractEnv:
        return await self.create_env(unionline_app)

    def configure(self, settings: Settings, tmp_path: Path) -> Settings:
        """The test app's settings: the channel's plugins enabled, attachments under
        ``tmp_path``, ``extra_settings`` applied."""
        from unionline.channel.config import ChannelsSettings

        data = msgspec.to_builtins(settings)
        data["plugins"] = [*data.get("plugins", []), *self.plugins]
        data["channels"] = {"attachments_dir": str(tmp_path / "attachments")}
        for key, value in self.extra_settings.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                value = {**data[key], **value}  # a section is merged, not replaced
            data[key] = value
        kind = settings_type({"channels": ChannelsSettings, **self.settings_sections})
        return msgspec.convert(data, kind)

    async def create_env(self, h: AppHarness) -> ContractEnv:
        """An organization and a channel account made through the admin API."""
        org = await h.client.post(
            "/api/organizations/",
            headers=h.admin_headers,
            json={"name": "Профсоюзная организация", "code": "PPO", "kind": "federation"},
        )
        assert org.status_code == 201, org.text
        created = await h.client.post(
            "/api/channel-accounts/",
            headers=h.admin_headers,
            json={
                "organization_id": org.json()["id"],
                "channel": self.channel,
                "name": f"{self.channel} contract",
                "public_key": self.public_key,
                "config": self.account_config(),
                "secrets": self.account_secrets(),
            },
        )
        assert created.status_code == 201, created.text
        body = created.json()
        env = ContractEnv(
            h,
            ContractAccount(
                id=uuid.UUID(body["id"]),
                organization_id=uuid.UUID(body["organization_id"]),
                public_key=body["public_key"],
            ),
        )
        await self.setup_channel(env)
        return env

    async def inbound(
        self,
        env: ContractEnv,
        update_id: int,
        sender: str = "100001",
        text: str = "Здравствуйте! Вопрос об отпуске.",
    ) -> dict[str, Any]:
        """Post a fresh message update; returns its ``channel_inbound`` row."""
        call = self.message_update(
            env.account, update_id=update_id, sender=sender, text=text, name="Анна Петрова"
        )
        response = await env.post(call)
        assert 200 <= response.status_code < 300, response.text
        return (await env.stored())[-1]  # update ids are fresh: the newest row is this one

    # -- inbound ---------------------------------------------------------------------------

    async def test_redelivery_is_stored_once(self, contract: ContractEnv) -> None:
        call = self.message_update(
            contract.account, update_id=1001, sender="100001", text="Первое сообщение"
        )
        for _ in range(3):
            response = await contract.post(call)
            assert 200 <= response.status_code < 300, response.text
        assert len(await contract.stored()) == 1
        assert [m["body"] for m in await contract.messages_in()] == ["Первое сообщение"]

    async def test_concurrent_redelivery_is_stored_once(self, contract: ContractEnv) -> None:
        calls = [
            self.message_update(
                contract.account, update_id=2000 + n, sender=f"2000{n}", text=f"сообщение {n}"
            )
            for n in range(5)
        ]
        responses = await asyncio.gather(*(contract.post(c) for c in calls * 4))
        assert all(200 <= r.status_code < 300 for r in responses), [r.text for r in responses]
        assert len(await contract.stored()) == 5
        bodies = sorted(m["body"] for m in await contract.messages_in())
        assert bodies == [f"сообщение {n}" for n in range(5)]

    async def test_identity_resolution(self, contract: ContractEnv) -> None:
        first = await self.inbound(contract, 3001, sender="300001")
        again = await self.inbound(contract, 3002, sender="300001")
        other = await self.inbound(contract, 3003, sender="300002")
        assert first["member_id"] is not None
        assert first["member_id"] == again["member_id"]
        assert other["member_id"] != first["member_id"]
        assert first["appeal_id"] == again["appeal_id"]  # the member's open appeal continues

    async def test_nul_in_member_text_is_dropped_not_refused(self, contract: ContractEnv) -> None:
        # PostgreSQL text cannot hold NUL; a member's message is kept without it, never lost.
        call = self.message_update(
            contract.account, update_id=3501, sender="350001", text="Вопрос\x00 об отпуске"
        )
        response = await contract.post(call)
        assert 200 <= response.status_code < 300, response.text
        assert [m["body"] for m in await contract.messages_in()] == ["Вопрос об отпуске"]

    async def test_unsupported_update_is_answered_200_and_not_stored(
        self, contract: ContractEnv
    ) -> None:
        response = await contract.post(self.unsupported_update(contract.account, update_id=4001))
        assert response.status_code == 200, response.text
        assert await contract.stored() == []
        assert await contract.messages_in() == []

    async def test_bad_signature_is_refused_and_not_stored(self, contract: ContractEnv) -> None:
        call = self.bad_signature_update(
            contract.account, update_id=5001, sender="500001", text="подделка"
        )
        response = await contract.post(call)
        assert response.status_code in self.rejected_statuses, response.text
        assert await contract.stored() == []
        assert await contract.messages_in() == []
        await self.inbound(contract, 5001, sender="500001")  # the real one still gets in

    # -- content beyond text ---------------------------------------------------------------

    async def test_forward_shows_its_origin_and_never_makes_it_a_contact(
        self, contract: ContractEnv
    ) -> None:
        text, name, origin_id = "Собрание профкома в пятницу", "Иван Петров", "110099"
        call = self.forward_update(
            contract.account,
            update_id=11001,
            sender="110001",
            text=text,
            origin_name=name,
            origin_id=origin_id,
        )
        if call is None:
            pytest.skip(f"channel {self.channel!r} carries no forwarded messages")
        response = await contract.post(call)
        assert 200 <= response.status_code < 300, response.text
        [entry] = await contract.entries_in()
        forwarded = entry.data.get("forwarded") or []
        origins = [entry.data.get("forward_origin") or {}, *(q["origin"] for q in forwarded)]
        assert name in [o.get("name") for o in origins], entry.data
        assert text in [entry.body, *(q["text"] for q in forwarded)], entry
        # Whoever wrote the forwarded message is shown, never made a member or a contact point.
        assert len(await contract.db.fetch("SELECT id FROM member_member")) == 1
        contacts = await contract.db.fetch("SELECT address FROM member_contact_point")
        assert not [c for c in contacts if origin_id in c["address"]], contacts

    async def test_location_is_kept_as_a_point(self, contract: ContractEnv) -> None:
        call = self.location_update(
            contract.account,
            update_id=12001,
            sender="120001",
            latitude=55.755826,
            longitude=37.6173,
        )
        if call is None:
            pytest.skip(f"channel {self.channel!r} carries no locations")
        response = await contract.post(call)
        assert 200 <= response.status_code < 300, response.text
        [entry] = await contract.entries_in()
        point = entry.data.get("location")
        assert point, entry.data
        assert abs(point["latitude"] - 55.755826) < 1e-6
        assert abs(point["longitude"] - 37.6173) < 1e-6

    async def test_edit_is_a_revision_of_its_message(self, contract: ContractEnv) -> None:
        account = contract.account
        edit = self.edit_update(
            account, update_id=13002, sender="130001", original=13001, text="Сколько дней положено?"
        )
        if edit is None:
            pytest.skip(f"channel {self.channel!r} reports no edits")
        first = self.message_update(account, update_id=13001, sender="130001", text="Сколько дней?")
        for call in (first, edit, edit):  # the edit redelivered: still one revision
            response = await contract.post(call)
            assert 200 <= response.status_code < 300, response.text
        [entry] = await contract.entries_in()
        assert entry.body == "Сколько дней положено?"
        assert entry.data.get("edited") is True
        assert [r["text"] for r in entry.data.get("revisions", [])] == ["Сколько дней?"]
        assert len(await contract.events_of("appeal.message_in")) == 1
        updated = await contract.events_of("appeal.message_updated")
        assert [(e.change, e.entry.id) for e in updated] == [("revised", entry.id)]

    async def test_undecodable_header_bytes_never_lose_the_message(
        self, contract: ContractEnv
    ) -> None:
        call = self.undecodable_update(contract.account, update_id=14001, sender="140001")
        if call is None:
            pytest.skip(f"channel {self.channel!r} carries no raw header bytes")
        response = await contract.post(call)
        assert 200 <= response.status_code < 300, response.text
        [entry] = await contract.entries_in()
        assert entry.appeal_id is not None
        members = await contract.db.fetch("SELECT full_name FROM member_member")
        unstorable = [
            s for s in _strings([entry.body, entry.data, members]) if _UNSTORABLE.search(s)
        ]
        assert not unstorable, unstorable
        warnings = entry.data.get("warnings")
        assert warnings and all(isinstance(w, str) and w for w in warnings), entry.data

    # -- outbound --------------------------------------------------------------------------

    async def test_reply_reaches_the_provider(self, contract: ContractEnv) -> None:
        inbound = await self.inbound(contract, 6001, sender="600001")
        entry_id = await contract.reply(inbound["appeal_id"], "Ответ профкома: да, можно.")
        assert await contract.wait_for_delivery(entry_id) in ("sent", "delivered", "read")
        sent = await self.sent_messages(contract)
        assert [s.text for s in sent] == [self.expected_text("Ответ профкома: да, можно.")]
        statuses = [e.delivery_status for e in await contract.delivery_events(entry_id)]
        assert statuses and statuses[0] in ("sent", "delivered", "read")

    async def test_transient_failure_is_retried(self, contract: ContractEnv) -> None:
        inbound = await self.inbound(contract, 7001, sender="700001")
        await self.fail_next_sends(contract, "transient", times=2)
        entry_id = await contract.reply(inbound["appeal_id"], "Повторная попытка")
        assert await contract.wait_for_delivery(entry_id) == "sent"
        assert [s.text for s in await self.sent_messages(contract)] == [
            self.expected_text("Повторная попытка")
        ]

    async def test_permanent_failure_is_visible(self, contract: ContractEnv) -> None:
        inbound = await self.inbound(contract, 8001, sender="800001")
        await self.fail_next_sends(contract, "permanent")
        entry_id = await contract.reply(inbound["appeal_id"], "Не дойдёт")
        assert await contract.wait_for_delivery(entry_id) == "failed"
        events = await contract.delivery_events(entry_id)
        assert [e.delivery_status for e in events] == ["failed"]
        assert events[0].error
        assert await self.sent_messages(contract) == []

    async def test_operator_typing_reaches_the_members_conversation(
        self, contract: ContractEnv
    ) -> None:
        from unionline.channel.registered import get_channel
        from unionline.channel.typing_notice import drain, show_typing, shows_typing

        if not shows_typing(get_channel(self.channel)):
            pytest.skip(f"channel {self.channel!r} shows no typing through the SDK hook")
        inbound = await self.inbound(contract, 9501, sender="950001")
        assert show_typing(inbound["appeal_id"]) is True
        assert show_typing(inbound["appeal_id"]) is False  # throttled: one per window
        await drain()
        shown = await self.typing_notices(contract)
        assert shown is not None, "the channel shows typing: implement typing_notices()"
        entry_id = await contract.reply(inbound["appeal_id"], "Сейчас отвечу")
        assert await contract.wait_for_delivery(entry_id) == "sent"
        # Typing shows where the reply goes, once.
        assert shown == [(await self.sent_messages(contract))[-1].recipient]

    async def test_delivery_status_updates(self, contract: ContractEnv) -> None:
        inbound = await self.inbound(contract, 9001, sender="900001")
        entry_id = await contract.reply(inbound["appeal_id"], "Прочитайте, пожалуйста")
        assert await contract.wait_for_delivery(entry_id) == "sent"
        external_id = (await self.sent_messages(contract))[-1].external_id
        assert external_id
        account = contract.account
        if self.status_update(account, update_id=9199, external_id=external_id, status="read"):
            receipts: list[tuple[Literal["delivered", "read"], str]] = [
                ("delivered", "delivered"),
                ("read", "read"),
                ("delivered", "read"),
            ]
        else:  # delivery receipts only (SMS): a repeated receipt changes nothing
            receipts = [("delivered", "delivered"), ("delivered", "delivered")]
        for n, (report, expected) in enumerate(receipts):
            call = self.status_update(
                account, update_id=9100 + n, external_id=external_id, status=report
            )
            if call is None:
                pytest.skip(f"channel {self.channel!r} reports no delivery receipts")
            response = await contract.post(call)
            assert 200 <= response.status_code < 300, response.text
            assert await contract.delivery_status(entry_id) == expected
        events = await contract.delivery_events(entry_id)
        reached = list(dict.fromkeys(["sent", *(expected for _, expected in receipts)]))
        assert [e.delivery_status for e in events] == reached
