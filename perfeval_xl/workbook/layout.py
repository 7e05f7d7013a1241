"""Every sheet of the workbook, declared once: cells, headings, merges, widths, formats, formulas and defined names.

The template writer and the reader both work from these declarations; no other module knows a coordinate (but
evalsheet.py, whose 评价指标评分表 is generated from an evaluation framework).
Formulas are declared in terms of defined names and table columns (Ref, Col, Here, Block), so the reader can
evaluate them by name in a workbook whose rows the user has moved, and the writer renders them as the cell
references an accountant expects to see (=PE_CONTROLRATE(D8,C8)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.core.numbers import format_score
from perfeval_xl.core.records import REVENUE_COLUMNS
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.functions import FUNCTIONS

# ---------------------------------------------------------------- vocabulary

LABEL, INPUT, COMPUTED, OVERRIDE = "label", "input", "computed", "override"  # OVERRIDE: computed, may be typed over
AMOUNT, COUNT, AREA, RATE, SCORE, WEIGHT, TEXT, LONG_TEXT, YEAR = (
    "amount",
    "count",
    "area",
    "rate",
    "score",
    "weight",
    "text",
    "long_text",
    "year",
)

NUMBER_FORMATS = {
    AMOUNT: "#,##0.00",
    AREA: "#,##0.00",
    COUNT: "0",
    RATE: "0.00%",
    SCORE: "0.00",
    WEIGHT: "0.##",
    YEAR: "0",
}
NUMERIC_KINDS = frozenset({AMOUNT, COUNT, AREA, RATE, SCORE, WEIGHT, YEAR})

GUIDE, BASIC, OVERALL, PROJECT, REVENUE, NARRATIVE = "guide", "basic", "overall", "project", "revenue", "narrative"
SHEET_TITLES = {
    GUIDE: "说明",
    BASIC: "附件1 基础数据表",
    OVERALL: "附件2 整体支出自评表",
    REVENUE: "收支预决算",
    NARRATIVE: "报告文字",
}
PROJECT_SHEET_PREFIX = "附件3"
ELLIPSIS = "……"
SUM = "SUM"


@dataclass(frozen=True)
class Ref:
    """A defined name: the sheet's own (附件3) first, then the workbook's."""

    name: str


@dataclass(frozen=True)
class Col:
    """A whole column of a table (a named range), top to bottom, as it is in the file."""

    table: str
    column: str


@dataclass(frozen=True)
class Here:
    """The cell of `column` in the same table row as the formula."""

    column: str


@dataclass(frozen=True)
class Block:
    """The cell of `column` at the top of the merged block this row belongs to (二级指标 of an indicator row)."""

    column: str


Arg = Ref | Col | Here | Block


@dataclass(frozen=True)
class Formula:
    """A computed cell: SUM or a PE_* function (functions.FUNCTIONS) over its arguments, in that order.

    TITLE and UNIT are the two text formulas of the headings (the year and unit typed on 说明); the reader
    has no use for them.
    """

    function: str
    args: tuple[Arg, ...]

    def __post_init__(self) -> None:
        if self.function.startswith("PE_"):
            names = FUNCTIONS[self.function][1]
            assert len(names) >= len(self.args) >= sum(not n.startswith("[") for n in names), self


@dataclass(frozen=True)
class Cell:
    """One cell of the template.

    Attributes:
      ref: A1 reference in the template as built (the user may later move it; the reader follows `name`).
      role: label, input, computed or override.
      text: a label's text, or an input's initial value.
      name: its defined name, if any.
      kind: amount, count, area, rate, score, weight, text, long_text or year: format, validation and reading.
      formula: for computed and override cells.
      description: what the value is, in Chinese, for findings and the README ("三公经费 本年决算数").
      comment: a note shown on the cell in Excel (rules behind a heading).
      style: title, subtitle, heading, row_heading, vertical, note, row_label, centered, helper or "".
      merge_to: the bottom-right cell when this cell is merged with its neighbours.
    """

    ref: str
    role: str = LABEL
    text: str = ""
    name: str | None = None
    kind: str = TEXT
    formula: Formula | None = None
    description: str = ""
    comment: str = ""
    style: str = ""
    merge_to: str | None = None


@dataclass(frozen=True)
class Column:
    """A column of a table."""

    key: str
    letter: str
    heading: str
    kind: str
    role: str = INPUT
    formula: Formula | None = None


@dataclass(frozen=True)
class TableRow:
    """A row of a table as built: which block it belongs to, and whether it is the "……" row."""

    row: int
    level1: str = ""
    level2: str = ""
    ellipsis: bool = False


@dataclass(frozen=True)
class Table:
    """A repeating region with a defined name over all its rows; inserting a row inside it grows it."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    description: str

    @property
    def first_row(self) -> int:
        return self.rows[0].row

    @property
    def last_row(self) -> int:
        return self.rows[-1].row

    @property
    def ref(self) -> str:
        return f"{self.columns[0].letter}{self.first_row}:{self.columns[-1].letter}{self.last_row}"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def offset(self, key: str) -> int:
        """The column's position inside the named range (0 for its first column)."""
        return _col_index(self.column(key).letter) - _col_index(self.columns[0].letter)


