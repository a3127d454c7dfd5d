"""The OpenAPI document states the limits msgspec validates, where Litestar leaves them out
(unionline.openapi.StrictStructSchemaPlugin): here the values and keys of a dictionary."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Litestar, post
from litestar.params import JSONBody

from unionline.openapi import StrictStructSchemaPlugin
from unionline.text import Text

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=12, pattern=r"^[A-Z]+$")]


class Body(msgspec.Struct, forbid_unknown_fields=True):
    evidence: dict[str, Annotated[Text, msgspec.Meta(max_length=500)]]
    codes: dict[Code, Annotated[int, msgspec.Meta(ge=0, le=9)]] | None = None


@post("/things")
async def things(data: JSONBody[Body]) -> None:
    return None


def body_schema() -> dict[str, Any]:
    app = Litestar([things], plugins=[StrictStructSchemaPlugin()])
    document = app.openapi_schema.to_schema()
    return document["components"]["schemas"]["Body"]["properties"]


def test_a_dictionarys_values_keep_their_limits() -> None:
    values = body_schema()["evidence"]["additionalProperties"]
    assert values == {"type": "string", "maxLength": 500, "pattern": "^[^\\x00]*$"}


def test_an_optional_dictionary_keeps_its_keys_and_values_limits() -> None:
    (present,) = [s for s in body_schema()["codes"]["oneOf"] if s.get("type") == "object"]
    assert present["additionalProperties"] == {"type": "integer", "minimum": 0, "maximum": 9}
    assert present["propertyNames"] == {"minLength": 1, "maxLength": 12, "pattern": "^[A-Z]+$"}
