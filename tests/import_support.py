"""Synthetic member rosters for import tests: valid rows plus chosen kinds of invalid ones."""

from __future__ import annotations

import random

HEADER = [
    "org_code", "full_name", "card_number", "phone", "email", "telegram", "status",
    "employer", "position",
]  # fmt: skip
FIRST = ["Артём", "Ольга", "Пётр", "Мария", "Иван", "Алёна", "Сергей", "Наталья"]
LAST = ["Иванов", "Смирнова", "Ёлкин", "Кузнецова", "Попов", "Соколова", "Лебедев"]
STATUSES = ["member", "член", "", "applicant"]
# kind of invalidity -> the column its error names
INVALID_KINDS = {
    "phone": "phone",
    "email": "email",
    "name": "full_name",
    "org": "org_code",
    "status": "status",
    "card": "card_number",
    "telegram": "telegram",
    "duplicate_card": "card_number",
}


def phone_spelling(n: int, rng: random.Random) -> str:
    digits = f"916{n:07d}"
    a, b, c, d = digits[:3], digits[3:6], digits[6:8], digits[8:]
    return rng.choice(
        [f"8 ({a}) {b}-{c}-{d}", f"+7 {a} {b}{c}{d}", f"{a}{b}{c}{d}", f"8-{a}-{b}-{c}-{d}",
         f"7 {a} {b} {c} {d}"]
    )  # fmt: skip


def valid_row(i: int, orgs: list[str], rng: random.Random) -> list[str]:
    return [
        rng.choice(orgs),
        f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
        str(100000 + i),
        phone_spelling(i, rng),
        f"user{i}@Example.ORG",
        str(5000000 + i) if i % 3 == 0 else "",
        rng.choice(STATUSES),
        "Завод №1",
        "Токарь",
    ]


def spoil(row: list[str], kind: str, first_card: str) -> None:
    """Make exactly one cell of ``row`` invalid."""
    index = HEADER.index(INVALID_KINDS[kind])
    row[index] = {
        "phone": "12345",
        "email": "no-at-sign.example.org",
        "name": "",
        "org": "NO-SUCH-ORG",
        "status": "boss",
        "card": "9" * 51,
        "telegram": "@nickname",
        "duplicate_card": first_card,
    }[kind]


def roster(
    n: int, orgs: list[str], *, invalid: int = 0, seed: int = 7
) -> tuple[list[list[str]], set[tuple[int, str]]]:
    """``n`` data rows, ``invalid`` of them spoiled; and the expected (row, column) errors.

    Row numbers are spreadsheet rows (header = 1). Row 2 is always valid: duplicates copy
    its card number.
    """
    rng = random.Random(seed)
    rows = [valid_row(i, orgs, rng) for i in range(n)]
    spoiled = rng.sample(range(1, n), invalid) if invalid else []
    expected = set()
    for index in spoiled:
        kind = rng.choice(sorted(INVALID_KINDS))
        spoil(rows[index], kind, rows[0][2])
        expected.add((index + 2, INVALID_KINDS[kind]))
    return rows, expected


def to_csv(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)
