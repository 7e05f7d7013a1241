"""A framework in words: each indicator's standard and 指标值 as the 评分表 and the report print them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from perfeval_xl.core.frameworks import (
    CIRCLED,
    METHOD_NAMES,
    BandsRule,
    ChecklistRule,
    CustomRule,
    EvalIndicator,
    FindingsRule,
    Framework,
    ManualRule,
    PerPointRule,
    RatioRule,
    TargetRule,
)
from perfeval_xl.core.numbers import format_score
from perfeval_xl.engine.evaluation.scores import MAGNITUDE_RATES, tree
from perfeval_xl.engine.rulefiles import (
    plain_number,
)

# (new − old) ÷ old and new − old read differently from a plain quotient in words
_CHANGE_RATES = ("relative_change", "change_rate", "variance_rate", "adjustment_rate")


def number_text(value: Decimal, percent: bool) -> str:
    return f"{plain_number(value.scaleb(2))}%" if percent else plain_number(value)


def _points_text(value: Decimal, indicator: EvalIndicator) -> str:
    return format_score(value, indicator.score_places)


_BOUND_WORDS = {"eq": "等于", "ge": "不低于", "gt": "大于", "le": "不超过", "lt": "小于"}


def standard_text(indicator: EvalIndicator) -> str:
    """The scoring standard in words, generated from the rule: what the 评分标准 column and the report print."""
    rule = indicator.rule
    text = _STANDARD_WORDS[indicator.method](indicator, rule)
    no_value = getattr(rule, "no_value", None)
    if no_value is not None:
        text += f"；指标值无法计算（缺数或分母为零）时得{_points_text(no_value, indicator)}分"
    elif indicator.computed:
        text += "；指标值无法计算时由评价人员打分"
    return text


def report_standard(indicator: EvalIndicator) -> str:
    """The standard as a signed report states it: what earns the points, without the instructions the sheet gives
    its evaluators (the 0.5-point step, "扣分须写明原因", who scores a row without a 指标值)."""
    rule = indicator.rule
    if isinstance(rule, ManualRule):
        return f"对照评价要点（{indicator.description}）综合评分" if indicator.description else "由评价组综合评分"
    if isinstance(rule, CustomRule):
        return f"由评价机构根据部门职责设置，各项分值合计{_points_text(indicator.points, indicator)}分"
    text = _STANDARD_WORDS[indicator.method](indicator, rule)
    no_value = getattr(rule, "no_value", None)
    if no_value is not None:
        text += f"；指标值无法计算（缺数或分母为零）时得{_points_text(no_value, indicator)}分"
    return f"{text}（评价要点：{indicator.description}）" if indicator.description else text


def _bands_words(indicator: EvalIndicator, rule: BandsRule) -> str:
    parts = []
    for band in rule.bands:
        bounds = band.bounds()
        condition = "且".join(f"{_BOUND_WORDS[op]}{number_text(v, indicator.percent)}" for op, v in bounds.items())
        parts.append(f"{condition or '其他情况'}得{_points_text(band.score, indicator)}分")
    return "；".join(parts)


def _per_point_words(indicator: EvalIndicator, rule: PerPointRule) -> str:
    percent = indicator.percent
    bound = number_text(rule.bound, percent)
    beyond = "超出" if rule.op == "le" else "低于"
    unit = f"{plain_number(rule.step.scaleb(2))}个百分点" if percent else plain_number(rule.step)
    partial = {"exact": "按比例扣分", "ceil": f"按{unit}扣分", "floor": "不扣分"}[rule.count]
    return (
        f"{_BOUND_WORDS[rule.op]}{bound}得满分，每{beyond}{unit}扣{_points_text(rule.deduct, indicator)}分"
        f"（不足{unit}{partial}），扣完为止"
    )


def _ratio_words(indicator: EvalIndicator, rule: RatioRule) -> str:
    if rule.target is None:
        return "按比例计分：得分 = 分值 × 指标值，满分为止，最低 0 分"
    return f"按比例计分：得分 = 分值 × 指标值 ÷ {number_text(rule.target, indicator.percent)}，满分为止，最低 0 分"


def _target_words(indicator: EvalIndicator, rule: TargetRule) -> str:
    return (
        "按目标完成程度计分：得分 = 分值 × 完成程度；达到年度指标值的完成程度为 100%，未达到的按比例"
        "（实际完成值 ÷ 年度指标值，“以内”“不超过”的目标为 年度指标值 ÷ 实际完成值），与自评表的计分规则相同"
    )


def _checklist_words(indicator: EvalIndicator, rule: ChecklistRule) -> str:
    return "；".join(
        f"{item_mark(n)}{item.text}（{_points_text(item.score, indicator)}分）" for n, item in enumerate(rule.items)
    )


def item_mark(index: int) -> str:
    """①, ②, … as a standard numbers its items (and the report a slot's indicators); (21) beyond ⑳."""
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def _findings_words(indicator: EvalIndicator, rule: FindingsRule) -> str:
    if rule.kinds:
        each = "；".join(
            f"{item_mark(n)}{kind.text}每个扣{_points_text(kind.deduct, indicator)}分"
            for n, kind in enumerate(rule.kinds)
        )
        return f"按发现的问题扣分：{each}；扣完为止"
    deduction = _points_text(rule.per_finding, indicator)
    if rule.up_to is not None:
        deduction += f"至{_points_text(rule.up_to, indicator)}"
    return f"每发现一个问题扣{deduction}分，扣完为止"


def _manual_words(indicator: EvalIndicator, rule: ManualRule) -> str:
    basis = f"评价要点（{indicator.description}）" if indicator.description else "评价要点"
    step = f"，得分以{plain_number(rule.step)}分为单位" if rule.step is not None else ""
    return f"评价人员根据{basis}打分{step}，扣分须写明原因"


def _custom_words(indicator: EvalIndicator, rule: CustomRule) -> str:
    what = f"（{indicator.description}）" if indicator.description else ""
    return (
        f"由评价机构根据被评价部门的职责设置{what}，每项写明名称、分值和评分标准并评分，"
        f"各项分值合计{_points_text(indicator.points, indicator)}分"
    )


_STANDARD_WORDS: dict[str, Callable[[EvalIndicator, Any], str]] = {
    "bands": _bands_words,
    "per_point": _per_point_words,
    "ratio": _ratio_words,
    "target": _target_words,
    "checklist": _checklist_words,
    "findings": _findings_words,
    "manual": _manual_words,
    "custom": _custom_words,
}


def value_text(indicator: EvalIndicator) -> str:
    """How the 指标值 is computed, in words ("实际在职人数 ÷ 编制数"); empty when the rule has no `value`."""
    spec = indicator.value
    if spec is None:
        return ""
    if spec.rate in MAGNITUDE_RATES:
        formula = f"|{spec.a} − {spec.b}| ÷ {spec.b}（追加、追减都计入）"
    elif spec.rate in _CHANGE_RATES:
        formula = f"（{spec.a} − {spec.b}）÷ {spec.b}"
    elif spec.rate == "change_amount":
        formula = f"{spec.a} − {spec.b}"
    else:
        formula = f"{spec.a} ÷ {spec.b}"
    if spec.sources:
        formula += f"（取自工作簿的 {spec.sources[0]}、{spec.sources[1]}）"
    return formula


def figures_text(indicator: EvalIndicator) -> str:
    """What 数据A and 数据B are, with their units, for the sheet's 评分标准 column: the evaluator types them."""
    if indicator.from_target:
        return "数据A：年度指标值（如“举办招聘活动100场以上”）；数据B：实际完成值（如“112场”）。"
    spec = indicator.value
    if spec is None:
        return ""
    units = [f"（{unit}）" if unit and unit != "%" else "" for unit in spec.units()]
    linked = "，取自附件1 或收支预决算" if spec.sources else ""
    return f"数据A：{spec.a}{units[0]}；数据B：{spec.b}{units[1]}{linked}。"


def describe(framework: Framework) -> list[str]:
    """The lines `perfeval rules NAME` prints: the tree with points, methods, standards and sources."""
    grades = "，".join(f"≥{format_score(g.minimum)} {g.label}" for g in framework.grades)
    lines = [
        framework.title,
        f"满分 {format_score(framework.full_marks)}，得分保留 {framework.score_places} 位小数；等级：{grades}",
    ]
    if framework.source:
        lines.append(f"来源：{framework.source}")
    for node in tree(framework):
        indent = "  " * (node.level - 1)
        indicator = node.indicator
        if indicator is None:
            lines.append(f"{indent}{node.path[-1]}（{format_score(node.points)}分）")
            continue
        lines.append(
            f"{indent}{indicator.name}（{format_score(indicator.points)}分，{METHOD_NAMES[indicator.method]}）"
        )
        detail = indent + "  "
        if indicator.value is not None:
            lines.append(f"{detail}指标值：{value_text(indicator)}")
        lines.append(f"{detail}评分标准：{standard_text(indicator)}")
        if indicator.description and indicator.method != "manual":  # manual words include it already
            lines.append(f"{detail}评价要点：{indicator.description}")
        lines.append(f"{detail}来源：{indicator.source}")
    return lines
