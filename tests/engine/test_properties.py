"""Properties that must hold for any input (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_xl.core.numbers import D, NotANumber
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import indicator_score
from perfeval_xl.engine.targets import QUALITATIVE, QUANTITATIVE, UNREADABLE, parse_actual, parse_target

NATIONAL = load_rules("national")

# Text that looks like what people type into target cells, plus anything at all.
FORM_CHARACTERS = (
    "0123456789.,%％０１２３４５６７８９　 万亿千元人次以上内下≥≤<>=按不低于超过控制在达到—/()（）年月日个"
)
form_text = st.text(alphabet=FORM_CHARACTERS, max_size=20)
any_text = st.text(max_size=40)
cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    any_text,
    form_text,
)


@given(cell_values)
def test_D__never_raises(value):
    result = D(value)
    assert result is None or isinstance(result, Decimal | NotANumber)
    if isinstance(result, Decimal):
        assert result.is_finite()


@given(st.one_of(any_text, form_text))
def test_parse_target__never_raises(text):
    target = parse_target(text)
    assert target.kind in (QUANTITATIVE, QUALITATIVE, UNREADABLE)
    assert (target.value is not None) == (target.kind == QUANTITATIVE)
    assert (target.error is not None) == (target.kind == UNREADABLE)
    parse_actual(text)


positive_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2)
any_amounts = st.decimals(min_value=Decimal(-1000), max_value=Decimal(10**6), places=2)
weights = st.decimals(min_value=Decimal(0), max_value=Decimal(100), places=1)
operators = st.sampled_from(["≥", "≤", "=", "", "不低于", "控制在"])
suffixes = st.sampled_from(["", "以上", "以内", "%", "%以上", "人", "万人"])


@settings(max_examples=300)
@given(operators, positive_amounts, suffixes, any_amounts, weights, st.sampled_from(["national", "province-platform"]))
def test_indicator_score__always_between_zero_and_weight(op, target, suffix, actual, weight, rules):
    unit = suffix.replace("以上", "").replace("以内", "")
    score = indicator_score(f"{op}{target}{suffix}", f"{actual}{unit}", weight, rules)
    assert score is None or Decimal(0) <= score <= weight


@settings(max_examples=300)
@given(st.sampled_from(["≥", "", "不低于", "达到"]), positive_amounts, any_amounts, any_amounts, weights)
def test_indicator_score__never_decreases_as_positive_actual_grows(op, target, first, second, weight):
    low, high = sorted((first, second))
    low_score = indicator_score(f"{op}{target}", str(low), weight, NATIONAL)
    high_score = indicator_score(f"{op}{target}", str(high), weight, NATIONAL)
    assert low_score is not None and high_score is not None
    assert low_score <= high_score


@settings(max_examples=200)
@given(
    st.sampled_from(["≤", "不超过", "控制在"]),
    positive_amounts,
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
    weights,
)
def test_indicator_score__never_increases_as_negative_actual_grows(op, target, first, second, weight):
    low, high = sorted((first, second))
    assert indicator_score(f"{op}{target}", str(low), weight) >= indicator_score(f"{op}{target}", str(high), weight)
