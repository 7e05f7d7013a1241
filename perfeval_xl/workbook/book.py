"""The only openpyxl importer: builds workbooks from layout.py and reads them back into records by defined name.

Writing: build() lays out the sheets, fill_submission() puts a Submission's figures into the input cells
through the defined names, and package() stamps every formula cell with the engine's value (so a viewer
without the PE_* functions shows the right figures), sets the macro-enabled content type for .xlsm, and
returns reproducible bytes. Reading: load() checks the file before handing it to openpyxl, reads inputs by
name, recomputes every computed cell with the engine, and runs the checks.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, unescape

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.escape import unescape as excel_unescape  # Excel writes a pasted carriage return as _x000D_
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.checks import run_checks
from perfeval_xl.core.codes import (
    CACHED_STALE,
    COMPUTED_BLANK,
    FORMULA_OVERWRITTEN,
    FORMULA_REPLACED,
    FUNCTIONS_MISSING,
    INPUT_FORMULA,
    NAME_BROKEN,
    NAME_MISSING,
    NUMBER_AS_TEXT,
    NUMBER_UNREADABLE,
    RULE_SET_UNKNOWN,
)
from perfeval_xl.core.errors import PerfevalError, RuleSetError
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.core.numbers import D, NotANumber, format_percent, format_score, normalize_text
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
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.core.version import __version__
from perfeval_xl.engine.evaluation.load import is_evaluation, load_framework
from perfeval_xl.engine.functions import FUNCTIONS, display_value, excel_value
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.utils.zips import FIXED_TIME, reproducible_zip
from perfeval_xl.workbook import fastread
from perfeval_xl.workbook.layout.assessment import (
    FUNDING_EXPENSES,
    FUNDING_INCOMES,
    FUNDING_SOURCES,
    overall_sheet,
    project_sheet,
)
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    AREA,
    BASIC,
    COMPUTED,
    COUNT,
    ELLIPSIS,
    EXCEL,
    GUIDE,
    INPUT,
    LABEL,
    LONG_TEXT,
    NARRATIVE,
    NATIVE,
    NUMBER_FORMATS,
    NUMERIC_KINDS,
    OVERALL,
    OVERRIDE,
    PROJECT,
    RATE,
    REVENUE,
    SCORE,
    SUM,
    TEXT,
    TITLE,
    UDF,
    UNIT,
    WEIGHT,
    YEAR,
    Block,
    Cell,
    Col,
    Formula,
    Here,
    Ref,
    SheetLayout,
    Table,
    WorkbookLayout,
)
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.book import workbook_layout
from perfeval_xl.workbook.layout.evaluation import evaluation_workbook_layout
from perfeval_xl.workbook.layout.guide import guide_sheet
from perfeval_xl.workbook.layout.narrative import narrative_sheet
from perfeval_xl.workbook.layout.revenue import revenue_sheet
from perfeval_xl.workbook.reader.evaluation import SheetAccess, read_sheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # a filled self-assessment unpacks to well under 5 MB
MAX_RATIO = 200


class WorkbookError(PerfevalError, ValueError):
    """A file that cannot be read as a workbook at all, or cannot be written."""


# ---------------------------------------------------------------- styles


_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "宋体"
_STYLE_FONTS = {
    "title": Font(name=_FONT, size=16, bold=True),
    "row_heading": Font(name=_FONT, size=11, bold=True),
    "subtitle": Font(name=_FONT, size=12, bold=True),
    "heading": Font(name=_FONT, size=11, bold=True),
    "vertical": Font(name=_FONT, size=11, bold=True),
    "note": Font(name=_FONT, size=10),
    "helper": Font(name=_FONT, size=9, color="808080"),
}
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # 浅黄：填写
_OVERRIDE_FILL = PatternFill("solid", fgColor="E2EFDA")  # 浅绿：自动计算，可改写
_HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")


def _alignment(cell: Cell) -> Alignment:
    if cell.style == "vertical":
        return Alignment(horizontal="center", vertical="center", wrap_text=True, text_rotation=255)
    if cell.style in ("title",):
        return Alignment(horizontal="center", vertical="center", wrap_text=True)
    if cell.style in ("note", "subtitle") or cell.kind == LONG_TEXT:
        return Alignment(horizontal="left", vertical="top" if cell.kind == LONG_TEXT else "center", wrap_text=True)
    if cell.kind in NUMERIC_KINDS:
        return Alignment(horizontal="right", vertical="center")
    if cell.style == "heading":
        return Alignment(horizontal="center", vertical="center", wrap_text=True)
    if cell.style == "centered":
        return Alignment(horizontal="center", vertical="center")
    return Alignment(horizontal="left", vertical="center", wrap_text=True)


def _boxed(sheet: SheetLayout, cell: Cell) -> bool:
    """Form cells get borders; titles, notes and helper columns do not."""
    return sheet.key != GUIDE and cell.style not in ("title", "note", "helper", "subtitle")


# ---------------------------------------------------------------- formulas as text


def _a1(letter: str, row: int) -> str:
    return f"{letter}{row}"


class _Renderer:
    """Renders layout formulas as Excel formula text, with this sheet's coordinates."""

    def __init__(self, sheet: SheetLayout, flavour: str):
        self.sheet, self.flavour = sheet, flavour
        self.named = sheet.named()

    def arg(self, arg: object, row: int | None, block_top: Mapping[str, int]) -> str:
        if isinstance(arg, Ref):
            cell = self.named.get(arg.name)
            return cell.ref if cell else arg.name  # a name from another sheet (rule_set) stays a name
        if isinstance(arg, Col):
            table = self.sheet.table(arg.table)
            letter = table.column(arg.column).letter
            return f"{letter}{table.first_row}:{letter}{table.last_row}"
        if isinstance(arg, Here):
            return _a1(self._letter(arg.column), row or 0)
        if isinstance(arg, Block):
            return _a1(self._letter(arg.column), block_top.get(arg.column, row or 0))
        raise TypeError(arg)

    def _letter(self, column: str) -> str:
        for table in self.sheet.tables:
            for c in table.columns:
                if c.key == column:
                    return c.letter
        raise KeyError(column)

    def formula(self, cell: Cell, row: int | None = None, block_top: Mapping[str, int] | None = None) -> str | None:
        formula = cell.formula
        assert formula is not None
        if formula.function == TITLE:
            return f'=IF(fiscal_year="","",fiscal_year&"年度")&"{cell.text}"'
        if formula.function == UNIT:
            return '=unit_name&""'
        if formula.function == EXCEL:  # the 评价指标评分表's formulas, rendered by evalsheet.py for this flavour
            return cell.text
        args = [self.arg(a, row, block_top or {}) for a in formula.args]
        if formula.function == SUM:
            joined = ",".join(args)
            return f'=IF(COUNT({joined})=0,"",SUM({joined}))'
        if self.flavour == UDF:
            return f"={formula.function}({','.join(args)})"
        return _native(formula.function, args)


