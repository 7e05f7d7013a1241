"""Scores by a rule set: 预算执行率, each indicator, totals with their caps, grades, and a whole 附件2 / 附件3.

Scores are unrounded Decimals; rules.score_places says how they are printed. A score a person typed is never
replaced: check_manual_score() says whether the rules allow it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from perfeval_xl.core.codes import (
    ACTUAL_IS_RANGE,
    ACTUAL_MISSING,
    ACTUAL_NOT_NUMBER,
    ACTUAL_UNREADABLE,
    DEVIATION_PENALTY,
    SCORE_ABOVE_BAND,
    SCORE_ABOVE_RULE,
    SCORE_BELOW_BAND,
    SCORE_BELOW_RULE,
    SCORE_NEGATIVE,
    SCORE_OVER_WEIGHT,
    SCORE_UNREADABLE,
    TARGET_FAR_EXCEEDED,
    TARGET_NOT_POSITIVE,
    TARGET_UNREADABLE,
    UNIT_MISMATCH,
    WEIGHT_MISSING,
    WEIGHT_NEGATIVE,
    WEIGHT_UNREADABLE,
)
from perfeval_xl.core.errors import NumberError
from perfeval_xl.core.numbers import (
    D,
    NotANumber,
    format_percent,
    format_score,
    plausible,
    require_number,
    round_half_up,
)
from perfeval_xl.core.records import Assessment, Finding, Funding, Indicator
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rates import completion_rate, execution_rate
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.targets import (
    AT_LEAST,
    AT_MOST,
    MET,
    QUALITATIVE,
    UNREADABLE,
    Target,
    is_not_applicable,
    parse_actual,
    parse_target,
    qualitative_outcome,
    units_compatible,
)


def execution_weight(funding: Funding, rules: RuleSet) -> Decimal:
    """分值 of the 预算执行率 row: as the table gives it, or else the rules' (the checks point out a blank 分值)."""
    return funding.weight if funding.weight is not None else rules.execution_weight


def execution_score(
    executed: object, budget: object, weight: object, rules: RuleSet | str | None = None
) -> Decimal | None:
    """预算执行率得分 = 分值 × 执行率, capped at the 分值 (over-spending is flagged by the checks, not rewarded)."""
    rate = execution_rate(executed, budget)
    points = require_number(weight)
    if rate is None or points is None or points < 0:
        return None
    return min(points, points * max(rate, Decimal(0)))


@dataclass(frozen=True)
class IndicatorResult:
    """How an indicator scores under a rule set.

    Attributes:
      score: the computed score, or None when a person must judge (or the figures do not allow one).
      basis: "quantitative", "qualitative" (met, by its text), "judgement", "not_applicable" or "incomplete".
      target: the target as read.
      actual: the actual value as read.
      completion: 完成率 (actual ÷ target) for quantitative indicators.
      outcome: for qualitative ones, what the actual text says: met, partly, not_met or None.
      notes: findings about the indicator, not yet pointing at a cell.
      met: for quantitative ones, whether the actual reaches the target in its direction (not whether the
        score is full: a province's 偏离 penalty lowers the score of a target far exceeded).
    """

    score: Decimal | None
    basis: str
    target: Target
    actual: Target
    completion: Decimal | None = None
    outcome: str | None = None
    notes: tuple[Finding, ...] = ()
    met: bool | None = None


def indicator_score(
    target: object, actual: object, weight: object, rules: RuleSet | str | None = None, level2: object = None
) -> Decimal | None:
    """The score the rules give; None when a qualitative indicator needs a person's judgement.

    `level2` (二级指标) matters only for a bare-number target, whose direction some rule sets set per block.
    """
    return assess_indicator(target, actual, weight, rules, level2).score


