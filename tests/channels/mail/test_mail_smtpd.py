"""``unionline smtpd``: the union's MTA hands mail over by SMTP or LMTP; 250 means stored."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiosmtplib
import pytest
from cli_runner import TEST_SECRET
from dovecot_support import (
    create_mailbox_account,
    first_line,
    letter,
    mail_test_settings,
    stored_mail,
    wait_until,
)

from unionline.channels.mail import ingest
from unionline.channels.mail.smtpd import serve
from unionline.settings import Settings
from unionline.testing.server import free_port
from unionline.testing.support import AppHarness

RECIPIENTS = ["profkom@union.example", "help@union.example"]


@pytest.fixture
def unionline_settings(unionline_settings: Settings, tmp_path: Path) -> Settings:
    return mail_test_settings(unionline_settings, tmp_path)


@pytest.fixture
async def smtpd(unionline_app: AppHarness) -> AsyncIterator[int]:
    port = free_port()
    async with serve("127.0.0.1", port):
        yield port


@pytest.fixture
async def lmtpd(unionline_app: AppHarness) -> AsyncIterator[int]:
    port = free_port()
    async with serve("127.0.0.1", port, lmtp=True):
        yield port


async def send(port: int, raw: bytes, recipients: list[str]) -> dict[str, tuple[int, str]]:
    errors, _ = await aiosmtplib.send(
        raw,
        hostname="127.0.0.1",
        port=port,
        sender="ivan.petrov@example.test",
        recipients=recipients,
        timeout=30,
    )
    return {k: (v.code, v.message) for k, v in errors.items()}


async def test_mail_to_a_known_recipient_is_stored_before_250(
    unionline_app: AppHarness, smtpd: int
) -> None:
    account = await create_mailbox_account(unionline_app, smtp_recipients=RECIPIENTS)
    errors = await send(smtpd, letter("Вопрос о зарплате"), ["Profkom@Union.Example"])
    assert errors == {}
    (row,) = await stored_mail(account)  # stored by the time the client got its 250
    assert row["subject"] == "Вопрос о зарплате" and row["source"] == "smtp"
    assert row["appeal_id"] is not None
    assert row["raw"].startswith(b"Return-Path: <ivan.petrov@example.test>\r\nReceived: from ")


async def test_an_unknown_recipient_is_refused_at_rcpt(
    unionline_app: AppHarness, smtpd: int
) -> None:
    account = await create_mailbox_account(unionline_app, smtp_recipients=RECIPIENTS)
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await send(smtpd, letter("Никому"), ["nobody@union.example"])
    assert [e.code for e in refused.value.recipients] == [550]
    errors = await send(smtpd, letter("Кому-то"), ["stranger@union.example", "help@union.example"])
    assert list(errors) == ["stranger@union.example"] and errors["stranger@union.example"][0] == 550
    assert [r["subject"] for r in await stored_mail(account)] == ["Кому-то"]


async def test_mail_over_the_mailbox_limit_is_refused_with_552(
    unionline_app: AppHarness, smtpd: int
) -> None:
    account = await create_mailbox_account(
        unionline_app, smtp_recipients=RECIPIENTS, max_message_bytes=2048
    )
    big = letter("Большое вложение", body="Очень длинное письмо. " * 200)
    with pytest.raises((aiosmtplib.SMTPDataError, aiosmtplib.SMTPRecipientsRefused)) as refused:
        await send(smtpd, big, RECIPIENTS[:1])
    error = refused.value
    codes = [e.code for e in error.recipients] if hasattr(error, "recipients") else [error.code]
    assert codes == [552]
    assert await stored_mail(account) == []
    assert await send(smtpd, letter("Коротко"), RECIPIENTS[:1]) == {}


async def test_a_temporary_failure_is_451_and_the_retry_is_stored_once(
    unionline_app: AppHarness, smtpd: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = await create_mailbox_account(unionline_app, smtp_recipients=RECIPIENTS)
    real = ingest._ingest
    failures = [ConnectionResetError("database connection lost")]

    async def database_away(*args: object) -> ingest.IngestOutcome:
        if failures:
            raise failures.pop()
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "_ingest", database_away)
    raw = letter("Повторная доставка")
    with pytest.raises(aiosmtplib.SMTPDataError) as failed:
        await send(smtpd, raw, RECIPIENTS)
    assert failed.value.code == 451
    assert await stored_mail(account) == []
    assert await send(smtpd, raw, RECIPIENTS) == {}  # the MTA tries again later
    assert await send(smtpd, raw, RECIPIENTS) == {}  # and once more, say after a timeout
    assert [r["subject"] for r in await stored_mail(account)] == ["Повторная доставка"]


async def lmtp_session(port: int, recipients: list[str], raw: bytes) -> list[str]:
    """A minimal LMTP client (smtplib reads one DATA answer; LMTP gives one per recipient)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def answer() -> list[str]:
        lines = []
        while True:
            line = (await reader.readline()).decode().rstrip("\r\n")
            lines.append(line)
            if line[3:4] != "-":
                return lines

    async def command(text: str) -> str:
        writer.write(text.encode() + b"\r\n")
        return (await answer())[-1]

    try:
        await answer()  # greeting
        assert (await command("LHLO mx.union.example")).startswith("250")
        assert (await command("MAIL FROM:<ivan.petrov@example.test>")).startswith("250")
        rcpt = [await command(f"RCPT TO:<{r}>") for r in recipients]
        assert all(r.startswith("250") for r in rcpt), rcpt
        assert (await command("DATA")).startswith("354")
        body = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").replace(b"\r\n.", b"\r\n..")
        writer.write(body + b"\r\n.\r\n")
        results = [(await answer())[-1] for _ in recipients]
        await command("QUIT")
        return results
    finally:
        writer.close()


