"""Building blocks of the access matrix: two sibling organizations full of data, and minimal
valid request bodies derived from the OpenAPI schema.

Seeding goes through the public API as a federation-wide administrator, domain by domain, and
only for the domains the app has (``registry.tables``), so the matrix grows with the app.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
from channel_support import REF, message, signed_call

from unionline.testing import AppHarness
from unionline.testing.channel_contract import ContractAccount

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@dataclass
class Side:
    """The objects of one organization subtree, by the names routes use for them."""

    code: str
    ids: dict[str, str] = field(default_factory=dict)  # path/field name -> an object's id
    markers: set[str] = field(default_factory=set)  # every id, code and secret text of the side

    def add(self, name: str, value: Any) -> str:
        text = str(value)
        self.ids.setdefault(name, text)
        self.markers.add(text)
        return text


def ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


async def seed(h: AppHarness, fed: str, code: str) -> Side:
    """An organization under ``fed`` with a child, staff, a channel account, members, an appeal
    with messages and a file, a reply on its way out, and the jobs that creates."""
    side = Side(code)
    post, admin = h.client.post, h.admin_headers
    org = ok(
        await post(
            "/api/organizations/",
            headers=admin,
            json={"name": f"{code} committee", "code": code, "parent_id": fed, "kind": "committee"},
        )
    )
    side.add("org_id", org["id"])
    side.markers.add(code)
    child = ok(
        await post(
            "/api/organizations/",
            headers=admin,
            json={"name": f"{code} primary", "code": f"{code}1", "parent_id": org["id"]},
        )
    )
    side.add("child_org_id", child["id"])
    tables = set(h.runtime.registry.tables)
    if "operators" in tables:
        await _seed_operators(h, side, child["id"])
    if "members" in tables:
        await _seed_members(h, side, child["id"])
    if "channel" in tables and "appeals" in tables:
        await _seed_appeals(h, side, child["id"])
    if "routing" in tables and "appeal_id" in side.ids:
        await _seed_routing(h, side, child["id"])
    if "robots" in tables:
        await _seed_robots(h, side, child["id"])
    if "calendar" in tables:
        await _seed_calendar(h, side, child["id"])
    if "canned" in tables:
        await _seed_canned(h, side, child["id"])
    if "workspace" in tables:
        await _seed_workspace(h, side, child["id"])
    if "reports" in tables:
        await _seed_reports(h, side, child["id"])
    if "meetings" in tables and "appeal_id" in side.ids:
        await _seed_meetings(h, side)
    if "timekeeping" in tables and "operator_id" in side.ids:
        await _seed_timekeeping(h, side)
    return side


async def _seed_timekeeping(h: AppHarness, side: Side) -> None:
    """The side's operator's finished workday, a correction of it and an absence."""
    from datetime import timedelta

    from unionline.plugins.timekeeping import workday

    operator_id = uuid.UUID(side.ids["operator_id"])
    await workday.perform(operator_id, "start")
    day = await workday.perform(operator_id, "finish")
    side.add("workday_id", day.id)
    now = datetime.now(UTC)
    correction = ok(
        await h.client.post(
            f"/api/timekeeping/workdays/{day.id}/corrections",
            headers=h.admin_headers,
            json={
                "started_at": (now - timedelta(hours=2)).isoformat(),
                "ended_at": (now - timedelta(seconds=1)).isoformat(),
                "reason": f"{side.code}-SECRET-REASON",
            },
        )
    )
    side.add("correction_id", correction["id"])
    absence = ok(
        await h.client.post(
            "/api/timekeeping/absences",
            headers=h.admin_headers,
            json={
                "code": "ОТ",
                "first": "2031-07-01",
                "last": "2031-07-14",
                "operator_id": str(operator_id),
                "note": f"{side.code}-SECRET-ABSENCE",
            },
        )
    )
    side.add("absence_id", absence["id"])
    side.markers.update({f"{side.code}-SECRET-REASON", f"{side.code}-SECRET-ABSENCE"})


async def _seed_meetings(h: AppHarness, side: Side) -> None:
    """A video call on the side's appeal (its member's link sent on the appeal's channel)."""
    meeting = ok(
        await h.client.post(
            "/api/meetings/instant",
            headers=h.admin_headers,
            json={"appeal_id": side.ids["appeal_id"], "title": f"{side.code}-SECRET-MEETING"},
        )
    )
    side.add("meeting_id", meeting["id"])
    side.markers.add(f"{side.code}-SECRET-MEETING")