def assess_indicator(
    target: object, actual: object, weight: object, rules: RuleSet | str | None = None, level2: object = None
) -> IndicatorResult:
    """Score one indicator and say how, with the notes a reviewer would add."""
    rules = load_rules(rules)
    wanted, achieved = parse_target(target, rules.bare_op_for(level2)), parse_actual(actual)
    if is_not_applicable(target) or is_not_applicable(actual):
        return IndicatorResult(None, "not_applicable", wanted, achieved)
    points = D(weight)
    if isinstance(points, NotANumber):
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(WEIGHT_UNREADABLE(f"分值{points.reason}"),))
    if points is None:
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(WEIGHT_MISSING("分值未填写"),))
    if points < 0:
        note = WEIGHT_NEGATIVE(f"分值 {format_score(points)} 不能为负数")
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(note,))
    if wanted.kind == UNREADABLE:
        note = TARGET_UNREADABLE(f"年度指标值“{wanted.text.strip()}”无法自动评分：{wanted.error}；请人工评分")
        return IndicatorResult(None, "judgement", wanted, achieved, notes=(note,))
    if wanted.kind == QUALITATIVE:
        outcome = qualitative_outcome(target, actual)
        if outcome == MET:
            return IndicatorResult(points * rules.met_fraction, "qualitative", wanted, achieved, outcome=outcome)
        return IndicatorResult(None, "judgement", wanted, achieved, outcome=outcome)
    return _assess_quantitative(wanted, achieved, points, rules)


def _assess_quantitative(wanted: Target, achieved: Target, points: Decimal, rules: RuleSet) -> IndicatorResult:
    if not achieved.text.strip():
        note = ACTUAL_MISSING("实际完成值未填写")
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(note,))
    if achieved.kind == UNREADABLE:
        note = ACTUAL_UNREADABLE(f"实际完成值“{achieved.text.strip()}”无法自动评分：{achieved.error}；请人工评分")
        return IndicatorResult(None, "judgement", wanted, achieved, notes=(note,))
    if achieved.kind == QUALITATIVE:
        note = ACTUAL_NOT_NUMBER(
            f"年度指标值是数字（{wanted.describe()}），实际完成值“{achieved.text.strip()}”不是，"
            "请填写实际数字或人工评分"
        )
        return IndicatorResult(None, "judgement", wanted, achieved, notes=(note,))
    mismatch = units_compatible(wanted, achieved)
    if mismatch:
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(UNIT_MISMATCH(mismatch),))
    target_value, actual_value = wanted.value, achieved.value
    assert target_value is not None and actual_value is not None
    completion = completion_rate(actual_value, target_value)

    if achieved.op is not None:  # "5.4%以内" for "5.4%以内": a bound, not a value
        met = (wanted.op == achieved.op == AT_MOST and actual_value <= target_value) or (
            wanted.op == achieved.op == AT_LEAST and actual_value >= target_value
        )
        if met:
            return IndicatorResult(points, "quantitative", wanted, achieved, completion, met=True)
        note = ACTUAL_IS_RANGE(
            f"实际完成值“{achieved.text.strip()}”是一个范围，无法与目标（{wanted.describe()}）比较，"
            "请填写实际数字或人工评分"
        )
        return IndicatorResult(None, "judgement", wanted, achieved, completion, notes=(note,))

    op = wanted.op or AT_LEAST
    tolerance = rules.approx_tolerance if wanted.approximate else rules.equal_tolerance
    met = _reaches(op, target_value, actual_value, tolerance)
    if target_value <= 0 and not met:
        note = TARGET_NOT_POSITIVE(f"年度指标值为 {wanted.describe()}，为零或负数时无法按比例折算，请人工评分")
        return IndicatorResult(None, "judgement", wanted, achieved, completion, notes=(note,), met=False)
    if target_value <= 0:
        completion = None  # a ratio to zero or to a negative target says nothing
    score = points if met else _proportional(op, target_value, actual_value, points)
    notes: list[Finding] = []
    if (
        wanted.op == AT_LEAST
        and completion is not None
        and rules.far_exceed is not None
        and completion > rules.far_exceed
    ):
        notes.append(
            TARGET_FAR_EXCEEDED(
                f"实际完成值为目标的 {format_percent(completion)}，超过 {format_percent(rules.far_exceed, 0)}，"
                "年度指标值可能设置偏低"
            )
        )
    if (
        rules.deviation_over is not None
        and wanted.op in rules.deviation_ops
        and completion is not None
        and completion >= rules.deviation_over
    ):
        score = max(Decimal(0), score - rules.deviation_penalty)
        notes.append(
            DEVIATION_PENALTY(
                f"实际完成值为目标的 {format_percent(completion)}，"
                f"达到偏离标准（{format_percent(rules.deviation_over, 0)}），按规则扣 "
                f"{format_score(rules.deviation_penalty)} 分"
            )
        )
    return IndicatorResult(score, "quantitative", wanted, achieved, completion, notes=tuple(notes), met=met)


