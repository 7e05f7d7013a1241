"""Reading targets and actual values."""

import timeit
from decimal import Decimal

import pytest

from perfeval_xl.engine.targets import (
    MET,
    NOT_MET,
    PARTLY,
    QUALITATIVE,
    QUANTITATIVE,
    UNREADABLE,
    is_not_applicable,
    parse_actual,
    parse_target,
    qualitative_outcome,
    units_compatible,
)


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        # domain.md §3
        ("5.4%以内", "<=", "0.054", "%"),
        ("≤5.4%", "<=", "0.054", "%"),
        ("控制在3.5%以内", "<=", "0.035", "%"),
        ("95%以上", ">=", "0.95", "%"),
        ("达95%以上", ">=", "0.95", "%"),
        ("≥95%", ">=", "0.95", "%"),
        ("不低于95%", ">=", "0.95", "%"),
        ("100%以上", ">=", "1", "%"),
        ("2400人", ">=", "2400", "人"),
        ("2.33万人", ">=", "23300", "人"),
        ("1740元/人/月", ">=", "1740", "元/人/月"),
        ("3.21亿元", ">=", "321000000", "元"),
        ("=100%", "=", "1", "%"),
        # 002's forms, full-width spaces and all
        ("　5.4%以内", "<=", "0.054", "%"),
        ("　95%以上", ">=", "0.95", "%"),
        ("　1200", ">=", "1200", ""),
        ("　2400", ">=", "2400", ""),
        ("　100%以上", ">=", "1", "%"),
        ("　1740元/人/月", ">=", "1740", "元/人/月"),
        # more shapes seen in real forms
        ("９５％以上", ">=", "0.95", "%"),
        ("≧95％", ">=", "0.95", "%"),
        (">=95%", ">=", "0.95", "%"),
        ("不超过5.4%", "<=", "0.054", "%"),
        ("不得超过100万元", "<=", "1000000", "元"),
        ("1,200人以上", ">=", "1200", "人"),
        ("30日内", "<=", "30", "天"),
        ("30个工作日内", "<=", "30", "工作日"),
        ("按1740元/人/月", "=", "1740", "元/人/月"),
        ("城镇登记失业率控制在4.5%以内", "<=", "0.045", "%"),
        ("按时发放率100%", ">=", "1", "%"),
        ("提高到95%", ">=", "0.95", "%"),
        ("降低至3%以下", "<=", "0.03", "%"),
        ("95%以上（含）", ">=", "0.95", "%"),
        ("5‰以下", "<=", "0.005", "%"),
        ("百分之95", ">=", "0.95", "%"),
        ("2023年新增就业2400人", ">=", "2400", "人"),
        ("1200人左右", "=", "1200", "人"),
        ("500平方米", ">=", "500", "㎡"),
    ],
)
def test_parse_target__quantitative_forms(text, op, value, unit):
    target = parse_target(text)
    assert target.kind == QUANTITATIVE, target.error
    assert (target.op, target.value, target.unit) == (op, Decimal(value), unit)
    assert target.text == text


def test_parse_target__bare_number_direction_is_implicit_and_configurable():
    assert parse_target("1200").op == ">=" and parse_target("1200", bare_op="=").op == "="  # the rules' direction
    assert parse_target("≥1200", bare_op="=").op == ">="  # the text's own direction
    assert parse_target("1740元/人/月", bare_op="<=").op == "<="
    assert parse_target("≥95%", bare_op="<=").op == ">="


@pytest.mark.parametrize(
    "text",
    [
        "按时足额发放",
        "按政策按时补贴到位",
        "健全",
        "有效提升",
        "　有效提升",
        "保证社保基金安全",
        "",
        "　",
        "12月底前完成",
        "2023年完成培训",
        "6月30日前",
    ],
)
def test_parse_target__qualitative(text):
    target = parse_target(text)
    assert target.kind == QUALITATIVE
    assert target.op is None and target.value is None


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("90%-100%", "多个数字"),
        ("95%~98%", "多个数字"),
        ("≥90%且≤100%", "多个数字"),
        ("增长5%以上", "增减幅度"),
        ("同比下降5%", "增减幅度"),
        ("未超过5%", "方向无法确定"),
        ("95%以上以内", "方向矛盾"),
        ("1200人参加岗位技能提升培训", "单位"),
        ("12,34人", "千分位"),
    ],
)
def test_parse_target__unreadable_says_why(text, reason_part):
    target = parse_target(text)
    assert target.kind == UNREADABLE
    assert reason_part in (target.error or "")
    assert target.value is None


def test_parse_target__non_text_cells():
    assert parse_target(1200.0).value == Decimal(1200)
    assert parse_target(None).kind == QUALITATIVE


@pytest.mark.parametrize(
    ("text", "op", "value", "unit"),
    [
        ("2380", None, "2380", ""),
        ("　2910", None, "2910", ""),
        ("100%", None, "1", "%"),
        ("　5.4%以内", "<=", "0.054", "%"),
        ("95%以上", ">=", "0.95", "%"),
        ("2.33万人", None, "23300", "人"),
    ],
)
def test_parse_actual__values_and_bounds(text, op, value, unit):
    actual = parse_actual(text)
    assert (actual.kind, actual.op, actual.value, actual.unit) == (QUANTITATIVE, op, Decimal(value), unit)


