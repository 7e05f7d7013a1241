"""Evaluation frameworks (部门整体支出绩效评价): the rule-file loader, the seven methods, the tree and its words."""

from dataclasses import replace
from decimal import Decimal

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from perfeval_xl.core.errors import NumberError, RuleSetError
from perfeval_xl.core.frameworks import COUNTS, METHODS
from perfeval_xl.core.names import LINKABLE_NAMES
from perfeval_xl.engine.evaluation import load
from perfeval_xl.engine.evaluation.load import available_frameworks, is_evaluation, load_framework, parse_framework
from perfeval_xl.engine.evaluation.scores import (
    checklist_score,
    evaluate_value,
    findings_score,
    grade_of,
    score_rate,
    score_tree,
    standard_score,
    tree,
)
from perfeval_xl.engine.evaluation.words import describe, figures_text, standard_text, value_text
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.layout.book import defined_names, workbook_layout

GONGXING = load_framework("gongxing-2013")
BUDGET = load_framework("budget-30-40-30")
SHIPPED = (GONGXING, BUDGET)
PATH = '["过程", "预算执行", "预算调整率"]'
WHERE = "indicators[1]（过程/预算执行/预算调整率）"


def framework_text(*indicators: str, head: str = "") -> str:
    """A framework file: the kind line, `head` (full_marks, grades…), and one [[indicators]] table per body."""
    tables = "".join(f"\n[[indicators]]\n{body}\n" for body in indicators)
    return f'kind = "evaluation"\nname = "测试"\n{head}\n{tables}'


def leaf(body: str, points: object = 3, path: str = PATH) -> str:
    return f'path = {path}\npoints = {points}\nsource = "测试"\n{body}'


def one(body: str, points: object = 3, places: int = 2):
    """The only indicator of a framework whose full marks are its points."""
    text = framework_text(leaf(body, points), head=f"full_marks = {points}\nscore_places = {places}")
    (indicator,) = parse_framework(text, "测试.toml").indicators
    return indicator


def refusal(text: str) -> str:
    with pytest.raises(RuleSetError) as refused:
        parse_framework(text, "测试.toml")
    return str(refused.value)


def indicator_of(framework, name: str):
    return next(i for i in framework.indicators if i.name == name)


D = Decimal

# ---------------------------------------------------------------- bands


EDGES = one(
    'method = "bands"\nbands = [ { lt = 1, score = 0 }, { ge = 1, lt = 2, score = 1 }, { eq = 2, score = 2 }, '
    "{ gt = 2, le = 3, score = 3 }, { gt = 3, score = 4 } ]",
    points=4,
)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("0.9999", 0),
        (1, 1),  # ge includes its bound
        ("1.9999", 1),
        (2, 2),  # lt excludes it, eq takes it
        ("2.0001", 3),  # gt excludes its bound
        (3, 3),  # le includes it
        ("3.0001", 4),
        (-1e9, 0),
        (1e9, 4),
    ],
)
def test_bands__each_bound_at_its_edge(value, score):
    assert standard_score(EDGES, value) == D(score)


@pytest.mark.parametrize(
    ("value", "score"),
    [
        ("0%", "3"),
        ("0.01%", "2"),
        ("10%", "2"),
        ("10.01%", "1"),
        ("20%", "1"),
        ("30%", "0.5"),
        ("30.01%", "0"),
        ("-0.01%", "2"),
        ("-10%", "2"),
        ("-10.01%", "1"),
        ("-30%", "0.5"),
        ("-31%", "0"),
    ],
)
def test_bands__the_shipped_adjustment_rate_standard(value, score):
    assert standard_score(indicator_of(GONGXING, "预算调整率"), value) == D(score)


def test_bands__the_first_matching_band_wins():
    indicator = one(
        'method = "bands"\nbands = [ { le = "10%", score = 2 }, { le = "20%", score = 1 }, { score = 0 } ]', points=2
    )
    assert [standard_score(indicator, v) for v in ("5%", "10%", "15%", "25%")] == [2, 2, 1, 0]


def test_bands__a_percentage_and_its_fraction_are_the_same_bound():
    written = one('method = "bands"\nbands = [ { lt = "10%", score = 3 }, { ge = "10%", score = 0 } ]')
    fraction = one('method = "bands"\nbands = [ { lt = 0.1, score = 3 }, { ge = 0.1, score = 0 } ]')
    assert written.rule == fraction.rule and written.percent and not fraction.percent
    assert standard_score(written, "9.99%") == 3 and standard_score(written, D("0.1")) == 0


def test_bands__no_value_without_and_with_no_value():
    without = one('method = "bands"\nbands = [ { score = 3 } ]')
    given_score = one('method = "bands"\nbands = [ { score = 3 } ]\nno_value = 1')
    for blank in (None, "", "—", "/"):
        assert standard_score(without, blank) is None
        assert standard_score(given_score, blank) == 1
    assert standard_score(given_score, 0) == 3


def test_bands__unreadable_value_is_a_number_error():
    with pytest.raises(NumberError):
        standard_score(EDGES, "约一半")


# ---------------------------------------------------------------- per point


def per_point(extra: str = "", points: object = 5, deduct: object = 0.5, full_if: str = '{ le = "100%" }'):
    return one(f'method = "per_point"\nfull_if = {full_if}\ndeduct = {deduct}\n{extra}', points=points)


@pytest.mark.parametrize(
    ("count", "value", "score"),
    [
        ("exact", "100%", "5"),
        ("exact", "50%", "5"),  # within the bound: full
        ("exact", "100.5%", "4.75"),  # half a step: half the deduction
        ("exact", "101%", "4.5"),
        ("exact", "109.99%", "0.01"),
        ("exact", "110%", "0"),
        ("exact", "250%", "0"),  # down to 0, never below
        ("ceil", "100.01%", "4.5"),  # a part of a step counts as a whole step
        ("ceil", "101%", "4.5"),
        ("ceil", "101.01%", "4"),
        ("floor", "100.99%", "5"),  # a part of a step does not count
        ("floor", "101%", "4.5"),
        ("floor", "101.99%", "4.5"),
    ],
)
def test_per_point__partial_steps(count, value, score):
    assert standard_score(per_point(f'count = "{count}"'), value) == D(score)


def test_per_point__exact_is_the_default():
    assert per_point().rule.count == "exact" and standard_score(per_point(), "100.5%") == D("4.75")


def test_per_point__at_least_direction_and_a_half_point_step():
    indicator = per_point('step = "0.5%"', deduct=1, full_if='{ ge = "90%" }')
    assert standard_score(indicator, "90%") == 5 and standard_score(indicator, "120%") == 5
    assert standard_score(indicator, "89%") == 3  # two half-point steps below
    assert standard_score(indicator, "80%") == 0


def test_per_point__rounds_half_up_at_the_end_only():
    indicator = per_point(points=1, deduct=0.875)
    assert standard_score(indicator, "101%") == D("0.13")  # 0.125: half up, not to even
    assert standard_score(per_point(points=1, deduct="0.3333"), "101.5%") == D("0.50")  # 1 − 0.49995, rounded once


