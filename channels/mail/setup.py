"""«Проверить подключение» for a mailbox: log in to its SMTP server (where replies go) and to its
IMAP server, selecting the folder read, and say in an administrator's words what failed —
the host not found or not answering, TLS refused or a certificate not trusted, a wrong login
or password, no such folder. Nothing is sent and no mail is read or flagged."""

from __future__ import annotations

import asyncio
import socket
import ssl
from typing import TYPE_CHECKING

import aiosmtplib
from imapclient.exceptions import IMAPClientError, LoginError

from unionline.channel import CheckResult

if TYPE_CHECKING:
    from unionline.channels.mail.channel import Account

TIMEOUT = 15.0  # seconds each server may take (the console's check waits a little longer)


async def check(account: Account) -> CheckResult:
    c = account.config
    if not c.smtp_host and not c.imap_host:
        return CheckResult(
            ok=False, detail="Не указаны ни сервер исходящей почты (SMTP), ни входящей (IMAP)"
        )
    probes = [
        probe(account) for host, probe in ((c.smtp_host, _smtp), (c.imap_host, _imap)) if host
    ]
    answers = await asyncio.gather(*probes)  # at once: the console waits for both
    failures = [failure for failure, _ in answers if failure]
    notes = [note for _, note in answers if note]
    if not c.imap_host:
        notes.append("IMAP не настроен: письма принимает unionline smtpd или HTTP-адрес")
    if not c.smtp_host:
        notes.append("SMTP не настроен: ответы из консоли отправить не получится")
    if failures:
        return CheckResult(ok=False, identity=c.address, detail="; ".join(failures))
    return CheckResult(ok=True, identity=c.address, detail="; ".join(notes))


# -- SMTP -------------------------------------------------------------------------------------


async def _smtp(account: Account) -> tuple[str | None, str | None]:
    """(what failed, or None; what was checked)."""
    c = account.config
    where = f"SMTP {c.smtp_host}:{c.smtp_port}"
    client = aiosmtplib.SMTP(
        hostname=c.smtp_host,
        port=c.smtp_port,
        use_tls=c.smtp_security == "ssl",
        start_tls=c.smtp_security == "starttls",
        timeout=TIMEOUT,
    )
    try:
        await client.connect()
        if c.smtp_username:
            await client.login(c.smtp_username, account.secrets.smtp_password)
    except Exception as exc:  # every refusal becomes words; nothing is raised to the console
        return f"{where}: {_smtp_reason(exc, c.smtp_security)}", None
    finally:
        client.close()
    return None, f"{where}: вход выполнен" if c.smtp_username else f"{where}: сервер отвечает"


def _smtp_reason(exc: BaseException, security: str) -> str:
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return f"неверное имя пользователя или пароль (ответ сервера: {exc.code} {exc.message})"
    if isinstance(exc, aiosmtplib.SMTPNotSupported) or "STARTTLS extension" in str(exc):
        return "сервер не поддерживает STARTTLS — выберите другое шифрование или порт"
    if "AUTH extension" in str(exc):
        return (
            "сервер не принимает вход на этом порту без шифрования — включите STARTTLS или "
            "TLS (обычно порт 587 или 465)"
        )
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return f"сервер не ответил за {TIMEOUT:.0f} с — проверьте адрес, порт и брандмауэр"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"сервер отказал: {exc.code} {exc.message}"
    return _network_reason(exc, security)


# -- IMAP -------------------------------------------------------------------------------------


async def _imap(account: Account) -> tuple[str | None, str | None]:
    c = account.config
    where = f"IMAP {c.imap_host}:{c.imap_port}"
    try:
        count = await asyncio.to_thread(_imap_login, account)
    except Exception as exc:
        return f"{where}: {_imap_reason(exc, account)}", None
    return None, f"{where}: вход выполнен, папка «{c.imap_folder}» открыта ({count} писем)"


def _imap_login(account: Account) -> int:
    """Log in and examine the folder (read-only: nothing is marked); its message count."""
    from imapclient import IMAPClient

    c = account.config
    context = ssl.create_default_context()
    with IMAPClient(
        c.imap_host,
        port=c.imap_port,
        ssl=c.imap_security == "ssl",
        ssl_context=context if c.imap_security == "ssl" else None,
        timeout=TIMEOUT,
    ) as client:
        if c.imap_security == "starttls":
            client.starttls(context)
        client.login(c.imap_username or c.address, account.secrets.imap_password)
        try:
            info = client.select_folder(c.imap_folder, readonly=True)
        except IMAPClientError as exc:
            raise _NoFolder(_folders(client)) from exc
        return int(info.get(b"EXISTS", 0))


class _NoFolder(Exception):
    """The folder could not be selected; ``args[0]`` names the folders there are."""


def _folders(client: object) -> list[str]:
    try:
        listed = client.list_folders()  # type: ignore[attr-defined]
    except Exception:
        return []
    return [str(name) for _flags, _delimiter, name in listed][:15]


def _imap_reason(exc: BaseException, account: Account) -> str:
    c = account.config
    if isinstance(exc, LoginError):
        user = c.imap_username or c.address
        return f"неверное имя пользователя «{user}» или пароль"
    if isinstance(exc, _NoFolder):
        there = ", ".join(f"«{name}»" for name in exc.args[0])
        return f"нет папки «{c.imap_folder}»" + (f"; есть: {there}" if there else "")
    if isinstance(exc, IMAPClientError) and "STARTTLS" in str(exc).upper():
        return "сервер не поддерживает STARTTLS — выберите другое шифрование или порт"
    if isinstance(exc, IMAPClientError):
        return f"сервер отказал: {exc}"[:300]
    return _network_reason(exc, c.imap_security)


# -- what both have in common -----------------------------------------------------------------


def _network_reason(exc: BaseException, security: str) -> str:
    """Why a connection failed, whichever library wrapped the error."""
    cause = _root(exc)
    text = str(cause)
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
        reason = getattr(cause, "verify_message", "") or text
        return f"сертификат сервера не прошёл проверку ({reason})"
    if isinstance(cause, ssl.SSLError) or "SSL" in text:
        hint = (
            "сервер на этом порту не говорит TLS — для TLS обычно порт 465 (SMTP) или 993 "
            "(IMAP), для STARTTLS — 587 или 143"
            if security == "ssl"
            else "TLS-соединение не установилось"
        )
        return f"ошибка TLS: {hint}"
    if isinstance(cause, socket.gaierror) or "Name or service not known" in text:
        return "имя сервера не найдено — проверьте адрес"
    if isinstance(cause, ConnectionRefusedError) or "Connect call failed" in text:
        return "соединение отклонено — на этом порту сервер не принимает подключения"
    if isinstance(cause, TimeoutError | socket.timeout) or "timed out" in text.lower():
        return f"сервер не ответил за {TIMEOUT:.0f} с — проверьте адрес, порт и брандмауэр"
    if isinstance(cause, OSError):
        return f"сервер недоступен ({cause.strerror or text})"
    return f"{type(cause).__name__}: {text}"[:300]


def _root(exc: BaseException) -> BaseException:
    seen = {id(exc)}
    while exc.__cause__ is not None and id(exc.__cause__) not in seen:
        exc = exc.__cause__
        seen.add(id(exc))
    return exc
