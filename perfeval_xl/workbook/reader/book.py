"""The self-assessment reader: names, cells, formulas and tables of one workbook, and its records."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.core.codes import (
    CACHED_STALE,
    COMPUTED_BLANK,
    FORMULA_OVERWRITTEN,
    FORMULA_REPLACED,
    INPUT_FORMULA,
    NAME_BROKEN,
    NAME_MISSING,
    NUMBER_AS_TEXT,
    NUMBER_UNREADABLE,
    RULE_SET_UNKNOWN,
)
from perfeval_xl.core.errors import PerfevalError, RuleSetError, WorkbookError
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.core.numbers import D, NotANumber, format_score
from perfeval_xl.core.records import (
    ECONOMIC_CLASSES,
    ERROR,
    NARRATIVE_TEXTS,
    OTHER_BUDGETS,
    REVENUE_COLUMNS,
    Assessment,
    BasicData,
    Building,
    CellRef,
    Finding,
    Funding,
    FundLine,
    Header,
    Indicator,
    Narrative,
    RevenueColumn,
    RevenueTable,
    SpendingRow,
    Staff,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name
from perfeval_xl.engine.evaluation.load import load_framework
from perfeval_xl.engine.functions import FUNCTIONS, display_value, excel_value
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.fill import destinations
from perfeval_xl.workbook.formulas import TYPED_IN_NATIVE
from perfeval_xl.workbook.layout.assessment import (
    FUNDING_EXPENSES,
    FUNDING_INCOMES,
    FUNDING_SOURCES,
    TARGET_READING,
    overall_sheet,
    project_sheet,
)
from perfeval_xl.workbook.layout.base import (
    BASIC,
    ELLIPSIS,
    GUIDE,
    INPUT,
    LABEL,
    NARRATIVE,
    NUMERIC_KINDS,
    OVERALL,
    OVERRIDE,
    PROJECT,
    REVENUE,
    SUM,
    TEXT,
    TITLE,
    UNIT,
    Block,
    Cell,
    Col,
    Formula,
    Here,
    Ref,
    SheetLayout,
    Table,
)
from perfeval_xl.workbook.layout.basic import PUBLIC_ROWS, SANGONG_ROWS, basic_sheet
from perfeval_xl.workbook.layout.guide import guide_sheet
from perfeval_xl.workbook.layout.narrative import narrative_sheet
from perfeval_xl.workbook.layout.revenue import revenue_sheet
from perfeval_xl.workbook.reader.cells import (
    as_displayed,
    excel_text,
    formula_text,
    holds_text,
    implausible_number,
    implausible_text,
    is_blank,
    same_value,
    show,
    show_as,
)
from perfeval_xl.workbook.reader.evaluation import SheetAccess, read_sheet


@dataclass
class _Place:
    sheet: str
    ref: str  # "B5" or "B15:I41"


@dataclass
class _Sheet:
    """A worksheet of the file with the layout it was made from and the names that point into it."""

    ws: Worksheet
    layout: SheetLayout
    names: dict[str, _Place] = field(default_factory=dict)


# Excel's sheet is 1 048 576 rows by XFD columns; a table of the forms never comes near 10 000 rows, and a name
# stretched over a million rows would make the reader walk them all.
MAX_ROW, MAX_COLUMN, MAX_TABLE_ROWS = 1_048_576, 16_384, 10_000


def _plausible_range(ref: str) -> bool:
    """A cell or range reference inside Excel's grid and not taller than any table of the forms."""
    if not re.fullmatch(r"[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?", ref):
        return False
    _min_col, min_row, max_col, max_row = range_boundaries(ref)
    return 1 <= min_row <= max_row <= MAX_ROW and max_col <= MAX_COLUMN and max_row - min_row < MAX_TABLE_ROWS