def test_per_point__no_value():
    assert standard_score(per_point(), None) is None
    assert standard_score(per_point("no_value = 2"), None) == 2


# ---------------------------------------------------------------- ratio


@pytest.mark.parametrize(
    ("target", "value", "score"),
    [
        ("", "80%", "4"),
        ("", "100%", "5"),
        ("", "120%", "5"),  # capped at the points
        ("", "-10%", "0"),  # floored at 0
        ("", "33.333%", "1.67"),
        ('target = "90%"', "81%", "4.5"),
        ('target = "90%"', "90%", "5"),
        ('target = "90%"', "99%", "5"),
    ],
)
def test_ratio__proportional_capped_and_floored(target, value, score):
    indicator = one(f'method = "ratio"\n{target}', points=5)
    assert standard_score(indicator, value) == D(score)


def test_ratio__no_value():
    assert standard_score(one('method = "ratio"', points=5), None) is None
    assert standard_score(one('method = "ratio"\nno_value = 0', points=5), None) == 0


# ---------------------------------------------------------------- checklist, findings, manual


def test_checklist__plain_items_share_the_points_and_all_met_is_exact():
    indicator = one('method = "checklist"\nitems = ["甲", "乙", "丙"]', points=2)
    assert checklist_score(indicator, [True, True, True]) == 2  # not 1.99…: multiplied before divided
    assert checklist_score(indicator, [True, False, False]) == D("0.67")
    assert checklist_score(indicator, [False, False, False]) == 0
    assert standard_score(indicator, "100%") is None


def test_checklist__custom_scores():
    indicator = one('method = "checklist"\nitems = [ { text = "内容", score = 2 }, { text = "时限", score = 1 } ]')
    assert [item.score for item in indicator.rule.items] == [2, 1]
    assert checklist_score(indicator, [True, True]) == 3
    assert checklist_score(indicator, [False, True]) == 1
    assert checklist_score(indicator, [True, False]) == 2


def test_checklist__ticks_must_match_the_items():
    indicator = one('method = "checklist"\nitems = ["甲", "乙"]')
    with pytest.raises(ValueError, match="2 个评价要点"):
        checklist_score(indicator, [True])
    with pytest.raises(ValueError, match="True/False"):
        checklist_score(indicator, ["是", "否"])
    with pytest.raises(ValueError, match="不是逐项评分"):
        checklist_score(EDGES, [True])


@pytest.mark.parametrize(("n", "score"), [(0, "3"), (1, "2"), ("2", "1"), (3, "0"), (7, "0"), (None, None)])
def test_findings__per_finding_down_to_zero(n, score):
    indicator = one('method = "findings"\nper_finding = 1')
    assert findings_score(indicator, n) == (None if score is None else D(score))
    assert standard_score(indicator, 1) is None


@pytest.mark.parametrize("n", [-1, "1.5", "三"])
def test_findings__a_count_must_be_a_whole_number(n):
    with pytest.raises(NumberError):
        findings_score(one('method = "findings"\nper_finding = 0.5'), n)


def test_findings__only_for_findings_indicators():
    with pytest.raises(ValueError, match="不是按问题扣分"):
        findings_score(EDGES, 1)


def test_manual__no_standard_score_and_its_step():
    indicator = one('method = "manual"\nstep = 0.1')
    assert standard_score(indicator, "50%") is None and indicator.rule.step == D("0.1")
    assert one('method = "manual"').rule.step is None


# ---------------------------------------------------------------- values


def test_evaluate_value__through_rates():
    control = indicator_of(GONGXING, "在职人员控制率")
    assert evaluate_value(control, 105, 100) == D("1.05")
    assert evaluate_value(control, 5, 0) is None  # no denominator
    assert evaluate_value(indicator_of(GONGXING, "预算调整率"), 90, 100) == D("0.1")  # 追减 counts as much
    assert evaluate_value(indicator_of(GONGXING, "“三公经费”变动率"), 110, 100) == D("0.1")
    assert evaluate_value(indicator_of(GONGXING, "绩效目标合理性"), 1, 2) is None  # no `value`
    with pytest.raises(NumberError):
        evaluate_value(control, "很多", 100)


def test_value_text__formula_in_words():
    assert value_text(indicator_of(GONGXING, "在职人员控制率")) == (
        "实际在职人数 ÷ 编制数（取自工作簿的 staff_actual、staff_quota）"
    )
    assert (
        value_text(indicator_of(GONGXING, "预算调整率"))
        == "|调整后预算数 − 年初预算数| ÷ 年初预算数（追加、追减都计入）"
    )
    assert value_text(indicator_of(GONGXING, "“三公经费”变动率")).startswith("（")
    assert value_text(indicator_of(GONGXING, "管理制度健全性")) == ""


# ---------------------------------------------------------------- the loader's errors


