"""Logs with a request id, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeGuard
from urllib.parse import parse_qsl

from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from unionline.settings import LogSettings

request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


_PARAMETER_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]{0,63}")
# uvicorn's loggers that write a request's path with its query string into the line.
ACCESS_LOGGERS = ("uvicorn.access", "uvicorn.error")


class QueryRedactingFilter(logging.Filter):
    """Keep a query's parameter names in access logs but never their values: searches carry
    members' names and phones (``q``), and cursors encode the name they stopped at."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_has_query(a) for a in record.args):
            record.args = tuple(redact_query(a) if _has_query(a) else a for a in record.args)
        return True


def _has_query(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith("/") and "?" in value


def redact_query(path: str) -> str:
    """``/api/members/?q=Иван&limit=5`` → ``/api/members/?q=…&limit=…``."""
    base, _, query = path.partition("?")
    names = [
        name if _PARAMETER_NAME.fullmatch(name) else "…"
        for name, _ in parse_qsl(query, keep_blank_values=True)
    ]
    return f"{base}?{'&'.join(f'{name}=…' for name in names)}" if names else f"{base}?…"


def configure_logging(settings: LogSettings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if settings.format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    root = logging.getLogger("unionline")
    root.handlers = [handler]
    root.setLevel(settings.level.upper())
    root.propagate = False
    for name in ACCESS_LOGGERS:
        server_log = logging.getLogger(name)
        if not any(isinstance(f, QueryRedactingFilter) for f in server_log.filters):
            server_log.addFilter(QueryRedactingFilter())


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Take ``X-Request-ID`` from the client (or make one), log with it, echo it back."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given[:64] if given.isprintable() and given else uuid.uuid4().hex
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)

    return middleware


def prometheus() -> tuple[PrometheusConfig, type[PrometheusController]]:
    config = PrometheusConfig(
        app_name="unionline", prefix="unionline", group_path=True, exclude=["/metrics", "/health"]
    )

    class Metrics(PrometheusController):
        path = "/metrics"
        include_in_schema = False

    return config, Metrics