def test_parse_actual__text_is_qualitative():
    assert parse_actual("已进行培训").kind == QUALITATIVE


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("≥95%", "≥ 95%"),
        ("5.4%以内", "≤ 5.4%"),
        ("按时足额发放", "定性"),
        ("1740元/人/月", "≥ 1740 元/人/月"),
        ("2.33万人", "≥ 23300 人"),
        ("90%-100%", "无法识别"),
        ("=100%", "= 100%"),
    ],
)
def test_describe__how_it_was_read(text, shown):
    assert parse_target(text).describe() == shown


def test_units_compatible__wan_ren_and_ren_agree():
    assert units_compatible(parse_target("2.33万人"), parse_actual("25000人")) is None


def test_units_compatible__bare_number_agrees_with_counted_unit():
    assert units_compatible(parse_target("2400人"), parse_actual("2910")) is None


def test_units_compatible__percent_against_yuan_disagrees():
    message = units_compatible(parse_target("95%"), parse_actual("1740元"))
    assert message and "单位不一致" in message


def test_units_compatible__percent_against_bare_number_is_reported_not_guessed():
    message = units_compatible(parse_target("95%以上"), parse_actual("100"))
    assert message and "100%" in message


def test_units_compatible__ren_against_renci_disagrees():
    assert units_compatible(parse_target("2400人"), parse_actual("2600人次"))


@pytest.mark.parametrize(
    ("target", "actual", "outcome"),
    [
        ("按时足额发放", "按时足额发放", MET),
        ("有效提升", "　有效提升", MET),
        ("按计划执行培训", "已进行培训", MET),
        ("开展第三方审计", "已进行第三方审计", MET),
        ("健全", "已健全", MET),
        ("按时足额发放", "未按时发放", NOT_MET),
        ("按时足额发放", "尚未完成", NOT_MET),
        ("健全", "基本健全", PARTLY),
        ("健全", "部分完成", PARTLY),
        ("保证社保基金安全", "保证安全", None),
        ("做好宣传，对社会保险参保扩面", "进行宣传，提高了参保扩面", None),
        ("健全", "", None),
    ],
)
def test_qualitative_outcome__reads_the_actual_text(target, actual, outcome):
    assert qualitative_outcome(target, actual) == outcome


@pytest.mark.parametrize(
    ("text", "expected"), [("不适用", True), ("　不涉及", True), ("N/A", True), ("健全", False), ("", False)]
)
def test_is_not_applicable__words(text, expected):
    assert is_not_applicable(text) is expected


def test_parse_actual__signed_values():
    assert parse_actual("-0.5%").value == Decimal("-0.005")
    assert parse_actual("－12").value == Decimal(-12)
    assert parse_target("≥-5%").value == Decimal("-0.05")


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("不超5%", "<="),
        ("最高5%", "<="),
        ("上限5%", "<="),
        ("不足1%", "<="),
        ("不到1%", "<="),
        ("不满5人", "<="),
        ("压减到5%", "<="),
        ("≯5%", "<="),
        ("低于或等于5%", "<="),
        ("高于或等于95%", ">="),
        ("最低95%", ">="),
        ("≮95%", ">="),
    ],
)
def test_parse_target__more_direction_words(text, op):
    # the direction is the text's own: the rules' direction for bare numbers ("=" here) does not replace it
    assert parse_target(text).op == op and parse_target(text, bare_op="=").op == op


def test_parse_target__unknown_negation_is_not_guessed():
    assert parse_target("不逾5%").kind == UNREADABLE


def test_parse_target__figure_only_in_brackets_is_read():
    assert (parse_target("满意度（≥95%）").op, parse_target("满意度（≥95%）").value) == (">=", Decimal("0.95"))
    assert parse_target("(≥95%)").value == Decimal("0.95")


@pytest.mark.parametrize("text", ["第2季度完成", "第3周", "3季度完成"])
def test_parse_target__order_in_time_is_qualitative(text):
    assert parse_target(text).kind == QUALITATIVE


def test_parse_target__action_words_are_not_units():
    assert parse_target("2次完成").kind == UNREADABLE


def test_parse_target__approximate():
    assert parse_target("95%左右").approximate and parse_target("约95%").approximate
    assert not parse_target("=95%").approximate


def test_units_compatible__scaled_target_against_bare_number_is_reported():
    message = units_compatible(parse_target("控制在100万元以内"), parse_actual("120"))
    assert message and "120万元" in message
    assert units_compatible(parse_target("控制在100万元以内"), parse_actual("120万元")) is None


