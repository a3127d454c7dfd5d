"""Settings of the core actions: ``[notifications]`` (operators' e-mail) and ``[webhooks]``."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import msgspec


class NotificationSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """SMTP for ``operators.notify`` e-mail; an empty ``smtp_host`` sends none (console only)."""

    smtp_host: str = ""
    smtp_port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_security: Annotated[str, msgspec.Meta(pattern=r"^(none|starttls|tls)$(?!\n)")] = "none"
    from_address: str = "unionline@localhost"
    timeout: Annotated[float, msgspec.Meta(gt=0, le=300)] = 30


class WebhookSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``webhook.call`` refuses loopback, private, link-local and other non-public addresses
    unless one of ``allow_networks`` (CIDR, e.g. ``"10.20.0.0/16"``) contains it."""

    allow_networks: list[str] = msgspec.field(default_factory=list)
    # Signing keys by name; a rule's webhook.call names one (rules never hold the key itself).
    secrets: dict[str, Annotated[str, msgspec.Meta(min_length=16)]] = msgspec.field(
        default_factory=dict
    )
    timeout: Annotated[float, msgspec.Meta(gt=0, le=120)] = 10

    def __post_init__(self) -> None:
        for value in self.allow_networks:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"allow_networks: {value!r} is not a network (CIDR)") from None

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(v, strict=False) for v in self.allow_networks]


def notification_settings() -> NotificationSettings:
    from unionline.runtime import current

    return current().settings.section("notifications", NotificationSettings)


def webhook_settings() -> WebhookSettings:
    from unionline.runtime import current

    return current().settings.section("webhooks", WebhookSettings)
