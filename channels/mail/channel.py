"""The mail channel type: mailboxes as channel accounts; sending goes through ``outbound``."""

from __future__ import annotations

from typing import TypeAlias

from unionline.channel.types import Capabilities, ChannelAccount, ChannelType, RateLimit
from unionline.channels.mail.settings import MailboxConfig, MailboxSecrets

Account: TypeAlias = ChannelAccount[MailboxConfig, MailboxSecrets]
CONTACT_KIND = "email"


class MailChannel(ChannelType[MailboxConfig, MailboxSecrets]):
    name = "mail"
    title = "E-mail"
    contact_kind = CONTACT_KIND
    settings = MailboxConfig
    secrets = MailboxSecrets
    capabilities = Capabilities(text=True, files=True, read_receipts=True)
    rate_limit = RateLimit(per_second=5, burst=20)