def refused_indicator(body: str, points: object = 3) -> str:
    return refusal(framework_text(leaf(body, points), head=f"full_marks = {points}"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'method = "band"',
            f"{WHERE}的 method 应为 bands、per_point、ratio、target、checklist、findings、manual、custom 之一",
        ),
        ('method = "manual"\nvalue = { rate = "nosuch", a = "甲", b = "乙" }', f"{WHERE}的 value.rate “nosuch” 不是"),
        ('method = "manual"\nvalue = { rate = "ratio", a = "甲" }', f"{WHERE}的 value 缺少 b"),
        ('method = "manual"\nvalue = { rate = "ratio", a = " ", b = "乙" }', "a 和 b 应写明两个数据的名称"),
        ('method = "manual"\nvalue = "control_rate"', f"{WHERE}的 value 应写成"),
        ('method = "manual"\nvalue = { rate = "ratio", a = "甲", b = "乙", c = 1 }', "value 有未知的键 c"),
        (
            'method = "manual"\nvalue = { rate = "ratio", a = "甲", b = "乙", from = ["fund_budget", "staff_quota"] }',
            f"{WHERE}的 value.from 中的“fund_budget”不是附件1 或收支预决算中的名称",
        ),
        (
            'method = "manual"\nvalue = { rate = "ratio", a = "甲", b = "乙", from = ["staff_quota"] }',
            "from 应写成两个名称",
        ),
        (
            'method = "manual"\nvalue = { rate = "ratio", a = "甲", b = "乙", unit = "人", '
            'from = ["staff_actual", "staff_quota"] }',
            f"{WHERE}的 value.unit 不用写：from 链接的数据带着它所在表的单位",
        ),
        ('method = "manual"\nvalue = { rate = "ratio", a = "甲", b = "乙", unit = "100万元" }', "应是一个单位"),
        ('method = "manual"\nvalue = { rate = "ratio", a = "甲", b = "乙", unit = "" }', "应是一个单位"),
        (
            'method = "bands"\nbands = [ { lt = "0%", score = 3 }, { gt = "0%", score = 0 } ]',
            f"{WHERE}的 bands 没有覆盖 0%",
        ),
        (
            'method = "bands"\nbands = [ { le = "10%", score = 3 }, { gt = "20%", score = 0 } ]',
            f"{WHERE}的 bands 没有覆盖 10% 到 20% 之间的值",
        ),
        ('method = "bands"\nbands = [ { ge = "0%", score = 3 } ]', "bands 没有覆盖小于 0% 的值"),
        ('method = "bands"\nbands = [ { le = "0%", score = 3 } ]', "bands 没有覆盖大于 0% 的值"),
        (
            'method = "bands"\nbands = [ { eq = "0%", score = 3 }, { gt = "0%", le = "10%", score = 2 }, '
            '{ gt = "10%", score = 0 } ]',
            "bands 没有覆盖小于 0% 的值",  # the issue's example leaves the negative rates uncovered
        ),
        ('method = "bands"\nbands = [ { score = 3 }, { ge = 1, score = 0 } ]', f"{WHERE}的 bands[2] 永远用不到"),
        ('method = "bands"\nbands = [ { ge = 10, le = 5, score = 1 }, { score = 0 } ]', "bands[1] 永远用不到"),
        ('method = "bands"\nbands = [ { score = 4 } ]', f"{WHERE}的 bands[1].score 应在 0 到 3 之间"),
        ('method = "bands"\nbands = [ { score = -1 } ]', "bands[1].score 应在 0 到 3 之间"),
        (
            'method = "bands"\nbands = [ { ge = 1, gt = 2, score = 1 }, { score = 0 } ]',
            "bands[1] 的 ge 和 gt 只能写一个",
        ),
        ('method = "bands"\nbands = [ { le = 1, lt = 2, score = 1 }, { score = 0 } ]', "的 le 和 lt 只能写一个"),
        ('method = "bands"\nbands = [ { eq = 1, le = 2, score = 1 }, { score = 0 } ]', "的 eq 不能与其他界限同用"),
        ('method = "bands"\nbands = [ { gte = 1, score = 1 }, { score = 0 } ]', "bands[1] 有未知的键 gte"),
        ('method = "bands"\nbands = [ { ge = "九成", score = 1 }, { score = 0 } ]', "bands[1].ge 应为数字"),
        ('method = "bands"\nbands = []', f"{WHERE}的 bands 应写成若干档的列表"),
        ('method = "bands"', f"{WHERE} 缺少 bands"),
        ('method = "bands"\nbands = [ { score = 3 } ]\nno_value = 5', f"{WHERE}的 no_value 应在 0 到 3 之间"),
        ('method = "per_point"\nfull_if = { le = "100%" }\ndeduct = 0', f"{WHERE}的 deduct 应大于 0"),
        ('method = "per_point"\nfull_if = { le = "100%" }\ndeduct = 4', f"{WHERE}的 deduct 应在 0 到 3 之间"),
        ('method = "per_point"\nfull_if = { le = "100%" }\ndeduct = 1\nstep = 0', f"{WHERE}的 step 应大于 0"),
        ('method = "per_point"\nfull_if = { le = "100%" }\ndeduct = 1\nstep = "-1%"', "step 应大于 0"),
        ('method = "per_point"\nfull_if = { lt = "100%" }\ndeduct = 1', f"{WHERE}的 full_if 应写成"),
        ('method = "per_point"\nfull_if = { le = "1%", ge = "2%" }\ndeduct = 1', "full_if 应写成"),
        ('method = "per_point"\nfull_if = { le = "100%" }\ndeduct = 1\ncount = "round"', f"{WHERE}的 count 应为"),
        ('method = "per_point"\ndeduct = 1', f"{WHERE} 缺少 full_if"),
        ('method = "ratio"\ntarget = 0', f"{WHERE}的 target 应大于 0"),
        ('method = "ratio"\ntarget = 1e-999999', f"{WHERE}的 target 应不小于 0.000001"),
        ('method = "per_point"\nfull_if = { le = "100%" }\ndeduct = 1\nstep = 1e-300', "step 应不小于 0.000001"),
        (
            'method = "checklist"\nitems = [ { text = "甲", score = 1 }, { text = "乙", score = 1 } ]',
            "items 的分数合计为 2，与分值 3 不符",
        ),
        ('method = "checklist"\nitems = [ "甲", { text = "乙", score = 1 } ]', f"{WHERE}的 items 要么都写成文字"),
        ('method = "checklist"\nitems = []', f"{WHERE}的 items 应写成 1 到 50 个"),
        ('method = "checklist"\nitems = [ { text = "甲" } ]', "items[1] 缺少 score"),
        ('method = "findings"\nper_finding = 0', f"{WHERE}的 per_finding 应大于 0"),
        ('method = "findings"', f"{WHERE} 应写 per_finding（每个问题扣几分）或 kinds"),
        ('method = "manual"\nstep = 0', f"{WHERE}的 step 应大于 0"),
        ('method = "manual"\nband = 1', f"{WHERE} 有未知的键 band"),
        ('method = "manual"\nbands = [ { score = 1 } ]', f"{WHERE}的 bands 只用于 method = bands"),
        ('method = "ratio"\nitems = ["甲"]', 'items 只用于 method = checklist，不适用于 method = "ratio"'),
    ],
)
def test_loader__each_mistake_in_an_indicator_names_the_key_and_the_indicator(body, message):
    assert message in refused_indicator(body)


RATE = 'value = { rate = "execution_rate", a = "甲", b = "乙" }'


@pytest.mark.parametrize(
    ("body", "key", "fix"),
    [
        ('method = "bands"\nbands = [ { ge = 80, score = 3 }, { score = 0 } ]', "bands[1].ge", '"80%"，或写成小数 0.8'),
        ('method = "bands"\nbands = [ { ge = "90", score = 3 }, { score = 0 } ]', "bands[1].ge", '"90%"'),
        (
            'method = "bands"\nbands = [ { lt = "50%", score = 0 }, { le = 150, score = 3 }, { score = 1 } ]',
            "bands[2].le",
            "会被当作 15000%",
        ),
        ('method = "per_point"\nfull_if = { ge = 100 }\ndeduct = 1', "full_if.ge", '"100%"'),
        ('method = "per_point"\nfull_if = { ge = "100%" }\ndeduct = 1\nstep = 5', "的 step", '"5%"'),
        ('method = "ratio"\ntarget = 95', "的 target", '"95%"'),
    ],
)
def test_loader__a_rates_bound_above_1_without_percent_is_refused_never_a_silent_misscore(body, key, fix):
    message = refused_indicator(f"{body}\n{RATE}")
    assert f"{WHERE}的 {key.removeprefix('的 ')} 是比率的界限" in message and fix in message, message


def test_loader__a_rates_bound_as_a_fraction_or_a_percentage_is_taken():
    for bound, expected in (('"80%"', "0.8"), ("0.8", "0.8"), ("1", "1"), ('"100%"', "1")):
        body = f'method = "bands"\nbands = [ {{ ge = {bound}, score = 3 }}, {{ score = 0 }} ]\n{RATE}'
        assert one(body).rule.bands[0].ge == Decimal(expected)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (0, "points 应大于 0"),
        (-1, "points 应在 0 到 3 之间"),
        ('"三"', "points 应为数字"),
        ("inf", "points 应为有限的数字"),
    ],
)
def test_loader__points_must_be_sane(points, message):
    text = framework_text(leaf('method = "manual"', points), head="full_marks = 3")
    assert f"{WHERE}的 {message}" in refusal(text)


