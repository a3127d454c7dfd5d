"""Opening a visitor's session: which visitor a browser is, and whether it may see a
conversation.

A browser presents the token it kept (if any) and, on a union site where a member is logged
in, the member's id signed with the widget secret. The rules keep one person's conversation
from another person on a shared computer:

* same token, same identity (both anonymous, or the same member): the visitor continues;
* a verified member's token without that member's signature (logged out, or someone else
  logged in): a new visitor, and the widget clears what it showed (``reset``);
* an anonymous token with a member signature: a new visitor for that member (what an
  anonymous visitor wrote stays with them);
* a signature that does not match: refused, never treated as verified.

A token lives ``visitor_token_days`` after its last use (each use starts the count again); an
expired one, or one signed under a rotated widget secret, opens a new visitor like a browser
without a token. New visitors are limited per client address (``new_visitors_per_hour``).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Annotated, Any, Literal

import msgspec

from unionline import Forbidden, Invalid, NotFound, ServiceError, current
from unionline.channel import RateLimit, known_member, take_token
from unionline.channels.web import conversation, tokens

DAY = 86400.0


class TooManyVisitors(ServiceError):
    """Too many new visitors from one address: the socket closes with 4029 (its 429)."""

    status_code = 429
    code = "rate_limited"


class Hello(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The widget's first frame."""

    type: Literal["hello"]
    token: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    after: Annotated[int, msgspec.Meta(ge=0)] = 0  # the last message number it has shown
    lang: Literal["ru", "en"] = "ru"
    member_id: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    signature: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class Opened(msgspec.Struct, kw_only=True):
    visitor: conversation.VisitorRow
    token: str
    reset: bool  # the browser's earlier conversation is not this visitor's: clear it


async def signed_member(account: Any, hello: Hello) -> uuid.UUID | None:
    """The member the union's site vouches for, or None for an anonymous visitor."""
    if hello.member_id is None and hello.signature is None:
        return None
    secret = account.secrets.widget_secret
    if not (
        hello.member_id
        and hello.signature
        and tokens.member_signature_ok(secret, hello.member_id, hello.signature)
    ):
        raise Forbidden("the member signature does not match", field="signature")
    try:
        member_id = uuid.UUID(hello.member_id)
    except ValueError:
        raise Invalid("member_id must be the member's id in Unionline", field="member_id") from None
    found = await known_member(member_id)
    if found is None:
        raise NotFound("no such member", field="member_id")
    return found


async def live_visitor(account: Any, token: str) -> str | None:
    """The visitor a token names when it is genuine, signed under the widget's current secret
    and used within ``visitor_token_days``; using it starts that count again."""
    visitor = tokens.visitor_of(
        current().settings.secret_key, account.secrets.widget_secret, account.id, token
    )
    if visitor is None:
        return None
    lifetime = account.config.visitor_token_days * DAY
    alive = await conversation.keep_alive(conversation.visitor_key(account.id, visitor), lifetime)
    return visitor if alive else None


async def admit_new_visitor(account: Any, address: str) -> None:
    """Take one of the address's new visitors for this widget, or refuse with ``retry_after``.

    The bucket is keyed by a keyed hash of the address: the address itself is not stored."""
    per_hour = account.config.new_visitors_per_hour
    limit = RateLimit(per_second=per_hour / 3600.0, burst=per_hour)
    digest = hmac.new(current().settings.secret_key.encode(), address.encode(), hashlib.sha256)
    wait = await take_token(f"web-new-visitor:{account.id}:{digest.hexdigest()[:32]}", limit)
    if wait:
        seconds = int(wait) + 1
        raise TooManyVisitors(
            f"too many new chats from this address: try again in {seconds} s",
            field="token",
            extra={"retry_after": seconds},
        )


async def open_session(account: Any, hello: Hello, address: str = "") -> Opened:
    member = await signed_member(account, hello)
    visitor = await live_visitor(account, hello.token) if hello.token else None
    if visitor is not None:
        row = await conversation.get_visitor(account.id, visitor)
        if row is None and member is None:
            row = await conversation.ensure_visitor(account.id, visitor)
        if row is not None and row.member_id == member and row.verified == (member is not None):
            return Opened(visitor=row, token=hello.token or "", reset=False)
    await admit_new_visitor(account, address)
    fresh = tokens.new_visitor_id()
    row = await conversation.ensure_visitor(account.id, fresh, member)
    token = tokens.visitor_token(
        current().settings.secret_key, account.secrets.widget_secret, account.id, fresh
    )
    return Opened(visitor=row, token=token, reset=bool(hello.token))
