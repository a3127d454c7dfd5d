"""A call's recording fetched from the PBX and attached to the call's entry, the entry saying so.

The PBX only announces a recording (Mango ``recording_id``, Zadarma ``call_id_with_rec``, UIS
``file_link``); its bytes are downloaded by this plugin's own job, enqueued once per call
(idempotency key), and attached with ``update_entry`` — which also rewrites ``data["call"]``
(``recording``: ``stored``) and publishes the change, so the consoles show the player and its
size at once. (The SDK's ``Attachment(remote_ref=…)`` would fetch the bytes too, but only into
the attachment's row: the entry would go on saying «Запись загружается…».)
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import msgspec

from unionline import PermanentFailure, current, enqueue
from unionline.channel import Attachment, load_account, update_entry
from unionline.channels.phone.adapters import adapter_for
from unionline.channels.phone.model import Call

log = logging.getLogger("unionline.channels.phone")
FETCH_JOB = "phone.fetch_recording"
_call = msgspec.json.Decoder(Call)


class FetchRecording(msgspec.Struct, frozen=True):
    call_row: uuid.UUID  # phone_call.id


class Pending(msgspec.Struct, kw_only=True):
    account_id: uuid.UUID
    external_id: str
    number: str
    state: str
    recording_id: uuid.UUID | None


def filename(number: str) -> str:
    return f"zapis-zvonka-{number.lstrip('+') or 'skryt'}.mp3"


async def schedule(call_row: uuid.UUID) -> None:
    """Fetch the call's recording (once per call, however many events announce it)."""
    await enqueue(FETCH_JOB, FetchRecording(call_row), key=f"{FETCH_JOB}:{call_row}")


async def fetch_recording(ctx: Any, job: FetchRecording) -> None:
    """Job: download the recording and attach it to the call's entry."""
    row = await _pending(job.call_row, lock=False)
    if row is None:
        return
    line = await load_account(row.account_id)
    reference = _call.decode(row.state).recording
    if not reference or line.config.recording_days <= 0:
        return
    try:
        data = await adapter_for(line.config.provider).fetch_recording(line, reference)
    except PermanentFailure as exc:
        log.warning("phone line %s: recording %s refused: %s", line.id, reference, exc)
        await update_entry(line, row.external_id, _recording("failed"))
        return
    file = Attachment(filename=filename(row.number), content_type="audio/mpeg", data=data)
    await attach(line, job.call_row, file)


async def attach(line: Any, call_row: uuid.UUID, file: Attachment) -> None:
    """Attach ``file`` as the call's recording (once; the SIP agent's voicemail comes here
    straight, not through the job)."""
    db = current().db
    async with db.transaction():
        row = await _pending(call_row, lock=True)
        if row is None:  # attached meanwhile
            return
        updated = await update_entry(
            line, row.external_id, _recording("stored"), attachments_added=[file]
        )
        if updated is None:  # an outbound call to a member without an appeal on the line
            return
        attached = uuid.UUID(updated.data["attachments"][-1]["id"])
        await db.execute(
            "UPDATE phone_call SET recording_id = {}, recorded_at = {} WHERE id = {}",
            attached,
            time.time(),
            call_row,
        )


async def _pending(call_row: uuid.UUID, *, lock: bool) -> Pending | None:
    db = current().db
    update = " FOR UPDATE" if lock and db.is_postgres else ""
    row = await db.fetch_one_as(
        Pending,
        "SELECT account_id, external_id, number, state, recording_id FROM phone_call"
        f" WHERE id = {{}} AND shown{update}",
        call_row,
    )
    return row if row is not None and row.recording_id is None else None


def _recording(state: str) -> Any:
    def apply(body: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return body, {**data, "call": {**data.get("call", {}), "recording": state}}

    return apply
