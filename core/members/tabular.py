"""Reading spreadsheets for bulk import: CSV (UTF-8 with or without BOM, or windows-1251;
``;``, ``,`` or tab delimited, sniffed) and XLSX (openpyxl, read-only).

A :class:`Table` yields rows as lists of stripped strings; row numbers are spreadsheet row
numbers (the header is row 1), which is what people see when they open the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from unionline.errors import Invalid

XLSX_MAGIC = b"PK\x03\x04"
_DELIMITERS = (";", ",", "\t")


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # data rows; rows[i] is spreadsheet row i + 2
    format: str  # "csv (utf-8, ';')", "xlsx", ...

    def numbered(self) -> Iterator[tuple[int, list[str]]]:
        for index, row in enumerate(self.rows):
            yield index + 2, row


def read_table(data: bytes, *, filename: str = "") -> Table:
    """Parse a CSV or XLSX file's bytes (XLSX recognised by content, not by name)."""
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def read_path(path: str | Path) -> Table:
    file = Path(path)
    return read_table(file.read_bytes(), filename=file.name)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: a UTF-8 BOM, else strict UTF-8, else windows-1251."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # Russian Excel saves "CSV" in the ANSI code page; cp1251 decodes any byte string.
        return data.decode("cp1251", errors="replace"), "windows-1251"


def sniff_delimiter(first_line: str) -> str:
    """The most frequent of ``;``, ``,`` and tab in the header line (``;`` on a tie)."""
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Table:
    text, encoding = decode(data)
    text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL; no roster needs one
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:
        raise Invalid(f"the CSV file cannot be read: {exc}", field="file") from None
    return _table(rows, f"csv ({encoding}, {delimiter!r})")


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            book.close()
    except _UNREADABLE as exc:
        raise Invalid(f"the XLSX file cannot be read: {exc}", field="file") from None
    return _table(rows, "xlsx")


# What openpyxl raises for a damaged file: not a zip, a part missing (KeyError; IndexError: no
# worksheet), a part that is no XML (lxml's XMLSyntaxError and ElementTree's ParseError are both
# SyntaxErrors), an element with attributes its model lacks (TypeError) — while opening or,
# read-only, while the rows are read. Found by damaging the parts of a real roster at random.
_UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    SyntaxError,
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or card number typed as a number
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def _table(rows: list[list[str]], kind: str) -> Table:
    rows = _trim_trailing_blank(rows)
    if not rows:
        raise Invalid("the file is empty: a header row is required", field="file")
    header = [h.strip().lower() for h in rows[0]]
    return Table(header=header, rows=rows[1:], format=kind)


def _trim_trailing_blank(rows: list[list[str]]) -> list[list[str]]:
    end = len(rows)
    while end and not any(rows[end - 1]):
        end -= 1
    return rows[:end]
