"""A member sends the form: read the body, check it field by field, store it as an appeal.

Bad input is a 4xx naming the field (every bad field in ``extra.fields``, the first in
``field``), in the member's language. The appeal, its message, the member (found by phone or
e-mail, or a new provisional one), the attached file, the submission's record and the hour's
rate-limit count are written in one transaction: nothing or everything.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import time
import unicodedata
import uuid
from typing import Any, TypeAlias

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from unionline import Conflict, Invalid, ServiceError, current
from unionline.channel import (
    Attachment,
    ChannelAccount,
    InboundMessage,
    Sender,
    appeal_brief,
    channels_settings,
    clean_type,
    normalize_contact,
    store_inbound,
)
from unionline.channels.webform import definition, ratelimit, tokens
from unionline.channels.webform.settings import (
    FieldName,
    FormConfig,
    FormSecrets,
    Lang,
    webform_settings,
)
from unionline.channels.webform.tables import Submission
from unionline.channels.webform.texts import LABELS, lang_of, pick, text

log = logging.getLogger("unionline.channels.webform")
Account: TypeAlias = ChannelAccount[FormConfig, FormSecrets]
SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")  # the whole id (fullmatch)
MAX_VALUE = 50_000  # any single value; longer ones are not from this form


class TooLarge(ServiceError):
    status_code = 413
    code = "too_large"


class Upload(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


class Accepted(msgspec.Struct, frozen=True, kw_only=True):
    """The answer to a stored submission (201)."""

    appeal_number: str | None
    message: str
    duplicate: bool = False


class Clean(msgspec.Struct, kw_only=True):
    """A submission that passed every check."""

    submission_id: str
    lang: Lang
    name: str = ""
    phone: str = ""
    email: str = ""
    organization: definition.Option | None = None
    topic: definition.Option | None = None
    text: str = ""
    consent: bool = False
    file: Upload | None = None


# -- reading the body ------------------------------------------------------------------------


async def read(
    request: Request[Any, Any, Any], config: FormConfig
) -> tuple[dict[str, str], Upload | None]:
    """The submitted values and file, from JSON or a multipart/urlencoded form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await _read_form(request, config)
    if kind in ("application/json", ""):
        try:
            raw = msgspec.json.decode(await request.body(), type=dict[str, str | bool | None])
        except msgspec.DecodeError as exc:
            raise Invalid(
                f"the body is not a JSON object of strings: {exc}", field="body"
            ) from None
        return {k: _as_text(v) for k, v in raw.items()}, None
    raise Invalid("send JSON or multipart/form-data", field="body")


def _as_text(value: str | bool | None) -> str:
    if isinstance(value, bool):
        return "true" if value else ""
    return value or ""


async def _read_form(
    request: Request[Any, Any, Any], config: FormConfig
) -> tuple[dict[str, str], Upload | None]:
    form = await request.form()
    values: dict[str, str] = {}
    upload = None
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key == "file" and value.filename:
                upload = await _upload(value, config, request)
            continue
        values[key] = str(value)
    return values, upload


async def _upload(value: UploadFile, config: FormConfig, request: Request[Any, Any, Any]) -> Upload:
    limit = definition.max_file_bytes(config)
    data = await value.read(limit + 1)
    lang = lang_of(request.query_params.get("lang"))
    if len(data) > limit:
        raise TooLarge(
            text(lang, "file_too_big", max=_megabytes(limit)),
            field="file",
            extra={
                "fields": {"file": text(lang, "file_too_big", max=_megabytes(limit))},
                "max_bytes": limit,
            },
        )
    return Upload(filename=value.filename, content_type=value.content_type or "", data=data)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


# -- checking ------------------------------------------------------------------------------


class _Problems:
    def __init__(self, lang: Lang, config: FormConfig) -> None:
        self.lang = lang
        self.config = config
        self.found: dict[str, str] = {}

    def add(self, field: str, key: str, **values: Any) -> None:
        self.found.setdefault(field, text(self.lang, key, **values))

    def raise_any(self) -> None:
        if self.found:
            first = next(iter(self.found))
            labels = {
                f: pick(self.config.fields[f].label, self.lang, LABELS[self.lang][f])
                for f in self.found
                if f in self.config.fields
            }
            raise Invalid(
                self.found[first], field=first, extra={"fields": self.found, "labels": labels}
            )


