"""Word documents: columns sized to their content, headings in the heading style, numbered pages."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from reporting.documents import TEXT_WIDTH, bulletin_docx, column_widths, notice_docx

COLUMNS = [
    {"key": "unit_name", "label": "单位"},
    {"key": "expected", "label": "应交"},
    {"key": "submitted", "label": "实交"},
    {"key": "submission_rate", "label": "提交率%"},
]
ROWS = [
    {"unit_name": "中共凤翔区委组织部机关", "expected": 120, "submitted": 118, "submission_rate": 98.3},
    {"unit_name": "区人力资源和社会保障局", "expected": 96, "submitted": 90, "submission_rate": 93.75},
]
FIGURE = {
    "key": "log_submission",
    "title": "周纪实提交情况",
    "sentence": "应交 216 篇。",
    "columns": COLUMNS,
    "rows": ROWS,
}
NOTICE = {"code": "凤组通〔2026〕1号", "title": "关于周纪实提交情况的通报", "sections": [FIGURE],
          "issuer": "中共凤翔区委组织部", "generated_at": dt.datetime(2026, 11, 18, tzinfo=dt.UTC)}  # fmt: skip


def test_columns_are_as_wide_as_their_content_and_fit_the_page() -> None:
    widths = column_widths(COLUMNS, ROWS)
    assert widths[0] > 2.5 * max(widths[1:])  # the unit's name on one line, not over three or four
    assert sum(widths) <= TEXT_WIDTH
    many = [{**ROWS[0], "unit_name": "名" * 60}]
    assert sum(column_widths(COLUMNS, many)) <= TEXT_WIDTH  # scaled down when it would not fit


def test_notice_has_heading_styles_sized_columns_and_page_numbers() -> None:
    doc = Document(io.BytesIO(notice_docx(NOTICE)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、周纪实提交情况"]
    table = doc.tables[0]
    assert table.columns[0].width > table.columns[1].width
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer and "—" in footer


def test_bulletin_section_headings_are_headings() -> None:
    bulletin = {"series": "组工信息", "issue": 3, "issuer": "中共凤翔区委组织部", "issued_on": dt.date(2026, 9, 30),
                "editor_note": "", "title": "平时考核工作进展", "distribution": [],
                "sections": [{"heading": "一、总体情况", "kind": "text", "text": "各单位高度重视。"},
                             {"heading": "二、周纪实", "kind": "figure", "display": "table", "figure": FIGURE}]}  # fmt: skip
    doc = Document(io.BytesIO(bulletin_docx(bulletin)))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == ["一、总体情况", "二、周纪实"]
    assert "PAGE" in doc.sections[0].footer._element.xml
