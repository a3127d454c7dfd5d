"""What the widget renders: a form's fields, labels, choices and texts in one language, with a
fresh render token (``GET /channels/webform/{form key}/form``)."""

from __future__ import annotations

from typing import Any

import msgspec

from unionline.channel import ChannelAccount, channels_settings
from unionline.channels.webform import organizations, tokens
from unionline.channels.webform.settings import FormConfig, FormSecrets, Lang, webform_settings
from unionline.channels.webform.texts import LABELS, TEXTS, pick, text

HONEYPOT = "website"  # hidden from people; a bot that fills it is answered as if accepted
TEXT_LIMITS = {"name": 300, "phone": 40, "email": 254}


class Option(msgspec.Struct, frozen=True, kw_only=True):
    value: str
    label: str


class FieldView(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    name: str
    label: str
    required: bool
    type: str  # text, tel, email, select, textarea, file, checkbox
    max_length: int | None = None
    options: list[Option] = msgspec.field(default_factory=list)
    max_bytes: int | None = None


class ConsentView(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    policy_url: str
    policy_label: str


class FormView(msgspec.Struct, frozen=True, kw_only=True):
    form_key: str
    lang: str
    title: str
    fields: list[FieldView]
    consent: ConsentView | None
    success_text: str
    render_token: str
    honeypot: str
    min_fill_seconds: float
    messages: dict[str, str]  # the widget's own checks speak the same words as the server


def max_file_bytes(config: FormConfig) -> int:
    return min(config.max_file_bytes, channels_settings().max_attachment_bytes)


def _type(name: str) -> str:
    return {
        "phone": "tel",
        "email": "email",
        "organization": "select",
        "topic": "select",
        "text": "textarea",
        "file": "file",
        "consent": "checkbox",
    }.get(name, "text")


async def options(
    account: ChannelAccount[FormConfig, FormSecrets], name: str, lang: str
) -> list[Option]:
    config = account.config
    if name == "topic":
        return [
            Option(value=t.id, label=(t.en or t.ru) if lang == "en" else t.ru)
            for t in config.topics
        ]
    if name == "organization":
        found = await organizations.choices(account.organization_id, config.organizations)
        return [Option(value=str(c.id), label=c.name) for c in found]
    return []


async def field_views(
    account: ChannelAccount[FormConfig, FormSecrets], lang: Lang
) -> list[FieldView]:
    config = account.config
    views = []
    for name in config.shown():
        rule = config.fields[name]
        views.append(
            FieldView(
                name=name,
                label=pick(rule.label, lang, LABELS[lang][name]),
                required=rule.required,
                type=_type(name),
                max_length=config.max_text_length if name == "text" else TEXT_LIMITS.get(name),
                options=await options(account, name, lang),
                max_bytes=max_file_bytes(config) if name == "file" else None,
            )
        )
    return views


async def render(account: ChannelAccount[FormConfig, FormSecrets], lang: Lang) -> FormView:
    config = account.config
    consent = None
    if "consent" in config.fields:
        consent = ConsentView(
            text=pick(config.consent_text, lang, text(lang, "consent_text")),
            policy_url=config.privacy_policy_url,
            policy_label=text(lang, "privacy_policy"),
        )
    return FormView(
        form_key=form_key(account),
        lang=lang,
        title=pick(config.title, lang, text(lang, "title")),
        fields=await field_views(account, lang),
        consent=consent,
        success_text=pick(config.success_text, lang, TEXTS[lang]["success_text"]),
        render_token=tokens.issue(account.secrets.signing_secret, form_key(account)),
        honeypot=HONEYPOT,
        min_fill_seconds=webform_settings().min_fill_seconds,
        messages=dict(TEXTS[lang]),
    )


def form_key(account: ChannelAccount[Any, Any]) -> str:
    """What the token binds: the account's id (the same whichever key the page used)."""
    return str(account.id)


def option_values(views: list[Option]) -> dict[str, Option]:
    return {o.value: o for o in views}