async def _seed_reports(h: AppHarness, side: Side, org_id: str) -> None:
    """A scheduled report of the side's organization, written as the plugin writes one."""
    schedule_id = uuid.uuid4()
    await h.runtime.db.execute(
        "INSERT INTO reports_schedule (id, organization_id, name, rrule, period, format,"
        " recipients, active, created_at) VALUES ({}, {}, {}, {}, 'week', 'xlsx', {}, {}, {})",
        schedule_id,
        uuid.UUID(org_id),
        f"{side.code}-SECRET-SCHEDULE",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9",
        f'["{side.ids.get("operator_id", uuid.uuid4())}"]',
        True,
        datetime.now(UTC),
    )
    side.add("schedule_id", schedule_id)
    side.markers.add(f"{side.code}-SECRET-SCHEDULE")


async def _seed_operators(h: AppHarness, side: Side, org_id: str) -> None:
    staff = ok(
        await h.client.post(
            "/api/operators/",
            headers=h.admin_headers,
            json={
                "login": f"{side.code.lower()}-staff",
                "password": "password-123",
                "name": f"{side.code}-SECRET-OPERATOR",
                "grants": [{"role": "operator", "organization_id": org_id}],
            },
        )
    )
    side.add("operator_id", staff["id"])
    side.add("grant_id", staff["grants"][0]["id"])
    token = ok(
        await h.client.post(
            f"/api/operators/{staff['id']}/tokens",
            headers=h.admin_headers,
            json={"name": "integration", "scopes": ["organizations.read"]},
        )
    )
    side.add("token_id", token["details"]["id"])
    side.markers.add(token["token"])


async def _seed_members(h: AppHarness, side: Side, org_id: str) -> None:
    member = ok(
        await h.client.post(
            "/api/members/",
            headers=h.admin_headers,
            json={
                "organization_id": org_id,
                "full_name": f"{side.code}-SECRET-NAME Петров",
                "card_number": f"{side.code}-CARD-1",
                "contacts": [{"kind": "web", "address": f"ref-{side.code.lower()}-visitor"}],
            },
        )
    )
    side.add("member_id", member["id"])
    side.add("contact_id", member["contacts"][0]["id"])
    side.markers.add(f"{side.code}-CARD-1")
    # A second member, for routes naming two (merge): both must be the side's own.
    second = ok(
        await h.client.post(
            "/api/members/",
            headers=h.admin_headers,
            json={"organization_id": org_id, "full_name": f"{side.code}-SECRET-NAME Сидоров"},
        )
    )
    side.add("member_id#2", second["id"])


