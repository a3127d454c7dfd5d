"""Click-to-call from the console, and the list of callbacks owed.

Scope: a callback is the appeal's — an operator sees and calls back only those of the
organizations where they may read (list) or reply to (call) appeals; anything else is 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from unionline import Actor, Conflict, Invalid, NotFound, current, scope_for
from unionline.channel import load_account
from unionline.channels.phone import callbacks
from unionline.channels.phone.adapters import adapter_for
from unionline.channels.phone.operators import extension_of
from unionline.channels.phone.store import show_callback

STATUSES = {
    "open": ("pending", "calling"),
    "done": ("done",),
    "all": ("pending", "calling", "done"),
}


async def call_back(
    actor: Actor, callback_id: uuid.UUID, click: str | None = None
) -> dict[str, Any]:
    """Click-to-call ``callback_id``'s number for ``actor``. ``click`` is the click's key: the
    same click sent again (a double click, a retried request) rings once."""
    callback = await callbacks.load(callback_id)
    scope = await scope_for(actor, "appeals.reply")
    if callback is None or not scope.allows(callback.organization_id):
        raise NotFound(f"no callback {callback_id}", field="callback_id")
    callback = await callbacks.owed(callback)
    if callback.status == "done":
        raise Conflict("Этому члену профсоюза уже перезвонили", field="callback_id")
    line = await load_account(callback.account_id)
    extension = await extension_of(line.config, actor.operator_id)
    if extension is None:
        raise Invalid(
            "Для вас не указан добавочный номер на этой линии: попросите администратора "
            "добавить его в настройках канала",
            field="extension",
        )
    adapter = adapter_for(line.config.provider)
    if adapter.agent_bound:
        click = f"{callback.id}:{click or uuid.uuid4()}"  # a key reused on another callback
        return await _through_the_agent(actor, line, callback, extension, click)
    await adapter.click_to_call(line, extension, callback.number, str(uuid.uuid4()))
    async with current().db.transaction():
        callback = await callbacks.started(callback, actor.operator_id)
        await show_callback(line, callback)
    return callbacks.view(callback)


async def _through_the_agent(
    actor: Actor, line: Any, callback: callbacks.Callback, extension: str, click: str
) -> dict[str, Any]:
    """A SIP line: its agent places the call wherever it runs (``sip/handoff.py``); the
    callback records the attempt once per click."""
    from unionline.channels.phone.sip import handoff

    await handoff.forget_old()
    await handoff.place(line, extension, callback.number, click)
    async with current().db.transaction():
        if await handoff.recorded(line, click):
            callback = await callbacks.started(callback, actor.operator_id)
            await show_callback(line, callback)
            return callbacks.view(callback)
    return callbacks.view(await callbacks.load(callback.id) or callback)


async def listing(actor: Actor, status: str, limit: int) -> list[dict[str, Any]]:
    organizations = (await scope_for(actor, "appeals.read")).ids()
    if organizations == []:
        return []
    wanted = STATUSES[status]
    where = "status IN ({})".format(", ".join("{}" for _ in wanted))
    args: list[Any] = [*wanted]
    if organizations is not None:
        where += " AND organization_id IN ({})".format(", ".join("{}" for _ in organizations))
        args += organizations
    found = await current().db.fetch_as(
        callbacks.Callback,
        f"SELECT * FROM phone_callback WHERE {where} ORDER BY due_at LIMIT {{}}",
        *args,
        limit,
    )
    return [{**callbacks.view(c), "appeal_id": str(c.appeal_id), "number": c.number} for c in found]
