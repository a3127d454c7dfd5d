"""Strategy ``pool``: a shared pool — nobody is assigned; everyone in scope sees the appeal
among the unassigned ones, and the first to claim it wins."""

from __future__ import annotations

from unionline.hookspecs import hookimpl
from unionline.spi import RoutingDecision, RoutingRequest

NAME = "pool"


@hookimpl(trylast=True)
def route_appeal(request: RoutingRequest) -> RoutingDecision | None:
    if request.strategy != NAME:
        return None
    return RoutingDecision(pool=True, reason="shared pool: first claim wins")