def test_loader__a_missing_method_is_named_and_source_is_optional():
    assert not parse_framework(framework_text(f'path = {PATH}\npoints = 100\nmethod = "manual"')).indicators[0].source
    assert f"{WHERE}的 method 应为" in refusal(framework_text(f'path = {PATH}\npoints = 100\nsource = "x"'))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ('["投入"]', "indicators[1]的 path 应写成 2 到 4 个名称的列表"),
        ('["一", "二", "三", "四", "五"]', "indicators[1]的 path 应写成 2 到 4 个名称的列表"),
        ('"投入/目标设定"', "indicators[1]的 path 应写成"),
        ('["投入", " "]', "indicators[1]的 path 中有空的名称"),
        ('["投入", "经济/社会效益"]', "中的名称“经济/社会效益”不能含有“/”"),
        ('["投入", 3]', "indicators[1]的 path 应为文字"),
    ],
)
def test_loader__paths_of_two_to_four_names(path, message):
    assert message in refusal(framework_text(leaf('method = "manual"', 100, path)))


def test_loader__duplicate_leaves_are_refused():
    text = framework_text(leaf('method = "manual"', 50), leaf('method = "manual"', 50))
    assert f"indicators[2]（过程/预算执行/预算调整率） 与 {WHERE} 重复" in refusal(text)


def test_loader__a_leaf_cannot_be_an_inner_node_too():
    text = framework_text(leaf('method = "manual"', 50, '["过程", "预算执行"]'), leaf('method = "manual"', 50))
    assert "indicators[1]（过程/预算执行） 既是指标，又是 indicators[2]（过程/预算执行/预算调整率） 的上级" in refusal(
        text
    )


def test_loader__a_group_split_by_another_is_refused():
    text = framework_text(
        leaf('method = "manual"', 30, '["投入", "目标设定", "甲"]'),
        leaf('method = "manual"', 40, '["过程", "预算执行", "乙"]'),
        leaf('method = "manual"', 30, '["投入", "预算配置", "丙"]'),
    )
    assert "indicators[3]（投入/预算配置/丙） 与同属“投入”的其他指标不相邻" in refusal(text)


def test_loader__leaf_points_must_add_up_to_full_marks():
    text = framework_text(leaf('method = "manual"', 60), leaf('method = "manual"', 39, '["产出", "乙"]'))
    assert "各指标分值（points）合计为 99，与满分 full_marks 100 不符" in refusal(text)


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ('[[levels]]\npath = ["过程"]\npoints = 30', "levels[1]（过程）的 points 为 30，而其下各指标的分值合计为 40"),
        ('[[levels]]\npath = ["过程", "预算执行"]\npoints = 41', "levels[1]（过程/预算执行）的 points 为 41"),
        ('[[levels]]\npath = ["效果"]\npoints = 60', "levels[1]（效果）的 path 不是任何指标的上级"),
        ('[[levels]]\npath = ["产出", "乙"]\npoints = 60', "levels[1]（产出/乙）的 path 不是任何指标的上级"),
        (
            '[[levels]]\npath = ["过程"]\npoints = 40\n[[levels]]\npath = ["过程"]\npoints = 40',
            "levels[2]（过程） 重复",
        ),
        ('[[levels]]\npath = ["过程"]\npoints = 40\nweight = 1', "levels[1] 有未知的键 weight"),
        ("[[levels]]\npoints = 40", "levels[1] 缺少 path"),
    ],
)
def test_loader__levels_must_match_their_children(levels, message):
    text = framework_text(leaf('method = "manual"', 40), leaf('method = "manual"', 60, '["产出", "乙"]'), head=levels)
    assert message in refusal(text)


def test_loader__levels_that_match_are_kept():
    head = '[[levels]]\npath = ["过程"]\npoints = 40\n[[levels]]\npath = ["过程", "预算执行"]\npoints = 40'
    text = framework_text(leaf('method = "manual"', 40), leaf('method = "manual"', 60, '["产出", "乙"]'), head=head)
    assert dict(parse_framework(text).levels) == {("过程",): 40, ("过程", "预算执行"): 40}


@pytest.mark.parametrize(
    ("head", "message"),
    [
        ("weights = 1", "有未知的键 weights"),
        ('extends = "national"', "extends 不能用于评价指标体系"),
        ("full_marks = 0", "full_marks 应在 1 到 1000 之间"),
        ("score_places = 7", "score_places 应在 0 到 6 之间"),
        ('[[grades]]\nmin = 60\nlabel = "合格"', "最低等级“合格”从 60 分起"),
        ('[[grades]]\nmin = 200\nlabel = "优"\n[[grades]]\nmin = 0\nlabel = "差"', "grades.min 应在 -100 到 100 之间"),
        ('[[grades]]\nmin = 0\nlabel = "差"\nscore = 1', "grades[1] 有未知的键 score"),
        ("grades = []", "没有等级"),
        ("title = 5", "title 应为文字"),
    ],
)
def test_loader__framework_settings(head, message):
    assert message in refusal(framework_text(leaf('method = "manual"', 100), head=head))


def test_loader__kind_is_required_and_nothing_is_inherited():
    assert '须写 kind = "evaluation"' in refusal('name = "x"\nfull_marks = 100\n')
    assert '须写 kind = "evaluation"' in refusal('kind = "self-assessment"\n')
    assert "没有指标" in refusal('kind = "evaluation"\n')
    framework = parse_framework(
        framework_text(leaf('method = "manual"', 50), head="full_marks = 50"), "mine.toml"
    )  # no grades, no places, no title: this module's defaults, none of national.toml's settings
    assert [(g.minimum, g.label) for g in framework.grades] == [(45, "优"), (40, "良"), (30, "中"), (0, "差")]
    assert (framework.score_places, framework.title, framework.name) == (2, "测试", "测试")
    assert not hasattr(framework, "execution_weight") and dict(framework.levels) == {}


def test_loader__broken_toml_and_anything_unguarded_are_rule_set_errors(monkeypatch):
    assert "不是有效的 TOML" in refusal("kind = = 1")
    assert "嵌套太深" in refusal('kind = "evaluation"\na = ' + "[" * 50 + "]" * 50)

    def broken(*args):
        raise TypeError("a check this module does not yet guard")

    monkeypatch.setattr(load, "_check_tree", broken)
    assert "内容有误" in refusal(framework_text(leaf('method = "manual"', 100)))


# ---------------------------------------------------------------- finding frameworks; hostile places


def test_load_framework__names_and_lists():
    assert available_frameworks() == ["budget-30-40-30", "gongxing-2013"]
    assert load_framework(GONGXING) is GONGXING and load_framework("gongxing-2013") is GONGXING  # cached
    assert len({GONGXING, BUDGET, load_framework("budget-30-40-30")}) == 2  # hashable: usable as a cache key
    with pytest.raises(RuleSetError, match="“national”是自评表的评分规则，不是评价指标体系"):
        load_framework("national")
    with pytest.raises(RuleSetError, match="没有名为“hunan-2019”的评价指标体系；可用的评价指标体系有：budget-30-40-30"):
        load_framework("hunan-2019")
    with pytest.raises(RuleSetError, match="请给出评价指标体系的名称"):
        load_framework("")
    with pytest.raises(RuleSetError, match="名称"):
        load_framework(1.5)


