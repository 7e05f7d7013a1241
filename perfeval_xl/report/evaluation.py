"""The context of the 部门整体支出绩效评价报告: every node's 分值, 得分 and 得分率 from the engine's tree scores,
each deduction with its basis and reason, the 评分表 as the report's 附件."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from perfeval_xl.core.errors import NumberError, ReportError
from perfeval_xl.core.frameworks import (
    CIRCLED,
    LEVEL_NAMES,
    METHOD_NAMES,
    NA_POLICIES,
    NA_PRORATE,
    ChecklistRule,
    FindingsRule,
    Framework,
    Node,
    TreeScores,
)
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.core.numbers import format_score
from perfeval_xl.core.records import (
    EvaluationSheet,
    LeafRow,
    Submission,
)
from perfeval_xl.engine.evaluation.scores import grade_of, kind_counts, leaves, read_ticks, score_rate, tree
from perfeval_xl.engine.evaluation.words import item_mark, report_standard, value_text
from perfeval_xl.engine.rates import execution_rate, variance_rate
from perfeval_xl.report.context import clean, paragraphs
from perfeval_xl.report.evaluation_figures import annex_rows, figure_text, parts_shown, value_shown, with_unit
from perfeval_xl.report.filters import as_number, chinese_date

_CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (up to 99; beyond, the digits)."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _CHINESE_DIGITS[ones]
    return f"{'' if tens == 1 else _CHINESE_DIGITS[tens]}十{_CHINESE_DIGITS[ones] if ones else ''}"


def node_number(level: int, number: int) -> str:
    """The numbering of official documents by level: （一） 1. （1） ①."""
    if level == 1:
        return f"（{chinese_number(number)}）"
    if level == 2:
        return f"{number}."
    if level == 3:
        return f"（{number}）"
    return CIRCLED[number - 1] if number <= len(CIRCLED) else f"{number})"


def _figures(leaf: LeafRow) -> str:
    """The figures behind a leaf's score in one sentence: 数据A, 数据B and the 指标值 with its formula in words."""
    indicator = leaf.indicator
    spec = indicator.value
    if indicator.from_target:
        given = [f"{label}：{clean(text)}" for label, text in (("年度指标值", leaf.a), ("实际完成值", leaf.b)) if text]
        done = "" if leaf.value in (None, "—") else f"目标完成程度{value_shown(indicator, leaf.value)}"
        return "；".join([*given, *([done] if done else [])]) + ("。" if given or done else "")
    if spec is not None:
        formula = value_text(replace(indicator, value=replace(spec, sources=None)))
        units = spec.units()
        given = [
            f"{label}{with_unit(v, unit)}{parts_shown(parts, unit)}"
            for label, v, unit, parts in (
                (spec.a, leaf.a, units[0], leaf.parts[0]),
                (spec.b, leaf.b, units[1], leaf.parts[1]),
            )
            if v is not None
        ]
        if leaf.value == "—":
            value = f"指标值（{formula}）因{spec.b}为零或缺数无法计算"
        elif leaf.value is None:
            value = "指标值未填写"
        else:
            value = f"指标值 = {formula} = {value_shown(indicator, leaf.value)}"
        return "评价数据：" + "，".join(given) + ("；" if given else "") + value + "。"
    if indicator.computed:
        return "" if leaf.value in (None, "—") else f"指标值：{value_shown(indicator, leaf.value)}。"
    if isinstance(indicator.rule, ChecklistRule) and leaf.a:
        items = indicator.rule.items
        ticks = read_ticks(str(leaf.a), len(items))
        if ticks is None:  # the check says so; the report keeps what was written
            return f"符合的评价要点：{clean(leaf.a)}。"
        marked = [(item_mark(n) + item.text, tick) for n, (item, tick) in enumerate(zip(items, ticks, strict=True))]
        met = "；".join(text for text, tick in marked if tick)
        unmet = "；".join(text for text, tick in marked if not tick)
        return clean("".join((f"符合的评价要点：{met}。" if met else "", f"不符合的：{unmet}。" if unmet else "")))
    if isinstance(indicator.rule, FindingsRule) and indicator.rule.kinds and leaf.a:
        try:
            counts = kind_counts(leaf.a, len(indicator.rule.kinds)) or []
        except NumberError:  # the check refuses such counts at their cell; a report never stops on them
            return f"发现问题：{clean(leaf.a)}。"
        found = [f"{kind.text}{count}个" for kind, count in zip(indicator.rule.kinds, counts, strict=False) if count]
        return f"发现问题：{'、'.join(clean(text) for text in found)}。" if found else "未发现问题。"
    if isinstance(indicator.rule, FindingsRule) and as_number(leaf.a) is not None:
        return f"发现问题{figure_text(leaf.a)}个。"
    return ""