def _native(function: str, args: list[str]) -> str | None:
    """The same computation in plain Excel functions, for office suites without Python; scores have none."""
    if function in ("PE_CONTROLRATE", "PE_EXECRATE", "PE_SHARE"):
        a, b = args
        return f'=IF(OR({a}="",N({b})=0),"—",{a}/{b})'
    if function in ("PE_DIFFRATE", "PE_CHANGERATE", "PE_ADJRATE"):
        a, b = args
        return f'=IF(OR({a}="",{b}="",N({b})=0),"—",({a}-{b})/{b})'
    if function == "PE_CHANGE":
        a, b = args
        return f'=IF(OR({a}="",{b}=""),"—",{a}-{b})'
    if function == "PE_EXECSCORE":
        executed, budget, weight = args[:3]
        return f'=IF(OR({executed}="",N({budget})=0,{weight}=""),"—",MIN({weight},{weight}*MAX(0,{executed}/{budget})))'
    return None  # TYPED_IN_NATIVE: typed by the accountant, verified by perfeval check


TYPED_IN_NATIVE = frozenset({"PE_SCORE", "PE_TOTAL", "PE_GRADE", "PE_TARGETOP"})


# ---------------------------------------------------------------- building a workbook


def build(layout: WorkbookLayout, flavour: str = UDF) -> openpyxl.Workbook:
    """An empty template as an openpyxl Workbook (not yet stamped or packaged)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "perfeval-xl"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.title)
        _build_sheet(wb, ws, sheet, flavour, layout.full_marks)
    return wb


def _build_sheet(wb: openpyxl.Workbook, ws: Worksheet, sheet: SheetLayout, flavour: str, full_marks: Decimal) -> None:
    renderer = _Renderer(sheet, flavour)
    block_tops = _block_tops(sheet)
    validations = _Validations(ws, format_score(full_marks))
    for cell in sheet.cells:
        target = ws[cell.ref]
        row = target.row
        role = cell.role
        formula_text = None
        if cell.formula is not None:
            text = formula_text = renderer.formula(cell, row, block_tops.get(row, {}))
            if text is None:
                role = INPUT  # the native flavour types scores in by hand
            else:
                target.value = text
        elif cell.role == INPUT and cell.text:
            target.value = _initial(cell)
        elif cell.role == LABEL:
            target.value = _initial(cell) if cell.kind in NUMERIC_KINDS and cell.text else (cell.text or None)
        if formula_text is None and isinstance(target.value, str) and target.value.startswith("="):
            target.data_type = "s"  # a label or text from a rule file that starts with "=" is text, not a formula
        _style(ws, sheet, cell, role)
        if role in (INPUT, OVERRIDE):
            validations.add(cell)
        if cell.comment:
            target.comment = Comment(cell.comment, "perfeval-xl", width=300, height=110)
        if cell.merge_to:
            ws.merge_cells(f"{cell.ref}:{cell.merge_to}")
    _names(wb, ws, sheet)
    _page(ws, sheet)
    for letter, width in sheet.widths.items():
        ws.column_dimensions[letter].width = width
    for row, height in sheet.heights.items():
        ws.row_dimensions[row].height = height
    ws.sheet_view.showGridLines = False
    ws.protection.sheet = True  # no password: 审阅 → 撤销工作表保护
    for permission in ("insertRows", "deleteRows", "formatRows", "formatColumns", "formatCells"):
        setattr(ws.protection, permission, False)  # False: allowed


def _initial(cell: Cell) -> object:
    number = D(cell.text) if cell.kind in NUMERIC_KINDS else None
    return _cell_value(number) if isinstance(number, Decimal) else cell.text


def _block_tops(sheet: SheetLayout) -> dict[int, dict[str, int]]:
    """For every indicator row, the row where its 二级指标 block starts (the merged heading's cell)."""
    tops: dict[int, dict[str, int]] = {}
    for table in sheet.tables:
        first: dict[tuple[str, str], int] = {}
        for table_row in table.rows:
            top = first.setdefault((table_row.level1, table_row.level2), table_row.row)
            tops[table_row.row] = {"level2": top}
    return tops


def _style(ws: Worksheet, sheet: SheetLayout, cell: Cell, role: str) -> None:
    target = ws[cell.ref]
    target.font = _STYLE_FONTS.get(cell.style, Font(name=_FONT, size=11))
    target.alignment = _alignment(cell)
    if cell.kind in NUMBER_FORMATS:
        target.number_format = NUMBER_FORMATS[cell.kind]
    elif role == INPUT:
        target.number_format = "@"  # text: "90%" typed into 实际完成值 stays "90%", not the number 0.9
    if role == INPUT:
        target.fill = _INPUT_FILL
    elif role == OVERRIDE:
        target.fill = _OVERRIDE_FILL
    elif cell.style == "heading" and sheet.key != GUIDE:
        target.fill = _HEADING_FILL
    target.protection = Protection(locked=role not in (INPUT, OVERRIDE))
    if _boxed(sheet, cell):
        boxed = [cell.ref]
        if cell.merge_to:
            min_col, min_row, max_col, max_row = range_boundaries(f"{cell.ref}:{cell.merge_to}")
            boxed = [
                f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)
            ]
        for ref in boxed:
            ws[ref].border = _BORDER


