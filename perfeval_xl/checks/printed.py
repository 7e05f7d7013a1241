"""Checks of printed rates: each 控制率, 执行率, 差异率, 同比增减率 and 占比 against the figures it came from."""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.checks.common import assessments, printed_rate, sum_of
from perfeval_xl.core.numbers import (
    format_amount,
    format_score,
)
from perfeval_xl.core.records import (
    ERROR,
    HINT,
    Finding,
    ShareTable,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rates import change_rate, control_rate, execution_rate, share, variance_rate


def check_printed_rates(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Every printed rate equals the one its figures give, to the precision it was printed with."""
    findings: list[Finding] = []
    basic = submission.basic
    if basic:
        staff = basic.staff
        findings += printed_rate(
            "附件1 财政供养人员 控制率",
            staff.printed_control_rate,
            control_rate(staff.actual, staff.quota),
            f"实际在职 {format_score(staff.actual)} ÷ 编制 {format_score(staff.quota)}",
            staff.at("printed_control_rate"),
        )
        rows = [
            basic.sangong,
            *basic.sangong_items,
            basic.project_spending,
            *basic.projects,
            basic.public_funds,
            *basic.public_items,
            basic.procurement,
        ]
        for row in rows:
            findings += printed_rate(
                f"附件1 {row.label} 控制率",
                row.printed_control_rate,
                control_rate(row.final, row.budget),
                f"决算 {format_amount(row.final)} ÷ 预算 {format_amount(row.budget)}",
                row.at("printed_control_rate"),
            )
            findings += printed_rate(
                f"附件1 {row.label} 同比增减率",
                row.printed_change_rate,
                change_rate(row.final, row.prev),
                f"（本年 {format_amount(row.final)} − 上年 {format_amount(row.prev)}）÷ 上年",
                row.at("printed_change_rate"),
            )
        b = basic.building
        findings += printed_rate(
            "附件1 楼堂馆所 规模控制率",
            b.printed_area_rate,
            control_rate(b.actual_area, b.approved_area),
            f"实际 {format_score(b.actual_area)} ÷ 批复 {format_score(b.approved_area)}",
            b.at("printed_area_rate"),
        )
        findings += printed_rate(
            "附件1 楼堂馆所 投资概算控制率",
            b.printed_investment_rate,
            control_rate(b.actual_investment, b.budget_investment),
            f"实际 {format_amount(b.actual_investment)} ÷ 预算 {format_amount(b.budget_investment)}",
            b.at("printed_investment_rate"),
        )
    for table in assessments(submission):
        total = table.funding.total
        findings += printed_rate(
            f"{table.title} 执行率",
            table.funding.printed_exec_rate,
            execution_rate(total.executed, total.budget),
            f"全年执行数 {format_amount(total.executed)} ÷ 全年预算数 {format_amount(total.budget)}",
            table.funding.at("printed_exec_rate"),
        )
    if submission.revenue:
        for column in submission.revenue.columns:
            findings += printed_rate(
                f"收支预决算 {column.label} 差异率",
                column.printed_diff_rate,
                variance_rate(column.final, column.budget),
                f"（决算 {format_amount(column.final)} − 预算 {format_amount(column.budget)}）÷ 预算",
                column.at("printed_diff_rate"),
            )
    for breakdown in submission.share_tables:
        findings += _printed_shares(breakdown)
    return findings


def _printed_shares(table: ShareTable) -> list[Finding]:
    findings = []
    total = table.total if table.total is not None else sum_of(row.amount for row in table.rows)
    printed = [row.printed_share for row in table.rows if row.printed_share is not None]
    # Published breakdowns often put the rounding remainder on one item so the shares add up to 100% (尾差调整):
    # a one-unit difference there is pointed out, not treated as an error.
    adds_to_whole = bool(printed) and sum(printed, Decimal(0)) == 1
    for row in table.rows:
        computed = share(row.amount, total)
        severity, note = ERROR, ""
        if row.printed_share is not None and computed is not None and adds_to_whole:
            unit = Decimal(1).scaleb(int(row.printed_share.as_tuple().exponent))
            if abs(row.printed_share - computed) <= unit + unit / 2:
                severity, note = HINT, "；各项占比合计为 100%，可能是尾差调整"
        findings += printed_rate(
            f"{table.title} {row.label} 占比",
            row.printed_share,
            computed,
            f"{format_amount(row.amount)} ÷ 合计 {format_amount(total)}",
            row.at("printed_share"),
            severity,
            note,
        )
    findings += printed_rate(
        f"{table.title} 合计 占比",
        table.printed_total_share,
        share(total, total),
        "合计 ÷ 合计",
        table.at("printed_total_share"),
    )
    return findings
