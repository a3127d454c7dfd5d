"""The time sheet as XLSX in the layout of the unified form T-13 (ОКУД 0301008) — or, with
``layout="t12"``, of T-12 (ОКУД 0301007): its section 1 with the payroll columns filled with
what the time sheet knows (a line per kind of payment: its pay-type code from the organization's
settings, days and hours) and the correspondent account left for the accounting. Per person
two rows — the codes above, the hours below — days 1–15 then «Итого за I половину», days 16–31
then «Итого за II половину», the month's days and hours worked (night hours and work on days
off apart), the norm and the absences by code. Written with XlsxWriter (constant memory)."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter

from unionline.plugins.timekeeping.sheet import PayLine, Sheet, SheetRow

MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
HEAD = ("№ п/п", "Фамилия, инициалы, должность", "Табельный номер")
TAIL = (
    "Отработано за месяц, дней",
    "Отработано за месяц, часов",
    "из них ночных",
    "из них в выходные и праздничные (РВ)",
    "Норма, часов",
    "Неявки (код: дней)",
)


def hours_text(value: float) -> str:
    """8 → "8", 7.5 → "7,5", 0 → "" (as the form writes hours)."""
    if not value:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


PAYROLL = ("Вид оплаты (код)", "Корреспондирующий счёт", "Дни (часы)")
FORMS = {
    "t13": ("Унифицированная форма № Т-13", "Форма по ОКУД 0301008"),
    "t12": ("Унифицированная форма № Т-12", "Форма по ОКУД 0301007"),
}


def columns(sheet: Sheet, layout: str = "t13") -> list[str]:
    first = [str(d) for d in range(1, 16)]
    second = [str(d) for d in range(16, sheet.days + 1)]
    extra = PAYROLL if layout == "t12" else ()
    return [*HEAD, *first, "Итого за I половину", *second, "Итого за II половину", *TAIL, *extra]


def person_rows(sheet: Sheet, row: SheetRow, layout: str = "t13") -> list[list[object]]:
    """The person's rows: codes (and names, totals of days) above, hours below; in T-12 each
    payroll line (:class:`.sheet.PayLine`) takes a row of the payroll columns, the person
    more rows when they have more than two."""
    codes: list[object] = [row.number, row.name, row.personnel_number]
    hours: list[object] = ["", row.position, ""]
    for index, cell in enumerate(row.cells, 1):
        codes.append("/".join(cell.codes))
        hours.append("/".join(hours_text(h) for h in cell.hours if h) if any(cell.hours) else "")
        if index == 15:
            codes.append(row.first_half_days)
            hours.append(row.first_half_hours)
    codes.append(row.second_half_days)
    hours.append(row.second_half_hours)
    absences = ", ".join(f"{code}: {n}" for code, n in row.absences.items())
    codes.extend(
        [
            row.days_worked,
            row.hours_worked,
            row.night_hours,
            row.weekend_hours,
            row.norm_hours,
            absences,
        ]
    )
    hours.extend(["", "", "", "", "", ""])
    rows = [codes, hours]
    if layout != "t12":
        return rows
    width = len(codes)
    for index in range(max(2, len(row.pay))):
        if index >= len(rows):
            rows.append([""] * width)
        rows[index].extend(pay_cells(row.pay[index]) if index < len(row.pay) else ["", "", ""])
    return rows


def pay_cells(line: PayLine) -> list[object]:
    """«Вид оплаты (код)» — the organization's code, else the kind's name for the accountant
    to code; «Корреспондирующий счёт» — the accounting's, left empty; «Дни (часы)»."""
    spent = f"{line.days} ({hours_text(line.hours)})" if line.hours else str(line.days)
    return [line.code or line.name, "", spent]


def title(sheet: Sheet, layout: str = "t13") -> list[str]:
    last = date(sheet.year, sheet.month, sheet.days)
    form, okud = FORMS[layout]
    return [
        form,
        "Утверждена постановлением Госкомстата России от 05.01.2004 № 1",
        okud,
        sheet.organization_name,
        "ТАБЕЛЬ УЧЕТА РАБОЧЕГО ВРЕМЕНИ И РАСЧЕТА ОПЛАТЫ ТРУДА"
        if layout == "t12"
        else "ТАБЕЛЬ УЧЕТА РАБОЧЕГО ВРЕМЕНИ",
        f"Отчетный период: с 01.{sheet.month:02d}.{sheet.year} по {last:%d.%m.%Y}"
        f" ({MONTHS[sheet.month - 1]} {sheet.year})",
        f"Норма рабочего времени по производственному календарю: {hours_text(sheet.norm_hours)} ч,"
        f" рабочих дней: {sheet.working_days}",
    ]


def write(sheet: Sheet, layout: str = "t13") -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "constant_memory": True})
    name = "Т-12" if layout == "t12" else "Т-13"
    book.set_properties({"title": name, "created": _created(sheet)})
    ws = book.add_worksheet(name)
    bold = book.add_format({"bold": True})
    head = book.add_format(
        {"bold": True, "text_wrap": True, "border": 1, "align": "center", "valign": "vcenter"}
    )
    cell = book.add_format({"border": 1, "align": "center"})
    name = book.add_format({"border": 1, "text_wrap": True})
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 3 + sheet.days + 1, 5)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    r = 0
    for line in title(sheet, layout):
        ws.write_string(r, 0, line, bold if r in (4,) else None)
        r += 1
    r += 1
    ws.write_row(r, 0, columns(sheet, layout), head)
    r += 1
    for row in sheet.rows:
        for values in person_rows(sheet, row, layout):
            ws.write_row(r, 0, values, cell)
            ws.write_string(r, 1, str(values[1]), name)
            r += 1
    book.close()
    return out.getvalue()


def _created(sheet: Sheet) -> object:
    from datetime import datetime

    return datetime(sheet.year, sheet.month, 1)
