"""The channel types the enabled plugins registered (``register_channels``)."""

from __future__ import annotations

from typing import Any

from unionline.channel.types import ChannelType
from unionline.errors import Invalid, PluginError


def channel_types() -> dict[str, ChannelType[Any, Any]]:
    from unionline.runtime import current

    return current().registry.channels


def get_channel(name: str, *, field: str = "channel") -> ChannelType[Any, Any]:
    """The registered channel type ``name``; Invalid naming ``field`` when none is."""
    channel = channel_types().get(name)
    if channel is None:
        known = ", ".join(sorted(channel_types())) or "none"
        raise Invalid(f"unknown channel {name!r} (enabled: {known})", field=field)
    return channel


def check_channel(plugin: str, channel: object) -> None:
    """Startup check: a registered channel must be a ``ChannelType`` with its class attributes."""
    if not isinstance(channel, ChannelType):
        raise PluginError(plugin, f"channel {channel!r} is not a unionline.channel.ChannelType")
    for attr in ("name", "contact_kind"):
        if not isinstance(getattr(channel, attr, None), str):
            raise PluginError(plugin, f"channel {type(channel).__name__} must set {attr!r}")
