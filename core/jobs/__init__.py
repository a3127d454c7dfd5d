"""The job outbox and its executors.

``unionline.jobs`` is the outbox's public face; the parts live in modules of their own:

- :mod:`~unionline.jobs.outbox` — the outbox: enqueue, claim with a lease, retry, dead letters;
- :mod:`~unionline.jobs.inprocess` — the executor inside the web process (embedded default);
- :mod:`~unionline.jobs.arq` — arq workers on Redis (``unionline worker``), imported only there,
  so the embedded default never imports arq;
- :mod:`~unionline.jobs.batch`, :mod:`~unionline.jobs.coalesce` — claims and done marks sent
  together, the arq worker's hot path;
- :mod:`~unionline.jobs.periodic` — :class:`PeriodicJob`, a chore once per period across
  processes (exported by ``unionline``; it builds on the runtime, which builds on this package,
  so it is not imported here).
"""

from __future__ import annotations

from unionline.jobs.inprocess import InProcessExecutor
from unionline.jobs.outbox import (
    STATUSES,
    Claimed,
    JobContext,
    JobQueue,
    JobView,
    Queued,
    backoff_delay,
)

__all__ = [
    "STATUSES",
    "Claimed",
    "InProcessExecutor",
    "JobContext",
    "JobQueue",
    "JobView",
    "Queued",
    "backoff_delay",
]
