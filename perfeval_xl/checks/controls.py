"""Checks of the controls: staff above the quota, spending above budget, buildings above their approved size."""

from __future__ import annotations

from perfeval_xl.core.codes import (
    BUILDING_OVER,
    OVER_BUDGET,
    STAFF_OVER_QUOTA,
)
from perfeval_xl.core.numbers import (
    format_amount,
    format_percent,
    format_score,
)
from perfeval_xl.core.records import (
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rates import control_rate


def check_controls(submission: Submission, rules: RuleSet) -> list[Finding]:
    """What a reviewer points out even when the form is right: staff over quota, 三公/公用经费 over budget."""
    basic = submission.basic
    if basic is None:
        return []
    findings = []
    staff = basic.staff
    if staff.quota is not None and staff.actual is not None and staff.actual > staff.quota:
        findings.append(
            STAFF_OVER_QUOTA(
                f"附件1 实际在职人数 {format_score(staff.actual)} 人超过编制数 {format_score(staff.quota)} 人（控制率 "
                f"{format_percent(control_rate(staff.actual, staff.quota))}）",
                staff.at("actual"),
            )
        )
    for row in (basic.sangong, basic.public_funds):
        if row.budget is not None and row.final is not None and row.final > row.budget:
            findings.append(
                OVER_BUDGET(
                    f"附件1 {row.label}本年决算数 {format_amount(row.final)} 大于本年预算数 "
                    f"{format_amount(row.budget)}（控制率 {format_percent(control_rate(row.final, row.budget))}）",
                    row.at("final"),
                )
            )
    building = basic.building
    for actual, planned, what in (
        ("actual_area", "approved_area", "实际规模超过批复规模"),
        ("actual_investment", "budget_investment", "实际投资超过预算投资"),
    ):
        a, p = getattr(building, actual), getattr(building, planned)
        if a is not None and p is not None and a > p:
            findings.append(
                BUILDING_OVER(
                    f"附件1 楼堂馆所{what}（控制率 {format_percent(control_rate(a, p))}）", building.at(actual)
                )
            )
    return findings
