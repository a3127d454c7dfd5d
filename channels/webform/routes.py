"""The form's public endpoints (no session, no CSRF token: members' browsers on the union's site).

``GET  /channels/webform/{form key}/form?lang=ru``   the form for the widget, with a render token
``POST /channels/webform/{form key}/submissions``    a submission (JSON, or multipart with a file)
``GET  /widget/form.js``                             the widget itself (package data)

``form key`` is the account's id or public key. A browser request from an origin the form does
not list in ``allowed_origins`` (nor the app's own) is refused with 403; allowed origins get CORS
headers on every answer, errors included, so the widget can show which field was wrong.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

from litestar import Request, Response, get, post, route
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import HTTPException
from litestar.params import FromPath
from litestar.response import File

from unionline import Forbidden, NotFound, ServiceError, current
from unionline.channel import ChannelAccount, find_account
from unionline.channels.webform import definition, submission
from unionline.channels.webform.channel import NAME
from unionline.channels.webform.settings import FormConfig, FormSecrets
from unionline.channels.webform.texts import lang_of
from unionline.web import http_error, service_error

Account: TypeAlias = ChannelAccount[FormConfig, FormSecrets]
# Whole request bodies, file included; the file's own limit (413 naming "file") is lower.
MAX_BODY = 64 * 1024 * 1024
WIDGET_CACHE = CacheControlHeader(public=True, max_age=300)


async def _account(form_key: str) -> Account:
    account = await find_account(NAME, form_key)
    if account is None or account.status != "active":
        raise NotFound(f"no appeal form {form_key!r}", field="form_key")
    return account


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/')[0]}" if rest else ""


def cors_headers(request: Request[Any, Any, Any], account: Account) -> dict[str, str]:
    """CORS headers for the request's origin; Forbidden when a browser asks from elsewhere."""
    origin = request.headers.get("origin")
    if not origin:
        return {}  # not a cross-origin browser request (a server, curl, a same-origin GET)
    if origin in account.config.allowed_origins:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    own = {_origin_of(str(request.base_url)), _origin_of(current().settings.server.public_url)}
    if origin in own:
        return {}
    raise Forbidden(f"this form may not be used on {origin}", field="origin")


def _answer(
    request: Request[Any, Any, Any], exc: ServiceError | HTTPException, cors: dict[str, str]
) -> Response[Any]:
    response = (
        service_error(request, exc) if isinstance(exc, ServiceError) else http_error(request, exc)
    )
    response.headers.update(cors)
    return response


@get(
    "/channels/webform/{form_key:str}/form",
    tags=["channels"],
    cache_control=CacheControlHeader(no_store=True),
)
async def webform_definition(
    request: Request[Any, Any, Any], form_key: FromPath[str]
) -> Response[definition.FormView]:
    """The form's fields, labels and texts in ``lang`` (``ru`` or ``en``) and a render token."""
    account = await _account(form_key)
    cors = cors_headers(request, account)
    view = await definition.render(account, lang_of(request.query_params.get("lang")))
    return Response(view, headers=cors)


@post(
    "/channels/webform/{form_key:str}/submissions",
    status_code=201,
    exclude_from_csrf=True,
    request_max_body_size=MAX_BODY,
    tags=["channels"],
)
async def webform_submit(
    request: Request[Any, Any, Any], form_key: FromPath[str]
) -> Response[submission.Accepted]:
    """A member's submission: 201 with the appeal number; 4xx naming the field otherwise."""
    account = await _account(form_key)
    cors = cors_headers(request, account)
    try:
        values, upload = await submission.read(request, account.config)
        address = request.client.host if request.client else "unknown"
        accepted = await submission.accept(account, values, upload, address)
    except (ServiceError, HTTPException) as exc:
        return _answer(request, exc, cors)
    return Response(accepted, status_code=201, headers=cors)


@route(
    ["/channels/webform/{form_key:str}/form", "/channels/webform/{form_key:str}/submissions"],
    http_method=["OPTIONS"],
    include_in_schema=False,
    exclude_from_csrf=True,
)
async def webform_preflight(
    request: Request[Any, Any, Any], form_key: FromPath[str]
) -> Response[None]:
    """CORS preflight (a JSON submission from another origin asks first)."""
    account = await _account(form_key)
    headers = cors_headers(request, account)
    if headers:
        headers |= {
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        }
    return Response(None, status_code=204, headers=headers)


def widget_file(name: str) -> Path:
    return Path(str(resources.files("unionline.widgets.form") / name))


@get("/widget/form.js", include_in_schema=False, cache_control=WIDGET_CACHE)
async def webform_widget() -> File:
    """The embeddable form: one script, no build step, no third-party requests."""
    return File(
        widget_file("form.js"),
        media_type="text/javascript; charset=utf-8",
        content_disposition_type="inline",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


# The preflight handler first: Litestar gives a path without an OPTIONS handler its own.
ROUTES = [webform_preflight, webform_definition, webform_submit, webform_widget]
