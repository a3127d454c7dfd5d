"""The ``[docflow]`` section, also edited in the console (Администрирование → Настройки)."""

from __future__ import annotations

from typing import Annotated

import msgspec


class DocflowSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # A pending step's assignee is reminded this many working days before its deadline.
    remind_days: Annotated[int, msgspec.Meta(ge=0, le=30)] = 1
