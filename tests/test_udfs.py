"""The PE_* worksheet functions as Excel calls them (xlwings' decorators do nothing on Linux)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    from perfeval_xl.functions import _score_cell_uncached, excel_value, pe_score

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
