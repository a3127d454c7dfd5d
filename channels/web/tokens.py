"""Visitor tokens and signed member identities.

* A **visitor token** (``<visitor id>.<mac>``) is what the browser keeps in localStorage. The
  MAC is an HMAC-SHA256 of the account, the visitor id and the widget secret under a key
  derived from the app's ``secret_key``: the server issues tokens and can check them without a
  lookup, a token of one widget is worthless on another, and rotating the widget secret
  revokes every visitor of the widget at once (their lifetime is checked in ``sessions``).
* A **member identity** comes from the union's own site, which knows who is logged in there:
  the member's id and ``hex(HMAC-SHA256(widget secret, member id))``. Checked in constant time;
  a wrong signature is refused, never treated as anonymous-but-verified.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid

VISITOR_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # the whole id (fullmatch: no "\n" after)
_PURPOSE = b"unionline.web.visitor-token.v2"


def _key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()


def _mac(secret_key: str, widget_secret: str, account_id: uuid.UUID, visitor: str) -> str:
    # The widget secret goes last: neither it nor the ids can shift into one another.
    message = f"{account_id}:{visitor}:{widget_secret}".encode()
    digest = hmac.new(_key(secret_key), message, hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def visitor_token(secret_key: str, widget_secret: str, account_id: uuid.UUID, visitor: str) -> str:
    """The token of ``visitor`` on the widget ``account_id`` (signed under its current secret)."""
    if not VISITOR_ID.fullmatch(visitor):
        raise ValueError("a visitor id is 1-64 characters of A-Z a-z 0-9 _ -")
    return f"{visitor}.{_mac(secret_key, widget_secret, account_id, visitor)}"


def visitor_of(
    secret_key: str, widget_secret: str, account_id: uuid.UUID, token: str
) -> str | None:
    """The visitor id a genuine token names; None for anything else (a forged token, one of
    another widget, or one issued before the widget secret was rotated)."""
    visitor, _, mac = (token or "").partition(".")
    if not VISITOR_ID.fullmatch(visitor) or not mac:
        return None
    expected = _mac(secret_key, widget_secret, account_id, visitor)
    return visitor if hmac.compare_digest(mac.encode(), expected.encode()) else None


def member_signature(widget_secret: str, member_id: str) -> str:
    """What the union's site computes: hex HMAC-SHA256 of the member id, keyed by the secret."""
    return hmac.new(widget_secret.encode(), member_id.encode(), hashlib.sha256).hexdigest()


def member_signature_ok(widget_secret: str, member_id: str, signature: str) -> bool:
    expected = member_signature(widget_secret, member_id)
    return hmac.compare_digest(expected.encode(), (signature or "").strip().lower().encode())


def address(visitor: str) -> str:
    """The visitor's contact point (kind ``web``) and the conversation replies go to."""
    return f"wv-{visitor}"


def visitor_from_address(value: str) -> str | None:
    visitor = value[3:] if value.startswith("wv-") else ""
    return visitor if VISITOR_ID.fullmatch(visitor) else None
