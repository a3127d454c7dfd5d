"""The mailbox form on «Каналы» has Russian words for every field and every choice."""

from __future__ import annotations

import msgspec

from unionline.channels.mail.channel import MailChannel
from unionline.channels.mail.labels import LABELS
from unionline.channels.mail.settings import MailboxConfig, MailboxSecrets


def test_every_field_and_choice_has_russian_words() -> None:
    names = {
        f.encode_name
        for kind in (MailboxConfig, MailboxSecrets)
        for f in msgspec.inspect.type_info(kind).fields
    }  # type: ignore[union-attr]
    assert names == set(LABELS)
    assert MailChannel.labels is LABELS
    for name in ("imap_security", "smtp_security", "imap_after_processing", "ack_language"):
        schema = LABELS[name].schema_of({"enum": ["x"]})
        assert all(words["ru"] for words in schema["x-choices"].values()), name
