"""The OpenAPI document says what the API accepts and answers, exactly.

Litestar documents only its own 400 body and loses some msgspec constraints; this module puts
back what is validated (unknown fields refused, limits of list items, dictionary keys and
values, a zero lower bound) and documents the error body
(``{"error": {code, message, field, extra}}``) on every API route.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar, Router
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.datastructures import ResponseHeader
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Schema
from litestar.routes import HTTPRoute

from unionline.web import ErrorResponse

ERROR_STATUSES = {
    400: "The request is malformed: a field has the wrong type or shape (``field`` names it).",
    401: "Nobody is signed in, or the API token is unknown, revoked or its operator inactive.",
    403: "The caller lacks a permission (``extra.permission``), or the CSRF header is missing.",
    404: "No such object, or it lies outside the caller's organizations.",
    409: "The request conflicts with the object's state (taken code, invalid transition, ...).",
    422: "A value is well-formed but not acceptable (``field`` names it).",
    503: "The server is busy (admission control): retry after ``Retry-After`` seconds.",
}


def document_errors(app: Litestar) -> None:
    """Add the error body to every route, for each status the service layer may answer."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            specs = {
                code: ResponseSpec(ErrorResponse, description=text, generate_examples=False)
                for code, text in ERROR_STATUSES.items()
            }
            handler.responses = {**specs, **(handler.responses or {})}


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Document msgspec Structs as they are validated."""

    def to_openapi_schema(self, field_definition: Any, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        kind = field_definition.type_
        if kind.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        info = msgspec.inspect.type_info(kind)
        for field in getattr(info, "fields", ()):
            prop = (schema.properties or {}).get(field.encode_name)
            if isinstance(prop, Schema):
                restore(prop, field.type)
        return schema


def restore(prop: Schema, kind: msgspec.inspect.Type) -> None:
    """Put ``kind``'s constraints on ``prop`` where Litestar left them out."""
    if isinstance(kind, msgspec.inspect.UnionType):
        options = [t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)]
        if len(options) != 1:
            return
        kind = options[0]
    # For Optional[X], Litestar puts X's own limits beside the oneOf, its items' inside.
    _limits(prop, kind)
    _nested(prop, kind)
    for sub in prop.one_of or []:
        if isinstance(sub, Schema) and sub.type not in (None, "null"):
            _nested(sub, kind)


def _limits(prop: Schema, kind: msgspec.inspect.Type) -> None:
    if isinstance(kind, msgspec.inspect.IntType | msgspec.inspect.FloatType):
        _default(prop, "minimum", kind.ge)
        _default(prop, "maximum", kind.le)
        _default(prop, "exclusive_minimum", kind.gt)
        _default(prop, "exclusive_maximum", kind.lt)
    elif isinstance(kind, msgspec.inspect.StrType):
        _default(prop, "min_length", kind.min_length)
        _default(prop, "max_length", kind.max_length)
        _default(prop, "pattern", kind.pattern)


def _nested(prop: Schema, kind: msgspec.inspect.Type) -> None:
    item_type = getattr(kind, "item_type", None)
    if item_type is not None and isinstance(prop.items, Schema):
        _limits(prop.items, item_type)
    if isinstance(kind, msgspec.inspect.DictType):
        if isinstance(prop.additional_properties, Schema):  # the values' limits, as items'
            _limits(prop.additional_properties, kind.value_type)
        key = kind.key_type
        if isinstance(key, msgspec.inspect.LiteralType) and prop.property_names is None:
            prop.property_names = Schema(enum=list(key.values))
        elif isinstance(key, msgspec.inspect.StrType) and prop.property_names is None:
            names = Schema()
            _limits(names, key)
            if names.pattern or names.min_length or names.max_length:
                prop.property_names = names


def _default(schema: Schema, name: str, value: Any) -> None:
    if value is not None and getattr(schema, name) is None:
        setattr(schema, name, value)


# Only the JSON document is served: a documentation page would load its script from a CDN (no
# integrity check, and an origin we do not control running inside ours). Any OpenAPI viewer
# can open the document instead. The policy forbids everything a JSON answer never needs.
SCHEMA_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def schema_config(version: str) -> OpenAPIConfig:
    """``/schema`` and ``/schema/openapi.json`` answer the document; nothing else is served."""
    router = Router(
        "/schema",
        route_handlers=[],
        include_in_schema=False,
        response_headers=[
            ResponseHeader(name="Content-Security-Policy", value=SCHEMA_CSP),
            ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
        ],
    )
    return OpenAPIConfig(
        title="Unionline",
        version=version,
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
        openapi_router=router,
    )
