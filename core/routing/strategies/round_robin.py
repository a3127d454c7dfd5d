"""Strategy ``round_robin``: in turn — the operator whose last appeal came longest ago."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.spi import RoutingDecision, RoutingRequest

NAME = "round_robin"


@hookimpl(trylast=True)
def route_appeal(request: RoutingRequest) -> RoutingDecision | None:
    if request.strategy != NAME:
        return None
    if not request.candidates:
        return RoutingDecision(pool=True, reason="nobody is free")
    turn = min(request.candidates, key=lambda c: (c.last_assigned_at, str(c.operator_id)))
    return RoutingDecision(operator_id=turn.operator_id, reason=NAME)