def _reason(text: object) -> str:
    """A 扣分原因 as typed, its lines kept as line breaks."""
    return "\n".join(paragraphs(text))


def _leaf_basis(leaf: LeafRow) -> str:
    """How a computed leaf's score came about, when the evaluator did not simply take the standard's."""
    indicator, places = leaf.indicator, leaf.indicator.score_places
    if not indicator.computed:
        return ""
    if leaf.standard is None:
        return "指标值无法计算，由评价人员评分"
    if leaf.typed and leaf.score is not None and leaf.score != leaf.standard:
        standard, typed = format_score(leaf.standard, places), format_score(leaf.score, places)
        return f"按评分标准应得{standard}分，评价人员评为{typed}分"
    return "按评分标准计算"


def _node(node: Node, number: int, sheet: EvaluationSheet) -> dict[str, Any]:
    """One node of section 四 (and of the deductions): its numbers all from the engine's tree scores."""
    scored = sheet.scores.scores.get(node.key)
    absent = [leaf.key for leaf in leaves(node) if leaf.key in sheet.scores.not_applicable]
    points = node.points
    if sheet.framework.not_applicable == NA_PRORATE and not node.is_leaf:  # what applies of it
        points -= sum((leaf.points for leaf in leaves(node) if leaf.key in absent), Decimal(0))
    deduction = points - scored if scored is not None and scored < points else Decimal(0)
    item: dict[str, Any] = {
        "key": clean(node.key),
        "level": node.level,
        "number": node_number(node.level, number),
        "name": clean(node.path[-1]),
        "path": clean("—".join(node.path[:-1])),
        "leaf": node.is_leaf,
        "points": points,
        "score": scored,
        "rate": score_rate(scored, points) if scored is not None else None,
        "deduction": deduction,
        "figures": "",
        "brief": "",  # the figures again where the deductions are gathered (a slot's rows only in section 四)
        "standard": "",
        "method": "",
        "reason": "",
        "basis": "",
        "not_applicable": node.is_leaf and bool(absent),
        "not_chosen": node.key in sheet.scores.not_chosen,
        "choice": _choice_words(sheet.framework, node),
    }
    leaf = sheet.leaf(node.key) if node.is_leaf else None
    if node.indicator is not None:
        item |= {"standard": clean(report_standard(node.indicator)), "method": METHOD_NAMES[node.indicator.method]}
    if leaf is not None and leaf.indicator.custom:
        item |= {
            "figures": clean(_custom_figures(leaf, places=leaf.indicator.score_places)),
            "reason": _custom_reasons(leaf),
            "basis": "各项的得分见第四部分",
        }
    elif leaf is not None and leaf.not_applicable:
        item |= {"reason": _reason(leaf.reason), "rate": None}
    elif leaf is not None:
        basis, reason = _leaf_basis(leaf), _reason(leaf.reason)
        if reason and basis.startswith("按评分标准应得"):  # an override and its grounds: both are stated
            reason = f"{basis}。{reason}"
        item |= {"figures": clean(_figures(leaf)), "brief": clean(_figures(leaf)), "reason": reason, "basis": basis}
    return item


def _choice_words(framework: Framework, node: Node) -> str:
    """An alternative's group in words: “与实际完成率二者择其一”."""
    choice = framework.choice_of(node.key)
    return choice.alongside(node.key) if choice else ""


def _custom_figures(leaf: LeafRow, places: int) -> str:
    """A slot's indicators as the evaluator set them, each with its points, score and standard."""
    rows = [row for row in leaf.custom if row.filled]
    if not rows:
        return ""
    each = "；".join(
        f"{item_mark(n)}{row.name}（分值{format_score(row.points, places)}分，"
        f"评价得分{format_score(row.score, places)}分，评分标准：{row.standard.rstrip('。')}）"
        for n, row in enumerate(rows)
    )
    return f"设置部门特性指标{len(rows)}项：{each}。"


def _custom_reasons(leaf: LeafRow) -> str:
    """The reasons of a slot's deductions, each after its indicator's name."""
    return "；".join(
        f"{row.name}：{row.reason.rstrip('。')}"
        for row in leaf.custom
        if row.reason and row.points is not None and row.score is not None and row.score < row.points
    )


def _numbered(nodes: Sequence[Node], sheet: EvaluationSheet) -> list[dict[str, Any]]:
    """Every node in tree order, numbered within its parent."""
    counters: dict[tuple[str, ...], int] = {}
    items = []
    for node in nodes:
        parent = node.path[:-1]
        counters[parent] = counters.get(parent, 0) + 1
        items.append(_node(node, counters[parent], sheet))
    return items


_REVENUE_LABELS = {"total": "收入合计", "expense_total": "支出合计"}  # the sheet's 合计 and 支出小计, named in a table