class _Validations:
    """One data validation per kind of input on a sheet, each covering all its cells."""

    RULES: Mapping[str, dict[str, Any]] = {
        AMOUNT: {
            "type": "decimal",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "error": "请填写不小于 0 的金额（万元），不要带单位或文字。",
        },
        AREA: {
            "type": "decimal",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "error": "请填写不小于 0 的面积（平方米）。",
        },
        COUNT: {
            "type": "whole",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "error": "请填写不小于 0 的整数人数。",
        },
        YEAR: {
            "type": "whole",
            "operator": "between",
            "formula1": "2000",
            "formula2": "2100",
            "error": "请填写四位数的年度，如 2023。",
        },
        WEIGHT: {
            "type": "decimal",
            "operator": "between",
            "formula1": "0",
            "formula2": "{full}",
            "error": "分值应在 0 到 {full} 之间。",
        },
        SCORE: {
            "type": "decimal",
            "operator": "between",
            "formula1": "0",
            "formula2": "{full}",
            "error": "得分应为 0 到 {full} 之间的数字；不得超过该指标的分值。",
        },
    }

    def __init__(self, ws: Worksheet, full_marks: str):
        self.ws, self.full_marks, self.by_kind = ws, full_marks, {}

    def add(self, cell: Cell) -> None:
        if cell.name in _MAY_BE_NEGATIVE:
            return
        rule = self.RULES.get(cell.kind)
        if rule is None:
            return
        rule = {key: text.replace("{full}", self.full_marks) for key, text in rule.items()}  # the rule set's 满分
        if cell.kind not in self.by_kind:
            validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="输入有误", **rule)
            self.ws.add_data_validation(validation)
            self.by_kind[cell.kind] = validation
        self.by_kind[cell.kind].add(cell.ref)


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _names(wb: openpyxl.Workbook, ws: Worksheet, sheet: SheetLayout) -> None:
    quoted = "'" + sheet.title.replace("'", "''") + "'"
    targets = [(cell.name, cell.ref) for cell in sheet.cells if cell.name]
    targets += [(table.name, table.ref) for table in sheet.tables]
    targets += list(sheet.ranges.items())
    for name, ref in targets:
        defined = DefinedName(name, attr_text=f"{quoted}!{_absolute(ref)}")
        if sheet.scoped:
            ws.defined_names[name] = defined
        else:
            wb.defined_names[name] = defined


def _page(ws: Worksheet, sheet: SheetLayout) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if sheet.one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if sheet.print_rows:
        ws.print_title_rows = sheet.print_rows
    if sheet.print_columns:
        first, last = sheet.print_columns.split(":")
        ws.print_area = f"{first}1:{last}{ws.max_row}"


# ---------------------------------------------------------------- filling through the defined names


def destinations(defined: DefinedName) -> list[tuple[str, str]]:
    """(sheet title, "$B$5") pairs a name points to, with the title as the sheet is called.

    openpyxl leaves a quoted title's apostrophes doubled ('It''s 说明'!$B$3 gives "It''s 说明").
    """
    return [(title.replace("''", "'"), ref) for title, ref in defined.destinations]


def _destination(wb: openpyxl.Workbook, name: str, sheet: str | None = None) -> tuple[Worksheet, str]:
    scope = wb[sheet].defined_names if sheet else wb.defined_names
    defined = scope.get(name) or wb.defined_names.get(name)
    if defined is None:
        raise WorkbookError(f"工作簿中没有名称“{name}”")
    (title, ref), *_ = destinations(defined)
    return wb[title], ref.replace("$", "")


def set_named(wb: openpyxl.Workbook, name: str, value: object, sheet: str | None = None) -> None:
    """Write a value into the cell a defined name points to (the sheet's own name first, then the workbook's)."""
    ws, ref = _destination(wb, name, sheet)
    ws[ref.split(":")[0]].value = _cell_value(value)


def set_table_row(
    wb: openpyxl.Workbook,
    table: str,
    index: int,
    values: Mapping[str, object],
    columns: Iterable[str],
    sheet: str | None = None,
) -> None:
    """Write `values` (column key -> value) into row `index` of a named table range."""
    ws, ref = _destination(wb, table, sheet)
    min_col, min_row, _max_col, max_row = range_boundaries(ref)
    if min_row + index > max_row:
        raise WorkbookError(f"区域“{table}”只有 {max_row - min_row + 1} 行")
    keys = list(columns)
    for key, value in values.items():
        ws.cell(min_row + index, min_col + keys.index(key)).value = _cell_value(value)


