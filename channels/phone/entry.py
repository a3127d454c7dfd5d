"""How a call shows on the appeal: the entry's text (previews, search) and ``data["call"]``.

The text is the call in a few Russian words («Входящий звонок · пропущен в голосовом меню»);
the console draws ``data["call"]`` itself, in the operator's language (static/index.js).
"""

from __future__ import annotations

from typing import Any

from unionline.channels.phone.model import Call

DIRECTIONS = {"in": "Входящий звонок", "out": "Исходящий звонок"}
STATES = {"started": "идёт", "ringing": "звонит", "talking": "разговор"}
DISPOSITIONS = {
    "busy": "занято",
    "no_answer": "нет ответа",
    "cancelled": "сброшен",
    "failed": "не состоялся",
}
MISSED = {
    "ivr": "в голосовом меню",
    "queue": "в очереди",
    "ringing": "пока звонил",
    "voicemail": "— оставлено голосовое сообщение",
}


def minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def text(call: Call) -> str:
    parts = [DIRECTIONS[call.direction]]
    if call.state != "ended":
        parts.append(STATES[call.state])
    elif call.disposition == "answered":
        parts.append(f"разговор {minutes(call.duration)}")
    elif call.missed:
        parts.append(f"пропущен {MISSED[call.missed]}")
    else:
        parts.append(DISPOSITIONS.get(call.disposition or "", "завершён"))
    return " · ".join(parts)


def view(
    call: Call,
    number: str,
    operators: dict[str, str],
    recording: str = "",
    callback: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``data["call"]``: ``operators`` maps the call's extensions to operator ids."""
    found: dict[str, Any] = {
        "id": call.call,
        "direction": call.direction,
        "number": number,
        "line": call.line,
        "state": call.state,
        "disposition": call.disposition,
        "missed": call.missed,
        "duration": call.duration,
        "extension": call.extension,
        "operator_id": operators.get(call.extension),
        "started_at": call.started_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
    }
    if call.digits:
        found["digits"] = call.digits  # pressed in the SIP agent's menu or on a robot call
    if call.heard is not None:
        found["heard"] = call.heard
    if recording:
        found["recording"] = recording  # pending, stored, failed, expired
    if callback is not None:
        found["callback"] = callback
    return found


def rewrite(body: str, call_data: dict[str, Any], recording: str = "") -> Any:
    """The ``update_entry`` rewrite that sets the text and ``data["call"]``. The recording's
    state is kept as the fetch job or the retention sweep left it (stored, failed, expired);
    ``recording`` ("pending") only fills it in when there is none yet."""

    def apply(_: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        shown = (data.get("call") or {}).get("recording") or recording
        return body, {**data, "call": {**call_data, **({"recording": shown} if shown else {})}}

    return apply
