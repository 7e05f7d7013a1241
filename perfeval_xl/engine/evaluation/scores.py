"""Scores of an evaluation framework: an indicator's 指标值 and score by its standard, and the tree's sums."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from types import MappingProxyType

from perfeval_xl.core.errors import NumberError
from perfeval_xl.core.frameworks import (
    CIRCLED,
    NA_FULL,
    NA_PRORATE,
    BandsRule,
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
    Node,
    PerPointRule,
    RatioRule,
    TargetRule,
    TreeScores,
)
from perfeval_xl.core.numbers import is_blank, require_number, round_half_up
from perfeval_xl.engine import rates
from perfeval_xl.engine.rulefiles import (
    plain_number,
    shown_text,
)
from perfeval_xl.engine.scoring import assess_indicator


def _two_figure_functions() -> dict[str, Callable[[object, object], Decimal | None]]:
    """The public functions of engine/rates.py that take two figures: a rate added there is usable here at once."""
    found = {}
    for name, function in vars(rates).items():
        if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != rates.__name__:
            continue
        parameters = list(inspect.signature(function).parameters.values())
        if len(parameters) == 2 and all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters):
            found[name] = function
    return found


RATES = MappingProxyType(_two_figure_functions())


# 53号's 预算调整数 is the total of 追加 and 追减 (调整后 − 年初 either way), so its 调整率 is a magnitude
MAGNITUDE_RATES = ("adjustment_rate",)


# rates that cannot be negative for figures that cannot be: bands need to cover them only from 0 up
NONNEGATIVE_RATES = (
    "ratio",
    "control_rate",
    "execution_rate",
    "share",
    "carryover_rate",
    "completion_rate",
    *MAGNITUDE_RATES,
)


def evaluate_value(indicator: EvalIndicator, a: object, b: object) -> Decimal | None:
    """The 指标值 from the two figures (unrounded); None when the rule has no `value` or the rate has none
    (no denominator). Unreadable text raises NumberError, as the rates do. A target indicator's 指标值 is the degree
    of completion of its target (a) by what was achieved (b)."""
    if indicator.from_target:
        return target_completion(a, b)
    if indicator.value is None:
        return None
    value = RATES[indicator.value.rate](a, b)
    if value is not None and indicator.value.rate in MAGNITUDE_RATES:
        return abs(value)
    return value


def target_completion(target: object, actual: object) -> Decimal | None:
    """How far a target was reached, 1 being reached: the share of its points the self-assessment's own rule gives an
    indicator with this target and actual (engine/scoring.py: met in full, missed in proportion, a qualitative target
    met in so many words at the rule set's share). None for whatever the evaluator must judge there too: blank,
    unreadable, 不适用, a qualitative target not plainly met, a range for an actual, units that do not match."""
    if is_blank(target) or is_blank(actual):
        return None
    return assess_indicator(target, actual, 1).score


def standard_score(indicator: EvalIndicator, value: object) -> Decimal | None:
    """The score the standard gives a 指标值, rounded half up to score_places; None for checklist/findings/manual
    indicators, and for no value unless the rule gives `no_value` (the evaluator scores the row then)."""
    if not indicator.computed:
        return None
    number = require_number(value)
    rule = indicator.rule
    assert isinstance(rule, BandsRule | PerPointRule | RatioRule | TargetRule)
    if number is not None and indicator.value is not None and indicator.value.rate in MAGNITUDE_RATES:
        number = abs(number)  # a 指标值 typed as −5% is an adjustment of 5%
    if number is None:
        score = rule.no_value
    elif isinstance(rule, BandsRule):
        # the loader checked the cover over the values the rate can take; one outside (a negative quotient of
        # amounts) has no band and is scored by the evaluator
        score = next((band.score for band in rule.bands if band.contains(number)), None)
    elif isinstance(rule, PerPointRule):
        score = _per_point(rule, indicator.points, number)
    elif isinstance(rule, TargetRule):
        score = min(indicator.points, max(Decimal(0), indicator.points * number))
    else:
        score = _ratio(rule, indicator.points, number)
    return None if score is None else round_half_up(score, indicator.score_places)


def _per_point(rule: PerPointRule, points: Decimal, value: Decimal) -> Decimal:
    within = value <= rule.bound if rule.op == "le" else value >= rule.bound
    if within:
        return points
    steps = abs(value - rule.bound) / rule.step
    if rule.count == "ceil":
        steps = steps.to_integral_value(rounding=ROUND_CEILING)
    elif rule.count == "floor":
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    return max(Decimal(0), points - rule.deduct * steps)


def _ratio(rule: RatioRule, points: Decimal, value: Decimal) -> Decimal:
    share = value / rule.target if rule.target is not None else value
    return min(points, max(Decimal(0), points * share))


def read_ticks(text: str, count: int) -> list[bool] | None:
    """“1、3”“①③”“全部”“无” as one True/False per item; None when it is not that."""
    text = text.strip()
    if text in ("全部", "全部符合", "均符合"):
        return [True] * count
    if text in ("无", "0", "均不符合", "都不符合"):
        return [False] * count
    numbers = [f",{CIRCLED.index(ch) + 1}," if ch in CIRCLED else ch for ch in text]
    parts = [
        p
        for p in re.split(
            r"[、,，;；\s]+", "".join(numbers).translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        )
        if p
    ]
    if not parts or not all(re.fullmatch(r"[0-9]{1,3}", p) and 1 <= int(p) <= count for p in parts):
        return None
    met = {int(p) for p in parts}
    return [i in met for i in range(1, count + 1)]


def checklist_score(indicator: EvalIndicator, ticks: Sequence[bool]) -> Decimal:
    """The sum of the items met (one True/False per item, in order), rounded half up to score_places."""
    rule = indicator.rule
    if not isinstance(rule, ChecklistRule):
        raise ValueError(f"“{indicator.key}”不是逐项评分（checklist）的指标")
    if len(ticks) != len(rule.items) or not all(isinstance(tick, bool) for tick in ticks):
        raise ValueError(f"“{indicator.key}”有 {len(rule.items)} 个评价要点，应逐项给出是否符合（True/False）")
    if rule.equal:  # points × met ÷ count, so that all items met give the points exactly (10 ÷ 3 × 3 does not)
        score = indicator.points * sum(ticks) / len(rule.items)
    else:
        score = sum((item.score for item, tick in zip(rule.items, ticks, strict=True) if tick), Decimal(0))
    return round_half_up(score, indicator.score_places)


def findings_score(indicator: EvalIndicator, n: object) -> Decimal | None:
    """points − per_finding × n, down to 0; None when no count is given yet."""
    rule = indicator.rule
    if not isinstance(rule, FindingsRule):
        raise ValueError(f"“{indicator.key}”不是按问题扣分（findings）的指标")
    count = require_number(n)
    if count is None:
        return None
    if count < 0 or count != count.to_integral_value():
        raise NumberError(f"发现的问题个数应为 0 或正整数，而不是 {plain_number(count)}")
    return round_half_up(max(Decimal(0), indicator.points - rule.per_finding * count), indicator.score_places)


def findings_range(indicator: EvalIndicator, n: object) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest score `n` findings allow when each costs per_finding to up_to (up_to, else both the
    exact score); None when no count is given yet."""
    rule = indicator.rule
    if isinstance(rule, FindingsRule) and rule.kinds:
        counts = kind_counts(n, len(rule.kinds))
        if counts is None:
            return None
        deducted = sum((kind.deduct * count for kind, count in zip(rule.kinds, counts, strict=True)), Decimal(0))
        score = round_half_up(max(Decimal(0), indicator.points - deducted), indicator.score_places)
        return score, score
    highest = findings_score(indicator, n)
    if highest is None:
        return None
    if not isinstance(rule, FindingsRule) or rule.up_to is None:
        return highest, highest
    count = require_number(n)
    assert count is not None
    lowest = round_half_up(max(Decimal(0), indicator.points - rule.up_to * count), indicator.score_places)
    return lowest, highest


def kind_counts(text: object, kinds: int) -> list[int] | None:
    """“1、0、2” as the number of findings of each kind, in the standard's order; None when blank. Anything else
    (a count missing, a fraction, a sign) raises NumberError naming what is wrong."""
    if is_blank(text):
        return None
    how = f"应按评分标准的顺序写 {kinds} 类问题各自的个数（如“{'、'.join(['0'] * kinds)}”）"
    if not isinstance(text, str):  # one number (even one too long to print) is not a count per kind
        raise NumberError(f"{how}，而不是一个数")
    written = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    parts = [part for part in re.split(r"[、,，;；\s]+", written) if part]
    if (
        len(parts) == kinds
        and all(part.isascii() and part.isdigit() for part in parts)
        and any(len(p) > 4 for p in parts)
    ):
        raise NumberError(f"{how}：每类问题最多 9999 个，而这里是“{shown_text(written, 30)}”")
    if len(parts) != kinds or not all(re.fullmatch(r"[0-9]{1,4}", part) for part in parts):
        raise NumberError(f"{how}，而不是“{shown_text(written, 30)}”")
    return [int(part) for part in parts]


def score_rate(score: object, points: object) -> Decimal | None:
    """得分率 = 得分 ÷ 分值 (unrounded), as published reports print it after each node."""
    return rates.ratio(score, points)


def grade_of(framework: Framework, total: object) -> str | None:
    """The grade of a total, as scoring.grade() gives one: the lowest grade for anything below it."""
    value = require_number(total)
    if value is None:
        return None
    return next((g.label for g in framework.grades if value >= g.minimum), framework.grades[-1].label)


def tree(framework: Framework) -> list[Node]:
    """Every node in sheet order: each 一级 node, then its 二级 nodes each followed by their leaves (a 4-level
    path's 三级 is an inner node too). Inner nodes' points are the sums of their leaves'."""
    order: list[tuple[str, ...]] = []
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for indicator in framework.indicators:
        for depth in range(1, len(indicator.path) + 1):
            path = indicator.path[:depth]
            if path not in children:
                children[path] = []
                order.append(path)
                if depth > 1:
                    children[path[:-1]].append(path)
    leaves = {indicator.path: indicator for indicator in framework.indicators}
    # alternatives count once per pick: their parent's points are less the 分值 of those not picked
    left_out = {choice.parent: Decimal(0) for choice in framework.choices}
    for choice in framework.choices:
        left_out[choice.parent] += choice.left_out
    built: dict[tuple[str, ...], Node] = {}
    for path in reversed(order):  # in reverse pre-order every child is built before its parent
        kids = tuple(built[child] for child in children[path])
        indicator = leaves.get(path)
        points = indicator.points if indicator else sum((kid.points for kid in kids), Decimal(0))
        points -= left_out.get(path, Decimal(0)) if indicator is None else Decimal(0)
        built[path] = Node(path, points, len(path), kids, indicator)
    return [built[path] for path in order]


def leaves(node: Node) -> list[Node]:
    """The leaves under a node, in sheet order (the node itself when it is one)."""
    return [node] if node.is_leaf else [leaf for child in node.children for leaf in leaves(child)]


def score_tree(
    framework: Framework,
    leaf_scores: Mapping[tuple[str, ...] | str, object],
    not_applicable: Iterable[str] = (),
    not_chosen: Iterable[str] = (),
) -> TreeScores:
    """Every node's score from the leaves' (keyed by path or "/"-joined path; a missing leaf is unscored), with the
    leaves in `not_applicable` (marked 不适用) counted as the framework says: at their points (视同满分), or left out
    and the total scaled to full marks (按适用分值折算). A framework that allows no 不适用 ignores them. Alternatives
    `not_chosen` (marked 未选用) count nothing and are not unscored.

    See TreeScores for how unscored leaves count. A key that is no leaf of the framework raises ValueError.
    """
    given = {(key if isinstance(key, str) else "/".join(key)): require_number(v) for key, v in leaf_scores.items()}
    nodes = tree(framework)
    out = frozenset(not_chosen)
    unknown = (set(given) | set(not_applicable) | out) - {node.key for node in nodes if node.is_leaf}
    if unknown:
        raise ValueError(f"评价指标体系“{framework.name}”中没有指标“{shown_text(sorted(unknown)[0], 40)}”")
    absent = frozenset(not_applicable) if framework.not_applicable else frozenset()
    scores: dict[str, Decimal | None] = {}
    for node in reversed(nodes):
        if node.is_leaf and node.key in absent:
            scores[node.key] = node.points if framework.not_applicable == NA_FULL else None
        elif node.is_leaf:
            scores[node.key] = None if node.key in out else given.get(node.key)
        else:
            scores[node.key] = sum((scores[kid.key] or Decimal(0) for kid in node.children), Decimal(0))
    unscored = tuple(
        node.key for node in nodes if node.is_leaf and scores[node.key] is None and node.key not in absent | out
    )
    summed = sum((scores[node.key] or Decimal(0) for node in nodes if node.level == 1), Decimal(0))
    total, applicable = summed, None
    if framework.not_applicable == NA_PRORATE:
        applicable = framework.full_marks - sum((n.points for n in nodes if n.is_leaf and n.key in absent), Decimal(0))
        total = prorated(summed, applicable, framework)
    return TreeScores(
        MappingProxyType({node.key: scores[node.key] for node in nodes}),
        total,
        None if unscored or (applicable is not None and applicable <= 0) else grade_of(framework, total),
        unscored,
        tuple(node.key for node in nodes if node.key in absent),
        applicable,
        summed if applicable is not None else None,
        tuple(node.key for node in nodes if node.key in out),
    )


def prorated(summed: Decimal, applicable: Decimal, framework: Framework) -> Decimal:
    """得分合计 ÷ 适用指标分值合计 × 满分, rounded half up to score_places; 0 when nothing applies."""
    if applicable <= 0:
        return Decimal(0)
    return round_half_up(summed / applicable * framework.full_marks, framework.score_places)
