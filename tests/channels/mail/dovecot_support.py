"""A throwaway Dovecot IMAP server for the mail channel's tests (Debian's ``dovecot-imapd``).

One server per test process, started on first use on a free loopback port with a private
configuration (nothing under /etc/dovecot is read) and stopped when the process exits. Any user
name logs in with :data:`PASSWORD` (a static passdb), so each test takes a fresh mailbox by
picking a new user name — no test sees another's mail. ``scripts/test`` installs the package;
without it a test is skipped on a developer machine and fails under ``CI=true``.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imapclient import IMAPClient

PASSWORD = "mailbox-secret"
HOST = "127.0.0.1"
_SERVER: Dovecot | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the server gets SIGTERM when the test process dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")


class Dovecot:
    """A running Dovecot with IMAP on a loopback port."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.dir = Path(tempfile.mkdtemp(prefix="ul-dovecot-"))
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def _config(self) -> str:
        mail = self.dir / "mail"
        mail.mkdir()
        user = "nobody" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        group = "nogroup" if os.geteuid() == 0 else str(os.getegid())
        if os.geteuid() == 0:  # mail is kept as nobody (uid 0 is below first_valid_uid)
            os.chmod(self.dir, 0o711)
            shutil.chown(mail, "nobody", "nogroup")
        unprivileged = (
            ""
            if os.geteuid() == 0
            else f"default_login_user = {user}\ndefault_internal_user = {user}\n"
            f"first_valid_uid = {os.geteuid()}\n"
        )
        return f"""base_dir = {self.dir}/run
state_dir = {self.dir}/state
log_path = {self.dir}/dovecot.log
protocols = imap
listen = {HOST}
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
{unprivileged}passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {self.port}
  }}
}}
"""

    def start(self) -> None:
        conf = self.dir / "dovecot.conf"
        conf.write_text(self._config(), encoding="utf-8")
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.log()}")
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(10)
            if self.process.poll() is None:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- what a test does with it ------------------------------------------------------

    def new_mailbox(self) -> Mailbox:
        return Mailbox(self, f"u{uuid.uuid4().hex[:12]}")


class Mailbox:
    """One user's mailbox: deliver to it and look at it as another mail client would."""

    def __init__(self, server: Dovecot, user: str) -> None:
        self.server = server
        self.user = user
        self.password = PASSWORD
        self.host = HOST
        self.port = server.port

    @contextlib.contextmanager
    def client(self, folder: str | None = "INBOX") -> Iterator[IMAPClient]:
        """A logged-in IMAP client (another mail program), the folder selected."""
        with IMAPClient(self.host, port=self.port, ssl=False, timeout=10) as c:
            c.login(self.user, self.password)
            if folder:
                c.select_folder(folder)
            yield c

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> list[int]:
        """Land messages as an MTA would (APPEND, no flags); returns their UIDs."""
        uids = []
        with self.client(None) as c:
            if not c.folder_exists(folder):
                c.create_folder(folder)
            for raw in messages:
                answer = c.append(folder, raw)  # b"[APPENDUID <uidvalidity> <uid>] ..."
                uids.append(int(answer.split(b"]")[0].split()[-1]))
        return uids

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.client(folder) as c:
            return {uid: tuple(f) for uid, f in c.get_flags(c.search("ALL")).items()}

    def subjects(self, folder: str) -> list[str]:
        import email
        import email.policy

        with self.client(None) as c:
            if not c.folder_exists(folder):
                return []
            c.select_folder(folder, readonly=True)
            fetched = c.fetch(c.search("ALL"), ["BODY.PEEK[HEADER]"])
        heads = [
            email.message_from_bytes(v[b"BODY[HEADER]"], policy=email.policy.default)
            for v in fetched.values()
        ]
        return [str(h["Subject"]) for h in heads]


def shared_dovecot() -> Dovecot:
    """The test process's Dovecot, started on first call; skip (fail under CI) if missing."""
    global _SERVER
    from unionline.testing.support import in_ci

    if _SERVER is not None:
        return _SERVER
    binary = dovecot_binary()
    if binary is None:
        import pytest

        message = "dovecot is not installed (Debian: apt-get install dovecot-imapd)"
        if in_ci():
            pytest.fail(f"{message}; under CI=true a missing service is a failure")
        pytest.skip(message)
    server = Dovecot(binary)
    server.start()
    atexit.register(server.stop)
    _SERVER = server
    return server


