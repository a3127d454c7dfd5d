"""Contact point normalization: one spelling per address, so ``(kind, address)`` is unique.

Every function returns the canonical form or raises :class:`unionline.errors.Invalid` naming
the field; nothing else escapes, whatever the input.
"""

from __future__ import annotations

import re

import phonenumbers

from unionline.errors import Invalid
from unionline.members.schemas import ContactKind

KINDS: tuple[ContactKind, ...] = ("phone", "email", "telegram", "vk", "web")
DEFAULT_REGION = "RU"
_MAX_PHONE_INPUT = 40
_MAX_EMAIL = 254
_WEB_TOKEN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_SPACES = re.compile(r"\s+")
_RU_FORMATTING = str.maketrans("", "", " -()")
_RU_SHAPE = re.compile(r"(?:\+7|8|7)?([0-9]{10})")


def phone(text: str, *, field: str = "phone", region: str = DEFAULT_REGION) -> str:
    """E.164 (``+79991234567``) from any common spelling; Russian numbers by default."""
    raw = text.strip() if isinstance(text, str) else ""
    if not raw or len(raw) > _MAX_PHONE_INPUT:
        raise Invalid("not a phone number", field=field)
    if region == "RU":
        quick = _russian_quick(raw)
        if quick is not None:
            return quick
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise Invalid("not a phone number", field=field) from None
    if not phonenumbers.is_valid_number(parsed):
        raise Invalid("not a valid phone number", field=field)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _russian_quick(raw: str) -> str | None:
    """The usual Russian spellings without the full parser (imports normalize 100,000s).

    Only a valid result is returned; anything else goes through ``phonenumbers.parse``, and a
    test checks both paths agree.
    """
    match = _RU_SHAPE.fullmatch(raw.translate(_RU_FORMATTING))
    if match is None or match.group(1)[0] not in "3456789":
        return None
    national = match.group(1)
    number = phonenumbers.PhoneNumber(country_code=7, national_number=int(national))
    return f"+7{national}" if phonenumbers.is_valid_number(number) else None


def email(text: str, *, field: str = "email") -> str:
    """Trimmed, with the domain lower-cased (the local part is the owner's business)."""
    raw = text.strip() if isinstance(text, str) else ""
    if raw.count("@") != 1 or len(raw) > _MAX_EMAIL:
        raise Invalid("not an e-mail address", field=field)
    local, domain = raw.split("@")
    if not local or not domain or _SPACES.search(raw) or not raw.isprintable():
        raise Invalid("not an e-mail address", field=field)
    return f"{local}@{domain.lower()}"


def numeric_id(text: str, *, field: str) -> str:
    """A provider's numeric user id (Telegram, VK): digits, no leading zeros."""
    raw = text.strip() if isinstance(text, str) else ""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 20 or int(raw) == 0:
        raise Invalid("must be a positive numeric id", field=field)
    return str(int(raw))


def web_token(text: str, *, field: str = "web") -> str:
    """An opaque web-widget visitor id: 1–128 characters of ``A-Z a-z 0-9 . _ : -``."""
    raw = text.strip() if isinstance(text, str) else ""
    if not _WEB_TOKEN.match(raw):
        raise Invalid("visitor id must be 1-128 characters of A-Z a-z 0-9 . _ : -", field=field)
    return raw


def contact(kind: str, address: str, *, field: str = "address") -> str:
    """Normalize ``address`` of contact ``kind``."""
    if kind == "phone":
        return phone(address, field=field)
    if kind == "email":
        return email(address, field=field)
    if kind in ("telegram", "vk"):
        return numeric_id(address, field=field)
    if kind == "web":
        return web_token(address, field=field)
    raise unknown_kind(kind)


def contact_kind(kind: str) -> ContactKind:
    """``kind`` as one of :data:`KINDS`; Invalid naming the field otherwise."""
    for known in KINDS:
        if kind == known:
            return known
    raise unknown_kind(kind)


def unknown_kind(kind: str) -> Invalid:
    return Invalid(f"unknown contact kind {kind!r}; one of {', '.join(KINDS)}", field="kind")


def contact_key(kind: str, address: str) -> str:
    """The value of the unique ``key`` column for an already normalized address."""
    return f"{kind}:{address}"


def search_key(text: str) -> str:
    """Name search key: lower case, ё→е, whitespace collapsed (SQLite folds only ASCII)."""
    return _SPACES.sub(" ", text.lower().replace("ё", "е")).strip()
