"""Reading the annual cycle's workbooks: a declaration (绩效目标申报表), a monitoring workbook (运行监控表), and the
declared targets that the workbooks made from a declaration keep on a hidden sheet.

Sheets are found by their names, like every other sheet: the department's table by the workbook's names, each
project's by its own sheet-scoped ones. Only the cells are read here; the checks judge them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter, range_boundaries

from perfeval_xl.core.codes import NAME_MISSING
from perfeval_xl.core.cycle import (
    CAUSES,
    OVERALL_DECLARATION,
    OVERALL_TABLE,
    POSSIBILITY_CODES,
    PROJECT_DECLARATION,
    STRUCTURES,
    Declaration,
    DeclaredTarget,
    MonitorBook,
    MonitorRow,
    MonitorTable,
    MonitorTask,
    TargetBook,
    TargetRow,
    structure_of,
)
from perfeval_xl.core.numbers import cell_text
from perfeval_xl.core.records import CellRef, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.cycle import month_number
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.layout.base import ELLIPSIS, Column, Table
from perfeval_xl.workbook.layout.monitor import (
    DEFAULT_MONTH,
    FORECAST_READING,
    MONITOR_COLUMNS,
    monitor_sheet,
)
from perfeval_xl.workbook.layout.monitor import guide_sheet as monitor_guide
from perfeval_xl.workbook.layout.targets import (
    STRUCTURE_FIELD,
    TARGET_READING,
    declaration_sheet,
)
from perfeval_xl.workbook.layout.targets import guide_sheet as targets_guide
from perfeval_xl.workbook.reader.assessment import header_record, rules_named
from perfeval_xl.workbook.reader.book import Book
from perfeval_xl.workbook.reader.cells import formula_text
from perfeval_xl.workbook.reader.names import Sheet, missing_names, places, sheet_of

TARGETS, MONITOR = "targets", "monitor"


_LAYOUTS = {  # the layouts the reader follows (a sheet's rows come from its names, not from these)
    TARGETS: (
        targets_guide("2020", "national", ""),
        declaration_sheet(True, "", STRUCTURES["2020"], "udf"),
        declaration_sheet(False, "", STRUCTURES["2020"], "udf"),
    ),
    MONITOR: (
        monitor_guide("national", DEFAULT_MONTH, ""),
        monitor_sheet(True, "", STRUCTURES["2020"], "udf"),
        monitor_sheet(False, "", STRUCTURES["2020"], "udf"),
    ),
}


_TABLES = {TARGETS: "target_indicators", MONITOR: "monitor_indicators"}


def cycle_family(book: Book) -> str | None:
    """targets or monitor when the workbook's names say so (a table of either kind, at any scope); else None."""
    scopes = [set(book.global_names)]
    scopes += [set(ws.defined_names) for ws in book.wb.worksheets]
    for family, table in _TABLES.items():
        if any(table in scope for scope in scopes):
            return family
    return None


def _sheets(book: Book, family: str) -> tuple[Sheet, Sheet | None, list[Sheet]]:
    """The 说明 sheet, the department's table and the projects' tables of a cycle workbook."""
    guide_layout, overall_layout, project_layout = _LAYOUTS[family]
    guide_title = sheet_of(guide_layout, book.global_names)
    guide = Sheet(book.wb[guide_title] if guide_title else book.wb.worksheets[0], guide_layout, book.global_names)
    book.guide = guide
    table = _TABLES[family]
    overall_title = book.global_names[table].sheet if table in book.global_names else None
    overall = Sheet(book.wb[overall_title], overall_layout, book.global_names) if overall_title else None
    projects = []
    for ws in book.wb.worksheets:
        local = places(ws.defined_names, book.sheet_titles, book.findings)
        if table in local:
            shared = {k: v for k, v in book.global_names.items() if k not in local}
            projects.append(Sheet(ws, project_layout, {**shared, **local}))
        elif "project_name" in local:  # a project's sheet whose table name is gone: it must not drop out unseen
            book.findings.append(NAME_MISSING(f"找不到区域名称“{table}”（绩效指标）", CellRef(ws.title)))
    if overall is None and ("fund_total" in book.global_names or "fund_budget" in book.global_names):
        book.findings.append(NAME_MISSING(f"找不到部门整体表的区域名称“{table}”（绩效指标）"))
    if family == MONITOR and "declared_targets" not in book.global_names:
        book.findings.append(NAME_MISSING("找不到区域名称“declared_targets”（申报的绩效目标）：无法与申报的目标比较"))
    for sheet in [guide, *([overall] if overall else []), *projects]:
        missing_names(sheet, book.findings)
    return guide, overall, projects


