"""The registry of HTTP SMS gateways: SMS.ru and SMSC.ru ship with the plugin; another
gateway is a small adapter a third party installs, found through the entry point group
``unionline.sms_gateways`` (docs/channels/sms.md, "Another gateway").

An adapter deals only in the public face's types — ``OutboundMessage`` in, ``SendResult`` out,
``InboundMessage`` and ``DeliveryReport`` from its callbacks, errors by intent — so it imports
nothing of this plugin. The plugin wraps each adapter into a channel type of its own name
(:class:`unionline.channels.sms.channel.SmsChannel`), which adds what every SMS channel needs:
E.164 senders, stop words, the refusal of sends to numbers that opted out, the part limit,
the parts and cost beside the delivery status, and status polling.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from importlib.metadata import entry_points
from typing import Any, Protocol, runtime_checkable

import msgspec

from unionline.channel import (
    ChannelAccount,
    DeliveryReport,
    InboundMessage,
    InboundRequest,
    OutboundMessage,
    SendResult,
)
from unionline.registry import FieldLabel

log = logging.getLogger("unionline.channels.sms")
ENTRY_POINT_GROUP = "unionline.sms_gateways"


@runtime_checkable
class SmsGateway(Protocol):
    """What an HTTP SMS gateway adapter provides. Optional: ``answer(account, request)`` (the
    body the gateway expects back from a callback), ``check(account)`` (balance and
    credentials for «Проверить подключение»), ``statuses(account, ids)`` (status polling)
    and ``rate_limit`` (a ``RateLimit``)."""

    # Read as attributes (plain class attributes do): the channel type's name, used in URLs and
    # the API ("smsru"); as the «Каналы» page lists it («SMS.ru»); the account's settings (may
    # declare ``sender``, ``max_segments`` and ``statuses``), secrets and their labels; whether
    # the gateway forwards members' SMS to the callback.
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def settings(self) -> type[msgspec.Struct]: ...
    @property
    def secrets(self) -> type[msgspec.Struct]: ...
    @property
    def labels(self) -> Mapping[str, FieldLabel]: ...
    @property
    def receives(self) -> bool: ...

    async def send(
        self, account: ChannelAccount[Any, Any], message: OutboundMessage
    ) -> SendResult: ...

    async def verify(self, account: ChannelAccount[Any, Any], request: InboundRequest) -> None: ...

    async def decode(
        self, account: ChannelAccount[Any, Any], request: InboundRequest
    ) -> Sequence[InboundMessage | DeliveryReport]: ...


_REGISTERED: dict[str, SmsGateway] = {}


def register_gateway(gateway: SmsGateway) -> None:
    """Add a gateway (the plugin's own, or a test's); a name may be registered once."""
    if not isinstance(gateway, SmsGateway):
        raise TypeError(f"{gateway!r} is not an SMS gateway adapter (see SmsGateway)")
    known = _REGISTERED.get(gateway.name)
    if known is not None and type(known) is not type(gateway):
        raise ValueError(f"SMS gateway {gateway.name!r} is registered twice")
    _REGISTERED[gateway.name] = gateway


def gateways() -> dict[str, SmsGateway]:
    """The built-in gateways and those installed through the entry point group."""
    from unionline.channels.sms.smsc import SmscGateway
    from unionline.channels.sms.smsru import SmsRuGateway

    builtin: list[SmsGateway] = [SmsRuGateway(), SmscGateway()]
    for gateway in [*builtin, *_installed()]:
        register_gateway(gateway)
    return dict(_REGISTERED)


def _installed() -> list[SmsGateway]:
    found: list[SmsGateway] = []
    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = point.load()
            found.append(loaded() if isinstance(loaded, type) else loaded)
        except Exception:
            log.exception("SMS gateway %r (%s) could not be loaded", point.name, point.value)
    return found
