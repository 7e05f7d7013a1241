"""The only xlwings importer for worksheet functions: the PE_* functions Excel calls, as thin adapters.

Each adapter hands its arguments to functions.excel_value(), which computes with the engine and returns what
the cell shows: a number, "—" (no ratio: zero denominator), blank (inputs not filled in yet), 不适用, or a short
Chinese message starting with "#". Nothing here raises into Excel. The rate functions also take whole ranges
of the same size (one call per column) and then return a range of results.
"""

from __future__ import annotations

import xlwings as xw

from perfeval_xl.engine.functions import excel_value

CATEGORY = "绩效自评"


def _elementwise(function: str, first: object, second: object) -> object:
    """A rate over two cells, or over two ranges of the same shape, cell by cell."""
    if isinstance(first, list) or isinstance(second, list):
        left, right = _rows(first), _rows(second)
        if len(left) != len(right) or any(len(a) != len(b) for a, b in zip(left, right, strict=False)):
            return "#区域大小不一致"
        result = [
            [excel_value(function, [a, b]) for a, b in zip(row_a, row_b, strict=True)]
            for row_a, row_b in zip(left, right, strict=True)
        ]
        return result
    return excel_value(function, [first, second])


def _rows(value: object) -> list[list[object]]:
    """xlwings passes a one-row or one-column range as a flat list, a block as a list of rows."""
    if not isinstance(value, list):
        return [[value]]
    if value and all(isinstance(item, list) for item in value):
        return [list(item) for item in value]
    return [[item] for item in value]


@xw.func(category=CATEGORY)
@xw.arg("actual", doc="实际数：实际在职人数、本年决算数、实际规模、实际投资……")
@xw.arg("planned", doc="计划数：编制数、本年预算数、批复规模、预算投资……")
def PE_CONTROLRATE(actual, planned):
    """控制率 = 实际数 ÷ 计划数。计划数为空或为零时显示“—”。"""
    return _elementwise("PE_CONTROLRATE", actual, planned)


@xw.func(category=CATEGORY)
@xw.arg("executed", doc="全年执行数（万元）")
@xw.arg("budget", doc="全年预算数（调整后，万元）")
def PE_EXECRATE(executed, budget):
    """执行率 = 全年执行数 ÷ 全年预算数。"""
    return _elementwise("PE_EXECRATE", executed, budget)


@xw.func(category=CATEGORY)
@xw.arg("final", doc="决算数（万元）")
@xw.arg("budget", doc="预算数（万元）")
def PE_DIFFRATE(final, budget):
    """差异率 = （决算数 − 预算数）÷ 预算数，带正负号。"""
    return _elementwise("PE_DIFFRATE", final, budget)


@xw.func(category=CATEGORY)
@xw.arg("current", doc="本年数")
@xw.arg("previous", doc="上年数")
def PE_CHANGE(current, previous):
    """同比增减额 = 本年数 − 上年数，带正负号。"""
    return _elementwise("PE_CHANGE", current, previous)


@xw.func(category=CATEGORY)
@xw.arg("current", doc="本年数（如本年决算数）")
@xw.arg("previous", doc="上年数（如上年决算数）")
def PE_CHANGERATE(current, previous):
    """同比增减率 = （本年数 − 上年数）÷ 上年数，带正负号。"""
    return _elementwise("PE_CHANGERATE", current, previous)


@xw.func(category=CATEGORY)
@xw.arg("part", doc="部分（如基本支出）")
@xw.arg("total", doc="合计（如总支出）")
def PE_SHARE(part, total):
    """占比 = 部分 ÷ 合计。"""
    return _elementwise("PE_SHARE", part, total)


@xw.func(category=CATEGORY)
@xw.arg("adjusted", doc="调整后预算数")
@xw.arg("initial", doc="年初预算数")
def PE_ADJRATE(adjusted, initial):
    """预算调整率 = （调整后预算 − 年初预算）÷ 年初预算，带正负号。"""
    return _elementwise("PE_ADJRATE", adjusted, initial)


@xw.func(category=CATEGORY)
@xw.arg("executed", doc="全年执行数")
@xw.arg("budget", doc="全年预算数")
@xw.arg("weight", doc="预算执行率的分值（通常为 10）")
@xw.arg("rule_set", doc="评分规则（可省略，默认 national）")
def PE_EXECSCORE(executed, budget, weight, rule_set=None):
    """预算执行率得分 = 分值 × 执行率，最高为分值。"""
    return excel_value("PE_EXECSCORE", [executed, budget, weight, rule_set])


@xw.func(category=CATEGORY)
@xw.arg("target", doc="年度指标值，如“95%以上”“≤5.4%”“按时足额发放”")
@xw.arg("actual", doc="实际完成值")
@xw.arg("weight", doc="分值")
@xw.arg("rule_set", doc="评分规则（可省略，默认 national）")
@xw.arg("level2", doc="二级指标（可省略；只写数字的成本指标按“不超过”评分）")
def PE_SCORE(target, actual, weight, rule_set=None, level2=None):
    """指标得分：定量指标按完成情况折算，定性指标写明已完成的得满分；需人工评定时为空白。"""
    return excel_value("PE_SCORE", [target, actual, weight, rule_set, level2])


