"""Excel export (openpyxl) of a unit's quarter: an overview sheet, the board (every person's
progress and grades) and the published results, with Chinese column headers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from grassroots_common.contracts.appraisal import REVIEW_LEVEL_NAMES
from grassroots_common.fields import export_safe
from grassroots_common.workdays import CHINA

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = Font(bold=True, name="宋体")
FILL = PatternFill("solid", fgColor="DDEBF7")
STATUSES = {"open": "考核中", "published": "公示中", "finalized": "已完成"}
APPEALS = {"open": "申诉中", "resolved": "已处理"}

BOARD_COLUMNS: list[tuple[str, str]] = [
    ("person_id", "人员编号"),
    ("person_name", "姓名"),
    ("section_name", "股室"),
    ("self_grade", "自评等次"),
    ("self_score", "自评得分"),
    ("peer_count", "互评人数"),
    ("section_chief_grade", "股组长评定"),
    ("deputy_leader_grade", "分管领导评定"),
    ("principal_leader_grade", "主要领导评定"),
    ("grade", "评定等次"),
    ("composite_score", "综合得分"),
    ("next_level", "待审核层级"),
    ("appeal_status", "申诉状态"),
]
RESULT_COLUMNS: list[tuple[str, str]] = [
    ("person_id", "人员编号"),
    ("person_name", "姓名"),
    ("section_name", "股室"),
    ("grade", "等次"),
    ("composite_score", "综合得分"),
    ("status", "状态"),
]


def quarter_workbook(
    unit_name: str,
    quarter: Mapping[str, Any],
    board: Sequence[Mapping[str, Any]],
    results: Sequence[Mapping[str, Any]],
) -> bytes:
    book = Workbook()
    info = book.active
    info.title = "概况"
    info.append([export_safe(f"{unit_name} {quarter['quarter']} 季度考核")])
    info["A1"].font = Font(bold=True, size=14, name="宋体")
    for label, value in (
        ("单位", unit_name),
        ("季度", quarter["quarter"]),
        ("状态", STATUSES.get(quarter["status"], quarter["status"])),
        ("参加人数", quarter["participants"]),
        ("“好”等次名额", quarter["good_cap"]),
        ("已评“好”", quarter["good_used"]),
        ("公示时间", _time(quarter["published_at"])),
        ("公示截止", _time(quarter["period_ends_at"])),
    ):
        info.append([label, export_safe(value) if isinstance(value, str) else value])
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 40
    _sheet(book, "考核进度", BOARD_COLUMNS, board)
    _sheet(book, "考核结果", RESULT_COLUMNS, results)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition for a download with a Chinese file name (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def _sheet(book: Workbook, title: str, columns: list[tuple[str, str]], rows: Sequence[Mapping[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = HEADER
        cell.fill = FILL
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([_value(key, row.get(key)) for key, _ in columns])
    for i, (_, label) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, 2 * len(label) + 4)
    sheet.freeze_panes = "A2"


def _value(key: str, value: Any) -> Any:
    """A cell: labels for codes, stored text made safe for the sheet's XML (a pasted \x0b or \x01
    stored by an older version must not fail the export)."""
    if isinstance(value, str) and key not in ("next_level", "status", "appeal_status"):
        return export_safe(value)
    if key == "next_level":
        return REVIEW_LEVEL_NAMES.get(value, value) if value else "已评定"
    if key == "status":
        return STATUSES.get(value, value)
    if key == "appeal_status":
        return APPEALS.get(value, value)
    return value


def _time(value: dt.datetime | None) -> str:
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if value else ""
