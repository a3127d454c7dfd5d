"""Strategy ``skills``: only operators holding every skill the queue requires (the least busy
of them); without such an operator the appeal waits."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.routing.strategies import least_loaded
from unionline.spi import RoutingDecision, RoutingRequest

NAME = "skills"


@hookimpl(trylast=True)
def route_appeal(request: RoutingRequest) -> RoutingDecision | None:
    if request.strategy != NAME:
        return None
    wanted = {s.casefold() for s in request.required_skills}
    skilled = [c for c in request.candidates if wanted <= {s.casefold() for s in c.skills}]
    if not skilled:
        return RoutingDecision(pool=True, reason="no free operator has the skills")
    return RoutingDecision(operator_id=least_loaded(skilled).operator_id, reason=NAME)
