"""Terminal tables for perfeval demo: figures in aligned columns (CJK characters are two columns wide)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from perfeval_xl.core.numbers import format_amount, format_percent, format_score
from perfeval_xl.core.records import Assessment, BasicData, Finding, SpendingRow, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rates import change_rate, control_rate
from perfeval_xl.engine.scoring import score_assessment


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, right: bool = False) -> str:
    if _width(text) > width:
        while text and _width(text + "…") > width:
            text = text[:-1]
        text += "…"
    pad = " " * (width - _width(text))
    return pad + text if right else text + pad


def _table(rows: Sequence[Sequence[str]], widths: Sequence[int], right_from: int = 1) -> list[str]:
    return [
        "  " + " ".join(_cell(v, w, i >= right_from) for i, (v, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]


def _basic_lines(basic: BasicData) -> list[str]:
    staff = basic.staff
    lines = [
        "附件1 基础数据表（万元）",
        f"  财政供养人员：编制 {format_score(staff.quota)} 人，实际在职 {format_score(staff.actual)} 人，"
        f"控制率 {format_percent(control_rate(staff.actual, staff.quota))}",
    ]
    rows: list[SpendingRow] = [
        basic.sangong,
        *basic.sangong_items,
        basic.project_spending,
        *basic.projects,
        basic.public_funds,
        *basic.public_items,
        basic.procurement,
    ]
    table = [("项目", "上年决算", "本年预算", "本年决算", "控制率", "同比增减率")]
    table += [
        (
            row.label,
            format_amount(row.prev),
            format_amount(row.budget),
            format_amount(row.final),
            format_percent(control_rate(row.final, row.budget)),
            format_percent(change_rate(row.final, row.prev)),
        )
        for row in rows
        if (row.prev, row.budget, row.final) != (None, None, None)
    ]
    return lines + _table(table, (26, 9, 9, 9, 8, 10))


def _assessment_lines(table: Assessment, rules: RuleSet) -> list[str]:
    scores = score_assessment(table, rules)
    total = table.funding.total
    lines = [
        f"{table.title}（{rules.title}）",
        f"  年度资金总额：年初预算 {format_amount(total.initial)}，全年预算 {format_amount(total.budget)}，"
        f"全年执行 {format_amount(total.executed)}，执行率 {format_percent(scores.execution_rate)}，"
        f"得分 {format_score(scores.execution_score)}/{format_score(table.funding.weight)}",
    ]
    rows = [("三级指标", "目标读作", "实际完成值", "分值", "得分", "依据")]
    basis = {
        "quantitative": "按完成率",
        "qualitative": "定性·已达成",
        "judgement": "待人工评定",
        "not_applicable": "不适用",
        "incomplete": "信息不全",
    }
    for item in scores.indicators:
        source = "人工" if item.manual else basis[item.result.basis]
        rows.append(
            (
                item.indicator.level3,
                item.result.target.describe(),
                item.indicator.actual,
                format_score(item.indicator.weight),
                format_score(item.score),
                source,
            )
        )
    lines += _table(rows, (30, 16, 16, 5, 6, 11), right_from=3)
    cap = f"（按执行率封顶 {format_score(scores.cap)}）" if scores.cap is not None else ""
    lines.append(f"  总分 {format_score(scores.total)}{cap}，等级 {scores.grade or '—'}")
    return lines


def submission_lines(submission: Submission, rules: RuleSet) -> list[str]:
    lines = [f"{submission.header.unit_name} {submission.header.fiscal_year} 年度", ""]
    if submission.basic:
        lines += [*_basic_lines(submission.basic), ""]
    for table in ([submission.overall] if submission.overall else []) + list(submission.projects):
        lines += [*_assessment_lines(table, rules), ""]
    return lines


def finding_lines(findings: list[Finding]) -> list[str]:
    errors = sum(f.is_error for f in findings)
    lines = [f"审核结果：{errors} 个错误，{len(findings) - errors} 个提示"]
    return lines + [f"  {finding}" for finding in sorted(findings, key=lambda f: not f.is_error)]
