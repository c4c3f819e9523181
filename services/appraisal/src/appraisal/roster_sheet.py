"""Reading a roster spreadsheet (.xlsx): one person per row, columns found by their Chinese headers.
It parses a file, so it stands outside the domain, which is given the rows (``SheetRow``).

Rows with errors are reported with their row number and field; the others are returned for the
roster to enroll (where duplicates and unknown reviewers are caught).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from appraisal.domain.roster import SheetRow
from grassroots_common.contracts.appraisal import ImportRowError
from grassroots_common.errors import Invalid
from grassroots_common.fields import refused_character

COLUMNS = {
    "person_id": "人员编号",
    "person_name": "姓名",
    "section_name": "股室",
    "position": "职务",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "section_chief_id": "股组长编号",
    "deputy_leader_id": "分管领导编号",
    "principal_leader_id": "主要领导编号",
}
# Fields the roster's own checks name (an unknown section, a reviewer not on the roster).
FIELD_COLUMNS = {**COLUMNS, "section": COLUMNS["section_name"], "section_id": COLUMNS["section_name"]}
REQUIRED = ("person_id", "person_name")
MAX_ROWS = 2000
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
_PERSON_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def column_title(field: str) -> str:
    """The sheet's header for a row error's field (``person_name`` → 姓名); the whole row otherwise."""
    return FIELD_COLUMNS.get(field, "整行")


def template_workbook() -> bytes:
    """An empty roster with the headers the import reads, and a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(list(COLUMNS.values()))
    for i, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = 16
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for title, note in NOTES.items():
        notes.append([title, note])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NOTES = {
    "人员编号": "必填；字母、数字、下划线或连字符，本单位内唯一",
    "姓名": "必填；不超过 30 个字",
    "股室": "股室名称；本单位没有的股室会自动建立",
    "职务": "如：四级主任科员",
    "出生日期": "格式 1985-03-12；与姓名一起用于查重",
    "身份证号": "18 位；只保存其摘要，用于查重",
    "股组长编号": "初审此人的股组长的人员编号",
    "分管领导编号": "分管此人的领导的人员编号",
    "主要领导编号": "单位主要领导的人员编号",
}


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: object) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text)


def read_roster_sheet(content: bytes) -> tuple[list[SheetRow], list[ImportRowError]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Invalid("sheet_unreadable", "无法读取该文件，请上传 .xlsx 格式的花名册", field="file") from exc
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [(_text(v) or "") for v in next(lines, ())]
    index = {key: header.index(title) for key, title in COLUMNS.items() if title in header}
    missing = [COLUMNS[k] for k in REQUIRED if k not in index]
    if missing:
        raise Invalid("sheet_columns_missing", f"花名册缺少必需的列：{'、'.join(missing)}", field="file")
    rows: list[SheetRow] = []
    errors: list[ImportRowError] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=2):
        if number - 1 > MAX_ROWS:
            raise Invalid("sheet_too_long", f"一次最多导入 {MAX_ROWS} 人", field="file")
        cells = {key: (line[i] if i < len(line) else None) for key, i in index.items()}
        if all(_text(v) is None for v in cells.values()):
            continue
        row_errors = _row_errors(number, cells, seen)
        if row_errors:
            errors.extend(row_errors)
            continue
        person_id = str(_text(cells["person_id"]))
        seen[person_id] = number
        rows.append(
            SheetRow(
                row=number,
                person_id=person_id,
                person_name=str(_text(cells["person_name"])),
                section_name=_text(cells.get("section_name")),
                position=_text(cells.get("position")) or "",
                birth_date=_date(cells.get("birth_date")),
                id_number=(_text(cells.get("id_number")) or "").upper() or None,
                section_chief_id=_text(cells.get("section_chief_id")),
                deputy_leader_id=_text(cells.get("deputy_leader_id")),
                principal_leader_id=_text(cells.get("principal_leader_id")),
            )
        )
    book.close()
    return rows, errors


def _row_errors(number: int, cells: dict[str, object], seen: dict[str, int]) -> list[ImportRowError]:
    errors = []

    def error(field: str, code: str, message: str) -> None:
        errors.append(ImportRowError(row=number, field=field, code=code, message=message))

    person_id = _text(cells.get("person_id"))
    name = _text(cells.get("person_name"))
    if person_id is None:
        error("person_id", "required", "人员编号必填")
    elif not _PERSON_ID.match(person_id):
        error("person_id", "person_id_invalid", "人员编号只能包含字母、数字、下划线和连字符")
    elif person_id in seen:
        error("person_id", "duplicate_in_sheet", f"人员编号与第 {seen[person_id]} 行重复")
    if name is None:
        error("person_name", "required", "姓名必填")
    elif len(name) > 30:
        error("person_name", "too_long", "姓名不能超过 30 个字")
    try:
        birth = _date(cells.get("birth_date"))
        if birth is not None and not dt.date(1940, 1, 1) <= birth <= dt.date(2010, 12, 31):
            error("birth_date", "birth_date_out_of_range", "出生日期不合理")
    except ValueError:
        error("birth_date", "birth_date_invalid", "出生日期格式应为 1985-03-12")
    for key, value in cells.items():
        text = _text(value)
        char = refused_character(text) if text is not None else None
        if char is not None:
            error(
                key,
                "text_control_character",
                f"{COLUMNS[key]}含有不可见的控制字符 U+{ord(char):04X}，请在表格中删除后重新导入",
            )
    id_number = _text(cells.get("id_number"))
    if id_number is not None and not _ID_NUMBER.match(id_number.upper()):
        error("id_number", "id_number_invalid", "身份证号应为 18 位")
    return errors
