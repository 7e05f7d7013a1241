"""Checks across tables: 附件1, 附件2/附件3 and 收支预决算 tell the same story, and every project has its 附件3."""

from __future__ import annotations

import re
from decimal import Decimal

from perfeval_xl.checks.common import AMOUNT_TOLERANCE, ROUNDING_GAP
from perfeval_xl.core.codes import (
    CROSS_BASIC_BREAKDOWN,
    CROSS_BASIC_SPENDING,
    CROSS_PROJECT_SPENDING,
    CROSS_PUBLIC_FUNDS,
    PROJECT_AMOUNT_MISMATCH,
    PROJECT_NOT_LISTED,
    PROJECT_SHEET_MISSING,
    Code,
)
from perfeval_xl.core.numbers import (
    compact_text,
    format_amount,
)
from perfeval_xl.core.records import (
    HINT,
    Assessment,
    BasicData,
    CellRef,
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet


def _project_key(name: str) -> str:
    """A project name without numbering, spaces, punctuation ("1、社保基金督查专项经费　" → "社保基金督查专项经费")."""
    text = compact_text(name)
    text = re.sub(r"^(?:[(（]\d+[)）]|\d+[、.．)])", "", text)  # "1、" or "(1)", not the year of "2023年度…"
    return re.sub(r"[\W_]+", "", text)


def _agree(a: Decimal | None, b: Decimal | None, message: str, ref: CellRef | None, code: Code) -> list[Finding]:
    if a is None or b is None:
        return []
    gap = abs(a - b)
    if gap <= AMOUNT_TOLERANCE:
        return []
    if gap <= ROUNDING_GAP + AMOUNT_TOLERANCE:
        return [code(f"{message}，相差 {format_amount(gap)}，可能是尾数差异，请核对", ref, severity=HINT)]
    return [code(f"{message}，相差 {format_amount(gap)}", ref)]


def check_cross_tables(submission: Submission, rules: RuleSet) -> list[Finding]:
    """附件1 and 附件2/附件3 and 收支预决算 tell the same story: every project has its 附件3 with the same figures."""
    findings: list[Finding] = []
    basic, overall, revenue = submission.basic, submission.overall, submission.revenue
    if basic and overall:
        findings += _agree(
            basic.project_spending.final,
            overall.funding.expense_project,
            f"附件1 项目支出本年决算数 {format_amount(basic.project_spending.final)} 与附件2 项目支出 "
            f"{format_amount(overall.funding.expense_project)} 不一致",
            overall.funding.at("expense_project"),
            code=CROSS_PROJECT_SPENDING,
        )
    if revenue and overall:
        personnel, public = revenue.column("personnel"), revenue.column("public")
        if personnel and public and personnel.final is not None and public.final is not None:
            basic_final = personnel.final + public.final
            findings += _agree(
                basic_final,
                overall.funding.expense_basic,
                f"收支预决算 人员经费 + 公用经费 决算 {format_amount(basic_final)} 与附件2 基本支出 "
                f"{format_amount(overall.funding.expense_basic)} 不一致",
                overall.funding.at("expense_basic"),
                code=CROSS_BASIC_SPENDING,
            )
    if basic and revenue:
        public = revenue.column("public")
        if public:
            findings += _agree(
                basic.public_funds.final,
                public.final,
                f"附件1 公用经费本年决算数 {format_amount(basic.public_funds.final)} 与收支预决算 公用经费决算 "
                f"{format_amount(public.final)} 不一致",
                basic.public_funds.at("final"),
                code=CROSS_PUBLIC_FUNDS,
            )
    narrative = submission.narrative
    if narrative and overall:
        parts = [v for v in narrative.basic_by_class.values() if v is not None]
        if parts:
            total = sum(parts, Decimal(0))
            findings += _agree(
                total,
                overall.funding.expense_basic,
                f"报告文字 基本支出按经济分类合计 {format_amount(total)} 与附件2 基本支出 "
                f"{format_amount(overall.funding.expense_basic)} 不一致",
                narrative.at("wage_welfare"),
                code=CROSS_BASIC_BREAKDOWN,
            )
    if basic and (overall or submission.projects):
        findings += _projects_have_sheets(basic, submission.projects)
    return findings


def _projects_have_sheets(basic: BasicData, sheets: tuple[Assessment, ...]) -> list[Finding]:
    findings = []
    by_key = {_project_key(sheet.name): sheet for sheet in sheets if sheet.name.strip()}
    listed = set()
    for row in basic.projects:
        if row.key != "project" or not _project_key(row.label):
            continue
        key = _project_key(row.label)
        listed.add(key)
        sheet = by_key.get(key)
        if sheet is None:
            findings.append(
                PROJECT_SHEET_MISSING(
                    f"附件1 列有项目“{row.label.strip()}”，但没有对应的附件3 项目支出绩效自评表", row.at("label")
                )
            )
            continue
        findings += _agree(
            row.final,
            sheet.funding.total.executed,
            f"附件1 项目“{row.label.strip()}”本年决算数 {format_amount(row.final)} 与{sheet.title} 全年执行数 "
            f"{format_amount(sheet.funding.total.executed)} 不一致",
            sheet.funding.total.at("executed"),
            code=PROJECT_AMOUNT_MISMATCH,
        )
    for key, sheet in by_key.items():
        if key not in listed:
            findings.append(PROJECT_NOT_LISTED(f"{sheet.title} 的项目没有列在附件1 项目支出中", sheet.at("name")))
    return findings