def _plain(value: str, limit: int, field: str, problems: _Problems, *, lines: bool = False) -> str:
    cleaned = value.replace("\r\n", "\n").strip()
    allowed = "\n\t" if lines else ""
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in cleaned):
        problems.add(field, "control")
        return ""
    if len(cleaned) > limit:
        problems.add(field, "too_long", max=limit)
        return ""
    return cleaned if lines else " ".join(cleaned.split())


async def check(account: Account, values: dict[str, str], upload: Upload | None) -> Clean:
    """Every field against the form's config; Invalid naming the fields otherwise."""
    config = account.config
    lang = lang_of(values.get("lang"))
    submission_id = values.get("submission_id", "")
    if not SUBMISSION_ID.fullmatch(submission_id):
        raise Invalid(
            "submission_id must be 8-64 characters of A-Z a-z 0-9 _ -", field="submission_id"
        )
    if any(len(v) > MAX_VALUE for v in values.values()):
        raise TooLarge(
            "a value is too long", field=next(k for k, v in values.items() if len(v) > MAX_VALUE)
        )
    problems = _Problems(lang, config)
    clean = Clean(submission_id=submission_id, lang=lang)
    shown = config.fields
    limits = definition.TEXT_LIMITS
    for name in ("name", "phone", "email"):
        if name in shown:
            setattr(clean, name, _plain(values.get(name, ""), limits[name], name, problems))
    if "text" in shown:
        clean.text = _plain(
            values.get("text", ""), config.max_text_length, "text", problems, lines=True
        )
    checked: tuple[FieldName, ...] = ("name", "phone", "email", "text", "topic", "organization")
    for name in checked:
        rule = shown.get(name)
        if rule is not None and rule.required and not values.get(name, "").strip():
            problems.add(name, "required")
    _contacts(clean, problems)
    await _choices(account, clean, values, problems)
    if "consent" in shown:
        clean.consent = values.get("consent", "").strip().lower() in ("true", "on", "1", "yes")
        if shown["consent"].required and not clean.consent:
            problems.add("consent", "consent")
    if upload is not None and "file" in shown:
        clean.file = _file(upload, problems)
    elif "file" in shown and shown["file"].required:
        problems.add("file", "required")
    problems.raise_any()
    return clean


def _contacts(clean: Clean, problems: _Problems) -> None:
    for kind in ("phone", "email"):
        value = getattr(clean, kind)
        if value and kind not in problems.found:
            try:
                setattr(clean, kind, normalize_contact(kind, value, field=kind))
            except Invalid:
                problems.add(kind, kind)
    if not clean.phone and not clean.email and not {"phone", "email"} & problems.found.keys():
        field = "phone" if "phone" in problems.config.fields else "email"
        problems.add(field, "contact")


async def _choices(
    account: Account, clean: Clean, values: dict[str, str], problems: _Problems
) -> None:
    for name in ("topic", "organization"):
        given = values.get(name, "").strip()
        if name not in account.config.fields or not given:
            continue
        allowed = definition.option_values(await definition.options(account, name, clean.lang))
        if given not in allowed:
            problems.add(name, "choice")
        else:
            setattr(clean, name, allowed[given])


def _file(upload: Upload, problems: _Problems) -> Upload | None:
    kind = clean_type(upload.content_type)
    if not any(fnmatch.fnmatchcase(kind, p) for p in channels_settings().attachment_types):
        problems.add("file", "file_type")
        return None
    return msgspec.structs.replace(upload, content_type=kind)


# -- the whole submission ----------------------------------------------------------------------


