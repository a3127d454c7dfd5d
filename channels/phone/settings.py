"""Phone settings: the ``[phone]`` section, and each line's (channel account's) config and secrets.

A line is one cloud PBX account of one organization: which provider, its API address, the
extensions of the union's operators, how soon a missed call is called back and how long call
recordings are kept.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

import msgspec

from unionline import WHITE_SPACE

_S = f"[{WHITE_SPACE}]"  # white space spelled out: a client's \s is another set
# "101 = ivanova": an extension (Mango, Zadarma) or a UIS employee id, then an operator's login.
OPERATOR_LINE = rf"^{_S}*[0-9A-Za-z*#+._-]{{1,40}}{_S}*={_S}*[^{WHITE_SPACE}=]{{1,100}}{_S}*$(?!\n)"
_SPLIT = re.compile(r"\s*=\s*")
HOST_PORT = r"^[0-9A-Za-z.:\[\]-]{1,200}:[0-9]{1,5}$(?!\n)"
OPTIONAL_HOST_PORT = r"^([0-9A-Za-z.:\[\]-]{1,200}:[0-9]{1,5})?$(?!\n)"
# "1 = voicemail": a digit of the SIP agent's menu and what it does.
MENU_LINE = rf"^{_S}*[0-9*#]{_S}*={_S}*(operator|voicemail|callback|hangup){_S}*$(?!\n)"


class PhoneSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The ``[phone]`` section of the configuration file."""

    request_timeout: Annotated[float, msgspec.Meta(gt=0)] = 15.0  # a provider's API call
    # How long after a ringing event the screen pop is still worth showing (seconds).
    pop_seconds: Annotated[int, msgspec.Meta(ge=5, le=600)] = 90
    # This process may run the SIP lines' agents when it runs jobs (a web process without
    # redis_url, `unionline worker`): each line's agent runs in one of them at a time, the one
    # holding the line's lease (sip/runtime.py); false: never here.
    sip_agent: bool = True
    # How long a click-to-call through a SIP line waits for the agent's process to take it
    # before the operator is told that no agent answered (seconds).
    dial_wait: Annotated[float, msgspec.Meta(ge=1, le=30)] = 5.0


class LineConfig(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A line's config: the provider and how calls become appeals."""

    provider: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,30}$(?!\n)")] = "mango"
    # The provider's API address; empty: the provider's own (a test points it at a stand-in).
    api_url: Annotated[str, msgspec.Meta(max_length=300)] = ""
    operators: list[Annotated[str, msgspec.Meta(pattern=OPERATOR_LINE)]] = msgspec.field(
        default_factory=list
    )
    # The union's number the member sees on a click-to-call (Mango line, UIS virtual number).
    caller_number: Annotated[str, msgspec.Meta(max_length=40)] = ""
    callback_hours: Annotated[float, msgspec.Meta(ge=0, le=240)] = 2.0  # working hours
    recording_days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 90  # 0: never kept
    # Mango's disconnect_reason codes that mean "busy" for an outbound call (from the code
    # table of the line's Mango account; without them an unanswered call is "no answer").
    busy_codes: list[Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,6}$(?!\n)")]] = msgspec.field(
        default_factory=list
    )
    # The built-in SIP agent (provider "sip"): where it listens, registers and calls through.
    sip_listen: Annotated[str, msgspec.Meta(pattern=HOST_PORT)] = "0.0.0.0:5060"
    sip_public: Annotated[str, msgspec.Meta(pattern=OPTIONAL_HOST_PORT)] = ""  # behind NAT
    sip_registrar: Annotated[str, msgspec.Meta(pattern=OPTIONAL_HOST_PORT)] = ""  # "": none
    sip_outbound: Annotated[str, msgspec.Meta(pattern=OPTIONAL_HOST_PORT)] = ""  # "": registrar
    sip_domain: Annotated[str, msgspec.Meta(max_length=200)] = ""  # "": the registrar's host
    sip_user: Annotated[str, msgspec.Meta(max_length=100)] = ""  # the line's AOR user
    sip_rtp_ports: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,5}-[0-9]{1,5}$(?!\n)")] = (
        "20000-20999"
    )
    sip_ring_seconds: Annotated[float, msgspec.Meta(ge=0, le=60)] = 2.0  # before the menu
    sip_greeting: Annotated[str, msgspec.Meta(max_length=1000)] = (
        "Здравствуйте! Вы позвонили в профсоюз. Чтобы поговорить с сотрудником, нажмите 0. "
        "Чтобы оставить сообщение, нажмите 1. Чтобы мы вам перезвонили, нажмите 2."
    )
    sip_menu: list[Annotated[str, msgspec.Meta(pattern=MENU_LINE)]] = msgspec.field(
        default_factory=lambda: ["0 = operator", "1 = voicemail", "2 = callback"]
    )
    # "operator": the operators' SIP phones (their extensions) ring one after another this long.
    sip_queue_seconds: Annotated[float, msgspec.Meta(ge=5, le=120)] = 20.0
    # "in_turn": one phone after another; "all": every phone at once, the first answer wins.
    sip_queue_ring: Literal["in_turn", "all"] = "in_turn"
    sip_voicemail_seconds: Annotated[int, msgspec.Meta(ge=5, le=600)] = 120
    sip_max_calls: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 20  # more: 486 busy
    sip_tts: Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_-]{1,30}$(?!\n)")] = "espeak-ng"


class LineSecrets(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A line's secrets (encrypted at rest)."""

    api_key: Annotated[str, msgspec.Meta(max_length=200)] = ""  # Mango key, Zadarma key, UIS token
    api_secret: Annotated[str, msgspec.Meta(max_length=200)] = ""  # Mango salt, Zadarma secret
    # UIS notifications carry it in the URL (?token=…): UIS does not sign them.
    webhook_token: Annotated[str, msgspec.Meta(max_length=200)] = ""
    sip_password: Annotated[str, msgspec.Meta(max_length=200)] = ""  # digest auth (SIP agent)


def phone_settings() -> PhoneSettings:
    from unionline import current

    return current().settings.section("phone", PhoneSettings)


def extensions(config: LineConfig) -> dict[str, str]:
    """Extension → operator login, from the «Добавочные операторов» lines."""
    found: dict[str, str] = {}
    for line in config.operators:
        extension, login = _SPLIT.split(line.strip(), maxsplit=1)
        found[extension] = login
    return found


def menu(config: LineConfig) -> dict[str, str]:
    """Digit → action, from the SIP agent's «Голосовое меню» lines."""
    found: dict[str, str] = {}
    for line in config.sip_menu:
        digit, action = _SPLIT.split(line.strip(), maxsplit=1)
        found[digit] = action
    return found


def host_port(value: str, default_port: int = 5060) -> tuple[str, int]:
    """``"host:port"`` → ``(host, port)`` (an IPv6 host in brackets)."""
    host, _, port = value.rpartition(":")
    return host.strip("[]"), int(port or default_port)
