"""A merged appeal's channel records follow its messages to the target.

The merge moves the source's messages (their timeline entries keep their ids); the inbound
records, deliveries and attachments naming those entries move with them, so a reply on the
target answers the member's last message there (``reply_recipient``: the same conversation,
threaded under it), a delivery receipt of a message still in flight updates the target, and a
file of a moved message can be sent again from the target.
"""

from __future__ import annotations

from unionline.runtime import current
from unionline.spi import AppealSummary

TABLES = ("channel_inbound", "channel_delivery", "channel_attachment")


async def follow_merge(source: AppealSummary, target: AppealSummary) -> None:
    db = current().db
    for table in TABLES:
        await db.execute(
            f"UPDATE {table} SET appeal_id = {{}} WHERE appeal_id = {{}}", target.id, source.id
        )
