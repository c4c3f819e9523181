"""Exports never fail on stored text: a title or a text stored by an older version with Word's
manual line break (\x0b), \x01 or NUL still makes a .docx and an .xlsx."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from openpyxl import load_workbook

from reporting.documents import bulletin_docx, notice_docx
from reporting.workbook import workbook

PASTED = "第一行\x0b第二行\x01\x00\x0c完\ufffe"


def _figure() -> dict:
    return {
        "title": "周纪实\x0b提交\x01情况",
        "sentence": "本周" + PASTED,
        "columns": [{"key": "unit", "label": "单位\x02"}, {"key": "n", "label": "人数"}],
        "rows": [{"unit": "组织部" + PASTED, "n": 3}, {"unit": None, "n": 1.5}],
    }


def _paragraphs(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_notice_with_pasted_control_characters_exports_to_word() -> None:
    notice = {
        "code": "组通〔2026〕1号",
        "title": "关于" + PASTED + "的通报",
        "sections": [_figure()],
        "issuer": "区委组织部\x01",
        "generated_at": dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC),
    }
    text = _paragraphs(notice_docx(notice))
    assert "第一行\n第二行\n完" in text and "组织部第一行" in text
    assert not any(ch in text for ch in "\x00\x01\x02\x0b\x0c\ufffe")


def test_a_bulletin_with_pasted_control_characters_exports_to_word() -> None:
    bulletin = {
        "series": "组工信息",
        "issue": 3,
        "issuer": "区委组织部",
        "issued_on": dt.date(2026, 11, 20),
        "editor_note": "编者" + PASTED,
        "title": "标题" + PASTED,
        "sections": [
            {"kind": "text", "heading": "一、\x01概况", "text": "正文" + PASTED, "display": "text"},
            {"kind": "figure", "heading": "", "figure": _figure(), "display": "table"},
        ],
        "distribution": ["各单位\x01"],
    }
    text = _paragraphs(bulletin_docx(bulletin))
    assert "标题第一行" in text and "一、概况" in text and "各单位" in text
    assert not any(ch in text for ch in "\x00\x01\x02\x0b\x0c\ufffe")


def test_a_workbook_with_pasted_control_characters_exports_to_excel() -> None:
    content = workbook("统计\x01报表", [_figure()], {"周期\x01": "2026-W47" + PASTED})
    book = load_workbook(io.BytesIO(content))
    values = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert book.sheetnames[1] == "周纪实提交情况"
    assert "组织部第一行\n第二行\n完" in values
    assert not any(ch in v for v in values for ch in "\x00\x01\x02\x0b\x0c")
