"""``POST /channels/mail/<account>/inbound``: an MTA hands over one raw message (RFC 5322).

For a mail server that pipes mail to a command or an HTTP endpoint instead of keeping a mailbox
(Postfix ``pipe`` + curl, hosted inbound-mail services with raw MIME). Authenticated with the
account's ``inbound_token`` secret (``Authorization: Bearer <token>``). The answer is 200 only
once the message is committed; an empty body is a probe (200, nothing stored); a message over
the account's ``max_message_bytes`` is refused (422) before anything is stored.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request, Response, post
from litestar.params import FromPath

from unionline import Forbidden, Invalid, NotFound, Unauthorized
from unionline.channel import find_account

# Above the largest max_message_bytes an administrator would set; the account's own limit is
# checked once the account is known.
BODY_LIMIT = 64 * 1024 * 1024


@post(
    "/channels/mail/{account_key:str}/inbound",
    status_code=200,
    exclude_from_csrf=True,
    request_max_body_size=BODY_LIMIT,
)
async def mail_inbound(
    request: Request[Any, Any, Any], account_key: FromPath[str]
) -> Response[bytes]:
    from unionline.channels.mail.ingest import ingest_raw

    account = await find_account("mail", account_key)
    if account is None or account.status == "disabled":
        raise NotFound(f"no mail account {account_key!r}", field="account")
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not given:
        raise Unauthorized(
            "Authorization: Bearer <inbound token> is missing", field="Authorization"
        )
    expected = account.secrets.inbound_token
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Forbidden("inbound token does not match", field="Authorization")
    raw = await request.body()
    if len(raw) > account.config.max_message_bytes:
        raise Invalid(
            f"the message is larger than the mailbox's {account.config.max_message_bytes} bytes",
            field="body",
        )
    if not raw.strip():
        return Response(content=b'{"ok":true,"stored":false}', media_type="application/json")
    outcome = await ingest_raw(account.id, raw, source="http")
    body = b'{"ok":true,"stored":%s}' % (b"true" if outcome.stored else b"false")
    return Response(content=body, media_type="application/json")
