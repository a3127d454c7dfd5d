"""The Litestar application: core routes, plugin routes, sessions, realtime bus, lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.stores.registry import StoreRegistry

from unionline import health, inputs, openapi, runtime, web
from unionline.admission import Admission
from unionline.observability import configure_logging, prometheus, request_id_middleware
from unionline.operators.session_store import DatabaseSessionStore, OperatorSessionConfig
from unionline.realtime import event_sink, make_channels
from unionline.settings import Settings

SESSION_COOKIE = "session"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"


def create_app(
    settings: Settings | None = None,
    *,
    config: str | None = None,
    migrate: bool | None = None,
    execute_jobs: bool = True,
    extra_plugins: dict[str, object] | None = None,
) -> Litestar:
    """Build the app from ``settings`` (or the config file and environment when None)."""
    if settings is None:
        settings, host, registry = runtime.load(config, extra_plugins=extra_plugins)
    else:
        settings, host, registry = runtime.from_settings(settings, extra_plugins=extra_plugins)
    configure_logging(settings.log)
    rt = runtime.build(settings, host, registry)
    channels = make_channels(settings)
    rt.events.sinks.append(event_sink(channels))
    rt.state["channels"] = channels
    metrics_config, metrics_controller = prometheus()
    admission = Admission(settings.server.max_concurrent_requests)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with rt.running(app, migrate=migrate, execute_jobs=execute_jobs):
            yield

    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        header_name=CSRF_HEADER,
        cookie_httponly=False,
        cookie_secure=settings.server.cookies_secure,
        exclude=["/api/auth/login", "/health", "/metrics"],
    )
    plugin_routes = [handler for _, handler in registry.routes]
    app = Litestar(
        route_handlers=[health.live, health.ready, metrics_controller, *plugin_routes],
        dependencies=web.DEPENDENCIES,
        exception_handlers={**web.EXCEPTION_HANDLERS, **inputs.EXCEPTION_HANDLERS},
        lifespan=[lifespan],
        plugins=[channels, openapi.StrictStructSchemaPlugin()],
        stores=StoreRegistry({"sessions": DatabaseSessionStore()}),
        middleware=[
            request_id_middleware,
            admission.middleware,  # before sessions: a refused request costs no query
            metrics_config.middleware,
            OperatorSessionConfig(
                key=SESSION_COOKIE,
                store="sessions",
                httponly=True,
                samesite="lax",
                secure=settings.server.cookies_secure,
                max_age=12 * 3600,
            ).middleware,
            DefineMiddleware(web.TokenAwareCSRFMiddleware, config=csrf),
        ],
        openapi_config=openapi.schema_config(host.info["core.system"].version),
        signature_namespace={"Any": Any},
        debug=False,
    )
    openapi.document_errors(app)
    app.state.runtime = rt
    app.state.admission = admission
    return app
