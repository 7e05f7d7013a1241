"""报告文字: what only the narrative report needs, typed by the unit (duties, process, problems, measures…)."""

from __future__ import annotations

from perfeval_xl.core.records import ECONOMIC_CLASSES, NARRATIVE_TEXTS, OTHER_BUDGETS
from perfeval_xl.workbook.layout.base import AMOUNT, LONG_TEXT, NARRATIVE, SHEET_TITLES, TEXT, Builder, SheetLayout

NARRATIVE_DEFAULTS = {  # prefilled, editable: the wording most units use
    "evaluation_process": "根据财政部门关于开展年度绩效自评工作的通知要求，本单位成立了绩效自评工作小组，"
    "对照部门整体支出"
    "绩效评价指标，通过审核基础数据、会计资料和业务资料，对预算编制、预算执行和绩效目标完成情况进行了全面自评。",
    "result_use": "将自评结果作为下一年度预算编制和执行的重要参考，绩效自评报告按规定公开，接受社会监督。",
}


NARRATIVE_COMMENTS = {
    "problems": "先写本单位自己的分析；报告会在其后附上系统根据数据提出的建议（标明“建议”，可删除）。",
    "measures": "同上：报告会在其后附上系统建议的改进措施。",
    "other_notes": "没有时留空，报告写“无其他需要说明的情况。”",
    "staff_notes": "编制数、实际在职人数和控制率由附件1 自动写入报告；这里只写补充说明。",
}


def narrative_sheet() -> SheetLayout:
    """The words and figures only the narrative report needs; the report takes every other figure from the tables."""
    b = Builder()
    b.label("A1", "自评报告文字", style="title", merge_to="F1")
    b.label(
        "A2",
        "这里填写自评报告中需要文字说明的部分；报告中的数字都取自各张表格，不在这里重复填写。",
        style="note",
        merge_to="F2",
    )
    b.label("A3", "报告日期", style="row_label")
    b.input("B3", "report_date", TEXT, "报告日期", merge_to="C3", comment="封面上的日期，如 2024年6月26日。")
    row = 5
    b.label(f"A{row}", "基本支出按经济分类（决算，万元）", style="subtitle", merge_to=f"F{row}")
    heights = {}
    for key, label in ECONOMIC_CLASSES:
        row += 1
        b.label(f"A{row}", label, style="row_label")
        b.input(f"B{row}", key, AMOUNT, f"基本支出 {label}")
    row += 2
    b.label(f"A{row}", "其他预算支出（万元；没有的留空）", style="subtitle", merge_to=f"F{row}")
    for key, label in OTHER_BUDGETS:
        row += 1
        b.label(f"A{row}", label, style="row_label")
        b.input(f"B{row}", key, AMOUNT, label)
    row += 2
    b.label(f"A{row}", "文字说明（保留换行；每段一行）", style="subtitle", merge_to=f"F{row}")
    for key, label in NARRATIVE_TEXTS:
        row += 1
        b.label(f"A{row}", label, style="row_label")
        b.input(
            f"B{row}",
            key,
            LONG_TEXT,
            label,
            merge_to=f"F{row}",
            text=NARRATIVE_DEFAULTS.get(key, ""),
            comment=NARRATIVE_COMMENTS.get(key, ""),
        )
        heights[row] = 90
    return SheetLayout(
        NARRATIVE,
        SHEET_TITLES[NARRATIVE],
        tuple(b.cells),
        widths={"A": 30, **dict.fromkeys("BCDEF", 22)},
        heights={1: 30, 2: 30, **heights},
        print_columns="A:F",
    )
