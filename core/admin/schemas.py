"""Bodies of the administration API."""

from __future__ import annotations

import uuid

import msgspec

from unionline.plugin_choices.schemas import PluginChoiceView


class PluginPart(msgspec.Struct, kw_only=True):
    """A console page or settings form a plugin adds."""

    id: str
    section: str  # "admin" or "work" for a page; "settings" for a settings form
    title_ru: str
    title_en: str


class PluginAdds(msgspec.Struct, kw_only=True):
    """What an enabled plugin registered (empty for a plugin that is not enabled)."""

    routes: list[str] = msgspec.field(default_factory=list)  # paths or path prefixes
    pages: list[PluginPart] = msgspec.field(default_factory=list)
    settings_forms: list[PluginPart] = msgspec.field(default_factory=list)
    console_code: bool = False  # a module the console imports at sign-in
    jobs: list[str] = msgspec.field(default_factory=list)
    tables: list[str] = msgspec.field(default_factory=list)
    channels: list[str] = msgspec.field(default_factory=list)
    robot_actions: list[str] = msgspec.field(default_factory=list)
    events: list[str] = msgspec.field(default_factory=list)
    permissions: list[str] = msgspec.field(default_factory=list)
    commands: list[str] = msgspec.field(default_factory=list)


class PluginView(msgspec.Struct, kw_only=True):
    name: str
    version: str
    origin: str
    enabled: bool
    hooks: list[str]
    adds: PluginAdds = msgspec.field(default_factory=PluginAdds)
    switch: PluginChoiceView | None = None  # the console's switch (None: not installed here)


class OrganizationCounts(msgspec.Struct, kw_only=True):
    """Counts of one organization itself (its subtree not included)."""

    organization_id: uuid.UUID
    members: int  # members registered in it (merged duplicates not counted)
    appeals: int  # every appeal of it
    active_appeals: int  # appeals still new, open or waiting
    operators: int  # operators holding a role over it


class JobCounts(msgspec.Struct, kw_only=True):
    pending: int = 0
    running: int = 0
    done: int = 0
    dead: int = 0
