"""Checks of the scores: within 分值 and band, typed against computed, reasons for lost points, totals, grades."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from perfeval_xl.checks.common import assessments
from perfeval_xl.core.codes import (
    ACTUAL_IS_RANGE,
    ACTUAL_MISSING,
    ACTUAL_NOT_NUMBER,
    ACTUAL_UNREADABLE,
    EXEC_LOW_NO_REASON,
    EXEC_OVER_BUDGET,
    FUNDING_MISSING,
    GRADE_MISMATCH,
    INDICATOR_UNNAMED,
    PRINTED_SCORE,
    PRINTED_TOTAL,
    REASON_FOR_DEDUCTION,
    REASON_MISSING,
    SCORE_NEEDS_JUDGEMENT,
    SCORE_NOT_APPLICABLE,
    SCORE_OVER_WEIGHT,
    TOTAL_CAPPED,
    UNIT_MISMATCH,
    WEIGHT_MISSING,
    WEIGHT_NEGATIVE,
    WEIGHT_UNREADABLE,
)
from perfeval_xl.core.numbers import (
    format_amount,
    format_percent,
    format_score,
    round_half_up,
)
from perfeval_xl.core.records import (
    HINT,
    Assessment,
    CellRef,
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.scoring import (
    AssessmentScore,
    IndicatorScore,
    check_manual_score,
    execution_weight,
    score_assessment,
)
from perfeval_xl.engine.targets import NOT_MET, PARTLY


def _said_of(finding: Finding, subject: str, ref: CellRef | None) -> Finding:
    """An engine's finding about one row, said of that row (“附件2 指标“…”：…”) and pointing at its cell."""
    return replace(finding, message=f"{subject}：{finding.message}").located(ref)