async def _seed_appeals(h: AppHarness, side: Side, org_id: str) -> None:
    account = ok(
        await h.client.post(
            "/api/channel-accounts/",
            headers=h.admin_headers,
            json={
                "organization_id": org_id,
                "channel": "reference",
                "name": f"{side.code} bot",
                "config": REF.account_config(),
                "secrets": REF.account_secrets(),
            },
        )
    )
    side.add("account_id", account["id"])
    ref = ContractAccount(
        id=uuid.UUID(account["id"]), organization_id=uuid.UUID(org_id), public_key=""
    )
    files = [{"name": "scan.png", "type": "image/png", "data": base64.b64encode(PNG).decode()}]
    payload = message(
        1, f"{side.code.lower()}-visitor", f"{side.code}-SECRET-TEXT", "", files=files
    )
    call = signed_call(ref, payload)
    ok(await h.client.post(call.path, content=call.body, headers=call.headers), 200)
    await h.settle()
    appeal = ok(
        await h.client.get(
            "/api/appeals/", params={"organization_id": org_id}, headers=h.admin_headers
        ),
        200,
    )["items"][0]
    side.add("appeal_id", appeal["id"])
    side.markers.add(appeal["number"])
    second = ok(
        await h.client.post(
            "/api/appeals/",
            headers=h.admin_headers,
            json={
                "organization_id": org_id,
                "member_id": side.ids["member_id#2"],
                "subject": f"{side.code}-SECRET-SUBJECT",
            },
        )
    )
    side.add("appeal_id#2", second["id"])
    side.markers.add(second["number"])
    jobs_before = {
        j["id"] for j in ok(await h.client.get("/api/jobs/", headers=h.admin_headers), 200)
    }
    ok(
        await h.client.post(
            f"/api/appeals/{appeal['id']}/replies",
            headers=h.admin_headers,
            json={"text": f"{side.code}-SECRET-REPLY"},
        )
    )
    ok(
        await h.client.post(
            f"/api/appeals/{appeal['id']}/notes",
            headers=h.admin_headers,
            json={"text": f"{side.code}-SECRET-NOTE"},
        )
    )
    await h.settle()
    timeline = ok(
        await h.client.get(f"/api/appeals/{appeal['id']}/timeline", headers=h.admin_headers), 200
    )["items"]
    for entry in timeline:
        for attachment in entry["data"].get("attachments", []):
            if isinstance(attachment, dict) and "id" in attachment:
                side.add("attachment_id", attachment["id"])
    jobs = ok(await h.client.get("/api/jobs/", headers=h.admin_headers), 200)
    for job in jobs:
        if job["id"] not in jobs_before:
            side.ids.setdefault("job_id", str(job["id"]))
    # Settings forms belong to no organization (federation-wide grants only): one name a side.
    side.ids.setdefault("form_id", f"form-{side.code.lower()}")
    # So do plugins switched on or off (/api/plugins/{name}/enabled): a name a side.
    side.ids.setdefault("name", f"plugin-{side.code.lower()}")
    from unionline.channel.tables import DeliveryRecord

    for row in await DeliveryRecord.select(DeliveryRecord.id).where(
        DeliveryRecord.appeal_id == uuid.UUID(appeal["id"])
    ):
        side.markers.add(str(row["id"]))


async def _seed_routing(h: AppHarness, side: Side, org_id: str) -> None:
    queue = ok(
        await h.client.post(
            "/api/routing/queues/",
            headers=h.admin_headers,
            json={"organization_id": org_id, "name": f"{side.code} queue", "offer_timeout": 600},
        )
    )
    side.add("queue_id", queue["id"])
    # Offers are made by the routing engine to operators with an open console; the matrix has
    # none, so one pending offer is written the way the engine writes it.
    import time

    from unionline.routing.tables import Offer

    offer_id = uuid.uuid4()
    await Offer.insert(
        Offer(
            id=offer_id,
            appeal_id=uuid.UUID(side.ids["appeal_id"]),
            operator_id=uuid.UUID(side.ids["operator_id"]),
            queue_id=uuid.UUID(queue["id"]),
            state="pending",
            offered_at=time.time(),
            expires_at=time.time() + 600,
        )
    )
    side.add("offer_id", offer_id)


async def _seed_robots(h: AppHarness, side: Side, org_id: str) -> None:
    """A disabled rule (it must not act while the matrix runs) with its own name."""
    actions = sorted(h.runtime.registry.robots)
    if not actions:
        return
    action = "flow.stop" if "flow.stop" in actions else actions[0]
    rule = ok(
        await h.client.post(
            "/api/robots/rules",
            headers=h.admin_headers,
            json={
                "organization_id": org_id,
                "name": f"{side.code}-SECRET-RULE",
                "enabled": False,
                "trigger": {"kind": "event", "event_type": "appeal.created"},
                "actions": [{"action": action}],
            },
        )
    )
    side.add("rule_id", rule["id"])
    side.markers.add(f"{side.code}-SECRET-RULE")


async def _seed_calendar(h: AppHarness, side: Side, org_id: str) -> None:
    """A day off of the organization's own, with a note of its own."""
    day = ok(
        await h.client.post(
            f"/api/calendar/{org_id}/overrides",
            headers=h.admin_headers,
            json={"day": "2026-03-12", "kind": "day_off", "note": f"{side.code}-SECRET-DAY"},
        )
    )
    side.add("override_id", day["id"])
    side.markers.add(f"{side.code}-SECRET-DAY")


