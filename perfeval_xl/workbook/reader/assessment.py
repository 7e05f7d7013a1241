"""The records of a self-assessment (附件1, 附件2/附件3, 收支预决算, 报告文字, 说明) from the cells of a Book.

Each record carries `where`: the cell each of its fields came from, so that a finding can point at it.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from openpyxl.utils import get_column_letter, range_boundaries

from perfeval_xl.core.codes import NAME_MISSING, RULE_SET_UNKNOWN
from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.core.numbers import is_blank
from perfeval_xl.core.records import (
    ECONOMIC_CLASSES,
    NARRATIVE_TEXTS,
    OTHER_BUDGETS,
    REVENUE_COLUMNS,
    Assessment,
    BasicData,
    Building,
    CellRef,
    Funding,
    FundLine,
    Header,
    Indicator,
    Narrative,
    RevenueColumn,
    RevenueTable,
    SpendingRow,
    Staff,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.layout.assessment import FUNDING_EXPENSES, FUNDING_INCOMES, FUNDING_SOURCES
from perfeval_xl.workbook.layout.base import ELLIPSIS, PROJECT
from perfeval_xl.workbook.layout.basic import PUBLIC_ROWS, SANGONG_ROWS
from perfeval_xl.workbook.reader.book import Book
from perfeval_xl.workbook.reader.names import Sheet


def header_record(book: Book, sheet: Sheet | None, rule_set: str | None = None) -> tuple[Header, str]:
    """The unit and year of the 说明 sheet, and the rule set it names (or `rule_set`, an evaluation's framework)."""
    if sheet is None:
        book.findings.append(NAME_MISSING("找不到“说明”工作表上的单位名称、年度和评分规则"))
        return Header(), "national"
    year = book.value(sheet, "fiscal_year")
    if rule_set is None:
        rule_set = str(book.value(sheet, "rule_set") or "").strip() or "national"
    header = Header(
        unit_name=str(book.value(sheet, "unit_name") or "").strip(),
        fiscal_year=int(year) if isinstance(year, Decimal) and year == year.to_integral_value() else None,
        budget_code=str(book.value(sheet, "budget_code") or "").strip(),
        contact=str(book.value(sheet, "contact") or "").strip(),
        rule_set=rule_set,
        where={k: ref for k in ("unit_name", "fiscal_year", "rule_set") if (ref := book.cell_of(sheet, k))},
    )
    return header, rule_set


def rules_named(book: Book, rule_set: str) -> RuleSet:
    """The rule set the 说明 sheet names: a built-in one, or a local .toml file (relative to the workbook)."""
    try:
        return load_rules(rule_set, folder=book.folder or None)
    except RuleSetError as error:
        place = book.global_names.get("rule_set")
        book.findings.append(
            RULE_SET_UNKNOWN(
                f"{error}；本次按全国默认规则审核",
                CellRef(place.sheet, place.ref) if place else None,
            )
        )
        return load_rules("national")


def spending_row(book: Book, sheet: Sheet, key: str, label: str, rates: bool = True) -> SpendingRow:
    """One row of 经费控制情况 by its key's names ({key}_prev, _budget, _final), with its printed rates."""
    names = {column: f"{key}_{column}" for column in ("prev", "budget", "final")}
    where = {column: ref for column, name in names.items() if (ref := book.cell_of(sheet, name))}
    row = SpendingRow(
        key,
        label.strip(),
        **{column: book.value(sheet, name) for column, name in names.items()},
        where=where,
    )
    if rates:
        row = replace(
            row,
            printed_control_rate=book.printed(sheet, f"{key}_control_rate"),
            printed_change_rate=book.printed(sheet, f"{key}_change_rate"),
        )
        for name in ("control_rate", "change_rate"):
            book.value(sheet, f"{key}_{name}")
            if ref := book.cell_of(sheet, f"{key}_{name}"):
                row.where[f"printed_{name}"] = ref  # type: ignore[index]
    return row


def basic_record(book: Book, sheet: Sheet) -> BasicData:
    staff = Staff(
        book.value(sheet, "staff_quota"),
        book.value(sheet, "staff_actual"),
        book.printed(sheet, "staff_control_rate"),
        where={
            "quota": book.cell_of(sheet, "staff_quota"),
            "actual": book.cell_of(sheet, "staff_actual"),
            "printed_control_rate": book.cell_of(sheet, "staff_control_rate"),
        },
    )
    book.value(sheet, "staff_control_rate")
    sangong = [spending_row(book, sheet, key, label) for key, label, _ in SANGONG_ROWS]
    public = [spending_row(book, sheet, key, label) for key, label, _ in PUBLIC_ROWS]
    projects = []
    for table, key in (("projects", "project"), ("special_funds", "special_fund")):
        for values in book.table_rows(sheet, table):
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
            book.value(sheet, n)
            for n in (
                "building_approved_area",
                "building_actual_area",
                "building_budget_investment",
                "building_actual_investment",
            )
        ),
        printed_area_rate=book.printed(sheet, "building_area_control_rate"),
        printed_investment_rate=book.printed(sheet, "building_investment_control_rate"),
    )
    for name in ("building_area_control_rate", "building_investment_control_rate"):
        book.value(sheet, name)

    def simple(key: str, label: str) -> SpendingRow:
        return SpendingRow(
            key,
            label,
            None,
            book.value(sheet, f"{key}_budget"),
            book.value(sheet, f"{key}_final"),
            where={c: ref for c in ("budget", "final") if (ref := book.cell_of(sheet, f"{key}_{c}"))},
        )

    return BasicData(
        staff=staff,
        sangong=sangong[0],
        sangong_items=tuple(sangong[1:]),
        project_spending=spending_row(book, sheet, "project_spending", "项目支出", rates=False),
        projects=tuple(projects),
        public_funds=public[0],
        public_items=tuple(public[1:]),
        procurement=simple("procurement", "政府采购金额"),
        basic_adjustment=simple("basic_adjustment", "部门基本支出预算调整"),
        building=building,
        austerity_measures=str(book.value(sheet, "austerity_measures") or ""),
    )