def _not_applicable(framework: Framework, scores: TreeScores, absent: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The indicators marked 不适用 and how the framework counts them, as section 三 says it."""
    if not absent:
        return None
    return {
        "names": "、".join(item["name"] for item in absent),
        "count": len(absent),
        "policy": NA_POLICIES[framework.not_applicable or ""],
        "points": sum((item["points"] for item in absent), Decimal(0)),
        "summed": scores.summed,
        "applicable": scores.applicable,
    }


def _revenue(submission: Submission) -> dict[str, Any]:
    """收支预决算 as the report's table: each filled column's 预算, 决算 and the 差异率 they give (the engine's, not a
    printed one); nothing when the sheet is not there or left blank."""
    table = submission.revenue
    columns = [c for c in table.columns if (c.budget, c.final) != (None, None)] if table is not None else []
    rows = [
        {
            "key": c.key,
            "label": _REVENUE_LABELS.get(c.key, c.label),
            "budget": c.budget,
            "final": c.final,
            "variance": variance_rate(c.final, c.budget),
        }
        for c in columns
    ]
    by_key = {row["key"]: row for row in rows}
    expense = by_key.get("expense_total", {"budget": None, "final": None})
    return {
        "revenue": rows,
        "revenue_total": by_key.get("total", {"budget": None, "final": None}),
        "revenue_expense": expense | {"rate": execution_rate(expense["final"], expense["budget"])},
    }


def evaluation_context(submission: Submission, report_date: str) -> dict[str, Any]:
    """Everything the 部门整体支出绩效评价报告 says, as plain values.

    Every score, subtotal, 得分率 and deduction is the engine's (the tree scored from the leaves' shown scores), never
    a printed subtotal: the report cannot disagree with its own rows.
    """
    sheet = submission.evaluation
    if sheet is None:
        raise ReportError("部门整体支出绩效评价报告需要“评价指标评分表”；这份工作簿没有")
    framework, scores = sheet.framework, sheet.scores
    places = framework.score_places
    header = submission.header
    year, unit = header.fiscal_year or "", clean(header.unit_name)
    nodes = tree(framework)
    items = _numbered(nodes, sheet)
    by_key = {node.key: item for node, item in zip(nodes, items, strict=True)}
    level1 = [by_key[node.key] for node in nodes if node.level == 1]
    leaf_items = [item for item in items if item["leaf"]]
    deductions = [item for item in leaf_items if item["deduction"] > 0]
    absent = [item for item in leaf_items if item["not_applicable"]]
    unused = [item for item in leaf_items if item["not_chosen"]]
    total = scores.total
    grade = scores.grade or grade_of(framework, total) or ""
    texts = {key.removeprefix("eval_"): paragraphs(sheet.texts.get(key, "")) for key, _ in EVAL_TEXTS}
    levels = []
    for depth in range(2, max(node.level for node in nodes) + 1):
        count = sum(1 for node in nodes if node.level == depth)
        levels.append({"label": LEVEL_NAMES[depth - 1], "count": count})
    methods = [
        {"name": name, "count": sum(1 for i in framework.indicators if i.method == method)}
        for method, name in METHOD_NAMES.items()
    ]
    grades = [
        {"label": clean(g.label), "minimum": g.minimum, "upper": framework.grades[index - 1].minimum if index else None}
        for index, g in enumerate(framework.grades)
    ]
    computed = sum(1 for i in framework.indicators if i.computed)
    leaf_levels = {len(i.path) for i in framework.indicators}
    leaf_label = LEVEL_NAMES[leaf_levels.pop() - 1] if len(leaf_levels) == 1 else "末级指标"
    return {
        "title": f"{year}年度{unit}部门整体支出绩效评价报告",
        "unit_name": unit,
        "year": year,
        "report_date": chinese_date(report_date),
        "evaluator": clean(sheet.texts.get("eval_evaluator", "")),
        "places": places,
        "texts": texts,
        "framework": {
            "name": clean(framework.name),
            "title": clean(framework.title),
            "full_marks": framework.full_marks,
            "level1_count": len(level1),
            "levels": levels,
            "leaf_count": len(leaf_items),
            "leaf_label": leaf_label,
            "methods": [m for m in methods if m["count"]],
            "computed": computed,
            "judged": len(leaf_items) - computed,
            "grades": grades,
        },
        "result": {
            "points": framework.full_marks,
            "total": total,
            "rate": score_rate(total, framework.full_marks),
            "grade": clean(grade),
            "level1": level1,
            "full_count": len(leaf_items) - len(deductions) - len(absent) - len(unused),
            "not_chosen_count": len(unused),
            "not_applicable": _not_applicable(framework, scores, absent),
            "deducted_count": len(deductions),
            "deducted": sum((item["deduction"] for item in deductions), Decimal(0)),
        },
        **_revenue(submission),
        "nodes": items,
        "deductions": deductions,
        "annex": {"rows": annex_rows(framework, by_key, sheet)},
    }
