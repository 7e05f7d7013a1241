"""附件1 部门整体支出绩效评价基础数据表: staff, 三公经费, 项目支出, 公用经费, 政府采购, 楼堂馆所, 厉行节约."""

from __future__ import annotations

from collections.abc import Sequence

from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    AREA,
    BASIC,
    COUNT,
    ELLIPSIS,
    LONG_TEXT,
    RATE,
    SHEET_TITLES,
    SUM,
    TEXT,
    Builder,
    Col,
    Column,
    Formula,
    Ref,
    SheetLayout,
    Table,
    TableRow,
    checked_formula,
)

SANGONG_ROWS = (
    ("sangong", "三公经费", "row_heading"),
    ("sangong_car", "　1、公务用车购置和维护经费", ""),
    ("sangong_car_purchase", "　　　其中：公车购置", ""),
    ("sangong_car_running", "　　　　　　公车运行维护", ""),
    ("sangong_abroad", "　2、出国经费", ""),
    ("sangong_reception", "　3、公务接待", ""),
)


PUBLIC_ROWS = (
    ("public_funds", "公用经费", "row_heading"),
    ("public_office", "　其中：办公经费", ""),
    ("public_utilities_travel", "　　　　水费、电费、差旅费", ""),
    ("public_meeting_training", "　　　　会议费、培训费", ""),
)


# a negative figure makes sense only for a budget adjustment
MAY_BE_NEGATIVE = frozenset({"basic_adjustment_budget", "basic_adjustment_final"})
AMOUNT_COLUMNS = (("prev", "B", "上年决算数"), ("budget", "C", "本年预算数"), ("final", "D", "本年决算数"))


CONTROL_COMMENT = "控制率 = 本年决算数 ÷ 本年预算数；预算数为空或为零时显示“—”。"


CHANGE_COMMENT = "同比增减率 = （本年决算数 − 上年决算数）÷ 上年决算数，带正负号。"


def _spending_row(
    b: Builder,
    row: int,
    key: str,
    label: str,
    style: str,
    sums: tuple[str, ...] = (),
    table_sums: tuple[str, ...] = (),
    rates: bool = True,
) -> None:
    b.label(f"A{row}", label, style=style or "row_label")
    for column, letter, heading in AMOUNT_COLUMNS:
        name = f"{key}_{column}"
        description = f"{label.strip()} {heading}"
        if sums or table_sums:
            args = tuple(Ref(f"{part}_{column}") for part in sums) + tuple(Col(table, column) for table in table_sums)
            b.computed(f"{letter}{row}", name, AMOUNT, Formula(SUM, args), description)
        else:
            b.input(f"{letter}{row}", name, AMOUNT, description)
    if rates:
        b.computed(
            f"E{row}",
            f"{key}_control_rate",
            RATE,
            checked_formula("PE_CONTROLRATE", Ref(f"{key}_final"), Ref(f"{key}_budget")),
            f"{label.strip()} 控制率",
        )
        b.computed(
            f"F{row}",
            f"{key}_change_rate",
            RATE,
            checked_formula("PE_CHANGERATE", Ref(f"{key}_final"), Ref(f"{key}_prev")),
            f"{label.strip()} 同比增减率",
        )


def _spending_table(name: str, first_row: int, count: int, description: str) -> Table:
    columns = (
        Column("label", "A", "项目名称", TEXT),
        *tuple(Column(column, letter, heading, AMOUNT) for column, letter, heading in AMOUNT_COLUMNS),
    )
    rows = (*tuple(TableRow(first_row + i) for i in range(count)), TableRow(first_row + count, ellipsis=True))
    return Table(name, columns, rows, description)