def _cell_value(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else float(value)
    return value


def fill_submission(
    wb: openpyxl.Workbook, layout: WorkbookLayout, submission: Submission, typed_scores: bool = False
) -> None:
    """Put a Submission's figures into a template built for it, through the defined names only.

    Printed values that the form would compute (a typed 控制率, 总分…) are written over the formulas, as a
    hand-filled form has them, so the reader treats them as printed figures and checks them. With
    `typed_scores` (the native flavour, where scores are typed), the engine's scores, total and grade are
    written where the submission has none, as an accountant would type them.
    """
    header = submission.header
    for name, value in (
        ("unit_name", header.unit_name),
        ("fiscal_year", header.fiscal_year),
        ("budget_code", header.budget_code),
        ("contact", header.contact),
        ("rule_set", header.rule_set),
    ):
        set_named(wb, name, value if value not in ("", None) else None)
    if submission.basic and layout.kind == "dept":
        _fill_basic(wb, layout.sheet(BASIC), submission.basic)
    rules = load_rules(header.rule_set)
    if submission.overall and layout.kind == "dept":
        _fill_assessment(wb, layout.sheet(OVERALL), _typed(submission.overall, rules, typed_scores))
    for sheet, project in zip(layout.project_sheets, submission.projects, strict=False):
        _fill_assessment(wb, sheet, _typed(project, rules, typed_scores))
    if submission.narrative and layout.kind == "dept":
        _fill_narrative(wb, submission.narrative)
    if submission.revenue and layout.kind == "dept":
        for column in submission.revenue.columns:
            for suffix, value in (
                ("budget", column.budget),
                ("final", column.final),
                ("diff_rate", column.printed_diff_rate),
            ):
                if value is not None:
                    set_named(wb, f"rev_{column.key}_{suffix}", value)


def _fill_narrative(wb: openpyxl.Workbook, narrative: Narrative) -> None:
    set_named(wb, "report_date", narrative.report_date or None)
    for key, _label in NARRATIVE_TEXTS:
        set_named(wb, key, narrative.text(key) or None)
    for values in (narrative.basic_by_class, narrative.other_budgets):
        for key, value in values.items():
            set_named(wb, key, value)


def _typed(table: Assessment, rules: RuleSet, typed_scores: bool) -> Assessment:
    """The table with the engine's scores filled in where a person would type them (native flavour)."""
    if not typed_scores:
        return table
    from perfeval_xl.engine.scoring import score_assessment

    scores = score_assessment(table, rules)
    indicators = tuple(replace(item.indicator, score=item.score) for item in scores.indicators)
    return replace(
        table,
        indicators=indicators,
        printed_total=table.printed_total if table.printed_total is not None else scores.total,
        printed_grade=table.printed_grade or scores.grade or "",
    )


def _fill_row(wb: openpyxl.Workbook, row: SpendingRow, prefix: str | None = None) -> None:
    key = prefix or row.key
    for column in ("prev", "budget", "final"):
        value = getattr(row, column)
        if value is not None:
            set_named(wb, f"{key}_{column}", value)
    _fill_printed_rates(wb, row, key)


def _fill_printed_rates(wb: openpyxl.Workbook, row: SpendingRow, key: str) -> None:
    if row.printed_control_rate is not None:
        set_named(wb, f"{key}_control_rate", row.printed_control_rate)
    if row.printed_change_rate is not None:
        set_named(wb, f"{key}_change_rate", row.printed_change_rate)


def _fill_basic(wb: openpyxl.Workbook, sheet: SheetLayout, basic: BasicData) -> None:
    staff = basic.staff
    for name, value in (
        ("staff_quota", staff.quota),
        ("staff_actual", staff.actual),
        ("staff_control_rate", staff.printed_control_rate),
    ):
        if value is not None:
            set_named(wb, name, value)
    named = sheet.named()
    for row in (basic.sangong, *basic.sangong_items, basic.public_funds, *basic.public_items):
        # totals the form computes (三公经费, 公务用车) are only written when they disagree with their parts;
        # their printed rates always are, so that they are checked
        computed = named.get(f"{row.key}_prev") is not None and named[f"{row.key}_prev"].role == COMPUTED
        if computed:
            _fill_printed_rates(wb, row, row.key)
        else:
            _fill_row(wb, row)
    for key in ("procurement", "basic_adjustment"):
        row = getattr(basic, key)
        for column in ("budget", "final"):
            if getattr(row, column) is not None:
                set_named(wb, f"{key}_{column}", getattr(row, column))
    columns = [c.key for c in sheet.table("projects").columns]
    projects = [row for row in basic.projects if row.key == "project"]
    funds = [row for row in basic.projects if row.key != "project"]
    for table, rows in (("projects", projects), ("special_funds", funds)):
        for index, row in enumerate(rows):
            set_table_row(
                wb,
                table,
                index,
                {"label": row.label, "prev": row.prev, "budget": row.budget, "final": row.final},
                columns,
            )
    b = basic.building
    for name, value in (
        ("building_approved_area", b.approved_area),
        ("building_actual_area", b.actual_area),
        ("building_budget_investment", b.budget_investment),
        ("building_actual_investment", b.actual_investment),
    ):
        if value is not None:
            set_named(wb, name, value)
    if basic.austerity_measures:
        set_named(wb, "austerity_measures", basic.austerity_measures)
    _overwrite_if_different(wb, basic)


def _overwrite_if_different(wb: openpyxl.Workbook, basic: BasicData) -> None:
    """A published form may carry totals that differ from their parts: keep them as printed figures."""
    parts = {
        "sangong_car": ("sangong_car_purchase", "sangong_car_running"),
        "sangong": ("sangong_car", "sangong_abroad", "sangong_reception"),
    }
    rows = {row.key: row for row in (basic.sangong, *basic.sangong_items)}
    for total_key, part_keys in parts.items():
        total = rows.get(total_key)
        if total is None:
            continue
        for column in ("prev", "budget", "final"):
            values = [getattr(rows[k], column) for k in part_keys if k in rows]
            present = [v for v in values if v is not None]
            stated = getattr(total, column)
            if stated is not None and (not present or sum(present, Decimal(0)) != stated):
                set_named(wb, f"{total_key}_{column}", stated)
    projects = [row for row in basic.projects]
    for column in ("prev", "budget", "final"):
        stated = getattr(basic.project_spending, column)
        present = [getattr(r, column) for r in projects if getattr(r, column) is not None]
        if stated is not None and (not present or sum(present, Decimal(0)) != stated):
            set_named(wb, f"project_spending_{column}", stated)


def _fill_assessment(wb: openpyxl.Workbook, sheet: SheetLayout, table: Assessment) -> None:
    scope = sheet.title if sheet.scoped else None
    funding = table.funding

    def put(name: str, value: object) -> None:
        if value not in (None, ""):
            set_named(wb, name, value, scope)

    if sheet.key == PROJECT:
        put("project_name", table.name)
        put("competent_dept", table.competent_dept)
        put("implementing_unit", table.implementing_unit)
        sources = {label: key for key, label in FUNDING_SOURCES}
        for line in funding.sources:
            key = sources.get(line.label.removeprefix("其中：").strip())
            for column in ("initial", "budget", "executed"):
                if key:
                    put(f"fund_{key}_{column}", getattr(line, column))
        if not funding.sources:  # only the total is known
            for column in ("initial", "budget", "executed"):
                put(f"fund_current_{column}", getattr(funding.total, column))
    else:
        for column in ("initial", "budget", "executed"):
            put(f"fund_{column}", getattr(funding.total, column))
        for name, _label in (*FUNDING_INCOMES, *FUNDING_EXPENSES):
            put(name, getattr(funding, name))
    put("fund_weight", funding.weight)
    put("fund_exec_rate", funding.printed_exec_rate)
    put("fund_score", funding.printed_score)
    put("fund_reason", funding.reason)
    put("goal_expected", table.goal_expected)
    put("goal_actual", table.goal_actual)
    put("weight_total", table.printed_weight_total)
    put("total_score", table.printed_total)
    put("grade", table.printed_grade)
    layout_table = sheet.table("indicators")
    columns = [c.key for c in layout_table.columns]
    free = {}
    for position, table_row in enumerate(layout_table.rows):
        if not table_row.ellipsis:
            free.setdefault((table_row.level1, table_row.level2), []).append(position)
    for indicator in table.indicators:
        block = (level1_name(indicator.level1)[0], level2_name(indicator.level2))
        slots = free.get(block)
        if not slots:
            raise WorkbookError(f"{sheet.title} 没有“{block[0]}/{block[1]}”的指标行")
        values = {
            "level3": indicator.level3,
            "target": indicator.target,
            "actual": indicator.actual,
            "weight": indicator.weight,
            "reason": indicator.reason or None,
        }
        if indicator.score is not None:
            values["score"] = indicator.score
        set_table_row(wb, "indicators", slots.pop(0), values, columns, scope)


def indicator_counts(submission: Submission) -> dict[str, dict[tuple[str, str], int]]:
    """How many rows each (一级, 二级) block needs on each sheet, to build a template with room for a submission."""

    def count(table: Assessment) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for indicator in table.indicators:
            key = (level1_name(indicator.level1)[0], level2_name(indicator.level2))
            counts[key] = counts.get(key, 0) + 1
        return counts

    result = {OVERALL: count(submission.overall)} if submission.overall else {}
    result |= {str(i): count(p) for i, p in enumerate(submission.projects, start=1)}
    return result


# ---------------------------------------------------------------- packaging


def package(wb: openpyxl.Workbook, suffix: str) -> bytes:
    """The workbook as file bytes: formula cells stamped with the engine's values, the right content type for
    the suffix (.xlsm is macro-enabled), and fixed timestamps so that the same workbook gives the same bytes."""
    if suffix not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"文件名应以 .xlsx 或 .xlsm 结尾，而不是“{suffix}”")
    stamps = _stamps(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet_files = _sheet_files(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml" and suffix == ".xlsm":
            return data.replace(XLSX_TYPE.encode(), XLSM_TYPE.encode())
        if name == "xl/workbook.xml":
            return _current_calculation(data)
        if name == "docProps/core.xml":  # openpyxl stamps the time of saving
            fixed = FIXED_TIME.isoformat().encode()
            return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + fixed + rb"Z\g<2>", data)
        if name in sheet_files:
            return _stamp_sheet(data, stamps.get(sheet_files[name], {}))
        return data

    return reproducible_zip(buffer.getvalue(), change, order=lambda name: (name != "[Content_Types].xml", name))


# Excel recalculates every formula on open when the file's calcId is older than its own calculation engine
# (MS-XLS RecalcId; openpyxl writes Excel 2007's 124519), and, from calcId 179016 on, when the file's calcFeatures
# lack a feature of the running Excel (MS-XLSX calcFeatures). A colleague without the add-in would then see #NAME?
# in every PE_* cell instead of the saved results. So the file says what Excel 2019 and Microsoft 365 write.
CALC_ID = 191029
CALC_FEATURES = ("RD", "Single", "FV", "CNMTM", "LET_WF", "LAMBDA_WF", "ARRAYTEXT_WF")
CALC_FEATURES_EXT = (
    '<extLst><ext uri="{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}" '
    'xmlns:xcalcf="http://schemas.microsoft.com/office/spreadsheetml/2018/calcfeatures"><xcalcf:calcFeatures>'
    + "".join(f'<xcalcf:feature name="microsoft.com:{feature}"/>' for feature in CALC_FEATURES)
    + "</xcalcf:calcFeatures></ext></extLst>"
)


def _current_calculation(workbook_xml: bytes) -> bytes:
    """workbook.xml saying it was last calculated by a current Excel, so Excel shows the saved results on open."""
    text, count = re.subn(r"<calcPr [^>]*/>", f'<calcPr calcId="{CALC_ID}"/>', workbook_xml.decode("utf-8"))
    if count != 1 or "<extLst>" in text or not text.endswith("</workbook>"):
        raise WorkbookError("openpyxl 写出的 workbook.xml 与预期不同，无法设置计算属性")  # a new openpyxl: look again
    return (text.removesuffix("</workbook>") + CALC_FEATURES_EXT + "</workbook>").encode("utf-8")


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet XML part -> sheet title, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
    targets |= {k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)}
    result = {}
    for name, rid in re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook):
        result["xl/" + targets[rid]] = unescape(name, {"&quot;": '"', "&apos;": "'"})
    return result