@dataclass(frozen=True)
class SheetLayout:
    """One worksheet.

    Attributes:
      key: guide, basic, overall, project, revenue or narrative.
      title: the sheet's name.
      cells: every cell with content, role or style.
      tables: repeating regions.
      widths: column widths (characters).
      heights: row heights (points) where the default is too small.
      landscape: A4 landscape instead of portrait.
      print_rows: rows repeated at the top of each printed page ("14:14").
      print_columns: the printed columns ("A:I"); cells right of them are helpers.
      scoped: the names are the sheet's own (one 附件3 per project), not the workbook's.
      one_page: printed on a single page (the official 附件1 is one page).
      ranges: named ranges that are no table (the 评价指标评分表's rows).
    """

    key: str
    title: str
    cells: tuple[Cell, ...]
    tables: tuple[Table, ...] = ()
    widths: Mapping[str, float] = field(default_factory=dict)
    heights: Mapping[int, float] = field(default_factory=dict)
    landscape: bool = False
    print_rows: str | None = None
    print_columns: str | None = None
    scoped: bool = False
    one_page: bool = False
    ranges: Mapping[str, str] = field(default_factory=dict)  # other named ranges: name -> "A4:K40"

    def named(self) -> dict[str, Cell]:
        return {cell.name: cell for cell in self.cells if cell.name}

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


@dataclass(frozen=True)
class WorkbookLayout:
    """The sheets of one workbook, in order, and what it was built for."""

    kind: str  # dept or project
    sheets: tuple[SheetLayout, ...]
    full_marks: Decimal  # the rule set's 满分: no 分值 or 得分 can be above it

    def sheet(self, key: str) -> SheetLayout:
        return next(s for s in self.sheets if s.key == key)

    @property
    def project_sheets(self) -> tuple[SheetLayout, ...]:
        return tuple(s for s in self.sheets if s.key == PROJECT)


def _col_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


# ---------------------------------------------------------------- a small builder, used only here


class _Builder:
    def __init__(self) -> None:
        self.cells: list[Cell] = []

    def label(
        self, ref: str, text: str, style: str = "heading", merge_to: str | None = None, comment: str = ""
    ) -> None:
        self.cells.append(Cell(ref, LABEL, text, style=style, merge_to=merge_to, comment=comment))

    def input(
        self,
        ref: str,
        name: str | None,
        kind: str,
        description: str,
        merge_to: str | None = None,
        text: str = "",
        comment: str = "",
    ) -> None:
        self.cells.append(
            Cell(ref, INPUT, text, name, kind, description=description, merge_to=merge_to, comment=comment)
        )

    def computed(
        self,
        ref: str,
        name: str | None,
        kind: str,
        formula: Formula,
        description: str,
        merge_to: str | None = None,
        role: str = COMPUTED,
        style: str = "",
    ) -> None:
        self.cells.append(Cell(ref, role, "", name, kind, formula, description, style=style, merge_to=merge_to))

    def title(self, ref: str, title: str, merge_to: str) -> None:
        """The official title, preceded by the year typed on the 说明 sheet (2023年度…)."""
        self.cells.append(Cell(ref, COMPUTED, title, style="title", merge_to=merge_to, formula=Formula(TITLE, ())))


