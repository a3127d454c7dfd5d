"""Bulk import of members from CSV or XLSX: check every row, report per-row errors, then
write everything in one transaction with batch INSERTs — or nothing at all.

Re-importing the same file changes nothing: a row is matched to an existing member by card
number or by any of its contact points, and only differences are written. Empty cells never
erase what a member already has.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from unionline.access import Actor, scope_for
from unionline.errors import Invalid
from unionline.members import import_match, normalize
from unionline.members.bulk import insert_rows
from unionline.members.events import MembersImported
from unionline.members.import_schema import (
    CONTACT_COLUMNS,
    MEMBER_COLUMNS,
    STATUS_ALIASES,
    ImportReport,
    Progress,
    RowError,
    map_columns,
)
from unionline.members.records import IMPORT, card_key, now
from unionline.members.schemas import STATUSES
from unionline.members.tables import Member
from unionline.members.tabular import Table, read_table
from unionline.organizations.tables import Organization
from unionline.runtime import current, publish

PROGRESS_EVERY = 2_000
_LIMITS = {"full_name": 300, "card_number": 50, "employer": 300, "position": 300}
MEMBER_INSERT_COLUMNS = (
    "id", "organization_id", "full_name", "search_name", "status", "card_number", "card_key",
    "employer", "position", "consents", "custom_fields", "provisional", "created_at",
    "updated_at",
)  # fmt: skip
CONTACT_INSERT_COLUMNS = (
    "id", "member_id", "kind", "address", "key", "verified", "blocked", "blocked_reason",
    "created_at",
)  # fmt: skip


@dataclass(slots=True)
class Org:
    id: uuid.UUID
    path: str


@dataclass(slots=True)
class Row:
    """One valid spreadsheet row, normalized; ``None`` fields were left empty."""

    number: int
    org: Org
    full_name: str
    card: str | None
    card_key: str | None
    status: str | None
    employer: str | None
    position: str | None
    contacts: list[tuple[str, str, str]]  # (kind, normalized address, unique key)
    member_id: uuid.UUID | None = None  # the existing member it matched
    changes: dict[str, Any] = field(default_factory=dict)
    new_contacts: list[tuple[str, str, str]] = field(default_factory=list)


async def import_members(
    actor: Actor | None,
    data: bytes | Table,
    *,
    filename: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    org_code: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import members; see the module docstring. ``org_code`` fills empty ``org_code`` cells."""
    if actor is not None:
        actor.require(IMPORT)
    table = data if isinstance(data, Table) else read_table(data, filename=filename)
    report = ImportReport(
        kind="members", format=table.format, dry_run=dry_run, skip_invalid=skip_invalid
    )
    columns, header_errors = map_columns(table.header, MEMBER_COLUMNS)
    if "full_name" not in columns:
        header_errors.append(RowError(row=1, column="full_name", reason="column is required"))
    if "org_code" not in columns and not org_code:
        header_errors.append(
            RowError(row=1, column="org_code", reason="column is required (or pass --org)")
        )
    if header_errors:
        report.errors = header_errors
        return report
    orgs = await _organizations(actor)
    default = None
    if org_code:
        default = orgs.get(org_code.strip().upper())
        if default is None:
            raise Invalid(f"unknown organization {org_code!r}", field="org")
    checker = RowChecker(columns, orgs, default)
    rows = checker.check_all(table, progress)
    errors = checker.errors
    rows = await import_match.match(actor, rows, errors)
    return await _finish(actor, report, rows, errors, progress)


async def _finish(
    actor: Actor | None,
    report: ImportReport,
    rows: list[Row],
    errors: list[RowError],
    progress: Progress | None,
) -> ImportReport:
    errors.sort(key=lambda e: (e.row, e.column))
    bad = {e.row for e in errors}
    rows = [r for r in rows if r.number not in bad]
    report.errors = errors
    report.invalid_rows = len(bad)
    report.valid_rows = len(rows)
    report.total_rows = report.valid_rows + report.invalid_rows
    report.created = sum(1 for r in rows if r.member_id is None)
    report.updated = sum(1 for r in rows if r.member_id and (r.changes or r.new_contacts))
    report.unchanged = report.valid_rows - report.created - report.updated
    if report.dry_run or (bad and not report.skip_invalid):
        return report
    async with current().db.transaction():
        await _write(rows, progress)
        await publish(MembersImported(created=report.created, updated=report.updated))
        await _audit_import(actor)
    report.imported = True
    return report


async def _organizations(actor: Actor | None) -> dict[str, Org]:
    """Organizations rows may name (by upper-case code): live ones, within the actor's scope."""
    rows = await Organization.select(Organization.id, Organization.code, Organization.path).where(
        Organization.archived_at.is_null()
    )
    scope = None if actor is None else await scope_for(actor, IMPORT)
    return {
        r["code"].upper(): Org(r["id"], r["path"])
        for r in rows
        if scope is None or scope.allows(r["id"])
    }


