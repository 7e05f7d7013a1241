"""The context of the self-assessment reports (部门整体支出 and 项目支出) from the records, never from cells.

Every figure is computed by the engine from the tables; free text goes in exactly as typed, one paragraph per line."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from perfeval_xl.core.errors import ReportError
from perfeval_xl.core.records import (
    ECONOMIC_CLASSES,
    NARRATIVE_TEXTS,
    OTHER_BUDGETS,
    Assessment,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.engine.rates import adjustment_rate, change_amount, change_rate, control_rate, execution_rate, share
from perfeval_xl.engine.scoring import AssessmentScore, execution_weight, score_assessment
from perfeval_xl.report.filters import chinese_date
from perfeval_xl.report.suggestions import suggest

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # \a and \f would also split paragraphs


def clean(text: object) -> str:
    """Text as typed, minus the control characters Word's XML cannot hold."""
    return _XML_UNSAFE.sub("", str(text or ""))


def paragraphs(text: object) -> list[str]:
    """Free text as Word paragraphs: one per line, blank lines dropped, everything else exactly as typed."""
    return [line for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", clean(text)) if line.strip()]


def plain_label(label: str) -> str:
    """ "　3、公务接待" -> "公务接待"; "其中：办公经费" -> "办公经费"."""
    text = re.sub(r"^\s*(其中[:：])?\s*(\d+[、.．])?\s*", "", label or "")
    return text.strip()


def _spending(row, label: str | None = None) -> dict[str, Any]:
    return {
        "label": clean(label or row.label.strip()),
        "prev": row.prev,
        "budget": row.budget,
        "final": row.final,
        "rate": control_rate(row.final, row.budget),
        "change": change_amount(row.final, row.prev),
        "change_rate": change_rate(row.final, row.prev),
    }


def _indicator_rows(scores: AssessmentScore) -> list[dict[str, Any]]:
    rows, previous = [], ("", "")
    for item in scores.indicators:
        indicator = item.indicator
        level1, level2 = level1_name(indicator.level1)[0], level2_name(indicator.level2)
        shown = (
            level1 if (level1, level2) != previous and level1 != previous[0] else "",
            level2 if (level1, level2) != previous else "",
        )
        previous = (level1, level2)
        rows.append(
            {
                "level1": shown[0],
                "level2": shown[1],
                "level3": clean(indicator.level3),
                "target": clean(indicator.target),
                "actual": clean(indicator.actual),
                "weight": indicator.weight,
                "score": item.score,
                "reason": clean(indicator.reason),
            }
        )
    return rows


def _summary(scores: AssessmentScore) -> dict[str, Any]:
    blocks: dict[str, dict[str, Any]] = {}
    for item in scores.indicators:
        name = level1_name(item.indicator.level1)[0]
        block = blocks.setdefault(name, {"name": name, "count": 0, "weight": Decimal(0), "score": Decimal(0)})
        block["count"] += 1
        block["weight"] += item.indicator.weight or 0
        block["score"] += item.score or 0
    missed = [
        clean(item.indicator.level3)
        for item in scores.indicators
        if item.result.basis == "quantitative" and item.result.met is False
    ]
    return {"count": len(scores.indicators), "blocks": list(blocks.values()), "missed": missed}


def _table(table: Assessment, rules: RuleSet) -> dict[str, Any]:
    """One 附件2 or 附件3 as the report shows it."""
    scores = score_assessment(table, rules)
    funding, total = table.funding, table.funding.total
    weight = execution_weight(funding, rules)
    rows = [
        {
            "label": "年度资金总额",
            "initial": total.initial,
            "budget": total.budget,
            "executed": total.executed,
            "weight": weight,
            "rate": scores.execution_rate,
            "score": scores.execution_line_score,
        }
    ]
    rows += [
        {
            "label": f"其中：{line.label}" if i == 0 else line.label,
            "initial": line.initial,
            "budget": line.budget,
            "executed": line.executed,
            "weight": None,
            "rate": None,
            "score": None,
        }
        for i, line in enumerate(funding.sources)
        if (line.initial, line.budget, line.executed) != (None,) * 3
    ]
    if table.kind == "dept":
        rows += [
            {
                "label": label,
                "initial": None,
                "budget": None,
                "executed": value,
                "weight": None,
                "rate": None,
                "score": None,
            }
            for label, value in (("其中：基本支出", funding.expense_basic), ("项目支出", funding.expense_project))
            if value is not None
        ]
    indicator_weights = sum((i.indicator.weight or Decimal(0) for i in scores.indicators), Decimal(0))
    return {
        "name": clean(table.name),
        "competent_dept": clean(table.competent_dept),
        "implementing_unit": clean(table.implementing_unit),
        "funds": {
            "initial": total.initial,
            "budget": total.budget,
            "executed": total.executed,
            "rate": scores.execution_rate,
            "score": scores.execution_line_score,
            "weight": weight,
            "adjustment": adjustment_rate(total.budget, total.initial) if total.initial else None,
            "reason": paragraphs(funding.reason),
        },
        "funding": rows,
        "indicators": _indicator_rows(scores),
        "summary": _summary(scores),
        "weight_total": weight + indicator_weights,
        "total": scores.total,
        "grade": scores.grade or "",
        "goal_expected": paragraphs(table.goal_expected),
        "goal_actual": paragraphs(table.goal_actual),
        "reasons": [
            {"level3": clean(i.level3), "reason": clean(i.reason)} for i in table.indicators if i.reason.strip()
        ],
    }


def _suggested(tables: list[Assessment], submission: Submission, rules: RuleSet) -> dict[str, list[str]]:
    problems: list[str] = []
    measures: list[str] = []
    for table in tables:
        for found in suggest(table, submission, rules):
            if found.problem not in problems:
                problems.append(found.problem)
            if found.measure not in measures:
                measures.append(found.measure)
    return {"problems": problems, "measures": measures}


def dept_context(submission: Submission, rules: RuleSet, report_date: str) -> dict[str, Any]:
    """Everything the department report says, as plain values (charts are added by render())."""
    header, basic, overall = submission.header, submission.basic, submission.overall
    if overall is None or basic is None:
        raise ReportError("部门整体支出自评报告需要附件1 和附件2；这份工作簿没有")
    narrative = submission.narrative
    texts = {key: paragraphs(narrative.text(key) if narrative else "") for key, _ in NARRATIVE_TEXTS}
    executed = overall.funding.total.executed
    basic_total = overall.funding.expense_basic
    classes = []
    if narrative:
        classes = [
            {"label": label, "amount": amount, "share": share(amount, basic_total)}
            for key, label in ECONOMIC_CLASSES
            if (amount := narrative.basic_by_class.get(key)) is not None
        ]
    sheets = {clean(p.name).strip(): p for p in submission.projects}
    project_scores = {name: score_assessment(p, rules) for name, p in sheets.items()}
    project_rows = []
    for row in basic.projects:
        if not row.label.strip():
            continue
        name = clean(plain_label(row.label))
        sheet = sheets.get(name)
        # a project with its 附件3 is shown with that sheet's full-year budget and execution, as its score is
        budget, final = (sheet.funding.total.budget, sheet.funding.total.executed) if sheet else (row.budget, row.final)
        scored = project_scores.get(name)
        project_rows.append(
            {
                "name": name,
                "budget": budget,
                "final": final,
                "rate": execution_rate(final, budget),
                "score": scored.total if scored else None,
                "grade": scored.grade if scored else "—",
            }
        )
    sangong_items = [
        _spending(row, plain_label(row.label))
        for row in basic.sangong_items
        if row.key in ("sangong_car", "sangong_abroad", "sangong_reception")
    ]
    # "parts", not "items": in a template, sangong.items would be the dict's own items() method
    sangong = _spending(basic.sangong) | {
        "parts": [i for i in sangong_items if i["final"] is not None] or sangong_items,
        "rows": [_spending(basic.sangong)] + [_spending(r) for r in basic.sangong_items],
    }
    public = _spending(basic.public_funds) | {
        "parts": [_spending(r, plain_label(r.label)) for r in basic.public_items if r.final is not None]
    }
    project_total = overall.funding.expense_project
    other = {
        key.removesuffix("_spending"): (narrative.other_budgets.get(key) if narrative else None)
        for key, _ in OTHER_BUDGETS
    }
    year = header.fiscal_year or ""
    unit = clean(header.unit_name)
    overall_table = _table(overall, rules)
    basic_rows = (
        [_spending(basic.sangong)]
        + [_spending(r) for r in basic.sangong_items]
        + [_spending(basic.project_spending)]
        + [_spending(r) for r in basic.projects]
        + [_spending(basic.public_funds)]
        + [_spending(r) for r in basic.public_items]
        + [_spending(basic.procurement)]
    )
    return {
        "title": f"{year}年度{unit}整体支出绩效自评报告",
        "unit_name": unit,
        "year": year,
        "report_date": chinese_date(report_date),
        "rules": {"name": rules.name, "title": rules.title},
        "texts": texts,
        "staff": {
            "quota": basic.staff.quota,
            "actual": basic.staff.actual,
            "rate": control_rate(basic.staff.actual, basic.staff.quota),
        },
        "basic": {"total": basic_total, "share": share(basic_total, executed), "classes": classes},
        "sangong": sangong,
        "public": public,
        "procurement": {"budget": basic.procurement.budget, "final": basic.procurement.final},
        "project": {"total": project_total, "share": share(project_total, executed), "rows": project_rows},
        "other": other,
        "overall": overall_table,
        "funds": overall_table["funds"],
        "projects": [_table(p, rules) for p in submission.projects],
        "suggested": _suggested([overall, *submission.projects], submission, rules),
        "annex": {"basic_rows": [r for r in basic_rows if (r["prev"], r["budget"], r["final"]) != (None,) * 3]},
        "charts": {"sangong": None, "spending": None},
    }


def project_context(submission: Submission, project: Assessment, rules: RuleSet, report_date: str) -> dict[str, Any]:
    year = submission.header.fiscal_year or ""
    table = _table(project, rules)
    table["suggested"] = _suggested([project], submission, rules)
    return {
        "title": f"{year}年度{table['name']}项目支出绩效自评报告",
        "unit_name": clean(submission.header.unit_name),
        "year": year,
        "report_date": chinese_date(report_date),
        "rules": {"name": rules.name, "title": rules.title},
        "project": table,
    }
