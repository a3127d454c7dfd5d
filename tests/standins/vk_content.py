"""What a VK message can carry, as VK API 5.199 documents it, for the stand-in's events:
forwarded messages (nested), the message replied to, a shared point, stickers, videos, wall
posts, links and voice messages with a transcript. Files are hosted by the stand-in when given
(``standin.host_file``), so the channel can fetch them.

Usage::

    fwd = forwarded("Собрание в пятницу", from_id=777, fwd=[forwarded("Протокол", from_id=-5)])
    vk.community.message_new("Посмотрите", from_id=501, fwd_messages=[fwd], geo=geo(55.75, 37.61))
"""

from __future__ import annotations

import itertools
import secrets
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from standins.vk import VkStandin

_ids = itertools.count(9_000_001)


def forwarded(
    text: str,
    *,
    from_id: int,
    peer_id: int | None = None,
    conversation_message_id: int | None = None,
    attachments: list[dict] | None = None,
    fwd: list[dict] | None = None,
    date: int | None = None,
) -> dict:
    """A message inside a message (``fwd_messages`` item or ``reply_message``)."""
    message = {
        "date": date or int(time.time()) - 3600,
        "from_id": from_id,
        "text": text,
        "attachments": attachments or [],
        "conversation_message_id": conversation_message_id or next(_ids),
        "id": 0,
    }
    if peer_id is not None:
        message["peer_id"] = peer_id
    if fwd:
        message["fwd_messages"] = fwd
    return message


def geo(latitude: float, longitude: float, *, title: str = "", city: str = "") -> dict:
    """A message's ``geo``: the point, and the place when VK knows one."""
    found: dict = {"type": "point", "coordinates": {"latitude": latitude, "longitude": longitude}}
    if title or city:
        found["place"] = {"id": 1, "title": title, "city": city, "country": "Россия"}
    return found


def sticker(standin: VkStandin, content: bytes, *, sticker_id: int = 163) -> dict:
    url = f"{standin.base_url}/files/{standin.host_file(content, 'png')}"
    images = [{"url": url, "width": n, "height": n} for n in (64, 128, 256)]
    return {
        "type": "sticker",
        "sticker": {
            "product_id": 4,
            "sticker_id": sticker_id,
            "images": images,
            "images_with_background": images,
            "inner_type": "base_sticker_new",
            "is_allowed": True,
        },
    }


def voice(standin: VkStandin, content: bytes, *, owner_id: int, transcript: str = "") -> dict:
    url = f"{standin.base_url}/files/{standin.host_file(content, 'ogg')}"
    message = {
        "duration": 7,
        "waveform": [0, 5, 17, 30, 12, 3],
        "id": next(_ids),
        "owner_id": owner_id,
        "access_key": secrets.token_hex(9),
        "link_ogg": url,
        "link_mp3": url.removesuffix(".ogg") + ".mp3",
    }
    if transcript:
        message.update(transcript=transcript, transcript_state="done")
    return {"type": "audio_message", "audio_message": message}


def video(title: str, *, owner_id: int, duration: int = 95) -> dict:
    """VK gives a community the video's page, not its file."""
    return {
        "type": "video",
        "video": {
            "id": next(_ids),
            "owner_id": owner_id,
            "title": title,
            "duration": duration,
            "access_key": secrets.token_hex(9),
            "date": int(time.time()),
            "image": [{"url": "https://sun9-1.userapi.com/v.jpg", "width": 320, "height": 240}],
        },
    }


def wall(text: str, *, owner_id: int) -> dict:
    return {
        "type": "wall",
        "wall": {
            "id": next(_ids),
            "owner_id": owner_id,
            "from_id": owner_id,
            "date": int(time.time()) - 86400,
            "post_type": "post",
            "text": text,
            "attachments": [],
        },
    }


def link(url: str, title: str = "") -> dict:
    return {
        "type": "link",
        "link": {"url": url, "title": title, "caption": url.split("/")[2], "description": ""},
    }
