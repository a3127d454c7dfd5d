"""``unionline.channel.update_entry`` and ``discard_attachment`` through the reference channel
(SQLite, and PostgreSQL with UNIONLINE_TEST_DATABASE_URL): a channel's own entry rewritten in
place with a file added, consoles told by ``appeal.message_updated``; a file's bytes dropped
past retention."""

from __future__ import annotations

from typing import Any

from channel_support import message, reference_fixtures, signed_call

from unionline.channel import Attachment, discard_attachment, load_account, update_entry
from unionline.testing.channel_contract import ContractEnv

unionline_settings, env = reference_fixtures()


async def test_entry_rewritten_in_place_with_a_file(env: ContractEnv) -> None:
    response = await env.post(signed_call(env.account, message("u1", "501", "Звонок")))
    assert response.status_code == 200, response.text
    account = await load_account(env.account.id)

    def rewrite(body: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return body + " · отвечен", {**data, "call": {"state": "ended\x00"}}

    audio = Attachment(filename="rec.mp3", content_type="audio/mpeg", data=b"ID3" + b"\x00" * 20)
    updated = await update_entry(account, "u1", rewrite, attachments_added=[audio])
    assert updated is not None
    assert updated.body == "Звонок · отвечен"
    assert updated.data["call"] == {"state": "ended"}  # through storable: no NUL
    [file] = updated.data["attachments"]
    assert file["content_type"] == "audio/mpeg" and file["status"] == "stored"
    assert await update_entry(account, "no-such", rewrite) is None
    await env.harness.settle()
    log = env.harness.runtime.events
    found = [log.decode(e) for e in await log.read_after(0, limit=10_000)]
    changes = [getattr(e, "change", None) for e in found if type(e).__name__ == "MessageUpdated"]
    assert changes == ["updated"]
    async with env.db.transaction():
        sha = await discard_attachment(file["id"], "срок хранения истёк")
    assert sha
    row = await env.db.fetchone(
        "SELECT status, error, sha256 FROM channel_attachment WHERE id = {}", file["id"]
    )
    assert row["status"] == "rejected" and row["sha256"] is None
    assert row["error"] == "срок хранения истёк"