async def _seed_canned(h: AppHarness, side: Side, org_id: str) -> None:
    """A shared canned reply of the organization, with a text of its own."""
    reply = ok(
        await h.client.post(
            "/api/canned-replies/",
            headers=h.admin_headers,
            json={"organization_id": org_id, "key": "secret", "text": f"{side.code}-SECRET-REPLY"},
        )
    )
    side.add("reply_id", reply["id"])
    side.markers.add(f"{side.code}-SECRET-REPLY")


async def _seed_workspace(h: AppHarness, side: Side, org_id: str) -> None:
    """A saved appeal-list filter naming the organization (the administrator's: filters are
    one's own, so nobody else may read or delete it)."""
    saved = ok(
        await h.client.post(
            "/api/saved-filters/",
            headers=h.admin_headers,
            json={"name": f"{side.code}-SECRET-FILTER", "query": {"organization_id": org_id}},
        )
    )
    side.add("filter_id", saved["id"])
    side.markers.add(f"{side.code}-SECRET-FILTER")


# -- request bodies from the OpenAPI schema ---------------------------------------------------

# Which kind of object a body field or query parameter names, by its name (and the path for
# names that mean different things in different places).
FIELD_KINDS: dict[str, str] = {
    "organization_id": "org_id",
    "parent_id": "org_id",
    "member_id": "member_id",
    "appeal_id": "appeal_id",
    "operator_id": "operator_id",
    "assignee_id": "operator_id",
    "actor_id": "operator_id",
    "channel_account_id": "account_id",
    "account_id": "account_id",
    "contact_id": "contact_id",
    "attachment_id": "attachment_id",
    "grant_id": "grant_id",
    "token_id": "token_id",
    "source_id": "member_id",
    "meeting_id": "meeting_id",
    "campaign_id": "campaign_id",
    "after_campaign_id": "campaign_id",
    "segment_id": "segment_id",
}
CONTEXT_KINDS: dict[tuple[str, str], str] = {
    ("/api/appeals", "target_id"): "appeal_id",
    ("/api/members", "target_id"): "member_id",
}


# Values that pass validation where "xxxxxxxx" would not, so the request reaches the checks
# that matter here (contact points default to the first kind, phone).
VALUES: dict[str, str] = {
    "address": "+7 999 123-45-67",
    "channel": "reference",
    "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9",  # a scheduled report's recurrence
    "at": "2030-03-10T09:00",  # a campaign's scheduled start (the federation's local time)
}


class NoStrategy(Exception):
    """The schema holds something the body builder cannot fill: extend it for the new route."""


def kind_of(name: str, path: str) -> str | None:
    for (prefix, field_name), kind in CONTEXT_KINDS.items():
        if field_name == name and path.startswith(prefix):
            return kind
    return FIELD_KINDS.get(name)


