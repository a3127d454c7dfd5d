"""Strategy ``own_operator``: the member's own operator (who handled them last) when free,
else the least busy."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.routing.strategies import least_loaded
from unionline.spi import RoutingDecision, RoutingRequest

NAME = "own_operator"


@hookimpl(trylast=True)
def route_appeal(request: RoutingRequest) -> RoutingDecision | None:
    if request.strategy != NAME:
        return None
    own = next((c for c in request.candidates if c.handled_member_before), None)
    if own is not None:
        return RoutingDecision(operator_id=own.operator_id, reason="the member's own operator")
    if not request.candidates:
        return RoutingDecision(pool=True, reason="nobody is free")
    return RoutingDecision(
        operator_id=least_loaded(request.candidates).operator_id, reason="least busy"
    )
