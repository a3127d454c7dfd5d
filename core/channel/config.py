"""The ``[channels]`` settings section: where attachments live and what they may be."""

from __future__ import annotations

from typing import Annotated

import msgspec

from unionline.text import WHITE_SPACE

MapUrl = Annotated[
    str, msgspec.Meta(pattern=rf"^https?://[^{WHITE_SPACE}]*\{{lat\}}", max_length=500)
]  # http(s), with {lat} (and {lon}) to fill in

DEFAULT_TYPES = [
    "image/*",
    "audio/*",
    "video/*",
    "text/plain",
    "text/csv",
    "application/pdf",
    "application/rtf",
    "application/zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.*",
    "application/vnd.oasis.opendocument.*",
    "application/octet-stream",
    "message/rfc822",  # a mail forwarded as an attachment (downloaded, never shown inline)
]


class ChannelsSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # Relative paths are taken from the working directory of the process.
    attachments_dir: str = "var/attachments"
    max_attachment_bytes: int = 20 * 1024 * 1024
    # MIME types accepted for attachments (``type/*`` wildcards allowed); anything else is kept
    # as a visible "not accepted" note on the message instead of a file.
    attachment_types: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_TYPES))
    # Sends of one message before it is marked failed (transient errors in between).
    max_send_attempts: int = 8
    # Outbound deliveries wait at most this long for a rate-limit token before rescheduling.
    rate_limit_wait: float = 2.0
    # While an account needs re-authorisation, its deliveries are retried this often.
    reauth_retry: float = 60.0
    # The link a shared location opens in the console ({lat} and {lon} filled in), e.g.
    # "https://yandex.ru/maps/?pt={lon},{lat}&z=17" for Yandex Maps.
    map_url: MapUrl = "https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def channels_settings() -> ChannelsSettings:
    from unionline.runtime import current

    return current().settings.section("channels", ChannelsSettings)
