"""The Word documents the templates are made of: A4 pages, Chinese official fonts and styles, page numbers,
and a writer that adds headings, paragraphs, Jinja tags and tables in the house style."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from perfeval_xl.utils.zips import reproducible_zip

# Chinese official documents (GB/T 9704): 仿宋 三号 body, 黑体/楷体 headings, 小标宋 title; Word substitutes what
# a computer lacks, and LibreOffice falls back to the Noto CJK fonts.
BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"


def _fonts(
    style_or_run, east_asian: str, size: float | None = None, bold: bool = False, color: RGBColor | None = None
) -> None:
    font = style_or_run.font
    font.name = "Times New Roman"
    font.bold = bold
    if size:
        font.size = Pt(size)
    if color is not None:
        font.color.rgb = color
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph_style(
    document,
    name: str,
    font: str,
    size: float,
    bold: bool = False,
    indent: bool = True,
    align=None,
    color: RGBColor | None = None,
    space_before: float = 0,
    exact: bool = True,
    keep_with_next: bool = False,
):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    _fonts(style, font, size, bold, color)
    layout = style.paragraph_format
    layout.first_line_indent = Pt(size * 2) if indent else Pt(0)
    if exact:  # official documents set lines exactly; a picture needs a line as tall as itself
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(max(size * 1.75, 14))
    else:
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    layout.space_before, layout.space_after = Pt(space_before), Pt(0)
    layout.keep_with_next = keep_with_next  # a heading or a table's title never ends a page alone
    layout.widow_control = True
    if align is not None:
        layout.alignment = align
    return style


def _document():
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT, 16)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    _paragraph_style(document, "正文", BODY_FONT, 16)
    _paragraph_style(document, "报告标题", TITLE_FONT, 22, bold=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(document, "封面信息", BODY_FONT, 16, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph_style(document, "一级标题", HEADING_FONT, 16, bold=True, keep_with_next=True)
    _paragraph_style(document, "二级标题", SUBHEADING_FONT, 16, bold=True, keep_with_next=True)
    _paragraph_style(document, "三级标题", BODY_FONT, 16, bold=True, keep_with_next=True)
    _paragraph_style(document, "建议", BODY_FONT, 16, color=RGBColor(0x59, 0x59, 0x59))
    _paragraph_style(document, "落款", BODY_FONT, 16, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(document, "图", BODY_FONT, 12, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _paragraph_style(
        document,
        "表题",
        HEADING_FONT,
        12,
        indent=False,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_before=6,
        keep_with_next=True,
    )
    _paragraph_style(document, "表格文字", BODY_FONT, 9, indent=False)
    _paragraph_style(document, "附件标题", HEADING_FONT, 16, bold=True, indent=False, keep_with_next=True)
    _page_numbers(section)
    return document


def _page_numbers(section) -> None:
    """A centred “— 1 —” footer, as official documents number their pages."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.add_run(" —")


class Writer:
    """Adds paragraphs, tag paragraphs and looped tables to a document."""

    def __init__(self):
        self.document = _document()

    def p(self, text: str, style: str = "正文") -> None:
        self.document.add_paragraph(text, style=style)

    def tag(self, tag: str) -> None:
        """A paragraph holding only a {%p … %} tag: docxtpl removes the paragraph and keeps the tag."""
        self.document.add_paragraph("{%p " + tag + " %}", style="正文")

    def texts(self, key: str, empty: str) -> None:
        """The unit's own paragraphs for texts.<key>, or `empty` when there are none."""
        self.tag(f"if texts.{key}")
        self.tag(f"for para in texts.{key}")
        self.p("{{ para }}")
        self.tag("endfor")
        self.tag("else")
        self.p(empty)
        self.tag("endif")

    def suggestions(self, items: str) -> None:
        self.tag(f"for item in {items}")
        self.p("【建议】{{ item }}", style="建议")
        self.tag("endfor")

    def landscape_section(self) -> None:
        """What follows starts a new page turned sideways (a wide table: the 评分表 with its standards), its margins
        turned with it; page numbers run on."""
        portrait = self.document.sections[-1]
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = portrait.page_height, portrait.page_width
        section.top_margin, section.bottom_margin = portrait.left_margin, portrait.right_margin
        section.left_margin, section.right_margin = portrait.top_margin, portrait.bottom_margin

    def page_break(self) -> None:
        self.document.add_paragraph(style="正文").add_run().add_break(WD_BREAK.PAGE)

    def image(self, expression: str, caption: str) -> None:
        self.tag(f"if {expression}")
        self.p("{{ " + expression + " }}", style="图")
        self.p(caption, style="图")
        self.tag("endif")

    def table(
        self,
        headings: Sequence[str],
        cells: Sequence[str],
        loop: str,
        widths: Sequence[float],
        total: Sequence[str] | None = None,
        repeat_heading: bool = False,
        keep_together: bool = False,
    ) -> None:
        """A table: a heading row, then one row per item of `loop` (a {%tr for … %}), and an optional total row.

        Columns keep the widths given (a fixed layout), and cells whose template applies a number filter are
        right-aligned. With `repeat_heading`, Word and LibreOffice repeat the heading row on every page the table
        runs over. No row splits across pages; with `keep_together` (a short table) the whole table stays on one page.
        """
        table = self.document.add_table(rows=5 if total else 4, cols=len(headings))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False  # a fixed layout: the widths below hold in Word and LibreOffice
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
        numeric = [any(f"|{name}" in cell for name in ("wan", "pct", "score", "signed", "count")) for cell in cells]
        contents = [
            list(headings),
            ["{%tr " + loop + " %}"] + [""] * (len(headings) - 1),
            list(cells),
            ["{%tr endfor %}"] + [""] * (len(headings) - 1),
        ]
        if total:
            contents.append(list(total))
        for index, (row, values) in enumerate(zip(table.rows, contents, strict=True)):
            for column, (cell, value, width) in enumerate(zip(row.cells, values, widths, strict=True)):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                paragraph.style = self.document.styles["表格文字"]
                paragraph.text = value
                if index == 0:
                    paragraph.runs[0].font.bold = True
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif numeric[column]:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for index, row in enumerate(table.rows):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            if keep_together and index < len(table.rows) - 1:
                for cell in row.cells:
                    cell.paragraphs[0].paragraph_format.keep_with_next = True
        if repeat_heading:
            heading = OxmlElement("w:tblHeader")
            heading.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(heading)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.core_properties.author = "perfeval-xl"
        self.document.save(buffer)
        return reproducible_zip(buffer.getvalue())


def cover(w: Writer, *lines: str) -> None:
    """The cover (title, then the unit's lines low on the page) and the title again at the top of the text."""
    w.p("{{ title }}", style="报告标题")
    for _ in range(9):
        w.p("", style="封面信息")
    for line in lines:
        w.p(line, style="封面信息")
    w.page_break()
    w.p("{{ title }}", style="报告标题")
    w.p("", style="正文")
