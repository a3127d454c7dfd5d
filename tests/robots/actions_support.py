"""Helpers of the robot action tests: an app with the reference channel, a member who wrote in
through it, contexts for running an action the way the engine does."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import msgspec
import pytest
from channel_support import ReferenceAdapters, message, signed_call

from unionline.channel import reference
from unionline.robots.actions.settings import NotificationSettings, WebhookSettings
from unionline.robots.sdk import ActionOutcome, RobotContext
from unionline.testing.channel_contract import ContractEnv


class Adapters(ReferenceAdapters):
    settings_sections: ClassVar[dict[str, type[msgspec.Struct]]] = {
        "notifications": NotificationSettings,
        "webhooks": WebhookSettings,
    }


def fixtures(**sections: Any) -> tuple[Any, Any]:
    """``unionline_settings`` and ``env`` fixtures; ``sections`` are extra settings sections."""

    class Configured(Adapters):
        extra_settings: ClassVar[dict[str, Any]] = {
            "channels": {"reauth_retry": 0.05},
            **sections,
        }

    adapters = Configured()

    @pytest.fixture
    def unionline_settings(unionline_settings: Any, tmp_path: Any) -> Any:
        return adapters.configure(unionline_settings, tmp_path)

    @pytest.fixture
    async def env(unionline_app: Any) -> ContractEnv:
        return await adapters.create_env(unionline_app)

    return unionline_settings, env


async def member_writes(
    env: ContractEnv, text: str, *, sender: str = "42", name: str = "Анна Сергеевна Иванова"
) -> dict[str, Any]:
    """The member writes through the reference channel; returns the stored inbound row."""
    update = f"u-{uuid.uuid4().hex[:10]}"
    r = await env.post(signed_call(env.account, message(update, sender, text, name)))
    assert r.status_code == 200, r.text
    rows = await env.db.fetch(
        "SELECT appeal_id, member_id, entry_id FROM channel_inbound WHERE account_id = {}"
        " AND external_id = {}",
        env.account.id,
        update,
    )
    return rows[0]


def sent_texts(env: ContractEnv) -> list[str]:
    return [s.text for s in reference.provider(env.account.id).sent]


def context(
    env: ContractEnv,
    appeal_id: Any,
    *,
    step: int = 0,
    execution_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
    **extra: Any,
) -> RobotContext:
    return RobotContext(
        rule_id=uuid.UUID(int=7),
        organization_id=organization_id or env.account.organization_id,
        execution_id=execution_id or uuid.uuid4(),
        step=step,
        appeal_id=uuid.UUID(str(appeal_id)) if appeal_id else None,
        **extra,
    )


async def run(action_name: str, ctx: RobotContext, params: dict[str, Any]) -> ActionOutcome:
    """Validate ``params`` as the engine does on save, then run the action."""
    from unionline.robots.actions import CORE_ACTIONS

    action = next(a for a in CORE_ACTIONS if a.name == action_name)
    return await action.run(ctx, msgspec.convert(params, action.params))


async def timeline(env: ContractEnv, appeal_id: Any, kind: str) -> list[dict[str, Any]]:
    return await env.db.fetch(
        "SELECT id, body, data, author_id FROM appeal_timeline WHERE appeal_id = {}"
        " AND kind = {} ORDER BY id",
        uuid.UUID(str(appeal_id)),
        kind,
    )