@xw.func(category=CATEGORY)
@xw.arg("scores", doc="各指标得分（一列）")
@xw.arg("weights", doc="各指标分值（一列，与得分等长）")
@xw.arg("fund_score", doc="预算执行率得分（可省略）")
@xw.arg("fund_weight", doc="预算执行率分值（可省略）")
@xw.arg("exec_rate", doc="执行率（可省略；有的规则按执行率封顶总分）")
@xw.arg("rule_set", doc="评分规则（可省略，默认 national）")
def PE_TOTAL(scores, weights, fund_score=None, fund_weight=None, exec_rate=None, rule_set=None):
    """总分：各项得分之和；不适用的指标不计分并按比例折算回满分；按规则封顶。"""
    return excel_value("PE_TOTAL", [scores, weights, fund_score, fund_weight, exec_rate, rule_set])


@xw.func(category=CATEGORY)
@xw.arg("total", doc="总分")
@xw.arg("rule_set", doc="评分规则（可省略，默认 national）")
def PE_GRADE(total, rule_set=None):
    """自评等级：全国默认 ≥90 优、≥80 良、≥60 中、其余差（按规则）。"""
    return excel_value("PE_GRADE", [total, rule_set])


@xw.func(category=CATEGORY)
@xw.arg("target", doc="年度指标值")
@xw.arg("rule_set", doc="评分规则（可省略，默认 national）")
@xw.arg("level2", doc="二级指标（可省略；只写数字的成本指标读作“不超过”）")
def PE_TARGETOP(target, rule_set=None, level2=None):
    """显示年度指标值是怎样被识别的：“≥ 95%”“≤ 5.4%”“定性”“无法识别”。"""
    return excel_value("PE_TARGETOP", [target, rule_set, level2])


@xw.func(category=CATEGORY)
@xw.arg("a", doc="数据A：指标值公式的第一个数（分子，或本年数、调整后预算数）")
@xw.arg("b", doc="数据B：第二个数（分母，或上年数、年初预算数）")
@xw.arg(
    "rule_set", doc="评价指标体系：工作簿保存的原文（eval_framework），或内置名称（如 gongxing-2013）、.toml 文件路径"
)
@xw.arg("indicator", doc="指标路径，如“过程/预算执行/预算调整率”（评分表最右的辅助列）")
def PE_EVALVALUE(a, b, rule_set, indicator):
    """评价指标评分表的指标值：按指标体系为该指标规定的公式计算（如控制率、变动率、预算调整率）。"""
    return excel_value("PE_EVALVALUE", [a, b, rule_set, indicator])


@xw.func(category=CATEGORY)
@xw.arg("value", doc="指标值")
@xw.arg(
    "rule_set", doc="评价指标体系：工作簿保存的原文（eval_framework），或内置名称（如 gongxing-2013）、.toml 文件路径"
)
@xw.arg("indicator", doc="指标路径，如“过程/预算执行/预算调整率”（评分表最右的辅助列）")
def PE_EVALSCORE(value, rule_set, indicator):
    """评价指标得分：按该指标的评分标准（分档、按百分点扣分、按比例）计分；由评价人员打分的指标为空白。"""
    return excel_value("PE_EVALSCORE", [value, rule_set, indicator])


@xw.func(category=CATEGORY)
@xw.arg("month", doc="监控月份（1–12，如 7 表示 1-7月）")
def PE_PROGRESS(month):
    """序时进度 = 月份 ÷ 12（1-7月为 58.33%）。月份不是 1 到 12 的整数时显示“—”。"""
    return excel_value("PE_PROGRESS", [month])


@xw.func(category=CATEGORY)
@xw.arg("rate", doc="执行率（如 1-7月执行率）")
@xw.arg("progress", doc="序时进度")
def PE_GAP(rate, progress):
    """执行率与序时进度之差（负数表示慢于序时进度）；执行率为“—”时显示“—”。"""
    return excel_value("PE_GAP", [rate, progress])


@xw.func(category=CATEGORY)
@xw.arg("target", doc="年度指标值，如“≥95%”“按时完成”")
@xw.arg("forecast", doc="全年预计完成情况")
@xw.arg("rule_set", doc="评分规则（可省略，默认 national）")
@xw.arg("level2", doc="二级指标（可省略；只写数字的成本指标按“不超过”判断）")
def PE_REACHES(target, forecast, rule_set=None, level2=None):
    """全年预计完成情况能否达到年度指标值：“能”或“不能”，按评分的完成规则判断；无法判断时为空白。"""
    return excel_value("PE_REACHES", [target, forecast, rule_set, level2])


PE_FUNCTIONS = {
    f.__name__: f
    for f in (
        PE_CONTROLRATE,
        PE_EXECRATE,
        PE_DIFFRATE,
        PE_CHANGE,
        PE_CHANGERATE,
        PE_SHARE,
        PE_ADJRATE,
        PE_EXECSCORE,
        PE_SCORE,
        PE_TOTAL,
        PE_GRADE,
        PE_TARGETOP,
        PE_EVALVALUE,
        PE_EVALSCORE,
        PE_PROGRESS,
        PE_GAP,
        PE_REACHES,
    )
}
