"""HTTP of campaigns: the staff API under ``/api/campaigns`` (every rule in the services) and
the members' public links under ``/campaigns`` (unsubscribe, clicks) — no session, no CSRF
token: a one-click POST comes from a mail provider with no cookie at all (RFC 8058)."""

from __future__ import annotations

import html
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Stream

from unionline import Invalid, NotFound, current
from unionline.channel import channel_type
from unionline.plugins.campaigns import (
    campaigns,
    consent,
    limits,
    links,
    rights,
    schedule,
    segments,
    stats,
    testsend,
)
from unionline.plugins.campaigns.schedule import ScheduleBody
from unionline.plugins.campaigns.schemas import (
    AccountLimits,
    AnswersView,
    CampaignBody,
    CampaignView,
    ConsentChange,
    ConsentProof,
    ConsentTextBody,
    ConsentTextView,
    ConsentView,
    Counts,
    CountView,
    PreviewRequest,
    PreviewView,
    ReplyView,
    SegmentCount,
    SegmentCreate,
    SegmentExport,
    SegmentView,
    TestSend,
    TestSent,
)
from unionline.plugins.campaigns.unsubscribe import event, recipient, unsubscribe
from unionline.plugins.campaigns.vocabulary import ConsentChannel
from unionline.web import CurrentActor

CampaignId = FromPath[uuid.UUID]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"  # Litestar adds "; charset=utf-8" to a text/ type (a second one if named)


