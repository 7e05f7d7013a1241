"""收支预决算: 预算, 决算 and 差异率 for each column of income and expenditure."""

from __future__ import annotations

from perfeval_xl.core.records import REVENUE_COLUMNS
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    RATE,
    REVENUE,
    SHEET_TITLES,
    SUM,
    Builder,
    Formula,
    Ref,
    SheetLayout,
    checked_formula,
)

REVENUE_LETTERS = dict(zip((key for key, _ in REVENUE_COLUMNS), "BCDEFGHIJ", strict=True))


REVENUE_SUMS = {
    "total": ("carryover_begin", "appropriation", "other_income"),
    "expense_total": ("personnel", "public", "project"),
}


def revenue_sheet() -> SheetLayout:
    b = Builder()
    b.label("A1", "收支预决算情况表", style="title", merge_to="J1")
    b.label("J2", "单位：万元", style="note")
    b.label("A3", "项目", merge_to="A5")
    b.label("B3", "合计", merge_to="B5")
    b.label("C3", "收入", merge_to="E3")
    b.label("F3", "支出", merge_to="I3")
    b.label("J3", "年末结转结余", merge_to="J5")
    b.label("C4", "年初结转结余", merge_to="C5")
    b.label("D4", "财政拨款", merge_to="D5")
    b.label("E4", "其他收入", merge_to="E5")
    b.label("F4", "小计", merge_to="F5")
    b.label("G4", "基本支出", merge_to="H4")
    b.label("I4", "项目支出", merge_to="I5")
    b.label("G5", "人员经费")
    b.label("H5", "公用经费")
    labels = dict(REVENUE_COLUMNS)
    for row, (suffix, label) in ((6, ("budget", "预算")), (7, ("final", "决算"))):
        b.label(f"A{row}", label, style="row_label")
        for key, letter in REVENUE_LETTERS.items():
            name = f"rev_{key}_{suffix}"
            description = f"收支预决算 {labels[key]} {label}"
            if key in REVENUE_SUMS:
                args = tuple(Ref(f"rev_{part}_{suffix}") for part in REVENUE_SUMS[key])
                b.computed(f"{letter}{row}", name, AMOUNT, Formula(SUM, args), description)
            else:
                b.input(f"{letter}{row}", name, AMOUNT, description)
    b.label(
        "A8", "差异率", style="row_label", comment="差异率 = （决算 − 预算）÷ 预算，带正负号；预算为空或为零时显示“—”。"
    )
    for key, letter in REVENUE_LETTERS.items():
        b.computed(
            f"{letter}8",
            f"rev_{key}_diff_rate",
            RATE,
            checked_formula("PE_DIFFRATE", Ref(f"rev_{key}_final"), Ref(f"rev_{key}_budget")),
            f"收支预决算 {labels[key]} 差异率",
        )
    return SheetLayout(
        REVENUE,
        SHEET_TITLES[REVENUE],
        tuple(b.cells),
        widths={"A": 10, **dict.fromkeys("BCDEFGHIJ", 12)},
        heights={1: 30},
        landscape=True,
        print_columns="A:J",
    )