TITLE, UNIT = "TITLE", "UNIT"
EXCEL = "EXCEL"  # a formula given whole, as Excel text, in the cell's `text` (evalsheet.py renders its own)


def _Formula(function: str, *args: Arg) -> Formula:
    return Formula(function, tuple(args))


# ---------------------------------------------------------------- 说明


def _percent(fraction: Decimal) -> str:
    return "0" if fraction == 0 else f"{format_score(fraction * 100)}%"


def _bands_text(rules: RuleSet) -> str:
    """达成 80%–100%、部分达成 60%–80%、未达成 0–60%: the rule set's qualitative bands, in words."""
    return "、".join(f"{band.name} {_percent(band.low)}–{_percent(band.high)}" for band in rules.bands)


def guide_lines(rules: RuleSet) -> tuple[str, ...]:
    """The 填写说明, with the rule set's own bands and 执行率 threshold."""
    return (
        "本工作簿按财政部门的绩效自评表式样制作：附件1 基础数据表、附件2 部门整体支出绩效自评表、"
        "附件3 项目支出绩效自评表（每个一级项目一张）和收支预决算情况表。",
        "1. 只在浅黄色单元格中填写；金额以万元为单位，保留两位小数；人数填整数。",
        "2. 控制率、执行率、差异率、同比增减率、各项得分、总分和等级都由公式自动计算，不要手工填写。",
        f"3. 浅绿色的“得分”单元格会自动计算；定性指标需要人工评定时，直接输入得分（{_bands_text(rules)} 的分值），"
        "系统会按规则检查。",
        "4. 年度指标值请写明方向，如“95%以上”“≤5.4%”“控制在3.5%以内”；只写数字的按“不低于”评分（成本指标按“不超过”）。",
        "5. 指标不够时，在“……”行的上方插入行，并复制上一行的“得分”公式；项目不够时同样在“……”行上方插入。",
        f"6. 未完成年度指标值、扣了分或执行率低于 {_percent(rules.reason_below_exec_rate)} 时，"
        "必须填写偏差原因分析及改进措施。",
        "7. 工作表有保护但没有密码，需要时可在“审阅 → 撤销工作表保护”中解除。",
        "8. 计算公式（PE_ 开头的函数）需要安装“绩效自评”加载项；没有 Python 的电脑请使用无宏版（.xlsx）。",
        "9. 填好后点击功能区“绩效自评 → 生成报告”，或在命令行运行 perfeval check 文件名 检查。",
    )


# the 说明 sheet's 基本信息 rows shared by every workbook: (defined name, label, kind)
HEADER_FIELDS = (
    ("unit_name", "预算部门（单位）名称", TEXT),
    ("fiscal_year", "评价年度", YEAR),
    ("budget_code", "预算编码", TEXT),
    ("contact", "联系人及电话", TEXT),
)
RULE_SET_COMMENT = (
    "评分规则：national（全国默认）、grade-85（85/75/60 四档）、province-platform（省级平台：偏离扣分、"
    "按执行率封顶），或自定义规则文件（.toml）的路径。"
)


def guide_sheet(rules: RuleSet, template_info: str) -> SheetLayout:
    fields = (*HEADER_FIELDS, ("rule_set", "评分规则", TEXT, rules.name, RULE_SET_COMMENT))
    return guide_layout("预算绩效自评工作簿", guide_lines(rules), fields, template_info, line_height=30)


