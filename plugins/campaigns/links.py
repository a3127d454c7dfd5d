"""Signed links in members' messages: unsubscribe (one-click) and click tracking. A link names
the recipient row and carries an HMAC of it under the app's ``secret_key``, so nobody can
unsubscribe someone else or count a click that was not made."""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.parse

from unionline import current
from unionline.plugins.campaigns.settings import campaigns_settings, public_url

_URL = re.compile(r"https?://[^\s<>\"')]+")


def _mac(*parts: str) -> str:
    key = current().settings.secret_key.encode()
    message = "\x1f".join(("campaigns", *parts)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def token(recipient_id: int) -> str:
    return f"{recipient_id}.{_mac('unsubscribe', str(recipient_id))}"


def recipient_of(token_text: str) -> int | None:
    """The recipient row a token names, or None when it is forged or malformed."""
    rid, _, mac = token_text.partition(".")
    if not rid.isdigit() or len(rid) > 18:
        return None
    return int(rid) if hmac.compare_digest(mac, _mac("unsubscribe", rid)) else None


def unsubscribe_url(recipient_id: int) -> str:
    return f"{public_url()}/campaigns/unsubscribe/{token(recipient_id)}"


def list_headers(recipient_id: int) -> tuple[tuple[str, str], ...]:
    """RFC 2369 / RFC 8058 headers: https (one-click POST) and, when set, mailto."""
    targets = [f"<{unsubscribe_url(recipient_id)}>"]
    mailto = campaigns_settings().unsubscribe_mailto.strip()
    if mailto:
        subject = urllib.parse.quote(f"unsubscribe {token(recipient_id)}")
        targets.append(f"<mailto:{mailto}?subject={subject}>")
    return (
        ("List-Unsubscribe", ", ".join(targets)),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


def click_url(recipient_id: int, url: str) -> str:
    mac = _mac("click", str(recipient_id), url)
    query = urllib.parse.urlencode({"u": url, "s": mac})
    return f"{public_url()}/campaigns/c/{recipient_id}?{query}"


def click_valid(recipient_id: int, url: str, mac: str) -> bool:
    return hmac.compare_digest(mac, _mac("click", str(recipient_id), url))


def open_url(recipient_id: int) -> str:
    return f"{public_url()}/campaigns/o/{recipient_id}.{_mac('open', str(recipient_id))}.gif"


def opened_recipient(token_text: str) -> int | None:
    """The recipient row an open pixel's name names (``<id>.<mac>.gif``), or None if forged."""
    rid, _, rest = token_text.partition(".")
    mac = rest.removesuffix(".gif")
    if not rid.isdigit() or len(rid) > 18:
        return None
    return int(rid) if hmac.compare_digest(mac, _mac("open", rid)) else None


def with_pixel(html: str, recipient_id: int) -> str:
    """The HTML with the open-tracking pixel at the end of its body (opens are approximate:
    mail clients that block images never load it, some proxies load every one)."""
    if not html or not public_url():
        return html
    pixel = (
        f'<img src="{open_url(recipient_id)}" width="1" height="1" alt=""'
        ' style="display:block;border:0;width:1px;height:1px">'
    )
    at = html.lower().rfind("</body>")
    return html[:at] + pixel + html[at:] if at >= 0 else html + pixel


def tracked(url: str, recipient_id: int) -> str:
    """``url`` through the signed redirect (when links can be made and it is not our own)."""
    if not public_url() or url.startswith(public_url()):
        return url
    return click_url(recipient_id, url)


def track(text: str, recipient_id: int) -> str:
    """Every http(s) link of ``text`` through the signed redirect (when links can be made)."""
    if not public_url():
        return text
    own = public_url()
    return _URL.sub(
        lambda m: m.group(0) if m.group(0).startswith(own) else click_url(recipient_id, m.group(0)),
        text,
    )
