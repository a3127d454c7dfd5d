"""A BigBlueButton API stand-in: a loopback server answering ``create``, ``join``,
``getMeetingInfo`` and ``end`` as BBB documents them, and checking every call's checksum the
way BBB does: the hex SHA (by its length: SHA-1 or SHA-256, if the server supports it) of the
call name, the query string without ``checksum``, and the shared secret; a wrong one answers
``<returncode>FAILED</returncode><messageKey>checksumError</messageKey>``.

``join`` answers a redirect to the "client" and records who entered with which role, so a test
can play a person opening their link (``BbbStandin.open(url)``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from standins.server import ThreadedServer

LENGTHS = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}


@dataclass
class BbbMeeting:
    meeting_id: str
    name: str
    attendee_pw: str
    moderator_pw: str
    running: bool = False
    attendees: list[dict[str, str]] = field(default_factory=list)


class BbbStandin:
    def __init__(
        self, secret: str = "bbb-shared-secret", algorithms: tuple[str, ...] = ("sha1", "sha256")
    ) -> None:
        self.secret = secret
        self.algorithms = algorithms
        self.meetings: dict[str, BbbMeeting] = {}
        self.calls: list[tuple[str, dict[str, str], bool]] = []  # call, params, checksum ok

        async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
            await self.asgi(scope, receive, send)  # a function: uvicorn takes it for ASGI 3

        self.server = ThreadedServer(app)
        self.base_url = ""

    def __enter__(self) -> BbbStandin:
        self.base_url = self.server.start() + "/bigbluebutton/"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def checksum_ok(self, call: str, raw_query: str) -> bool:
        found = re.search(r"(?:^|&)checksum=([0-9a-fA-F]+)", raw_query)
        if not found:
            return False
        given = found.group(1).lower()
        query = re.sub(r"&?checksum=[0-9a-fA-F]+", "", raw_query)
        algorithm = LENGTHS.get(len(given))
        if algorithm not in self.algorithms:
            return False
        return hashlib.new(algorithm, (call + query + self.secret).encode()).hexdigest() == given

    async def asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        call = scope["path"].rsplit("/", 1)[-1]
        raw = scope["query_string"].decode()
        params = dict(parse_qsl(raw))
        ok = self.checksum_ok(call, raw)
        self.calls.append((call, params, ok))
        if not ok:
            body = _xml({"returncode": "FAILED", "messageKey": "checksumError"})
            return await _answer(send, 200, body)
        status, body, location = self.handle(call, params)
        await _answer(send, status, body, location)

    def handle(self, call: str, p: dict[str, str]) -> tuple[int, bytes, str]:
        meeting = self.meetings.get(p.get("meetingID", ""))
        if call == "create":
            if meeting is None:
                meeting = BbbMeeting(
                    p["meetingID"],
                    p.get("name", ""),
                    p.get("attendeePW", ""),
                    p.get("moderatorPW", ""),
                )
                self.meetings[meeting.meeting_id] = meeting
            return 200, _xml({"returncode": "SUCCESS", "meetingID": meeting.meeting_id}), ""
        if meeting is None:
            return 200, _xml({"returncode": "FAILED", "messageKey": "notFound"}), ""
        if call == "join":
            role = p.get("role", "").upper() or (
                "MODERATOR" if p.get("password") == meeting.moderator_pw else "VIEWER"
            )
            meeting.running = True
            meeting.attendees.append(
                {"userID": p.get("userID", ""), "fullName": p.get("fullName", ""), "role": role}
            )
            return 302, b"", f"{self.base_url}client?meeting={meeting.meeting_id}"
        if call == "getMeetingInfo":
            people = "".join(
                "<attendee>"
                + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in a.items())
                + "</attendee>"
                for a in meeting.attendees
            )
            body = _xml(
                {
                    "returncode": "SUCCESS",
                    "meetingID": meeting.meeting_id,
                    "running": str(meeting.running).lower(),
                }
            )
            return (
                200,
                body.replace(
                    b"</response>", f"<attendees>{people}</attendees></response>".encode()
                ),
                "",
            )
        if call == "end":
            if p.get("password") not in (None, meeting.moderator_pw):
                return 200, _xml({"returncode": "FAILED", "messageKey": "invalidPassword"}), ""
            meeting.running = False
            del self.meetings[meeting.meeting_id]
            return 200, _xml({"returncode": "SUCCESS", "messageKey": "sentEndMeetingRequest"}), ""
        return 200, _xml({"returncode": "FAILED", "messageKey": "unsupportedRequest"}), ""


def _xml(fields: dict[str, str]) -> bytes:
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    return f"<response>{inner}</response>".encode()


async def _answer(send: Any, status: int, body: bytes, location: str = "") -> None:
    headers = [(b"content-type", b"text/xml; charset=utf-8")]
    if location:
        headers.append((b"location", location.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
