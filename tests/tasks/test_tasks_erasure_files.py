"""A member's erasure and the files of tasks about them: the bytes are released only once the
erasure has committed — a rolled-back erasure leaves the file row with its bytes (before, the
section deleted the bytes inside the transaction, so a rollback left a row whose bytes were
gone), a committed one deletes them."""

from __future__ import annotations

import uuid

import pytest
from appeals_support import make_member
from tasks_support import Staff

import unionline.privacy.erase as erasure
from unionline import actor_for
from unionline.channel import storage
from unionline.runtime import current
from unionline.testing import AppHarness

pytestmark = pytest.mark.unionline_plugins("tasks")


class Refused(Exception):
    """Fails the erasure after every section has erased: its transaction rolls back."""


async def test_task_files_outlive_a_rolled_back_erasure_and_not_a_committed_one(
    unionline_app: AppHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = await Staff(unionline_app).setup()
    member = await make_member(s.a, "Пётр Сидоров")
    task = await s.call(
        "boss",
        "post",
        "/api/tasks/",
        201,
        title="Проверить выплату премии",
        organization_id=str(s.a),
        member_id=str(member),
    )
    up = await s.h.client.post(
        f"/api/tasks/{task['id']}/files",
        files={"file": ("Расчётный листок.pdf", b"%PDF-1.4 erased", "application/pdf")},
        headers=s.auth("boss"),
    )
    assert up.status_code == 201, up.text
    db = current().db
    [row] = await db.fetch("SELECT sha256 FROM tasks_file WHERE task_id = {}", task["id"])
    sha256 = str(row["sha256"])
    assert await storage().exists(sha256)
    admin_id, _ = await s.h.create_operator("eraser", "admin", None)
    admin = await actor_for(admin_id)
    assert admin is not None

    async def refuse(*args: object, **kwargs: object) -> None:
        raise Refused

    with monkeypatch.context() as patched:
        patched.setattr(erasure, "record", refuse)
        with pytest.raises(Refused):
            await erasure.erase(admin, member)
    kept = await db.fetch("SELECT sha256 FROM tasks_file WHERE task_id = {}", task["id"])
    assert [str(r["sha256"]) for r in kept] == [sha256]
    assert await storage().exists(sha256)  # the row is back, and so are its bytes

    await s.call("admin", "post", f"/api/privacy/members/{member}/erase")
    assert await db.fetch("SELECT id FROM tasks_file WHERE task_id = {}", task["id"]) == []
    assert not await storage().exists(sha256)
    assert uuid.UUID(task["id"])
