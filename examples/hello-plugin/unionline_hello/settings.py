"""The ``[hello]`` section of unionline.toml (override with ``UNIONLINE_HELLO__GREETING``)."""

from __future__ import annotations

import msgspec


class HelloSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    greeting: str = "Привет"  # the word every greeting starts with
