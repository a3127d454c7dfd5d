"""Funnels on the robots: the action «Добавить в рассылку» (``campaigns.add_member``) puts the
trigger's member into a started campaign — one step of a funnel (a rule on ``member.created``
adds a new member to the welcome campaign; the same rule with «Подождать 3 дня» between two of
these actions makes a two-step sequence). The recipient row is unique per (campaign, member),
so a step reaches a member exactly once however often the rule fires or the job is retried
across restarts; the consent check at sending time applies as to every campaign."""

from __future__ import annotations

import uuid
from typing import ClassVar

import msgspec

from unionline import PermanentFailure, current, enqueue, subtree_ids
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext


class AddMemberParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    campaign_id: uuid.UUID


class AddMember(RobotAction[AddMemberParams]):
    name = "campaigns.add_member"
    params = AddMemberParams
    title: ClassVar[dict[str, str]] = {"ru": "Добавить в рассылку", "en": "Add to a campaign"}
    labels: ClassVar[dict[str, dict[str, str]]] = {
        "campaign_id": {"ru": "Рассылка (запущенная)", "en": "Campaign (started)"}
    }

    async def run(self, ctx: RobotContext, params: AddMemberParams) -> ActionOutcome:
        from unionline.plugins.campaigns.campaigns import load
        from unionline.plugins.campaigns.sending import SEND_JOB, SendPayload

        campaign = await load(params.campaign_id)
        allowed = await subtree_ids([ctx.organization_id])
        if campaign is None or campaign.organization_id not in allowed:
            # A deleted campaign, or another branch's: the step fails for good (the rules log
            # shows the execution failed), as every action does on an id it cannot use.
            raise PermanentFailure("рассылка не найдена в организации правила")
        if ctx.member_id is None:
            return ActionOutcome(summary="у события нет члена профсоюза", stop=True)
        if campaign.status not in ("sending", "finished"):
            return ActionOutcome(summary=f"рассылка «{campaign.name}» не запущена", stop=True)
        if ctx.dry_run:
            return ActionOutcome(summary=f"добавил бы в рассылку «{campaign.name}» (проверка)")
        db = current().db
        async with db.transaction():
            added = await db.fetch(
                "INSERT INTO campaigns_recipient (key, campaign_id, member_id, status, channel,"
                " address, lease_until, attempts, external_id, error) VALUES ({}, {}, {},"
                " 'queued', '', '', 0, 0, '', '') ON CONFLICT (key) DO NOTHING RETURNING id",
                f"{campaign.id}:{ctx.member_id}", campaign.id, ctx.member_id,
            )  # fmt: skip
            if added:
                await db.execute(
                    "UPDATE campaigns_campaign SET status = 'sending' WHERE id = {}"
                    " AND status = 'finished'",
                    campaign.id,
                )
                await enqueue(
                    SEND_JOB,
                    SendPayload(campaign.id),
                    key=f"{SEND_JOB}:{campaign.id}:member:{ctx.member_id}",
                )
        word = "добавлен в" if added else "уже в"
        return ActionOutcome(summary=f"{word} рассылку «{campaign.name}»")


ACTIONS = (AddMember(),)
