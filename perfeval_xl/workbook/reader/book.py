"""One reading of a self-assessment workbook: its sheets found by name, every named cell and table row as it shows.

A named cell is an input (read as typed) or computed: its layout formula is evaluated by name over what its
arguments show, and the reader core (cells.py) decides what the cell shows from that. The records are built from
these values by assessment.py; the 评价指标评分表 of an evaluation workbook is read by evaluation.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from perfeval_xl.core.errors import PerfevalError, WorkbookError
from perfeval_xl.core.numbers import is_blank
from perfeval_xl.core.records import CellRef, Finding
from perfeval_xl.engine.functions import FUNCTIONS, display_value, excel_value
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.formulas import TYPED_IN_NATIVE
from perfeval_xl.workbook.layout.assessment import TARGET_READING, overall_sheet, project_sheet
from perfeval_xl.workbook.layout.base import (
    BASIC,
    ELLIPSIS,
    GUIDE,
    INPUT,
    LABEL,
    MONTH,
    NARRATIVE,
    NUMERIC_KINDS,
    OVERALL,
    OVERRIDE,
    PROJECT,
    REVENUE,
    SCORE,
    SUM,
    TITLE,
    UNIT,
    Block,
    Cell,
    Col,
    Formula,
    Here,
    Ref,
    Table,
)
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.guide import guide_sheet
from perfeval_xl.workbook.layout.narrative import narrative_sheet
from perfeval_xl.workbook.layout.revenue import revenue_sheet
from perfeval_xl.workbook.reader.cells import (
    REPLACED,
    TEMPLATE,
    TYPED,
    Cells,
    as_displayed,
    excel_text,
    formula_text,
    holds_text,
)
from perfeval_xl.workbook.reader.names import Place, Sheet, missing_names, names_of, places, sheet_of

GUIDE_LAYOUT = guide_sheet(load_rules("national"), "")
GUIDE_CELLS = GUIDE_LAYOUT.named()


class Book:
    """One reading of a workbook: its names, what each named cell and table row shows, the findings made reading it.

    Attributes:
      values: every computed defined name -> what its cell shows (check --json's values).
      inputs: every input defined name that was read -> what it holds (check --json's inputs).
      recomputed: the same, for cells typed over or cleared: what their formula gives over the data.
      display: (sheet, A1) -> what each template formula cell shows (the values a built file is stamped with).
    """

    def __init__(self, wb: Any, cached: Mapping[tuple[str, str], object] | None, folder: str):
        if not wb.worksheets:  # a damaged package can list no sheet and still define names
            raise WorkbookError("这个工作簿里没有任何工作表（文件已损坏），无法读取")
        self.wb, self.folder = wb, folder
        self.findings: list[Finding] = []
        self.cells = Cells(wb, cached, self.findings)
        self.values: dict[str, object] = {}
        self.inputs: dict[str, object] = {}
        self.recomputed: dict[str, object] = {}
        self.replaced: set[CellRef] = set()  # computed cells holding a formula of the user's
        self.display: dict[tuple[str, str], object] = {}
        self.memo: dict[tuple[str, str], object] = {}
        self.rows_by_position: dict[tuple[str, int], dict[str, object]] = {}
        self.sheet_titles = {ws.title for ws in wb.worksheets}
        self.global_names = places(wb.defined_names, self.sheet_titles, self.findings)
        # the 说明 sheet's names (unit_name, rule_set…) are read even when the sheet itself was not recognised
        self.guide = Sheet(wb.worksheets[0], GUIDE_LAYOUT, self.global_names)

    @property
    def is_evaluation(self) -> bool:
        return "eval_indicators" in self.global_names or "eval_rule_set" in self.global_names

    # ---------- sheets

    def identify(self) -> dict[str, Any]:
        """Find each kind of sheet by the names that point into it (sheet titles may have been changed)."""
        national = load_rules("national")
        found: dict[str, Any] = {"_all": []}
        layouts = {
            GUIDE: GUIDE_LAYOUT,
            BASIC: basic_sheet(()),
            OVERALL: overall_sheet(national),
            REVENUE: revenue_sheet(),
            NARRATIVE: narrative_sheet(),
        }
        for key, layout in layouts.items():
            title = sheet_of(layout, self.global_names)
            if title is not None:
                found[key] = Sheet(self.wb[title], layout, self.global_names)
                found["_all"].append(found[key])
        projects = []
        project_layout = project_sheet(1, national)
        project_names = set(names_of(project_layout))
        for ws in self.wb.worksheets:
            local = places(ws.defined_names, self.sheet_titles, self.findings)
            if set(local) & project_names:
                # a 附件3 sees its own names and the 说明 sheet's (rule_set…), never 附件2's same-named ones
                shared = {k: v for k, v in self.global_names.items() if k not in project_names}
                projects.append(Sheet(ws, project_layout, {**shared, **local}))
        found["_all"] += projects
        if projects:
            found[PROJECT] = projects
        self.guide = found.get(GUIDE, self.guide)
        if not any(k in found for k in (BASIC, OVERALL, PROJECT)):
            raise WorkbookError("这不是 perfeval-xl 的自评工作簿：找不到附件1、附件2 或附件3 的定义名称")
        for sheet in [found[key] for key in (GUIDE, BASIC, OVERALL, REVENUE, NARRATIVE) if key in found] + projects:
            missing_names(sheet, self.findings)
        return found

    def input_sheet(self, key: str, layout: Any) -> Sheet | None:
        """An input sheet an evaluation workbook reuses (附件1, 收支预决算), found by its names."""
        title = sheet_of(layout, self.global_names)
        return Sheet(self.wb[title], layout, self.global_names) if title is not None else None

    def cell_of(self, sheet: Sheet, name: str) -> CellRef | None:
        place = sheet.names.get(name)
        return place.first if place else None

    # ---------- named cells

    def value(self, sheet: Sheet, name: str) -> object:
        """What a named cell shows: an input as typed, a computed cell as the reader core says it shows."""
        place = sheet.names.get(name)
        if place is None:
            return None
        key = (place.sheet, name)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # guards against a cycle in a damaged workbook
        layout_cell = sheet.layout.named().get(name) or GUIDE_CELLS.get(name)
        if layout_cell is None or layout_cell.role in (INPUT, LABEL):
            result = self._input(place.first, layout_cell)
            if layout_cell is not None and layout_cell.role == INPUT:
                self.inputs[f"{place.sheet}!{name}" if sheet.layout.scoped else name] = result
        else:
            result = self._computed(sheet, name, layout_cell, place)
        self.memo[key] = result
        return result

    def _input(self, where: CellRef, cell: Cell | None) -> object:
        if cell is None:  # a name the layout does not know: its text
            raw = self.cells.raw(where)
            return "" if raw is None else excel_text(raw)
        return self.cells.typed(where, cell.kind, cell.description, cell.name)

    def _computed(self, sheet: Sheet, name: str, cell: Cell, place: Place) -> object:
        """A computed named cell as it shows, as Excel's formulas downstream of it see it; the formula's own value
        over the data is kept in `recomputed` for the cells that do not show it."""
        formula = cell.formula
        assert formula is not None
        recomputed, args = self.evaluate(sheet, formula)
        where = place.first
        shown = self.cells.computed(
            where,
            cell.description,
            cell.kind,
            lambda text: template_formula(formula.function, text),
            lambda: recomputed,
            typed_expected=formula.function in TYPED_IN_NATIVE,
            name=name,
        )
        key = f"{place.sheet}!{name}" if sheet.layout.scoped else name
        if shown.state == TEMPLATE:
            self.display[(where.sheet, where.cell or "")] = shown_by(formula.function, recomputed, args)
        else:
            self.recomputed[key] = recomputed
        if shown.state == REPLACED:
            self.replaced.add(where)
        self.values[key] = shown.value
        return shown.value

    def printed(self, sheet: Sheet, name: str) -> object:
        """A computed cell that was typed over: the typed value as the form prints it (a figure to check), else None."""
        place = sheet.names.get(name)
        if place is None:
            return None
        where = place.first
        raw = self.cells.raw(where)
        shown = self.value(sheet, name)  # first: it tells whether a formula here is the template's
        replaced = where in self.replaced
        if is_blank(raw) or (formula_text(raw) is not None and not replaced):
            return None
        typed = self.cells.cached(where) if replaced else raw
        if isinstance(shown, Decimal) and isinstance(typed, int | float):  # a number, shown in the cell's format
            return as_displayed(shown, self.cells.number_format(where))
        return shown

    # ---------- layout formulas

    def evaluate(
        self, sheet: Sheet, formula: Formula, row: int | None = None, blocks: Mapping[str, object] | None = None
    ) -> tuple[object, list[object]]:
        """A layout formula's engine value, and the argument values it was computed from."""
        args = [self._arg(sheet, arg, row, blocks or {}) for arg in formula.args]
        if formula.function == SUM:
            present = [term for arg in formula.args for term in self._sum_terms(sheet, arg)]
            return (sum(present, Decimal(0)) if present else None), args
        if formula.function in (TITLE, UNIT, MONTH):
            return None, args
        function = FUNCTIONS[formula.function][0]
        try:
            return function(*args), args
        except (PerfevalError, ArithmeticError):
            return None, args  # an unreadable input is already a finding where it was read

    def _sum_terms(self, sheet: Sheet, arg: object) -> list[Decimal]:
        """What Excel's SUM adds up from one argument: the numbers in it. A number stored as text is not one."""
        if isinstance(arg, Ref):
            owner = sheet if arg.name in sheet.names else self.guide
            place = owner.names.get(arg.name)
            pairs = [(self.cells.raw(place.first) if place else None, self.value(owner, arg.name))]
        elif isinstance(arg, Col):
            pairs = [(row.get("_raw_" + arg.column), row.get(arg.column)) for row in self.table_rows(sheet, arg.table)]
        else:
            raise TypeError(arg)
        return [value for raw, value in pairs if isinstance(value, Decimal) and not holds_text(raw)]

    def _arg(self, sheet: Sheet, arg: object, row: int | None, blocks: Mapping[str, object]) -> object:
        if isinstance(arg, Ref):
            if arg.name in sheet.names:
                return self.value(sheet, arg.name)
            return self.value(self.guide, arg.name)
        if isinstance(arg, Col):
            return [values.get(arg.column) for values in self.table_rows(sheet, arg.table)]
        if isinstance(arg, Here):
            return self.rows_by_position.get((sheet.title, row), {}).get(arg.column) if row is not None else None
        if isinstance(arg, Block):
            return blocks.get(arg.column)
        raise TypeError(arg)

    # ---------- tables

    def table_rows(self, sheet: Sheet, name: str) -> list[dict[str, object]]:
        """Every row of a named table as {column key: what it shows}, with 一级/二级 filled down the merged blocks."""
        key = (sheet.title, "table:" + name)
        if key in self.memo:
            return self.memo[key]  # type: ignore[return-value]
        place = sheet.names.get(name)
        if place is None:
            return []
        table = sheet.layout.table(name)
        min_col, min_row, _max_col, max_row = range_boundaries(place.ref)
        ws = self.wb[place.sheet]
        rows = []
        carried: dict[str, object] = {}
        for r in range(min_row, max_row + 1):
            values: dict[str, object] = {"_row": r, "_sheet": place.sheet}
            for column in table.columns:
                cell = ws.cell(r, min_col + table.offset(column.key))
                where = CellRef(place.sheet, cell.coordinate)
                values["_raw_" + column.key] = cell.value  # None inside a merged range
                if column.role != OVERRIDE:  # the score: as it shows, once the row is read (score_rows)
                    values[column.key] = self._table_value(
                        column.kind, cell.value, where, f"{sheet.title} {column.heading}"
                    )
            for column in ("level1", "level2"):
                if column in values:
                    if values[column]:
                        carried[column] = values[column]
                        if column == "level1":
                            carried.pop("level2", None)
                    else:
                        values[column] = carried.get(column, "")
            rows.append(values)
        self.memo[key] = rows  # type: ignore[assignment]
        for values in rows:
            self.rows_by_position[(place.sheet, int(values["_row"]))] = values  # type: ignore[arg-type]
        self._score_rows(sheet, table, rows)
        self._target_readings(sheet, table, rows)
        return rows

    def _table_value(self, kind: str, raw: object, where: CellRef, what: str) -> object:
        if isinstance(raw, str) and raw.strip() == ELLIPSIS:
            return None if kind in NUMERIC_KINDS else ELLIPSIS
        value = self.cells.typed(where, kind, what)
        return value.strip() if isinstance(value, str) else value

    def _score_rows(self, sheet: Sheet, table: Table, rows: list[dict[str, object]]) -> None:
        """Each row's score as it shows: the rule's score while the template's formula is there; a score typed over
        it, or a formula of the user's own, is a manual score (typing it is how a person scores)."""
        column = next((c for c in table.columns if c.role == OVERRIDE), None)
        if column is None or column.formula is None:
            return
        function = column.formula.function
        first = range_boundaries(sheet.names[table.name].ref)[0]
        letter = get_column_letter(first + table.offset(column.key))
        for values in rows:
            where = CellRef(str(values["_sheet"]), f"{letter}{values['_row']}")
            computed, args = self._row_formula(sheet, column.formula, values)
            name = str(values.get("level3") or "").strip() or "（未命名）"
            shown = self.cells.computed(
                where,
                f"指标“{name}”的{column.heading}",
                SCORE,
                lambda text: template_formula(function, text),
                lambda computed=computed: computed,
                typed_expected=True,
            )
            values[column.key] = shown.value
            values["_manual"] = shown.state in (TYPED, REPLACED)
            values["_rule_" + column.key] = computed
            if shown.state == TEMPLATE:
                self.display[(where.sheet, where.cell or "")] = shown_by(function, computed, args)

    def _row_formula(
        self, sheet: Sheet, formula: Formula | None, values: Mapping[str, object]
    ) -> tuple[object, list[object]]:
        if formula is None:
            return None, []
        blocks = {"level2": values.get("level2")}
        return self.evaluate(sheet, formula, int(values["_row"]), blocks)  # type: ignore[arg-type]

    def _target_readings(self, sheet: Sheet, table: Table, rows: list[dict[str, object]]) -> None:
        """What the 目标识别 column shows, for the stamp (no record reads it)."""
        if table.name != "indicators" or not rows:
            return
        ws = self.wb[str(rows[0]["_sheet"])]
        column = range_boundaries(sheet.names[table.name].ref)[0] + (
            column_index_from_string(TARGET_READING.letter) - column_index_from_string(table.columns[0].letter)
        )
        for values in rows:
            cell = ws.cell(int(values["_row"]), column)
            if formula_text(cell.value) is not None:
                value, _args = self._row_formula(sheet, TARGET_READING.formula, values)
                self.display[(ws.title, cell.coordinate)] = value or ""

    def _month_shown(self) -> str:
        """The period a heading names, from the month cell as it is (a month of 13 still shows "1-13月" in Excel,
        and is a finding at its cell)."""
        place = self.guide.names.get("monitor_month")
        return _month_text(self.cells.raw(place.first) if place else None)

    def headings(self, sheet: Sheet) -> None:
        """What the title and unit-name formulas show, so that stamped files show them too."""
        for cell in sheet.layout.cells:
            if cell.formula is None or cell.formula.function not in (TITLE, UNIT, MONTH):
                continue
            if formula_text(sheet.ws[cell.ref].value) is None:  # type: ignore[attr-defined]
                continue
            if cell.formula.function == UNIT:
                shown = str(self.value(self.guide, "unit_name") or "")
            elif cell.formula.function == MONTH:
                shown = self._month_shown() + cell.text
            else:
                year = self.value(self.guide, "fiscal_year")
                shown = (f"{int(year)}年度" if isinstance(year, Decimal) else "") + cell.text
            self.display[(sheet.title, cell.ref)] = shown


def _month_text(raw: object) -> str:
    """'="1-"&monitor_month&"月"' as Excel shows it: a number as General shows it (7, 7.5, 13), else 1-X月."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return "1-X月"
    return f"1-{raw:g}月"


def shown_by(function: str, result: object, args: list[object]) -> object:
    """What a template formula's cell shows in Excel, for the stamp: the PE_* adapters' own rule, or the SUM's."""
    if function.startswith("PE_"):
        return excel_value(function, args)
    return display_value(function, result, args)


def template_formula(function: str, formula: str) -> bool:
    """Whether a computed cell still holds the template's formula (in either flavour, wherever rows moved it),
    rather than one the user wrote in its place (=5, =D15, =SUM(D9:D10))."""
    text = formula.upper().replace(" ", "")
    if function == SUM:
        return "COUNT(" in text and "SUM(" in text
    if f"{function}(" in text:
        return True
    return function not in TYPED_IN_NATIVE and text.startswith("=IF(") and '"—"' in formula