async def accept(
    account: Account, values: dict[str, str], upload: Upload | None, client: str
) -> Accepted:
    """Check the render token, the honeypot, the fields and the rate limit; store the appeal."""
    settings = webform_settings()
    tokens.check(
        account.secrets.signing_secret,
        definition.form_key(account),
        values.get(tokens.FIELD, ""),
        min_age=settings.min_fill_seconds,
        max_age=settings.token_ttl_seconds,
    )
    lang = lang_of(values.get("lang"))
    if values.get(definition.HONEYPOT, "").strip():
        await ratelimit.count_attempt(account.id, client, settings.submissions_per_hour)
        log.warning(
            "webform %s: honeypot field filled; answered as accepted, nothing stored", account.id
        )
        return Accepted(appeal_number=None, message=_success(account, lang, None))
    clean = await check(account, values, upload)
    db = current().db
    async with db.transaction():
        appeal_id = await _stored(account, clean.submission_id)
        duplicate = appeal_id is not None  # a retry is answered even when the hour is spent
        if appeal_id is None:
            await ratelimit.count_attempt(account.id, client, settings.submissions_per_hour)
            appeal_id, duplicate = await _store(account, clean)
        number = await _number(appeal_id)
    return Accepted(
        appeal_number=number, message=_success(account, lang, number), duplicate=duplicate
    )


def _success(account: Account, lang: Lang, number: str | None) -> str:
    template = pick(
        account.config.success_text, lang, text(lang, "success_text", number="{number}")
    )
    if number is None:
        template = template.replace("№ {number} ", "").replace("No. {number} ", "")
    return template.replace("{number}", number or "")


async def _store(account: Account, clean: Clean) -> tuple[uuid.UUID, bool]:
    target = account
    if clean.organization is not None:  # the appeal (and a new member) go to the chosen one
        target = msgspec.structs.replace(
            account, organization_id=uuid.UUID(clean.organization.value)
        )
    result = await store_inbound(target, [_message(account, clean)])
    stored = result.messages[0]
    if stored.duplicate or stored.appeal_id is None:  # the same submission, sent at once
        appeal_id = await _stored(account, clean.submission_id)
        if appeal_id is None:
            raise Conflict("this submission is being stored; send it again", field="submission_id")
        return appeal_id, True
    key = f"{account.id}:{clean.submission_id}"
    await Submission.insert(
        Submission(
            key=key, account_id=account.id, appeal_id=stored.appeal_id, created_at=time.time()
        )
    )
    return stored.appeal_id, False


async def _stored(account: Account, submission_id: str) -> uuid.UUID | None:
    """The appeal an earlier delivery of this submission became, if any."""
    key = f"{account.id}:{submission_id}"
    row = await Submission.select(Submission.appeal_id).where(Submission.key == key).first()
    return row["appeal_id"] if row else None


def _message(account: Account, clean: Clean) -> InboundMessage:
    kind, address = ("phone", clean.phone) if clean.phone else ("email", clean.email)
    form: dict[str, Any] = {
        k: v for k, v in (("name", clean.name), ("phone", clean.phone), ("email", clean.email)) if v
    }
    topic = _topic_name(account, clean)
    if clean.topic is not None:
        form["topic"] = {"id": clean.topic.value, "label": topic}
    if clean.organization is not None:
        form["organization"] = {"id": clean.organization.value, "name": clean.organization.label}
    if "consent" in account.config.fields:
        form["consent"] = {
            "given": clean.consent,
            "text": pick(account.config.consent_text, clean.lang, text(clean.lang, "consent_text")),
            "policy_url": account.config.privacy_policy_url,
            "at": time.time(),
        }
    data: dict[str, Any] = {"form": form, "lang": clean.lang}
    if topic is not None:
        data["subject"] = topic  # the console shows it above the message
    files: tuple[Attachment, ...] = ()
    if clean.file is not None:
        files = (
            Attachment(
                filename=clean.file.filename,
                content_type=clean.file.content_type,
                data=clean.file.data,
            ),
        )
    return InboundMessage(
        external_id=clean.submission_id,
        sender=Sender(
            kind=kind,
            address=address,
            display_name=clean.name,
            profile={"email": clean.email} if kind == "phone" and clean.email else {},
        ),
        text=clean.text,
        attachments=files,
        data=data,
        subject=topic,
        new_appeal=True,
    )


def _topic_name(account: Account, clean: Clean) -> str | None:
    """The chosen topic's Russian name, whatever the member's language: operators read it."""
    if clean.topic is None:
        return None
    return next((t.ru for t in account.config.topics if t.id == clean.topic.value), None)


async def _number(appeal_id: uuid.UUID) -> str:
    brief = await appeal_brief(appeal_id)
    if brief is None:
        raise Conflict("the appeal of this submission no longer exists", field="submission_id")
    return brief.number