def assessment_record(book: Book, sheet: Sheet, rules: RuleSet) -> Assessment:
    project = sheet.layout.key == PROJECT

    def v(name: str) -> object:
        return book.value(sheet, name)

    total = FundLine(
        "年度资金总额",
        *(book.value(sheet, f"fund_{c}") for c in ("initial", "budget", "executed")),
        where={c: ref for c in ("initial", "budget", "executed") if (ref := book.cell_of(sheet, f"fund_{c}"))},
    )
    sources: tuple[FundLine, ...] = ()
    if project:
        sources = tuple(
            FundLine(
                label,
                *(v(f"fund_{key}_{c}") for c in ("initial", "budget", "executed")),
                where={
                    c: ref for c in ("initial", "budget", "executed") if (ref := book.cell_of(sheet, f"fund_{key}_{c}"))
                },
            )
            for key, label in FUNDING_SOURCES
        )
    funding = Funding(
        total=total,
        weight=v("fund_weight"),
        printed_exec_rate=book.printed(sheet, "fund_exec_rate"),
        printed_score=book.printed(sheet, "fund_score"),
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
            if (ref := book.cell_of(sheet, n))
        },
    )
    for name in ("fund_exec_rate", "fund_score"):
        v(name)
    indicators, block_weights, block_cells = _indicators(book, sheet)
    v("weight_total")
    v("total_score")
    v("grade")
    printed_grade = book.printed(sheet, "grade")
    return Assessment(
        kind="project" if project else "dept",
        name=str(v("project_name") or "").strip() if project else str(book.value(book.guide, "unit_name") or ""),
        competent_dept=str(v("competent_dept") or "").strip() if project else "",
        implementing_unit=str(v("implementing_unit") or "").strip() if project else "",
        funding=funding,
        goal_expected=str(v("goal_expected") or ""),
        goal_actual=str(v("goal_actual") or ""),
        indicators=indicators,
        block_weights=block_weights,
        printed_weight_total=book.printed(sheet, "weight_total"),
        printed_total=book.printed(sheet, "total_score"),
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
            if (ref := book.cell_of(sheet, n))
        }
        | block_cells,
    )


def _indicators(book: Book, sheet: Sheet) -> tuple[tuple[Indicator, ...], dict[str, Decimal], dict[str, CellRef]]:
    """The 三级指标 rows (blank and "……" rows are not records), the weights printed in the 一级 headings, and the
    cells of those headings."""
    indicators = []
    block_weights: dict[str, Decimal] = {}
    block_cells: dict[str, CellRef] = {}
    table = sheet.layout.table("indicators")
    place = sheet.names.get("indicators")
    first_col = range_boundaries(place.ref)[0] if place else 1
    for values in book.table_rows(sheet, "indicators"):
        name, printed_weight = level1_name(values.get("level1"))
        if name and printed_weight is not None and name not in block_weights:
            block_weights[name] = printed_weight
            letter = get_column_letter(first_col + table.offset("level1"))
            block_cells[f"block:{name}"] = CellRef(str(values["_sheet"]), f"{letter}{values['_row']}")
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
    return tuple(indicators), block_weights, block_cells


def narrative_record(book: Book, sheet: Sheet) -> Narrative:
    def text(name: str) -> str:
        return str(book.value(sheet, name) or "")

    return Narrative(
        report_date=text("report_date").strip(),
        texts={key: text(key) for key, _ in NARRATIVE_TEXTS},
        basic_by_class={key: book.value(sheet, key) for key, _ in ECONOMIC_CLASSES},  # type: ignore[misc]
        other_budgets={key: book.value(sheet, key) for key, _ in OTHER_BUDGETS},  # type: ignore[misc]
        where={
            key: ref
            for key in ("report_date", "wage_welfare", *(k for k, _ in NARRATIVE_TEXTS))
            if (ref := book.cell_of(sheet, key))
        },
    )


def revenue_record(book: Book, sheet: Sheet) -> RevenueTable:
    columns = []
    for key, label in REVENUE_COLUMNS:
        names = {c: f"rev_{key}_{c}" for c in ("budget", "final", "diff_rate")}
        budget, final = book.value(sheet, names["budget"]), book.value(sheet, names["final"])
        book.value(sheet, names["diff_rate"])
        columns.append(
            RevenueColumn(
                key,
                label,
                budget,
                final,
                book.printed(sheet, names["diff_rate"]),  # type: ignore[arg-type]
                where={
                    "budget": book.cell_of(sheet, names["budget"]),
                    "final": book.cell_of(sheet, names["final"]),
                    "printed_diff_rate": book.cell_of(sheet, names["diff_rate"]),
                },
            )
        )
    return RevenueTable(tuple(columns))
