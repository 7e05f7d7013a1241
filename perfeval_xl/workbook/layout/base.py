"""The vocabulary of the layouts: what a cell is (role, kind, formula, name), tables, sheets, a whole workbook.

Formulas are declared in terms of defined names and table columns (Ref, Col, Here, Block), so the reader can evaluate
them by name in a workbook whose rows the user has moved, and the writer renders them as the cell references an
accountant expects to see (=PE_CONTROLRATE(D8,C8))."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.engine.functions import FUNCTIONS

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
FIGURE = "figure"  # a number in a unit of the framework's own (亩, 吨): shown as typed


MONTH_NUMBER = "month"  # the monitoring month, 1–12


NUMBER_FORMATS = {
    AMOUNT: "#,##0.00",
    AREA: "#,##0.00",
    COUNT: "0",
    RATE: "0.00%",
    SCORE: "0.00",
    WEIGHT: "0.##",
    YEAR: "0",
    FIGURE: "General",
    MONTH_NUMBER: "0",
}


NUMERIC_KINDS = frozenset({AMOUNT, COUNT, AREA, RATE, SCORE, WEIGHT, YEAR, FIGURE, MONTH_NUMBER})


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
UDF, NATIVE = "udf", "native"  # the two formula flavours: PE_* functions, or plain Excel formulas


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
      description: what the value is, in Chinese, for findings and docs/names.md ("三公经费 本年决算数").
      comment: a note shown on the cell in Excel (rules behind a heading).
      style: title, subtitle, heading, row_heading, vertical, note, row_label, centered, helper or "".
      merge_to: the bottom-right cell when this cell is merged with its neighbours.
      choices: the words a drop-down offers (项目类别, 完成目标可能性); other text is refused by Excel.
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
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """A column of a table."""

    key: str
    letter: str
    heading: str
    kind: str
    role: str = INPUT
    formula: Formula | None = None


# the indicator tree's three columns, the same on every indicator table (附件2/3, 申报表, 监控表)
TREE_COLUMNS = (
    Column("level1", "B", "一级指标", TEXT),
    Column("level2", "C", "二级指标", TEXT),
    Column("level3", "D", "三级指标", TEXT),
)


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
      hidden: a sheet users never see (Excel's "very hidden"): data the workbook needs to be checked elsewhere.
      fitted_rows: rows whose height is a starting point, not fixed: Excel refits them to their text when the user
        types (a long 扣分原因), and LibreOffice on opening. Their cells must not be merged across columns.
      row_breaks: rows after which a printed page ends.
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
    hidden: bool = False
    fitted_rows: frozenset[int] = frozenset()
    row_breaks: tuple[int, ...] = ()

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


class Builder:
    """Collects a sheet's cells as the layout functions declare them, row by row."""

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
        choices: tuple[str, ...] = (),
    ) -> None:
        self.cells.append(
            Cell(
                ref,
                INPUT,
                text,
                name,
                kind,
                description=description,
                merge_to=merge_to,
                comment=comment,
                choices=choices,
            )
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
        text: str = "",
    ) -> None:
        self.cells.append(Cell(ref, role, text, name, kind, formula, description, style=style, merge_to=merge_to))

    def month_heading(self, ref: str, text: str, merge_to: str) -> None:
        """A heading that names the monitoring period: "1-7月" + text, following the month typed on 说明."""
        self.computed(ref, None, TEXT, Formula(MONTH, ()), text, merge_to=merge_to, style="heading", text=text)

    def title(self, ref: str, title: str, merge_to: str) -> None:
        """The official title, preceded by the year typed on the 说明 sheet (2023年度…)."""
        self.cells.append(Cell(ref, COMPUTED, title, style="title", merge_to=merge_to, formula=Formula(TITLE, ())))


TITLE, UNIT = "TITLE", "UNIT"


MONTH = "MONTH"  # a heading that follows the monitoring month on 说明: "1-7月" + the cell's text


EXCEL = "EXCEL"  # a formula given whole, as Excel text, in `text` (layout/evaluation.py renders its own)


def checked_formula(function: str, *args: Arg) -> Formula:
    return Formula(function, tuple(args))
