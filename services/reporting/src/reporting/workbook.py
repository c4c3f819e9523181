"""Excel export (openpyxl): one sheet per figure, a header row of Chinese labels, and a sheet
stating the period, filter and stream positions the numbers reflect."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from grassroots_common.fields import export_safe

HEADER = Font(bold=True, name="宋体")
FILL = PatternFill("solid", fgColor="DDEBF7")


def workbook(title: str, figures: list[dict[str, Any]], about: dict[str, Any]) -> bytes:
    book = Workbook()
    info = book.active
    info.title = "说明"
    info.append([export_safe(title)])
    info["A1"].font = Font(bold=True, size=14, name="宋体")
    for key, value in about.items():
        info.append([export_safe(key), export_safe(value)])
    info.column_dimensions["A"].width = 18
    info.column_dimensions["B"].width = 60
    used: set[str] = set()
    for figure in figures:
        name = _sheet_name(figure["title"], used)
        sheet = book.create_sheet(name)
        columns = figure["columns"]
        sheet.append([export_safe(c["label"]) for c in columns])
        for cell in sheet[1]:
            cell.font = HEADER
            cell.fill = FILL
            cell.alignment = Alignment(horizontal="center")
        for row in figure["rows"]:
            sheet.append([_value(row.get(c["key"])) for c in columns])
        sheet.append([])
        sheet.append([export_safe(figure["sentence"])])
        for i, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(column["label"]) + 4))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _value(value: Any) -> Any:
    """A cell: stored text made safe for the sheet's XML (an export never fails on a pasted \x0b)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return export_safe(value)
    return value


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in export_safe(title) if ch not in "[]:*?/\\\t\n\r")[:28] or "表"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]}{n}", n + 1
    used.add(name)
    return name