def check_scores(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Scores within their 分值 and their band, computed ones agree with typed ones, reasons where points are lost."""
    findings: list[Finding] = []
    for table in assessments(submission):
        scores = score_assessment(table, rules)
        findings += _execution_row(table, scores, rules)
        findings += _indicator_rows(table, scores, rules)
        findings += _totals(table, scores, rules)
    return findings


def _execution_row(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    findings = []
    funding, total = table.funding, table.funding.total
    rate = scores.execution_rate
    if total.budget is None or total.executed is None:
        findings.append(
            FUNDING_MISSING(
                f"{table.title} 年度资金总额的全年预算数或全年执行数未填写",
                total.at("budget" if total.budget is None else "executed"),
            )
        )
    if rate is not None and rate > 1:
        findings.append(
            EXEC_OVER_BUDGET(
                f"{table.title} 全年执行数 {format_amount(total.executed)} 大于全年预算数 "
                f"{format_amount(total.budget)}（执行率 {format_percent(rate)}），超预算支出须说明原因；得分按分值封顶",
                total.at("executed"),
            )
        )
    if rate is not None and rate < rules.reason_below_exec_rate and not funding.reason.strip():
        findings.append(
            EXEC_LOW_NO_REASON(
                f"{table.title} 执行率 {format_percent(rate)} 低于 {format_percent(rules.reason_below_exec_rate, 0)}，"
                "须填写偏差原因分析及改进措施",
                funding.at("reason") or total.at("executed"),
            )
        )
    printed, weight = funding.printed_score, execution_weight(funding, rules)
    if printed is not None and printed > weight:
        findings.append(
            SCORE_OVER_WEIGHT(
                f"{table.title} 预算执行率得分 {format_score(printed)} 超过分值 {format_score(weight)}",
                funding.at("printed_score"),
            )
        )
    elif (
        printed is not None
        and scores.execution_score is not None
        and abs(printed - scores.execution_score) > rules.score_tolerance
    ):
        findings.append(
            PRINTED_SCORE(
                f"{table.title} 预算执行率得分印为 {format_score(printed)}，"
                f"按 分值 {format_score(weight)} × 执行率 {format_percent(rate)} 应为 "
                f"{format_score(scores.execution_score)}",
                funding.at("printed_score"),
            )
        )
    return findings


def _indicator_rows(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    findings = []
    for item in scores.indicators:
        indicator, result = item.indicator, item.result
        name = f"{table.title} 指标“{indicator.level3 or '（未命名）'}”"
        for note in result.notes:
            cell = {
                WEIGHT_MISSING.code: "weight",
                WEIGHT_UNREADABLE.code: "weight",
                WEIGHT_NEGATIVE.code: "weight",
                ACTUAL_MISSING.code: "actual",
                ACTUAL_UNREADABLE.code: "actual",
                ACTUAL_NOT_NUMBER.code: "actual",
                ACTUAL_IS_RANGE.code: "actual",
                UNIT_MISMATCH.code: "actual",
            }.get(note.code, "target")
            findings.append(_said_of(note, name, indicator.at(cell)))
        if not indicator.level3.strip():
            findings.append(INDICATOR_UNNAMED(f"{table.title} 有一行指标未填写三级指标名称", indicator.at("level3")))
        problems = []
        if item.manual and result.basis == "not_applicable":
            findings.append(
                SCORE_NOT_APPLICABLE(
                    f"{name}：标为不适用，但填写了得分 {format_score(indicator.score)}；不适用的指标不计分",
                    indicator.at("score"),
                )
            )
        elif item.manual:
            problems = check_manual_score(
                indicator.score, indicator.target, indicator.actual, indicator.weight, rules, indicator.level2
            )
            for problem in problems:
                findings.append(_said_of(problem, name, indicator.at("score")))
        elif result.basis == "judgement":
            bands = "、".join(f"{b.name} {format_percent(b.low, 0)}–{format_percent(b.high, 0)}" for b in rules.bands)
            findings.append(SCORE_NEEDS_JUDGEMENT(f"{name}：需人工评定得分（按分值的 {bands}）", indicator.at("score")))
        if not problems:  # a manual score already reported says what the reason should explain
            findings += _reason_needed(name, item, rules)
    return findings


def _reason_needed(name: str, item: IndicatorScore, rules: RuleSet) -> list[Finding]:
    indicator, result = item.indicator, item.result
    if indicator.reason.strip() or item.score is None or indicator.weight is None:
        return []
    # a missed target is judged by the figures (or the words), not by the score: a 偏离 penalty lowers the
    # score of a target far exceeded, and that needs no 偏差原因 for missing it
    missed = (result.basis == "quantitative" and result.met is False) or result.outcome in (NOT_MET, PARTLY)
    if missed:
        completion = f"（完成率 {format_percent(result.completion)}）" if result.completion is not None else ""
        return [
            REASON_MISSING(
                f"{name}：未完成年度指标值{completion}，须填写偏差原因分析及改进措施", indicator.at("reason")
            )
        ]
    if item.score < indicator.weight - rules.score_tolerance:
        return [
            REASON_FOR_DEDUCTION(
                f"{name}：得分 {format_score(item.score)} 低于分值 {format_score(indicator.weight)}，"
                "宜在偏差原因中说明扣分理由",
                indicator.at("reason"),
            )
        ]
    return []


def _totals(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    findings = []
    if scores.total is not None and scores.cap is not None and scores.total >= scores.cap:
        below = min(cap.below for cap in rules.total_caps if scores.execution_rate < cap.below)
        findings.append(
            TOTAL_CAPPED(
                f"{table.title} 执行率 {_precise_percent(scores.execution_rate, below)}，"
                f"按规则总分最高 {format_score(scores.cap)} 分",
                table.at("printed_total"),
            )
        )
    findings += _printed_total(table, scores, rules)
    if table.printed_grade.strip() and scores.grade is not None and table.printed_grade.strip() != scores.grade:
        findings.append(
            GRADE_MISMATCH(
                f"{table.title} 等级写“{table.printed_grade.strip()}”，"
                f"总分 {_precise_score(scores.total, rules)} 按规则“{rules.title}”应为“{scores.grade}”",
                table.at("printed_grade"),
            )
        )
    return findings


def _printed_total(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    """A printed total that differs from the scores' sum; by no more than the rows' rounding, it is only a hint."""
    if table.printed_total is None or scores.total is None:
        return []
    gap = abs(table.printed_total - scores.total)
    if gap <= rules.score_tolerance:
        return []
    message = (
        f"{table.title} 总分印为 {format_score(table.printed_total)}，"
        f"预算执行率与各指标得分合计为 {format_score(scores.total)}"
    )
    rows = 1 + len(scores.indicators)
    if gap <= rows * rules.score_tolerance:  # each printed row score may carry half a unit of rounding
        return [PRINTED_TOTAL(f"{message}，相差在各项得分四舍五入的尾差之内", table.at("printed_total"), severity=HINT)]
    return [PRINTED_TOTAL(message, table.at("printed_total"))]


def _precise_score(total: Decimal | None, rules: RuleSet) -> str:
    """A total shown precisely enough that a grade threshold it misses is visible (89.995, not 90)."""
    if total is None:
        return "—"
    places = rules.score_places
    while places < 6 and any((round_half_up(total, places) >= g.minimum) != (total >= g.minimum) for g in rules.grades):
        places += 1
    return format_score(total, places)


def _precise_percent(rate: Decimal | None, threshold: Decimal) -> str:
    """A rate shown precisely enough that it visibly lies below `threshold` (79.996%, not 80.00%)."""
    if rate is None:
        return "—"
    places = 2
    while places < 6 and round_half_up(rate * 100, places) >= threshold * 100 > rate * 100:
        places += 1
    return format_percent(rate, places)