def _reaches(op: str, target: Decimal, actual: Decimal, tolerance: Decimal) -> bool:
    """Does the actual reach a target of this direction ("=" within a relative tolerance)?"""
    if op == AT_LEAST:
        return actual >= target
    if op == AT_MOST:
        return actual <= target
    return abs(actual - target) <= tolerance * abs(target)


def _proportional(op: str, target: Decimal, actual: Decimal, points: Decimal) -> Decimal:
    """The score of a missed (positive) target: actual ÷ target, target ÷ actual, or the smaller over the larger."""
    if op == AT_LEAST:
        return max(Decimal(0), points * actual / target)
    if op == AT_MOST:
        return max(Decimal(0), points * target / actual) if actual > 0 else Decimal(0)
    low, high = sorted((actual, target))
    return points * low / high if low >= 0 and high > 0 else Decimal(0)


def check_manual_score(
    score: object,
    target: object,
    actual: object,
    weight: object,
    rules: RuleSet | str | None = None,
    level2: object = None,
) -> list[Finding]:
    """Findings about a score a person typed: outside 0…分值, above what the rules give, outside its band."""
    rules = load_rules(rules)
    typed = D(score)
    if typed is None:
        return []
    if isinstance(typed, NotANumber):
        return [SCORE_UNREADABLE(f"得分{typed.reason}")]
    shown = format_score(typed, rules.score_places)
    if typed < 0:
        return [SCORE_NEGATIVE(f"得分 {shown} 不能为负数")]
    points = D(weight)
    if isinstance(points, Decimal) and round_half_up(typed, rules.score_places) > points:  # as it is printed
        return [SCORE_OVER_WEIGHT(f"得分 {shown} 超过分值 {format_score(points)}")]
    result = assess_indicator(target, actual, weight, rules, level2)
    tolerance = rules.score_tolerance
    if result.basis == "quantitative" and result.score is not None:
        expected = format_score(result.score, rules.score_places)
        if typed > result.score + tolerance:
            return [
                SCORE_ABOVE_RULE(
                    f"得分 {shown} 高于按规则计算的 {expected} 分（完成率 {format_percent(result.completion)}）"
                )
            ]
        if typed < result.score - tolerance:
            return [SCORE_BELOW_RULE(f"得分 {shown} 低于按规则计算的 {expected} 分，宜在偏差原因中说明扣分理由")]
        return []
    band = rules.band_for(result.outcome)
    if band is not None and isinstance(points, Decimal):
        low, high = points * band.low, points * band.high
        where = f"实际完成情况显示为“{band.name}”，得分应在 {format_score(low)}–{format_score(high)} 分之间"
        if typed > high + tolerance:
            return [SCORE_ABOVE_BAND(f"得分 {shown} 偏高：{where}")]
        if typed < low - tolerance:
            return [SCORE_BELOW_BAND(f"得分 {shown} 偏低：{where}")]
    return []


class ScoreLine(NamedTuple):
    """One scored row for a total: its 分值, its 得分, and whether it applies this year."""

    weight: Decimal | None
    score: Decimal | None
    applicable: bool = True