def test_load_framework__a_users_file_relative_to_a_folder(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(framework_text(leaf('method = "manual"', 100)), encoding="utf-8")
    monkeypatch.chdir("/")
    framework = load_framework("mine.toml", folder=tmp_path)
    assert framework.name == "测试" and framework.indicators[0].key == "过程/预算执行/预算调整率"
    assert load_framework(tmp_path / "mine.toml").full_marks == 100
    with pytest.raises(RuleSetError, match="找不到评分规则文件"):
        load_framework("mine.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("http://example.com/x.toml", "网址"),
        ("file:///etc/x.toml", "网址"),
        ("//host/share/x.toml", "网络共享"),
        ("\\\\host\\share\\x.toml", "网络共享"),
        ("nul.toml", "Windows 的设备名"),
        ("/dev/zero", "系统文件夹 /dev"),
        ("/proc/self/environ", "系统文件夹 /proc"),
        ("/etc/passwd", "不是 .toml 文件"),
        ("a\x00b.toml", "控制字符"),
    ],
)
def test_load_framework__refuses_what_is_not_a_local_rule_file(text, message):
    with pytest.raises(RuleSetError, match=message):
        load_framework(text)
    if text.startswith(("/dev", "/proc", "http", "//")):
        with pytest.raises(RuleSetError, match=message):
            is_evaluation(text)


def test_load_framework__refuses_folders_devices_and_large_files(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "big.toml").write_bytes(b"#" * 1_000_001)
    with pytest.raises(RuleSetError, match="是一个文件夹"):
        load_framework(tmp_path / "folder.toml")
    with pytest.raises(RuleSetError, match="系统文件夹 /dev"):
        load_framework(tmp_path / "zero.toml")
    with pytest.raises(RuleSetError, match="太大"):
        load_framework(tmp_path / "big.toml")
    with pytest.raises(RuleSetError, match="是一个文件夹"):
        is_evaluation(tmp_path / "folder.toml")


def test_is_evaluation__reads_the_kind(tmp_path):
    (tmp_path / "eval.toml").write_text('kind = "evaluation"\n', encoding="utf-8")
    (tmp_path / "self.toml").write_text('extends = "national"\n', encoding="utf-8")
    assert is_evaluation("gongxing-2013") and is_evaluation("budget-30-40-30") and is_evaluation(GONGXING)
    assert is_evaluation(tmp_path / "eval.toml") and is_evaluation("eval.toml", folder=tmp_path)
    assert not is_evaluation("national") and not is_evaluation("grade-85")
    assert not is_evaluation(tmp_path / "self.toml")
    assert not is_evaluation("nosuch") and not is_evaluation(None)


def test_load_rules__never_reads_a_shipped_framework_as_a_self_assessment_rule_set():
    for name in available_frameworks():
        with pytest.raises(RuleSetError):
            load_rules(name)


def test_load_rules__a_users_framework_file_is_refused_clearly(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(framework_text(leaf('method = "manual"', 100)), encoding="utf-8")
    with pytest.raises(RuleSetError, match="评价指标体系"):
        load_rules(path)


# ---------------------------------------------------------------- the shipped frameworks


@pytest.mark.parametrize("framework", SHIPPED, ids=lambda f: f.name)
def test_shipped__points_add_up_and_every_standard_has_a_source(framework):
    assert sum(i.points for i in framework.indicators) == framework.full_marks == 100
    for node in tree(framework):
        if node.level == 1 or (not node.is_leaf and node.path in framework.levels):
            assert node.points == sum(child.points for child in node.children)
    assert all(i.source.strip() for i in framework.indicators)
    assert "示例分值" in framework.note and "示例分值" in framework.source  # said to the user, not printed
    assert "示例" not in framework.title  # the formal name: printed on the score sheet and in the report
    assert [g.label for g in framework.grades] == ["优", "良", "中", "差"]


@pytest.mark.parametrize("framework", SHIPPED, ids=lambda f: f.name)
def test_shipped__every_from_name_is_a_defined_name_of_the_workbook(framework):
    names = {row[0] for row in defined_names(workbook_layout("dept", load_rules("national"), ["甲"], ""))}
    sources = [name for i in framework.indicators if i.value and i.value.sources for name in i.value.sources]
    assert len(sources) >= 8 and set(sources) <= names and set(sources) <= LINKABLE_NAMES
    assert {"fund_budget", "indicators", "total_score"}.isdisjoint(LINKABLE_NAMES)  # 附件2 is not in the workbook


def test_shipped__gongxing_is_the_53_tree_with_example_weights():
    first = [node for node in tree(GONGXING) if node.level == 1]
    assert [(n.path[0], n.points) for n in first] == [("投入", 15), ("过程", 40), ("产出", 25), ("效果", 20)]
    second = [node.key for node in tree(GONGXING) if node.level == 2]
    assert second == [
        "投入/目标设定",
        "投入/预算配置",
        "过程/预算执行",
        "过程/预算管理",
        "过程/资产管理",
        "产出/职责履行",
        "效果/履职效益",
        "效果/能力建设",
    ]
    methods = {i.method for i in GONGXING.indicators} | {i.method for i in BUDGET.indicators}
    assert methods == set(METHODS)  # the shipped frameworks show every method between them
    # the published standards of evaluation.md, computed
    assert standard_score(indicator_of(GONGXING, "“三公经费”控制率"), "103%") == 3
    assert standard_score(indicator_of(GONGXING, "重点支出安排率"), "85%") == 4
    assert standard_score(indicator_of(GONGXING, "在职人员控制率"), "105%") == D("0.5")
    assert standard_score(indicator_of(GONGXING, "结转结余变动率"), "-100%") == 3
    assert standard_score(indicator_of(GONGXING, "结转结余变动率"), "-20%") == 2
    assert standard_score(indicator_of(GONGXING, "社会公众或服务对象满意度"), "81%") == D("4.5")


def test_shipped__budget_is_30_40_30_with_four_level_paths():
    assert [(n.path[0], n.points) for n in tree(BUDGET) if n.level == 1] == [
        ("预算编制", 30),
        ("预算执行", 40),
        ("预算使用效益", 30),
    ]
    assert {len(i.path) for i in BUDGET.indicators} == {2, 3, 4}
    assert BUDGET.levels[("预算执行", "支出控制", "经费控制")] == 9


# ---------------------------------------------------------------- the tree and its scores


def test_tree__sheet_order_levels_and_subtotals():
    keys = [(node.level, node.key) for node in tree(BUDGET)]
    assert keys[:4] == [
        (1, "预算编制"),
        (2, "预算编制/目标设定"),
        (3, "预算编制/目标设定/绩效目标合理性"),
        (3, "预算编制/目标设定/绩效指标明确性"),
    ]
    control = keys.index((2, "预算执行/支出控制"))
    assert keys[control : control + 6] == [
        (2, "预算执行/支出控制"),
        (3, "预算执行/支出控制/经费控制"),  # a 4-level path's third level is an inner node
        (4, "预算执行/支出控制/经费控制/“三公经费”控制率"),
        (4, "预算执行/支出控制/经费控制/公用经费控制率"),
        (3, "预算执行/支出控制/采购控制"),
        (4, "预算执行/支出控制/采购控制/政府采购执行率"),
    ]
    assert keys[-1] == (2, "预算使用效益/满意度")  # a 2-level leaf
    nodes = {node.key: node for node in tree(BUDGET)}
    assert nodes["预算执行/支出控制"].points == 12
    assert [c.key for c in nodes["预算执行/支出控制"].children] == [
        "预算执行/支出控制/经费控制",
        "预算执行/支出控制/采购控制",
    ]
    leaves = [node.indicator for node in tree(BUDGET) if node.is_leaf]
    assert leaves == list(BUDGET.indicators)  # leaves in rule-file order


def test_score_tree__full_marks_everywhere():
    scores = score_tree(GONGXING, {i.path: i.points for i in GONGXING.indicators})
    assert scores.total == 100 and scores.grade == "优" and scores.complete
    assert all(scores.scores[node.key] == node.points for node in tree(GONGXING))


def test_score_tree__subtotals_are_sums_and_unscored_leaves_count_zero():
    given = {i.key: i.points / 2 for i in GONGXING.indicators}
    given["过程/预算执行/预算调整率"] = None
    del given["效果/能力建设/档案管理"]
    result = score_tree(GONGXING, given)
    for node in tree(GONGXING):
        if not node.is_leaf:
            assert result.scores[node.key] == sum(result.scores[c.key] or 0 for c in node.children)
    assert result.scores["过程/预算执行"] == D("8.5")  # (20 − 3) ÷ 2: the unscored 3 points count 0
    assert result.scores["效果/能力建设"] == 2
    assert result.unscored == ("过程/预算执行/预算调整率", "效果/能力建设/档案管理")
    assert result.total == D("47.5") and result.grade is None and not result.complete
    assert list(result.scores)[:3] == ["投入", "投入/目标设定", "投入/目标设定/绩效目标合理性"]


def test_score_tree__grades_and_unknown_leaves():
    scores = {i.path: i.points for i in GONGXING.indicators}
    scores[("产出", "职责履行", "实际完成率")] = 0
    scores[("产出", "职责履行", "完成及时率")] = 0
    scores[("效果", "履职效益", "社会效益")] = "0"
    assert score_tree(GONGXING, scores).grade == "良"  # 100 − 7 − 6 − 4 = 83
    assert grade_of(GONGXING, 59.99) == "差" and grade_of(GONGXING, -5) == "差" and grade_of(GONGXING, None) is None
    with pytest.raises(ValueError, match="没有指标“过程/预算执行”"):
        score_tree(GONGXING, {"过程/预算执行": 5})
    assert score_rate(3, 5) == D("0.6") and score_rate(3, 0) is None


# ---------------------------------------------------------------- words


def test_standard_text__bands_in_words():
    indicator = one(
        'method = "bands"\nbands = [ { eq = "0%", score = 3 }, { gt = "0%", le = "10%", score = 2 }, '
        '{ gt = "10%", score = 0 }, { lt = "0%", score = 0 } ]'
    )
    assert standard_text(indicator) == (
        "等于0%得3分；大于0%且不超过10%得2分；大于10%得0分；小于0%得0分；指标值无法计算时由评价人员打分"
    )
    counts = one('method = "bands"\nbands = [ { ge = 3, score = 1 }, { score = 0 } ]\nno_value = 0.5', points=1)
    assert standard_text(counts) == "不低于3得1分；其他情况得0分；指标值无法计算（缺数或分母为零）时得0.5分"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("", "不超过100%得满分，每超出1个百分点扣0.5分（不足1个百分点按比例扣分），扣完为止"),
        ('count = "ceil"', "（不足1个百分点按1个百分点扣分）"),
        ('count = "floor"', "（不足1个百分点不扣分）"),
        ('step = "0.5%"', "每超出0.5个百分点扣0.5分"),
    ],
)
def test_standard_text__per_point_in_words(extra, words):
    assert words in standard_text(per_point(extra))


