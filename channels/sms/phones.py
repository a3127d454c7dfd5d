"""Phone numbers as SMS carry them (``79991234567``, ``+7 999 …``, ``89991234567``, or an
alphanumeric sender such as ``BANK``) into E.164 through phonenumbers; None when the sender is
no one's phone — a bank's or an operator's notice is not a member."""

from __future__ import annotations

import functools
import re

import phonenumbers

DEFAULT_REGION = "RU"
_RUSSIAN = re.compile(r"\+?7\d{10}\Z")  # +7 and ten digits: a possible number of zone 7


@functools.lru_cache(maxsize=8192)  # a batch parses each number several times
def e164(address: str, region: str = DEFAULT_REGION) -> str | None:
    raw = address.strip()
    if _RUSSIAN.match(raw):  # the common case, without phonenumbers' parser (nor a scan)
        return "+7" + raw[-10:]
    if not raw or any(c.isalpha() for c in raw):
        return None
    digits = "".join(c for c in raw if c.isdigit())
    if len(digits) < 7:  # short codes (900, 0611) are services, not members
        return None
    # Gateways write international numbers without the plus; a leading 8 is Russian national.
    candidate = raw if raw.startswith("+") else digits
    if not candidate.startswith("+") and not (region == "RU" and digits.startswith("8")):
        candidate = f"+{digits}"
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits(phone: str) -> str:
    """An E.164 number as gateways and SMPP take it: digits only, no plus."""
    return phone.lstrip("+")