class BodyBuilder:
    """A minimal valid instance of a JSON schema; id fields filled from a side by name.

    ``slots`` collects the dotted paths of the id fields filled, so callers can vary which
    side each one comes from.
    """

    def __init__(self, spec: dict[str, Any], path: str) -> None:
        self.components = spec.get("components", {}).get("schemas", {})
        self.path = path

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = {
                **self.components[schema["$ref"].rsplit("/", 1)[1]],
                **{k: v for k, v in schema.items() if k != "$ref"},
            }
        for key in ("oneOf", "anyOf"):
            if key in schema:
                options = [self.resolve(o) for o in schema[key] if o.get("type") != "null"]
                if not options:
                    return {"type": "null"}
                rest = {k: v for k, v in schema.items() if k != key}
                return {**rest, **options[0]}
        return schema

    def mentions_ids(self, schema: dict[str, Any], depth: int = 0) -> bool:
        schema = self.resolve(schema)
        if depth > 5:
            return False
        props = schema.get("properties", {})
        if any(kind_of(n, self.path) for n in props):
            return True
        children = [*props.values(), *([schema["items"]] if "items" in schema else [])]
        return any(self.mentions_ids(c, depth + 1) for c in children)

    def build(
        self,
        schema: dict[str, Any],
        ids: dict[str, str],
        where: str = "",
        slots: list[tuple[str, str]] | None = None,
    ) -> Any:
        schema = self.resolve(schema)
        slots = slots if slots is not None else []
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if "enum" in schema:
            return next(v for v in schema["enum"] if v is not None)
        if kind == "object" or "properties" in schema:
            return self._object(schema, ids, where, slots)
        if kind == "array":
            wanted = schema.get("minItems", 0) or (1 if self.mentions_ids(schema["items"]) else 0)
            return [self.build(schema["items"], ids, f"{where}[{i}]", slots) for i in range(wanted)]
        if kind == "string":
            return self._string(schema, ids, where, slots)
        if kind == "integer":
            return (
                max(int(schema.get("minimum", 1)), 1)
                if "maximum" not in schema
                else int(schema.get("minimum", 0))
            )
        if kind == "number":
            return float(schema.get("minimum", 1))
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        raise NoStrategy(f"{self.path}: no strategy for schema {schema!r} at {where or 'body'}")

    def _object(
        self, schema: dict[str, Any], ids: dict[str, str], where: str, slots: list[tuple[str, str]]
    ) -> dict[str, Any]:
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            kind = kind_of(name, self.path)
            if name not in required and not kind and not self.mentions_ids(sub):
                continue
            dotted = f"{where}.{name}" if where else name
            if kind and self.resolve(sub).get("format") == "uuid":
                if kind not in ids:
                    if name in required:
                        raise NoStrategy(f"{self.path}: nothing seeded for {name} ({kind})")
                    continue
                out[name] = ids[kind]
                slots.append((dotted, kind))
                continue
            out[name] = self.build(sub, ids, dotted, slots)
        return out

    def _string(
        self, schema: dict[str, Any], ids: dict[str, str], where: str, slots: list[tuple[str, str]]
    ) -> str:
        name = where.rsplit(".", 1)[-1]
        if name in VALUES:
            return VALUES[name]
        fmt = schema.get("format")
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date-time":
            return datetime.now(UTC).isoformat()
        if fmt == "date":
            return "2026-03-10"
        if fmt == "email":
            return "someone@example.org"
        if fmt == "binary":
            return "file"
        value = "x" * max(int(schema.get("minLength", 1)), 8)
        value = value[: int(schema.get("maxLength", len(value)))]
        pattern = schema.get("pattern")
        if pattern and not re.search(pattern, value):
            raise NoStrategy(f"{self.path}: no strategy for pattern {pattern!r} at {where}")
        return value


def set_dotted(body: Any, dotted: str, value: str) -> None:
    """Set ``a.b[0].c`` in a built body."""
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", dotted)
    target = body
    for part in parts[:-1]:
        target = target[int(part[1:-1])] if part.startswith("[") else target[part]
    last = parts[-1]
    if last.startswith("["):
        target[int(last[1:-1])] = value
    else:
        target[last] = value


# -- one answer for an organization the caller cannot see (docs/api.md) -----------------------

# Answers about one organization that take it in the query (a time sheet, the reports' today, the
# SMS limits of its account): the organization is their subject, as if it were in the path.
SUBJECT_QUERIES = {
    "/api/timekeeping/sheet",
    "/api/timekeeping/sheet.xlsx",
    "/api/timekeeping/sheet.html",
    "/api/reports/today",
    "/api/campaigns/limits",
}
# Required query parameters other than the organization, so a list reaches its scope check.
QUERY_VALUES = {
    "since": "2026-01-01",
    "until": "2026-01-31",
    "first": "2026-01-01",
    "last": "2026-01-31",
    "metric": "first_responses",  # the reports' drill-down
}


@dataclass
class OrgProbe:
    """One GET route naming an organization: BRAVO's id and an id of no organization, each in
    the same place (``where``: ``filter`` in the query, ``subject`` in the path or a subject
    query); ``params`` the rest of the query."""

    route: str
    where: str
    org_params: list[str]
    path_params: list[str]
    params: dict[str, str]

    def request(self, org: str) -> tuple[str, dict[str, str]]:
        path = re.sub(
            r"{(\w+):\w+}", lambda m: org if m[1] in self.path_params else m[0], self.route
        )
        return path, {**self.params, **{n: org for n in self.org_params}}