@dataclass
class ExportOperation(Operation):
    """The segment export's answer as the schema states it: a stream, which Litestar documents
    as JSON of anything, is CSV text or, with ``"format": "xlsx"``, an XLSX file."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse):
            answer.description = "The members: CSV, or XLSX with format xlsx"
            answer.content = {
                CSV: OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING)),
                XLSX: OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
                ),
            }


class CampaignsController(Controller):
    path = "/api/campaigns"
    tags = ("campaigns",)

    @get("/")
    async def list_campaigns(self, actor: CurrentActor) -> list[CampaignView]:
        """Campaigns of the actor's subtree, newest first, with their counts."""
        return await campaigns.listing(actor)

    @get("/totals")
    async def campaign_totals(
        self, actor: CurrentActor, organization_id: FromQuery[uuid.UUID | None] = None
    ) -> Counts:
        """Every campaign's counts summed over the actor's organizations (or one subtree)."""
        return await campaigns.totals(actor, organization_id)

    @post("/")
    async def create_campaign(
        self, actor: CurrentActor, data: JSONBody[CampaignBody]
    ) -> CampaignView:
        """A draft campaign."""
        return await _refused_if_needed(lambda: campaigns.create(actor, data))

    @get("/{campaign_id:uuid}")
    async def get_campaign(self, actor: CurrentActor, campaign_id: CampaignId) -> CampaignView:
        """A campaign with its counts (the progress bar polls it)."""
        return await campaigns.view(actor, campaign_id)

    @get("/{campaign_id:uuid}/replies")
    async def campaign_replies(
        self, actor: CurrentActor, campaign_id: CampaignId
    ) -> list[ReplyView]:
        """Members' replies to the campaign, each the appeal it became (newest first)."""
        return await stats.replies(actor, campaign_id)

    @get("/{campaign_id:uuid}/answers")
    async def campaign_answers(self, actor: CurrentActor, campaign_id: CampaignId) -> AnswersView:
        """The digits members pressed in the campaign's robot calls: members per digit, and
        who pressed what (newest first)."""
        return await stats.answers(actor, campaign_id)

    @put("/{campaign_id:uuid}")
    async def edit_campaign(
        self, actor: CurrentActor, campaign_id: CampaignId, data: JSONBody[CampaignBody]
    ) -> CampaignView:
        """Change a draft."""
        return await _refused_if_needed(lambda: campaigns.update(actor, campaign_id, data))

    @post("/{campaign_id:uuid}/start", status_code=200)
    async def start_campaign(self, actor: CurrentActor, campaign_id: CampaignId) -> CampaignView:
        """Fill the recipients from the segment (with a valid consent) and start sending."""
        return await campaigns.start(actor, campaign_id)

    @post("/{campaign_id:uuid}/schedule", status_code=200)
    async def schedule_campaign(
        self, actor: CurrentActor, campaign_id: CampaignId, data: JSONBody[ScheduleBody]
    ) -> CampaignView:
        """Start it at a local date and time of its organization (late by more than
        ``late_after_minutes`` after an outage: it waits for a confirmation instead)."""
        return await schedule.schedule(actor, campaign_id, data)

    @post("/{campaign_id:uuid}/pause", status_code=200)
    async def pause_campaign(self, actor: CurrentActor, campaign_id: CampaignId) -> CampaignView:
        """Stop claiming; what is in flight ends."""
        return await campaigns.pause(actor, campaign_id)

    @post("/{campaign_id:uuid}/resume", status_code=200)
    async def resume_campaign(self, actor: CurrentActor, campaign_id: CampaignId) -> CampaignView:
        """Go on where it stopped."""
        return await campaigns.resume(actor, campaign_id)

    @post("/{campaign_id:uuid}/cancel", status_code=200)
    async def cancel_campaign(self, actor: CurrentActor, campaign_id: CampaignId) -> CampaignView:
        """Nothing queued goes out any more."""
        return await campaigns.cancel(actor, campaign_id)

    @post("/{campaign_id:uuid}/preview/{channel:str}", status_code=200)
    async def preview_campaign(
        self,
        actor: CurrentActor,
        campaign_id: CampaignId,
        channel: FromPath[ConsentChannel],
        data: JSONBody[PreviewRequest],
    ) -> PreviewView:
        """The channel's message filled for a member (default: the segment's first)."""
        return await campaigns.preview(actor, campaign_id, channel, data.member_id)

    @post("/{campaign_id:uuid}/test", status_code=200)
    async def test_campaign(
        self, actor: CurrentActor, campaign_id: CampaignId, data: JSONBody[TestSend]
    ) -> TestSent:
        """Send the channel's message once to the operator's own address (no member, no
        statistics); the answer carries the channel's note (an SMS's parts and cost)."""
        await refuse_accounts(await campaigns.view(actor, campaign_id), data.channel)
        return await testsend.send_test(actor, campaign_id, data)

    @get("/limits")
    async def account_limits(
        self,
        actor: CurrentActor,
        organization_id: FromQuery[uuid.UUID],
        account_id: FromQuery[uuid.UUID],
    ) -> AccountLimits:
        """What a campaign's message of the organization may hold on the account (the
        editor's SMS counter: the account's part limit); an account the organization may
        not send through is a 422 naming ``account_id``."""
        await rights.require_in_scope(actor, rights.MANAGE, organization_id)
        account = await campaigns.campaign_account(organization_id, account_id, "account_id")
        return limits.limits_of(account)

    # -- segments --------------------------------------------------------------------------

    @post("/segments/count", status_code=200)
    async def count_segment(self, actor: CurrentActor, data: JSONBody[SegmentCount]) -> CountView:
        """How many members a filter holds now, and the first ten of them."""
        return await segments.count(actor, data.filter, data.organization_id, purpose=data.purpose)

    @post("/segments/export", status_code=200, operation_class=ExportOperation)
    async def export_segment(self, actor: CurrentActor, data: JSONBody[SegmentExport]) -> Stream:
        """The filter's members as CSV, or as XLSX with ``"format": "xlsx"``."""
        xlsx = data.format == "xlsx"
        export = segments.export_xlsx if xlsx else segments.export_csv
        rows = export(actor, data.filter, data.organization_id)
        first = await rows.__anext__()  # scope errors answer 4xx before the stream starts

        async def body() -> Any:
            yield first
            async for chunk in rows:
                yield chunk

        return Stream(
            body(),
            media_type=XLSX if xlsx else CSV,
            headers={"Content-Disposition": f'attachment; filename="segment.{data.format}"'},
        )

    @get("/segments")
    async def list_segments(self, actor: CurrentActor) -> list[SegmentView]:
        """Saved segments of the actor's subtree."""
        return await segments.saved(actor)

    @post("/segments")
    async def save_segment(self, actor: CurrentActor, data: JSONBody[SegmentCreate]) -> SegmentView:
        """Save a filter under a name."""
        return await segments.save(actor, data)

    @delete("/segments/{segment_id:uuid}")
    async def delete_segment(self, actor: CurrentActor, segment_id: FromPath[uuid.UUID]) -> None:
        """Forget a saved segment (campaigns keep their own copy of the filter)."""
        await segments.delete(actor, segment_id)

    # -- consents --------------------------------------------------------------------------

    @get("/members/{member_id:uuid}/consents")
    async def member_consents(
        self, actor: CurrentActor, member_id: FromPath[uuid.UUID]
    ) -> list[ConsentView]:
        """The member's consents as they stand."""
        return await consent.consents_of(actor, member_id)

    @post("/members/{member_id:uuid}/consents", status_code=200)
    async def change_consent(
        self, actor: CurrentActor, member_id: FromPath[uuid.UUID], data: JSONBody[ConsentChange]
    ) -> list[ConsentView]:
        """Record a consent the member gave (citing the text version) or withdrew."""
        return await consent.change(actor, member_id, data)

    @get("/members/{member_id:uuid}/consents/proof")
    async def consent_proof(
        self, actor: CurrentActor, member_id: FromPath[uuid.UUID]
    ) -> ConsentProof:
        """The proof: every grant and withdrawal with source, evidence and the texts shown."""
        return await consent.proof(actor, member_id)

    @get("/consent-texts")
    async def consent_texts(self, actor: CurrentActor) -> list[ConsentTextView]:
        """The consent texts members were shown, by version."""
        return await testsend.texts(actor)

    @post("/consent-texts")
    async def add_consent_text(
        self, actor: CurrentActor, data: JSONBody[ConsentTextBody]
    ) -> ConsentTextView:
        """A new version of a consent text (versions are never changed)."""
        return await testsend.add_text(actor, data)


