"""``operators.notify``: a notice in the operators' consoles and, with SMTP set, an e-mail.

The console notice is an event (``robots.operators_notified``): stored in the event log, so a
console that reconnects still gets it, and fanned out like every event to the operators whose
scope holds the appeal's organization; the console shows it to the operators it names. E-mails
go out as one job per operator (retried with backoff, once per step and operator).
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from typing import Annotated, ClassVar, Literal

import msgspec

from unionline.appeals.store import AppealRow
from unionline.errors import NotReady, PermanentFailure
from unionline.events import Event
from unionline.jobs import JobContext
from unionline.operators import directory
from unionline.robots.actions.base import appeal_row, dry, outcome, say
from unionline.robots.actions.settings import notification_settings
from unionline.robots.actions.text import LocalizedText, render, values_for
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext
from unionline.runtime import current, enqueue, publish

MAIL_JOB = "robots.notify_mail"
Audience = Literal["assignee", "supervisors", "operators"]


class OperatorsNotified(Event, kw_only=True, tag="robots.operators_notified"):
    """A robot's notice to operators (shown in the console of each one named)."""

    operator_ids: list[uuid.UUID]
    text: str
    appeal_id: uuid.UUID | None = None
    appeal_number: str | None = None
    rule_id: uuid.UUID


class NotifyParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: LocalizedText
    # assignee: who holds the appeal; supervisors / operators: everyone with that role over
    # the appeal's organization (or, with no appeal, the rule's organization).
    to: Annotated[list[Audience], msgspec.Meta(max_length=3)] = msgspec.field(
        default_factory=lambda: ["assignee"]
    )
    operator_ids: Annotated[list[uuid.UUID], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    email: bool = True  # also e-mail them, when [notifications] smtp_host is set

    def __post_init__(self) -> None:
        if not self.to and not self.operator_ids:
            raise ValueError("name whom to notify: to or operator_ids")


class MailJob(msgspec.Struct, frozen=True, kw_only=True):
    operator_id: uuid.UUID
    subject: str
    text: str


class NotifyOperators(RobotAction[NotifyParams]):
    name = "operators.notify"
    params = NotifyParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Уведомить операторов",
        "en": "Notify operators",
    }

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "text": {"ru": "Текст уведомления", "en": "Notice text"},
        "to": {"ru": "Кому", "en": "To"},
        "to=assignee": {"ru": "назначенному оператору", "en": "the assignee"},
        "to=supervisors": {"ru": "супервизорам", "en": "supervisors"},
        "to=operators": {"ru": "всем операторам", "en": "all operators"},
        "operator_ids": {"ru": "И этим операторам", "en": "Also these operators"},
        "email": {"ru": "Также по e-mail", "en": "Also by e-mail"},
    }

    async def run(self, ctx: RobotContext, params: NotifyParams) -> ActionOutcome:
        row = await appeal_row(ctx) if ctx.appeal_id is not None else None
        text = render(params.text.pick(ctx.locale), await values_for(row, ctx.variables))
        org = row.organization_id if row else ctx.organization_id
        recipients = await _recipients(ctx, params, org, row)
        if not recipients:
            return outcome(ctx, "некого уведомить", "nobody to notify", operator_ids=[])
        ids = [str(r) for r in recipients]
        if ctx.dry_run:
            return dry(ctx, f"уведомление ({len(ids)}) «{text}»", f"notice ({len(ids)}) “{text}”")
        mail = params.email and bool(notification_settings().smtp_host)
        subject = say(ctx, "Unionline: уведомление", "Unionline: notice")
        if row is not None:
            subject = f"{subject} — {row.number}"
        async with current().db.transaction():
            # The first job (or a marker job when no e-mail goes out) makes the step once-only.
            first = await enqueue(
                MAIL_JOB,
                MailJob(operator_id=recipients[0], subject=subject, text=text if mail else ""),
                key=f"{ctx.idempotency_key}:{recipients[0]}",
            )
            if first is None:
                return outcome(ctx, "уведомление уже отправлено", "already notified")
            for operator_id in recipients[1:] if mail else ():
                await enqueue(
                    MAIL_JOB,
                    MailJob(operator_id=operator_id, subject=subject, text=text),
                    key=f"{ctx.idempotency_key}:{operator_id}",
                )
            await publish(
                OperatorsNotified(
                    organization_id=org,
                    operator_ids=recipients,
                    text=text,
                    appeal_id=row.id if row else None,
                    appeal_number=row.number if row else None,
                    rule_id=ctx.rule_id,
                )
            )
        return outcome(
            ctx,
            f"уведомлены операторы ({len(ids)}){' и по e-mail' if mail else ''}",
            f"notified operators ({len(ids)}){' and by e-mail' if mail else ''}",
            operator_ids=ids,
            email=mail,
        )


async def _recipients(
    ctx: RobotContext, params: NotifyParams, org: uuid.UUID, row: AppealRow | None
) -> list[uuid.UUID]:
    """Active operators of the audience, each of whom may read appeals of ``org``."""
    from unionline.appeals import guard
    from unionline.operators.services import actor_for

    found: list[uuid.UUID] = []
    if "assignee" in params.to and row is not None and row.assignee_id is not None:
        found.append(row.assignee_id)
    roles = [r for r in ("supervisors", "operators") if r in params.to]
    if roles:
        found += await _holders([r.removesuffix("s") for r in roles], org)
    for operator_id in params.operator_ids:
        other = await actor_for(operator_id)
        if other is None or not await guard.allows(other, guard.READ, org):
            raise PermanentFailure(
                say(
                    ctx,
                    f"оператор {operator_id} не работает в организации правила",
                    f"operator {operator_id} does not work in the rule's organization",
                )
            )
        found.append(operator_id)
    result = []
    for operator_id in dict.fromkeys(found):
        other = await actor_for(operator_id)
        if other is not None and await guard.allows(other, guard.READ, org):
            result.append(operator_id)
    return result


async def _holders(roles: list[str], org: uuid.UUID) -> list[uuid.UUID]:
    """Operators holding one of ``roles`` over ``org`` (a grant on it, an ancestor or all)."""
    from unionline.organizations.services import ancestors

    return await directory.holders(roles, [org, *await ancestors(org)])


async def send_mail(ctx: JobContext, job: MailJob) -> None:
    """The e-mail of one notice to one operator (``text`` empty: a marker, nothing to send)."""
    import aiosmtplib

    if not job.text:
        return
    settings = notification_settings()
    row = await directory.find(job.operator_id)
    if not settings.smtp_host or row is None or not row.email:
        return
    message = EmailMessage()
    message["From"] = settings.from_address
    message["To"] = row.email
    message["Subject"] = job.subject
    message["Message-ID"] = f"<{ctx.idempotency_key.replace(':', '.')}@unionline>"
    message.set_content(job.text)
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_security == "starttls",
            use_tls=settings.smtp_security == "tls",
            timeout=settings.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(f"the SMTP server refused {row.email}: {exc}") from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise NotReady(f"SMTP: {exc}") from exc


__all__ = ["MAIL_JOB", "MailJob", "NotifyOperators", "OperatorsNotified", "send_mail"]
