"""Word documents (.docx) of notices and bulletins with Chinese official-document typography:
A4 with GB/T 9704 margins, 方正小标宋/宋体 titles, 黑体 headings, 仿宋 body at 三号 with two-character
first-line indents and fixed 28-point lines, the red masthead rule of 组工信息, tables of figures
whose columns are as wide as their content needs, section headings in Word's heading style (so they
show in the navigation pane), and page numbers "— 1 —" at the foot of every page.
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
SAN_HAO, ER_HAO, XIAO_CHU, SI_HAO = Pt(16), Pt(22), Pt(36), Pt(14)
TEXT_WIDTH = Cm(21 - 2.8 - 2.6)
TABLE_SIZE = Pt(10.5)


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
    heading = doc.styles["Heading 1"]
    heading.font.name, heading.font.size, heading.font.bold = HEADING_FONT, SAN_HAO, False
    heading.font.color.rgb = RGBColor(0, 0, 0)
    heading.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
    _page_numbers(section)
    return doc


def _page_numbers(section) -> None:
    """ "— N —" centred at the foot of every page (宋体 四号), N a PAGE field Word fills in."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", TABLE_FONT, SI_HAO)
    run = _run(p, "", TABLE_FONT, SI_HAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    _run(p, " —", TABLE_FONT, SI_HAO)


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


def _heading(doc: DocumentType, text: str) -> Paragraph:
    """A section heading: Word's "Heading 1" style (黑体 三号, black), set like the body lines."""
    p = _paragraph(doc, indent=True)
    p.style = doc.styles["Heading 1"]
    fmt = p.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after = Pt(32), Pt(0), Pt(0)
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    _run(p, text, HEADING_FONT)
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


def _text_width(text: str) -> float:
    """Width in em of ``text`` as set: a CJK character is one em, a digit or Latin letter about half."""
    return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text)


def column_widths(columns: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[int]:
    """Each column as wide as its longest cell (a heading may wrap at two lines), the whole scaled
    down to the text width when it would not fit; numbers never narrower than four digits."""
    em = TABLE_SIZE
    pad = Pt(8)
    wanted = []
    for column in columns:
        heading = _text_width(column["label"])
        cells = [_text_width(_cell_text(row.get(column["key"]))) for row in rows]
        wanted.append(max([heading / 2 if heading > 4 else heading, 2.5, *cells]) * em + pad)
    total = sum(wanted)
    scale = min(1.0, TEXT_WIDTH / total) if total else 1.0
    return [int(w * scale) for w in wanted]


def _table(doc: DocumentType, figure: dict[str, Any]) -> None:
    columns = figure["columns"]
    rows = figure["rows"]
    table = doc.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(columns, rows)
    for i, width in enumerate(widths):
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width
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
        _heading(doc, f"{numerals[n % 10]}、{figure['title']}")
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
            _heading(doc, section["heading"])
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
