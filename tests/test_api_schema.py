"""schemathesis over the OpenAPI schema as a federation-wide administrator: no 5xx, and every
response (status, content type, headers, body) conforms to the schema.

The database is seeded once for the module; half of the generated path parameters are then
replaced by ids of real objects, so the operations also run on things that exist rather than
only answering 404. Generated requests may change those objects (archive, erase, merge): the
point is that nothing a client sends makes the server fail or answer off-schema.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest
import schema_coverage_support
import schemathesis
from access_matrix_support import Side, kind_of, ok, seed
from channel_support import REF
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.config import (
    OperationConfig,
    OperationsConfig,
    PositiveDataAcceptanceConfig,
)
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import allow_header_conformance, negative_data_rejection

from unionline.app import create_app
from unionline.channel.config import ChannelsSettings
from unionline.channels.mail.settings import MailSettings
from unionline.channels.phone.settings import PhoneSettings
from unionline.channels.sms.settings import SmsSettings
from unionline.channels.telegram.settings import TelegramSettings
from unionline.channels.vk.settings import VkSettings
from unionline.plugin_host import builtin_sources
from unionline.plugins.meetings.settings import MeetingsSettings
from unionline.settings import Settings, settings_type
from unionline.testing.support import (
    TEST_SECRET,
    fresh_database,
    postgres_server_url,
    running_app,
)
from unionline.text import NO_NUL

# Its own databases (one seeded per module), so the auto-marker cannot see them; one worker
# runs the module, so the seeded database is made once.
pytestmark = [pytest.mark.database, pytest.mark.xdist_group("api-schema")]


class Seeded(msgspec.Struct):
    settings: Any
    token: str
    side: Any


# Every first-party plugin and channel (plugins/, channels/), so their routes are checked too.
FIRST_PARTY = sorted(source.name for source in builtin_sources())
# What the plugins need to start, and channels that reach no provider: their APIs are a closed
# local port answering at once, and this process runs no SIP agent.
NOWHERE = "http://127.0.0.1:9"
PLUGIN_SETTINGS: dict[str, dict[str, Any]] = {
    "meetings": {"jitsi_app_id": "unionline", "jitsi_app_secret": "s" * 32},
    "phone": {"sip_agent": False, "request_timeout": 2.0},
    "telegram": {"api_url": NOWHERE, "request_timeout": 2.0},
    "vk": {"api_url": NOWHERE, "request_timeout": 2.0},
    "sms": {"request_timeout": 2.0},
    "mail": {"smtp_timeout": 2.0},
}
SECTIONS: dict[str, type[msgspec.Struct]] = {
    "channels": ChannelsSettings,
    **REF.settings_sections,
    "meetings": MeetingsSettings,
    "phone": PhoneSettings,
    "telegram": TelegramSettings,
    "vk": VkSettings,
    "sms": SmsSettings,
    "mail": MailSettings,
}


def app_settings(url: str, tmp: Path) -> Settings:
    base = msgspec.convert(
        {
            "secret_key": TEST_SECRET,
            "database_url": url,
            "plugins": FIRST_PARTY,
            "log": {"level": "CRITICAL"},
            "jobs": {"backoff_base": 0.05, "backoff_max": 0.5, "poll_interval": 0.05},
            # As make_settings: every generated login, password change and new operator would
            # otherwise pay production argon2 (64 MiB, t=3); what ships has its own test.
            "password_hashing": "fast-insecure",
        },
        Settings,
    )
    configured = msgspec.to_builtins(REF.configure(base, tmp))
    configured.update(PLUGIN_SETTINGS)
    return msgspec.convert(configured, settings_type(SECTIONS))


async def seed_database(settings: Settings) -> tuple[str, Side]:
    async with running_app(settings, migrate=True) as h:
        fed = ok(
            await h.client.post(
                "/api/organizations/",
                headers=h.admin_headers,
                json={"name": "Federation", "code": "FED", "kind": "federation"},
            )
        )["id"]
        side = await seed(h, fed, "ALPHA")
        await h.settle()
        return h.admin_token, side


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    tmp = tmp_path_factory.mktemp("api-schema")
    with fresh_database(tmp, postgres_server_url()) as url:
        settings_ = app_settings(url, tmp)
        token, side = asyncio.run(seed_database(settings_))
        yield Seeded(settings_, token, side)


def schema_of_the_app() -> dict[str, Any]:
    """The OpenAPI document, from an app that is built but never started."""
    with tempfile.TemporaryDirectory() as tmp:
        return create_app(
            app_settings(f"sqlite:///{tmp}/unused.sqlite3", Path(tmp))
        ).openapi_schema.to_schema()


def without_nul_patterns(document: Any) -> Any:
    """``document`` without the ``NO_NUL`` pattern (``^[^\\x00]*$``) of every text field.

    It says only "no NUL", which ``allow-x00: false`` below says to every string schemathesis
    generates. Left in, schemathesis folds it with the field's lengths into one quantifier
    (``^[^\\x00]{1,100000}$`` for a note's text) that is compiled, canonicalized and matched
    again and again: most of the CPU of the operations with long texts. Without it the length
    bounds stay ``minLength`` and ``maxLength``, and the coverage phase makes the same cases
    (the longest text a field allows among them, up to schemathesis's 32 KiB buffer: never a
    100,000-character note, with or without the pattern). That NUL is refused (400 naming the
    field), in every text field and query parameter, is ``test_nul_characters_...`` below;
    responses are checked without it too (stored text never holds NUL: ``storable``).
    """
    if isinstance(document, dict):
        return {
            key: without_nul_patterns(value)
            for key, value in document.items()
            if not (key == "pattern" and value == NO_NUL)
        }
    if isinstance(document, list):
        return [without_nul_patterns(value) for value in document]
    return document


schema_coverage_support.install()  # coverage cases made where a test runs, not at collection
schema = schemathesis.openapi.from_dict(without_nul_patterns(schema_of_the_app()))
schema.config.generation.update(allow_x00=False)  # the NO_NUL patterns taken out above
# A schema-valid request may still be refused for what it means: 404 (no such object), 409 (the
# object's state), 422 (a time zone that does not exist, a phone number that is none, merging
# an appeal into itself). A 400, though, means the schema promised more than is accepted.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "401", "403", "404", "409", "422", "429"]
)
# The coverage phase enumerates boundary cases over the whole body schema; a robot rule's body
# nests condition groups (two levels, up to 50 items, a dozen condition kinds each), which makes
# it thousands of requests per operation (minutes each). The robots operations (rules, dry runs)
# get the fuzzing phase only; the condition grammar has its own hypothesis tests
# (tests/robots/test_conditions.py).
# Every other operation gets the coverage phase's valid boundary cases only: its invalid ones
# (11,052 of 14,325 cases over the 319 operations of every plugin and channel: three quarters of
# the module's requests) all meet the one decoder every route shares (msgspec through Litestar),
# which the fuzzing phase still feeds invalid input (half its examples) on every operation, and
# the NUL test below every text field. (Said for the whole schema, not as an operation entry
# matching every path: schemathesis merges the entries that match an operation each time it
# reads the operation's settings — ~5,000 merges while collecting, a fifth of the module's
# collection CPU.)
schema.config.operations = OperationsConfig(
    operations=[
        OperationConfig.from_dict(
            {"include-path-regex": "^/api/robots/", "phases": {"coverage": {"enabled": False}}}
        ),
    ]
)
schema.config.phases.coverage.generation.update(modes=[GenerationMode.POSITIVE])
# The second engine runs the same operations with fewer examples: what it adds is the engine.
EXAMPLES = 10 if postgres_server_url() else 25
POOL: dict[str, str] = {}  # kind of object -> a seeded object's id, filled by the fixture


@schema.hook
def map_path_parameters(context: Any, path_parameters: dict[str, Any]) -> dict[str, Any]:
    # Every other generated value becomes a real object's id (decided by the value itself, so
    # Hypothesis can still shrink and replay).
    if not path_parameters:
        return path_parameters
    mapped = dict(path_parameters)
    path = context.operation.path if context.operation else ""
    for name, value in path_parameters.items():
        kind = kind_of(name, path) or name
        if kind in POOL and hash(str(value)) % 2 == 0:
            mapped[name] = int(POOL[kind]) if isinstance(value, int) else POOL[kind]
    return mapped


# Operations whose gaps are in other parts of the core, reported to their owners: skipped, with
# the reason in the report, until fixed.
KNOWN_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def app(seeded: Seeded) -> Iterator[Any]:
    POOL.update(seeded.side.ids)
    yield create_app(seeded.settings)
    shutdown_lifespans()  # schemathesis runs the app's lifespan in its own thread until then
    POOL.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_schema(case: Any, app: Any, seeded: Seeded) -> None:
    if case.operation.label in KNOWN_GAPS:
        pytest.skip(KNOWN_GAPS[case.operation.label])
    case.call_and_validate(
        app=app,
        headers={"Authorization": f"Bearer {seeded.token}"},
        excluded_checks=[
            # Litestar 2 answers OPTIONS with the methods of the first handler registered on a
            # path only (litestar-org/litestar#4169, fixed in Litestar 3).
            allow_header_conformance,
            # Litestar decodes leniently (msgspec strict=False: 0 is false, a number is a
            # time), which this check reports as invalid data accepted; what it would catch
            # beyond that (unknown fields) the schema now states and msgspec refuses.
            negative_data_rejection,
        ],
    )


def test_schemathesis_generates_no_nul_where_the_schema_refuses_it() -> None:
    """What ``without_nul_patterns`` took out is said to the generator: no NUL in any phase."""
    document = json.dumps(schema.raw_schema)
    assert json.dumps(NO_NUL) not in document
    assert '"pattern"' in document  # the other patterns kept
    notes = schema["/api/appeals/{appeal_id}/notes"]["POST"]
    for phase in ("coverage", "fuzzing", "examples", "stateful"):
        assert not schema.config.generation_for(operation=notes, phase=phase).allow_x00


def nul_cases(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], str]]:
    """(method, path, body, field): a JSON body holding a NUL in one text field, for every text
    field of every request body of the API (each field of a Struct once per operation, so the
    nested condition groups of robot rules do not multiply it)."""
    components = document["components"]["schemas"]
    cases = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                seen: set[str] = set()
                for body, field in _nul_bodies(
                    content["application/json"]["schema"], components, "", seen
                ):
                    cases.append((method.upper(), path, body, field))
    return cases


def _nul_bodies(
    schema: dict[str, Any], components: dict[str, Any], field: str, seen: set[str]
) -> Iterator[tuple[Any, str]]:
    """(value, field) for each text field reachable from ``schema``: ``value`` holds NUL there
    and nothing else but the tags that select a union's member."""
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    schema = components.get(name, schema) if name else schema
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        yield from _nul_bodies(alternative, components, field, seen)
    kind = schema.get("type")
    if kind == "string" and "const" not in schema:
        yield "\u0000", field
    elif kind == "array" and "items" in schema:
        for value, inner in _nul_bodies(schema["items"], components, f"{field}[0]", seen):
            yield [value], inner
    elif kind == "object":
        properties = schema.get("properties", {})
        tags = {k: v["const"] for k, v in properties.items() if "const" in v}
        for key, sub in properties.items():
            where = f"{name or field}.{key}"
            if where in seen or "const" in sub:
                continue
            seen.add(where)
            for value, inner in _nul_bodies(sub, components, f"{field}.{key}".lstrip("."), seen):
                yield {**tags, key: value}, inner


async def test_nul_characters_are_refused_on_both_engines(unionline_app: Any) -> None:
    """PostgreSQL text cannot hold NUL: every text field of every request body (read from the
    OpenAPI schema) and every text query parameter refuses it on both engines as a 400 naming
    the field, never a 500."""
    h = unionline_app
    document = h.app.openapi_schema.to_schema()
    cases = nul_cases(document)
    assert len(cases) > 100  # the walk reached the bodies
    missed = []
    for method, path, body, field in cases:
        url = concrete(path, document["paths"][path][method.lower()])
        answer = await h.client.request(method, url, json=body, headers=h.admin_headers)
        got = answer.json().get("error", {}).get("field") if answer.status_code < 500 else None
        if answer.status_code not in (400, 422) or got != field:
            missed.append((method, path, field, answer.status_code, got))
    assert missed == []
    nested = await h.client.post(
        "/api/operators/",
        headers=h.admin_headers,
        json={"login": "x", "password": "password-123", "skills": ["ok", "bad\u0000"]},
    )
    assert nested.status_code == 400 and nested.json()["error"]["field"] == "skills[1]"
    for path, operations in document["paths"].items():
        for name in _text_query_parameters(operations.get("get", {})):
            url = concrete(path, operations["get"])
            answer = await h.client.get(url, params={name: "a\u0000"}, headers=h.admin_headers)
            assert (answer.status_code, _field(answer)) == (400, name), (path, name)


def concrete(path: str, operation: dict[str, Any]) -> str:
    """``path`` with a value of its type for each parameter (any will do: the input is refused
    before anything is looked up)."""
    for p in operation.get("parameters", []):
        if p["in"] == "path":
            value = "1" if p["schema"].get("type") == "integer" else str(uuid.uuid4())
            path = path.replace("{" + p["name"] + "}", value)
    return path


def _text_query_parameters(operation: dict[str, Any]) -> list[str]:
    return [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "query"
        and "string" in json.dumps(p["schema"])
        and "format" not in json.dumps(p["schema"])
        and "enum" not in json.dumps(p["schema"])
    ]


def _field(answer: Any) -> str | None:
    return answer.json().get("error", {}).get("field")
