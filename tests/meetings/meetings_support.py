"""Helpers of the meetings tests: settings with a platform, a Jitsi token check as prosody's
token module makes it, and staff in two organizations."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import msgspec

from unionline.settings import Settings

JITSI = {
    "provider": "jitsi",
    "jitsi_url": "https://meet.union.test",
    "jitsi_app_id": "unionline",
    "jitsi_app_secret": "jitsi-app-secret-0123456789abcdef",
    "jitsi_audience": "jitsi",
}


def with_meetings(settings: Settings, meetings: dict[str, Any], **sections: Any) -> Settings:
    from unionline.plugins.meetings.settings import MeetingsSettings
    from unionline.robots.actions.settings import NotificationSettings
    from unionline.settings import settings_type

    data = msgspec.to_builtins(settings)
    data["meetings"] = meetings
    data.update(sections)
    kinds = {"meetings": MeetingsSettings, "notifications": NotificationSettings}
    return msgspec.convert(data, settings_type(kinds))


def jitsi_admits(
    url: str, key: Any, *, algorithm: str = "HS256", now: float | None = None
) -> dict[str, Any]:
    """What Jitsi's token authentication does with a join address: verify the signature,
    ``aud``, ``iss``, ``exp``/``nbf``, that ``sub`` is the domain and ``room`` the room of the
    address; the claims when it admits, ``jwt.InvalidTokenError`` when not."""
    parts = urlsplit(url)
    room = parts.path.strip("/")
    token = parse_qs(parts.query)["jwt"][0]
    options: dict[str, Any] = {"require": ["exp", "iss", "aud", "sub", "room"]}
    if now is not None:  # checked at another moment: exp by hand below
        options.update(verify_exp=False, verify_iat=False, verify_nbf=False)
    claims = jwt.decode(
        token,
        key,
        algorithms=[algorithm],
        audience=JITSI["jitsi_audience"],
        issuer=JITSI["jitsi_app_id"],
        options=options,
    )
    if now is not None and claims["exp"] <= now:
        raise jwt.ExpiredSignatureError("Signature has expired")
    if claims["sub"] not in (parts.hostname, "*"):
        raise jwt.InvalidTokenError(f"sub {claims['sub']} is not {parts.hostname}")
    if claims["room"] not in (room, "*"):
        raise jwt.InvalidTokenError(f"token for room {claims['room']}, not {room}")
    user = claims["context"]["user"]
    assert all(isinstance(user[k], str) for k in ("id", "name", "email", "avatar", "moderator"))
    return claims


def other_room(url: str, room: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{room}").geturl()


def new_id() -> str:
    return str(uuid.uuid4())


class Staff:
    """Two organizations (A with a child A1, and B) and people with tokens (as the tasks tests)."""

    def __init__(self, h: Any) -> None:
        self.h = h
        self.ids: dict[str, uuid.UUID] = {}
        self.tokens: dict[str, str] = {}

    async def setup(self) -> Staff:
        from appeals_support import make_org

        h = self.h
        self.a = await make_org(h, "A", kind="committee")
        self.a1 = await make_org(h, "A1", self.a)
        self.b = await make_org(h, "B", kind="committee")
        for login, role, org in (
            ("olga", "operator", self.a),
            ("ivan", "operator", self.a1),
            ("vera", "observer", self.a),
            ("bob", "supervisor", self.b),
            ("petr", "operator", self.b),
        ):
            self.ids[login], self.tokens[login] = await h.create_operator(login, role, org)
        self.tokens["admin"] = h.admin_token
        return self

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def call(self, who: str, method: str, url: str, expect: int = 200, **body: Any) -> Any:
        kwargs: dict[str, Any] = {"headers": self.auth(who)}
        if method in ("post", "put", "patch"):
            kwargs["json"] = body
        elif body:
            kwargs["params"] = body
        r = await getattr(self.h.client, method)(url, **kwargs)
        assert r.status_code == expect, f"{method} {url} as {who}: {r.status_code} {r.text}"
        return r.json() if r.content else None