# -- members' links -----------------------------------------------------------------------------


async def refuse_accounts(campaign: CampaignView, channel: str | None = None) -> None:
    """An account whose channel can carry the campaign's message but this account cannot (a
    phone line whose PBX places no robot calls: ``ChannelType.broadcast_refusal``) is refused
    at once, 422 naming ``accounts.<channel>`` with the channel's own words — rather than every
    recipient failing; so is a message the account would refuse as written (an SMS over the
    account's part limit), naming ``variants.<channel>.text`` (:func:`limits.refuse_text`).
    Only accounts the campaign's organization may use are asked (another branch's is left to
    the start's own checks, which answer it as one that does not exist)."""
    for name, account_id in campaign.accounts.items():
        if channel is not None and name != channel:
            continue
        field = f"accounts.{name}"
        try:
            account = await campaigns.campaign_account(campaign.organization_id, account_id, field)
            refusal = channel_type(account.channel).broadcast_refusal(account)
        except (NotFound, Invalid):
            continue
        if refusal:
            raise Invalid(refusal, field=field)
        variant = campaign.variants.get(name)
        buttons = campaigns.link_buttons(variant) if variant is not None else ()
        limits.refuse_text(account, name, variant, buttons, campaign.id)


async def _refused_if_needed(saved: Callable[[], Awaitable[CampaignView]]) -> CampaignView:
    """Save a draft and refuse its accounts in one transaction: refused, nothing is kept (the
    draft is saved first so that only an editor of its organization learns why)."""
    async with current().db.transaction():
        campaign = await saved()
        await refuse_accounts(campaign)
    return campaign


