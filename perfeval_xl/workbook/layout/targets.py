"""绩效目标申报表: 说明, the 部门整体支出绩效目标申报表 and one 项目支出绩效目标申报表 per project, and the hidden sheet
that keeps a declaration's targets in the workbooks made from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from perfeval_xl.core.cycle import PROJECT_CLASSES, STRUCTURE_TITLES, STRUCTURES, DeclaredTarget, structure_label
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    COMPUTED,
    ELLIPSIS,
    LABEL,
    LONG_TEXT,
    TEXT,
    TREE_COLUMNS,
    UDF,
    UNIT,
    Block,
    Builder,
    Cell,
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

TARGETS_OVERALL, TARGETS_PROJECT, DECLARED = "targets_overall", "targets_project", "declared"


TARGETS = "targets"  # the workbook kind


OVERALL_TITLE = "部门整体支出绩效目标申报表"


PROJECT_TITLE = "项目支出绩效目标申报表"


DECLARED_TITLE = "申报的绩效目标"


BLANK_ROWS_PER_BLOCK = 2


TASK_ROWS = 5


TARGET_COLUMNS = (
    *TREE_COLUMNS,
    Column("target", "E", "指标值", TEXT),
    Column("note", "F", "指标值说明", LONG_TEXT),
)


TARGET_READING = Column(
    "reading",
    "G",
    "目标识别",
    TEXT,
    COMPUTED,
    checked_formula("PE_TARGETOP", Here("target"), Ref("rule_set"), Block("level2")),
)


TASK_COLUMNS = (
    Column("name", "B", "任务名称", TEXT),
    Column("content", "D", "主要内容", LONG_TEXT),
    Column("projects", "F", "对应项目", TEXT),
)


STRUCTURE_FIELD = "target_structure"


def guide_lines(structure: str) -> tuple[str, ...]:
    levels = STRUCTURES[structure]
    tree = "；".join(f"{level1}：{'、'.join(level2s)}" for level1, level2s in levels.items())
    return (
        "本工作簿用于编报绩效目标：部门整体支出绩效目标申报表，以及每个项目一张项目支出绩效目标申报表。"
        f"指标体系按{STRUCTURE_TITLES[structure]}：{tree}。",
        "1. 只在浅黄色单元格中填写；先在下面填写单位名称和预算年度。金额以万元为单位，保留两位小数。",
        "2. 年度资金总额应等于财政拨款与其他资金之和；每个年度总体目标都要有对应的绩效指标。",
        "3. 指标值写明方向和单位，如“≥95%”“≤120万元”“不低于2400人”；不能量化的写成可评判的文字（如“按时足额发放”）。"
        "成本指标须写上限（≤、不超过、控制在……以内）。“指标值说明”写明怎样计量、数据从哪里来。",
        "4. 产出指标须有数量指标和质量指标；按财预〔2021〕101号，工程基建和大型修缮及购置项目须有成本指标。",
        "5. 指标不够时，在“……”行的上方插入行；项目不够时用 perfeval new 重新生成。",
        "6. 填好后运行 perfeval check 文件名 检查；检查通过后，用 perfeval new 监控.xlsm --kind monitor --from 本文件"
        " 生成运行监控表，用 perfeval new 自评.xlsm --from 本文件 生成自评表，指标和指标值会自动带入。",
    )


def guide_sheet(structure: str, rule_set: str, template_info: str) -> SheetLayout:
    fields = (
        *(
            ("fiscal_year", "预算年度", kind) if name == "fiscal_year" else (name, label, kind)
            for name, label, kind in HEADER_FIELDS
        ),
        ("rule_set", "评分规则", TEXT, rule_set, RULE_SET_COMMENT),
        (
            STRUCTURE_FIELD,
            "指标体系",
            TEXT,
            structure_label(structure),
            "2020：财预〔2020〕10号；2021：财预〔2021〕101号。",
        ),
    )
    return guide_layout("预算绩效目标申报工作簿", guide_lines(structure), fields, template_info, line_height=45)


def project_sheet_title(prefix: str, index: int, name: str = "") -> str:
    """目标-1 社保基金督查专项经费: Excel allows 31 characters and no []:*?/\\ in a sheet name."""
    cleaned = "".join(ch for ch in name.strip() if ch not in "[]:*?/\\'")
    base = f"{prefix}-{index} "
    return base + (cleaned or "项目")[: 31 - len(base)]


def indicator_table(
    name: str,
    columns: tuple[Column, ...],
    first_row: int,
    levels: Mapping[str, Sequence[str]],
    counts: Mapping[tuple[str, str], int],
) -> Table:
    """The indicator rows, block by block as the structure lays them out, with a "……" row closing each block."""
    rows = []
    row = first_row
    for level1, level2s in levels.items():
        for level2 in level2s:
            for _ in range(max(BLANK_ROWS_PER_BLOCK, counts.get((level1, level2), 0))):
                rows.append(TableRow(row, level1, level2))
                row += 1
            rows.append(TableRow(row, level1, level2, ellipsis=True))
            row += 1
    return Table(name, columns, tuple(rows), "绩效指标")


def tree_cells(b: Builder, table: Table) -> None:
    """The merged 一级 and 二级 headings down the left of an indicator table, and the "……" rows' 三级 cells."""
    level1_rows: dict[str, list[int]] = {}
    level2_rows: dict[tuple[str, str], list[int]] = {}
    for table_row in table.rows:
        level1_rows.setdefault(table_row.level1, []).append(table_row.row)
        level2_rows.setdefault((table_row.level1, table_row.level2), []).append(table_row.row)
    for level1, rows in level1_rows.items():
        b.label(f"B{rows[0]}", level1, style="row_label", merge_to=f"B{rows[-1]}")
    for (_level1, level2), rows in level2_rows.items():
        b.label(f"C{rows[0]}", level2, style="row_label", merge_to=f"C{rows[-1]}")