def test_standard_text__other_methods_in_words():
    assert standard_text(per_point(full_if='{ ge = "90%" }')).startswith("不低于90%得满分，每低于1个百分点扣0.5分")
    assert standard_text(one('method = "ratio"\ntarget = "90%"', points=5)).startswith(
        "按比例计分：得分 = 分值 × 指标值 ÷ 90%，满分为止"
    )
    checklist = one('method = "checklist"\nitems = ["已制定制度", "制度得到执行", "账实相符"]')
    assert standard_text(checklist) == "①已制定制度（1分）；②制度得到执行（1分）；③账实相符（1分）"
    assert standard_text(one('method = "findings"\nper_finding = 1')) == "每发现一个问题扣1分，扣完为止"
    manual = one('method = "manual"\nstep = 0.5\ndescription = "目标符合三定职责"')
    assert standard_text(manual) == "评价人员根据评价要点（目标符合三定职责）打分，得分以0.5分为单位，扣分须写明原因"
    assert standard_text(one('method = "manual"')) == "评价人员根据评价要点打分，扣分须写明原因"


def test_describe__the_tree_with_points_methods_standards_and_sources():
    lines = describe(GONGXING)
    assert lines[0] == GONGXING.title and "等级：≥90 优，≥80 良，≥60 中，≥0 差" in lines[1]
    assert "投入（15分）" in lines and "  预算执行（20分）" in lines
    at = lines.index("    “三公经费”控制率（6分，按百分点扣分）")
    assert lines[at + 1].startswith(
        "      指标值：“三公经费”实际支出数 ÷ “三公经费”预算安排数（取自工作簿的 sangong_final"
    )
    assert lines[at + 2].startswith("      评分标准：不超过100%得满分，每超出1个百分点扣1分")
    assert lines[at + 3].startswith("      来源：[Q]")
    four = describe(BUDGET)
    assert "      “三公经费”控制率（6分，按百分点扣分）" in four  # a 4-level leaf, indented one level more
    assert sum(line.lstrip().startswith("来源：") for line in four) == len(BUDGET.indicators) + 1


# ---------------------------------------------------------------- properties

COMPUTED = [i for f in SHIPPED for i in f.indicators if i.computed]
VALUES = st.decimals(min_value=-1_000_000, max_value=1_000_000, places=6, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(COMPUTED), VALUES)
def test_property__shipped_standards_score_every_value_within_the_points(indicator, value):
    score = standard_score(indicator, value)
    assert score is not None and 0 <= score <= indicator.points


@settings(max_examples=150, deadline=None)
@given(
    points=st.decimals(min_value=1, max_value=20, places=1),
    bound=st.decimals(min_value=-2, max_value=2, places=4),
    deduct_share=st.decimals(min_value="0.01", max_value=1, places=2),
    step=st.decimals(min_value="0.0001", max_value=1, places=4),
    op=st.sampled_from(["le", "ge"]),
    count=st.sampled_from(COUNTS),
    target=st.one_of(st.none(), st.decimals(min_value="0.01", max_value=5, places=2)),
    value=VALUES,
)
def test_property__any_per_point_or_ratio_rule_scores_within_the_points(
    points, bound, deduct_share, step, op, count, target, value
):
    deduct = points * deduct_share
    rule = f'method = "per_point"\nfull_if = {{ {op} = {bound} }}\ndeduct = {deduct}\nstep = {step}\ncount = "{count}"'
    ratio = 'method = "ratio"' + (f"\ntarget = {target}" if target is not None else "")
    for body in (rule, ratio):
        indicator = one(body, points=points)
        score = standard_score(indicator, value)
        assert 0 <= score <= points
        assert score.as_tuple().exponent >= -2  # rounded to score_places