# -- the app side: a mail-enabled app, a mailbox account, what got stored ---------------------


def mail_test_settings(settings: Any, tmp_path: Path, **mail: Any) -> Any:
    """``settings`` with the mail plugin enabled and ``[mail]`` set to ``mail``."""
    import msgspec

    from unionline.channel.config import ChannelsSettings
    from unionline.channels.mail.settings import MailSettings
    from unionline.settings import settings_type

    data = msgspec.to_builtins(settings)
    data["plugins"] = [*data.get("plugins", []), "mail"]
    data["channels"] = {"attachments_dir": str(tmp_path / "attachments")}
    data["mail"] = mail
    kind = settings_type({"channels": ChannelsSettings, "mail": MailSettings})
    return msgspec.convert(data, kind)


async def create_mailbox_account(
    h: Any, *, mailbox: Mailbox | None = None, password: str | None = None, **config: Any
) -> uuid.UUID:
    """An organization and a mail account through the admin API; IMAP points at ``mailbox``."""
    org = await h.client.post(
        "/api/organizations/",
        headers=h.admin_headers,
        json={
            "name": "Первичная профсоюзная организация",
            "code": f"PPO{uuid.uuid4().hex[:6].upper()}",
            "kind": "federation",
        },
    )
    assert org.status_code == 201, org.text
    values: dict[str, Any] = {"address": "profkom@union.example"}
    secrets: dict[str, Any] = {}
    if mailbox is not None:
        values |= {
            "imap_host": mailbox.host,
            "imap_port": mailbox.port,
            "imap_security": "none",
            "imap_username": mailbox.user,
            "imap_poll_seconds": 300,  # only IDLE (or a restart) can explain mail coming in
        }
        secrets["imap_password"] = mailbox.password if password is None else password
    created = await h.client.post(
        "/api/channel-accounts/",
        headers=h.admin_headers,
        json={
            "organization_id": org.json()["id"],
            "channel": "mail",
            "name": "Почта профкома",
            "config": values | config,
            "secrets": secrets,
        },
    )
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"])


async def stored_mail(account_id: uuid.UUID) -> list[dict[str, Any]]:
    """Inbound ``mail_message`` rows of the account, oldest first."""
    from unionline.channels.mail.tables import MailMessage as M

    return await (
        M.select(M.message_id, M.subject, M.appeal_id, M.source, M.source_ref, M.raw)
        .where((M.account_id == account_id) & (M.direction == "in"))
        .order_by(M.created_at)
    )


async def wait_until(check: Any, *, timeout: float = 30.0, what: str = "condition") -> Any:
    """Await ``check()`` until it returns something truthy; fail after ``timeout`` seconds
    (a generous bound for a slow machine, not a speed claim)."""
    import asyncio

    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def first_line(path: Path, process: subprocess.Popen[bytes], stderr: Path) -> str | None:
    """The first whole line a child process wrote to ``path`` (its stdout), or None while it
    has not; a child that exited first fails with its ``stderr`` file. A child's output goes
    to files, never to pipes nobody reads while it runs: a full pipe blocks the child."""
    text = path.read_bytes().decode(errors="replace")
    if "\n" in text:
        return text.split("\n", 1)[0].strip()
    if process.poll() is not None:
        raise AssertionError(
            f"exited with {process.returncode}: {stderr.read_text(errors='replace')[-2000:]}"
        )
    return None


def letter(subject: str, *, sender: str = "ivan.petrov@example.test", body: str = "") -> bytes:
    """A member's e-mail, as an MTA would deliver it (with a Message-ID)."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    m = EmailMessage()
    m["From"] = f"Иван Петров <{sender}>"
    m["To"] = "profkom@union.example"
    m["Subject"] = subject
    m["Date"] = formatdate(localtime=True)
    m["Message-ID"] = make_msgid(domain="example.test")
    m.set_content(body or f"Текст обращения: {subject}")
    return m.as_bytes()
