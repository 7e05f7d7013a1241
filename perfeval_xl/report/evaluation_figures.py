"""How the 评价报告 words a leaf's figures (numbers with their units, the 指标值, a figure's inputs) and the rows of
its 附件 评分表, laid out as the sheet is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from perfeval_xl.core.frameworks import (
    NOT_APPLICABLE,
    NOT_CHOSEN,
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
    Node,
)
from perfeval_xl.core.numbers import format_amount, format_percent, round_half_up
from perfeval_xl.core.records import EvaluationSheet, LeafRow
from perfeval_xl.engine.evaluation.scores import leaves, tree
from perfeval_xl.report.context import clean
from perfeval_xl.report.filters import as_number


def figure_text(value: object) -> str:
    """A figure as typed on the sheet (people, 万元, counts): 21, 1,294.52, 19.5."""
    number = as_number(value)
    if number is None:
        return "—"
    text = f"{round_half_up(number, 4):,.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def with_unit(value: object, unit: str) -> str:
    """A figure as the sheet shows it: 万元 with two places (1,234.50 万元), people and other units as counted."""
    if unit == "%" and as_number(value) is not None:
        return format_percent(as_number(value))
    if unit.endswith("元") and as_number(value) is not None:
        return f"{format_amount(as_number(value))} {unit}"
    return f"{figure_text(value)} {unit}".rstrip() if unit and unit != "%" else figure_text(value)


def value_shown(indicator: EvalIndicator, value: object) -> str:
    """A 指标值 as the report prints it: a percentage for rates, else the number."""
    number = as_number(value)
    if number is None:
        return "—"
    percent = indicator.percent if indicator.value is None else indicator.value.rate != "change_amount"
    text = format_percent(number) if percent else figure_text(number)
    return text.replace("-", "−")  # a minus sign: a line never breaks between it and its number


def annex_figures(leaf: LeafRow, value: str) -> str:
    """The 评价数据 cell of a leaf whose 指标值 comes from two figures: the figures with their names and units, then
    the 指标值 (“支出数 855.00 万元；预算基数 900.00 万元；指标值 95.00%”); a target's texts likewise."""
    spec, indicator = leaf.indicator.value, leaf.indicator
    if indicator.from_target:
        named = (("年度指标值", leaf.a, ""), ("实际完成值", leaf.b, ""))
    elif spec is not None:
        named = ((spec.a, leaf.a, spec.units()[0]), (spec.b, leaf.b, spec.units()[1]))
    else:
        return value
    given = [
        f"{clean(name)} {clean(figure) if indicator.from_target else with_unit(figure, unit)}"
        for name, figure, unit in named
        if figure not in (None, "")
    ]
    return "；".join([*given, *([f"指标值 {value}"] if value else [])])


def parts_shown(parts: Sequence[tuple[str, object]], unit: str) -> str:
    """The inputs a figure is built from, in brackets after it: “（年初预算1,000.00 万元，减：涉改调整50.00 万元）”."""
    shown = [f"{clean(words)}{with_unit(value, unit)}" for words, value in parts if value is not None]
    return f"（{'，'.join(shown)}）" if shown else ""


def annex_rows(framework: Framework, items: Mapping[str, dict[str, Any]], sheet: EvaluationSheet) -> list[dict]:
    """The 评分表 as the sheet lays it out: each 一级 group's leaves, a 小计 after each 二级 group and each 一级 group.

    A name is shown on the first row of its group only; the 三级 column joins a 4-level path's last two names."""
    rows: list[dict[str, Any]] = []
    shown: set[str] = set()

    def leaf_row(node: Node) -> None:
        item, leaf = items[node.key], sheet.leaf(node.key)
        names = [*node.path[:3]] + [""] * (3 - min(len(node.path), 3))
        if len(node.path) == 4:
            names[2] = f"{node.path[2]}：{node.path[3]}"
        for depth in (0, 1):  # the 一级 and 二级 names once per group
            group = "/".join(node.path[: depth + 1])
            if depth + 1 < len(node.path) and group in shown:
                names[depth] = ""
            shown.add(group)
        indicator = node.indicator
        value = ""
        if leaf is not None and leaf.not_applicable:
            value = NOT_APPLICABLE
        elif leaf is not None and leaf.not_chosen:
            value = NOT_CHOSEN
        elif leaf is not None and indicator is not None:
            if leaf.value == "—":
                value = "无法计算"
            elif indicator.value is not None or indicator.computed:
                value = "" if leaf.value is None else value_shown(indicator, leaf.value)
                value = annex_figures(leaf, value)
            elif isinstance(indicator.rule, ChecklistRule) and leaf.a:
                value = f"符合 {clean(leaf.a)}"
            elif isinstance(indicator.rule, FindingsRule) and indicator.rule.kinds and leaf.a:
                value = f"问题 {clean(leaf.a)}"
            elif isinstance(indicator.rule, FindingsRule) and as_number(leaf.a) is not None:
                value = f"问题 {figure_text(leaf.a)} 个"
        reason = item["reason"] or (item["basis"] if item["deduction"] else "")
        rows.append(
            {
                "kind": "leaf",
                "level1": clean(names[0]),
                "level2": clean(names[1]),
                "level3": clean(names[2]),
                "points": item["points"],
                "standard": item["standard"],
                "value": value,
                "score": item["score"],
                "reason": reason,
            }
        )

    def subtotal(node: Node) -> None:
        item = items[node.key]
        rows.append(
            {
                "kind": "subtotal",
                "level1": clean(node.path[0]) if node.level == 1 else "",
                "level2": clean(node.path[1]) if node.level == 2 else "",
                "level3": node.subtotal_label,
                "points": item["points"],
                "standard": "",
                "value": f"得分率 {format_percent(item['rate'])}",
                "score": item["score"],
                "reason": "",
            }
        )

    def slot_rows(node: Node) -> None:
        leaf, item = sheet.leaf(node.key), items[node.key]
        for number, row in enumerate(r for r in (leaf.custom if leaf else ()) if r.filled):
            rows.append(
                {
                    "kind": "leaf",
                    "level1": "" if node.path[0] in shown else clean(node.path[0]),
                    "level2": "" if number else clean(node.path[1]),
                    "level3": clean(row.name),
                    "points": row.points,
                    "standard": clean(row.standard),
                    "value": "",
                    "score": row.score,
                    "reason": clean(row.reason),
                }
            )
            shown.add(node.path[0])
        rows.append(
            {
                "kind": "subtotal",
                "level1": "",
                "level2": "",
                "level3": node.subtotal_label,
                "points": item["points"],
                "standard": clean(item["standard"]),
                "value": f"得分率 {format_percent(item['rate'])}",
                "score": item["score"],
                "reason": "",
            }
        )

    for level1 in (node for node in tree(framework) if node.level == 1):
        for child in level1.children:
            if child.is_leaf and child.indicator is not None and child.indicator.custom:
                slot_rows(child)
                continue
            if child.is_leaf:
                leaf_row(child)
                continue
            for leaf in leaves(child):
                leaf_row(leaf)
            subtotal(child)
        subtotal(level1)
    return rows
