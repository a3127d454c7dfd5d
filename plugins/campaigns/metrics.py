"""Campaigns in the reports (``unionline.add_metric_source``, as a third party would add them):
per organization — the campaign's own, the one that sent it — and its local day, for nobody in
particular (a campaign is the office's, not an operator's work):

- «Сообщений рассылок отправлено» (``campaigns.sent``): messages that went out (sent, later
  delivered or bounced), on the day they were sent;
- «… доставлено» (``campaigns.delivered``): of those, confirmed by the provider's receipt;
- «… не доставлено (возврат)» (``campaigns.bounced``): reported undelivered after sending;
- «Ответов на рассылки» (``campaigns.replied``), «Отписались от рассылок»
  (``campaigns.unsubscribed``) and «Ответили цифрой на робот-звонок» (``campaigns.answered``,
  «Ждать ответа цифрой»): members who answered, unsubscribed or pressed a digit, on the day
  they did (each member once per campaign).

Sums come from SQL grouped by 15-minute buckets (no loop over recipients), which the local day
is read from — every time zone's offset is a whole number of quarter hours.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from unionline import MetricQuery, MetricRow, ReportMetric, current
from unionline.calendar import timezone_for
from unionline.plugins.campaigns.receipts import ANSWER

SENT, DELIVERED, BOUNCED = "campaigns.sent", "campaigns.delivered", "campaigns.bounced"
REPLIED, UNSUBSCRIBED = "campaigns.replied", "campaigns.unsubscribed"
ANSWERED = "campaigns.answered"
BUCKET = 900
_STATUS = {"sent": (SENT,), "delivered": (SENT, DELIVERED), "bounced": (SENT, BOUNCED)}
_EVENT = {"reply": REPLIED, "unsubscribe": UNSUBSCRIBED, ANSWER: ANSWERED}


class _Cell(msgspec.Struct):
    organization_id: uuid.UUID
    what: str
    bucket: int
    n: int


class CampaignMetrics:
    name = "campaigns"
    metrics: Sequence[ReportMetric] = (
        ReportMetric(key=SENT, title_ru="Сообщений рассылок отправлено",
                     title_en="Campaign messages sent", kind="count", order=40),
        ReportMetric(key=DELIVERED, title_ru="Сообщений рассылок доставлено",
                     title_en="Campaign messages delivered", kind="count", order=41),
        ReportMetric(key=BOUNCED, title_ru="Сообщений рассылок не доставлено (возврат)",
                     title_en="Campaign messages bounced", kind="count", order=42),
        ReportMetric(key=REPLIED, title_ru="Ответов на рассылки",
                     title_en="Replies to campaigns", kind="count", order=43),
        ReportMetric(key=UNSUBSCRIBED, title_ru="Отписались от рассылок",
                     title_en="Unsubscribed from campaigns", kind="count", order=44),
        ReportMetric(key=ANSWERED, title_ru="Ответили цифрой на робот-звонок",
                     title_en="Pressed a digit in a robot call", kind="count", order=45),
    )  # fmt: skip

    async def rows(self, query: MetricQuery) -> list[MetricRow]:
        # A day of any time zone lies within a day either side of the UTC dates.
        start = datetime.combine(query.since - timedelta(days=1), datetime.min.time(), UTC)
        end = datetime.combine(query.until + timedelta(days=1), datetime.min.time(), UTC)
        window = (start.timestamp(), end.timestamp())
        orgs = query.organization_ids
        if orgs is not None and not orgs:
            return []
        scope, args = "", []
        if orgs is not None:
            scope = f" AND c.organization_id IN ({', '.join('{}' for _ in orgs)})"
            args = list(orgs)
        db = current().db
        cells = await db.fetch_as(
            _Cell,
            f"SELECT c.organization_id, r.status AS what, CAST(r.sent_at AS BIGINT) / {BUCKET}"
            " AS bucket, COUNT(*) AS n FROM campaigns_recipient r JOIN campaigns_campaign c"
            " ON c.id = r.campaign_id WHERE r.status IN ('sent', 'delivered', 'bounced')"
            f" AND r.sent_at >= {{}} AND r.sent_at < {{}}{scope}"
            f" GROUP BY c.organization_id, r.status, CAST(r.sent_at AS BIGINT) / {BUCKET}",
            *window,
            *args,
        )
        # Each member once per campaign and kind: at their first such event.
        cells += await db.fetch_as(
            _Cell,
            f"SELECT organization_id, kind AS what, CAST(first_at AS BIGINT) / {BUCKET} AS bucket,"
            " COUNT(*) AS n FROM (SELECT c.organization_id, e.kind, MIN(e.at) AS first_at"
            " FROM campaigns_event e JOIN campaigns_campaign c ON c.id = e.campaign_id"
            f" WHERE e.kind IN ('reply', 'unsubscribe', '{ANSWER}'){scope}"
            " GROUP BY c.organization_id, e.kind, e.recipient_id) AS firsts"
            " WHERE first_at >= {} AND first_at < {}"
            f" GROUP BY organization_id, kind, CAST(first_at AS BIGINT) / {BUCKET}",
            *args,
            *window,
        )
        zones: dict[uuid.UUID, ZoneInfo] = {}
        sums: dict[tuple[str, uuid.UUID, date], int] = {}
        for cell in cells:
            if cell.organization_id not in zones:
                zones[cell.organization_id] = ZoneInfo(await timezone_for(cell.organization_id))
            day = datetime.fromtimestamp(cell.bucket * BUCKET, zones[cell.organization_id]).date()
            if not query.since <= day < query.until:
                continue
            for key in _STATUS.get(cell.what, ()) or (_EVENT[cell.what],):
                cell_key = (key, cell.organization_id, day)
                sums[cell_key] = sums.get(cell_key, 0) + cell.n
        return [
            MetricRow(key=key, organization_id=org, operator_id=None, day=day,
                      total=float(n), count=n)
            for (key, org, day), n in sums.items()
        ]  # fmt: skip
