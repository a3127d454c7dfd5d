"""``GET /meet/<key>``: a member's short address, for SMS and for unions that prefer it. No
sign-in — the key (128 random bits) is the member's own — and it answers a redirect to the
participant's link on the platform, made at the moment it is opened; a cancelled or finished
meeting answers in words instead."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.params import PathParameter
from litestar.response import Redirect

from unionline import now
from unionline.plugins.meetings import links, store

Key = Annotated[str, PathParameter(min_length=10, max_length=40, pattern=r"^[A-Za-z0-9_-]+$(?!\n)")]
PAGE = "text/plain; charset=utf-8"


@get("/meet/{key:str}", include_in_schema=False)
async def open_meeting(key: Key) -> Response[str] | Redirect:
    person = await store.participant_by_key(key)
    row = await store.meeting(person.meeting_id) if person else None
    if person is None or row is None:
        return Response("Ссылка не найдена. / Link not found.", status_code=404, media_type=PAGE)
    if row.status == "cancelled":
        text = f"Видеовстреча «{row.title}» отменена. / The meeting was cancelled."
        return Response(text, status_code=410, media_type=PAGE)
    if now() > await links.expires(row):
        text = f"Видеовстреча «{row.title}» завершилась. / The meeting is over."
        return Response(text, status_code=410, media_type=PAGE)
    return Redirect(await links.join_url(row, person), status_code=303)