def guide_layout(
    title: str, lines: Sequence[str], fields: Sequence[tuple], template_info: str, line_height: float
) -> SheetLayout:
    """The 说明 sheet: a title, the 填写说明 lines, the 基本信息 inputs (name, label, kind[, initial[, comment]]) and
    the template's version; the evaluation workbook's 说明 is this sheet with its own lines and fields."""
    b = _Builder()
    b.label("A1", title, style="title", merge_to="D1")
    b.label("A3", "填写说明", style="subtitle")
    row = 4
    for line in lines:
        b.label(f"A{row}", line, style="note", merge_to=f"D{row}")
        row += 1
    row += 1
    b.label(f"A{row}", "基本信息", style="subtitle")
    for offset, (name, label, kind, *rest) in enumerate(fields, start=1):
        initial, comment = (*rest, "", "")[:2]
        r = row + offset
        b.label(f"A{r}", label, style="row_label")
        b.input(f"B{r}", name, kind, label, merge_to=f"D{r}", text=initial, comment=comment)
    r = row + len(fields) + 2
    b.cells.append(
        Cell(
            f"A{r}", LABEL, template_info, "template_info", TEXT, description="模板版本", style="note", merge_to=f"D{r}"
        )
    )
    return SheetLayout(
        GUIDE,
        SHEET_TITLES[GUIDE],
        tuple(b.cells),
        widths={"A": 24, "B": 40, "C": 30, "D": 30},
        heights={r: line_height for r in range(4, 4 + len(lines))},
    )


# ---------------------------------------------------------------- 附件1


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
AMOUNT_COLUMNS = (("prev", "B", "上年决算数"), ("budget", "C", "本年预算数"), ("final", "D", "本年决算数"))
CONTROL_COMMENT = "控制率 = 本年决算数 ÷ 本年预算数；预算数为空或为零时显示“—”。"
CHANGE_COMMENT = "同比增减率 = （本年决算数 − 上年决算数）÷ 上年决算数，带正负号。"


def _spending_row(
    b: _Builder,
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
            _Formula("PE_CONTROLRATE", Ref(f"{key}_final"), Ref(f"{key}_budget")),
            f"{label.strip()} 控制率",
        )
        b.computed(
            f"F{row}",
            f"{key}_change_rate",
            RATE,
            _Formula("PE_CHANGERATE", Ref(f"{key}_final"), Ref(f"{key}_prev")),
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
    b = _Builder()
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
        _Formula("PE_CONTROLRATE", Ref("staff_actual"), Ref("staff_quota")),
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
        _Formula("PE_CONTROLRATE", Ref("building_actual_area"), Ref("building_approved_area")),
        "楼堂馆所 规模控制率",
    )
    b.input(f"E{row}", "building_budget_investment", AMOUNT, "楼堂馆所 预算投资")
    b.input(f"F{row}", "building_actual_investment", AMOUNT, "楼堂馆所 实际投资")
    b.computed(
        f"G{row}",
        "building_investment_control_rate",
        RATE,
        _Formula("PE_CONTROLRATE", Ref("building_actual_investment"), Ref("building_budget_investment")),
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


# ---------------------------------------------------------------- 附件2 and 附件3


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
    Column("level1", "B", "一级指标", TEXT),
    Column("level2", "C", "二级指标", TEXT),
    Column("level3", "D", "三级指标", TEXT),
    Column("target", "E", "年度指标值", TEXT),
    Column("actual", "F", "实际完成值", TEXT),
    Column("weight", "G", "分值", WEIGHT),
    Column(
        "score",
        "H",
        "得分",
        SCORE,
        OVERRIDE,
        _Formula("PE_SCORE", Here("target"), Here("actual"), Here("weight"), Ref("rule_set"), Block("level2")),
    ),
    Column("reason", "I", "偏差原因分析及改进措施", LONG_TEXT),
)
TARGET_READING = Column("reading", "J", "目标识别", TEXT, COMPUTED, _Formula("PE_TARGETOP", Here("target")))


