"""The web channel's ChannelContract adapters, and helpers for its other tests.

The "provider" of the web channel is the visitor's browser: a visitor's message comes in over
``POST /widget/{key}/messages`` (the same inbound path as a websocket frame) with the page's
``Origin`` and the visitor's token; what ``send()`` delivered is the visitor's conversation in
the database; receipts are the widget's ``receipt`` frames.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import httpx
import pytest

from unionline.channels.web import conversation, tokens
from unionline.errors import NotReady, PermanentFailure
from unionline.testing.channel_contract import (
    ChannelContract,
    ContractAccount,
    ContractEnv,
    SentRecord,
    WebhookCall,
)
from unionline.testing.support import TEST_SECRET

ORIGIN = "https://union.example"
WIDGET_KEY = "donor-day"
WIDGET_SECRET = "widget-secret-0123456789-abcdef"


def token_for(
    account_id: uuid.UUID,
    visitor: str,
    secret_key: str = TEST_SECRET,
    widget_secret: str = WIDGET_SECRET,
) -> str:
    return tokens.visitor_token(secret_key, widget_secret, account_id, visitor)


def frame_call(
    account: ContractAccount,
    visitor: str,
    frame: dict[str, Any],
    *,
    secret_key: str = TEST_SECRET,
    origin: str = ORIGIN,
) -> WebhookCall:
    headers = {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token_for(account.id, visitor, secret_key)}",
    }
    if origin:
        headers["Origin"] = origin
    return WebhookCall(
        path=f"/widget/{account.public_key}/messages",
        body=json.dumps(frame, ensure_ascii=False).encode(),
        headers=headers,
    )


class WebAdapters(ChannelContract):
    channel = "web"
    plugins: ClassVar[tuple[str, ...]] = ("web",)
    public_key = WIDGET_KEY

    @pytest.fixture(autouse=True)
    def _patching(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._owners: dict[str, str] = {}

    def account_config(self) -> dict[str, Any]:
        return {"allowed_origins": [ORIGIN, "http://127.0.0.1:9"]}

    def account_secrets(self) -> dict[str, Any]:
        return {"widget_secret": WIDGET_SECRET}

    def message_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str, name: str = ""
    ) -> WebhookCall:
        frame = {"type": "message", "id": f"m{update_id}", "text": text, "name": name}
        return frame_call(account, sender, frame)

    def bad_signature_update(
        self, account: ContractAccount, *, update_id: int, sender: str, text: str
    ) -> WebhookCall:
        frame = {"type": "message", "id": f"m{update_id}", "text": text}
        return frame_call(account, sender, frame, secret_key="another-installation-secret-key")

    def unsupported_update(self, account: ContractAccount, *, update_id: int) -> WebhookCall:
        return frame_call(account, "400001", {"type": "sticker", "id": f"m{update_id}"})

    def status_update(
        self,
        account: ContractAccount,
        *,
        update_id: int,
        external_id: str,
        status: Literal["delivered", "read"],
    ) -> WebhookCall | None:
        frame = {"type": "receipt", "message_id": external_id, "status": status}
        return frame_call(account, self._owners[external_id], frame)

    async def sent_messages(self, env: ContractEnv) -> list[SentRecord]:
        rows = await env.db.fetch(
            "SELECT id, visitor_key, text FROM web_message WHERE account_id = {}"
            " AND direction = 'out' ORDER BY created_at, seq",
            env.account.id,
        )
        found = []
        for row in rows:
            visitor = row["visitor_key"].split(":", 1)[1]
            self._owners[str(row["id"])] = visitor
            found.append(
                SentRecord(
                    recipient=tokens.address(visitor), text=row["text"], external_id=str(row["id"])
                )
            )
        return found

    async def fail_next_sends(
        self, env: ContractEnv, mode: Literal["transient", "permanent"], times: int = 1
    ) -> None:
        """The web channel's provider is its own conversation store: make writing the reply
        there fail (a busy database, or a refusal) for the next ``times`` sends."""
        original = conversation.append
        left = [times]

        async def failing(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("direction") == "out" and left[0] > 0:
                left[0] -= 1
                if mode == "transient":
                    raise NotReady("the conversation store is busy", retry_after=0.01)
                raise PermanentFailure("the visitor's conversation refused the message")
            return await original(*args, **kwargs)

        self._monkeypatch.setattr(conversation, "append", failing)


@dataclass
class WidgetSite:
    base: str
    client: httpx.AsyncClient
    admin: dict[str, str]
    organization_id: str
    account_id: uuid.UUID
    member_id: str

    async def api(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.admin, **kwargs)
        assert 200 <= response.status_code < 300, response.text
        return response.json() if response.content else None


def widget_config(**extra: Any) -> dict[str, Any]:
    return {"allowed_origins": [ORIGIN], "max_upload_bytes": 2048, **extra}
