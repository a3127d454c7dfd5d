"""The time sheet as a printable HTML page (A4 landscape), the same cells as the XLSX."""

from __future__ import annotations

from html import escape

from unionline.plugins.timekeeping.sheet import Sheet
from unionline.plugins.timekeeping.xlsx import columns, person_rows, title

STYLE = (
    "@page{size:A4 landscape;margin:10mm}body{font:10px sans-serif}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #444;padding:1px 2px;"
    "text-align:center}td.name{text-align:left;min-width:12em}h1{font-size:14px}"
)


def render(sheet: Sheet, layout: str = "t13") -> str:
    lines = title(sheet, layout)
    parts = [
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">',
        f"<title>Табель {sheet.month:02d}.{sheet.year}</title><style>{STYLE}</style></head><body>",
        *(f"<p>{escape(line)}</p>" for line in lines[:4]),
        f"<h1>{escape(lines[4])}</h1>",
        *(f"<p>{escape(line)}</p>" for line in lines[5:]),
        "<table><thead><tr>",
        *(f'<th scope="col">{escape(c)}</th>' for c in columns(sheet, layout)),
        "</tr></thead><tbody>",
    ]
    for row in sheet.rows:
        for values in person_rows(sheet, row, layout):
            parts.append("<tr>")
            for index, value in enumerate(values):
                css = ' class="name"' if index == 1 else ""
                parts.append(f"<td{css}>{escape(str(value))}</td>")
            parts.append("</tr>")
    parts.append("</tbody></table></body></html>")
    return "".join(parts)
