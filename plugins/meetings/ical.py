"""iCalendar invitations (RFC 5545/5546): METHOD REQUEST for a new or changed meeting,
CANCEL for a cancelled one; UID fixed per meeting, SEQUENCE raised by every change, times
with the organization's zone (VTIMEZONE included) so calendars show them right."""

from __future__ import annotations

from datetime import datetime

import icalendar

from unionline.plugins.meetings.store import MeetingRow, ParticipantRow
from unionline.plugins.meetings.texts import zone


def uid(row: MeetingRow) -> str:
    return f"{row.id}@unionline"


def _address(person: ParticipantRow) -> str:
    return f"mailto:{person.email}" if person.email else f"urn:uuid:{person.id}"


def invitation(
    row: MeetingRow,
    people: list[ParticipantRow],
    method: str,
    *,
    recipient: ParticipantRow | None = None,
    url: str = "",
    timezone: str = "",
) -> bytes:
    """The calendar object of ``row`` as ``recipient`` receives it (their own link)."""
    tz = zone(timezone or (recipient.timezone if recipient else "") or "Europe/Moscow")
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Unionline//meetings//RU")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid(row))
    event.add("sequence", row.sequence)
    event.add("dtstamp", datetime.now(tz=zone("UTC")))
    event.add("dtstart", row.starts_at.astimezone(tz))
    event.add("dtend", row.ends_at.astimezone(tz))
    event.add("summary", row.title)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if url:
        event.add("url", url)
        event.add("location", url)
        event.add("description", f"Ссылка для входа: {url}")
    organizer = next((p for p in people if p.operator_id == row.organizer_id), None)
    if organizer is not None:
        event.add("organizer", _address(organizer), parameters={"CN": organizer.name})
    for person in people:
        event.add(
            "attendee",
            _address(person),
            parameters={
                "CN": person.name,
                "ROLE": "CHAIR" if person.role == "moderator" else "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION",
                "RSVP": "FALSE",
            },
        )
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
