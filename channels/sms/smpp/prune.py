"""The daily pruning of SMPP bookkeeping past ``[sms] smpp_keep_days`` (30 by default): the
send claims (``sms_smpp_send``) and the parts of those sends (``sms_smpp_part``) — a daily
``unionline.PeriodicJob``, one run a day however many processes schedule it.

Both are kept far longer than anything can still ask for them. A claim is read only by a run of
the same delivery job (a retry after ``NotReady``, or after its worker was killed): the SDK
gives a delivery up after ``[channels] max_send_attempts`` sends and its job after 200 runs,
hours at most, or a day or two while the account waits for new credentials. A part is read by
a delivery receipt, which an SMSC sends within the message's validity period (an SMSC's
default is 1–3 days; SMPP 3.4 lets it be longer, rarely more than a week). Past the
retention every claim is terminal — sent, «неизвестно» or cleared — and a receipt that still
came makes a part row no send claims (answered, kept like one that came before its
submit_sm_resp, changing nothing), itself deleted once past the retention.
"""

from __future__ import annotations

import logging
import time

from unionline import PeriodicJob, current
from unionline.channels.sms.settings import sms_settings

log = logging.getLogger("unionline.channels.sms.smpp")

DAY = 86400.0
BATCH = 5000  # rows per DELETE: short statements, no long lock on a busy table


async def _delete_before(table: str, cutoff: float) -> int:
    deleted = 0
    while True:
        rows = await current().db.fetch(
            f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE created_at < {{}}"
            " LIMIT {}) RETURNING id",
            cutoff,
            BATCH,
        )
        deleted += len(rows)
        if len(rows) < BATCH:
            return deleted


async def prune(now: float | None = None) -> tuple[int, int]:
    """Delete the claims and parts older than the retention: (claims, parts) deleted."""
    cutoff = (time.time() if now is None else now) - sms_settings().smpp_keep_days * DAY
    claims = await _delete_before("sms_smpp_send", cutoff)
    parts = await _delete_before("sms_smpp_part", cutoff)
    return claims, parts


async def _sweep() -> None:
    claims, parts = await prune()
    if claims or parts:
        log.info("SMPP: %d send claim(s) and %d part(s) past retention deleted", claims, parts)


SWEEP = PeriodicJob("sms.smpp_prune", _sweep)