def basic_sheet(project_names: Sequence[str]) -> SheetLayout:
    b = Builder()
    b.label("A1", "附件1", style="note")
    b.title("A2", "部门整体支出绩效评价基础数据表", "G2")
    b.label("A4", "财政供养人员情况（人）")
    b.label("B4", "编制数")
    b.label("C4", "实际在职人数")
    b.label("D4", "控制率", comment="控制率 = 实际在职人数 ÷ 编制数。")
    b.input("B5", "staff_quota", COUNT, "编制数")
    b.input("C5", "staff_actual", COUNT, "实际在职人数")
    b.computed(
        "D5",
        "staff_control_rate",
        RATE,
        checked_formula("PE_CONTROLRATE", Ref("staff_actual"), Ref("staff_quota")),
        "财政供养人员 控制率",
    )

    b.label("A7", "经费控制情况（万元）")
    for _column, letter, heading in AMOUNT_COLUMNS:
        b.label(f"{letter}7", heading)
    b.label("E7", "控制率", comment=CONTROL_COMMENT)
    b.label("F7", "同比增减率", comment=CHANGE_COMMENT)

    row = 8
    parts = {
        "sangong": ("sangong_car", "sangong_abroad", "sangong_reception"),
        "sangong_car": ("sangong_car_purchase", "sangong_car_running"),
    }
    for key, label, style in SANGONG_ROWS:
        _spending_row(b, row, key, label, style, sums=parts.get(key, ()))
        row += 1

    project_row = row
    count = max(3, len(project_names))
    projects = _spending_table("projects", row + 1, count, "附件1 项目支出（每个项目一行）")
    special_first = projects.last_row + 2
    special = _spending_table("special_funds", special_first, 2, "附件1 市级专项资金（一个专项一行）")
    _spending_row(
        b,
        project_row,
        "project_spending",
        "项目支出",
        "row_heading",
        table_sums=("projects", "special_funds"),
        rates=False,
    )
    for table in (projects, special):
        for table_row in table.rows:
            if table_row.ellipsis:
                b.label(f"A{table_row.row}", ELLIPSIS, style="row_label")
            else:
                b.input(f"A{table_row.row}", None, TEXT, f"{table.description} 项目名称")
            for _column, letter, heading in AMOUNT_COLUMNS:
                b.input(f"{letter}{table_row.row}", None, AMOUNT, f"{table.description} {heading}")
    b.label(f"A{special_first - 1}", "　市级专项资金（一个专项一行）", style="row_label")
    row = special.last_row + 1

    for key, label, style in PUBLIC_ROWS:
        _spending_row(b, row, key, label, style)
        row += 1
    for key, label in (("procurement", "政府采购金额"), ("basic_adjustment", "部门基本支出预算调整")):
        b.label(f"A{row}", label, style="row_heading")
        b.label(f"B{row}", "——", style="centered")
        b.input(f"C{row}", f"{key}_budget", AMOUNT, f"{label} 本年预算数")
        b.input(f"D{row}", f"{key}_final", AMOUNT, f"{label} 本年决算数")
        row += 1

    row += 1
    building_headings = (
        "楼堂馆所控制情况\n（本年完工项目）",
        "批复规模（㎡）",
        "实际规模（㎡）",
        "规模控制率",
        "预算投资（万元）",
        "实际投资（万元）",
        "投资概算控制率",
    )
    for letter, heading in zip("ABCDEFG", building_headings, strict=True):
        b.label(f"{letter}{row}", heading)
    row += 1
    b.input(f"B{row}", "building_approved_area", AREA, "楼堂馆所 批复规模")
    b.input(f"C{row}", "building_actual_area", AREA, "楼堂馆所 实际规模")
    b.computed(
        f"D{row}",
        "building_area_control_rate",
        RATE,
        checked_formula("PE_CONTROLRATE", Ref("building_actual_area"), Ref("building_approved_area")),
        "楼堂馆所 规模控制率",
    )
    b.input(f"E{row}", "building_budget_investment", AMOUNT, "楼堂馆所 预算投资")
    b.input(f"F{row}", "building_actual_investment", AMOUNT, "楼堂馆所 实际投资")
    b.computed(
        f"G{row}",
        "building_investment_control_rate",
        RATE,
        checked_formula("PE_CONTROLRATE", Ref("building_actual_investment"), Ref("building_budget_investment")),
        "楼堂馆所 投资概算控制率",
    )
    building_row = row
    row += 2
    b.label(f"A{row}", "厉行节约保障措施")
    b.input(f"B{row}", "austerity_measures", LONG_TEXT, "厉行节约保障措施", merge_to=f"G{row}")
    austerity_row = row
    row += 1
    b.label(
        f"A{row}",
        "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。",
        style="note",
        merge_to=f"G{row}",
    )
    return SheetLayout(
        BASIC,
        SHEET_TITLES[BASIC],
        tuple(b.cells),
        (projects, special),
        widths={"A": 34, **dict.fromkeys("BCDEFG", 13.5)},
        heights={2: 30, building_row - 1: 32, austerity_row: 80, row: 30},
        print_columns="A:G",
        one_page=True,
    )
