"""unionline-sms-gateway: an example third-party Unionline channel (members write by SMS).

This module holds only hook implementations. Unionline finds it through the entry point
``smsgw = "unionline_smsgw"`` in the group ``unionline`` (see pyproject.toml); a federation
enables it with ``plugins = ["smsgw"]``. The rest: ``channel`` (the channel type), ``client``
(the gateway's API, errors by intent), ``wire`` (its wire format), ``segments`` (GSM-7/UCS-2
segment counting), ``routes`` (the webhook).
"""

from __future__ import annotations

from typing import Any

from unionline import hookimpl

__version__ = "0.1.0"


@hookimpl
def register_channels(register: Any) -> None:
    from unionline_smsgw.channel import SmsGatewayChannel

    register(SmsGatewayChannel())


@hookimpl
def register_routes(register: Any) -> None:
    from unionline_smsgw.routes import smsgw_inbound

    register(smsgw_inbound)
