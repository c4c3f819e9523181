"""Word documents (.docx) of notices and bulletins with Chinese official-document typography:
A4 with GB/T 9704 margins, 方正小标宋/宋体 titles, 黑体 headings, 仿宋 body at 三号 with two-character
first-line indents and fixed 28-point lines, the red masthead rule of 组工信息, tables of figures.
East Asian fonts are set on every run through ``w:eastAsia`` (Word ignores ``font.name`` for CJK)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from grassroots_common.fields import export_safe

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
NOTE_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
RED = RGBColor(0xC0, 0x00, 0x00)
SAN_HAO, ER_HAO, XIAO_CHU = Pt(16), Pt(22), Pt(36)


def _new() -> DocumentType:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = SAN_HAO
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return doc


def _run(p: Paragraph, text: str, font: str = BODY_FONT, size: Pt = SAN_HAO, *, bold: bool = False, color=None):
    run = p.add_run(export_safe(text))  # stored text may hold what XML refuses (\x0b, \x01)
    run.font.name = font
    run.font.size = size
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return run


def _paragraph(doc: DocumentType, align=None, *, indent: bool = False, exact: bool = True) -> Paragraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    return p


def _rule(p: Paragraph, side: str = "bottom", color: str = "C00000", size: int = 18) -> None:
    """A horizontal line as a paragraph border (the red rule under the masthead)."""
    pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)
    pr.append(borders)


def _cell_text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return str(value)


def _table(doc: DocumentType, figure: dict[str, Any]) -> None:
    columns = figure["columns"]
    rows = figure["rows"]
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, column in enumerate(columns):
        cell = table.rows[0].cells[i]
        cell.text = ""
        _run(cell.paragraphs[0], column["label"], HEADING_FONT, Pt(10.5))
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for r, row in enumerate(rows, start=1):
        for i, column in enumerate(columns):
            cell = table.rows[r].cells[i]
            cell.text = ""
            _run(cell.paragraphs[0], _cell_text(row.get(column["key"])), TABLE_FONT, Pt(10.5))
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc)


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _save(doc: DocumentType) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def notice_docx(notice: dict[str, Any]) -> bytes:
    doc = _new()
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _run(p, notice["code"], BODY_FONT, SAN_HAO)
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    p.paragraph_format.space_before = Pt(12)
    p.paragraph_format.space_after = Pt(12)
    _run(p, notice["title"], TITLE_FONT, ER_HAO)
    _run(_paragraph(doc), "各单位、各镇（街道）：")
    intro = "现将有关情况通报如下。" if notice["sections"] else "本期无可通报的数据。"
    _run(_paragraph(doc, indent=True), intro)
    numerals = "一二三四五六七八九十"
    for n, figure in enumerate(notice["sections"]):
        _run(_paragraph(doc, indent=True), f"{numerals[n % 10]}、{figure['title']}", HEADING_FONT)
        _run(_paragraph(doc, indent=True), figure["sentence"])
        if figure["rows"]:
            _table(doc, figure)
    _run(_paragraph(doc, indent=True), "请各单位对照通报情况，认真查找不足，抓好整改落实。")
    _paragraph(doc)
    generated = notice["generated_at"]
    for text in (notice["issuer"], _date(generated.date() if isinstance(generated, dt.datetime) else generated)):
        p = _paragraph(doc, WD_ALIGN_PARAGRAPH.RIGHT)
        p.paragraph_format.right_indent = Pt(64)
        _run(p, text)
    return _save(doc)


def bulletin_docx(bulletin: dict[str, Any]) -> bytes:
    doc = _new()
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _run(p, bulletin["series"], TITLE_FONT, XIAO_CHU, color=RED)
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _run(p, f"第{bulletin['issue']}期", BODY_FONT, SAN_HAO)
    masthead = _paragraph(doc, exact=False)
    masthead.paragraph_format.tab_stops.add_tab_stop(Cm(15.6), alignment=2)  # right-aligned tab
    _run(masthead, f"{bulletin['issuer']}\t{_date(bulletin['issued_on'])}", BODY_FONT, SAN_HAO)
    _rule(masthead)
    if bulletin["editor_note"]:
        p = _paragraph(doc, indent=True)
        _run(p, "编者按：", HEADING_FONT)
        _run(p, bulletin["editor_note"], NOTE_FONT)
    p = _paragraph(doc, WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    p.paragraph_format.space_before = Pt(16)
    p.paragraph_format.space_after = Pt(16)
    _run(p, bulletin["title"], TITLE_FONT, ER_HAO)
    for section in bulletin["sections"]:
        if section["heading"]:
            _run(_paragraph(doc, indent=True), section["heading"], HEADING_FONT)
        if section.get("text"):
            for line in section["text"].splitlines():
                if line.strip():
                    _run(_paragraph(doc, indent=True), line.strip())
        if section["kind"] == "figure":
            figure = section["figure"]
            _run(_paragraph(doc, indent=True), figure["sentence"])
            if section["display"] == "table" and figure["rows"]:
                _table(doc, figure)
    if bulletin["distribution"]:
        p = _paragraph(doc, exact=False)
        p.paragraph_format.space_before = Pt(24)
        _rule(p, "top", "000000", 6)
        _rule(p, "bottom", "000000", 6)
        _run(p, "分送：" + "，".join(bulletin["distribution"]) + "。", BODY_FONT, Pt(14))
    return _save(doc)
