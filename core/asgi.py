"""ASGI entry for uvicorn: ``unionline.asgi:app`` built from the config file and environment."""

from __future__ import annotations

from unionline.app import create_app

app = create_app()
