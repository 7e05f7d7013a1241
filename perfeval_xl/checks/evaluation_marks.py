"""Checks of a 评分表's marked rows: indicators marked 不适用 and alternatives 未选用 (二者择其一, N 选 M), what
they take out of the sums' 分值, and a marked row's own 分值."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from perfeval_xl.core.codes import CHOICE_MISMATCH, NOT_APPLICABLE_UNEXPLAINED, POINTS_CHANGED
from perfeval_xl.core.frameworks import NA_PRORATE, Choice, Framework, Node
from perfeval_xl.core.numbers import D, NotANumber, format_score
from perfeval_xl.core.records import CellRef, EvaluationSheet, Finding, LeafRow
from perfeval_xl.engine.evaluation.scores import prorated


def choice_gap(sheet: EvaluationSheet, nodes: Iterable[Node]) -> Decimal:
    """How far the alternatives among `nodes` show more 分值 than the framework counts, because fewer are marked 未选用
    than are to be left out: their own finding says so (choice-mismatch), and the sums above are judged by what
    they show, not called wrong again."""
    keys = {node.key for node in nodes}
    gap = Decimal(0)
    for choice in sheet.framework.choices:
        if set(choice.keys) <= keys:
            gap += choice.left_out - choice.points * len(marked_out(sheet, choice))
    for key in keys:  # 未选用 where there is no choice: named at its cell, and left out of the sums as on the sheet
        leaf = sheet.leaf(key)
        if leaf is not None and leaf.not_chosen and not leaf.indicator.choice:
            gap -= leaf.indicator.points
    return gap


def marked_out(sheet: EvaluationSheet, choice: Choice) -> list[str]:
    return [key for key in choice.keys if (leaf := sheet.leaf(key)) is not None and leaf.not_chosen]


def choice_findings(sheet: EvaluationSheet, choice: Choice) -> list[Finding]:
    """A group of alternatives: as many marked 未选用 as are to be left out."""
    out = marked_out(sheet, choice)
    expected = len(choice.keys) - choice.pick
    if len(out) == expected:
        return []
    names = "、".join(key.split("/")[-1] for key in choice.keys)
    first = next((leaf for key in choice.keys if (leaf := sheet.leaf(key)) is not None), None)
    return [
        CHOICE_MISMATCH(
            f"{choice.name}（{choice.words}：{names}）应选用 {choice.pick} 项评分，其余 {expected} 项的得分写"
            f"“未选用”；现在写了“未选用”的有 {len(out)} 项",
            first.at("score") if first is not None else CellRef(sheet.title),
        )
    ]


def left_out(sheet: EvaluationSheet, nodes: Iterable[Node]) -> Decimal:
    """按适用分值折算: the points of the leaves among `nodes` marked 不适用 (they leave the sums' 分值)."""
    if sheet.framework.not_applicable != NA_PRORATE:
        return Decimal(0)
    marked = (sheet.leaf(node.key) for node in nodes)
    return sum((leaf.indicator.points for leaf in marked if leaf is not None and leaf.not_applicable), Decimal(0))


def scaled(summed: Decimal | None, applicable: Decimal, framework: Framework) -> Decimal | None:
    return None if summed is None else prorated(summed, applicable, framework)


def not_applicable_findings(leaf: LeafRow) -> list[Finding]:
    """A leaf marked 不适用: its 分值 as the framework gives it (the sums count it), and why it does not apply."""
    findings, indicator = points_findings(leaf), leaf.indicator
    if not leaf.reason:
        findings.append(
            NOT_APPLICABLE_UNEXPLAINED(
                f"{indicator.key}：标为“不适用”，请在“扣分原因”中写明它为什么不适用于被评价单位", leaf.at("reason")
            )
        )
    return findings


def points_findings(leaf: LeafRow) -> list[Finding]:
    """A marked leaf's 分值 as the framework gives it: the sums count it."""
    indicator, places = leaf.indicator, leaf.indicator.score_places
    points_shown = D(leaf.points_shown)
    if isinstance(points_shown, Decimal) and points_shown == indicator.points:
        return []
    return [
        POINTS_CHANGED(
            f"{indicator.key}：分值{written(leaf.points_shown, points_shown)}，"
            f"评价指标体系规定为 {format_score(indicator.points, places)} 分",
            leaf.at("points"),
        )
    ]


def written(shown: object, number: object) -> str:
    """What a figure cell holds, for a message: "是空的", "写的是 3", or why it is no number ("不是有限的数字")."""
    if shown is None or shown == "":
        return "是空的"
    if isinstance(number, NotANumber):
        return f"写的是“{str(shown)[:20]}”（{number.reason}）"
    return f"写的是 {shown!s:.20}"