ISSUE_EXAMPLE = """
kind = "evaluation"
name = "issue-example"
title = "示例"
full_marks = 3
[[indicators]]
path = ["过程", "预算执行", "预算调整率"]      # 一级/二级/三级 (2 to 4 levels; the last is the leaf)
points = 3
value = { rate = "adjustment_rate", a = "调整后预算数", b = "年初预算数" }   # a function of rates.py on two figures
method = "bands"
bands = [ { eq = "0%", score = 3 }, { gt = "0%", le = "10%", score = 2 }, { gt = "10%", score = 0 } ]
source = "where the standard comes from"
"""


@pytest.mark.parametrize(("a", "b", "score"), [(100, 100, "3"), (105, 100, "2"), (95, 100, "2"), (111, 100, "0")])
def test_contract__the_issues_own_example_loads_and_scores_a_cut_like_a_rise(a, b, score):
    (indicator,) = parse_framework(ISSUE_EXAMPLE).indicators
    assert standard_score(indicator, evaluate_value(indicator, a, b)) == D(score)


def test_bands__a_value_the_rate_should_not_take_needs_the_evaluator():
    text = framework_text(
        f'path = {PATH}\npoints = 100\nmethod = "bands"\nvalue = {{ rate = "control_rate", a = "甲", b = "乙" }}\n'
        'bands = [ { le = "100%", score = 100 }, { gt = "100%", score = 0 } ]'
    )
    (indicator,) = parse_framework(text).indicators
    assert standard_score(indicator, D("-0.5")) == D(100)  # covered anyway: le 100% includes negatives
    text = text.replace('{ le = "100%", score = 100 }', '{ ge = 0, le = "100%", score = 100 }')
    (indicator,) = parse_framework(text).indicators  # a quotient of amounts: covering from 0 up is enough
    assert standard_score(indicator, D("-0.5")) is None


def test_loader__too_many_grades_for_one_formula():
    grades = "".join(f'[[grades]]\nmin = {20 - i}\nlabel = "第{i}等"\n' for i in range(21))
    text = framework_text(leaf('method = "manual"', 100), head=f"full_marks = 100\n{grades}")
    with pytest.raises(RuleSetError, match="最多 20 个"):
        parse_framework(text)


