"""Checks that totals equal their parts: 三公经费, 项目支出, 公用经费, funding blocks, 收支预决算, breakdowns."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from perfeval_xl.checks.common import AMOUNT_TOLERANCE, assessments, sum_of
from perfeval_xl.core.codes import (
    FUNDING_MISSING,
    SUM_MISMATCH,
)
from perfeval_xl.core.numbers import (
    format_amount,
)
from perfeval_xl.core.records import (
    Assessment,
    BasicData,
    Finding,
    ShareTable,
    SpendingRow,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet


def check_sums(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Totals equal the sum of their parts: 三公经费, 项目支出, 公用经费, funding blocks, 收支预决算, breakdowns."""
    findings: list[Finding] = []
    if submission.basic:
        findings += _basic_sums(submission.basic)
    for table in assessments(submission):
        findings += _funding_sums(table)
    if submission.revenue:
        findings += _revenue_sums(submission)
    for breakdown in submission.share_tables:
        findings += _breakdown_sum(breakdown)
    return findings


_COLUMNS = (("prev", "上年决算数"), ("budget", "本年预算数"), ("final", "本年决算数"))


def _rows_add_up(total: SpendingRow, parts: list[SpendingRow], what: str, at_most: bool = False) -> list[Finding]:
    """One finding per total row listing the columns where its parts do not add up to it."""
    wrong = []
    for column, label in _COLUMNS:
        stated = getattr(total, column)
        parts_sum = sum_of(getattr(part, column) for part in parts)
        if parts_sum is None:
            continue
        stated_value = stated or Decimal(0)
        cells = _cells_of(total, parts, column)
        if at_most and parts_sum > stated_value + AMOUNT_TOLERANCE:
            wrong.append(
                (column, f"{label} 其中各项合计 {format_amount(parts_sum)} 大于 {format_amount(stated)}{cells}")
            )
        elif not at_most and abs(parts_sum - stated_value) > AMOUNT_TOLERANCE:
            wrong.append((column, f"{label} {_stated(stated)}，{what}合计 {format_amount(parts_sum)}{cells}"))
    if not wrong:
        return []
    return [
        SUM_MISMATCH(
            f"附件1 {total.label}不等于{what}之和：" + "；".join(text for _, text in wrong), total.at(wrong[0][0])
        )
    ]


def _stated(value: Decimal | None) -> str:
    """A total as the form shows it: a blank total (its formula cleared) is said to be blank, not "—"."""
    return "为空白" if value is None else format_amount(value)


def _cells_of(total: Any, parts: Sequence[Any], column: str) -> str:
    """“（C8 与 C9、C13 之和）”: the total's cell and the filled parts' cells, so both sides can be found."""
    total_ref = total.at(column)
    part_refs = [ref for part in parts if getattr(part, column) is not None and (ref := part.at(column))]
    if total_ref is None or not part_refs:
        return ""
    return f"（{total_ref.cell} 与 {'、'.join(str(ref.cell) for ref in part_refs)} 之和）"


def _basic_sums(basic: BasicData) -> list[Finding]:
    findings = []
    top = [basic.sangong_item(key) for key in ("sangong_car", "sangong_abroad", "sangong_reception")]
    findings += _rows_add_up(basic.sangong, [row for row in top if row], "公务用车、出国、公务接待")
    car = basic.sangong_item("sangong_car")
    car_parts = [basic.sangong_item(key) for key in ("sangong_car_purchase", "sangong_car_running")]
    if car:
        findings += _rows_add_up(car, [row for row in car_parts if row], "公车购置与公车运行维护")
    findings += _rows_add_up(basic.project_spending, list(basic.projects), "所列各项目")
    findings += _rows_add_up(basic.public_funds, list(basic.public_items), "其中各项", at_most=True)
    return findings