def _head(b: Builder, overall: bool, project_name: str) -> int:
    """The form's head: 部门名称, or 项目名称 / 主管部门 / 实施单位 / 项目类别; the row after it."""
    b.title("A1", OVERALL_TITLE if overall else PROJECT_TITLE, "F1")
    if overall:
        b.label("A2", "部门名称", merge_to="B2")
        b.computed("C2", None, TEXT, Formula(UNIT, ()), "部门名称", merge_to="F2", style="row_label")
        return 3
    b.label("A2", "项目名称", merge_to="B2")
    b.input("C2", "project_name", TEXT, "项目名称", merge_to="F2", text=project_name)
    b.label("A3", "主管部门", merge_to="B3")
    b.input("C3", "competent_dept", TEXT, "主管部门", merge_to="D3")
    b.label("E3", "实施单位")
    b.input("F3", "implementing_unit", TEXT, "实施单位")
    b.label("A4", "项目类别", merge_to="B4")
    b.input(
        "C4",
        "project_class",
        TEXT,
        "项目类别",
        merge_to="F4",
        text=PROJECT_CLASSES[0],
        choices=PROJECT_CLASSES,
        comment="按财预〔2021〕101号，工程基建项目和大型修缮及购置项目须设成本指标。",
    )
    return 5


def _tasks(b: Builder, top: int) -> tuple[Table, int]:
    """部门整体: 年度主要任务 (任务名称 | 主要内容 | 对应项目)."""
    b.label(f"A{top}", "年度主要任务", style="vertical", merge_to=f"A{top + TASK_ROWS}")
    b.label(f"B{top}", "任务名称", merge_to=f"C{top}")
    b.label(f"D{top}", "主要内容", merge_to=f"E{top}")
    b.label(f"F{top}", "对应项目")
    rows = tuple(TableRow(top + 1 + i) for i in range(TASK_ROWS))
    for table_row in rows:
        r = table_row.row
        b.input(f"B{r}", None, TEXT, "任务名称", merge_to=f"C{r}")
        b.input(f"D{r}", None, LONG_TEXT, "主要内容", merge_to=f"E{r}")
        b.input(f"F{r}", None, TEXT, "对应项目")
    return Table("target_tasks", TASK_COLUMNS, rows, "年度主要任务"), top + TASK_ROWS + 1


