"""Render tokens: proof that a submission comes from a form this server rendered, and when.

``GET`` of a form hands out ``<timestamp>.<nonce>.<signature>``, the signature an HMAC-SHA256
of ``<form key>.<timestamp>.<nonce>`` keyed by the form's signing secret. A submission must
bring it back: forged or for another form → 403; sent sooner than ``min_fill_seconds`` after
rendering (a bot) or later than ``token_ttl_seconds`` (a tab left open for a day) → 422 with a
code the widget understands (``too_fast``, ``token_expired``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from unionline import Forbidden, Invalid

FIELD = "render_token"


class TooFast(Invalid):
    code = "too_fast"


class TokenExpired(Invalid):
    code = "token_expired"


def _signature(secret: str, form_key: str, stamp: int, nonce: str) -> str:
    message = f"{form_key}.{stamp}.{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def issue(secret: str, form_key: str, now: float | None = None) -> str:
    """A fresh token for ``form_key`` rendered at ``now``."""
    stamp = int(now if now is not None else time.time())
    nonce = secrets.token_urlsafe(12)
    return f"{stamp}.{nonce}.{_signature(secret, form_key, stamp, nonce)}"


def check(
    secret: str,
    form_key: str,
    token: str,
    *,
    min_age: float,
    max_age: float,
    now: float | None = None,
) -> float:
    """The token's render time, when it is genuine and of the right age; raises otherwise."""
    if not token:
        raise Forbidden("the form's render token is missing; reload the form", field=FIELD)
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or len(token) > 200:
        raise Forbidden("the form's render token is not valid; reload the form", field=FIELD)
    stamp, nonce, given = int(parts[0]), parts[1], parts[2]
    expected = _signature(secret, form_key, stamp, nonce)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("the form's render token is not valid; reload the form", field=FIELD)
    age = (now if now is not None else time.time()) - stamp
    if age < min_age:
        raise TooFast(
            "the form was sent too quickly after it was shown",
            field=FIELD,
            extra={"retry_after": max(1, int(min_age - age + 0.999))},
        )
    if age > max_age:
        raise TokenExpired("the form is out of date; reload it", field=FIELD)
    return float(stamp)
