"""The monitoring figures: 序时进度 from the month, its gap to 执行率, whether a forecast reaches its target."""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.core.cycle import COST, is_cost_indicator
from perfeval_xl.core.numbers import D, is_blank
from perfeval_xl.core.rulesets import RuleSet, level2_name
from perfeval_xl.engine.scoring import assess_indicator
from perfeval_xl.engine.targets import MET, QUALITATIVE, QUANTITATIVE, is_not_applicable, parse_target
from perfeval_xl.engine.targets import qualitative_outcome as _qualitative_outcome

MONTHS = 12


REACHES, FALLS_SHORT = "能", "不能"  # what the 预计能否完成 column shows


def month_number(month: object) -> int | None:
    """The monitoring month as a whole number 1–12; None for anything else (blank, 7.5, 13, text)."""
    value = D(month)
    if not isinstance(value, Decimal) or value != value.to_integral_value() or not 1 <= value <= MONTHS:
        return None
    return int(value)


def schedule_progress(month: object) -> Decimal | None:
    """序时进度: the share of the year gone by the end of the month (7 -> 7/12 = 58.33%)."""
    number = month_number(month)
    return None if number is None else Decimal(number) / MONTHS


def progress_gap(rate: object, progress: object) -> Decimal | None:
    """执行率 − 序时进度 (negative: behind schedule); None unless both are numbers."""
    a, b = D(rate), D(progress)
    if not isinstance(a, Decimal) or not isinstance(b, Decimal):
        return None
    return a - b


def scored_as(level2: object, rules: RuleSet) -> object:
    """The 二级指标 whose direction a bare number takes: a cost block of 101号 (经济成本指标…) as 成本指标, unless the
    rule set names it itself; any other block as it is."""
    if is_cost_indicator(level2) and level2_name(level2) not in rules.bare_op_by_level2:
        return COST
    return level2


def forecast_reaches(target: object, forecast: object, rules: RuleSet, level2: object = None) -> bool | None:
    """Whether the 全年预计完成情况 reaches the 年度指标值 by the scoring's own completion rule; None when that
    cannot be told (a blank or unreadable forecast, a qualitative target whose forecast says neither)."""
    if is_blank(target) or is_blank(forecast) or is_not_applicable(target) or is_not_applicable(forecast):
        return None
    level2 = scored_as(level2, rules)
    wanted = parse_target(target, rules.bare_op_for(level2))
    if wanted.kind == QUALITATIVE:
        outcome = _qualitative_outcome(target, forecast)
        return None if outcome is None else outcome == MET
    if wanted.kind != QUANTITATIVE:
        return None
    return assess_indicator(target, forecast, 1, rules, level2).met


def reaches_text(reached: bool | None) -> str | None:
    return None if reached is None else (REACHES if reached else FALLS_SHORT)
