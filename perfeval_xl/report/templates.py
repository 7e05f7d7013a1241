"""The report templates (templates/*.docx), written by code so they can be reviewed and rebuilt (build-templates).

Each template is a Word document with Jinja tags for docxtpl: {{ … }} for values, {%p … %} paragraphs for
conditions and loops over paragraphs, {%tr … %} rows for loops over table rows. The wording of every sentence
lives here; the figures come from the contexts (context.py, evaluation.py) through the filters (wan, pct, change, …).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from perfeval_xl.utils.zips import reproducible_zip

DEPT_TEMPLATE, PROJECT_TEMPLATE = "部门整体支出绩效自评报告.docx", "项目支出绩效自评报告.docx"

# Chinese official documents (GB/T 9704): 仿宋 三号 body, 黑体/楷体 headings, 小标宋 title; Word substitutes what
# a computer lacks, and LibreOffice falls back to the Noto CJK fonts.
BODY_FONT, HEADING_FONT, SUBHEADING_FONT, TITLE_FONT = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"


# ---------------------------------------------------------------- document set-up


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
    _paragraph_style(document, "一级标题", HEADING_FONT, 16, bold=True)
    _paragraph_style(document, "二级标题", SUBHEADING_FONT, 16, bold=True)
    _paragraph_style(document, "三级标题", BODY_FONT, 16, bold=True)
    _paragraph_style(document, "建议", BODY_FONT, 16, color=RGBColor(0x59, 0x59, 0x59))
    _paragraph_style(document, "落款", BODY_FONT, 16, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph_style(document, "图", BODY_FONT, 12, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    _paragraph_style(document, "表题", HEADING_FONT, 12, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=6)
    _paragraph_style(document, "表格文字", BODY_FONT, 9, indent=False)
    _paragraph_style(document, "附件标题", HEADING_FONT, 16, bold=True, indent=False)
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


# ---------------------------------------------------------------- writing


class _Writer:
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
    ) -> None:
        """A table: a heading row, then one row per item of `loop` (a {%tr for … %}), and an optional total row.

        Columns keep the widths given (a fixed layout), and cells whose template applies a number filter are
        right-aligned. With `repeat_heading`, Word and LibreOffice repeat the heading row on every page the table
        runs over.
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
        if repeat_heading:
            heading = OxmlElement("w:tblHeader")
            heading.set(qn("w:val"), "true")
            table.rows[0]._tr.get_or_add_trPr().append(heading)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.core_properties.author = "perfeval-xl"
        self.document.save(buffer)
        return reproducible_zip(buffer.getvalue())


# ---------------------------------------------------------------- the two templates


