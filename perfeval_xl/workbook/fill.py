"""Filling a workbook through its defined names only: a submission's figures into the cells the layout names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.core.errors import WorkbookError
from perfeval_xl.core.example_evaluation import EvaluationExample
from perfeval_xl.core.records import (
    NARRATIVE_TEXTS,
    Assessment,
    BasicData,
    Narrative,
    SpendingRow,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import score_assessment
from perfeval_xl.workbook.layout.assessment import (
    FUNDING_EXPENSES,
    FUNDING_INCOMES,
    FUNDING_SOURCES,
)
from perfeval_xl.workbook.layout.base import (
    BASIC,
    COMPUTED,
    OVERALL,
    PROJECT,
    SheetLayout,
    WorkbookLayout,
)
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.evaluation import KEY, reason_lines, ref_at
from perfeval_xl.workbook.layout.paper import lines_height


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
    ws[ref.split(":")[0]].value = cell_value(value)


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
        ws.cell(min_row + index, min_col + keys.index(key)).value = cell_value(value)


def cell_value(value: object) -> object:
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


def fill_evaluation(wb: openpyxl.Workbook, example: EvaluationExample) -> None:
    """Put what an evaluator types into an evaluation workbook: named cells, then each indicator's row of the 评分表
    (found by its path in the helper column, as the reader finds it)."""
    for name, value in example.named:
        set_named(wb, name, value)
    for table, values in example.tables:
        columns = [column.key for column in basic_sheet(()).table(table).columns]
        for index, row_values in enumerate(values):
            set_table_row(wb, table, index, row_values, columns)
    ws, ref = _destination(wb, "eval_indicators")
    _min_col, first, _max_col, last = range_boundaries(ref)
    rows = {ws[f"{KEY}{row}"].value: row for row in range(first, last + 1)}
    for key, cells in example.rows:
        if key not in rows:
            raise WorkbookError(f"评分表中没有指标“{key}”的行")
        for column, value in cells.items():
            ws[ref_at(column, rows[key])].value = cell_value(value)
        reason = str(cells.get("reason", ""))
        dimension = ws.row_dimensions[rows[key]]
        # as Excel refits the row when the evaluator types the reason: the row keeps its kind (see build._FittedRow)
        dimension.ht = max(dimension.ht or 0, lines_height(reason_lines(reason)))
