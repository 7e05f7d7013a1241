"""运行监控表: 说明 with the month, the 部门整体支出绩效监控表 and one 项目支出绩效目标执行监控表 per project.

The headings that name the period ("1-7月执行数") follow the month typed on 说明; the rates, 序时进度 and the gap
between them are live formulas (PE_* or plain), and a helper column says whether each forecast reaches its target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from perfeval_xl.core.cycle import CAUSES, POSSIBILITIES, STRUCTURES, DeclaredTarget
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    COMPUTED,
    ELLIPSIS,
    LONG_TEXT,
    MONTH_NUMBER,
    RATE,
    SUM,
    TEXT,
    TREE_COLUMNS,
    UDF,
    UNIT,
    Block,
    Builder,
    Column,
    Formula,
    Here,
    Ref,
    SheetLayout,
    Table,
    TableRow,
    WorkbookLayout,
    checked_formula,
)
from perfeval_xl.workbook.layout.guide import HEADER_FIELDS, RULE_SET_COMMENT, guide_layout
from perfeval_xl.workbook.layout.targets import (
    TASK_ROWS,
    declared_sheet,
    indicator_table,
    project_sheet_title,
    tree_cells,
)

MONITOR_OVERALL, MONITOR_PROJECT = "monitor_overall", "monitor_project"


MONITOR = "monitor"  # the workbook kind


OVERALL_TITLE = "部门整体支出绩效监控表"


PROJECT_TITLE = "项目支出绩效目标执行监控表"


DEFAULT_MONTH = 7


MONITOR_COLUMNS = (
    *TREE_COLUMNS,
    Column("target", "E", "年度指标值", TEXT),
    Column("progress", "F", "执行情况", TEXT),
    Column("forecast", "G", "全年预计完成情况", TEXT),
    *(Column(key, letter, label, TEXT) for (key, label), letter in zip(CAUSES, "HIJKL", strict=True)),
    Column("cause_note", "M", "原因说明", LONG_TEXT),
    Column("possibility", "N", "完成目标可能性", TEXT),
    Column("remark", "O", "备注", LONG_TEXT),
)


FORECAST_READING = Column(
    "reaches",
    "P",
    "预计能否完成",
    TEXT,
    COMPUTED,
    checked_formula("PE_REACHES", Here("target"), Here("forecast"), Ref("rule_set"), Block("level2")),
)


# the money block's lines: (name prefix, label); the total's names have no prefix
FUND_LINES = (("", "年度资金总额"), ("fund_fiscal", "其中：财政拨款"), ("fund_other", "其他资金"))


def guide_lines() -> tuple[str, ...]:
    return (
        "本工作簿用于绩效运行监控：部门整体支出绩效监控表，以及每个项目一张项目支出绩效目标执行监控表。"
        "绩效指标和年度指标值由绩效目标申报表带入。",
        "1. 先在下面填写监控月份（如 7 表示 1-7月，序时进度为 7÷12 = 58.33%）；各表的栏目名称随之改变。",
        "2. 只在浅黄色单元格中填写：各资金来源的执行数和全年预计执行数（万元），每个指标的执行情况和全年预计完成情况。",
        "3. 执行率、序时进度、两者之差和全年预计执行率由公式计算；执行率明显低于序时进度时，须填写执行偏差原因。",
        "4. 预计完不成的指标，在偏差原因分析中填写原因（在对应的保障栏打“√”或写明，并写原因说明），"
        "“完成目标可能性”选“有可能”或“完全不可能”，并在备注中写明纠偏措施。",
        "5. 年度指标值是申报时的目标，不要改动；确需调整的，按规定办理目标调整。",
        "6. 填好后运行 perfeval check 文件名 检查，perfeval report 文件名 生成绩效监控情况报告。",
    )


def guide_sheet(rule_set: str, month: int, template_info: str) -> SheetLayout:
    fields = (
        *(
            ("fiscal_year", "预算年度", kind) if name == "fiscal_year" else (name, label, kind)
            for name, label, kind in HEADER_FIELDS
        ),
        ("rule_set", "评分规则", TEXT, rule_set, RULE_SET_COMMENT),
        ("monitor_month", "监控月份", MONTH_NUMBER, str(month), "监控截至的月份（1–12）；7 表示 1-7月。"),
    )
    return guide_layout("预算绩效运行监控工作簿", guide_lines(), fields, template_info, line_height=45)


def _head(b: Builder, overall: bool) -> int:
    b.title("A1", OVERALL_TITLE if overall else PROJECT_TITLE, "O1")
    if overall:
        b.label("A2", "部门名称", merge_to="B2")
        b.computed("C2", None, TEXT, Formula(UNIT, ()), "部门名称", merge_to="O2", style="row_label")
        return 3
    b.label("A2", "项目名称", merge_to="B2")
    b.input("C2", "project_name", TEXT, "项目名称", merge_to="O2")
    b.label("A3", "主管部门", merge_to="B3")
    b.input("C3", "competent_dept", TEXT, "主管部门", merge_to="G3")
    b.label("H3", "实施单位", merge_to="J3")
    b.input("K3", "implementing_unit", TEXT, "实施单位", merge_to="O3")
    return 4


def _name(prefix: str, suffix: str) -> str:
    return f"{prefix or 'fund'}_{suffix}"


def _funds(b: Builder, top: int, title: str) -> int:
    """The money: 年初预算数, 1-N月执行数, 执行率, 全年预计执行数, 全年预计执行率 by source; 序时进度 and the gap."""
    for first, last, text in (("D", "E", "年初预算数"), ("K", "M", "全年预计执行数"), ("N", "O", "全年预计执行率")):
        b.label(f"{first}{top}", text, merge_to=f"{last}{top}")
    b.month_heading(f"F{top}", "执行数", f"G{top}")
    b.month_heading(f"H{top}", "执行率", f"J{top}")
    b.label(f"A{top}", title, merge_to=f"C{top}")
    for offset, (prefix, label) in enumerate(FUND_LINES, start=1):
        r = top + offset
        b.label(f"A{r}", label, style="row_label", merge_to=f"C{r}")
        budget, executed, forecast = (_name(prefix, s) for s in ("budget", "executed", "forecast"))
        what = label.removeprefix("其中：")
        if prefix:
            b.input(f"D{r}", budget, AMOUNT, f"{what} 年初预算数", merge_to=f"E{r}")
            b.input(f"F{r}", executed, AMOUNT, f"{what} 执行数", merge_to=f"G{r}")
            b.input(f"K{r}", forecast, AMOUNT, f"{what} 全年预计执行数", merge_to=f"M{r}")
        else:
            for letter, last, name, text in (
                ("D", "E", budget, "年初预算数"),
                ("F", "G", executed, "执行数"),
                ("K", "M", forecast, "全年预计执行数"),
            ):
                parts = tuple(Ref(f"{p}_{name.removeprefix('fund_')}") for p, _ in FUND_LINES[1:])
                b.computed(f"{letter}{r}", name, AMOUNT, Formula(SUM, parts), f"{what} {text}", merge_to=f"{last}{r}")
        rate = _name(prefix, "exec_rate")
        b.computed(
            f"H{r}",
            rate,
            RATE,
            checked_formula("PE_EXECRATE", Ref(executed), Ref(budget)),
            f"{what} 执行率",
            merge_to=f"J{r}",
        )
        b.computed(
            f"N{r}",
            _name(prefix, "forecast_rate"),
            RATE,
            checked_formula("PE_EXECRATE", Ref(forecast), Ref(budget)),
            f"{what} 全年预计执行率",
            merge_to=f"O{r}",
        )
    r = top + len(FUND_LINES) + 1
    b.label(f"A{r}", "序时进度", style="row_label", merge_to=f"C{r}")
    b.computed(
        f"D{r}",
        "fund_progress",
        RATE,
        checked_formula("PE_PROGRESS", Ref("monitor_month")),
        "序时进度",
        merge_to=f"E{r}",
    )
    b.label(f"F{r}", "执行率与序时进度之差", style="row_label", merge_to=f"G{r}")
    b.computed(
        f"H{r}",
        "fund_gap",
        RATE,
        checked_formula("PE_GAP", Ref("fund_exec_rate"), Ref("fund_progress")),
        "执行率与序时进度之差",
        merge_to=f"J{r}",
    )
    b.label(f"K{r}", "注：负数表示执行慢于序时进度", style="row_label", merge_to=f"O{r}")
    r += 1
    b.label(f"A{r}", "执行偏差原因", style="row_label", merge_to=f"C{r}")
    b.input(
        f"D{r}",
        "fund_reason",
        LONG_TEXT,
        "执行偏差原因",
        merge_to=f"O{r}",
        comment="执行率明显低于序时进度或预计超预算执行时须填写原因和措施。",
    )
    return r


TASK_COLUMNS = (  # 年度主要任务 on the department's table: what was declared, and how it goes
    Column("name", "A", "任务名称", TEXT),
    Column("content", "D", "主要内容", LONG_TEXT),
    Column("progress", "H", "执行情况", LONG_TEXT),
    Column("forecast", "L", "全年预计完成情况", LONG_TEXT),
)


def _tasks(b: Builder, top: int, count: int) -> Table:
    """任务名称 | 主要内容 | 1-N月执行情况 | 全年预计完成情况, a heading row and `count` rows."""
    b.label(f"A{top}", "年度主要任务", merge_to=f"C{top}")
    b.label(f"D{top}", "主要内容", merge_to=f"G{top}")
    b.month_heading(f"H{top}", "执行情况", f"K{top}")
    b.label(f"L{top}", "全年预计完成情况", merge_to=f"O{top}")
    rows = tuple(TableRow(top + 1 + i) for i in range(count))
    for table_row in rows:
        r = table_row.row
        b.input(f"A{r}", None, TEXT, "任务名称", merge_to=f"C{r}")
        b.input(f"D{r}", None, LONG_TEXT, "主要内容", merge_to=f"G{r}")
        b.input(f"H{r}", None, LONG_TEXT, "任务 执行情况", merge_to=f"K{r}")
        b.input(f"L{r}", None, LONG_TEXT, "任务 全年预计完成情况", merge_to=f"O{r}")
    return Table("monitor_tasks", TASK_COLUMNS, rows, "年度主要任务")


def monitor_sheet(
    overall: bool,
    title: str,
    levels: Mapping[str, Sequence[str]],
    flavour: str,
    counts: Mapping[tuple[str, str], int] | None = None,
    task_rows: int = TASK_ROWS,
) -> SheetLayout:
    """One monitoring table, landscape A4; the department's with its 年度主要任务 (`task_rows` of them)."""
    b = Builder()
    top = _head(b, overall)
    last_fund = _funds(b, top, "年度部门整体支出（万元）" if overall else "项目资金（万元）")
    r = last_fund + 1
    b.label(f"A{r}", "年度总体目标", merge_to=f"F{r}")
    b.month_heading(f"G{r}", "执行情况", f"K{r}")
    b.label(f"L{r}", "全年预计完成情况", merge_to=f"O{r}")
    b.input(f"A{r + 1}", "goal_annual", LONG_TEXT, "年度总体目标", merge_to=f"F{r + 1}")
    b.input(f"G{r + 1}", "goal_progress", LONG_TEXT, "年度总体目标 执行情况", merge_to=f"K{r + 1}")
    b.input(f"L{r + 1}", "goal_forecast", LONG_TEXT, "年度总体目标 全年预计完成情况", merge_to=f"O{r + 1}")
    goal_row = r + 1
    tables = []
    if overall:  # the department's 年度主要任务, carried from its declaration, with how each goes
        task_table = _tasks(b, r + 2, task_rows)
        tables.append(task_table)
        r = task_table.last_row - 1
    h1, h2 = r + 2, r + 3
    table = indicator_table("monitor_indicators", MONITOR_COLUMNS, h2 + 1, levels, counts or {})
    b.label(f"A{h1}", "绩效指标", style="vertical", merge_to=f"A{table.last_row}")
    for column in MONITOR_COLUMNS:
        if column.letter in "HIJKLM":
            b.label(f"{column.letter}{h2}", column.heading)
        elif column.key == "progress":
            b.month_heading(f"F{h1}", "执行情况", f"F{h2}")
        else:
            b.label(f"{column.letter}{h1}", column.heading, merge_to=f"{column.letter}{h2}")
    b.label(f"H{h1}", "偏差原因分析", merge_to=f"M{h1}", comment="在对应的保障栏打“√”或写明原因，并写原因说明。")
    if flavour == UDF:
        b.label(f"P{h1}", FORECAST_READING.heading, style="helper", merge_to=f"P{h2}")
    tree_cells(b, table)
    for table_row in table.rows:
        row = table_row.row
        if table_row.ellipsis:
            b.label(f"D{row}", ELLIPSIS, style="row_label")
        else:
            b.input(f"D{row}", None, TEXT, "三级指标")
        for column in MONITOR_COLUMNS[3:]:
            choices = POSSIBILITIES if column.key == "possibility" else ()
            b.input(f"{column.letter}{row}", None, column.kind, column.heading, choices=choices)
        if flavour == UDF and not table_row.ellipsis:
            b.computed(f"P{row}", None, TEXT, FORECAST_READING.formula, FORECAST_READING.heading, style="helper")
    heights = {1: 30, goal_row: 60, h1: 22, h2: 36}
    heights |= {t.row: 28 for t in table.rows if not t.ellipsis}
    heights |= {t.row: 28 for task_table in tables for t in task_table.rows}
    widths = {"A": 4.5, "B": 10, "C": 12, "D": 16, "E": 12, "F": 12, "G": 12}
    widths |= dict.fromkeys("HIJKL", 5.5)
    widths |= {"M": 14, "N": 9, "O": 16, "P": 9}
    return SheetLayout(
        MONITOR_OVERALL if overall else MONITOR_PROJECT,
        title,
        tuple(b.cells),
        (*tables, table),
        widths=widths,
        heights=heights,
        landscape=True,
        print_rows=f"{h1}:{h2}",
        print_columns="A:O",
        scoped=not overall,
        ranges={"monitor_reaches": f"P{table.first_row}:P{table.last_row}"} if flavour == UDF else {},
    )


def monitor_workbook_layout(
    structure: str,
    rule_set: str,
    projects: Sequence[str],
    flavour: str,
    template_info: str,
    declared: Sequence[DeclaredTarget],
    counts: Mapping[str, Mapping[tuple[str, str], int]] | None = None,
    month: int = DEFAULT_MONTH,
    tasks: int = 0,
) -> WorkbookLayout:
    """说明, the 部门整体支出绩效监控表, a 项目支出绩效目标执行监控表 per project, the declared targets (hidden)."""
    counts = counts or {}
    levels = STRUCTURES[structure]
    sheets = [
        guide_sheet(rule_set, month, template_info),
        monitor_sheet(True, OVERALL_TITLE, levels, flavour, counts.get("overall"), max(TASK_ROWS, tasks)),
        *(
            monitor_sheet(False, project_sheet_title("监控", i, name), levels, flavour, counts.get(str(i)))
            for i, name in enumerate(projects, start=1)
        ),
        declared_sheet(declared),
    ]
    return WorkbookLayout(MONITOR, tuple(sheets), Decimal(100))
