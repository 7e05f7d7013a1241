"""D(), rounding, tolerance and formats."""

from datetime import date
from decimal import Decimal

import pytest

from perfeval_xl.core.errors import NumberError, PerfevalError
from perfeval_xl.core.numbers import (
    D,
    NotANumber,
    agrees,
    compact_text,
    format_amount,
    format_percent,
    format_printed_percent,
    format_score,
    plausible,
    require_number,
    round_half_up,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (21, Decimal(21)),
        (17.2, Decimal("17.20")),
        (0.1 + 0.2, Decimal("0.3")),
        (89.974, Decimal("89.974")),
        (Decimal("1.50"), Decimal("1.50")),
        ("　21", Decimal(21)),
        ("283.46　", Decimal("283.46")),
        ("１２３", Decimal(123)),
        ("1,294.52", Decimal("1294.52")),
        ("１，２９４．５２", Decimal("1294.52")),
        ("95%", Decimal("0.95")),
        ("９５％", Decimal("0.95")),
        ("2.33万", Decimal(23300)),
        ("3.21亿", Decimal(321000000)),
        ("-12.4", Decimal("-12.4")),
        ("－12.4", Decimal("-12.4")),
        ("−12.4", Decimal("-12.4")),
        ("(5.00)", Decimal("-5.00")),
        ("（5.00）", Decimal("-5.00")),
        ("+3", Decimal(3)),
        (" 95 % ", Decimal("0.95")),
        ("5‰", Decimal("0.005")),
        (".5", Decimal("0.5")),
    ],
)
def test_D__reads_real_cells(cell, expected):
    assert D(cell) == expected


@pytest.mark.parametrize("cell", [None, "", "　", "——", "—", "-", "/", "／", "……", "   "])
def test_D__blank_markers_are_none(cell):
    assert D(cell) is None


def test_D__float_keeps_no_binary_noise():
    assert str(D(17.2)) == "17.2"
    assert str(round_half_up(D(17.2), 2)) == "17.20"
    assert str(D(1294.52)) == "1294.52"


def test_D__percent_keeps_printed_precision():
    assert D("63.57%").as_tuple().exponent == -4
    assert D("0%") == 0 and D("0%").as_tuple().exponent == -2
    assert D("100%").as_tuple().exponent == -2


def test_D__negative_zero_is_zero():
    assert str(D(-0.0)) == "0"
    assert not D("-0").is_signed()


@pytest.mark.parametrize(
    ("cell", "reason_part"),
    [
        ("abc", "不是数字"),
        ("12元", "数字以外的文字“元”"),
        ("1,2,3", "千分位"),
        ("12,34.5", "千分位"),
        ("1.2.3", "不是"),
        ("95%%", "不是"),
        (True, "逻辑值"),
        (float("nan"), "有限"),
        (float("inf"), "有限"),
        (Decimal("NaN"), "有限"),
        (date(2024, 6, 26), "日期"),
        ([1, 2], "list"),
    ],
)
def test_D__says_why_it_cannot(cell, reason_part):
    result = D(cell)
    assert isinstance(result, NotANumber)
    assert not result
    assert reason_part in result.reason


def test_require_number__raises_number_error_with_reason():
    with pytest.raises(NumberError, match="数字以外的文字"):
        require_number("12元")
    with pytest.raises(PerfevalError):
        require_number("abc")
    with pytest.raises(ValueError):
        require_number("abc")
    assert require_number("") is None


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [("0.125", 2, "0.13"), ("0.135", 2, "0.14"), ("2.5", 0, "3"), ("-0.125", 2, "-0.13"), ("0.41265", 4, "0.4127")],
)
def test_round_half_up__rounds_half_away_from_zero(value, places, expected):
    assert str(round_half_up(Decimal(value), places)) == expected


def test_agrees__printed_precision_decides():
    assert agrees(D("63.60%"), Decimal("0.636016"))
    assert not agrees(D("63.57%"), Decimal("0.636016"))
    assert agrees(D("2.2%"), Decimal("0.022031"))
    assert not agrees(D("0%"), Decimal(-1))


def test_format_amount__two_decimals_with_separators():
    assert format_amount(Decimal("1294.52")) == "1,294.52"
    assert format_amount(Decimal("1.5")) == "1.50"
    assert format_amount(Decimal("0.125")) == "0.13"
    assert format_amount(None) == "—"


def test_format_percent__half_up_two_decimals():
    assert format_percent(Decimal("0.41265")) == "41.27%"
    assert format_percent(Decimal("-0.4264")) == "-42.64%"
    assert format_percent(Decimal("1.5"), 0) == "150%"
    assert format_percent(None) == "—"


def test_format_printed_percent__as_printed():
    assert format_printed_percent(D("63.57%")) == "63.57%"
    assert format_printed_percent(D("0%")) == "0%"
    assert format_printed_percent(D("2.2%")) == "2.2%"


def test_format_score__drops_trailing_zeros():
    assert format_score(Decimal("9.2300")) == "9.23"
    assert format_score(Decimal("10.00")) == "10"
    assert format_score(Decimal("4.5")) == "4.5"
    assert format_score(Decimal("9.235")) == "9.24"
    assert format_score(None) == "—"


def test_D__footnote_marks_are_not_digits():
    assert isinstance(D("283.46①"), NotANumber) and isinstance(D("1²"), NotANumber)


def test_D__absurdly_large_numbers_are_refused_not_crashed():
    for value in ("1" + "0" * 40, 1e300, 10**20, Decimal("9" * 27)):
        assert isinstance(D(value), NotANumber)
    assert D("999999999999999") == Decimal("999999999999999")


def test_round_half_up__no_negative_zero_and_large_values():
    assert str(round_half_up(Decimal("-0.001"), 2)) == "0.00"
    assert format_amount(Decimal("99999999999999.99")) == "99,999,999,999,999.99"


def test_agrees__exact_half_up_and_minimum_places():
    assert not agrees(D("41.26%"), Decimal("0.41265"))  # half up gives 41.27%
    assert agrees(D("41.27%"), Decimal("0.41265"))
    assert agrees(D(1.0), Decimal("0.6")) and not agrees(D(1.0), Decimal("0.6"), min_places=2)


def test_compact_text__normalised_without_any_whitespace():
    assert compact_text("　产出\n指标 （５０分）\u00a0") == "产出指标(50分)"
    assert compact_text("") == ""


def test_D__ints_too_long_to_print_are_not_numbers():
    huge = D(10**5000)  # str() of it raises in Python 3.11
    assert isinstance(huge, NotANumber) and "太大" in huge.reason
    listed = D([10**5000])
    assert isinstance(listed, NotANumber) and "list" in listed.reason


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), Decimal("sNaN"), Decimal("-Infinity")])
def test_D__non_finite_floats_and_decimals_are_not_numbers(value):
    result = D(value)
    assert isinstance(result, NotANumber) and "有限" in result.reason


def test_D__the_smallest_floats_are_finite_numbers():
    assert D(5e-324) == Decimal("4.94065645841247E-324")
    assert D(-5e-324) == Decimal("-4.94065645841247E-324")


def test_plausible__only_finite_figures_below_the_limit():
    assert plausible(Decimal("-12.5")) == Decimal("-12.5")
    assert plausible(Decimal("4.9E-324")) == Decimal("4.9E-324")
    assert plausible(None) is None
    for absurd in (Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN"), Decimal(10) ** 15, Decimal("-2E+337")):
        assert plausible(absurd) is None
