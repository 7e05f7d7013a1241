"""The PE_* worksheet functions as Excel calls them (xlwings' decorators do nothing on Linux)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_xl.engine.functions import excel_value
from perfeval_xl.udfs import (
    PE_ADJRATE,
    PE_CHANGE,
    PE_CHANGERATE,
    PE_CONTROLRATE,
    PE_DIFFRATE,
    PE_EXECRATE,
    PE_EXECSCORE,
    PE_FUNCTIONS,
    PE_GRADE,
    PE_SCORE,
    PE_SHARE,
    PE_TARGETOP,
    PE_TOTAL,
)

TWO_ARGUMENT = [PE_CONTROLRATE, PE_EXECRATE, PE_DIFFRATE, PE_CHANGE, PE_CHANGERATE, PE_SHARE, PE_ADJRATE]


def test_pe_rates__numbers():
    assert PE_CONTROLRATE(1.13, 1.5) == pytest.approx(0.753333333)
    assert PE_EXECRATE(1294.52, 1294.52) == 1
    assert PE_DIFFRATE(321.69, 196.63) == pytest.approx(0.636017, abs=1e-6)
    assert PE_CHANGE(1.13, 1.97) == pytest.approx(-0.84)
    assert PE_CHANGERATE(1.13, 1.97) == pytest.approx(-0.426396, abs=1e-6)
    assert PE_SHARE(250.69, 321.69) == pytest.approx(0.779291, abs=1e-6)
    assert PE_ADJRATE(206.22, 323.5) == pytest.approx(-0.362535, abs=1e-6)


@pytest.mark.parametrize("function", TWO_ARGUMENT)
def test_pe_rates__blank_inputs_are_blank(function):
    assert function(None, 10) == ""
    assert function("", None) == ""


@pytest.mark.parametrize("function", [PE_CONTROLRATE, PE_EXECRATE, PE_DIFFRATE, PE_CHANGERATE, PE_SHARE, PE_ADJRATE])
def test_pe_rates__zero_denominator_is_a_dash(function):
    assert function(5, 0) == "—"
    assert function(5.0, 0.0) == "—"


@pytest.mark.parametrize("function", TWO_ARGUMENT)
def test_pe_rates__excel_style_text(function):
    assert function("　１２", "２４") == function(12, 24)
    assert function("1,200", "2,400") == function(1200, 2400)


@pytest.mark.parametrize("function", TWO_ARGUMENT)
def test_pe_rates__unreadable_text_is_a_message(function):
    assert function("12元", 10) == "#数值无法识别"


def test_pe_rates__one_column_and_one_row_ranges():
    assert PE_CONTROLRATE([1.0, 2.0, None], [2.0, 0.0, 5.0]) == [[0.5], ["—"], [""]]
    assert PE_CONTROLRATE([[1.0, 3.0]], [[2.0, 4.0]]) == [[0.5, 0.75]]
    assert PE_CONTROLRATE([1.0, 2.0], [1.0]) == "#区域大小不一致"


def test_pe_execscore__capped_at_weight():
    assert PE_EXECSCORE(92.3, 100, 10) == pytest.approx(9.23)
    assert PE_EXECSCORE(120, 100, 10) == 10
    assert PE_EXECSCORE(50, 0, 10) == "—"
    assert PE_EXECSCORE(None, 100, 10) == ""
    assert PE_EXECSCORE(50, 100, 10, "no-such-rules") == "#评分规则无效"


@pytest.mark.parametrize(
    ("args", "engine", "shown"),
    [
        ((None, None, None), None, ""),
        (("", " ", ""), None, ""),
        (("不适用", "", 10), "不适用", "不适用"),
        (("≥95%", "不适用", 10), "不适用", "不适用"),
    ],
)
def test_pe_score__unscored_rows_alike_in_the_engine_and_in_cells(args, engine, shown):
    from perfeval_xl.engine.functions import _score_cell_uncached, excel_value, pe_score

    assert pe_score(*args) == engine
    assert excel_value("PE_SCORE", list(args)) == shown
    assert _score_cell_uncached(*args, None, None) == shown  # the path for arguments the cache cannot hold


def test_pe_score__quantitative_qualitative_and_messages():
    assert PE_SCORE("95%以上", "100%", 10) == 10
    assert PE_SCORE("≤5%", "8%", 10) == pytest.approx(6.25)
    assert PE_SCORE("按时足额发放", "按时足额发放", 10) == 10
    assert PE_SCORE("保证社保基金安全", "保证安全", 15) == ""  # a person judges
    assert PE_SCORE("不适用", "", 10) == "不适用"
    assert PE_SCORE("90%-100%", "95%", 10) == "#目标值无法识别"
    assert PE_SCORE("95%以上", "1740元", 10) == "#单位不一致"
    assert PE_SCORE("≥95%", "96%", "十分") == "#分值无法识别"
    assert PE_SCORE(None, None, None) == ""
    assert PE_SCORE("1200", "1560", 10, "province-platform") == 8
    assert PE_SCORE("1740元/人/月", "1800元/人/月", 10, None, "成本指标") == pytest.approx(9.6667, abs=1e-4)


def test_pe_total__rescales_not_applicable_and_caps():
    assert PE_TOTAL([40.0, "不适用", 10.0], [50, 30, 10], 10.0, 10) == pytest.approx(60 * 100 / 70)
    assert PE_TOTAL([[40.0], [None]], [[50], [40]], 10.0, 10) == ""  # waiting for a person's score
    assert PE_TOTAL([88.0], [90], 7.5, 10, 0.75, "province-platform") == 89


def test_pe_grade_and_targetop():
    assert PE_GRADE(95) == "优" and PE_GRADE(89.996) == "良" and PE_GRADE(86, "grade-85") == "优秀"
    assert PE_GRADE(None) == ""
    assert PE_TARGETOP("控制在3.5%以内") == "≤ 3.5%"
    assert PE_TARGETOP("按时足额发放") == "定性"
    assert PE_TARGETOP("") == ""
    # a bare number reads as PE_SCORE scores it: "不低于", but "不超过" in a cost block of either structure
    assert PE_TARGETOP("1200") == "≥ 1200"
    assert PE_TARGETOP("1200", None, "成本指标") == PE_TARGETOP("1200", "national", "经济成本指标") == "≤ 1200"


def test_pe_functions__have_chinese_docstrings():
    for name, function in PE_FUNCTIONS.items():
        assert function.__doc__ and any("\u4e00" <= ch <= "\u9fff" for ch in function.__doc__), name


excel_values = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
    st.text(max_size=12),
    st.just(datetime.datetime(2024, 1, 1)),
    st.lists(st.one_of(st.none(), st.floats(), st.text(max_size=5)), max_size=4),
)


@settings(max_examples=300)
@given(st.sampled_from(sorted(PE_FUNCTIONS)), st.lists(excel_values, min_size=1, max_size=6))
def test_pe_functions__never_raise(name, arguments):
    function = PE_FUNCTIONS[name]
    count = function.__code__.co_argcount
    required = count - len(function.__defaults__ or ())
    arguments = (arguments + [None] * count)[: max(required, min(len(arguments), count))]
    result = function(*arguments)
    assert result is not None


HOSTILE_RULE_SETS = [
    "a\x00b.toml",
    "\ud800",
    "\ud800.toml",
    "/dev/zero",
    "\\\\host\\share\\x.toml",
    "//host/share/x.toml",
    "x" * 100_000,
    "CON",
    "http://example.com/x.toml",
    1.5,
    float("nan"),
    10**400,
    datetime.datetime(2024, 1, 1),
    ["national"],
]


@pytest.mark.parametrize("rule_set", HOSTILE_RULE_SETS, ids=lambda value: repr(value)[:20])
def test_pe_functions__a_rule_set_that_cannot_be_loaded_is_a_message(rule_set):
    assert PE_SCORE("≥95%", "96%", 10, rule_set) == "#评分规则无效"
    assert PE_EXECSCORE(9, 10, 10, rule_set) == "#评分规则无效"
    assert PE_TOTAL([40.0], [50], 10.0, 10, None, rule_set) == "#评分规则无效"
    assert PE_GRADE(95, rule_set) == "#评分规则无效"


@pytest.mark.parametrize("function", [PE_CONTROLRATE, PE_EXECRATE, PE_DIFFRATE, PE_CHANGERATE, PE_SHARE, PE_ADJRATE])
def test_pe_rates__a_ratio_to_a_tiny_denominator_is_a_dash_not_infinity(function):
    assert function(99999999999999, 4.9e-324) == "—"
    assert function("99999999999999", "0." + "0" * 40 + "1") == "—"
    assert function([99999999999999, 1.0], [5e-324, 2.0]) == [["—"], [function(1.0, 2.0)]]


def test_pe_score__true_is_not_the_number_one():
    assert PE_SCORE("≥95%", "96%", 1) == 1
    assert PE_SCORE("≥95%", "96%", True) == "#分值无法识别"  # not the cached result for 1, an equal key


def test_pe_total__ranges_nested_deeper_than_python_recurses():
    scores, weights = [40.0], [50]
    for _ in range(5000):
        scores, weights = [scores], [weights]
    assert PE_TOTAL(scores, weights, 10.0, 10) == PE_TOTAL([40.0], [50], 10.0, 10) == 50


def test_excel_value__what_nothing_foresaw_is_a_short_message():
    from perfeval_xl.engine.functions import UNEXPECTED, excel_value

    assert excel_value("PE_GRADE", [90, None, "extra", "arguments"]) == UNEXPECTED
    assert excel_value("PE_NOSUCH", [1]) == UNEXPECTED
    assert UNEXPECTED.startswith("#")


def test_display_value__a_figure_beyond_floats_is_a_message():
    from decimal import Decimal

    from perfeval_xl.engine.functions import display_value

    assert display_value("PE_CHANGE", Decimal("1E+400"), [1, 1]) == "#数值超出范围"
    assert display_value("PE_CHANGE", Decimal("-1.5"), [1, 1]) == -1.5


def test_PE_TOTAL__a_row_showing_a_message_is_not_scored_yet():
    # what Excel hands PE_TOTAL when a row's PE_SCORE shows "#目标值无法识别": the same blank total as the engine's
    assert excel_value("PE_TOTAL", [[7.0, "#目标值无法识别"], [10, 20], 10.0, 10, 1.0, "national"]) == ""
    assert excel_value("PE_TOTAL", [[7.0, 20.0], [10, 20], "#数值无法识别", 10, 1.0, "national"]) == ""
    assert excel_value("PE_TOTAL", [[7.0, "abc"], [10, 20], 10.0, 10, 1.0, "national"]) == "#数值无法识别"
