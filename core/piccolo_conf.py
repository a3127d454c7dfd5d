"""The ``PICCOLO_CONF`` module piccolo reads; :mod:`unionline.db` fills it in from settings.

piccolo looks its engine and app registry up by module name, so ``DB`` and ``APP_REGISTRY``
here are set at start-up (``unionline.db.Database.bind``) instead of being read from a file.
"""

from __future__ import annotations

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

DB: Engine | None = None
APP_REGISTRY = AppRegistry(apps=[])
