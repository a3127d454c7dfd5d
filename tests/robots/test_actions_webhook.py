"""``webhook.call`` against a real HTTP server on loopback: a signed body, the SSRF guard
(loopback refused unless an administrator allows it), retries on 5xx, no redirects followed."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec
import pytest
from actions_support import context, fixtures, member_writes, run
from appeals_support import make_org

from unionline.errors import NotReady, PermanentFailure
from unionline.robots.actions.webhook import WebhookParams, refusal

SECRET = "webhook-signing-key-0123456789"
ALLOWED = {"webhooks": {"allow_networks": ["127.0.0.0/8"], "secrets": {"crm": SECRET}}}
unionline_settings, env = fixtures(**ALLOWED)


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.calls: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, str]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/unionline?x=1"


class Handler(BaseHTTPRequestHandler):
    server: Receiver

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.calls.append(
            {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
        )
        status, headers = self.server.answers.pop(0) if self.server.answers else (200, {})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_GET = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_signed_call_the_receiver_can_verify(env, receiver) -> None:
    row = await member_writes(env, "Вопрос о зарплате")
    ctx = context(env, row["appeal_id"], event_type="appeal.created", event={"a": 1})
    params = {"url": receiver.url, "secret": "crm", "data": {"source": "робот"}}
    done = await run("webhook.call", ctx, params)
    assert done.data["status"] == 200
    call = receiver.calls[0]
    assert (call["method"], call["path"]) == ("POST", "/hooks/unionline?x=1")
    headers = call["headers"]
    timestamp = headers["X-Unionline-Timestamp"]
    expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + call["body"], hashlib.sha256)
    assert headers["X-Unionline-Signature"] == "sha256=" + expected.hexdigest()
    assert abs(int(timestamp) - time.time()) < 300
    assert headers["Host"] == f"127.0.0.1:{receiver.server_address[1]}"
    assert headers["X-Unionline-Delivery"] == ctx.idempotency_key
    body = json.loads(call["body"])
    assert body["appeal"]["number"].startswith("PPO-") and body["data"] == {"source": "робот"}
    assert body["event_type"] == "appeal.created" and body["event"] == {"a": 1}


async def test_server_errors_retry_client_errors_do_not(env, receiver) -> None:
    row = await member_writes(env, "Вопрос")
    params = {"url": receiver.url, "secret": "crm"}
    receiver.answers = [(503, {"Retry-After": "7"}), (404, {}), (302, {"Location": "/else"})]
    with pytest.raises(NotReady) as busy:
        await run("webhook.call", context(env, row["appeal_id"]), params)
    assert busy.value.retry_after == 7
    with pytest.raises(PermanentFailure, match="HTTP 404"):
        await run("webhook.call", context(env, row["appeal_id"]), params)
    with pytest.raises(PermanentFailure, match="redirects are not followed"):
        await run("webhook.call", context(env, row["appeal_id"]), params)
    assert [c["path"] for c in receiver.calls] == ["/hooks/unionline?x=1"] * 3  # never /else


async def test_dry_run_calls_nothing_and_unknown_secret_fails(env, receiver) -> None:
    row = await member_writes(env, "Вопрос")
    params = {"url": receiver.url, "secret": "crm"}
    preview = await run("webhook.call", context(env, row["appeal_id"], dry_run=True), params)
    assert preview.data["dry_run"] and receiver.calls == []
    with pytest.raises(PermanentFailure, match="нет ключа 'erp'"):
        await run("webhook.call", context(env, row["appeal_id"]), {**params, "secret": "erp"})


async def test_a_timeout_is_retried(env) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        h = env.harness
        h.runtime.settings.webhooks.timeout = 0.3
        row = await member_writes(env, "Вопрос")
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        with pytest.raises(NotReady, match="timed out"):
            await run("webhook.call", context(env, row["appeal_id"]), {"url": url, "secret": "crm"})
    finally:
        listener.close()


def test_params_refuse_other_schemes_and_credentials() -> None:
    for url in ("ftp://example.org/x", "file:///etc/passwd", "https://user:pw@example.org/"):
        with pytest.raises(msgspec.ValidationError, match="url"):
            msgspec.convert({"url": url, "secret": "crm"}, WebhookParams)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
        ("64:ff9b::7f00:1", "loopback"),  # NAT64
        ("2002:7f00:1::", "loopback"),  # 6to4
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("fc00::5", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "not public"),  # carrier-grade NAT
        ("8.8.8.8", None),
        ("2a00:1450:4010:c0e::8b", None),
    ],
)
def test_ssrf_guard(address: str, why: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == why


async def test_loopback_is_refused_without_the_allowance(env, receiver) -> None:
    h = env.harness
    h.runtime.settings.webhooks.allow_networks = []  # as configured by default
    row = await member_writes(env, "Вопрос")
    for host in (receiver.url, receiver.url.replace("127.0.0.1", "localhost")):
        with pytest.raises(PermanentFailure, match=r"resolves to .*\(loopback\)"):
            await run(
                "webhook.call", context(env, row["appeal_id"]), {"url": host, "secret": "crm"}
            )
    assert receiver.calls == []
    other = await make_org(h, "OTH")
    with pytest.raises(PermanentFailure, match="вне организации правила"):
        await run(
            "webhook.call",
            context(env, row["appeal_id"], organization_id=other),
            {"url": receiver.url, "secret": "crm"},
        )
