"""The quarter's Excel export never fails on stored text (a name or section pasted with \x0b or \x01)."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from appraisal.workbook import quarter_workbook


def test_stored_control_characters_do_not_break_the_quarter_workbook() -> None:
    quarter = {
        "quarter": "2026-Q3",
        "status": "published",
        "participants": 2,
        "good_cap": 0,
        "good_used": 0,
        "published_at": dt.datetime(2026, 10, 9, 1, tzinfo=dt.UTC),
        "period_ends_at": None,
    }
    row = {"person_id": "p1", "person_name": "王\x0b建国\x01", "section_name": "组织科\x00", "grade": "好"}
    content = quarter_workbook("区委\x01组织部", quarter, [row], [row | {"composite_score": 91.5, "status": "final"}])
    book = load_workbook(io.BytesIO(content))
    values = [str(c.value) for ws in book.worksheets for r in ws.iter_rows() for c in r if c.value is not None]
    assert "王\n建国" in values and "组织科" in values and "区委组织部 2026-Q3 季度考核" in values
    assert not any(ch in v for v in values for ch in "\x00\x01\x0b")