def _resolved_rules(book: Book, guide: Sheet, given: str | RuleSet | None) -> tuple[Any, RuleSet]:
    header, rule_set = header_record(book, guide)
    rules = load_rules(given) if given is not None else rules_named(book, rule_set)
    if place := book.global_names.get("rule_set"):
        book.memo[(place.sheet, "rule_set")] = rules  # the helper formulas judge with the rules as resolved here
    return header, rules


def _text(book: Book, sheet: Sheet, name: str) -> str:
    return cell_text(book.value(sheet, name)).strip()


def _number(book: Book, sheet: Sheet, name: str) -> Decimal | None:
    value = book.value(sheet, name)
    return value if isinstance(value, Decimal) else None


def _where(book: Book, sheet: Sheet, names: tuple[str, ...]) -> dict[str, CellRef]:
    return {name: ref for name in names if (ref := book.cell_of(sheet, name))}


def _row_cells(sheet: Sheet, table: Table, values: dict[str, object]) -> dict[str, CellRef]:
    """Each column's cell in one table row, where rows and columns are now."""
    first = range_boundaries(sheet.names[table.name].ref)[0]
    row = int(values["_row"])  # type: ignore[call-overload]
    return {
        column.key: CellRef(str(values["_sheet"]), f"{get_column_letter(first + table.offset(column.key))}{row}")
        for column in table.columns
    }


def _filled_rows(book: Book, sheet: Sheet, table_name: str) -> list[dict[str, object]]:
    """The rows a person filled in: a 三级指标 or anything typed beside it; the "……" rows only when typed on."""
    rows = []
    for values in book.table_rows(sheet, table_name):
        level3 = cell_text(values.get("level3")).strip()
        others = [
            cell_text(values.get(key)).strip()
            for key in values
            if not key.startswith("_") and key not in ("level1", "level2", "level3")
        ]
        if (level3 and level3 != ELLIPSIS) or any(others):
            rows.append(values)
    return rows


def _helper(book: Book, sheet: Sheet, table: Table, column: Column, values: dict[str, object]) -> object:
    """What a helper column's formula shows in this row (None where the row has no formula), stamped."""
    first = range_boundaries(sheet.names[table.name].ref)[0]
    letter = get_column_letter(first + (ord(column.letter) - ord(table.columns[0].letter)))
    ref = f"{letter}{values['_row']}"
    ws = book.wb[str(values["_sheet"])]
    if column.formula is None or formula_text(ws[ref].value) is None:
        return None
    row, blocks = int(values["_row"]), {"level2": values.get("level2")}  # type: ignore[call-overload]
    value, _args = book.evaluate(sheet, column.formula, row, blocks)
    book.display[(ws.title, ref)] = value or ""
    return value


def _stamp_helpers(book: Book, sheet: Sheet, table_name: str, column: Column, name: str) -> None:
    """A helper column (目标识别, 预计能否完成) row by row: stamped, and under its range's name in check --json."""
    if table_name not in sheet.names:
        return
    table = sheet.layout.table(table_name)
    shown = [_helper(book, sheet, table, column, values) for values in book.table_rows(sheet, table_name)]
    if name in sheet.names:
        book.values[f"{sheet.title}!{name}" if sheet.layout.scoped else name] = shown


