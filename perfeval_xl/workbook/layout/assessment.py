"""附件2 部门整体支出绩效自评表 and 附件3 项目支出绩效自评表: the funding block, goals and indicator rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from perfeval_xl.core.numbers import format_score
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    COMPUTED,
    ELLIPSIS,
    LONG_TEXT,
    OVERALL,
    OVERRIDE,
    PROJECT,
    PROJECT_SHEET_PREFIX,
    RATE,
    SCORE,
    SHEET_TITLES,
    SUM,
    TEXT,
    TREE_COLUMNS,
    UNIT,
    WEIGHT,
    Block,
    Builder,
    Col,
    Column,
    Formula,
    Here,
    Ref,
    SheetLayout,
    Table,
    TableRow,
    checked_formula,
)
from perfeval_xl.workbook.layout.guide import bands_text, percent_text

BLANK_ROWS_PER_BLOCK = 2


# the funding block's lines: 附件2 按收入性质分 / 按支出性质分, and 附件3's 资金来源 (name or key, label)
FUNDING_INCOMES = (
    ("income_general", "一般公共预算"),
    ("income_gov_fund", "政府性基金拨款"),
    ("income_special_account", "纳入专户管理的非税收入拨款"),
    ("income_other", "其他资金"),
)


FUNDING_EXPENSES = (("expense_basic", "基本支出"), ("expense_project", "项目支出"))


FUNDING_SOURCES = (("current", "当年财政拨款"), ("carryover", "上年结转资金"), ("other", "其他资金"))


INDICATOR_COLUMNS = (
    *TREE_COLUMNS,
    Column("target", "E", "年度指标值", TEXT),
    Column("actual", "F", "实际完成值", TEXT),
    Column("weight", "G", "分值", WEIGHT),
    Column(
        "score",
        "H",
        "得分",
        SCORE,
        OVERRIDE,
        checked_formula("PE_SCORE", Here("target"), Here("actual"), Here("weight"), Ref("rule_set"), Block("level2")),
    ),
    Column("reason", "I", "偏差原因分析及改进措施", LONG_TEXT),
)


TARGET_READING = Column(
    "reading",
    "J",
    "目标识别",
    TEXT,
    COMPUTED,
    checked_formula("PE_TARGETOP", Here("target"), Ref("rule_set"), Block("level2")),
)


def _indicator_comments(rules: RuleSet) -> dict[str, str]:
    return {
        "E": "写明方向：95%以上、≤5.4%、控制在3.5%以内、不低于2400人；只写数字的按“不低于”评分（成本指标按“不超过”）。",
        "H": f"按评分规则自动计算。定性指标需人工评定时直接输入得分：{bands_text(rules)} 的分值。",
        "I": "未完成年度指标值、扣分或执行率偏低时必须填写。",
        "J": "目标值是怎样被识别的（≥、≤、=、定性、无法识别），不打印。",
    }


def _heading_with_weight(level1: str, rules: RuleSet) -> str:
    weight = rules.block_weights.get(level1)
    return f"{level1}\n（{format_score(weight)}分）" if weight is not None else level1


def _indicator_table(
    first_row: int, levels: Mapping[str, Sequence[str]], counts: Mapping[tuple[str, str], int]
) -> Table:
    rows = []
    row = first_row
    for level1, level2s in levels.items():  # the rule set's blocks, as the official form lays them out
        for level2 in level2s:
            for _ in range(max(BLANK_ROWS_PER_BLOCK, counts.get((level1, level2), 0))):
                rows.append(TableRow(row, level1, level2))
                row += 1
            rows.append(TableRow(row, level1, level2, ellipsis=True))
            row += 1
    return Table("indicators", INDICATOR_COLUMNS, tuple(rows), "绩效指标")


def _indicator_cells(b: Builder, table: Table, rules: RuleSet) -> None:
    comments = _indicator_comments(rules)
    for column in (*table.columns, TARGET_READING):
        b.label(
            f"{column.letter}{table.first_row - 1}",
            column.heading,
            comment=comments.get(column.letter, ""),
            style="heading" if column is not TARGET_READING else "helper",
        )
    level1_top: dict[str, int] = {}
    level2_top: dict[tuple[str, str], int] = {}
    for table_row in table.rows:
        level1_top.setdefault(table_row.level1, table_row.row)
        level2_top.setdefault((table_row.level1, table_row.level2), table_row.row)
    level1_bottom = {t.level1: t.row for t in table.rows}
    level2_bottom = {(t.level1, t.level2): t.row for t in table.rows}
    for level1, top in level1_top.items():
        b.label(f"B{top}", _heading_with_weight(level1, rules), style="row_label", merge_to=f"B{level1_bottom[level1]}")
    for (level1, level2), top in level2_top.items():
        b.label(f"C{top}", level2, style="row_label", merge_to=f"C{level2_bottom[(level1, level2)]}")
    for table_row in table.rows:
        r = table_row.row
        if table_row.ellipsis:
            b.label(f"D{r}", ELLIPSIS, style="row_label")
        else:
            b.input(f"D{r}", None, TEXT, "三级指标")
        for column in table.columns[3:]:
            ref = f"{column.letter}{r}"
            if column.role == OVERRIDE and not table_row.ellipsis:
                b.computed(ref, None, column.kind, column.formula, column.heading, role=OVERRIDE)
            else:
                b.input(ref, None, column.kind, column.heading)
        if not table_row.ellipsis:
            b.computed(f"J{r}", None, TEXT, TARGET_READING.formula, TARGET_READING.heading, style="helper")


def _assessment_sheet(
    key: str,
    title: str,
    sheet_title: str,
    rules: RuleSet,
    counts: Mapping[tuple[str, str], int],
    project_name: str = "",
) -> SheetLayout:
    b = Builder()
    b.label("A1", "附件2" if key == OVERALL else "附件3", style="note")
    b.title("A2", title, "I2")
    if key == OVERALL:
        b.label("A3", "预算部门名称", merge_to="B3")
        b.computed("C3", None, TEXT, Formula(UNIT, ()), "预算部门名称", merge_to="I3", style="row_label")
        funding_top = 4
    else:
        b.label("A3", "项目名称", merge_to="B3")
        b.input("C3", "project_name", TEXT, "项目名称", merge_to="I3", text=project_name)
        b.label("A4", "主管部门", merge_to="B4")
        b.input("C4", "competent_dept", TEXT, "主管部门", merge_to="E4")
        b.label("F4", "实施单位")
        b.input("G4", "implementing_unit", TEXT, "实施单位", merge_to="I4")
        funding_top = 5
    r = funding_top
    for letter, heading, comment in (
        ("C", "年初预算数", ""),
        ("D", "全年预算数", "调整后的全年预算数。"),
        ("E", "全年执行数", ""),
        ("F", "分值", ""),
        ("G", "执行率", "执行率 = 全年执行数 ÷ 全年预算数。"),
        ("H", "得分", "得分 = 分值 × 执行率，最高为分值（超支不加分）。"),
    ):
        b.label(f"{letter}{r}", heading, comment=comment)
    total = r + 1
    b.label(f"B{total}", "年度资金总额", style="row_label")
    if key == OVERALL:
        for letter, column, label in (
            ("C", "initial", "年初预算数"),
            ("D", "budget", "全年预算数"),
            ("E", "executed", "全年执行数"),
        ):
            b.input(f"{letter}{total}", f"fund_{column}", AMOUNT, f"年度资金总额 {label}")
    else:
        for letter, column, label in (
            ("C", "initial", "年初预算数"),
            ("D", "budget", "全年预算数"),
            ("E", "executed", "全年执行数"),
        ):
            parts = tuple(Ref(f"fund_{source}_{column}") for source in ("current", "carryover", "other"))
            b.computed(f"{letter}{total}", f"fund_{column}", AMOUNT, Formula(SUM, parts), f"年度资金总额 {label}")
    b.input(f"F{total}", "fund_weight", WEIGHT, "预算执行率 分值", text=format_score(rules.execution_weight))
    b.computed(
        f"G{total}",
        "fund_exec_rate",
        RATE,
        checked_formula("PE_EXECRATE", Ref("fund_executed"), Ref("fund_budget")),
        "执行率",
    )
    b.computed(
        f"H{total}",
        "fund_score",
        SCORE,
        checked_formula("PE_EXECSCORE", Ref("fund_executed"), Ref("fund_budget"), Ref("fund_weight"), Ref("rule_set")),
        "预算执行率 得分",
    )
    r = total + 1
    if key == OVERALL:
        b.label(f"B{r}", "按收入性质分：", style="row_label", merge_to=f"D{r}")
        b.label(f"E{r}", "按支出性质分：", style="row_label", merge_to=f"I{r}")
        incomes, expenses = FUNDING_INCOMES, FUNDING_EXPENSES
        for i, (name, label) in enumerate(incomes):
            row = r + 1 + i
            b.label(f"B{row}", label, style="row_label", merge_to=f"C{row}")
            b.input(f"D{row}", name, AMOUNT, f"按收入性质分 {label}")
            if i < len(expenses):
                expense_name, expense_label = expenses[i]
                b.label(f"E{row}", expense_label, style="row_label", merge_to=f"F{row}")
                b.input(f"G{row}", expense_name, AMOUNT, f"按支出性质分 {expense_label}")
        r += 1 + len(incomes)
    else:
        for source, label in FUNDING_SOURCES:
            b.label(f"B{r}", f"其中：{label}" if source == "current" else label, style="row_label")
            for letter, column, heading in (
                ("C", "initial", "年初预算数"),
                ("D", "budget", "全年预算数"),
                ("E", "executed", "全年执行数"),
            ):
                b.input(f"{letter}{r}", f"fund_{source}_{column}", AMOUNT, f"{label.removeprefix('其中：')} {heading}")
            r += 1
    b.label(f"B{r}", "执行率偏差原因", style="row_label", merge_to=f"C{r}")
    b.input(
        f"D{r}",
        "fund_reason",
        LONG_TEXT,
        "执行率偏差原因",
        merge_to=f"I{r}",
        comment=f"执行率低于 {percent_text(rules.reason_below_exec_rate)} 或超预算执行时须填写。",
    )
    b.label(
        f"A{funding_top}",
        "年度预算申请（万元）" if key == OVERALL else "项目资金（万元）",
        style="vertical",
        merge_to=f"A{r}",
    )
    reason_row = r
    r += 1
    b.label(f"A{r}", "年度总体目标", style="vertical", merge_to=f"A{r + 1}")
    b.label(f"B{r}", "预期目标", merge_to=f"E{r}")
    b.label(f"F{r}", "实际完成情况", merge_to=f"I{r}")
    b.input(f"B{r + 1}", "goal_expected", LONG_TEXT, "年度总体目标 预期目标", merge_to=f"E{r + 1}")
    b.input(f"F{r + 1}", "goal_actual", LONG_TEXT, "年度总体目标 实际完成情况", merge_to=f"I{r + 1}")
    goal_row = r + 1
    header_row = r + 2
    table = _indicator_table(header_row + 1, rules.levels, counts)
    _indicator_cells(b, table, rules)
    b.label(f"A{header_row}", "绩效指标", style="vertical", merge_to=f"A{table.last_row}")
    total_row = table.last_row + 1
    b.label(f"A{total_row}", "总分", merge_to=f"F{total_row}")
    b.computed(
        f"G{total_row}",
        "weight_total",
        WEIGHT,
        Formula(SUM, (Ref("fund_weight"), Col("indicators", "weight"))),
        "分值合计",
    )
    b.computed(
        f"H{total_row}",
        "total_score",
        SCORE,
        checked_formula(
            "PE_TOTAL",
            Col("indicators", "score"),
            Col("indicators", "weight"),
            Ref("fund_score"),
            Ref("fund_weight"),
            Ref("fund_exec_rate"),
            Ref("rule_set"),
        ),
        "总分",
    )
    b.label(f"A{total_row + 1}", "自评等级", merge_to=f"G{total_row + 1}")
    b.computed(
        f"H{total_row + 1}",
        "grade",
        TEXT,
        checked_formula("PE_GRADE", Ref("total_score"), Ref("rule_set")),
        "自评等级",
        style="centered",
    )
    heights = {2: 30, reason_row: 30, goal_row: 75, header_row: 30}
    heights |= dict.fromkeys(range(funding_top, reason_row), 20)
    heights |= {t.row: 30 for t in table.rows if not t.ellipsis}
    return SheetLayout(
        key,
        sheet_title,
        tuple(b.cells),
        (table,),
        widths={"A": 6, "B": 18, "C": 14, "D": 24, "E": 16, "F": 16, "G": 10, "H": 10, "I": 28, "J": 14},
        heights=heights,
        landscape=True,
        print_rows=f"{header_row}:{header_row}",
        print_columns="A:I",
        scoped=key == PROJECT,
    )


def overall_sheet(rules: RuleSet, counts: Mapping[tuple[str, str], int] | None = None) -> SheetLayout:
    return _assessment_sheet(OVERALL, "部门整体支出绩效自评表", SHEET_TITLES[OVERALL], rules, counts or {})


def project_sheet_title(index: int, name: str = "") -> str:
    """附件3-1 社保基金督查专项经费: Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    cleaned = "".join(ch for ch in name.strip() if ch not in "[]:*?/\\'")
    base = f"{PROJECT_SHEET_PREFIX}-{index} "
    return base + (cleaned or "项目支出自评表")[: 31 - len(base)]


def project_sheet(
    index: int, rules: RuleSet, name: str = "", counts: Mapping[tuple[str, str], int] | None = None
) -> SheetLayout:
    return _assessment_sheet(PROJECT, "项目支出绩效自评表", project_sheet_title(index, name), rules, counts or {}, name)