def _page(title: str, body: str, status: int = 200) -> Response[str]:
    page = (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>body{{font:16px/1.5 system-ui,sans-serif;"
        "max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}button{font:inherit;"
        "min-height:44px;padding:.5rem 1.25rem;background:#0b5cad;color:#fff;border:0;"
        f"border-radius:6px}}</style></head><body><main><h1>{html.escape(title)}</h1>{body}"
        "</main></body></html>"
    )
    return Response(page, status_code=status, media_type="text/html; charset=utf-8")


async def _recipient_or_page(token: str) -> Any:
    rid = links.recipient_of(token)
    info = await recipient(rid) if rid is not None else None
    if info is None:
        return _page("Ссылка недействительна", "<p>Проверьте адрес ссылки из письма.</p>", 404)
    return info


@get("/campaigns/unsubscribe/{token:str}", include_in_schema=False)
async def unsubscribe_page(token: FromPath[str]) -> Response[str]:
    """The page a link opens: it asks, it does not unsubscribe (link scanners follow GETs)."""
    info = await _recipient_or_page(token)
    if isinstance(info, Response):
        return info
    held = [c for c in await consent.current_of(info.member_id) if c.withdrawn_at is None]
    topics = "".join(
        f'<p><label><input type="checkbox" name="topic" value="{c.channel}:{c.purpose}">'
        f" {html.escape(TOPIC_WORDS.get(c.purpose, c.purpose))} — "
        f"{html.escape(CHANNEL_WORDS.get(c.channel, c.channel))}</label></p>"
        for c in held
    )
    preferences = (
        f'<h2>Выбрать, от чего отписаться</h2><form method="post" action="{html.escape(token)}'
        f'/topics">{topics}<button type="submit">Отписаться от отмеченного</button></form>'
        if topics
        else ""
    )
    return _page(
        "Отписаться от рассылки",
        f"<p>Рассылка «{html.escape(info.campaign_name)}». Нажмите кнопку, и сообщения этого "
        "рода перестанут приходить на этот адрес.</p>"
        f'<form method="post"><button type="submit">Отписаться</button></form>{preferences}',
    )


TOPIC_WORDS = {"info": "Новости и работа профсоюза", "ads": "Реклама и предложения партнёров"}
CHANNEL_WORDS = {
    "email": "эл. почта",
    "sms": "SMS",
    "telegram": "Telegram",
    "vk": "ВКонтакте",
    "voice": "звонки робота",
}


@post(
    "/campaigns/unsubscribe/{token:str}/topics",
    exclude_from_csrf=True,
    include_in_schema=False,
    status_code=200,
)
async def unsubscribe_topics(
    request: Request[Any, Any, Any], token: FromPath[str]
) -> Response[str]:
    """The preference page's form: withdraw the ticked topics (channel × purpose) only."""
    info = await _recipient_or_page(token)
    if isinstance(info, Response):
        return info
    form = await request.form()
    picked = {str(v) for v in form.getall("topic")} if hasattr(form, "getall") else set()
    address = request.client.host if request.client else ""
    done = await consent.withdraw_topics(info.member_id, picked, info.campaign_id, address)
    return _page("Готово", f"<p>Отписано тем: {done}.</p>")


@post(
    "/campaigns/unsubscribe/{token:str}",
    exclude_from_csrf=True,
    include_in_schema=False,
    status_code=200,
)
async def unsubscribe_post(request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
    """RFC 8058 one-click (``List-Unsubscribe=One-Click``) or the page's button: no cookie, no
    further step."""
    info = await _recipient_or_page(token)
    if isinstance(info, Response):
        return info
    body = (await request.body())[:200].decode("ascii", "replace")
    how = "one-click" if "One-Click" in body else "page"
    await unsubscribe(info, how=how, address=request.client.host if request.client else "")
    return _page("Вы отписались", "<p>Сообщения этой рассылки больше не придут.</p>")


@get("/campaigns/c/{recipient_id:int}", include_in_schema=False)
async def click(
    recipient_id: FromPath[int], u: FromQuery[str] = "", s: FromQuery[str] = ""
) -> Response[Any]:
    """A tracked link: counted once, then on to the address the message had."""
    if not (u.startswith(("http://", "https://")) and links.click_valid(recipient_id, u, s)):
        raise Invalid("the link is not valid", field="u")
    info = await recipient(recipient_id)
    if info is not None:
        await event(info.campaign_id, info.id, "click", u)
    return Redirect(u, status_code=302)


# A transparent 1×1 GIF, the open-tracking pixel.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


@get("/campaigns/o/{name:str}", include_in_schema=False)
async def opened(name: FromPath[str]) -> Response[bytes]:
    """The pixel of an HTML e-mail: counts an open (approximate), always answers the image."""
    rid = links.opened_recipient(name)
    info = await recipient(rid) if rid is not None else None
    if info is not None:
        await event(info.campaign_id, info.id, "open", "pixel")
    return Response(PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store, max-age=0"})


HANDLERS: list[Any] = [
    CampaignsController,
    unsubscribe_page,
    unsubscribe_post,
    unsubscribe_topics,
    click,
    opened,
]
