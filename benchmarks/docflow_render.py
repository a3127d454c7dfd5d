"""Rendering .docx templates: 1,000 Cyrillic documents with a table loop (an approval sheet of
12 rows) through ``unionline.plugins.docflow.docx.render`` — docxtpl over the document's XML.

Rows, each against a baseline from the same run:

- **render 1,000**, seconds, against the issue's 10 s;
- **per document**, ms, against python-docx opening and saving the same template (the floor any
  python-docx-based renderer pays: unzip, parse, serialize, zip).

No database. Standalone: ``python -m benchmarks.docflow_render [--quick]``.
"""

from __future__ import annotations

import argparse
import io
import os
import time
from typing import Any

DOCS, QUICK_DOCS = 1_000, 200
TARGETS = {"docflow render 1,000 documents vs 10 s": "< 1"}


def template() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Первичная профсоюзная организация {{ organization.name }}")
    document.add_paragraph("Исх. № {{ document.number }} от {{ document.date }}")
    document.add_paragraph("Уважаемый(ая) {{ member.full_name }}!")
    document.add_paragraph("{{ document.summary }}")
    grid = document.add_table(rows=4, cols=4)
    for cell, text in zip(grid.rows[0].cells, ("Этап", "Кто", "Решение", "Дата"), strict=True):
        cell.text = text
    grid.rows[1].cells[0].text = "{%tr for s in steps %}"
    row = ("{{ s.stage }}", "{{ s.assignee }}", "{{ s.status }}", "{{ s.decided }}")
    for cell, text in zip(grid.rows[2].cells, row, strict=True):
        cell.text = text
    grid.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("Председатель {{ operator.name }}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def context(n: int) -> dict[str, Any]:
    return {
        "organization": {"name": "Профком ПАО «Северный завод»", "code": "СЗ"},
        "document": {
            "number": f"02-15/{n}",
            "date": "10.11.2025",
            "summary": "Профсоюзный комитет рассмотрел проект приказа о сокращении штата. " * 3,
        },
        "member": {"full_name": f"Иванов Иван Иванович {n}"},
        "operator": {"name": "Смирнова А. П."},
        "steps": [
            {
                "stage": i + 1,
                "assignee": f"Член профкома № {i}",
                "status": "согласовано",
                "decided": "05.11.2025",
            }
            for i in range(12)
        ],
    }


def bench(docs: int) -> list[tuple[str, float, float, str]]:
    import docx

    from unionline.plugins.docflow.docx import render

    source = template()
    print(f"# docflow render: {docs:,} documents; load average {os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    for n in range(docs):
        out = render(source, context(n))
    rendered = time.perf_counter() - started
    assert "Иванов".encode() not in out  # compressed; the check is that it opens:
    docx.Document(io.BytesIO(out))
    started = time.perf_counter()
    for _ in range(docs):
        buffer = io.BytesIO()
        docx.Document(io.BytesIO(source)).save(buffer)
    floor = time.perf_counter() - started
    scale = 1000 / docs
    return [
        (
            "docflow render 1,000 documents vs 10 s",
            rendered * scale,
            10.0,
            f"s (measured on {docs:,}); load average {os.getloadavg()[0]:.1f} after",
        ),
        (
            "docflow render per document (ms)",
            rendered / docs * 1000,
            floor / docs * 1000,
            "ms; baseline: python-docx opening and saving the same template",
        ),
    ]


def run(quick: bool) -> list[tuple[str, float, float, str]]:
    return bench(QUICK_DOCS if quick else DOCS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.docflow_render")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    from benchmarks.run import Row, table

    rows = bench(QUICK_DOCS if args.quick else DOCS)
    print(table([Row("docflow_render", f, v, b, u, TARGETS.get(f, "")) for f, v, b, u in rows]))


if __name__ == "__main__":
    main()
