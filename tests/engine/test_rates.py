"""The official ratios."""

from decimal import Decimal

import pytest

from perfeval_xl.core.errors import NumberError
from perfeval_xl.core.numbers import round_half_up
from perfeval_xl.engine.rates import (
    adjustment_rate,
    carryover_rate,
    change_amount,
    change_rate,
    completion_rate,
    control_rate,
    execution_rate,
    share,
    variance_rate,
)

RATE_FUNCTIONS = [
    control_rate,
    execution_rate,
    variance_rate,
    change_rate,
    share,
    adjustment_rate,
    carryover_rate,
    completion_rate,
]


def pct(value: Decimal) -> Decimal:
    return round_half_up(value * 100, 2)


def test_control_rate__staff_and_sangong():
    assert control_rate(21, 21) == 1
    assert pct(control_rate("1.13", "1.5")) == Decimal("75.33")
    assert pct(control_rate(11, 8)) == Decimal("137.50")


def test_execution_rate__full_year_budget():
    assert execution_rate("1,294.52", "1294.52") == 1
    assert pct(execution_rate("9096.62", "9103.22")) == Decimal("99.93")


def test_variance_rate__signed():
    assert pct(variance_rate("321.69", "196.63")) == Decimal("63.60")
    assert variance_rate(0, "64.69") == -1
    assert variance_rate("64.69", "64.69") == 0


def test_change_amount__signed_and_missing():
    assert change_amount("1.13", "1.97") == Decimal("-0.84")
    assert change_amount("2", None) is None
    assert change_amount(None, "2") is None


def test_change_rate__negative_change():
    assert pct(change_rate("1.13", "1.97")) == Decimal("-42.64")


def test_change_rate__from_zero_is_no_value():
    assert change_rate(5, 0) is None


def test_share__of_total():
    assert pct(share("250.69", "321.69")) == Decimal("77.93")
    assert share(0, "71") == 0


def test_adjustment_rate__signed():
    assert pct(adjustment_rate("1294.52", "741.21")) == Decimal("74.65")
    assert pct(adjustment_rate("206.22", "323.5")) == Decimal("-36.25")


def test_carryover_rate__ratio():
    assert pct(carryover_rate("64.69", "196.63")) == Decimal("32.90")


def test_completion_rate__actual_over_target():
    assert pct(completion_rate(2380, 1200)) == Decimal("198.33")


@pytest.mark.parametrize("function", RATE_FUNCTIONS)
@pytest.mark.parametrize("denominator", [0, "0", "0.00", None, "", "——", "/", 0.0])
def test_rates__zero_or_missing_denominator_is_none(function, denominator):
    assert function(10, denominator) is None


@pytest.mark.parametrize("function", RATE_FUNCTIONS)
def test_rates__missing_numerator_is_none(function):
    assert function(None, 10) is None
    assert function("　", 10) is None


@pytest.mark.parametrize("function", RATE_FUNCTIONS)
def test_rates__full_width_input(function):
    assert function("１０", "２０") == function(10, 20)


@pytest.mark.parametrize("function", RATE_FUNCTIONS)
def test_rates__unreadable_input_raises_number_error(function):
    with pytest.raises(NumberError, match="数字以外"):
        function("12元", 10)


def test_rates__unrounded_fraction():
    rate = control_rate(1, 3)
    assert rate is not None and rate.as_tuple().exponent < -20


@pytest.mark.parametrize("function", RATE_FUNCTIONS)
@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [
        (99999999999999, 4.9e-324),
        ("99999999999999", "0." + "0" * 40 + "1"),
        (10, Decimal("1E-999999")),  # beyond Decimal's own exponents: Overflow, were it not caught
        (-99999999999999, Decimal("-1E-999999")),
    ],
)
def test_rates__an_absurd_result_is_none_not_infinity(function, numerator, denominator):
    assert function(numerator, denominator) is None


def test_rates__tiny_but_plausible_results_stay():
    assert control_rate(5e-324, 1) == Decimal("4.94065645841247E-324")
    assert control_rate(1, "0.0001") == 10_000


def test_change_amount__the_largest_figures_stay_finite():
    assert change_amount(999999999999999, -999999999999999) == Decimal(1999999999999998)
