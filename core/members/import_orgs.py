"""Bulk import of the federation tree from CSV or XLSX (code, name, parent_code, kind).

A parent is an existing organization or one earlier in the file. Re-importing changes
nothing; an existing code only gets its name and kind updated (moves are done in the tree,
not by import).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from unionline.access import Actor, scope_for
from unionline.members.import_schema import (
    KIND_ALIASES,
    ORGANIZATION_COLUMNS,
    ImportReport,
    Progress,
    RowError,
    map_columns,
)
from unionline.members.records import IMPORT, now
from unionline.members.tabular import Table, read_table
from unionline.organizations.tables import Organization
from unionline.runtime import current

_CODE = re.compile(r"^[A-Za-zА-Яа-яЁё0-9_-]{1,20}$")
_KINDS = ("federation", "committee", "primary")


@dataclass(slots=True)
class OrgRow:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    id: uuid.UUID | None = None  # set when the code exists
    path: str = ""
    changes: dict[str, Any] | None = None


async def import_organizations(
    actor: Actor | None,
    data: bytes | Table,
    *,
    filename: str = "",
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    if actor is not None:
        actor.require(IMPORT)
    table = data if isinstance(data, Table) else read_table(data, filename=filename)
    report = ImportReport(
        kind="organizations", format=table.format, dry_run=dry_run, skip_invalid=skip_invalid
    )
    columns, errors = map_columns(table.header, ORGANIZATION_COLUMNS)
    errors += [
        RowError(row=1, column=name, reason="column is required")
        for name in ("code", "name")
        if name not in columns
    ]
    if errors:
        report.errors = errors
        return report
    existing = {
        r["code"].upper(): r
        for r in await Organization.select(
            Organization.id, Organization.code, Organization.path, Organization.name,
            Organization.kind, Organization.parent_id,
        )
    }  # fmt: skip
    scope = None if actor is None else await scope_for(actor, IMPORT)
    rows = _check(table, columns, existing, scope, errors)
    bad = {e.row for e in errors}
    rows = [r for r in rows if r.number not in bad]
    report.errors = sorted(errors, key=lambda e: (e.row, e.column))
    report.invalid_rows, report.valid_rows = len(bad), len(rows)
    report.total_rows = len(bad) + len(rows)
    report.created = sum(1 for r in rows if r.id is None)
    report.updated = sum(1 for r in rows if r.changes)
    report.unchanged = report.valid_rows - report.created - report.updated
    if dry_run or (bad and not skip_invalid):
        return report
    async with current().db.transaction():
        await _write(rows, existing)
    if progress is not None:
        progress("writing", len(rows), len(rows))
    report.imported = True
    return report


def _check(
    table: Table,
    columns: dict[str, int],
    existing: dict[str, dict[str, Any]],
    scope: Any,
    errors: list[RowError],
) -> list[OrgRow]:
    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    in_file: dict[str, int] = {}  # code -> first row naming it
    defined: set[str] = set()  # codes of valid rows: the parents later rows may name
    rows = []
    for number, cells in table.numbered():
        if not any(cells):
            continue
        before = len(errors)

        def fail(column: str, reason: str, number: int = number) -> None:
            errors.append(RowError(row=number, column=column, reason=reason))

        code = cell(cells, "code").upper()
        name = cell(cells, "name")
        kind_text = cell(cells, "kind").lower() or "primary"
        kind = KIND_ALIASES.get(kind_text, kind_text)
        parent = cell(cells, "parent_code").upper() or None
        if not _CODE.match(code):
            fail("code", "1-20 letters, digits, _ or -")
        elif code in in_file:
            fail("code", f"the same value as row {in_file[code]}")
        if not name or len(name) > 300:
            fail("name", "required, at most 300 characters")
        if kind not in _KINDS:
            fail("kind", f"one of {', '.join(_KINDS)}")
        _check_parent(code, parent, existing, defined, scope, fail)
        in_file.setdefault(code, number)
        if len(errors) == before:
            defined.add(code)
            rows.append(_row(number, code, name, kind, parent, existing.get(code)))
    return rows


def _check_parent(
    code: str,
    parent: str | None,
    existing: dict[str, dict[str, Any]],
    defined: set[str],
    scope: Any,
    fail: Any,
) -> None:
    if parent is not None and parent not in existing and parent not in defined:
        fail("parent_code", f"unknown organization {parent!r} (parents go first, valid)")
        return
    if scope is not None:
        anchor = existing.get(parent) if parent else None
        if parent is None and not scope.everything:
            fail("parent_code", "only a federation-wide administrator imports a root")
        elif anchor is not None and not scope.allows(anchor["id"]):
            fail("parent_code", f"unknown organization {parent!r}")
    found = existing.get(code)
    if found is not None:
        old_parent = next((c for c, r in existing.items() if r["id"] == found["parent_id"]), None)
        if old_parent != parent:
            fail("parent_code", "the organization exists under another parent; move it instead")


def _row(
    number: int, code: str, name: str, kind: str, parent: str | None, found: dict[str, Any] | None
) -> OrgRow:
    row = OrgRow(number=number, code=code, name=name, kind=kind, parent_code=parent)
    if found is not None:
        row.id, row.path = found["id"], found["path"]
        changes = {k: v for k, v in (("name", name), ("kind", kind)) if found[k] != v}
        row.changes = changes or None
    return row


async def _write(rows: list[OrgRow], existing: dict[str, dict[str, Any]]) -> None:
    paths = {code: r["path"] for code, r in existing.items()}
    ids = {code: r["id"] for code, r in existing.items()}
    for row in rows:
        if row.id is not None:
            if row.changes:
                changes = {getattr(Organization, k): v for k, v in row.changes.items()}
                await Organization.update(changes).where(Organization.id == row.id)
            continue
        org_id = uuid.uuid4()
        parent_path = paths[row.parent_code] if row.parent_code else "/"
        paths[row.code], ids[row.code] = f"{parent_path}{org_id}/", org_id
        await Organization.insert(
            Organization(
                id=org_id,
                parent_id=ids[row.parent_code] if row.parent_code else None,
                path=paths[row.code],
                name=row.name,
                code=row.code,
                kind=row.kind,
                created_at=now(),
            )
        )