class Book:
    """One reading of a workbook: names, input values, recomputed values, findings."""

    def __init__(self, wb: openpyxl.Workbook, cached: Mapping[tuple[str, str], object] | None, folder: str):
        if not wb.worksheets:  # a damaged package can list no sheet and still define names
            raise WorkbookError("这个工作簿里没有任何工作表（文件已损坏），无法读取")
        self.wb, self.cached, self.folder = wb, cached or {}, folder
        self.worksheet_titles = {ws.title for ws in wb.worksheets}
        self.findings: list[Finding] = []
        self.values: dict[str, object] = {}  # computed defined names -> what the cell shows (for --json)
        self.recomputed: dict[str, object] = {}  # the same, for cells typed over or cleared: what the formula gives
        self.replaced: set[tuple[str, str]] = set()  # (sheet, A1) of computed cells holding a formula of the user's
        self.display: dict[tuple[str, str], object] = {}  # (sheet, A1) -> what the cell shows
        self.memo: dict[tuple[str, str], object] = {}
        self.flavour = "unknown"
        self.functions_missing = False
        self.rows_by_position: dict[tuple[str, int], dict[str, object]] = {}
        self.block_cells: dict[str, CellRef] = {}
        self.global_names = self._global_names()
        # the 说明 sheet's names (unit_name, rule_set…) are read even when the sheet itself was not recognised
        self.guide = _Sheet(wb.worksheets[0], _GUIDE_LAYOUT, self.global_names)

    # ---------- names

    def _global_names(self) -> dict[str, _Place]:
        names = {}
        for name, defined in self.wb.defined_names.items():
            place = self._place(name, defined)
            if place:
                names[name] = place
        return names

    def _place(self, name: str, defined: DefinedName) -> _Place | None:
        try:
            pointed = destinations(defined)
        except Exception:  # openpyxl raises on #REF! and other unparsable definitions
            pointed = []
        if not pointed or pointed[0][0] not in self.worksheet_titles:  # a chart sheet holds no cells
            self.findings.append(NAME_BROKEN(f"名称“{name}”指向的单元格已不存在（{defined.attr_text}）"))
            return None
        sheet, ref = pointed[0]
        ref = ref.replace("$", "")
        if not _plausible_range(ref):  # '附件2'!#REF! after Excel deleted the row, or a hand-edited $B$0
            self.findings.append(
                NAME_BROKEN(f"名称“{name}”指向的单元格已不存在（{defined.attr_text}）", CellRef(sheet))
            )
            return None
        return _Place(sheet, ref)

    def sheet_names(self, ws: Worksheet) -> dict[str, _Place]:
        local = {}
        for name, defined in ws.defined_names.items():
            place = self._place(name, defined)
            if place:
                local[name] = place
        return local

    # ---------- cells

    def raw(self, place: _Place) -> object:
        return self.wb[place.sheet][place.ref.split(":")[0]].value

    def cached_value(self, place: _Place) -> object:
        return self.cached.get((place.sheet, place.ref.split(":")[0]))

    def number(
        self, value: object, where: CellRef, what: str, kind: str | None = None, name: str | None = None
    ) -> Decimal | None:
        """A numeric cell's value, or None with a located finding when it is not a plausible figure for its column."""
        problem = implausible_text(value, kind)
        number = None if problem else D(value)
        if isinstance(number, NotANumber):
            problem = number.reason
        elif isinstance(number, Decimal):
            problem = implausible_number(number, kind, name)
        if problem:
            self.findings.append(NUMBER_UNREADABLE(f"{what}：{problem}", CellRef(where.sheet, where.cell)))
            return None
        return number

    def typed(self, raw: object, where: CellRef, kind: str, what: str, name: str | None = None) -> object:
        """What the user typed into an input cell: a number for numeric columns, text as typed otherwise.

        A formula typed into an input (=0.5+0.63) counts with the value saved with the file; without one, it
        is an error rather than a blank.
        """
        formula = formula_text(raw)
        if formula is not None:
            cached = self.cached.get((where.sheet, where.cell or ""))
            if cached is None or (isinstance(cached, str) and cached.startswith("#")):
                self.findings.append(
                    INPUT_FORMULA(
                        f"{what}：单元格中是公式“{formula}”，文件里没有它的计算结果；请直接填写数字或文字",
                        CellRef(where.sheet, where.cell),
                    )
                )
                return None if kind in NUMERIC_KINDS else ""
            raw = cached
        if kind in NUMERIC_KINDS:
            number = self.number(raw, where, what, kind, name)
            if number is not None and holds_text(raw) and formula is None:
                self._number_as_text(raw, where, what)
            return number
        return "" if raw is None else excel_text(raw)

    def read(self, rules: str | RuleSet | None = None) -> tuple[Submission, RuleSet]:
        """The records and the rule set that scores them: `rules` when given (a reviewer's), else the 说明 sheet's."""
        if "eval_indicators" in self.global_names or "eval_rule_set" in self.global_names:
            return self._read_evaluation(), load_rules("national")  # its 附件1, if any, needs no scoring rules
        sheets = self._identify()
        header, rule_set = self._header(sheets.get(GUIDE))
        rules = load_rules(rules) if rules is not None else self._rules(rule_set)
        if place := self.global_names.get("rule_set"):
            self.memo[(place.sheet, "rule_set")] = rules  # formulas score with the rules as resolved here
        basic = self._basic(sheets[BASIC]) if BASIC in sheets else None
        overall = self._assessment(sheets[OVERALL], rules) if OVERALL in sheets else None
        projects = tuple(self._assessment(sheet, rules) for sheet in sheets.get(PROJECT, []))
        revenue = self._revenue(sheets[REVENUE]) if REVENUE in sheets else None
        narrative = self._narrative(sheets[NARRATIVE]) if NARRATIVE in sheets else None
        for sheet in sheets.get("_all", []):
            self._headings(sheet)
        submission = Submission(header, basic, overall, projects, revenue, narrative=narrative)
        return submission, rules

    def _read_evaluation(self) -> Submission:
        """An evaluation workbook: 说明, the 评价指标评分表, the input sheets its links need, 评价报告文字."""
        place = self.global_names.get("eval_indicators")
        if place is None or ":" not in place.ref:
            raise WorkbookError(
                "这是评价工作簿，但找不到评分表的区域名称“eval_indicators”（它被删除，或指向的区域已损坏）："
                "请用 perfeval new 重新生成评分表再填写"
            )
        guide_place = self.global_names.get("unit_name") or place
        guide = _Sheet(self.wb[guide_place.sheet], _GUIDE_LAYOUT, self.global_names)
        framework_name = self._text_named("eval_rule_set")
        header, _ = self._header(guide, rule_set=framework_name)
        try:
            framework = load_framework(framework_name, folder=self.folder or None)
        except RuleSetError as error:
            where = self.global_names.get("eval_rule_set")
            cell = f"（{where.sheet}!{where.ref}）" if where else ""
            raise WorkbookError(f"评价指标体系{cell}无法使用：{error}") from None
        inputs = {}
        for key, layout in ((BASIC, basic_sheet(())), (REVENUE, revenue_sheet())):
            titles = [self.global_names[n].sheet for n in _names_of(layout) if n in self.global_names]
            if titles:
                inputs[key] = _Sheet(self.wb[Counter(titles).most_common(1)[0][0]], layout, self.global_names)

        def linked(name: str) -> object:
            sheet = next((s for s in inputs.values() if name in s.layout.named()), None)
            return self.value(sheet, name) if sheet is not None else None

        title = place.sheet
        worksheet = self.wb[title]
        access = SheetAccess(
            title,
            raw=lambda ref: worksheet[ref].value,
            cached=lambda ref: self.cached.get((title, ref)),
            linked=linked,
            findings=self.findings,
        )
        _min_col, first, _max_col, last = range_boundaries(
            place.ref if ":" in place.ref else f"{place.ref}:{place.ref}"
        )
        total, grade = (self._ref_on(name, title) for name in ("eval_total", "eval_grade"))
        sheet = read_sheet(framework, access, first, last, total, grade)
        texts = {name: self._text_named(name) for name, _ in EVAL_TEXTS}
        texts |= {name: self._text_named(name) for name in ("eval_evaluator", "eval_report_date")}
        sheet = replace(sheet, texts=texts)
        self.display.update({(title, ref): value for ref, value in access.display.items()})
        self.values.update(
            eval_total=sheet.total.score if sheet.total else None,
            eval_grade=sheet.grade or None,
            eval_scores={key: score for key, score in sheet.scores.scores.items()},
        )
        self.recomputed.update(eval_total=sheet.scores.total, eval_grade=sheet.scores.grade)
        basic = self._basic(inputs[BASIC]) if BASIC in inputs else None
        revenue = self._revenue(inputs[REVENUE]) if REVENUE in inputs else None
        return Submission(header, basic, None, (), revenue, evaluation=sheet)

    def _text_named(self, name: str) -> str:
        """A text the evaluator typed; a formula typed there counts by its saved result, as Excel shows it."""
        place = self.global_names.get(name)
        if place is None:
            return ""
        where = CellRef(place.sheet, place.ref.split(":")[0])
        text = self.typed(self.raw(place), where, TEXT, name)
        return "" if is_blank(text) else str(text).strip()

    def _ref_on(self, name: str, sheet: str) -> str | None:
        place = self.global_names.get(name)
        if place is None or place.sheet != sheet or ":" in place.ref:
            self.findings.append(NAME_MISSING(f"找不到名称“{name}”，或它不再指向评分表上的一个单元格"))
            return None
        return place.ref

    def _identify(self) -> dict[str, Any]:
        """Find each kind of sheet by the names that point into it (sheet titles may have been changed)."""
        national = load_rules("national")
        found: dict[str, Any] = {"_all": []}
        layouts = {
            GUIDE: _GUIDE_LAYOUT,
            BASIC: basic_sheet(()),
            OVERALL: overall_sheet(national),
            REVENUE: revenue_sheet(),
            NARRATIVE: narrative_sheet(),
        }
        for key, layout in layouts.items():
            # the sheet most of its names point into: one deleted name must not hide a whole table
            sheets = [self.global_names[name].sheet for name in _names_of(layout) if name in self.global_names]
            if sheets:
                sheet = _Sheet(self.wb[Counter(sheets).most_common(1)[0][0]], layout, self.global_names)
                found[key] = sheet
                found["_all"].append(sheet)
        projects = []
        project_layout = project_sheet(1, national)
        for ws in self.wb.worksheets:
            local = self.sheet_names(ws)
            if set(local) & set(_names_of(project_layout)):
                # a 附件3 sees its own names and the 说明 sheet's (rule_set…), never 附件2's same-named ones
                shared = {k: v for k, v in self.global_names.items() if k not in _names_of(project_layout)}
                sheet = _Sheet(ws, project_layout, {**shared, **local})
                projects.append(sheet)
                found["_all"].append(sheet)
        if projects:
            found[PROJECT] = projects
        self.guide = found.get(GUIDE, self.guide)
        if not any(k in found for k in (BASIC, OVERALL, PROJECT)):
            raise WorkbookError("这不是 perfeval-xl 的自评工作簿：找不到附件1、附件2 或附件3 的定义名称")
        for key in (GUIDE, BASIC, OVERALL, REVENUE, NARRATIVE):
            if key in found:
                self._missing_names(found[key])
        for sheet in projects:
            self._missing_names(sheet)
        return found

    def _missing_names(self, sheet: _Sheet) -> None:
        for name, cell in sheet.layout.named().items():
            if name not in sheet.names and name != "template_info":
                self.findings.append(
                    NAME_MISSING(
                        f"找不到名称“{name}”（{cell.description}）：它可能被删除，或所在的行被删掉了",
                        CellRef(sheet.ws.title),
                    )
                )
        for table in sheet.layout.tables:
            if table.name not in sheet.names:
                self.findings.append(
                    NAME_MISSING(f"找不到区域名称“{table.name}”（{table.description}）", CellRef(sheet.ws.title))
                )

    def cell_of(self, sheet: _Sheet, name: str) -> CellRef | None:
        place = sheet.names.get(name)
        return CellRef(place.sheet, place.ref.split(":")[0]) if place else None

    # ---------- evaluating named cells

    def value(self, sheet: _Sheet, name: str) -> object:
        """The engine value of a defined name: inputs as read, computed cells recomputed."""
        place = sheet.names.get(name)
        if place is None:
            return None
        key = (place.sheet, name)
        if key in self.memo:
            return self.memo[key]
        self.memo[key] = None  # guards against a cycle in a damaged workbook
        layout_cell = sheet.layout.named().get(name) or _GUIDE_CELLS.get(name)
        raw = self.raw(place)
        where = CellRef(place.sheet, place.ref.split(":")[0])
        if layout_cell is None or layout_cell.role in (INPUT, LABEL):
            result = self._input(raw, layout_cell, where)
        else:
            result = self._computed(sheet, name, layout_cell, raw, place, where)
        self.memo[key] = result
        return result

    def _input(self, raw: object, cell: Cell | None, where: CellRef) -> object:
        if cell is None:
            return "" if raw is None else excel_text(raw)
        return self.typed(raw, where, cell.kind, cell.description, cell.name)

    def _computed(self, sheet: _Sheet, name: str, cell: Cell, raw: object, place: _Place, where: CellRef) -> object:
        """What a computed cell shows after a full recalculation, as Excel's formulas downstream of it see it:
        its formula's value over what its arguments show; the figure typed over it; or nothing when it was cleared.

        The formula's own value over the data is kept in `recomputed` for the cells that do not show it.
        """
        assert cell.formula is not None
        recomputed, args = self.evaluate(sheet, cell.formula)
        key = f"{place.sheet}!{name}" if sheet.layout.scoped else name
        formula = formula_text(raw)
        if formula is not None and _template_formula(cell.formula.function, formula):
            self._note_flavour(formula)
            self._compare_cached(place, where, cell, recomputed)
            self.display[(place.sheet, where.cell or "")] = _shown(cell.formula.function, recomputed, args)
            shown = recomputed
        elif formula is not None:
            self.recomputed[key] = recomputed
            self.replaced.add((place.sheet, where.cell or ""))
            shown = self._replaced(cell, formula, self.cached_value(place), where, name)
        elif is_blank(raw):
            self.recomputed[key] = recomputed
            if recomputed is not None:  # a formula cleared, or (no-macro flavour) a score left untyped
                self.findings.append(
                    COMPUTED_BLANK(
                        f"{cell.description}是空的（公式被清除，或应填写而未填写），表上看不到它；"
                        f"按数据应为 {show_as(cell, recomputed)}",
                        CellRef(where.sheet, where.cell),
                    )
                )
            shown = None
        else:
            self.recomputed[key] = recomputed
            if cell.formula.function not in TYPED_IN_NATIVE:
                self.findings.append(
                    FORMULA_OVERWRITTEN(
                        f"{cell.description}应由公式计算，现在是手工填写的“{show(raw)}”；按填写值计算和核对",
                        CellRef(where.sheet, where.cell),
                    )
                )
            if cell.kind in NUMERIC_KINDS:
                shown = self.number(raw, where, cell.description, cell.kind, name)
                if shown is not None and holds_text(raw):
                    self._number_as_text(raw, where, cell.description)
            else:
                shown = excel_text(raw).strip()
        self.values[key] = shown
        return shown

    def _replaced(self, cell: Cell, formula: str, cached: object, where: CellRef, name: str) -> object:
        """A computed cell whose formula the user replaced by one of their own (=5, =D15): what the file says it
        showed when last saved is the figure; without a saved result there is nothing to go by."""
        shown_formula = show(formula)[:60]
        if cached is None or (isinstance(cached, str) and cached.startswith("#")):
            self.findings.append(
                FORMULA_REPLACED(
                    f"{cell.description}的公式被改成了“{shown_formula}”，文件里没有它的计算结果；"
                    "请恢复原来的公式，或直接填写数字",
                    CellRef(where.sheet, where.cell),
                    severity=ERROR,
                )
            )
            return None
        self.findings.append(
            FORMULA_REPLACED(
                f"{cell.description}的公式被改成了“{shown_formula}”；按文件中保存的结果 {show(cached)} 计算和核对",
                CellRef(where.sheet, where.cell),
            )
        )
        if cell.kind in NUMERIC_KINDS:
            return self.number(cached, where, cell.description, cell.kind, name)
        return excel_text(cached).strip()

    def _number_as_text(self, raw: object, where: CellRef, what: str) -> None:
        self.findings.append(
            NUMBER_AS_TEXT(
                f"{what}：“{str(raw).strip()[:20]}”是以文本形式存储的数字（单元格角上的绿色三角），Excel 的"
                "求和（SUM）不计入它，无宏版的公式也不把它当数字；请选中它，点旁边的感叹号，选“转换为数字”",
                CellRef(where.sheet, where.cell),
            )
        )

    def _note_flavour(self, formula: str) -> None:
        if "PE_" in formula.upper():
            self.flavour = "udf"
        elif self.flavour == "unknown":
            self.flavour = "native"

    def _compare_cached(self, place: _Place, where: CellRef, cell: Cell, result: object) -> None:
        cached = self.cached_value(place)
        if cached is None or cached == "":
            return
        if isinstance(cached, str) and cached.startswith("#"):
            self.functions_missing = self.functions_missing or "PE_" in str(self.raw(place)).upper()
            return
        if same_value(cached, result):
            return
        self.findings.append(
            CACHED_STALE(
                f"{cell.description}：文件中保存的结果为 {show(cached)}，按当前数据重新计算为 {show_as(cell, result)}"
                "（文件可能在没有重新计算的情况下保存过）",
                CellRef(where.sheet, where.cell),
            )
        )

    def printed(self, sheet: _Sheet, name: str) -> object:
        """A computed cell that was typed over: the typed value as the form prints it (a figure to check), else None."""
        place = sheet.names.get(name)
        if place is None:
            return None
        raw = self.raw(place)
        shown = self.value(sheet, name)  # first: it tells whether a formula here is the template's
        ref = place.ref.split(":")[0]
        replaced = (place.sheet, ref) in self.replaced
        if is_blank(raw) or (formula_text(raw) is not None and not replaced):
            return None
        typed = self.cached_value(place) if replaced else raw
        if isinstance(shown, Decimal) and isinstance(typed, int | float):  # a number, shown in the cell's format
            return as_displayed(shown, self.wb[place.sheet][ref].number_format)
        return shown

    def evaluate(
        self, sheet: _Sheet, formula: Formula, row: int | None = None, blocks: Mapping[str, object] | None = None
    ) -> tuple[object, list[object]]:
        """A layout formula's engine value, and the argument values it was computed from."""
        args = [self._arg(sheet, arg, row, blocks or {}) for arg in formula.args]
        if formula.function == SUM:
            present = [term for arg in formula.args for term in self._sum_terms(sheet, arg)]
            return (sum(present, Decimal(0)) if present else None), args
        if formula.function in (TITLE, UNIT):
            return None, args
        function = FUNCTIONS[formula.function][0]
        try:
            return function(*args), args
        except (PerfevalError, ArithmeticError):
            return None, args  # an unreadable input is already a finding where it was read

    def _sum_terms(self, sheet: _Sheet, arg: object) -> list[Decimal]:
        """What Excel's SUM adds up from one argument: the numbers in it. A number stored as text is not one."""
        if isinstance(arg, Ref):
            owner = sheet if arg.name in sheet.names else self.guide
            place = owner.names.get(arg.name)
            pairs = [(self.raw(place) if place else None, self.value(owner, arg.name))]
        elif isinstance(arg, Col):
            pairs = [(row.get("_raw_" + arg.column), row.get(arg.column)) for row in self.table_rows(sheet, arg.table)]
        else:
            raise TypeError(arg)
        return [value for raw, value in pairs if isinstance(value, Decimal) and not holds_text(raw)]

    def _arg(self, sheet: _Sheet, arg: object, row: int | None, blocks: Mapping[str, object]) -> object:
        if isinstance(arg, Ref):
            if arg.name in sheet.names:
                return self.value(sheet, arg.name)
            return self.value(self.guide, arg.name)
        if isinstance(arg, Col):
            return [values.get(arg.column) for values in self.table_rows(sheet, arg.table)]
        if isinstance(arg, Here):
            return self._row_values(sheet, row).get(arg.column) if row is not None else None
        if isinstance(arg, Block):
            return blocks.get(arg.column)
        raise TypeError(arg)

    # ---------- tables

    def table_rows(self, sheet: _Sheet, name: str) -> list[dict[str, object]]:
        """Every row of a named table as {column key: engine value}, with 一级/二级 filled down the merged blocks."""
        key = (sheet.ws.title, "table:" + name)
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
                raw = cell.value  # None inside a merged range (openpyxl's MergedCell, fastread's merged Cell)
                values["_raw_" + column.key] = raw
                values[column.key] = self._table_value(
                    column.kind,
                    raw,
                    CellRef(place.sheet, cell.coordinate),
                    f"{sheet.ws.title} {column.heading}",
                    column.role,
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
        return rows

    def _table_value(self, kind: str, raw: object, where: CellRef, what: str, role: str) -> object:
        if role == OVERRIDE and formula_text(raw) is not None:
            return None  # the score formula: recomputed below
        if isinstance(raw, str) and raw.strip() == ELLIPSIS:
            return None if kind in NUMERIC_KINDS else ELLIPSIS
        value = self.typed(raw, where, kind, what)
        return value.strip() if isinstance(value, str) else value

    def _row_values(self, sheet: _Sheet, row: int) -> dict[str, object]:
        return self.rows_by_position.get((sheet.ws.title, row), {})

    def _score_rows(self, sheet: _Sheet, table: Table, rows: list[dict[str, object]]) -> None:
        """Scores that are formulas are recomputed (typed ones stand: manual scores); so is the target reading."""
        score_column = next((c for c in table.columns if c.role == OVERRIDE), None)
        if score_column is None:
            return
        for values in rows:
            raw = values["_raw_" + score_column.key]
            formula = formula_text(raw)
            computed, args = self._row_formula(sheet, score_column.formula, values)
            values["_manual"] = formula is None and raw is not None
            values["_rule_" + score_column.key] = computed
            if formula is not None:
                values[score_column.key] = computed  # what the cell shows; typed scores stand, cleared ones are blank
            if formula is not None:
                self._note_flavour(formula)
                letter = get_column_letter(
                    range_boundaries(sheet.names[table.name].ref)[0] + table.offset(score_column.key)
                )
                self.display[(str(values["_sheet"]), f"{letter}{values['_row']}")] = _shown("PE_SCORE", computed, args)
        self._target_readings(sheet, table, rows)

    def _row_formula(
        self, sheet: _Sheet, formula: Formula | None, values: Mapping[str, object]
    ) -> tuple[object, list[object]]:
        if formula is None:
            return None, []
        blocks = {"level2": values.get("level2")}
        return self.evaluate(sheet, formula, int(values["_row"]), blocks)  # type: ignore[arg-type]

    def _target_readings(self, sheet: _Sheet, table: Table, rows: list[dict[str, object]]) -> None:
        if table.name != "indicators":
            return
        ws = self.wb[str(rows[0]["_sheet"])] if rows else None
        if ws is None:
            return
        column = range_boundaries(sheet.names[table.name].ref)[0] + (
            column_index_from_string(TARGET_READING.letter) - column_index_from_string(table.columns[0].letter)
        )
        for values in rows:
            cell = ws.cell(int(values["_row"]), column)
            if formula_text(cell.value) is not None:
                value, _args = self._row_formula(sheet, TARGET_READING.formula, values)
                self.display[(ws.title, cell.coordinate)] = value or ""

    # ---------- records

    def _header(self, sheet: _Sheet | None, rule_set: str | None = None) -> tuple[Header, str]:
        if sheet is None:
            self.findings.append(NAME_MISSING("找不到“说明”工作表上的单位名称、年度和评分规则"))
            return Header(), "national"
        year = self.value(sheet, "fiscal_year")
        if rule_set is None:
            rule_set = str(self.value(sheet, "rule_set") or "").strip() or "national"
        header = Header(
            unit_name=str(self.value(sheet, "unit_name") or "").strip(),
            fiscal_year=int(year) if isinstance(year, Decimal) and year == year.to_integral_value() else None,
            budget_code=str(self.value(sheet, "budget_code") or "").strip(),
            contact=str(self.value(sheet, "contact") or "").strip(),
            rule_set=rule_set,
            where={k: ref for k in ("unit_name", "fiscal_year", "rule_set") if (ref := self.cell_of(sheet, k))},
        )
        return header, rule_set

    def _rules(self, rule_set: str) -> RuleSet:
        """The rule set the 说明 sheet names: a built-in one, or a local .toml file (relative to the workbook)."""
        try:
            return load_rules(rule_set, folder=self.folder or None)
        except RuleSetError as error:
            place = self.global_names.get("rule_set")
            self.findings.append(
                RULE_SET_UNKNOWN(
                    f"{error}；本次按全国默认规则审核",
                    CellRef(place.sheet, place.ref) if place else None,
                )
            )
            return load_rules("national")

    def _spending(self, sheet: _Sheet, key: str, label: str, rates: bool = True) -> SpendingRow:
        names = {column: f"{key}_{column}" for column in ("prev", "budget", "final")}
        where = {column: ref for column, name in names.items() if (ref := self.cell_of(sheet, name))}
        row = SpendingRow(
            key,
            label.strip(),
            **{column: self.value(sheet, name) for column, name in names.items()},
            where=where,
        )
        if rates:
            row = replace(
                row,
                printed_control_rate=self.printed(sheet, f"{key}_control_rate"),
                printed_change_rate=self.printed(sheet, f"{key}_change_rate"),
            )
            for name in ("control_rate", "change_rate"):
                self.value(sheet, f"{key}_{name}")
                if ref := self.cell_of(sheet, f"{key}_{name}"):
                    row.where[f"printed_{name}"] = ref  # type: ignore[index]
        return row

    def _basic(self, sheet: _Sheet) -> BasicData:
        staff = Staff(
            self.value(sheet, "staff_quota"),
            self.value(sheet, "staff_actual"),
            self.printed(sheet, "staff_control_rate"),
            where={
                "quota": self.cell_of(sheet, "staff_quota"),
                "actual": self.cell_of(sheet, "staff_actual"),
                "printed_control_rate": self.cell_of(sheet, "staff_control_rate"),
            },
        )
        self.value(sheet, "staff_control_rate")
        sangong = [self._spending(sheet, key, label) for key, label, _ in SANGONG_ROWS]
        public = [self._spending(sheet, key, label) for key, label, _ in PUBLIC_ROWS]
        projects = []
        for table, key in (("projects", "project"), ("special_funds", "special_fund")):
            for values in self.table_rows(sheet, table):
                label = str(values.get("label") or "").strip()
                amounts = {c: values.get(c) for c in ("prev", "budget", "final")}
                if label in ("", ELLIPSIS) and all(v is None for v in amounts.values()):
                    continue
                first_column = range_boundaries(sheet.names[table].ref)[0]
                where = {
                    column: CellRef(
                        str(values["_sheet"]),
                        f"{get_column_letter(first_column + sheet.layout.table(table).offset(column))}{values['_row']}",
                    )
                    for column in ("label", "prev", "budget", "final")
                }
                projects.append(SpendingRow(key, label, **amounts, where=where))  # type: ignore[arg-type]
        building = Building(
            *(
                self.value(sheet, n)
                for n in (
                    "building_approved_area",
                    "building_actual_area",
                    "building_budget_investment",
                    "building_actual_investment",
                )
            ),
            printed_area_rate=self.printed(sheet, "building_area_control_rate"),
            printed_investment_rate=self.printed(sheet, "building_investment_control_rate"),
        )
        for name in ("building_area_control_rate", "building_investment_control_rate"):
            self.value(sheet, name)

        def simple(key: str, label: str) -> SpendingRow:
            return SpendingRow(
                key,
                label,
                None,
                self.value(sheet, f"{key}_budget"),
                self.value(sheet, f"{key}_final"),
                where={c: ref for c in ("budget", "final") if (ref := self.cell_of(sheet, f"{key}_{c}"))},
            )

        return BasicData(
            staff=staff,
            sangong=sangong[0],
            sangong_items=tuple(sangong[1:]),
            project_spending=self._spending(sheet, "project_spending", "项目支出", rates=False),
            projects=tuple(projects),
            public_funds=public[0],
            public_items=tuple(public[1:]),
            procurement=simple("procurement", "政府采购金额"),
            basic_adjustment=simple("basic_adjustment", "部门基本支出预算调整"),
            building=building,
            austerity_measures=str(self.value(sheet, "austerity_measures") or ""),
        )

    def _assessment(self, sheet: _Sheet, rules: RuleSet) -> Assessment:
        project = sheet.layout.key == PROJECT

        def v(name: str) -> object:
            return self.value(sheet, name)

        total = FundLine(
            "年度资金总额",
            *(self.value(sheet, f"fund_{c}") for c in ("initial", "budget", "executed")),
            where={c: ref for c in ("initial", "budget", "executed") if (ref := self.cell_of(sheet, f"fund_{c}"))},
        )
        sources: tuple[FundLine, ...] = ()
        if project:
            sources = tuple(
                FundLine(
                    label,
                    *(v(f"fund_{key}_{c}") for c in ("initial", "budget", "executed")),
                    where={
                        c: ref
                        for c in ("initial", "budget", "executed")
                        if (ref := self.cell_of(sheet, f"fund_{key}_{c}"))
                    },
                )
                for key, label in FUNDING_SOURCES
            )
        funding = Funding(
            total=total,
            weight=v("fund_weight"),
            printed_exec_rate=self.printed(sheet, "fund_exec_rate"),
            printed_score=self.printed(sheet, "fund_score"),
            sources=sources,
            **({} if project else {n: v(n) for n, _label in (*FUNDING_INCOMES, *FUNDING_EXPENSES)}),
            reason=str(v("fund_reason") or ""),
            where={
                k: ref
                for k, n in (
                    ("weight", "fund_weight"),
                    ("printed_exec_rate", "fund_exec_rate"),
                    ("printed_score", "fund_score"),
                    ("reason", "fund_reason"),
                    *((n, n) for n, _label in (*FUNDING_INCOMES, *FUNDING_EXPENSES)),
                )
                if (ref := self.cell_of(sheet, n))
            },
        )
        for name in ("fund_exec_rate", "fund_score"):
            v(name)
        self.block_cells = {}
        indicators, block_weights = self._indicators(sheet)
        v("weight_total")
        v("total_score")
        v("grade")
        printed_grade = self.printed(sheet, "grade")
        return Assessment(
            kind="project" if project else "dept",
            name=str(v("project_name") or "").strip() if project else str(self.value(self.guide, "unit_name") or ""),
            competent_dept=str(v("competent_dept") or "").strip() if project else "",
            implementing_unit=str(v("implementing_unit") or "").strip() if project else "",
            funding=funding,
            goal_expected=str(v("goal_expected") or ""),
            goal_actual=str(v("goal_actual") or ""),
            indicators=indicators,
            block_weights=block_weights,
            printed_weight_total=self.printed(sheet, "weight_total"),
            printed_total=self.printed(sheet, "total_score"),
            printed_grade=str(printed_grade or ""),
            where={
                k: ref
                for k, n in (
                    ("name", "project_name"),
                    ("competent_dept", "competent_dept"),
                    ("goal_expected", "goal_expected"),
                    ("goal_actual", "goal_actual"),
                    ("printed_weight_total", "weight_total"),
                    ("printed_total", "total_score"),
                    ("printed_grade", "grade"),
                )
                if (ref := self.cell_of(sheet, n))
            }
            | self.block_cells,
        )

    def _indicators(self, sheet: _Sheet) -> tuple[tuple[Indicator, ...], dict[str, Decimal]]:
        indicators = []
        block_weights: dict[str, Decimal] = {}
        table = sheet.layout.table("indicators")
        place = sheet.names.get("indicators")
        first_col = range_boundaries(place.ref)[0] if place else 1
        for values in self.table_rows(sheet, "indicators"):
            name, printed_weight = level1_name(values.get("level1"))
            if name and printed_weight is not None and name not in block_weights:
                block_weights[name] = printed_weight
                letter = get_column_letter(first_col + table.offset("level1"))
                self.block_cells[f"block:{name}"] = CellRef(str(values["_sheet"]), f"{letter}{values['_row']}")
            level3 = str(values.get("level3") or "").strip()
            data = [values.get(k) for k in ("target", "actual", "weight", "reason")]
            manual_score = values.get("score") if values.get("_manual") else None
            if level3 in ("", ELLIPSIS) and all(is_blank(x) for x in data) and manual_score is None:
                continue
            row = int(values["_row"])  # type: ignore[arg-type]
            sheet_title = str(values["_sheet"])
            where = {
                key: CellRef(sheet_title, f"{get_column_letter(first_col + table.offset(key))}{row}")
                for key in ("level1", "level2", "level3", "target", "actual", "weight", "score", "reason")
            }
            if values.get("_raw_score") is None and isinstance(values.get("_rule_score"), Decimal):
                self.findings.append(
                    COMPUTED_BLANK(
                        f"指标“{level3}”的得分是空的（公式被清除，或应填写而未填写），表上看不到它；"
                        f"按规则应为 {format_score(values['_rule_score'])} 分",
                        CellRef(sheet_title, where["score"].cell),
                    )
                )
            indicators.append(
                Indicator(
                    level1=str(values.get("level1") or ""),
                    level2=str(values.get("level2") or ""),
                    level3="" if level3 == ELLIPSIS else level3,
                    target=str(values.get("target") or ""),
                    actual=str(values.get("actual") or ""),
                    weight=values.get("weight"),  # type: ignore[arg-type]
                    score=manual_score,
                    reason=str(values.get("reason") or ""),
                    where=where,
                )
            )  # type: ignore[arg-type]
        return tuple(indicators), block_weights

    def _narrative(self, sheet: _Sheet) -> Narrative:
        def text(name: str) -> str:
            return str(self.value(sheet, name) or "")

        return Narrative(
            report_date=text("report_date").strip(),
            texts={key: text(key) for key, _ in NARRATIVE_TEXTS},
            basic_by_class={key: self.value(sheet, key) for key, _ in ECONOMIC_CLASSES},  # type: ignore[misc]
            other_budgets={key: self.value(sheet, key) for key, _ in OTHER_BUDGETS},  # type: ignore[misc]
            where={
                key: ref
                for key in ("report_date", "wage_welfare", *(k for k, _ in NARRATIVE_TEXTS))
                if (ref := self.cell_of(sheet, key))
            },
        )

    def _revenue(self, sheet: _Sheet) -> RevenueTable:
        columns = []
        for key, label in REVENUE_COLUMNS:
            names = {c: f"rev_{key}_{c}" for c in ("budget", "final", "diff_rate")}
            budget, final = self.value(sheet, names["budget"]), self.value(sheet, names["final"])
            self.value(sheet, names["diff_rate"])
            columns.append(
                RevenueColumn(
                    key,
                    label,
                    budget,
                    final,
                    self.printed(sheet, names["diff_rate"]),  # type: ignore[arg-type]
                    where={
                        "budget": self.cell_of(sheet, names["budget"]),
                        "final": self.cell_of(sheet, names["final"]),
                        "printed_diff_rate": self.cell_of(sheet, names["diff_rate"]),
                    },
                )
            )
        return RevenueTable(tuple(columns))

    def _headings(self, sheet: _Sheet) -> None:
        """The title and unit-name formulas, so that stamped files show them too."""
        for cell in sheet.layout.cells:
            if cell.formula is None or cell.formula.function not in (TITLE, UNIT):
                continue
            raw = sheet.ws[cell.ref].value
            if formula_text(raw) is None:
                continue
            guide = self.guide
            if cell.formula.function == UNIT:
                shown = str(self.value(guide, "unit_name") or "")
            else:
                year = self.value(guide, "fiscal_year")
                shown = (f"{int(year)}年度" if isinstance(year, Decimal) else "") + cell.text
            self.display[(sheet.ws.title, cell.ref)] = shown


_GUIDE_LAYOUT = guide_sheet(load_rules("national"), "")


_GUIDE_CELLS = _GUIDE_LAYOUT.named()


def _shown(function: str, result: object, args: list[object]) -> object:
    """What the cell shows in Excel, for the stamp: the PE_* adapters' own rule, or the SUM's value."""
    if function.startswith("PE_"):
        return excel_value(function, args)
    return display_value(function, result, args)


def _names_of(layout: SheetLayout) -> list[str]:
    return [*layout.named(), *(table.name for table in layout.tables)]


def _template_formula(function: str, formula: str) -> bool:
    """Whether a computed cell still holds the template's formula (in either flavour, wherever rows moved it),
    rather than one the user wrote in its place (=5, =D15, =SUM(D9:D10))."""
    text = formula.upper().replace(" ", "")
    if function == SUM:
        return "COUNT(" in text and "SUM(" in text
    if f"{function}(" in text:
        return True
    return function not in TYPED_IN_NATIVE and text.startswith("=IF(") and '"—"' in formula
