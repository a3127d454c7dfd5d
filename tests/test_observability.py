"""Access logs keep a request's path and its parameter names, never the values: searches carry
members' names and phones."""

from __future__ import annotations

import logging

import pytest

from unionline.observability import configure_logging, redact_query
from unionline.settings import LogSettings


@pytest.fixture
def server_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    configure_logging(LogSettings(level="INFO"))
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    return caplog


def test_a_search_in_the_access_log_keeps_the_parameter_names_only(
    server_logs: pytest.LogCaptureFixture,
) -> None:
    # The exact call uvicorn's HTTP protocol makes for each response.
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        "/api/members/?q=%D0%98%D0%B2%D0%B0%D0%BD+79161234567&limit=5",
        "1.1",
        200,
    )
    line = server_logs.records[-1].getMessage()
    assert line == '127.0.0.1:5000 - "GET /api/members/?q=…&limit=… HTTP/1.1" 200'


def test_a_websocket_line_is_redacted_too(server_logs: pytest.LogCaptureFixture) -> None:
    logging.getLogger("uvicorn.error").info(
        '%s - "WebSocket %s" [accepted]', "127.0.0.1:5000", "/ws/widget?token=secret"
    )
    assert "secret" not in server_logs.records[-1].getMessage()


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/api/appeals/?q=Петров&status=new&status=open", "/api/appeals/?q=…&status=…&status=…"),
        ("/api/members/?Иван", "/api/members/?…=…"),
        ("/api/members/?", "/api/members/?…"),
    ],
)
def test_redact_query(path: str, logged: str) -> None:
    assert redact_query(path) == logged