def _stamp_sheet(data: bytes, values: Mapping[str, object]) -> bytes:
    text = data.decode("utf-8")

    def stamp(match: re.Match[str]) -> str:
        ref, formula = match.group(1), match.group(3)
        attributes = re.sub(r'\s+t="[^"]*"', "", match.group(2))
        if ref not in values:
            return match.group(0)
        value = values[ref]
        if value is None or value == "":
            value = "\u00a0"  # LibreOffice takes an empty (or blank) cached string for "not calculated"
        if isinstance(value, str):
            return f'<c r="{ref}"{attributes} t="str"><f>{formula}</f><v>{escape(value)}</v></c>'
        return f'<c r="{ref}"{attributes}><f>{formula}</f><v>{value!r}</v></c>'

    # openpyxl writes an empty value as <v /> with the standard library's XML writer and <v></v> with lxml's
    formula_cell = r'<c r="([A-Z]+\d+)"((?:\s+[a-z]+="[^"]*")*)><f>(.*?)</f><v(?:\s*/>|></v>)</c>'
    return re.sub(formula_cell, stamp, text).encode("utf-8")


def _stamps(wb: openpyxl.Workbook) -> dict[str, dict[str, object]]:
    """What each formula cell shows in Excel, computed by the engine: sheet title -> A1 -> value."""
    book = _Book(wb, None, "")
    book.read()
    stamps: dict[str, dict[str, object]] = {}
    for (sheet, ref), value in book.display.items():
        stamps.setdefault(sheet, {})[ref] = value
    return stamps