def _funding_sums(table: Assessment) -> list[Finding]:
    findings = []
    funding, total = table.funding, table.funding.total
    if funding.sources:
        for column, label in (("initial", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数")):
            parts = sum_of(getattr(line, column) for line in funding.sources)
            stated = getattr(total, column)
            # a blank total is funding-missing (a 全年预算数 or 执行数) or a hint (年初预算数), not a wrong sum
            if parts is not None and stated is not None and abs(parts - stated) > AMOUNT_TOLERANCE:
                names = "、".join(line.label for line in funding.sources)
                findings.append(
                    SUM_MISMATCH(
                        f"{table.title} 年度资金总额{label} {format_amount(stated)}，"
                        f"不等于{names}之和 {format_amount(parts)}{_cells_of(total, funding.sources, column)}",
                        total.at(column),
                    )
                )
    basic, project = funding.expense_basic, funding.expense_project
    if table.kind == "dept" and (basic is None or project is None):
        missing = "、".join(name for name, value in (("基本支出", basic), ("项目支出", project)) if value is None)
        findings.append(
            FUNDING_MISSING(
                f"{table.title} 按支出性质分的{missing}未填写（没有时填 0）",
                funding.at("expense_basic" if basic is None else "expense_project"),
            )
        )
    if (basic is not None or project is not None) and total.executed is not None:
        parts = (basic or Decimal(0)) + (project or Decimal(0))
        if abs(parts - total.executed) > AMOUNT_TOLERANCE:
            findings.append(
                SUM_MISMATCH(
                    f"{table.title} 基本支出 {format_amount(basic)} + 项目支出 {format_amount(project)} = "
                    f"{format_amount(parts)}，不等于全年执行数 {format_amount(total.executed)}",
                    funding.at("expense_basic") or total.at("executed"),
                )
            )
    income = sum_of(funding.income_lines)
    if income is not None:
        matches = [v for v in (total.budget, total.executed) if v is not None and abs(income - v) <= AMOUNT_TOLERANCE]
        if not matches:
            findings.append(
                SUM_MISMATCH(
                    f"{table.title} 按收入性质分各项合计 {format_amount(income)}，"
                    f"既不等于全年预算数 {format_amount(total.budget)}，"
                    f"也不等于全年执行数 {format_amount(total.executed)}",
                    funding.at("income_general"),
                )
            )
    return findings


def _revenue_sums(submission: Submission) -> list[Finding]:
    table = submission.revenue
    assert table is not None
    findings = []
    identities = (
        (
            "total",
            ("carryover_begin", "appropriation", "other_income"),
            "合计（收入）",
            "年初结转结余 + 财政拨款 + 其他收入",
        ),
        ("expense_total", ("personnel", "public", "project"), "支出小计", "人员经费 + 公用经费 + 项目支出"),
        ("total", ("expense_total", "carryover_end"), "合计", "支出小计 + 年末结转结余"),
    )
    for row, label in (("budget", "预算"), ("final", "决算")):
        for total_key, part_keys, total_name, parts_name in identities:
            total_column = table.column(total_key)
            parts = [table.column(key) for key in part_keys]
            if total_column is None or any(p is None for p in parts):
                continue
            stated = getattr(total_column, row)
            parts_sum = sum_of(getattr(p, row) for p in parts if p is not None)
            if parts_sum is None:  # nothing to add up: a total typed over empty parts is only formula-overwritten
                continue
            if abs((stated or Decimal(0)) - parts_sum) > AMOUNT_TOLERANCE:
                findings.append(
                    SUM_MISMATCH(
                        f"收支预决算 {label}行 {total_name} {_stated(stated)}，"
                        f"不等于 {parts_name} = {format_amount(parts_sum)}{_cells_of(total_column, parts, row)}",
                        total_column.at(row),
                    )
                )
    return findings


def _breakdown_sum(table: ShareTable) -> list[Finding]:
    parts = sum_of(row.amount for row in table.rows)
    if table.total is None or parts is None or abs(parts - table.total) <= AMOUNT_TOLERANCE:
        return []
    return [
        SUM_MISMATCH(
            f"{table.title} 合计 {format_amount(table.total)}，各项之和为 {format_amount(parts)}", table.at("total")
        )
    ]
