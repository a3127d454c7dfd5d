"""``webhook.call``: POST a signed JSON body to an outside system.

Signature: ``X-Unionline-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>``
with ``X-Unionline-Timestamp`` (Unix seconds) — the receiver recomputes it and refuses old
timestamps. ``X-Unionline-Delivery`` is the step's idempotency key: a retried step sends the same
value, so the receiver can drop a duplicate.

Server-side request forgery guard: the host is resolved here, every address it resolves to must
be public (not loopback, private, link-local, shared, multicast, reserved or unspecified; IPv4
embedded in IPv6 is checked as IPv4) unless ``[webhooks] allow_networks`` holds it, and the
connection goes to the very address that was checked (the ``Host`` header and TLS server name
stay the URL's), so a DNS answer cannot change between the check and the connection.
Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import socket
import time
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

import msgspec

from unionline.appeals.store import AppealRow
from unionline.errors import NotReady, PermanentFailure
from unionline.robots.actions.base import appeal_row, dry, outcome, say
from unionline.robots.actions.settings import webhook_settings
from unionline.robots.sdk import ActionOutcome, RobotAction, RobotContext
from unionline.text import Text

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
Url = Annotated[Text, msgspec.Meta(min_length=8, max_length=2000)]
SecretName = Annotated[
    str, msgspec.Meta(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$(?!\n)")
]


class WebhookParams(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    url: Url  # http:// or https://
    secret: SecretName  # the name of a key of [webhooks] secrets (set by an administrator)
    method: Literal["POST", "PUT"] = "POST"
    data: Annotated[dict[str, Any], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=dict
    )  # extra fields sent as "data"

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an http:// or https:// address with a host")
        if parts.username or parts.password:
            raise ValueError("url must not carry a user name or password")


def refusal(ip: IPAddress) -> str | None:
    """Why a webhook must not connect to ``ip`` (None: it is a public address)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return refusal(embedded)
    for flag in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{flag}"):
            return flag.replace("_", "-")
    if not ip.is_global:
        return "not public"
    return None


def allowed(ip: IPAddress, networks: list[Any]) -> bool:
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        candidates.append(ip.ipv4_mapped)
    return any(c.version == n.version and c in n for c in candidates for n in networks)


async def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NotReady(f"cannot resolve {host}: {exc}") from exc
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(found))


async def checked_address(host: str, port: int) -> IPAddress:
    """The address to connect to, after every address of ``host`` passed the guard."""
    networks = webhook_settings().networks()
    addresses = await resolve(host, port)
    if not addresses:
        raise NotReady(f"{host} resolves to no address")
    for ip in addresses:
        why = refusal(ip)
        if why and not allowed(ip, networks):
            raise PermanentFailure(
                f"refused: {host} resolves to {ip} ({why}); an administrator may allow it"
                " in [webhooks] allow_networks"
            )
    return addresses[0]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class CallWebhook(RobotAction[WebhookParams]):
    name = "webhook.call"
    params = WebhookParams
    title: ClassVar[dict[str, str]] = {
        "ru": "Вызвать веб-хук",
        "en": "Call a webhook",
    }

    labels: ClassVar[dict[str, dict[str, str]]] = {
        "url": {"ru": "Адрес (http:// или https://)", "en": "Address (http:// or https://)"},
        "secret": {"ru": "Имя ключа подписи", "en": "Signing key name"},
        "method": {"ru": "Метод", "en": "Method"},
        "data": {"ru": "Дополнительные данные (JSON)", "en": "Extra data (JSON)"},
    }

    async def run(self, ctx: RobotContext, params: WebhookParams) -> ActionOutcome:
        secret = webhook_settings().secrets.get(params.secret)
        if secret is None:
            raise PermanentFailure(
                say(
                    ctx,
                    f"в [webhooks] secrets нет ключа {params.secret!r}",
                    f"[webhooks] secrets has no key {params.secret!r}",
                )
            )
        row = await appeal_row(ctx) if ctx.appeal_id is not None else None
        body = json.dumps(_payload(ctx, params, row), ensure_ascii=False, default=str).encode()
        parts = urlsplit(params.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        assert parts.hostname is not None
        ip = await checked_address(parts.hostname, port)
        if ctx.dry_run:
            return dry(ctx, f"вызов {params.url}", f"call {params.url}", address=str(ip))
        status = await _send(ctx, params, secret, body, str(ip))
        return outcome(
            ctx,
            f"веб-хук {params.url} — ответ {status}",
            f"webhook {params.url} — answered {status}",
            status=status,
        )


def _payload(ctx: RobotContext, params: WebhookParams, row: AppealRow | None) -> dict:
    appeal = None
    if row is not None:
        appeal = {
            k: getattr(row, k)
            for k in ("id", "number", "organization_id", "status", "priority", "tags", "channel")
        }
        appeal["assignee_id"] = row.assignee_id
    return {
        "rule_id": ctx.rule_id,
        "execution_id": ctx.execution_id,
        "organization_id": ctx.organization_id,
        "event_type": ctx.event_type,
        "event": ctx.event,
        "appeal": appeal,
        "data": params.data,
    }


async def _send(ctx: RobotContext, params: WebhookParams, secret: str, body: bytes, ip: str) -> int:
    import httpx

    settings = webhook_settings()
    url = httpx.URL(params.url)
    timestamp = str(int(time.time()))
    headers = {
        "Host": url.netloc.decode("ascii"),
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Unionline-Webhook/1",
        "X-Unionline-Timestamp": timestamp,
        "X-Unionline-Signature": sign(secret, timestamp, body),
        "X-Unionline-Delivery": ctx.idempotency_key,
    }
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    try:
        async with httpx.AsyncClient(
            follow_redirects=False, timeout=settings.timeout, trust_env=False
        ) as client:
            request = client.build_request(
                params.method,
                url.copy_with(host=ip),
                content=body,
                headers=headers,
                extensions=extensions,
            )
            response = await client.send(request)
            await response.aclose()
    except httpx.TimeoutException as exc:
        raise NotReady(f"webhook {params.url}: timed out") from exc
    except httpx.TransportError as exc:
        raise NotReady(f"webhook {params.url}: {type(exc).__name__}: {exc}") from exc
    return _judge(params.url, response)


def _judge(url: str, response: Any) -> int:
    code = int(response.status_code)
    if 200 <= code < 300:
        return code
    if code == 429 or code >= 500:
        retry = response.headers.get("Retry-After", "")
        raise NotReady(
            f"webhook {url}: HTTP {code}",
            retry_after=float(retry) if retry.isdigit() else None,
        )
    if 300 <= code < 400:
        raise PermanentFailure(f"webhook {url}: HTTP {code} redirect (redirects are not followed)")
    raise PermanentFailure(f"webhook {url}: HTTP {code}")
