"""The official ratios (控制率, 执行率, 差异率, 同比增减率, 占比…) as unrounded Decimal fractions.

Every function takes whatever D() takes. A missing value or a zero denominator gives None (shown "—"), never
an error or infinity, and so does a result too large to be a figure (99999999999999 ÷ 4.9E-324); unreadable text
raises NumberError. Rounding is the caller's explicit, separate step.
"""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.core.numbers import plausible, require_number


def ratio(numerator: object, denominator: object) -> Decimal | None:
    """numerator ÷ denominator; None when either is missing, the denominator is zero, or the result is absurd."""
    top, bottom = require_number(numerator), require_number(denominator)
    if top is None or bottom is None or bottom.is_zero():
        return None
    try:
        return plausible(top / bottom)
    except ArithmeticError:  # beyond even Decimal's exponents: 10 ÷ Decimal("1E-999999")
        return None


def change_amount(current: object, previous: object) -> Decimal | None:
    """同比增减 = 本年 − 上年 (signed); None when either is missing."""
    now, before = require_number(current), require_number(previous)
    if now is None or before is None:
        return None
    return now - before  # both are below D()'s limit, so their difference is a finite figure


def relative_change(new: object, base: object) -> Decimal | None:
    """(new − base) ÷ base, signed; None when either is missing or base is zero."""
    difference = change_amount(new, base)
    return ratio(difference, base) if difference is not None else None


def control_rate(actual: object, planned: object) -> Decimal | None:
    """控制率 = 实际 ÷ 计划 (实际在职 ÷ 编制, 决算 ÷ 预算, 实际规模 ÷ 批复规模…)."""
    return ratio(actual, planned)


def execution_rate(executed: object, budget: object) -> Decimal | None:
    """执行率 = 全年执行数 ÷ 全年预算数 (the adjusted, full-year budget, not 年初预算数)."""
    return ratio(executed, budget)


def variance_rate(final: object, budget: object) -> Decimal | None:
    """差异率 = (决算 − 预算) ÷ 预算, signed, as in the 收支预决算 table."""
    return relative_change(final, budget)


def change_rate(current: object, previous: object) -> Decimal | None:
    """同比增减率 (变动率) = (本年 − 上年) ÷ 上年, signed."""
    return relative_change(current, previous)


def share(part: object, total: object) -> Decimal | None:
    """占比 = 部分 ÷ 合计."""
    return ratio(part, total)


def adjustment_rate(adjusted: object, initial: object) -> Decimal | None:
    """预算调整率 = (调整后预算 − 年初预算) ÷ 年初预算, signed."""
    return relative_change(adjusted, initial)


def carryover_rate(carryover: object, budget: object) -> Decimal | None:
    """结转结余率 = 结转结余 ÷ 支出预算数."""
    return ratio(carryover, budget)


def completion_rate(actual: object, target: object) -> Decimal | None:
    """完成率 = 实际完成值 ÷ 年度指标值."""
    return ratio(actual, target)