def template_info(flavour: str) -> str:
    kind = "含 PE_* 函数（需“绩效自评”加载项）" if flavour == UDF else "无宏版：比率为 Excel 公式，得分需手工填写"
    return f"perfeval-xl {__version__} 模板 · {kind}"


def new_workbook(
    kind: str,
    rules_name: str | None,
    projects: list[str],
    flavour: str,
    suffix: str,
    submission: Submission | None = None,
) -> bytes:
    """The bytes of a new template (or, given a submission, of a filled one); an evaluation framework's name or
    file as `rules_name` gives an evaluation workbook (评价指标评分表) instead."""
    if rules_name is not None and is_evaluation(rules_name):
        return _new_evaluation_workbook(rules_name, flavour, suffix)
    rules = load_rules(rules_name)
    counts = indicator_counts(submission) if submission else None
    layout = workbook_layout(kind, rules, projects, template_info(flavour), counts)
    wb = build(layout, flavour)
    set_named(wb, "rule_set", rules_name or rules.name)
    if submission is not None:
        fill_submission(wb, layout, submission, typed_scores=flavour == NATIVE)
    return package(wb, suffix)


def _new_evaluation_workbook(framework_name: str, flavour: str, suffix: str) -> bytes:
    framework = load_framework(framework_name)
    layout = evaluation_workbook_layout(framework, flavour, template_info(flavour))
    wb = build(layout, flavour)
    set_named(wb, "eval_rule_set", framework_name)
    return package(wb, suffix)


# ---------------------------------------------------------------- reading


def _formula_text(value: object) -> str | None:
    if isinstance(value, str) and value.startswith("="):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return text if isinstance(text, str) else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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