async def test_lmtp_answers_each_recipient(unionline_app: AppHarness, lmtpd: int) -> None:
    roomy = await create_mailbox_account(unionline_app, smtp_recipients=["profkom@union.example"])
    small = await create_mailbox_account(
        unionline_app, smtp_recipients=["kassa@union.example"], max_message_bytes=2048
    )
    raw = letter("Для двоих", body="Письмо побольше. " * 200)
    answers = await lmtp_session(lmtpd, ["profkom@union.example", "kassa@union.example"], raw)
    assert [a[:3] for a in answers] == ["250", "552"]
    assert [(r["subject"], r["source"]) for r in await stored_mail(roomy)] == [
        ("Для двоих", "lmtp")
    ]
    assert await stored_mail(small) == []


async def test_one_message_for_two_addresses_of_one_mailbox_is_stored_once(
    unionline_app: AppHarness, smtpd: int
) -> None:
    account = await create_mailbox_account(unionline_app, smtp_recipients=RECIPIENTS)
    assert await send(smtpd, letter("Обоим адресам"), RECIPIENTS) == {}
    assert len(await stored_mail(account)) == 1


async def test_a_disabled_mailbox_takes_no_mail(unionline_app: AppHarness, smtpd: int) -> None:
    account = await create_mailbox_account(unionline_app, smtp_recipients=["old@union.example"])
    disabled = await unionline_app.client.post(
        f"/api/channel-accounts/{account}/disable", headers=unionline_app.admin_headers
    )
    assert disabled.status_code in (200, 201), disabled.text
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await send(smtpd, letter("В никуда"), ["old@union.example"])
    assert await stored_mail(uuid.UUID(str(account))) == []


async def test_the_smtpd_command_serves_until_terminated(
    unionline_app: AppHarness, tmp_path: Path
) -> None:
    account = await create_mailbox_account(unionline_app, smtp_recipients=RECIPIENTS)
    port = free_port()
    config = tmp_path / "unionline.toml"
    config.write_text(
        f'secret_key = "{TEST_SECRET}"\n'
        f"database_url = {json.dumps(unionline_app.runtime.settings.database_url)}\n"
        'plugins = ["mail"]\n'
        f"[mail]\nsmtpd_port = {port}\n"
        '[log]\nlevel = "WARNING"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNIONLINE_")}
    env["UNIONLINE_CONFIG"] = str(config)
    # Its output goes to files, not pipes: a pipe nobody reads while it serves fills up and
    # blocks the server's next write (a stall, not a failure).
    out, err = tmp_path / "smtpd.out", tmp_path / "smtpd.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "unionline", "smtpd", "--lmtp"],
            cwd=tmp_path,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        line = await wait_until(lambda: first_line(out, server, err), what="smtpd's readiness line")
        assert line == f"receiving mail by LMTP on 127.0.0.1:{port}", line
        answers = await lmtp_session(port, ["help@union.example"], letter("Через MTA"))
        assert [a[:3] for a in answers] == ["250"]
        assert [r["subject"] for r in await stored_mail(account)] == ["Через MTA"]
        server.send_signal(signal.SIGTERM)
        # Not on the event loop: the test's own app must go on (it shares the SQLite file).
        await asyncio.to_thread(server.wait, 30)
    finally:
        server.kill()
    assert server.returncode == 0, err.read_text(errors="replace")
