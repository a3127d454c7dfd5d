"""What a campaign's message may hold on the account it goes out on — the channel SDK's own
answers, as for an operator's reply: the account's capabilities
(``ChannelType.account_capabilities``: an SMS account's part limit) for the editor's counter,
and the channel's refusal of the text as written (``send_refusal``) for a 422 naming
``variants.<channel>.text`` on save and on start, rather than every recipient failing."""

from __future__ import annotations

import uuid
from typing import Any

from unionline import Invalid
from unionline.channel import Button, ChannelAccount, OutboundMessage, channel_type, send_refusal
from unionline.plugins.campaigns.schemas import AccountLimits, Variant


def limits_of(account: ChannelAccount[Any, Any]) -> AccountLimits:
    """The account's limits as its channel states them (no SMS limit: ``sms_segments`` null)."""
    caps = channel_type(account.channel).account_capabilities(account)
    return AccountLimits(
        channel=account.channel,
        channel_account_id=account.id,
        max_text_length=caps.max_text_length,
        sms_segments=caps.sms_segments,
    )


def refuse_text(
    account: ChannelAccount[Any, Any],
    channel: str,
    variant: Variant | None,
    buttons: tuple[Button, ...],
    campaign_id: uuid.UUID,
) -> None:
    """A 422 naming ``variants.<channel>.text`` with the channel's sentence when the account
    would refuse the message as written — its ``{{ variables }}`` as they stand (a member's
    values change the length; the send refuses that one message then), its link buttons as
    the lines they become where the channel shows none (``buttons``: the variant's, for the
    SDK). An empty text is left to the start's own check (a draft may have none yet)."""
    if variant is None or not variant.text.strip():
        return
    message = OutboundMessage(
        id=uuid.uuid4(),
        entry_id=0,
        appeal_id=campaign_id,
        organization_id=account.organization_id,
        member_id=None,
        recipient="",
        text=variant.text,
        broadcast=True,
        subject=variant.subject,
        buttons=buttons,
    )
    refusal = send_refusal(account, message)
    if refusal:  # the console says the channel's sentence (extra.refusal) at the field
        extra = {"reason": "message_refused", "refusal": refusal}
        raise Invalid(refusal, field=f"variants.{channel}.text", extra=extra)