# ---------------------------------------------------------------- 绩效目标申报表


def _declaration(book: Book, sheet: Sheet, overall: bool) -> Declaration:
    names = ("project_name", "competent_dept", "implementing_unit", "project_class")
    funds = ("fund_total", "fund_fiscal", "fund_other", "goal_annual")
    rows = []
    table = sheet.layout.table("target_indicators")
    for values in _filled_rows(book, sheet, "target_indicators"):
        cells = _row_cells(sheet, table, values)
        rows.append(
            TargetRow(
                cell_text(values.get("level1")).strip(),
                cell_text(values.get("level2")).strip(),
                cell_text(values.get("level3")).strip(),
                cell_text(values.get("target")).strip(),
                cell_text(values.get("note")).strip(),
                where=cells,
            )
        )
    tasks = []
    if overall and "target_tasks" in sheet.names:
        for values in book.table_rows(sheet, "target_tasks"):
            name, content = cell_text(values.get("name")).strip(), cell_text(values.get("content")).strip()
            if name or content:
                tasks.append((name, content))
    unit = cell_text(book.value(book.guide, "unit_name")).strip()
    return Declaration(
        OVERALL_DECLARATION if overall else PROJECT_DECLARATION,
        sheet.title,
        name=unit if overall else _text(book, sheet, "project_name"),
        competent_dept="" if overall else _text(book, sheet, "competent_dept"),
        implementing_unit="" if overall else _text(book, sheet, "implementing_unit"),
        project_class="" if overall else _text(book, sheet, "project_class"),
        fund_total=_number(book, sheet, "fund_total"),
        fund_fiscal=_number(book, sheet, "fund_fiscal"),
        fund_other=_number(book, sheet, "fund_other"),
        goal=_text(book, sheet, "goal_annual"),
        tasks=tuple(tasks),
        indicators=tuple(rows),
        where=_where(book, sheet, (*(() if overall else names), *funds)) | {"sheet": CellRef(sheet.title)},
    )


def read_targets(book: Book, rules_given: str | RuleSet | None = None) -> tuple[Submission, RuleSet]:
    """A declaration workbook's records and the rule set its 说明 names."""
    guide, overall, projects = _sheets(book, TARGETS)
    header, rules = _resolved_rules(book, guide, rules_given)
    written = cell_text(book.value(guide, STRUCTURE_FIELD)).strip()
    structure = structure_of(written) or rules.target_structure
    for sheet in [*([overall] if overall else []), *projects]:
        for name in sheet.layout.named():
            book.value(sheet, name)
        _stamp_helpers(book, sheet, "target_indicators", TARGET_READING, "target_readings")
        book.headings(sheet)
    targets = TargetBook(
        structure,
        _declaration(book, overall, True) if overall else None,
        tuple(_declaration(book, sheet, False) for sheet in projects),
        structure_written=written,
        where=_where(book, guide, (STRUCTURE_FIELD,)),
    )
    return Submission(header, targets=targets), rules


def declared_targets(book: Book, origin: str = "") -> tuple[DeclaredTarget, ...]:
    """A declaration's targets as carried: from the hidden sheet of a workbook made from one."""
    place = book.global_names.get("declared_targets")
    if place is None:
        return ()
    min_col, min_row, _max_col, max_row = range_boundaries(place.ref)
    ws = book.wb[place.sheet]
    found = []
    for r in range(min_row, max_row + 1):
        values = [cell_text(ws.cell(r, min_col + i).value).strip() for i in range(5)]
        if values[3]:
            found.append(DeclaredTarget(*values))
    return tuple(found)


def declaration_targets(targets: TargetBook) -> tuple[DeclaredTarget, ...]:
    """The targets of a declaration, as a workbook made from it keeps them."""
    return tuple(
        DeclaredTarget(
            OVERALL_TABLE if table.kind == OVERALL_DECLARATION else table.name, r.level1, r.level2, r.level3, r.target
        )
        for table in targets.tables
        for r in table.indicators
        if r.level3
    )