class _Book:
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
        problem = _implausible_text(value, kind)
        number = None if problem else D(value)
        if isinstance(number, NotANumber):
            problem = number.reason
        elif isinstance(number, Decimal):
            problem = _implausible_number(number, kind, name)
        if problem:
            self.findings.append(NUMBER_UNREADABLE(f"{what}：{problem}", CellRef(where.sheet, where.cell)))
            return None
        return number

    def typed(self, raw: object, where: CellRef, kind: str, what: str, name: str | None = None) -> object:
        """What the user typed into an input cell: a number for numeric columns, text as typed otherwise.

        A formula typed into an input (=0.5+0.63) counts with the value saved with the file; without one, it
        is an error rather than a blank.
        """
        formula = _formula_text(raw)
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
            if number is not None and _text_number(raw) and formula is None:
                self._number_as_text(raw, where, what)
            return number
        return "" if raw is None else _cell_text(raw)

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
        return "" if _blank(text) else str(text).strip()

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
            return "" if raw is None else _cell_text(raw)
        return self.typed(raw, where, cell.kind, cell.description, cell.name)

    def _computed(self, sheet: _Sheet, name: str, cell: Cell, raw: object, place: _Place, where: CellRef) -> object:
        """What a computed cell shows after a full recalculation, as Excel's formulas downstream of it see it:
        its formula's value over what its arguments show; the figure typed over it; or nothing when it was cleared.

        The formula's own value over the data is kept in `recomputed` for the cells that do not show it.
        """
        assert cell.formula is not None
        recomputed, args = self.evaluate(sheet, cell.formula)
        key = f"{place.sheet}!{name}" if sheet.layout.scoped else name
        formula = _formula_text(raw)
        if formula is not None and _template_formula(cell.formula.function, formula):
            self._note_flavour(formula)
            self._compare_cached(place, where, cell, recomputed)
            self.display[(place.sheet, where.cell or "")] = _shown(cell.formula.function, recomputed, args)
            shown = recomputed
        elif formula is not None:
            self.recomputed[key] = recomputed
            self.replaced.add((place.sheet, where.cell or ""))
            shown = self._replaced(cell, formula, self.cached_value(place), where, name)
        elif _blank(raw):
            self.recomputed[key] = recomputed
            if recomputed is not None:  # a formula cleared, or (no-macro flavour) a score left untyped
                self.findings.append(
                    COMPUTED_BLANK(
                        f"{cell.description}是空的（公式被清除，或应填写而未填写），表上看不到它；"
                        f"按数据应为 {_show_as(cell, recomputed)}",
                        CellRef(where.sheet, where.cell),
                    )
                )
            shown = None
        else:
            self.recomputed[key] = recomputed
            if cell.formula.function not in TYPED_IN_NATIVE:
                self.findings.append(
                    FORMULA_OVERWRITTEN(
                        f"{cell.description}应由公式计算，现在是手工填写的“{_show(raw)}”；按填写值计算和核对",
                        CellRef(where.sheet, where.cell),
                    )
                )
            if cell.kind in NUMERIC_KINDS:
                shown = self.number(raw, where, cell.description, cell.kind, name)
                if shown is not None and _text_number(raw):
                    self._number_as_text(raw, where, cell.description)
            else:
                shown = _cell_text(raw).strip()
        self.values[key] = shown
        return shown

    def _replaced(self, cell: Cell, formula: str, cached: object, where: CellRef, name: str) -> object:
        """A computed cell whose formula the user replaced by one of their own (=5, =D15): what the file says it
        showed when last saved is the figure; without a saved result there is nothing to go by."""
        shown_formula = _show(formula)[:60]
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
                f"{cell.description}的公式被改成了“{shown_formula}”；按文件中保存的结果 {_show(cached)} 计算和核对",
                CellRef(where.sheet, where.cell),
            )
        )
        if cell.kind in NUMERIC_KINDS:
            return self.number(cached, where, cell.description, cell.kind, name)
        return _cell_text(cached).strip()

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
        if _same(cached, result):
            return
        self.findings.append(
            CACHED_STALE(
                f"{cell.description}：文件中保存的结果为 {_show(cached)}，按当前数据重新计算为 {_show_as(cell, result)}"
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
        if _blank(raw) or (_formula_text(raw) is not None and not replaced):
            return None
        typed = self.cached_value(place) if replaced else raw
        if isinstance(shown, Decimal) and isinstance(typed, int | float):  # a number, shown in the cell's format
            return _as_displayed(shown, self.wb[place.sheet][ref].number_format)
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
        return [value for raw, value in pairs if isinstance(value, Decimal) and not _text_number(raw)]

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
        if role == OVERRIDE and _formula_text(raw) is not None:
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
            formula = _formula_text(raw)
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
        from perfeval_xl.workbook.layout.assessment import TARGET_READING

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
            if _formula_text(cell.value) is not None:
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
        from perfeval_xl.workbook.layout.basic import PUBLIC_ROWS, SANGONG_ROWS

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
            if level3 in ("", ELLIPSIS) and all(_blank(x) for x in data) and manual_score is None:
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
            if _formula_text(raw) is None:
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


def _as_displayed(number: Decimal | None, number_format: str) -> Decimal | None:
    """A typed number as its cell shows it ("0.00%" shows 0.952381 as 95.24%): the precision it was printed with."""
    match = re.fullmatch(r"[#,]*0(?:\.(0+))?(%?)", number_format or "")
    if number is None or match is None:
        return number
    # Excel allows 30 decimals in a format but shows a number's first 15 significant digits only (a double)
    places = min(len(match.group(1) or "") + (2 if match.group(2) else 0), 15)
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_DISPLAY_CONTEXT)
    except InvalidOperation:  # more digits than a figure this large can show: it is shown as it is
        return number


_DISPLAY_CONTEXT = Context(prec=64)


def _shown(function: str, result: object, args: list[object]) -> object:
    """What the cell shows in Excel, for the stamp: the PE_* adapters' own rule, or the SUM's value."""
    if function.startswith("PE_"):
        return excel_value(function, args)
    return display_value(function, result, args)


_UNITS = {AMOUNT: "万元", AREA: "平方米", COUNT: "人", WEIGHT: "分", SCORE: "分", YEAR: "年"}
# a negative figure makes sense only for a budget adjustment
_MAY_BE_NEGATIVE = frozenset({"basic_adjustment_budget", "basic_adjustment_final"})


_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"})


def _implausible_text(value: object, kind: str | None) -> str | None:
    """Text that D() could read but that does not belong in this column: "1.13万" in 万元, "100%" as a count."""
    if not isinstance(value, str) or kind is None:
        return None
    text = normalize_text(value)
    shown = value.strip()[:20]
    if value.strip().upper() in _EXCEL_ERRORS:
        return f"单元格显示的是错误值“{shown}”（多半是从别处复制来的公式出错），请填写数字"
    if kind != RATE and re.search(r"[%‰]", text):
        return f"“{shown}”是百分数，本栏应填以{_UNITS.get(kind, '')}为单位的数字"
    if kind in _UNITS and re.search(r"\d\s*[万亿千]", text):
        return f"“{shown}”带有“万/亿/千”，本栏的单位已是{_UNITS[kind]}，请只填数字"
    return None


def _implausible_number(number: Decimal, kind: str | None, name: str | None) -> str | None:
    if kind in (AMOUNT, AREA, COUNT) and number < 0 and name not in _MAY_BE_NEGATIVE:
        return f"{format_score(number, 6)} 是负数，本栏不能为负"
    if kind == COUNT and number != number.to_integral_value():
        return f"{format_score(number, 6)} 不是整数，人数应为整数"
    if kind == YEAR and (number != number.to_integral_value() or not 2000 <= number <= 2100):
        return f"{format_score(number, 6)} 不是四位数的年度（如 2023）"
    return None


def _names_of(layout: SheetLayout) -> list[str]:
    return [*layout.named(), *(table.name for table in layout.tables)]


def _same(cached: object, computed: object) -> bool:
    if computed is None:
        return cached is None or str(cached).strip() in ("—", "")
    if isinstance(computed, Decimal):
        number = D(cached)
        return isinstance(number, Decimal) and abs(number - computed) <= Decimal("1e-9") * max(
            Decimal(1), abs(computed)
        )
    return str(cached).strip() == str(computed).strip()


def _template_formula(function: str, formula: str) -> bool:
    """Whether a computed cell still holds the template's formula (in either flavour, wherever rows moved it),
    rather than one the user wrote in its place (=5, =D15, =SUM(D9:D10))."""
    text = formula.upper().replace(" ", "")
    if function == SUM:
        return "COUNT(" in text and "SUM(" in text
    if f"{function}(" in text:
        return True
    return function not in TYPED_IN_NATIVE and text.startswith("=IF(") and '"—"' in formula


def _text_number(raw: object) -> bool:
    """A cell that holds text (not a formula): what Excel's SUM skips even when the text reads as a number."""
    return isinstance(raw, str) and _formula_text(raw) is None


def _cell_text(raw: object) -> str:
    """A text cell as Excel shows it: its _xHHHH_ escapes decoded, escaped surrogate pairs joined into one
    character (😀), and a lone surrogate (which no file, console or document can hold) shown as �."""
    text = excel_unescape(_show(raw))
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _show_as(cell: Cell, value: object) -> str:
    """A value in a finding, as the cell's format would show it (rates as percentages)."""
    return format_percent(value) if cell.kind == RATE and isinstance(value, Decimal) else _show(value)


def _show(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():  # a cached <v>1e999</v> is inf: shown as it is
        if abs(value) >= Decimal("1e15"):  # not 300 digits of a 1e300 in a message
            return f"{value:.6E}"
        return format_score(value, 6)
    return str(value)


# ---------------------------------------------------------------- opening files safely


def _open_package(path: Path) -> bytes:
    """Read the file once, check that it is a reasonable Excel package, and return its bytes."""
    if not path.exists():
        raise WorkbookError(f"找不到文件“{path}”")
    if path.is_dir():
        raise WorkbookError(f"“{path}”是文件夹，不是工作簿")
    if not path.is_file():  # a pipe or a device: reading it could wait forever or never end
        raise WorkbookError(f"“{path.name}”不是普通文件（是管道或设备），不是工作簿")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"“{path.name}”有 {size // 1024 // 1024} MB，超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像一份自评表"
        )
    data = path.read_bytes()
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise WorkbookError(f"“{path.name}”是旧版 Excel（.xls）或加密的文件；请在 Excel 中另存为 .xlsx 或 .xlsm")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError(f"“{path.name}”不是 Excel 工作簿（.xlsx/.xlsm），或文件已损坏、不完整") from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise WorkbookError(f"“{path.name}”不是 Excel 工作簿：其中没有 xl/workbook.xml")
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked / packed > MAX_RATIO and unpacked > 10 * 1024 * 1024):
        raise WorkbookError(
            f"“{path.name}”解压后有 {unpacked // 1024 // 1024} MB，压缩比异常，拒绝读取（可能是恶意文件）"
        )
    return data