def _indicator_comments(rules: RuleSet) -> dict[str, str]:
    return {
        "E": "写明方向：95%以上、≤5.4%、控制在3.5%以内、不低于2400人；只写数字的按“不低于”评分（成本指标按“不超过”）。",
        "H": f"按评分规则自动计算。定性指标需人工评定时直接输入得分：{_bands_text(rules)} 的分值。",
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


def _indicator_cells(b: _Builder, table: Table, rules: RuleSet) -> None:
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
    b = _Builder()
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
        f"G{total}", "fund_exec_rate", RATE, _Formula("PE_EXECRATE", Ref("fund_executed"), Ref("fund_budget")), "执行率"
    )
    b.computed(
        f"H{total}",
        "fund_score",
        SCORE,
        _Formula("PE_EXECSCORE", Ref("fund_executed"), Ref("fund_budget"), Ref("fund_weight"), Ref("rule_set")),
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
        comment=f"执行率低于 {_percent(rules.reason_below_exec_rate)} 或超预算执行时须填写。",
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
        _Formula(
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
        _Formula("PE_GRADE", Ref("total_score"), Ref("rule_set")),
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


# ---------------------------------------------------------------- 收支预决算


REVENUE_LETTERS = dict(zip((key for key, _ in REVENUE_COLUMNS), "BCDEFGHIJ", strict=True))
REVENUE_SUMS = {
    "total": ("carryover_begin", "appropriation", "other_income"),
    "expense_total": ("personnel", "public", "project"),
}


def revenue_sheet() -> SheetLayout:
    b = _Builder()
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
            _Formula("PE_DIFFRATE", Ref(f"rev_{key}_final"), Ref(f"rev_{key}_budget")),
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


# ---------------------------------------------------------------- 报告文字


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
    from perfeval_xl.core.records import ECONOMIC_CLASSES, NARRATIVE_TEXTS, OTHER_BUDGETS

    b = _Builder()
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


# ---------------------------------------------------------------- 校验 (written by the ribbon button)


CHECK_SHEET = "校验"
CHECK_HEADER = ("序号", "严重程度", "工作表", "单元格", "代码", "说明")
CHECK_ANCHOR = "A1"  # the header row starts here; the findings follow below it
CHECK_WIDTHS = {"A": 6, "B": 9, "C": 24, "D": 9, "E": 22, "F": 90}


# ---------------------------------------------------------------- a whole workbook


def workbook_layout(
    kind: str,
    rules: RuleSet,
    projects: Sequence[str],
    template_info: str,
    indicator_counts: Mapping[str, Mapping[tuple[str, str], int]] | None = None,
) -> WorkbookLayout:
    """The sheets of a dept workbook (说明, 附件1, 附件2, 附件3 × n, 收支预决算, 报告文字), or of a project one
    (说明, 附件3 × n).

    `indicator_counts` maps a sheet key ("overall", or a project's position "1", "2"…) to how many indicator
    rows each (一级, 二级) block needs, so a filled example gets room for all its indicators.
    """
    counts = indicator_counts or {}
    sheets = [guide_sheet(rules, template_info)]
    if kind == "dept":
        sheets += [basic_sheet(projects), overall_sheet(rules, counts.get(OVERALL))]
    sheets += [project_sheet(i, rules, name, counts.get(str(i))) for i, name in enumerate(projects, start=1)]
    if kind == "dept":
        sheets += [revenue_sheet(), narrative_sheet()]
    return WorkbookLayout(kind, tuple(sheets), rules.full_marks)


def defined_names(layout: WorkbookLayout) -> list[tuple[str, str, str, str]]:
    """(name, scope, reference, description) of every defined name: what the README documents."""
    rows = []
    for sheet in layout.sheets:
        scope = "每张附件3" if sheet.scoped else "工作簿"
        if sheet.key == PROJECT and sheet is not layout.project_sheets[0]:
            continue
        for cell in sheet.cells:
            if cell.name:
                role = {INPUT: "填写", COMPUTED: "计算", OVERRIDE: "计算（可改写）", LABEL: "标签"}[cell.role]
                rows.append((cell.name, scope, f"{sheet.title}!{cell.ref}", f"{cell.description}（{role}）"))
        for table in sheet.tables:
            headings = "、".join(c.heading for c in table.columns)
            rows.append((table.name, scope, f"{sheet.title}!{table.ref}", f"{table.description}：{headings}（区域）"))
    return rows