class RowChecker:
    """Validates and normalizes rows; collects errors and in-file duplicates."""

    def __init__(self, columns: dict[str, int], orgs: dict[str, Org], default: Org | None):
        self.columns = columns
        self.orgs = orgs
        self.default = default
        self.errors: list[RowError] = []
        self.seen: dict[str, int] = {}  # card or contact key -> first row holding it

    def check_all(self, table: Table, progress: Progress | None) -> list[Row]:
        rows: list[Row] = []
        total = len(table.rows)
        for done, (number, cells) in enumerate(table.numbered(), start=1):
            if any(cells):
                row = self.check(number, cells)
                if row is not None:
                    rows.append(row)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress("checking", done, total)
        return rows

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def check(self, number: int, cells: list[str]) -> Row | None:
        before = len(self.errors)

        def fail(column: str, reason: str) -> None:
            self.errors.append(RowError(row=number, column=column, reason=reason))

        values = {name: self.cell(cells, name) for name in _LIMITS}
        if not values["full_name"]:
            fail("full_name", "required")
        for name, limit in _LIMITS.items():
            if len(values[name]) > limit:
                fail(name, f"longer than {limit} characters")
                values[name] = ""  # reported once: no duplicate check on a value refused
        org = self._org(self.cell(cells, "org_code"), fail)
        status = self._status(self.cell(cells, "status"), fail)
        contacts = self._contacts(cells, fail)
        card = values["card_number"] or None
        key = card_key(org.path, card) if org else None
        self._unique(number, "card_number", key, fail)
        for kind, _, contact_key in contacts:
            self._unique(number, kind, contact_key, fail)
        if len(self.errors) > before or org is None:
            return None
        return Row(
            number=number,
            org=org,
            full_name=values["full_name"],
            card=card,
            card_key=key,
            status=status,
            employer=values["employer"] or None,
            position=values["position"] or None,
            contacts=contacts,
        )

    def _org(self, code: str, fail: Any) -> Org | None:
        if not code:
            if self.default is None:
                fail("org_code", "required")
            return self.default
        org = self.orgs.get(code.upper())
        if org is None:
            fail("org_code", f"unknown organization {code!r}")
        return org

    @staticmethod
    def _status(text: str, fail: Any) -> str | None:
        if not text:
            return None
        status = STATUS_ALIASES.get(text.lower(), text.lower())
        if status not in STATUSES:
            fail("status", f"unknown status {text!r}; one of {', '.join(STATUSES)}")
            return None
        return status

    def _contacts(self, cells: list[str], fail: Any) -> list[tuple[str, str, str]]:
        contacts = []
        for kind in CONTACT_COLUMNS:
            text = self.cell(cells, kind)
            if not text:
                continue
            try:
                address = normalize.contact(kind, text, field=kind)
            except Invalid as exc:
                fail(kind, exc.message)
                continue
            contacts.append((kind, address, normalize.contact_key(kind, address)))
        return contacts

    def _unique(self, number: int, column: str, key: str | None, fail: Any) -> None:
        if key is None:
            return
        first = self.seen.setdefault(key, number)
        if first != number:
            fail(column, f"the same value as row {first}")


# -- writing --------------------------------------------------------------------------------


async def _write(rows: list[Row], progress: Progress | None) -> None:
    stamp = now()
    members: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    for row in rows:
        if row.member_id is None:
            row.member_id = uuid.uuid4()
            members.append(_member_tuple(row, stamp))
            row.new_contacts = row.contacts
        contacts += [
            (uuid.uuid4(), row.member_id, kind, address, key, False, False, "", stamp)
            for kind, address, key in row.new_contacts
        ]
    total = len(members) + len(contacts) + sum(1 for r in rows if r.changes)
    await insert_rows("member_member", MEMBER_INSERT_COLUMNS, members)
    _report(progress, len(members), total)
    await insert_rows("member_contact_point", CONTACT_INSERT_COLUMNS, contacts)
    done = len(members) + len(contacts)
    _report(progress, done, total)
    for row in _changed(rows):
        changes = {getattr(Member, k): v for k, v in row.changes.items()}
        await Member.update({**changes, Member.updated_at: stamp}).where(Member.id == row.member_id)
        done += 1
        if done % PROGRESS_EVERY == 0:
            _report(progress, done, total)
    _report(progress, total, total)


def _changed(rows: Iterable[Row]) -> Iterable[Row]:
    return (r for r in rows if r.changes)


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress("writing", done, total)


def _member_tuple(row: Row, stamp: Any) -> tuple[Any, ...]:
    return (
        row.member_id, row.org.id, row.full_name, normalize.search_key(row.full_name),
        row.status or "member", row.card, row.card_key, row.employer or "", row.position or "",
        "{}", "{}", False, stamp, stamp,
    )  # fmt: skip


async def _audit_import(actor: Actor | None) -> None:
    """One audit entry per import (not per member: the entry names no one)."""
    from unionline.audit.services import record

    await record(actor, "member.import", "import", uuid.uuid4(), None)