def load(path: str | Path, rules: str | RuleSet | None = None) -> tuple[Submission, list[Finding], dict[str, Any]]:
    """Read a workbook by its defined names, recompute it, and check it: (records, findings, options).

    options: rule_set, rules, flavour ("udf", "native" or "unknown"), kind, values (every computed defined name as
    its cell shows it after a full recalculation) and recomputed (what the formulas would give in the cells typed
    over or cleared). Raises WorkbookError (with one Chinese sentence) when the file cannot be read at all.
    """
    path = Path(path)
    data = _open_package(path)
    try:
        with warnings.catch_warnings():  # openpyxl's English warnings (odd dates…) are not for users
            warnings.simplefilter("ignore")
            wb, cached = fastread.read(data)
    except fastread.PackageError as error:
        raise WorkbookError(f"无法读取“{path.name}”：{error}") from None
    except Exception as error:  # a damaged package fails in many ways, each one sentence for the user
        raise WorkbookError(f"无法读取“{path.name}”：文件已损坏或不是 Excel 工作簿（{type(error).__name__}）") from None
    return read_workbook(wb, cached, str(path.parent), rules)


def read_workbook(
    wb: openpyxl.Workbook,
    cached: Mapping[tuple[str, str], object] | None = None,
    folder: str = "",
    rules: str | RuleSet | None = None,
) -> tuple[Submission, list[Finding], dict[str, Any]]:
    """The reading pipeline on an open workbook: records, reading findings plus every check, options.

    `rules` overrides the rule set the 说明 sheet names (a finance bureau reviewing by its own rules)."""
    book = _Book(wb, cached, folder)
    submission, rules = book.read(rules)
    findings = book.findings
    if book.functions_missing:
        findings.append(
            FUNCTIONS_MISSING(
                "文件上次保存时 PE_* 函数没有计算（显示 #NAME?）：请安装“绩效自评”加载项，或使用无宏版；"
                "本次检查已按数据重新计算"
            )
        )
    findings = findings + run_checks(submission, rules)
    options = {
        "rule_set": submission.header.rule_set,
        "rules": rules,
        "flavour": book.flavour,
        "values": book.values,
        "recomputed": book.recomputed,
        "kind": "evaluation"
        if submission.evaluation
        else "dept"
        if submission.overall or submission.basic
        else "project",
    }
    return submission, findings, options
