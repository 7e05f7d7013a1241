"""The evaluation workbook around its 评分表: 说明, 评价报告文字, the input sheets its links need, the hidden sheet that
keeps the framework's text, and the layout of the whole workbook."""

from __future__ import annotations

from perfeval_xl.core.frameworks import NA_POLICIES, Framework
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.engine.evaluation.load import kept_cells, kept_digest
from perfeval_xl.workbook.layout.base import INPUT, LABEL, LONG_TEXT, NARRATIVE, TEXT, Cell, SheetLayout, WorkbookLayout
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.evaluation import EVALUATION, evaluation_sheet
from perfeval_xl.workbook.layout.guide import HEADER_FIELDS, guide_layout
from perfeval_xl.workbook.layout.revenue import revenue_sheet

TEXTS_TITLE = "评价报告文字"


FRAMEWORK, FRAMEWORK_TITLE = "framework", "评价指标体系原文"  # the hidden sheet that keeps the framework's text


FRAMEWORK_LABEL = "评价指标体系"  # the label of the framework's row on 说明 (eval_rule_set)


def guide_lines(framework: Framework) -> tuple[str, ...]:
    return (
        f"本工作簿用于部门整体支出绩效评价：按“{framework.title}”的指标体系打分，并生成绩效评价报告。"
        + (f"注意：{framework.note}。" if framework.note else ""),
        "1. 只在浅黄色单元格中填写；先在下面填写单位名称和评价年度。",
        "2. 在“评价指标评分表”中填写数据A、数据B（有的取自附件1 或收支预决算，自动带出）；指标值和按标准计算的得分"
        "自动算出（浅绿色，评价人员可以改写）。",
        "3. 逐项评分的指标在数据A 中写符合的评价要点序号（如“1、3”），按问题扣分的指标在数据A 中写发现的问题个数，"
        "再在“得分”中填写得分；人工评分的指标直接填写得分。凡是扣分的，都要在“扣分原因”中写明。"
        + (
            f"指标不适用于被评价单位的，在“得分”中只写“不适用”，并在“扣分原因”中写明理由"
            f"（按指标体系的规定，不适用的指标{NA_POLICIES[framework.not_applicable]}）。"
            if framework.not_applicable
            else ""
        ),
        "4. 小计、总分、得分率和等级由公式计算；最右一列是指标路径，请勿修改。",
        "5. 在“评价报告文字”中填写报告需要的文字，然后运行 perfeval check 检查、perfeval report 生成评价报告"
        "（或点击“绩效自评 → 生成报告”）。",
    )


def guide_sheet(framework: Framework, template_info: str) -> SheetLayout:
    fields = (
        *HEADER_FIELDS,
        ("eval_evaluator", "评价机构（评价组）", TEXT),
        ("eval_report_date", "报告日期", TEXT),
        ("eval_rule_set", FRAMEWORK_LABEL, TEXT, framework.name),
    )
    return guide_layout("部门整体支出绩效评价工作簿", guide_lines(framework), fields, template_info, line_height=45)


def texts_sheet() -> SheetLayout:
    cells = [
        Cell("A1", LABEL, "评价报告文字", style="title", merge_to="F1"),
        Cell(
            "A2",
            LABEL,
            "这里填写评价报告中需要文字说明的部分；报告中的分值、得分和得分率都取自评分表，不在这里重复。",
            style="note",
            merge_to="F2",
        ),
    ]
    heights = {}
    for offset, (name, label) in enumerate(EVAL_TEXTS):
        row = 4 + offset
        cells.append(Cell(f"A{row}", LABEL, label, style="row_label"))
        cells.append(Cell(f"B{row}", INPUT, "", name, LONG_TEXT, description=label, merge_to=f"F{row}"))
        heights[row] = 90
    return SheetLayout(
        NARRATIVE,
        TEXTS_TITLE,
        tuple(cells),
        widths={"A": 30, **dict.fromkeys("BCDEF", 22)},
        heights={1: 30, 2: 30, **heights},
        print_columns="A:F",
    )


def framework_sheet(source: str) -> SheetLayout:
    """The framework's text, a line per cell, and its SHA-256: what the workbook needs to be checked (and its PE_EVAL*
    formulas to compute) on a machine without the framework's file. Hidden from users, and locked."""
    lines = kept_cells(source)
    cells = [Cell(f"A{row}", LABEL, line) for row, line in enumerate(lines, start=1)]
    cells.append(
        Cell("B1", LABEL, kept_digest(source), "eval_framework_sha256", description="评价指标体系原文的 SHA-256")
    )
    return SheetLayout(
        FRAMEWORK,
        FRAMEWORK_TITLE,
        tuple(cells),
        widths={"A": 120, "B": 70},
        ranges={"eval_framework": f"A1:A{len(lines)}"},
        hidden=True,
    )


def input_sheets(framework: Framework) -> list[SheetLayout]:
    """附件1 and/or 收支预决算, when the framework links figures to their names."""
    wanted = {
        name
        for indicator in framework.indicators
        if indicator.value and indicator.value.sources
        for name in indicator.value.sources
    }
    sheets = []
    for layout in (basic_sheet(()), revenue_sheet()):
        if wanted & {cell.name for cell in layout.cells if cell.name}:
            sheets.append(layout)
    return sheets


def evaluation_workbook_layout(framework: Framework, flavour: str, template_info: str, source: str) -> WorkbookLayout:
    """说明, the 评分表, the input sheets its links need, 评价报告文字, and (hidden) the framework's text `source`."""
    sheets = (
        guide_sheet(framework, template_info),
        evaluation_sheet(framework, flavour),
        *input_sheets(framework),
        texts_sheet(),
        framework_sheet(source),
    )
    return WorkbookLayout(EVALUATION, tuple(sheets), framework.full_marks)