# ---------------------------------------------------------------- 运行监控表


def _possibility(text: str) -> str:
    """完成目标可能性 as words: the platforms' codes 1/2/3 read as 确定能/有可能/完全不可能."""
    return POSSIBILITY_CODES.get(text.removesuffix(".0"), text)


def _monitor_table(book: Book, sheet: Sheet, overall: bool) -> MonitorTable:
    table = sheet.layout.table("monitor_indicators")
    rows = []
    for values in _filled_rows(book, sheet, "monitor_indicators"):
        cells = _row_cells(sheet, table, values)
        text = {column.key: cell_text(values.get(column.key)).strip() for column in MONITOR_COLUMNS}
        rows.append(
            MonitorRow(
                text["level1"],
                text["level2"],
                text["level3"],
                text["target"],
                text["progress"],
                text["forecast"],
                {key: text[key] for key, _label in CAUSES},
                text["cause_note"],
                _possibility(text["possibility"]),
                text["remark"],
                where=cells,
            )
        )
    _stamp_helpers(book, sheet, "monitor_indicators", FORECAST_READING, "monitor_reaches")
    names = (
        "fund_budget",
        "fund_executed",
        "fund_forecast",
        "fund_exec_rate",
        "fund_forecast_rate",
        "fund_gap",
        "fund_progress",
        "fund_reason",
        "project_name",
        "goal_annual",
    )
    for name in sheet.layout.named():
        book.value(sheet, name)  # every computed cell: for the stamp and check --json
    return MonitorTable(
        OVERALL_DECLARATION if overall else PROJECT_DECLARATION,
        sheet.title,
        name=cell_text(book.value(book.guide, "unit_name")).strip() if overall else _text(book, sheet, "project_name"),
        fund_budget=_number(book, sheet, "fund_budget"),
        fund_executed=_number(book, sheet, "fund_executed"),
        fund_forecast=_number(book, sheet, "fund_forecast"),
        exec_rate=_number(book, sheet, "fund_exec_rate"),
        forecast_rate=_number(book, sheet, "fund_forecast_rate"),
        fund_reason=_text(book, sheet, "fund_reason"),
        goal=_text(book, sheet, "goal_annual"),
        goal_progress=_text(book, sheet, "goal_progress"),
        goal_forecast=_text(book, sheet, "goal_forecast"),
        tasks=_tasks(book, sheet) if overall else (),
        indicators=tuple(rows),
        where=_where(book, sheet, names) | {"sheet": CellRef(sheet.title)},
    )


def _tasks(book: Book, sheet: Sheet) -> tuple[MonitorTask, ...]:
    """The department's 年度主要任务 rows that hold anything."""
    if "monitor_tasks" not in sheet.names:
        return ()
    table = sheet.layout.table("monitor_tasks")
    tasks = []
    for values in book.table_rows(sheet, "monitor_tasks"):
        text = {column.key: cell_text(values.get(column.key)).strip() for column in table.columns}
        if any(text.values()):
            tasks.append(MonitorTask(**text, where=_row_cells(sheet, table, values)))
    return tuple(tasks)


def read_monitor(book: Book, rules_given: str | RuleSet | None = None) -> tuple[Submission, RuleSet]:
    """A monitoring workbook's records, the targets it carries, and the rule set its 说明 names."""
    guide, overall, projects = _sheets(book, MONITOR)
    header, rules = _resolved_rules(book, guide, rules_given)
    month = book.value(guide, "monitor_month")
    tables = tuple(_monitor_table(book, sheet, False) for sheet in projects)
    monitor = MonitorBook(
        month_number(month),
        _monitor_table(book, overall, True) if overall else None,
        tables,
        where=_where(book, guide, ("monitor_month",)),
    )
    for sheet in [*([overall] if overall else []), *projects]:
        book.headings(sheet)
    return Submission(header, monitor=monitor, declared=declared_targets(book)), rules