SPENDING_HEADINGS = ("项目", "本年预算数", "本年决算数", "上年决算数", "控制率", "同比增减", "同比增减率")
SPENDING_CELLS = (
    "{{ row.label }}",
    "{{ row.budget|wan }}",
    "{{ row.final|wan }}",
    "{{ row.prev|wan }}",
    "{{ row.rate|pct }}",
    "{{ row.change|signed }}",
    "{{ row.change_rate|pct }}",
)
SPENDING_WIDTHS = (36, 20, 20, 20, 20, 20, 20)
INDICATOR_HEADINGS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
INDICATOR_CELLS = (
    "{{ i.level1 }}",
    "{{ i.level2 }}",
    "{{ i.level3 }}",
    "{{ i.target }}",
    "{{ i.actual }}",
    "{{ i.weight|score }}",
    "{{ i.score|score }}",
    "{{ i.reason }}",
)
INDICATOR_WIDTHS = (16, 18, 30, 22, 22, 10, 10, 28)
FUNDING_HEADINGS = ("项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
FUNDING_CELLS = (
    "{{ f.label }}",
    "{{ f.initial|wan }}",
    "{{ f.budget|wan }}",
    "{{ f.executed|wan }}",
    "{{ f.weight|score }}",
    "{{ f.rate|pct }}",
    "{{ f.score|score }}",
)
FUNDING_WIDTHS = (36, 22, 22, 22, 14, 18, 14)


def _indicator_section(w: _Writer, scope: str) -> None:
    """The indicator summary sentence and table of one 附件2 or 附件3 (`scope`: the context object)."""
    w.p(
        f"共设置三级指标{{{{ {scope}.summary.count }}}}个"
        f"{{% for b in {scope}.summary.blocks %}}，{{{{ b.name }}}}{{{{ b.count }}}}个（分值{{{{ b.weight|score }}}}"
        "分，"
        f"得分{{{{ b.score|score }}}}分）{{% endfor %}}。"
        f"{{% if {scope}.summary.missed %}}未完成年度指标值的有{{{{ {scope}.summary.missed|join('、') }}}}。"
        f"{{% else %}}各项定量指标均达到年度指标值。{{% endif %}}"
    )
    _indicator_table(w, scope)


def _indicator_table(w: _Writer, scope: str) -> None:
    """The indicator table of one 附件2 or 附件3, with its 总分 row."""
    w.table(
        INDICATOR_HEADINGS,
        INDICATOR_CELLS,
        f"for i in {scope}.indicators",
        INDICATOR_WIDTHS,
        total=("总分", "", "", "", "", f"{{{{ {scope}.weight_total|score }}}}", f"{{{{ {scope}.total|score }}}}", ""),
    )


def _assessment_tables(w: _Writer, scope: str) -> None:
    """One 附件2 or 附件3 as an annex: the funding table, then the indicator table."""
    w.table(FUNDING_HEADINGS, FUNDING_CELLS, f"for f in {scope}.funding", FUNDING_WIDTHS)
    _indicator_table(w, scope)


def _cover(w: _Writer, *lines: str) -> None:
    """The cover (title, then the unit's lines low on the page) and the title again at the top of the text."""
    w.p("{{ title }}", style="报告标题")
    for _ in range(9):
        w.p("", style="封面信息")
    for line in lines:
        w.p(line, style="封面信息")
    w.page_break()
    w.p("{{ title }}", style="报告标题")
    w.p("", style="正文")


def dept_template() -> bytes:
    w = _Writer()
    _cover(w, "部门（单位）名称：{{ unit_name }}（盖章）", "{{ report_date }}")

    w.p("一、部门（单位）基本情况", style="一级标题")
    w.p("（一）职能职责", style="二级标题")
    w.texts("duties", "（未填写职能职责。）")
    w.p("（二）机构设置", style="二级标题")
    w.texts("organization", "（未填写机构设置。）")
    w.p("（三）人员情况", style="二级标题")
    w.p(
        "{% if staff.quota is not none %}本单位编制数{{ staff.quota|count }}人，实际在职人数{{ staff.actual|count }}"
        "人，"
        "控制率{{ staff.rate|pct }}。{% else %}附件1 未填写编制数和实际在职人数。{% endif %}"
    )
    w.tag("for para in texts.staff_notes")
    w.p("{{ para }}")
    w.tag("endfor")

    w.p("二、一般公共预算支出情况", style="一级标题")
    w.p("（一）基本支出情况", style="二级标题")
    w.p(
        "{% if basic.total is not none %}{{ year }}年度基本支出{{ basic.total|wan }}万元，"
        "占全年执行数的{{ basic.share|pct }}"
        "{% if basic.classes %}。按经济分类，{% for c in basic.classes %}{{ c.label }}{{ c.amount|wan }}万元，"
        "占{{ c.share|pct }}{{ '；' if not loop.last else '' }}{% endfor %}{% endif %}。"
        "{% else %}附件2 未填写基本支出。{% endif %}"
    )
    w.p("1.“三公”经费情况", style="三级标题")
    w.p(
        "{% if sangong.final is not none %}{{ year }}年度“三公”经费决算{{ sangong.final|wan }}万元，"
        "预算{{ sangong.budget|wan }}万元，"
        "控制率{{ sangong.rate|pct }}{% if sangong.prev is not none %}；比上年决算{{ sangong.prev|wan }}"
        "万元{{ sangong.change|more_less }}，"
        "{{ sangong.change_rate|change }}{% endif %}。其中：{% for row in sangong.parts %}{{ row.label }}"
        "{{ row.final|wan }}万元"
        "{{ '，' if not loop.last else '。' }}{% endfor %}{% else %}本年度无“三公”经费支出。{% endif %}"
    )
    w.tag("if sangong.final is not none")
    w.p("表1 “三公”经费预决算情况（万元）", style="表题")
    w.table(SPENDING_HEADINGS, SPENDING_CELLS, "for row in sangong.rows", SPENDING_WIDTHS)
    w.tag("endif")
    w.image("charts.sangong", "图1 “三公”经费本年与上年对比（万元）")
    w.p("2.公用经费情况", style="三级标题")
    w.p(
        "{% if public.final is not none %}{{ year }}年度公用经费决算{{ public.final|wan }}万元，"
        "预算{{ public.budget|wan }}万元，"
        "控制率{{ public.rate|pct }}{% if public.prev is not none %}，比上年{{ public.change_rate|change }}{% endif %}"
        "{% if public.parts %}。其中：{% for row in public.parts %}{{ row.label }}{{ row.final|wan }}万元"
        "{{ '，' if not loop.last else '' }}{% endfor %}{% endif %}。{% else %}附件1 未填写公用经费。{% endif %}"
    )
    w.p("3.政府采购情况", style="三级标题")
    w.p(
        "{% if procurement.budget is not none or procurement.final is not none %}{{ year }}年度政府采购预算"
        "{{ procurement.budget|wan }}万元，实际采购{{ procurement.final|wan }}万元。{% else %}"
        "本年度无政府采购。{% endif %}"
    )
    w.p("（二）项目支出情况", style="二级标题")
    w.p(
        "{% if project.total is not none %}{{ year }}年度项目支出{{ project.total|wan }}万元，"
        "占全年执行数的{{ project.share|pct }}。"
        "{% else %}本年度无项目支出。{% endif %}"
    )
    w.tag("if project.rows")
    w.p("表2 项目支出情况（万元）", style="表题")
    w.table(
        ("项目名称", "全年预算数", "全年执行数", "执行率", "自评得分", "等级"),
        (
            "{{ row.name }}",
            "{{ row.budget|wan }}",
            "{{ row.final|wan }}",
            "{{ row.rate|pct }}",
            "{{ row.score|score }}",
            "{{ row.grade }}",
        ),
        "for row in project.rows",
        (52, 24, 24, 20, 20, 16),
    )
    w.tag("endif")
    w.image("charts.spending", "图2 各类支出预算与执行情况（万元）")

    for number, key, label in (
        ("三", "gov_fund", "政府性基金预算支出"),
        ("四", "state_capital", "国有资本经营预算支出"),
        ("五", "social_insurance", "社会保险基金预算支出"),
    ):
        w.p(f"{number}、{label}情况", style="一级标题")
        w.p(
            f"{{% if other.{key} %}}{{{{ year }}}}年度{label}{{{{ other.{key}|wan }}}}万元。"
            f"{{% else %}}本年度无{label}。{{% endif %}}"
        )

    w.p("六、部门整体支出绩效情况", style="一级标题")
    w.p("（一）绩效评价工作过程", style="二级标题")
    w.texts("evaluation_process", "（未填写绩效评价工作过程。）")
    w.p("（二）预算执行情况", style="二级标题")
    w.p(
        "{{ year }}年度资金总额年初预算{{ funds.initial|wan }}万元，全年预算{{ funds.budget|wan }}万元，全年执行"
        "{{ funds.executed|wan }}万元，执行率{{ funds.rate|pct }}{% if funds.adjustment is not none %}；"
        "全年预算较年初预算"
        "{{ funds.adjustment|change }}{% endif %}。预算执行率得分{{ funds.score|score }}"
        "分（分值{{ funds.weight|score }}分）。"
    )
    w.tag("for para in funds.reason")
    w.p("执行率偏差原因：{{ para }}")
    w.tag("endfor")
    w.p("（三）绩效指标完成情况", style="二级标题")
    _indicator_section(w, "overall")
    w.p("（四）部门职责履行情况", style="二级标题")
    w.texts("duty_performance", "（未填写部门职责履行情况。）")
    w.p("（五）预算管理情况", style="二级标题")
    w.texts("budget_management", "（未填写预算管理情况。）")
    w.p("（六）绩效自评结论", style="二级标题")
    w.p(
        "按{{ rules.title }}的评分规则，{{ year }}年度部门整体支出绩效自评总分{{ overall.total|score }}分，"
        "等级为“{{ overall.grade }}”。"
    )

    w.p("七、存在的问题及原因分析", style="一级标题")
    w.texts("problems", "（未填写存在的问题。）")
    w.suggestions("suggested.problems")
    w.p("八、下一步改进措施", style="一级标题")
    w.texts("measures", "（未填写改进措施。）")
    w.suggestions("suggested.measures")
    w.p("九、绩效自评结果拟应用和公开情况", style="一级标题")
    w.texts("result_use", "将自评结果作为下一年度预算编制和执行的重要参考，绩效自评报告按规定公开，接受社会监督。")
    w.p("十、其他需要说明的情况", style="一级标题")
    w.texts("other_notes", "无其他需要说明的情况。")
    w.p("", style="正文")
    w.p("{{ unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")

    # annexes: the tables themselves
    w.page_break()
    w.p("附件1", style="附件标题")
    w.p("{{ year }}年度部门整体支出绩效评价基础数据表", style="表题")
    w.p(
        "财政供养人员：编制数{{ staff.quota|count }}人，实际在职人数{{ staff.actual|count }}人，"
        "控制率{{ staff.rate|pct }}。",
        style="表格文字",
    )
    w.table(SPENDING_HEADINGS, SPENDING_CELLS, "for row in annex.basic_rows", SPENDING_WIDTHS)
    w.p("附件2", style="附件标题")
    w.p("{{ year }}年度部门整体支出绩效自评表", style="表题")
    _assessment_tables(w, "overall")
    w.tag("for a in projects")
    w.p("附件3", style="附件标题")
    w.p("{{ year }}年度项目支出绩效自评表（{{ a.name }}）", style="表题")
    w.p("主管部门：{{ a.competent_dept }}　实施单位：{{ a.implementing_unit }}", style="表格文字")
    _assessment_tables(w, "a")
    w.tag("endfor")
    return w.save()


def project_template() -> bytes:
    w = _Writer()
    _cover(
        w,
        "主管部门：{{ project.competent_dept }}",
        "实施单位：{{ project.implementing_unit }}（盖章）",
        "{{ report_date }}",
    )
    w.p("一、项目基本情况", style="一级标题")
    w.p(
        "项目名称：{{ project.name }}。主管部门：{{ project.competent_dept }}，"
        "实施单位：{{ project.implementing_unit }}。"
        "项目资金年初预算{{ project.funds.initial|wan }}万元，全年预算{{ project.funds.budget|wan }}万元，全年执行"
        "{{ project.funds.executed|wan }}万元，执行率{{ project.funds.rate|pct }}。"
    )
    w.p("二、项目绩效目标", style="一级标题")
    w.tag("for para in project.goal_expected")
    w.p("{{ para }}")
    w.tag("endfor")
    w.p("三、绩效目标完成情况", style="一级标题")
    w.tag("for para in project.goal_actual")
    w.p("{{ para }}")
    w.tag("endfor")
    _indicator_section(w, "project")
    w.p("四、自评结论", style="一级标题")
    w.p(
        "按{{ rules.title }}的评分规则，本项目预算执行率得分{{ project.funds.score|score }}分，自评总分"
        "{{ project.total|score }}分，等级为“{{ project.grade }}”。"
    )
    w.p("五、存在的问题及改进措施", style="一级标题")
    w.tag("for i in project.reasons")
    w.p("{{ i.level3 }}：{{ i.reason }}")
    w.tag("endfor")
    w.suggestions("project.suggested.problems")
    w.suggestions("project.suggested.measures")
    w.tag("if not project.reasons and not project.suggested.problems")
    w.p("无。")
    w.tag("endif")
    w.p("", style="正文")
    w.p("{{ project.implementing_unit or unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")
    w.page_break()
    w.p("附件3", style="附件标题")
    w.p("{{ year }}年度项目支出绩效自评表（{{ project.name }}）", style="表题")
    _assessment_tables(w, "project")
    return w.save()


LETTER_TEMPLATE = "绩效自评审核意见.docx"


def letter_template() -> bytes:
    """审核意见: what a finance bureau sends back to a unit whose self-assessment has errors."""
    w = _Writer()
    w.p("{{ title }}", style="报告标题")
    w.p("", style="正文")
    w.p("{{ unit or '报送单位' }}：", style="附件标题")
    w.p(
        "你单位报送的{% if year %}{{ year }}年度{% endif %}绩效自评材料（{{ file }}）经审核，有以下 "
        "{{ errors|length }} 处须改正，请逐项核对改正后重新报送。"
    )
    w.table(
        ("序号", "位置", "问题", "改正要求"),
        ("{{ e.number }}", "{{ e.place }}", "{{ e.message }}", "{{ e.fix }}"),
        "for e in errors",
        (12, 34, 72, 38),
    )
    w.tag("if hints")
    w.p("另有以下情况供参考（不影响审核通过，请在报送时一并说明）：")
    w.tag("for h in hints")
    w.p("{{ h }}")
    w.tag("endfor")
    w.tag("endif")
    w.p("", style="正文")
    w.p("审核人：＿＿＿＿＿＿　　复核人：＿＿＿＿＿＿", style="落款")
    w.p("{{ bureau }}（盖章）", style="落款")
    w.p("{{ letter_date }}", style="落款")
    return w.save()


EVALUATION_TEMPLATE = "部门整体支出绩效评价报告.docx"

# “（一）投入，指标分值15分，评价得分13分，得分率86.67%。”: every node of the tree, its numbers the engine's
NODE_SENTENCE = (
    "{{ n.number }}{{ n.name }}，指标分值{{ n.points|score(places) }}分，评价得分{{ n.score|score(places) }}分，"
    "得分率{{ n.rate|pct }}。"
)
SCORE_SHEET_HEADINGS = ("一级指标", "二级指标", "三级指标", "分值", "指标值", "得分", "扣分原因")
SCORE_SHEET_CELLS = (
    "{{ r.level1 }}",
    "{{ r.level2 }}",
    "{{ r.level3 }}",
    "{{ r.points|score(places) }}",
    "{{ r.value }}",
    "{{ r.score|score(places) }}",
    "{{ r.reason }}",
)
SCORE_SHEET_WIDTHS = (18, 18, 30, 11, 22, 15, 42)  # 156 mm: the page between its margins


def evaluation_template() -> bytes:
    """部门整体支出绩效评价报告, in the outline of 财预〔2020〕10号's evaluation report (its 附件4)."""
    w = _Writer()
    _cover(
        w, "被评价单位：{{ unit_name }}", "{% if evaluator %}评价机构：{{ evaluator }}{% endif %}", "{{ report_date }}"
    )

    w.p("一、基本情况", style="一级标题")
    w.texts("overview", "（未填写部门（单位）基本情况。）")

    w.p("二、绩效评价工作开展情况", style="一级标题")
    w.p("（一）绩效评价目的、对象和范围", style="二级标题")
    w.texts("purpose", "（未填写绩效评价的目的、对象和范围。）")
    w.p("（二）绩效评价原则、评价指标体系、评价方法、评价标准", style="二级标题")
    w.texts("principles", "绩效评价遵循科学公正、统筹兼顾、激励约束、公开透明的原则。")
    w.p(
        "评价指标体系：采用{{ framework.title }}，设一级指标{{ framework.level1_count }}个（"
        "{% for l in result.level1 %}{{ l.name }}{{ l.points|score(places) }}分"
        "{{ '、' if not loop.last else '' }}{% endfor %}）"
        "{% for lv in framework.levels %}、{{ lv.label }}{{ lv.count }}个{% endfor %}，"
        "满分{{ framework.full_marks|score(places) }}分。"
    )
    w.p(
        "评价方法：{% for m in framework.methods %}{{ m.name }}{{ m.count }}项{{ '、' if not loop.last else '' }}"
        "{% endfor %}。{% if framework.computed and framework.judged %}其中{{ framework.computed }}项指标由数据计算"
        "指标值、按评分标准计分，{{ framework.judged }}项由评价人员依据评价要点评分"
        "{% elif framework.computed %}各项指标均由数据计算指标值、按评分标准计分"
        "{% else %}各项指标均由评价人员依据评价要点评分{% endif %}；扣分的指标均说明扣分原因。"
    )
    w.p(
        "评价标准：各项指标的评分标准见第四部分和附件评分表。"
        "{% if framework.source %}指标体系和评分标准的来源：{{ framework.source }}。{% endif %}"
    )
    w.p(
        "评价等级：总分{% for g in framework.grades %}{% if loop.first %}{{ g.minimum|score(places) }}分（含）以上"
        "{% elif loop.last %}{{ g.upper|score(places) }}分以下{% else %}{{ g.minimum|score(places) }}分（含）至"
        "{{ g.upper|score(places) }}分{% endif %}为“{{ g.label }}”{{ '，' if not loop.last else '。' }}{% endfor %}"
    )
    w.p("（三）绩效评价工作过程", style="二级标题")
    w.texts("process", "（未填写绩效评价工作过程。）")

    w.p("三、综合评价情况及评价结论", style="一级标题")
    w.p(
        "经评价，{{ unit_name }}{{ year }}年度部门整体支出绩效评价总分{{ result.total|score(places) }}分"
        "（满分{{ result.points|score(places) }}分，得分率{{ result.rate|pct }}），评价等级为“{{ result.grade }}”。"
        "{% for l in result.level1 %}{{ l.name }}指标分值{{ l.points|score(places) }}分，评价得分"
        "{{ l.score|score(places) }}分，得分率{{ l.rate|pct }}{{ '；' if not loop.last else '。' }}{% endfor %}"
    )
    w.p(
        "{{ framework.leaf_count }}项{{ framework.leaf_label }}中，{{ result.full_count }}项得满分"
        "{% if result.deducted_count %}，{{ result.deducted_count }}项扣分，合计扣{{ result.deducted|score(places) }}分"
        "（见第五部分）{% endif %}。"
    )
    w.p("表1 综合评价结果", style="表题")
    w.table(
        ("一级指标", "分值", "评价得分", "得分率"),
        ("{{ l.name }}", "{{ l.points|score(places) }}", "{{ l.score|score(places) }}", "{{ l.rate|pct }}"),
        "for l in result.level1",
        (60, 30, 30, 36),
        total=(
            "总分（等级：{{ result.grade }}）",
            "{{ result.points|score(places) }}",
            "{{ result.total|score(places) }}",
            "{{ result.rate|pct }}",
        ),
    )
    w.p("", style="正文")

    w.p("四、绩效评价指标分析", style="一级标题")
    w.tag("for n in nodes")
    w.tag("if n.level == 1")
    w.p(NODE_SENTENCE, style="二级标题")
    w.tag("elif not n.leaf")
    w.p(NODE_SENTENCE, style="三级标题")
    w.tag("else")
    w.p(NODE_SENTENCE)
    w.tag("if n.figures")
    w.p("{{ n.figures }}")
    w.tag("endif")
    w.p("评分标准：{{ n.standard }}")
    w.tag("if n.deduction")
    w.p(
        "扣{{ n.deduction|score(places) }}分{% if n.reason %}。扣分原因：{{ n.reason }}"
        "{% else %}（{{ n.basis }}）。{% endif %}"
    )
    w.tag("elif n.reason")
    w.p("得满分。评价意见：{{ n.reason }}")
    w.tag("else")
    w.p("得满分。")
    w.tag("endif")
    w.tag("endif")
    w.tag("endfor")

    w.p("五、主要经验及做法、存在的问题及原因分析", style="一级标题")
    w.p("（一）主要经验及做法", style="二级标题")
    w.texts("experience", "（未填写主要经验及做法。）")
    w.p("（二）存在的问题及原因分析", style="二级标题")
    w.tag("if deductions")
    w.p("评价中共有{{ deductions|length }}项指标扣分，合计扣{{ result.deducted|score(places) }}分：")
    w.tag("for d in deductions")
    w.p(
        "{{ loop.index }}.{{ d.name }}（{{ d.path }}）扣{{ d.deduction|score(places) }}分。"
        "{{ d.figures }}{% if d.reason %}{{ d.reason }}{% else %}{{ d.basis }}。{% endif %}"
    )
    w.tag("endfor")
    w.tag("else")
    w.p("各项指标均得满分，评价中没有扣分的指标。")
    w.tag("endif")
    w.tag("for para in texts.problems")
    w.p("{{ para }}")
    w.tag("endfor")
    w.p("六、有关建议", style="一级标题")
    w.texts("suggestions", "（未填写有关建议。）")
    w.p("七、其他需要说明的问题", style="一级标题")
    w.texts("other", "无其他需要说明的问题。")
    w.p("", style="正文")
    w.p("{{ evaluator or unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")

    # the annex: the score sheet as the engine scores it
    w.page_break()
    w.p("附件", style="附件标题")
    w.p("{{ year }}年度{{ unit_name }}部门整体支出绩效评价评分表", style="表题")
    w.p("评价指标体系：{{ framework.title }}", style="表格文字")
    w.table(
        SCORE_SHEET_HEADINGS,
        SCORE_SHEET_CELLS,
        "for r in annex.rows",
        SCORE_SHEET_WIDTHS,
        total=(
            "总分",
            "",
            "",
            "{{ result.points|score(places) }}",
            "得分率 {{ result.rate|pct }}",
            "{{ result.total|score(places) }}",
            "等级：{{ result.grade }}",
        ),
        repeat_heading=True,
    )
    return w.save()


TEMPLATES = {
    DEPT_TEMPLATE: dept_template,
    PROJECT_TEMPLATE: project_template,
    LETTER_TEMPLATE: letter_template,
    EVALUATION_TEMPLATE: evaluation_template,
}
