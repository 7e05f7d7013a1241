"""The context of the 绩效运行监控情况报告: each table's money against 序时进度, the indicators expected to be missed
with their causes and 纠偏措施, and every monitoring table as the report's 附件. Rates are the engine's, from the
amounts, so a figure the report prints is one its own data give."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from perfeval_xl.core.cycle import (
    CERTAIN,
    IMPOSSIBLE,
    OVERALL_DECLARATION,
    POSSIBLE,
    MonitorRow,
    MonitorTable,
    cause_text,
)
from perfeval_xl.core.errors import ReportError
from perfeval_xl.core.records import Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.cycle import forecast_reaches, progress_gap, schedule_progress
from perfeval_xl.engine.rates import execution_rate
from perfeval_xl.report.context import clean
from perfeval_xl.report.filters import chinese_date


def _causes(row: MonitorRow) -> str:
    """经费保障、人员保障 and the 原因说明, as one clause: what the unit gave as the reasons."""
    return clean(cause_text(row.causes, row.cause_note))


def _missed(table: MonitorTable, rules: RuleSet) -> list[dict[str, Any]]:
    """The indicators the unit does not expect to meet (有可能 / 完全不可能), or whose forecast falls short."""
    rows = []
    for row in table.indicators:
        short = forecast_reaches(row.target, row.forecast, rules, row.level2) is False
        if row.possibility in (POSSIBLE, IMPOSSIBLE) or short:
            rows.append(
                {
                    "name": clean(row.level3),
                    "target": clean(row.target),
                    "progress": clean(row.progress),
                    "forecast": clean(row.forecast),
                    "possibility": clean(row.possibility),
                    "causes": _causes(row),
                    "remark": clean(row.remark),
                }
            )
    return rows


def _money(table: MonitorTable, progress: Decimal | None) -> dict[str, Any]:
    rate = execution_rate(table.fund_executed, table.fund_budget)
    gap = progress_gap(rate, progress)
    return {
        "budget": table.fund_budget,
        "executed": table.fund_executed,
        "rate": rate,
        "gap": gap,
        "gap_points": abs(gap * 100) if gap is not None else None,
        "behind": gap is not None and gap < 0,
        "forecast": table.fund_forecast,
        "forecast_rate": execution_rate(table.fund_forecast, table.fund_budget),
        "reason": clean(table.fund_reason),
    }


def _table(table: MonitorTable, progress: Decimal | None, rules: RuleSet) -> dict[str, Any]:
    overall = table.kind == OVERALL_DECLARATION
    counts = {word: sum(r.possibility == word for r in table.indicators) for word in (CERTAIN, POSSIBLE, IMPOSSIBLE)}
    return {
        "title": "部门整体支出" if overall else f"“{clean(table.name)}”项目",
        "label": "部门整体支出" if overall else clean(table.name),
        "money": _money(table, progress),
        "goal": clean(table.goal),
        "goal_progress": clean(table.goal_progress),
        "goal_forecast": clean(table.goal_forecast),
        "tasks": [
            {"name": clean(t.name), "progress": clean(t.progress), "forecast": clean(t.forecast)} for t in table.tasks
        ],
        "count": len(table.indicators),
        "certain": counts[CERTAIN],
        "possible": counts[POSSIBLE],
        "impossible": counts[IMPOSSIBLE],
        "unjudged": len(table.indicators) - sum(counts.values()),
        "missed": _missed(table, rules),
        "rows": [
            {
                "level1": clean(r.level1),
                "level2": clean(r.level2),
                "level3": clean(r.level3),
                "target": clean(r.target),
                "progress": clean(r.progress),
                "forecast": clean(r.forecast),
                "possibility": clean(r.possibility),
                "causes": _causes(r),
                "remark": clean(r.remark),
            }
            for r in table.indicators
        ],
    }


def monitor_context(submission: Submission, rules: RuleSet, report_date: object) -> dict[str, Any]:
    """The values of the 绩效运行监控情况报告 template for a monitoring workbook."""
    monitor = submission.monitor
    if monitor is None or monitor.month is None:
        raise ReportError("监控月份未填写，无法生成绩效运行监控情况报告")
    header = submission.header
    progress = schedule_progress(monitor.month)
    tables = [_table(table, progress, rules) for table in monitor.tables]
    year = header.fiscal_year or ""
    return {
        "title": f"{year}年度{clean(header.unit_name)}绩效运行监控情况报告",
        "unit_name": clean(header.unit_name),
        "year": year,
        "month": monitor.month,
        "progress": progress,
        "tables": tables,
        "projects": [clean(table.name) for table in monitor.projects],
        "count": sum(t["count"] for t in tables),
        "missed": sum(len(t["missed"]) for t in tables),
        "report_date": chinese_date(report_date),
    }
