"""Phone numbers as identity resolution spells them: E.164 through phonenumbers.

Providers write numbers their own way (Zadarma ``79161234567``, Mango ``79161234567`` or a SIP
address, UIS ``74993720692``, a domestic ``8 916 …``); a number that is no telephone number
(hidden, ``anonymous``, ``sip:…``) is "" — such a call is kept but joins no member.
"""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "RU"


def e164(raw: str) -> str:
    """``raw`` as ``+79161234567``; "" when it is not a valid number."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits or "@" in raw or raw.strip().lower().startswith("sip:"):
        return ""
    for candidate, region in ((f"+{digits}", None), (digits, DEFAULT_REGION)):
        try:
            parsed = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return ""


def digits_of(number: str) -> str:
    """What providers' APIs take: the E.164 digits without "+"."""
    return number.lstrip("+")
