"""«Проверить подключение» for a mailbox (issue #14): the SMTP server (a real aiosmtpd on
loopback, with and without AUTH and TLS) and the IMAP server (a real Dovecot) are logged in to
and the folder selected; each failure is said in an administrator's Russian."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from dovecot_support import Mailbox, create_mailbox_account, mail_test_settings, shared_dovecot
from mail_support import SmtpSink, certificate, free_port

from unionline.settings import Settings
from unionline.testing.support import AppHarness

SMTP_USER, SMTP_PASSWORD = "profkom", "smtp-secret"


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return mail_test_settings(unionline_settings, tmp_path)


@pytest.fixture
def mailbox() -> Mailbox:
    return shared_dovecot().new_mailbox()


@pytest.fixture
def smtp_port() -> Iterator[int]:
    """An SMTP server that wants a login (over plain text: a loopback test server)."""
    port = free_port()
    controller = Controller(
        SmtpSink(),
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def tls_port(tmp_path: Path) -> Iterator[int]:
    """An SMTP server with implicit TLS and a certificate nobody trusts."""
    cert, key = certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    port = free_port()
    controller = Controller(SmtpSink(), hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    yield port
    controller.stop()


async def checked(h: AppHarness, account: Any) -> dict[str, Any]:
    answer = await h.client.post(f"/api/channel-accounts/{account}/check", headers=h.admin_headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()["result"]
    return result


def smtp(port: int, **config: Any) -> dict[str, Any]:
    values = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": "none",
        "smtp_username": SMTP_USER,
    }
    return values | config


async def account_with(h: AppHarness, mailbox: Mailbox | None, smtp_password: str, **config: Any):
    account = await create_mailbox_account(h, mailbox=mailbox, **config)
    secrets = {"smtp_password": smtp_password}
    if mailbox is not None:
        secrets["imap_password"] = mailbox.password
    patched = await h.client.patch(
        f"/api/channel-accounts/{account}", headers=h.admin_headers, json={"secrets": secrets}
    )
    assert patched.status_code == 200, patched.text
    return account


async def test_a_working_mailbox_is_confirmed(
    unionline_app: AppHarness, mailbox: Mailbox, smtp_port: int
) -> None:
    mailbox.deliver(b"From: a@example.test\r\nSubject: x\r\n\r\nx\r\n")
    account = await account_with(unionline_app, mailbox, SMTP_PASSWORD, **smtp(smtp_port))
    result = await checked(unionline_app, account)
    assert result["ok"] is True and result["identity"] == "profkom@union.example"
    assert f"SMTP 127.0.0.1:{smtp_port}: вход выполнен" in result["detail"]
    assert "папка «INBOX» открыта (1 писем)" in result["detail"]
    assert rb"\Seen" not in mailbox.flags()[1]  # examined, not read


async def test_wrong_passwords_are_named(
    unionline_app: AppHarness, mailbox: Mailbox, smtp_port: int
) -> None:
    h = unionline_app
    account = await account_with(h, mailbox, "wrong", **smtp(smtp_port))
    await h.client.patch(
        f"/api/channel-accounts/{account}",
        headers=h.admin_headers,
        json={"secrets": {"imap_password": "wrong", "smtp_password": "wrong"}},
    )
    result = await checked(h, account)
    assert result["ok"] is False
    assert f"SMTP 127.0.0.1:{smtp_port}: неверное имя пользователя или пароль" in result["detail"]
    assert (
        f"IMAP 127.0.0.1:{mailbox.port}: неверное имя пользователя «{mailbox.user}» или пароль"
        in result["detail"]
    )


async def test_a_missing_folder_is_named_with_the_folders_there_are(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    account = await create_mailbox_account(unionline_app, mailbox=mailbox, imap_folder="Обращения")
    result = await checked(unionline_app, account)
    assert result["ok"] is False
    assert "нет папки «Обращения»; есть: «INBOX»" in result["detail"]
    assert "SMTP не настроен" not in result["detail"]  # only failures when something failed


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ({"smtp_port": "closed"}, "соединение отклонено"),
        ({"smtp_host": "no-such-host.invalid"}, "имя сервера не найдено"),
        ({"smtp_security": "ssl"}, "ошибка TLS: сервер на этом порту не говорит TLS"),
        ({"smtp_security": "starttls"}, "сервер не поддерживает STARTTLS"),
    ],
)
async def test_smtp_connection_failures_are_explained(
    unionline_app: AppHarness, smtp_port: int, config: dict[str, Any], said: str
) -> None:
    if config.get("smtp_port") == "closed":
        config = {"smtp_port": free_port()}
    account = await account_with(unionline_app, None, SMTP_PASSWORD, **smtp(smtp_port) | config)
    result = await checked(unionline_app, account)
    assert result["ok"] is False and said in result["detail"], result
    assert result["detail"].startswith("SMTP ")


async def test_an_untrusted_certificate_is_named(unionline_app: AppHarness, tls_port: int) -> None:
    config = smtp(tls_port, smtp_security="ssl", smtp_username="")
    account = await account_with(unionline_app, None, "", **config)
    result = await checked(unionline_app, account)
    assert result["ok"] is False
    assert "сертификат сервера не прошёл проверку" in result["detail"], result


async def test_imap_unreachable_and_tls_on_a_plain_port(
    unionline_app: AppHarness, mailbox: Mailbox
) -> None:
    h = unionline_app
    closed = await create_mailbox_account(h, mailbox=mailbox, imap_port=free_port())
    assert "соединение отклонено" in (await checked(h, closed))["detail"]
    tls = await create_mailbox_account(h, mailbox=mailbox, imap_security="ssl")
    assert "ошибка TLS: сервер на этом порту не говорит TLS" in (await checked(h, tls))["detail"]
    starttls = await create_mailbox_account(h, mailbox=mailbox, imap_security="starttls")
    assert "STARTTLS" in (await checked(h, starttls))["detail"]


async def test_a_mailbox_with_no_server_says_so(unionline_app: AppHarness) -> None:
    account = await create_mailbox_account(unionline_app)
    result = await checked(unionline_app, account)
    assert result == {
        "ok": False,
        "identity": "",
        "detail": "Не указаны ни сервер исходящей почты (SMTP), ни входящей (IMAP)",
    }
