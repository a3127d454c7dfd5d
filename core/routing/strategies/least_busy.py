"""Strategy ``least_busy``: the operator with the fewest open appeals relative to capacity."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.routing.strategies import least_loaded
from unionline.spi import RoutingDecision, RoutingRequest

NAME = "least_busy"


@hookimpl(trylast=True)
def route_appeal(request: RoutingRequest) -> RoutingDecision | None:
    if request.strategy != NAME:
        return None
    if not request.candidates:
        return RoutingDecision(pool=True, reason="nobody is free")
    return RoutingDecision(operator_id=least_loaded(request.candidates).operator_id, reason=NAME)
