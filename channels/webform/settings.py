"""Webform settings: the ``[webform]`` section, and each form's config and secrets.

A channel account of type ``webform`` is one appeal form of an organization; its ``config``
(:class:`FormConfig`) says which fields the form shows and requires, what they are called, the
topics and sub-organizations a member may choose, the consent text and where the form may be
embedded. Validated when an administrator creates or changes the account (422 naming the key).
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

import msgspec

Lang = Literal["ru", "en"]
FieldName = Literal["name", "phone", "email", "organization", "topic", "text", "file", "consent"]
FIELD_ORDER: tuple[FieldName, ...] = (
    "name",
    "phone",
    "email",
    "organization",
    "topic",
    "text",
    "file",
    "consent",
)
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")  # the whole origin (fullmatch)
Text = Annotated[str, msgspec.Meta(max_length=2000)]


class WebformSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[webform]`` section of the configuration file (every form of the install)."""

    # A submission sent sooner than this after the form was rendered is refused (bots fill
    # forms instantly; people take seconds).
    min_fill_seconds: Annotated[float, msgspec.Meta(ge=0)] = 3.0
    # A rendered form's token is valid this long (seconds); an older one asks to reload.
    token_ttl_seconds: Annotated[int, msgspec.Meta(ge=60)] = 4 * 3600
    # Submissions accepted per client address and form in one clock hour (answered 429 after).
    submissions_per_hour: Annotated[int, msgspec.Meta(ge=1)] = 10


class FormField(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One field the form shows; ``label`` overrides the built-in label per language."""

    required: bool = False
    label: dict[Lang, Annotated[str, msgspec.Meta(max_length=200)]] = msgspec.field(
        default_factory=dict
    )


class Topic(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A topic a member may choose; ``id`` is what the appeal records."""

    id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_.-]{1,50}$(?!\n)")]
    ru: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    en: Annotated[str, msgspec.Meta(max_length=200)] = ""


def _default_fields() -> dict[FieldName, FormField]:
    return {
        "name": FormField(required=True),
        "phone": FormField(),
        "email": FormField(),
        "text": FormField(required=True),
        "consent": FormField(required=True),
    }


class FormConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A form's config: the fields it shows (a field not listed is not shown) and the rest."""

    fields: dict[FieldName, FormField] = msgspec.field(default_factory=_default_fields)
    title: dict[Lang, Annotated[str, msgspec.Meta(max_length=200)]] = msgspec.field(
        default_factory=dict
    )
    topics: list[Topic] = msgspec.field(default_factory=list)
    # Sub-organizations (ids within the account's organization subtree) the member may pick;
    # the appeal then goes to the chosen one.
    organizations: list[uuid.UUID] = msgspec.field(default_factory=list)
    consent_text: dict[Lang, Text] = msgspec.field(default_factory=dict)
    privacy_policy_url: Annotated[str, msgspec.Meta(max_length=500)] = ""
    # Pages of these origins may embed the form ("https://union.example"); CORS headers are
    # sent to them only, and a browser request from any other origin is refused.
    allowed_origins: list[Annotated[str, msgspec.Meta(max_length=200)]] = msgspec.field(
        default_factory=list
    )
    # Shown after a submission; "{number}" becomes the appeal number.
    success_text: dict[Lang, Text] = msgspec.field(default_factory=dict)
    max_text_length: Annotated[int, msgspec.Meta(ge=100, le=20000)] = 5000
    # Capped by [channels] max_attachment_bytes; file types are [channels] attachment_types.
    max_file_bytes: Annotated[int, msgspec.Meta(ge=1)] = 10 * 1024 * 1024

    def __post_init__(self) -> None:
        if "text" not in self.fields:
            raise ValueError("fields: the form must show `text` (the appeal itself)")
        if "phone" not in self.fields and "email" not in self.fields:
            raise ValueError("fields: the form must show `phone` or `email` (to answer the member)")
        if "topic" in self.fields and not self.topics:
            raise ValueError("topics: the `topic` field needs at least one topic")
        if "organization" in self.fields and not self.organizations:
            raise ValueError("organizations: the `organization` field needs organization ids")
        if len({t.id for t in self.topics}) != len(self.topics):
            raise ValueError("topics: topic ids must be unique")
        for origin in self.allowed_origins:
            if not ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"allowed_origins: {origin!r} is not an origin like https://union.example"
                )
        if self.privacy_policy_url and not self.privacy_policy_url.startswith(
            ("https://", "http://")
        ):
            raise ValueError("privacy_policy_url: must be an http(s) address")

    def shown(self) -> list[FieldName]:
        """The shown fields in the form's order."""
        return [name for name in FIELD_ORDER if name in self.fields]


class FormSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A form's secrets (encrypted at rest): the key its render tokens are signed with."""

    signing_secret: Annotated[str, msgspec.Meta(min_length=16, max_length=200)]


def webform_settings() -> WebformSettings:
    from unionline import current

    return current().settings.section("webform", WebformSettings)
