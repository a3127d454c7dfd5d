"""Mail ingest: the fixture corpus (tests/channels/mail/fixtures) parsed and ingested, against
the standard library parsing the same messages alone.

* **parse** — ``unionline.channels.mail.parse.parse`` (headers, charset recovery, body choice,
  HTML sanitizing and conversion, trimming, attachments) over ``N`` messages.
  **Baseline**: ``email.message_from_bytes(raw, policy=email.policy.default)`` and the
  preferred body's ``get_content()`` over the same messages.
* **ingest** — ``ingest_raw`` of ``N`` messages into one mailbox: parse, dedup, threading,
  identity resolution, the appeal continued or opened, attachments stored, the raw message
  kept, one commit each (SQLite in a temporary directory; PostgreSQL when
  ``UNIONLINE_TEST_DATABASE_URL`` is set). Each message gets a unique Message-ID and one of
  ``SENDERS`` senders. **Baseline**: the stdlib parsing of the same messages, timed in
  chunks alternating with the ingest's (the machine's drift then falls on both alike).

N is 10,000 (1,000 with ``--quick``). Standalone: ``python -m benchmarks.mail_ingest [--quick]``.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import re
import sys
import tempfile
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "channels" / "mail" / "fixtures"
PARSE = "mail parse, messages/s (vs stdlib parsing)"
INGEST = "mail ingest, messages/s (vs stdlib parsing)"
# Throughput ratios value/baseline: our parse does charset recovery, sanitizing and trimming on
# top of the stdlib's parse; ingest adds a committed transaction per message (and the work its
# events start: routing, robots, the relay). 0.15 on SQLite needs its long-lived connections.
TARGETS = {PARSE: ">= 0.3", INGEST: ">= 0.15"}
SENDERS = 500
_MESSAGE_ID = re.compile(rb"(?im)^message-id:[^\r\n]*\r?\n")
_FROM = re.compile(rb"(?im)^from:[^\r\n]*\r?\n")


def corpus() -> list[bytes]:
    return [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))]


def messages(n: int) -> list[bytes]:
    """``n`` messages cycled from the corpus, each with its own Message-ID and a sender."""
    base = corpus()
    out = []
    for i in range(n):
        raw = base[i % len(base)]
        head, sep, body = raw.partition(b"\r\n\r\n")
        head = _MESSAGE_ID.sub(b"", head + b"\r\n").rstrip(b"\r\n")
        if b"MAILER-DAEMON" not in head:
            sender = f"From: member{i % SENDERS}@bench.example\r\n".encode()
            head = _FROM.sub(sender, head + b"\r\n", count=1).rstrip(b"\r\n")
        out.append(f"Message-ID: <bench-{i}@bench.example>\r\n".encode() + head + sep + body)
    return out


def stdlib_parse_one(raw: bytes) -> None:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
    if body is not None:
        with contextlib.suppress(LookupError, UnicodeError):
            body.get_content()


def parse_rates(raws: list[bytes], chunk: int = 50) -> tuple[float, float]:
    """(our parse, stdlib parse) in messages/s, timed in alternating chunks of the same
    messages, so that load from elsewhere on the machine falls on both alike."""
    from unionline.channels.mail.parse import parse

    ours = stdlib = 0.0
    for i in range(0, len(raws), chunk):
        part = raws[i : i + chunk]
        start = time.perf_counter()
        for raw in part:
            stdlib_parse_one(raw)
        middle = time.perf_counter()
        for raw in part:
            parse(raw)
        ours += time.perf_counter() - middle
        stdlib += middle - start
    return len(raws) / ours, len(raws) / stdlib


async def ingest(raws: list[bytes], url: str, files: Path, chunk: int = 50) -> tuple[float, float]:
    """(ingest, stdlib parse) in messages/s: ``chunk`` messages ingested, then the same parsed
    by the stdlib, in turn. The app's background work (relay, jobs) goes on through both."""
    import uuid

    from unionline.channels.mail.ingest import ingest_raw
    from unionline.testing.support import make_settings, running_app

    base = make_settings(url, plugins=["mail"], jobs={"poll_interval": 1.0})
    async with running_app(_settings(base, files), migrate=True) as h:
        org = await h.client.post(
            "/api/organizations/",
            headers=h.admin_headers,
            json={"name": "Профсоюз", "code": "PPO", "kind": "federation"},
        )
        account = await h.client.post(
            "/api/channel-accounts/",
            headers=h.admin_headers,
            json={"organization_id": org.json()["id"], "channel": "mail", "name": "Профком",
                  "config": {"address": "profkom@union.example"}},
        )  # fmt: skip
        if account.status_code != 201:
            raise RuntimeError(f"seeding failed: {account.status_code} {account.text}")
        account_id = uuid.UUID(account.json()["id"])
        stored, ours, stdlib = 0, 0.0, 0.0
        for i in range(0, len(raws), chunk):
            part = raws[i : i + chunk]
            start = time.perf_counter()
            for raw in part:
                outcome = await ingest_raw(account_id, raw, source="test")
                stored += outcome.stored
            middle = time.perf_counter()
            for raw in part:
                stdlib_parse_one(raw)
            stdlib += time.perf_counter() - middle
            ours += middle - start
    if stored != len(raws):
        raise RuntimeError(f"{len(raws) - stored} messages were not stored")
    return len(raws) / ours, len(raws) / stdlib


def _settings(base: object, files: Path) -> object:
    """``base`` with attachments stored under ``files`` (the ``[channels]`` section)."""
    import msgspec

    from unionline.channel.config import ChannelsSettings
    from unionline.channels.mail.settings import MailSettings
    from unionline.settings import settings_type

    data = msgspec.to_builtins(base)
    data["channels"] = {"attachments_dir": str(files)}
    return msgspec.convert(
        data, settings_type({"channels": ChannelsSettings, "mail": MailSettings})
    )


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    n = 1_000 if quick else 10_000
    raws = messages(n)
    parsed, baseline = parse_rates(raws)
    from unionline.testing.support import fresh_database, postgres_server_url

    # The database is made (and dropped) outside the event loop: fresh_database runs its own.
    with (
        tempfile.TemporaryDirectory() as tmp,
        fresh_database(Path(tmp), postgres_server_url()) as url,
    ):
        ingested, stdlib = asyncio.run(ingest(raws, url, Path(tmp) / "files"))
    return [(PARSE, parsed, baseline, "msg/s"), (INGEST, ingested, stdlib, "msg/s")]


if __name__ == "__main__":
    for name, value, base, unit in run("--quick" in sys.argv):
        print(f"{name}: {value:,.0f} {unit}; baseline {base:,.0f} {unit}; x{value / base:.3f}")