@pytest.mark.parametrize(
    ("actual", "outcome"),
    [
        ("无法按时完成", NOT_MET),
        ("不能按时完成", NOT_MET),
        ("没能完成", NOT_MET),
        ("不是全部完成", NOT_MET),
        ("完成不到一半", NOT_MET),
        ("难以实现", NOT_MET),
        ("完成率仅50%", None),
        ("已完成60%", None),
        ("已完成100%", MET),
        ("未发生安全事故", MET),
        ("均未出现问题", MET),
        ("是否达标：是", MET),
        ("是否达标：否", NOT_MET),
    ],
)
def test_qualitative_outcome__negations_figures_and_answers(actual, outcome):
    assert qualitative_outcome("按计划完成", actual) == outcome


def test_qualitative_outcome__basic_in_the_target_is_not_partly():
    assert qualitative_outcome("保障失业人员基本生活", "保障失业人员基本生活") == MET
    assert qualitative_outcome("确保基本养老金按时足额发放", "基本养老金已按时足额发放") == MET


@pytest.mark.parametrize(
    "actual",
    [
        "未及时处理群众投诉",
        "尚未整改存在问题",
        "未解决",
        "问题未解决",
        "未有效处置",
        "未发生安全事故，但未完成整改",
    ],
)
def test_qualitative_outcome__a_negated_doing_before_a_bad_thing_is_not_good_news(actual):
    assert qualitative_outcome("及时处理群众投诉", actual) == NOT_MET


@pytest.mark.parametrize(
    "actual",
    ["未发生安全事故", "无投诉", "零投诉", "未发生一起重大安全事故", "无任何投诉", "未收到有效投诉", "未发现安全隐患"],
)
def test_qualitative_outcome__a_negated_bad_thing_is_good_news(actual):
    assert qualitative_outcome("及时处理群众投诉", actual) == MET


def test_parse_actual__numbers_from_formula_cells_read_as_excel_shows_them():
    assert (parse_actual(0.1 + 0.2).text, parse_actual(0.1 + 0.2).value) == ("0.3", Decimal("0.3"))
    tiny = parse_actual(1.5e-07)
    assert (tiny.kind, tiny.value) == (QUANTITATIVE, Decimal("0.00000015"))
    assert parse_target(Decimal("1E+3")).value == Decimal(1000)
    assert parse_target(True).kind == QUALITATIVE  # a logical value is not a number


def test_parse_target__thousand_is_a_scale_only_before_yuan_ren_hu():
    assert (parse_target("5千元").value, parse_target("5千元").unit, parse_target("5千元").scale) == (
        Decimal(5000),
        "元",
        "千",
    )
    assert (parse_target("3千米").value, parse_target("3千米").unit, parse_target("3千米").scale) == (
        Decimal(3),
        "公里",
        "",
    )
    assert (parse_target("2亿元以内").op, parse_target("2亿元以内").scale) == ("<=", "亿")


def _best_time(function, *args) -> float:
    return min(timeit.repeat(lambda: function(*args), number=1, repeat=5))


def test_qualitative_outcome__a_full_cell_takes_time_in_proportion_to_its_length():
    """32,767 characters is Excel's limit for a cell; a quadratic reading took most of a second on it."""
    short, full = "部分完成" * 1999 + "已完成", "部分完成" * 8191 + "已完成"
    assert len(full) == 32_767
    assert qualitative_outcome(full[:-3], full) == MET  # as many 部分 as the target has: not a partial outcome
    assert qualitative_outcome("按时完成", full) == PARTLY
    # four times the text may take four times as long; quadratic work would take sixteen
    ratio = _best_time(qualitative_outcome, full[:-3], full) / _best_time(qualitative_outcome, short[:-3], short)
    assert ratio < 8


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        ("1" * 32_767, UNREADABLE, "位数太多"),
        ("５" * 32_767, UNREADABLE, "位数太多"),
        ("1" + "0" * 30 + "%", UNREADABLE, "位数太多"),
        ("99999999亿", UNREADABLE, "太大"),
        ("%" * 32_767, QUALITATIVE, None),
        ("％" * 32_767, QUALITATIVE, None),
        ("以上" * 16_383, QUALITATIVE, None),
        ("1%" * 16_383, UNREADABLE, "多个数字"),
        ("≥" * 32_766 + "5", QUANTITATIVE, None),
        ("(" * 32_766 + "5", QUANTITATIVE, None),
        ("第" + "1" * 32_766, UNREADABLE, "位数太多"),
    ],
)
def test_parse_target__a_full_cell_of_one_pattern(text, kind, reason):
    target = parse_target(text)
    assert target.kind == kind
    assert reason is None or reason in target.error


def test_parse_target__direction_words_repeated_to_the_cell_limit():
    target = parse_target("5" + "以上" * 16_383)
    assert (target.op, target.value) == (">=", Decimal(5))
    assert parse_target("5" + "以上以内" * 8_191).kind == UNREADABLE  # 方向矛盾, however long


def test_parse_target__any_cell_value():
    assert parse_target(10**5000).kind == UNREADABLE  # str() of such an int raises
    assert parse_target([10**5000]).kind == QUALITATIVE  # read as the word "list"
    assert not is_not_applicable([10**5000])
    assert qualitative_outcome([10**5000], 10**5000) is None