GONGXING_TEXT = (ROOT / "perfeval_xl" / "rules" / "gongxing-2013.toml").read_text(encoding="utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=0), st.text(max_size=8)), min_size=1, max_size=4))
def test_fuzz__a_damaged_framework_file_is_refused_in_words_or_loads(edits):
    """The shipped framework with random pieces replaced: it loads, or a RuleSetError says why; nothing else."""
    text = GONGXING_TEXT
    for position, piece in edits:
        at = position % len(text)
        text = text[:at] + piece + text[at + len(piece) :]
    try:
        framework = parse_framework(text)
    except RuleSetError as error:
        assert str(error).strip()
    else:
        assert sum(indicator.points for indicator in framework.indicators) == framework.full_marks


def test_names__the_contract_is_what_the_layout_places_on_its_sheets():
    """core/names.py declares the names other parts rely on; the layout must place exactly those, in that order."""
    from perfeval_xl.core.names import BASIC_NAMES, EVAL_TEXTS, REVENUE_NAMES
    from perfeval_xl.workbook.layout.basic import basic_sheet
    from perfeval_xl.workbook.layout.evaluation_book import texts_sheet
    from perfeval_xl.workbook.layout.revenue import revenue_sheet

    assert [c.name for c in basic_sheet(()).cells if c.name] == list(BASIC_NAMES)
    assert [c.name for c in revenue_sheet().cells if c.name] == list(REVENUE_NAMES)
    assert [(c.name, c.description) for c in texts_sheet().cells if c.name] == list(EVAL_TEXTS)
    assert set(BASIC_NAMES) | set(REVENUE_NAMES) == LINKABLE_NAMES


def test_names__the_unit_of_every_linkable_figure_is_its_cells_kind():
    from perfeval_xl.core.names import linked_unit
    from perfeval_xl.workbook.layout.base import AMOUNT, AREA, COUNT, RATE
    from perfeval_xl.workbook.layout.basic import basic_sheet
    from perfeval_xl.workbook.layout.revenue import revenue_sheet

    kinds = {name: cell.kind for layout in (basic_sheet(()), revenue_sheet()) for name, cell in layout.named().items()}
    expected = {AMOUNT: "万元", COUNT: "人", AREA: "平方米", RATE: "%"}
    for name in LINKABLE_NAMES:
        assert linked_unit(name) == expected.get(kinds[name], ""), (name, kinds[name])


def test_units__a_figures_unit_sets_its_cells_format_and_its_words():
    """One place for what a unit means: the cell's number format on the sheet, its words in the report."""
    from perfeval_xl.report.evaluation_figures import with_unit
    from perfeval_xl.workbook.layout.base import NUMBER_FORMATS
    from perfeval_xl.workbook.layout.evaluation import evaluation_sheet, plan, ref_at
    from perfeval_xl.workbook.layout.evaluation_figures import unit_kind

    indicator = one(
        'method = "ratio"\nvalue = { rate = "completion_rate", a = "完成场次", b = "计划场次", unit = "场" }'
    )
    assert indicator.value.units() == ("场", "场") and NUMBER_FORMATS[unit_kind("场")] == "0"
    assert NUMBER_FORMATS[unit_kind("万元")] == "#,##0.00" and NUMBER_FORMATS[unit_kind("亩")] == "General"
    assert with_unit(1234.5, "万元") == "1,234.50 万元" and with_unit(112, "场") == "112 场"
    assert with_unit(0.95, "%") == "95.00%"  # as the sheet shows a figure in %
    assert indicator_of(GONGXING, "在职人员控制率").value.units() == ("人", "人")  # linked: its sheet's unit
    sheet = {cell.ref: cell for cell in evaluation_sheet(GONGXING, "udf").cells}
    row = plan(GONGXING).leaf_rows["产出/职责履行/实际完成率"]
    assert sheet[ref_at("a", row)].kind == unit_kind("项")
    assert sheet[ref_at("standard", row)].text.startswith("数据A：实际完成工作数（项）；数据B：计划工作数（项）。")
    row = plan(GONGXING).leaf_rows["投入/预算配置/在职人员控制率"]
    assert sheet[ref_at("a", row)].kind == unit_kind("人")  # 43 people, not 43.00


@pytest.mark.parametrize(
    ("target", "actual", "completion", "score"),
    [
        ("举办招聘活动100场以上", "112场", Decimal(1), Decimal(4)),  # reached: full marks, no more
        ("安全事故0起", "0起", Decimal(1), Decimal(4)),  # a target of none, kept
        ("5%以内", "5.4%以内", None, None),  # an actual that is a range: judged, as on 附件2
        ("举办招聘活动100场以上", "80场", Decimal("0.8"), Decimal("3.2")),
        ("100", "50", Decimal("0.5"), Decimal(2)),  # a bare number is a floor, as on 附件2
        ("成本控制在50万元以内", "45万元", Decimal(1), Decimal(4)),
        ("成本控制在50万元以内", "62.5万元", Decimal("0.8"), Decimal("3.2")),
        ("按时足额发放", "按时足额发放", Decimal(1), Decimal(4)),
        ("按时足额发放", "部分发放", None, None),  # the evaluator judges it
        ("100人", "80场", None, None),  # units that do not match
        ("不适用", "不适用", None, None),
        ("", "80场", None, None),
    ],
)
def test_target__an_outcome_scored_from_the_units_target_and_actual(target, actual, completion, score):
    """The self-assessment's own rule (engine/scoring.py) on “100场以上” against “80场”: the share of the points it
    gives is the degree of completion, and the points times it the score."""
    from perfeval_xl.engine.scoring import assess_indicator

    indicator = one('method = "target"', points=4)
    assert indicator.from_target and indicator.computed and indicator.percent
    value = evaluate_value(indicator, target, actual)
    assert value == completion
    assert standard_score(indicator, value) == score
    assert score is None or score == assess_indicator(target, actual, 4).score  # one rule for both forms


def test_target__takes_no_value_and_says_how_it_scores():
    assert "不用写" in refused_indicator('method = "target"\nvalue = { rate = "ratio", a = "甲", b = "乙" }')
    indicator = one('method = "target"', points=4)
    assert "得分 = 分值 × 完成程度" in standard_text(indicator)
    assert figures_text(indicator).startswith("数据A：年度指标值")


@pytest.mark.parametrize(
    ("n", "allowed"), [(0, (Decimal(3), Decimal(3))), (2, (Decimal(1), Decimal(2))), (4, (Decimal(0), Decimal(1)))]
)
def test_findings__a_range_per_finding_gives_a_range_of_scores(n, allowed):
    """“每个问题扣0.5至1分”: the evaluator weighs each finding; the score must lie between the two, down to 0."""
    from perfeval_xl.engine.evaluation.scores import findings_range

    indicator = one('method = "findings"\nper_finding = [0.5, 1]', points=3)
    assert findings_range(indicator, n) == allowed
    assert standard_text(indicator) == "每发现一个问题扣0.5至1分，扣完为止"


@pytest.mark.parametrize(
    ("per_finding", "message"),
    [
        ("[1, 0.5]", "最少扣分 1 应小于最多扣分 0.5"),
        ("[0.5]", "[最少, 最多] 两个数"),
        ('[0.5, "一"]', "per_finding[2]"),
    ],
)
def test_findings__a_range_that_cannot_be_is_refused(per_finding, message):
    assert message in refused_indicator(f'method = "findings"\nper_finding = {per_finding}')


def test_findings__a_score_outside_the_range_is_found_inside_it_is_not():
    from perfeval_xl.checks.evaluation import _leaf_findings
    from perfeval_xl.core.records import CellRef, LeafRow

    indicator = one('method = "findings"\nper_finding = [0.5, 1]', points=3)

    def found(score: str) -> list[str]:
        row = LeafRow(indicator, Decimal(2), None, None, None, Decimal(score), True, "问题两个", Decimal(3))
        return [f.code for f in _leaf_findings(replace(row, where={"score": CellRef("表", "I5")}))]

    assert found("1.5") == [] and found("1") == [] and found("2") == []
    assert found("2.5") == ["findings-mismatch"] and found("0.5") == ["findings-mismatch"]


KINDS = 'method = "findings"\nkinds = [ { text = "未按时拨付", deduct = 0.5 }, { text = "挪用资金", deduct = 2 } ]'


@pytest.mark.parametrize(
    ("counts", "score"),
    [("0、0", Decimal(3)), ("1、0", Decimal("2.5")), ("２，1", Decimal(0)), ("1 1", Decimal("0.5"))],
)
def test_findings__kinds_of_findings_each_cost_their_own(counts, score):
    from perfeval_xl.engine.evaluation.scores import findings_range

    indicator = one(KINDS, points=3)
    assert findings_range(indicator, counts) == (score, score)
    assert standard_text(indicator) == "按发现的问题扣分：①未按时拨付每个扣0.5分；②挪用资金每个扣2分；扣完为止"


def test_findings__a_count_of_a_kind_over_9999_says_so():
    from perfeval_xl.core.errors import NumberError
    from perfeval_xl.engine.evaluation.scores import findings_range

    with pytest.raises(NumberError, match="每类问题最多 9999 个"):
        findings_range(one(KINDS, points=3), "10000、0")


@pytest.mark.parametrize("counts", ["1", "1、0、0", "1.5、0", "-1、0", "一、零"])
def test_findings__kinds_counted_otherwise_say_how_to_write_them(counts):
    from perfeval_xl.core.errors import NumberError
    from perfeval_xl.engine.evaluation.scores import findings_range

    with pytest.raises(NumberError, match="应按评分标准的顺序写 2 类问题各自的个数"):
        findings_range(one(KINDS, points=3), counts)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('method = "findings"', "应写 per_finding（每个问题扣几分）或 kinds（各类问题各扣几分）之一"),
        (KINDS + "\nper_finding = 1", "之一"),
        ('method = "findings"\nkinds = [ { text = "甲", deduct = 1 } ]', "2 到 50 类问题的列表"),
        ('method = "findings"\nkinds = [ { text = "甲", deduct = 1 }, { text = "", deduct = 1 } ]', "应写明这类问题"),
        ('method = "findings"\nkinds = [ { text = "甲", deduct = 1 }, { text = "乙", cost = 1 } ]', "未知的键 cost"),
    ],
)
def test_findings__kinds_that_cannot_be_are_refused(body, message):
    assert message in refused_indicator(body)


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ('method = "custom"\nrows = 0', '["产出", "部门特性指标"]', "rows 应是 1 到 30 的整数"),
        ('method = "custom"\nrows = "五"', '["产出", "部门特性指标"]', "rows 应是 1 到 30 的整数"),
        ('method = "custom"', '["产出", "特性", "部门特性指标"]', "应写两个名称"),
        ('method = "custom"\nvalue = { rate = "ratio", a = "甲", b = "乙" }', '["产出", "特性"]', "value 不用写"),
    ],
)
def test_custom__a_slot_that_cannot_be_is_refused(body, path, message):
    assert message in refusal(framework_text(leaf(body, 3, path), head="full_marks = 3"))


def test_custom__a_slots_standard_says_who_sets_it_and_its_points():
    text = framework_text(leaf('method = "custom"\nrows = 3', 3, '["产出", "部门特性指标"]'), head="full_marks = 3")
    (indicator,) = parse_framework(text, "测试.toml").indicators
    assert indicator.custom and indicator.rule.rows == 3 and not indicator.computed
    assert "各项分值合计3分" in standard_text(indicator)
