"""Whether an open console socket's credentials still hold, and who its operator is now.

A socket is authenticated once, when it opens; REST re-authenticates every request. So the
socket re-reads its actor before every command, when the realtime bus announces an access
change of its operator (``unionline.realtime.access_changed``), and every ``ACTOR_REFRESH``
seconds as a safety net for changes made where no bus reaches. The database decides: the
operator must be active, the session it signed in with must still exist and be theirs, the API
token must not be revoked; the grants are read afresh, so a grant change re-scopes the socket.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec
from litestar.connection import ASGIConnection

from unionline.access import Actor
from unionline.operators import services
from unionline.operators.tables import ApiToken

# The name the app registers its session store under (unionline.app).
SESSION_STORE = "sessions"


async def reread(connection: ASGIConnection[Any, Any, Any, Any], actor: Actor) -> Actor | None:
    """``actor`` as the database has it now; None when its credentials no longer hold."""
    if not await _credential_live(connection, actor):
        return None
    return await services.actor_for(
        actor.operator_id,
        session_id=actor.session_id,
        scopes=actor.token_scopes,
        token_id=actor.token_id,
        client_address=actor.client_address,
    )


async def _credential_live(connection: ASGIConnection[Any, Any, Any, Any], actor: Actor) -> bool:
    """The API token, else the session, the socket was opened with still holds."""
    if actor.token_id is not None:
        return await _token_live(actor.token_id, actor.operator_id)
    if actor.session_id is not None:
        return await _session_live(connection, actor.session_id, actor.operator_id)
    return True  # neither (a plugin's sign-in): the operator's own row decides


async def _token_live(token_id: uuid.UUID, operator_id: uuid.UUID) -> bool:
    return bool(
        await ApiToken.exists().where(
            (ApiToken.id == token_id)
            & (ApiToken.operator == operator_id)
            & (ApiToken.revoked == False)  # noqa: E712
        )
    )


async def _session_live(
    connection: ASGIConnection[Any, Any, Any, Any], session_id: str, operator_id: uuid.UUID
) -> bool:
    """The session is still stored (not signed out, ended or expired) and still theirs. Read
    through the app's session store, as the session middleware does for every request."""
    raw = await connection.app.stores.get(SESSION_STORE).get(session_id)
    if raw is None:
        return False
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return False
    return isinstance(data, dict) and data.get("operator_id") == str(operator_id)
