"""The ``[robots]`` settings section."""

from __future__ import annotations

from typing import Annotated

import msgspec


class RobotsSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # The loop guard: a rule fires at most this many times per appeal within an hour; the
    # next firing is recorded as "blocked" in the rules log and on the rule.
    loop_limit: Annotated[int, msgspec.Meta(ge=1, le=10_000)] = 10
    # How often timers and schedules are swept (their precision).
    sweep_seconds: Annotated[float, msgspec.Meta(ge=1, le=3600)] = 60
    # A schedule rule that runs per appeal looks at this many appeals per slot at most.
    schedule_batch: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1000
    # After downtime, missed schedule slots older than this are skipped (the latest fires).
    schedule_catch_up_minutes: Annotated[int, msgspec.Meta(ge=1, le=525_600)] = 1440
    # Finished entries of the rules log older than this are deleted by the sweep.
    log_retention_days: Annotated[float, msgspec.Meta(ge=1, le=36_500)] = 90


def robots_settings() -> RobotsSettings:
    from unionline.runtime import current

    return current().settings.section("robots", RobotsSettings)
