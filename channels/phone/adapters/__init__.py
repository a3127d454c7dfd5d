"""The cloud PBX adapters behind the call model, and the registry a third party adds to.

An adapter knows one provider: how its webhooks are signed (``verify``: ``Unauthorized`` → 401,
nothing stored), what they mean (``decode`` → :class:`~unionline.channels.phone.model.CallEvent`
s), how it is asked to ring an operator and then a member (``click_to_call``) and where a
recording's bytes are (``fetch_recording``) and, optionally, how it places a robot call that
speaks a text (``informer_call``). The line's ``provider`` setting names it.

A third party's plugin registers its own from a ``register_channels`` hook implementation::

    from unionline.channels.phone.adapters import PbxAdapter, register_adapter

    register_adapter(MyPbxAdapter())

(docs/channels/phone.md, "Another provider").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import msgspec

from unionline import NotFound, PermanentFailure

if TYPE_CHECKING:
    from unionline.channel import ChannelAccount, InboundRequest, WebhookReply
    from unionline.channels.phone.model import CallEvent
    from unionline.channels.phone.settings import LineConfig, LineSecrets

    Line: TypeAlias = ChannelAccount[LineConfig, LineSecrets]
else:
    Line: TypeAlias = Any


ROBOT = "robot:"  # the command of a robot's informer call, before the robot step's key


class Placed(msgspec.Struct, frozen=True, kw_only=True):
    """A click-to-call the provider took: its own reference, if it gives one."""

    reference: str = ""


class PbxAdapter:
    """Base of an adapter; ``name`` is what a line's ``provider`` setting says."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    default_api_url: ClassVar[str] = ""

    def echo(self, line: Line, request: InboundRequest) -> WebhookReply | None:
        """The answer to a provider's address check (Zadarma's ``zd_echo``), else None."""
        return None

    async def verify(self, line: Line, request: InboundRequest) -> None:
        raise NotImplementedError

    def decode(self, line: Line, request: InboundRequest) -> list[CallEvent]:
        """The call events of one webhook; ``UnsupportedUpdate`` for what is not a call's."""
        raise NotImplementedError

    async def click_to_call(self, line: Line, extension: str, number: str, command: str) -> Placed:
        """Ring the operator's ``extension`` first, then ``number`` (E.164); ``command`` is
        ours, for providers that echo it in the call's events."""
        raise NotImplementedError

    async def fetch_recording(self, line: Line, reference: str) -> bytes:
        raise NotImplementedError

    robot_calls: ClassVar[bool] = False  # whether :meth:`informer_call` places robot calls
    # Whether the line's calls are placed by an agent that runs in one process only (the SIP
    # agent): the console's click-to-call is then carried to it (``sip/handoff.py``) instead of
    # calling :meth:`click_to_call` in the web process that took the click.
    agent_bound: ClassVar[bool] = False

    async def informer_call(
        self, line: Line, number: str, text: str, *, ask_digit: bool, command: str
    ) -> Placed:
        """Have the provider call ``number`` (E.164) and say ``text`` (its text-to-speech); the
        call's notifications must carry ``command`` so that they fold into the robot's call
        (the robot action waits for its ``ended``). Only for adapters with ``robot_calls``."""
        raise PermanentFailure(f"{self.title or self.name}: робот-звонки не поддерживаются")

    def api_url(self, line: Line) -> str:
        return (line.config.api_url or self.default_api_url).rstrip("/")


_ADAPTERS: dict[str, PbxAdapter] = {}
_BUILTIN: list[bool] = []  # non-empty once the first-party adapters are in


def register_adapter(adapter: PbxAdapter) -> None:
    """Make ``adapter`` available to lines whose ``provider`` is its ``name`` (again: replaced)."""
    if not adapter.name:
        raise ValueError(f"{type(adapter).__name__} has no name")
    _ADAPTERS[adapter.name] = adapter


def adapter_for(name: str) -> PbxAdapter:
    _register_builtin()
    found = _ADAPTERS.get(name)
    if found is None:
        raise NotFound(f"no PBX adapter {name!r} (known: {', '.join(sorted(_ADAPTERS))})")
    return found


def adapters() -> list[PbxAdapter]:
    _register_builtin()
    return list(_ADAPTERS.values())


def _register_builtin() -> None:
    if _BUILTIN:
        return
    _BUILTIN.append(True)
    from unionline.channels.phone.adapters.mango import MangoAdapter
    from unionline.channels.phone.adapters.uis import UisAdapter
    from unionline.channels.phone.adapters.zadarma import ZadarmaAdapter
    from unionline.channels.phone.sip.adapter import SipAdapter

    for adapter in (MangoAdapter(), ZadarmaAdapter(), UisAdapter(), SipAdapter()):
        _ADAPTERS.setdefault(adapter.name, adapter)
