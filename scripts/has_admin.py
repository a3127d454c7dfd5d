"""Exit 0 if the configured database has an administrator, 1 if none, 2 on a config error.

Used by ``scripts/run`` to create the first administrator exactly once. Reads the same
configuration as ``unionline`` (./unionline.toml, ``UNIONLINE_*``); migrations must be applied.
"""

from __future__ import annotations

import sys

from unionline.cli import booted, run_async
from unionline.operators.tables import RoleGrant


async def admin_count() -> int:
    async with booted(None, migrate=False):
        return await RoleGrant.count().where(RoleGrant.role == "admin")


if __name__ == "__main__":
    sys.exit(0 if run_async(admin_count()) else 1)
