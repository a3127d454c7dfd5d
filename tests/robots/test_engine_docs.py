"""docs/robots.md keeps up with the engine: every core action, trigger and condition kind."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from unionline import runtime
from unionline.robots.schemas import LEAF_KINDS, TimerField, Trigger
from unionline.testing.support import make_settings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "robots.md").read_text(encoding="utf-8")


def test_every_core_action_is_documented() -> None:
    _, _, registry = runtime.from_settings(make_settings("sqlite:///unused.sqlite3"))
    core = [name for name, owner in _owners(registry).items() if owner.startswith("core.")]
    assert core, "no core actions registered"
    missing = [name for name in core if f"`{name}`" not in DOC]
    assert missing == [], f"document these actions in docs/robots.md: {missing}"


def test_every_trigger_condition_and_timer_field_is_documented() -> None:
    triggers = [kind.__struct_config__.tag for kind in get_args(Trigger)]
    names = [*triggers, *LEAF_KINDS, *get_args(TimerField), "all", "any", "not"]
    missing = [name for name in names if f"`{name}`" not in DOC]
    assert missing == [], f"document these in docs/robots.md: {missing}"


def _owners(registry: object) -> dict[str, str]:
    owners = getattr(registry, "owners", {})
    return {key: plugin for (kind, key), plugin in owners.items() if kind == "robot action"}