def total_score(
    lines: Iterable[ScoreLine | tuple], rules: RuleSet | str | None = None, execution_rate: object = None
) -> Decimal | None:
    """总分: the sum of the scores, rescaled when some rows do not apply, capped by the execution rate.

    None when an applicable row has no score yet (a qualitative indicator waiting for a person).
    """
    rules = load_rules(rules)
    all_weight = applicable_weight = total = Decimal(0)
    for line in (ScoreLine(*row) for row in lines):
        weight = require_number(line.weight) or Decimal(0)
        all_weight += weight
        if not line.applicable:
            continue
        score = require_number(line.score)
        if score is None:
            return None
        applicable_weight += weight
        total += score
    if applicable_weight.is_zero():
        return None
    if applicable_weight != all_weight:
        total = _rescaled(total, all_weight, applicable_weight)  # 不适用的指标不计分，其余按比例折算回满分
        if total is None:
            return None
    cap = execution_cap(execution_rate, rules)
    return min(total, cap) if cap is not None else total


def _rescaled(total: Decimal, all_weight: Decimal, applicable_weight: Decimal) -> Decimal | None:
    """total × all ÷ applicable; None when that is absurd (the applicable 分值 is 4.9E-324): never infinity."""
    try:
        return plausible(total * all_weight / applicable_weight)
    except ArithmeticError:  # beyond Decimal's exponents
        return None


def execution_cap(rate: object, rules: RuleSet | str | None = None) -> Decimal | None:
    """The highest total the rules allow at this execution rate, or None when there is no cap."""
    rules = load_rules(rules)
    value = require_number(rate)
    if value is None:
        return None
    caps = [cap.maximum for cap in rules.total_caps if value < cap.below]
    return min(caps) if caps else None


def grade(total: object, rules: RuleSet | str | None = None) -> str | None:
    """The grade of an (unrounded) total: national 优/良/中/差; None when there is no total.

    The lowest grade starts at 0 or below (the rules are checked for it), so every total from scores has one; a
    negative total, which scores cannot add up to, gets the lowest too.
    """
    rules = load_rules(rules)
    value = require_number(total)
    if value is None:
        return None
    return next((g.label for g in rules.grades if value >= g.minimum), rules.grades[-1].label)


@dataclass(frozen=True)
class IndicatorScore:
    """An indicator with its computed result and the score that stands (typed if typed, else computed)."""

    indicator: Indicator
    result: IndicatorResult
    score: Decimal | None
    manual: bool

    @property
    def applicable(self) -> bool:
        return self.result.basis != "not_applicable"


@dataclass(frozen=True)
class AssessmentScore:
    """The recomputed figures of one 附件2 or 附件3.

    Attributes:
      execution_rate: 全年执行数 ÷ 全年预算数.
      execution_score: 预算执行率得分 by the rules.
      execution_line_score: the 得分 that stands on the 预算执行率 row (typed, or else computed).
      indicators: every indicator with its result.
      total: 总分 (None until every applicable indicator has a score).
      cap: the cap the execution rate puts on the total, if any.
      grade: the grade of the total.
    """

    execution_rate: Decimal | None
    execution_score: Decimal | None
    execution_line_score: Decimal | None
    indicators: tuple[IndicatorScore, ...]
    total: Decimal | None
    cap: Decimal | None
    grade: str | None


def score_assessment(assessment: Assessment, rules: RuleSet | str | None = None) -> AssessmentScore:
    """Recompute every rate and score of a 附件2 or 附件3 the way the rules say."""
    rules = load_rules(rules)
    funding = assessment.funding
    weight = execution_weight(funding, rules)
    rate = execution_rate(funding.total.executed, funding.total.budget)
    computed = execution_score(funding.total.executed, funding.total.budget, weight, rules)
    line_score = funding.printed_score if funding.printed_score is not None else computed
    scored = []
    for indicator in assessment.indicators:
        result = assess_indicator(indicator.target, indicator.actual, indicator.weight, rules, indicator.level2)
        manual = indicator.score is not None
        scored.append(IndicatorScore(indicator, result, indicator.score if manual else result.score, manual))
    lines = [ScoreLine(weight, line_score)] + [
        ScoreLine(item.indicator.weight, item.score, item.applicable) for item in scored
    ]
    try:
        total = total_score(lines, rules, rate)
    except NumberError:
        total = None
    return AssessmentScore(
        rate, computed, line_score, tuple(scored), total, execution_cap(rate, rules), grade(total, rules)
    )