def declaration_sheet(
    overall: bool,
    title: str,
    levels: Mapping[str, Sequence[str]],
    flavour: str,
    project_name: str = "",
    counts: Mapping[tuple[str, str], int] | None = None,
) -> SheetLayout:
    """One 绩效目标申报表, portrait A4: head, 资金, (年度主要任务,) 年度总体目标, the indicator rows."""
    b = Builder()
    r = _head(b, overall, project_name)
    tables = []
    if overall:
        task_table, r = _tasks(b, r)
        tables.append(task_table)
    b.label(f"A{r}", "年度部门整体支出（万元）" if overall else "项目资金（万元）", merge_to=f"B{r + 1}")
    b.label(f"C{r}", "年度资金总额")
    b.label(f"D{r}", "其中：财政拨款")
    b.label(f"E{r}", "其他资金", merge_to=f"F{r}")
    b.input(f"C{r + 1}", "fund_total", AMOUNT, "年度资金总额")
    b.input(f"D{r + 1}", "fund_fiscal", AMOUNT, "财政拨款")
    b.input(f"E{r + 1}", "fund_other", AMOUNT, "其他资金", merge_to=f"F{r + 1}")
    fund_rows = (r, r + 1)
    r += 2
    b.label(f"A{r}", "年度总体目标", merge_to=f"B{r}")
    b.input(
        f"C{r}",
        "goal_annual",
        LONG_TEXT,
        "年度总体目标",
        merge_to=f"F{r}",
        comment="分条写：目标1：……；目标2：……。每个目标都要有对应的绩效指标。",
    )
    goal_row = r
    header_row = r + 1
    table = indicator_table("target_indicators", TARGET_COLUMNS, header_row + 1, levels, counts or {})
    tables.append(table)
    b.label(f"A{header_row}", "绩效指标", style="vertical", merge_to=f"A{table.last_row}")
    for column in TARGET_COLUMNS:
        b.label(f"{column.letter}{header_row}", column.heading)
    tree_cells(b, table)
    if flavour == UDF:
        b.label(f"G{header_row}", TARGET_READING.heading, style="helper")
    for table_row in table.rows:
        row = table_row.row
        if table_row.ellipsis:
            b.label(f"D{row}", ELLIPSIS, style="row_label")
            b.input(f"E{row}", None, TEXT, "指标值")
            b.input(f"F{row}", None, LONG_TEXT, "指标值说明")
            continue
        b.input(f"D{row}", None, TEXT, "三级指标")
        b.input(f"E{row}", None, TEXT, "指标值")
        b.input(f"F{row}", None, LONG_TEXT, "指标值说明")
        if flavour == UDF:
            b.computed(f"G{row}", None, TEXT, TARGET_READING.formula, TARGET_READING.heading, style="helper")
    heights = {1: 30, goal_row: 75, header_row: 24, **dict.fromkeys(fund_rows, 22)}
    if overall:
        heights |= dict.fromkeys(range(3, fund_rows[0]), 22)  # the 年度主要任务 rows: room for their vertical label
    heights |= {t.row: 28 for t in table.rows if not t.ellipsis}
    return SheetLayout(
        TARGETS_OVERALL if overall else TARGETS_PROJECT,
        title,
        tuple(b.cells),
        tuple(tables),
        widths={"A": 6, "B": 14, "C": 16, "D": 24, "E": 16, "F": 24, "G": 12},
        heights=heights,
        print_rows=f"{header_row}:{header_row}",
        print_columns="A:F",
        scoped=not overall,
        ranges={"target_readings": f"G{table.first_row}:G{table.last_row}"} if flavour == UDF else {},
    )


def declared_sheet(targets: Sequence[DeclaredTarget]) -> SheetLayout:
    """The declared targets, one per row (表, 一级, 二级, 三级, 指标值): what a workbook made from a declaration needs
    to find a changed 年度指标值 without the declaration's file. Hidden from users, and locked."""
    cells = [
        Cell(f"{letter}1", LABEL, heading)
        for letter, heading in zip("ABCDE", ("表", "一级指标", "二级指标", "三级指标", "指标值"), strict=True)
    ]
    for row, target in enumerate(targets, start=2):
        values = (target.table, target.level1, target.level2, target.level3, target.target)
        cells += [Cell(f"{letter}{row}", LABEL, value) for letter, value in zip("ABCDE", values, strict=True) if value]
    last = max(2, len(targets) + 1)
    return SheetLayout(
        DECLARED,
        DECLARED_TITLE,
        tuple(cells),
        widths={"A": 30, "B": 14, "C": 16, "D": 30, "E": 30},
        ranges={"declared_targets": f"A2:E{last}"},
        hidden=True,
    )


def targets_workbook_layout(
    structure: str,
    rule_set: str,
    projects: Sequence[str],
    flavour: str,
    template_info: str,
    counts: Mapping[str, Mapping[tuple[str, str], int]] | None = None,
) -> WorkbookLayout:
    """说明, the 部门整体支出绩效目标申报表, one 项目支出绩效目标申报表 per project."""
    counts = counts or {}
    levels = STRUCTURES[structure]
    sheets = [
        guide_sheet(structure, rule_set, template_info),
        declaration_sheet(True, OVERALL_TITLE, levels, flavour, counts=counts.get("overall")),
    ]
    sheets += [
        declaration_sheet(False, project_sheet_title("目标", i, name), levels, flavour, name, counts.get(str(i)))
        for i, name in enumerate(projects, start=1)
    ]
    return WorkbookLayout(TARGETS, tuple(sheets), Decimal(100))
