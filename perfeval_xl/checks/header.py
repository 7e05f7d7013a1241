"""Checks of the header and the goals: the unit's name and year, each table's name, 主管部门 and 年度总体目标."""

from __future__ import annotations

from perfeval_xl.checks.common import assessments
from perfeval_xl.core.codes import (
    COMPETENT_DEPT_MISSING,
    GOAL_ACTUAL_MISSING,
    GOAL_MISSING,
    PROJECT_NAME_MISSING,
    UNIT_NAME_MISSING,
    YEAR_MISSING,
)
from perfeval_xl.core.records import (
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet


def check_header(submission: Submission, rules: RuleSet) -> list[Finding]:
    """The unit's name and year, and each table's name and goals, are filled in."""
    header, findings = submission.header, []
    if not header.unit_name.strip():
        findings.append(UNIT_NAME_MISSING("预算部门（单位）名称未填写", header.at("unit_name")))
    if header.fiscal_year is None:
        what = "预算年度" if submission.targets or submission.monitor else "评价年度"
        findings.append(YEAR_MISSING(f"{what}未填写", header.at("fiscal_year")))
    for table in assessments(submission):
        if table.kind == "project" and not table.name.strip():
            findings.append(PROJECT_NAME_MISSING("附件3 项目名称未填写", table.at("name")))
        if table.kind == "project" and not table.competent_dept.strip():
            findings.append(COMPETENT_DEPT_MISSING(f"{table.title} 主管部门未填写", table.at("competent_dept")))
        if not table.goal_expected.strip():
            findings.append(GOAL_MISSING(f"{table.title} 年度总体目标（预期目标）未填写", table.at("goal_expected")))
        if table.goal_expected.strip() and not table.goal_actual.strip():
            findings.append(
                GOAL_ACTUAL_MISSING(f"{table.title} 年度总体目标的实际完成情况未填写", table.at("goal_actual"))
            )
    return findings
