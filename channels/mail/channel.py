"""The mail channel type: mailboxes as channel accounts; replies go out through ``outbound``."""

from __future__ import annotations

from typing import TypeAlias

from unionline.channel import (
    Capabilities,
    ChannelAccount,
    ChannelType,
    CheckResult,
    OutboundMessage,
    RateLimit,
    SendResult,
)
from unionline.channels.mail.labels import LABELS
from unionline.channels.mail.settings import MailboxConfig, MailboxSecrets

Account: TypeAlias = ChannelAccount[MailboxConfig, MailboxSecrets]
CONTACT_KIND = "email"


class MailChannel(ChannelType[MailboxConfig, MailboxSecrets]):
    name = "mail"
    title = "Электронная почта"
    contact_kind = CONTACT_KIND
    settings = MailboxConfig
    secrets = MailboxSecrets
    labels = LABELS
    # Read receipts: DSNs say "delivered", MDNs "displayed" (when the member's client sends them).
    capabilities = Capabilities(text=True, files=True, read_receipts=True)
    # Mail providers limit submissions per minute; a few a second keeps well within them.
    rate_limit = RateLimit(per_second=5, burst=20)

    async def check(self, account: Account) -> CheckResult:
        from unionline.channels.mail.setup import check

        return await check(account)

    async def send(self, account: Account, message: OutboundMessage) -> SendResult:
        from unionline.channels.mail.outbound import send

        return await send(account, message)