def org_probes(routes: list[str], spec: dict[str, Any], a: Side) -> list[OrgProbe]:
    """Every GET list route taking an organization: as a query filter, or as its subject."""
    probes = []
    for route in routes:
        op = spec["paths"].get(re.sub(r"{(\w+):\w+}", r"{\1}", route), {}).get("get", {})
        in_path = re.findall(r"{(\w+):\w+}", route)
        query = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "query"}
        orgs_q = [n for n in query if kind_of(n, route) == "org_id"]
        orgs_p = [n for n in in_path if (kind_of(n, route) or n) == "org_id"]
        if len(orgs_p) < len(in_path) or not (orgs_q or orgs_p):
            continue  # an object's route (its id in the path), or no organization at all
        required = [n for n, p in query.items() if p.get("required") and n not in orgs_q]
        kinds = {n: kind_of(n, route) for n in required}
        if any(kind and kind not in a.ids for kind in kinds.values()):
            continue  # it needs an object of a kind the caller did not seed
        params = {
            n: a.ids[kind]
            if kind
            else QUERY_VALUES.get(n) or next(iter(query[n].get("schema", {}).get("enum", [])), "x")
            for n, kind in kinds.items()
        }
        subject = bool(orgs_p) or route in SUBJECT_QUERIES
        probes.append(OrgProbe(route, "subject" if subject else "filter", orgs_q, orgs_p, params))
    return probes


# Keys of an answer that are not what is listed: when it was made, what a report can count.
NOT_LISTED = {"at", "metrics"}


def _lists_empty(value: Any) -> bool:
    if isinstance(value, list):
        return not value
    if isinstance(value, dict):
        return all(_lists_empty(v) for k, v in value.items() if k not in NOT_LISTED)
    return True


def _decoded(response: Any) -> Any:
    return response.json() if "json" in response.headers.get("content-type", "") else None


def _comparable(response: Any, org: str) -> str:
    """The answer as text, the organization's id and the keys ``NOT_LISTED`` left out."""
    kind = response.headers.get("content-type", "")
    if "json" in kind:
        value = response.json()
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in NOT_LISTED}
        text = msgspec.json.encode(value).decode()
    else:
        text = response.text if kind.startswith("text/") else "(binary)"
    return text.replace(org, "<organization>")


async def org_rule_problems(
    h: AppHarness, probes: list[OrgProbe], b: Side, role: str, headers: dict[str, str]
) -> list[str]:
    """An organization out of the caller's scope (BRAVO's, for ALPHA's staff) and an id of no
    organization get the same answer, the id aside: as a filter 200 with nothing listed, as a
    subject a 404. A federation-wide administrator gets that answer for the unknown id."""
    found = []
    unknown = str(uuid.uuid4())
    for probe in probes:
        answers = []
        for org in (b.ids["org_id"], unknown) if role != "federation" else (unknown,):
            path, params = probe.request(org)
            response = await h.client.get(path, params=params, headers=headers)
            answers.append((response, _comparable(response, org)))
        where = f"{role} GET {probe.route} (organization as {probe.where})"
        (last, last_text), statuses = answers[-1], {r.status_code for r, _ in answers}
        if len({text for _, text in answers}) > 1 or len(statuses) > 1:
            found.append(
                f"{where}: BRAVO's {answers[0][0].status_code} {answers[0][1][:160]}"
                f" differs from an unknown one's {last.status_code} {last_text[:160]}"
            )
        elif last.status_code == 403:
            continue  # the permission is missing: that says nothing of the organization
        elif probe.where == "subject" and last.status_code != 404:
            found.append(f"{where}: {last.status_code}, not 404: {last_text[:160]}")
        elif probe.where == "filter" and last.status_code != 200:
            found.append(f"{where}: {last.status_code}, not 200: {last_text[:160]}")
        elif probe.where == "filter" and not _lists_empty(_decoded(last)):
            found.append(f"{where}: lists something: {last_text[:160]}")
    return found
