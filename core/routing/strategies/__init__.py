"""The core routing strategies, one default plugin each (``trylast``, like datasette's
``default_*`` modules): a plugin implementing ``route_appeal`` for the same name decides first.

Each answers only for its own ``request.strategy`` and only among ``request.candidates`` (the
eligible operators below capacity, in a stable order).
"""

from __future__ import annotations

from collections.abc import Sequence

from unionline.spi import RoutingCandidate


def least_loaded(candidates: Sequence[RoutingCandidate]) -> RoutingCandidate:
    """Lowest load relative to capacity; then the one who waited longest for an appeal."""
    return min(
        candidates,
        key=lambda c: (c.open_appeals / max(c.capacity, 1), c.last_assigned_at, str(c.operator_id)),
    )
