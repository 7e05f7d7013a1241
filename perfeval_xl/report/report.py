"""The only jinja2/docxtpl importer: the narrative self-assessment report (自评报告) as Word.

A plain context is built from the records (never from cell coordinates), the template's undeclared variables
are compared with it, and docxtpl renders the template in a sandboxed Jinja environment with autoescaping and
the number filters. Free text goes in exactly as typed, one Word paragraph per line.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.core.frameworks import (
    CIRCLED,
    LEVEL_NAMES,
    METHOD_NAMES,
    SUBTOTAL,
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
    Node,
)
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.core.numbers import D, format_amount, format_percent, format_score, round_half_up
from perfeval_xl.core.records import (
    ECONOMIC_CLASSES,
    NARRATIVE_TEXTS,
    OTHER_BUDGETS,
    Assessment,
    EvaluationSheet,
    Finding,
    LeafRow,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.engine.evaluation.scores import grade_of, leaves, score_rate, tree
from perfeval_xl.engine.evaluation.words import standard_text, value_text
from perfeval_xl.engine.rates import adjustment_rate, change_amount, change_rate, control_rate, execution_rate, share
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import AssessmentScore, execution_weight, score_assessment
from perfeval_xl.report import charts
from perfeval_xl.report.pdf import to_pdf
from perfeval_xl.report.suggestions import suggest
from perfeval_xl.report.templates import DEPT_TEMPLATE, EVALUATION_TEMPLATE, PROJECT_TEMPLATE
from perfeval_xl.utils.files import stage, write_failed
from perfeval_xl.utils.shipped import shipped_file


class ReportError(PerfevalError, ValueError):
    """A report cannot be rendered: the workbook has errors, the template is broken, the folder is not writable."""


# ---------------------------------------------------------------- filters


def _number(value: object) -> Decimal | None:
    number = D(value)
    return number if isinstance(number, Decimal) else None


def wan(value: object) -> str:
    """万元 with two decimals: 1,294.52."""
    return format_amount(_number(value))


def pct(value: object) -> str:
    """A fraction as a percentage with two decimals: 41.27%."""
    return format_percent(_number(value))


def change(value: object) -> str:
    """A signed change rate in words: 增长 5.30% / 下降 12.40% / 持平."""
    number = _number(value)
    if number is None:
        return "—"
    shown = round_half_up(abs(number) * 100, 2)
    if shown.is_zero():
        return "持平"
    return f"{'增长' if number > 0 else '下降'} {shown:.2f}%"


def more_less(value: object) -> str:
    """A signed amount in words: 增加 0.33 万元 / 减少 0.84 万元 / 持平."""
    number = _number(value)
    if number is None:
        return "—"
    if round_half_up(number, 2).is_zero():
        return "持平"
    return f"{'增加' if number > 0 else '减少'} {format_amount(abs(number))} 万元"


def signed(value: object) -> str:
    """A signed amount for tables: +0.33 / -0.84."""
    number = _number(value)
    return "—" if number is None else f"{round_half_up(number, 2):+,.2f}"


def score(value: object, places: int = 2) -> str:
    """A score with at most `places` decimals (the framework's score_places): 13.5, 100."""
    return format_score(_number(value), places if isinstance(places, int) and 0 <= places <= 6 else 2)


def count(value: object) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:,.0f}"


def chinese_date(value: object) -> str:
    """2024-06-26, a date, or text already in Chinese: 2024年6月26日. A date cell read as text ("2024-06-26
    00:00:00") loses its midnight."""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    return f"{match.group(1)}年{int(match.group(2))}月{int(match.group(3))}日" if match else text


FILTERS = {
    "wan": wan,
    "pct": pct,
    "change": change,
    "more_less": more_less,
    "signed": signed,
    "score": score,
    "count": count,
    "cn_date": chinese_date,
}


def environment() -> SandboxedEnvironment:
    """A sandboxed Jinja environment (a user's own template cannot reach Python) that escapes every value."""
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


# ---------------------------------------------------------------- the context


_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")  # \a and \f would also split paragraphs


def clean(text: object) -> str:
    """Text as typed, minus the control characters Word's XML cannot hold."""
    return _XML_UNSAFE.sub("", str(text or ""))


def paragraphs(text: object) -> list[str]:
    """Free text as Word paragraphs: one per line, blank lines dropped, everything else exactly as typed."""
    return [line for line in re.split(r"\r\n|\r|\n|\u2028|\u2029", clean(text)) if line.strip()]


def _plain_label(label: str) -> str:
    """ "　3、公务接待" -> "公务接待"; "其中：办公经费" -> "办公经费"."""
    text = re.sub(r"^\s*(其中[:：])?\s*(\d+[、.．])?\s*", "", label or "")
    return text.strip()


def _spending(row, label: str | None = None) -> dict[str, Any]:
    return {
        "label": clean(label or row.label.strip()),
        "prev": row.prev,
        "budget": row.budget,
        "final": row.final,
        "rate": control_rate(row.final, row.budget),
        "change": change_amount(row.final, row.prev),
        "change_rate": change_rate(row.final, row.prev),
    }


def _indicator_rows(scores: AssessmentScore) -> list[dict[str, Any]]:
    rows, previous = [], ("", "")
    for item in scores.indicators:
        indicator = item.indicator
        level1, level2 = level1_name(indicator.level1)[0], level2_name(indicator.level2)
        shown = (
            level1 if (level1, level2) != previous and level1 != previous[0] else "",
            level2 if (level1, level2) != previous else "",
        )
        previous = (level1, level2)
        rows.append(
            {
                "level1": shown[0],
                "level2": shown[1],
                "level3": clean(indicator.level3),
                "target": clean(indicator.target),
                "actual": clean(indicator.actual),
                "weight": indicator.weight,
                "score": item.score,
                "reason": clean(indicator.reason),
            }
        )
    return rows


def _summary(scores: AssessmentScore) -> dict[str, Any]:
    blocks: dict[str, dict[str, Any]] = {}
    for item in scores.indicators:
        name = level1_name(item.indicator.level1)[0]
        block = blocks.setdefault(name, {"name": name, "count": 0, "weight": Decimal(0), "score": Decimal(0)})
        block["count"] += 1
        block["weight"] += item.indicator.weight or 0
        block["score"] += item.score or 0
    missed = [
        clean(item.indicator.level3)
        for item in scores.indicators
        if item.result.basis == "quantitative" and item.result.met is False
    ]
    return {"count": len(scores.indicators), "blocks": list(blocks.values()), "missed": missed}


def _table(table: Assessment, rules: RuleSet) -> dict[str, Any]:
    """One 附件2 or 附件3 as the report shows it."""
    scores = score_assessment(table, rules)
    funding, total = table.funding, table.funding.total
    weight = execution_weight(funding, rules)
    rows = [
        {
            "label": "年度资金总额",
            "initial": total.initial,
            "budget": total.budget,
            "executed": total.executed,
            "weight": weight,
            "rate": scores.execution_rate,
            "score": scores.execution_line_score,
        }
    ]
    rows += [
        {
            "label": f"其中：{line.label}" if i == 0 else line.label,
            "initial": line.initial,
            "budget": line.budget,
            "executed": line.executed,
            "weight": None,
            "rate": None,
            "score": None,
        }
        for i, line in enumerate(funding.sources)
        if (line.initial, line.budget, line.executed) != (None,) * 3
    ]
    if table.kind == "dept":
        rows += [
            {
                "label": label,
                "initial": None,
                "budget": None,
                "executed": value,
                "weight": None,
                "rate": None,
                "score": None,
            }
            for label, value in (("其中：基本支出", funding.expense_basic), ("项目支出", funding.expense_project))
            if value is not None
        ]
    indicator_weights = sum((i.indicator.weight or Decimal(0) for i in scores.indicators), Decimal(0))
    return {
        "name": clean(table.name),
        "competent_dept": clean(table.competent_dept),
        "implementing_unit": clean(table.implementing_unit),
        "funds": {
            "initial": total.initial,
            "budget": total.budget,
            "executed": total.executed,
            "rate": scores.execution_rate,
            "score": scores.execution_line_score,
            "weight": weight,
            "adjustment": adjustment_rate(total.budget, total.initial) if total.initial else None,
            "reason": paragraphs(funding.reason),
        },
        "funding": rows,
        "indicators": _indicator_rows(scores),
        "summary": _summary(scores),
        "weight_total": weight + indicator_weights,
        "total": scores.total,
        "grade": scores.grade or "",
        "goal_expected": paragraphs(table.goal_expected),
        "goal_actual": paragraphs(table.goal_actual),
        "reasons": [
            {"level3": clean(i.level3), "reason": clean(i.reason)} for i in table.indicators if i.reason.strip()
        ],
    }


def _suggested(tables: list[Assessment], submission: Submission, rules: RuleSet) -> dict[str, list[str]]:
    problems: list[str] = []
    measures: list[str] = []
    for table in tables:
        for found in suggest(table, submission, rules):
            if found.problem not in problems:
                problems.append(found.problem)
            if found.measure not in measures:
                measures.append(found.measure)
    return {"problems": problems, "measures": measures}


def dept_context(submission: Submission, rules: RuleSet, report_date: str) -> dict[str, Any]:
    """Everything the department report says, as plain values (charts are added by render())."""
    header, basic, overall = submission.header, submission.basic, submission.overall
    if overall is None or basic is None:
        raise ReportError("部门整体支出自评报告需要附件1 和附件2；这份工作簿没有")
    narrative = submission.narrative
    texts = {key: paragraphs(narrative.text(key) if narrative else "") for key, _ in NARRATIVE_TEXTS}
    executed = overall.funding.total.executed
    basic_total = overall.funding.expense_basic
    classes = []
    if narrative:
        classes = [
            {"label": label, "amount": amount, "share": share(amount, basic_total)}
            for key, label in ECONOMIC_CLASSES
            if (amount := narrative.basic_by_class.get(key)) is not None
        ]
    sheets = {clean(p.name).strip(): p for p in submission.projects}
    project_scores = {name: score_assessment(p, rules) for name, p in sheets.items()}
    project_rows = []
    for row in basic.projects:
        if not row.label.strip():
            continue
        name = clean(_plain_label(row.label))
        sheet = sheets.get(name)
        # a project with its 附件3 is shown with that sheet's full-year budget and execution, as its score is
        budget, final = (sheet.funding.total.budget, sheet.funding.total.executed) if sheet else (row.budget, row.final)
        scored = project_scores.get(name)
        project_rows.append(
            {
                "name": name,
                "budget": budget,
                "final": final,
                "rate": execution_rate(final, budget),
                "score": scored.total if scored else None,
                "grade": scored.grade if scored else "—",
            }
        )
    sangong_items = [
        _spending(row, _plain_label(row.label))
        for row in basic.sangong_items
        if row.key in ("sangong_car", "sangong_abroad", "sangong_reception")
    ]
    # "parts", not "items": in a template, sangong.items would be the dict's own items() method
    sangong = _spending(basic.sangong) | {
        "parts": [i for i in sangong_items if i["final"] is not None] or sangong_items,
        "rows": [_spending(basic.sangong)] + [_spending(r) for r in basic.sangong_items],
    }
    public = _spending(basic.public_funds) | {
        "parts": [_spending(r, _plain_label(r.label)) for r in basic.public_items if r.final is not None]
    }
    project_total = overall.funding.expense_project
    other = {
        key.removesuffix("_spending"): (narrative.other_budgets.get(key) if narrative else None)
        for key, _ in OTHER_BUDGETS
    }
    year = header.fiscal_year or ""
    unit = clean(header.unit_name)
    overall_table = _table(overall, rules)
    basic_rows = (
        [_spending(basic.sangong)]
        + [_spending(r) for r in basic.sangong_items]
        + [_spending(basic.project_spending)]
        + [_spending(r) for r in basic.projects]
        + [_spending(basic.public_funds)]
        + [_spending(r) for r in basic.public_items]
        + [_spending(basic.procurement)]
    )
    return {
        "title": f"{year}年度{unit}整体支出绩效自评报告",
        "unit_name": unit,
        "year": year,
        "report_date": chinese_date(report_date),
        "rules": {"name": rules.name, "title": rules.title},
        "texts": texts,
        "staff": {
            "quota": basic.staff.quota,
            "actual": basic.staff.actual,
            "rate": control_rate(basic.staff.actual, basic.staff.quota),
        },
        "basic": {"total": basic_total, "share": share(basic_total, executed), "classes": classes},
        "sangong": sangong,
        "public": public,
        "procurement": {"budget": basic.procurement.budget, "final": basic.procurement.final},
        "project": {"total": project_total, "share": share(project_total, executed), "rows": project_rows},
        "other": other,
        "overall": overall_table,
        "funds": overall_table["funds"],
        "projects": [_table(p, rules) for p in submission.projects],
        "suggested": _suggested([overall, *submission.projects], submission, rules),
        "annex": {"basic_rows": [r for r in basic_rows if (r["prev"], r["budget"], r["final"]) != (None,) * 3]},
        "charts": {"sangong": None, "spending": None},
    }


def project_context(submission: Submission, project: Assessment, rules: RuleSet, report_date: str) -> dict[str, Any]:
    year = submission.header.fiscal_year or ""
    table = _table(project, rules)
    table["suggested"] = _suggested([project], submission, rules)
    return {
        "title": f"{year}年度{table['name']}项目支出绩效自评报告",
        "unit_name": clean(submission.header.unit_name),
        "year": year,
        "report_date": chinese_date(report_date),
        "rules": {"name": rules.name, "title": rules.title},
        "project": table,
    }


# ---------------------------------------------------------------- the evaluation report (评价报告)


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


def _figure(value: object) -> str:
    """A figure as typed on the sheet (people, 万元, counts): 21, 1,294.52, 19.5."""
    number = _number(value)
    if number is None:
        return "—"
    text = f"{round_half_up(number, 4):,.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _value_shown(indicator: EvalIndicator, value: object) -> str:
    """A 指标值 as the report prints it: a percentage for rates, else the number."""
    number = _number(value)
    if number is None:
        return "—"
    percent = indicator.percent if indicator.value is None else indicator.value.rate != "change_amount"
    text = format_percent(number) if percent else _figure(number)
    return text.replace("-", "−")  # a minus sign: a line never breaks between it and its number


def _figures(leaf: LeafRow) -> str:
    """The figures behind a leaf's score in one sentence: 数据A, 数据B and the 指标值 with its formula in words."""
    indicator = leaf.indicator
    spec = indicator.value
    if spec is not None:
        formula = value_text(replace(indicator, value=replace(spec, sources=None)))
        given = [f"{label}{_figure(v)}" for label, v in ((spec.a, leaf.a), (spec.b, leaf.b)) if v is not None]
        if leaf.value == "—":
            value = f"指标值（{formula}）因{spec.b}为零或缺数无法计算"
        elif leaf.value is None:
            value = "指标值未填写"
        else:
            value = f"指标值 = {formula} = {_value_shown(indicator, leaf.value)}"
        return "评价数据：" + "，".join(given) + ("；" if given else "") + value + "。"
    if indicator.computed:
        return "" if leaf.value in (None, "—") else f"指标值：{_value_shown(indicator, leaf.value)}。"
    if isinstance(indicator.rule, ChecklistRule) and leaf.a:
        return f"符合的评价要点：{clean(leaf.a)}。"
    if isinstance(indicator.rule, FindingsRule) and _number(leaf.a) is not None:
        return f"发现问题{_figure(leaf.a)}个。"
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
    points = node.points
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
        "standard": "",
        "method": "",
        "reason": "",
        "basis": "",
    }
    leaf = sheet.leaf(node.key) if node.is_leaf else None
    if node.indicator is not None:
        item |= {"standard": clean(standard_text(node.indicator)), "method": METHOD_NAMES[node.indicator.method]}
    if leaf is not None:
        basis, reason = _leaf_basis(leaf), _reason(leaf.reason)
        if reason and basis.startswith("按评分标准应得"):  # an override and its grounds: both are stated
            reason = f"{basis}。{reason}"
        item |= {"figures": clean(_figures(leaf)), "reason": reason, "basis": basis}
    return item


def _numbered(nodes: Sequence[Node], sheet: EvaluationSheet) -> list[dict[str, Any]]:
    """Every node in tree order, numbered within its parent."""
    counters: dict[tuple[str, ...], int] = {}
    items = []
    for node in nodes:
        parent = node.path[:-1]
        counters[parent] = counters.get(parent, 0) + 1
        items.append(_node(node, counters[parent], sheet))
    return items


def _annex_rows(framework: Framework, items: Mapping[str, dict[str, Any]], sheet: EvaluationSheet) -> list[dict]:
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
        if leaf is not None and indicator is not None:
            if leaf.value == "—":
                value = "无法计算"
            elif indicator.value is not None or indicator.computed:
                value = "" if leaf.value is None else _value_shown(indicator, leaf.value)
            elif isinstance(indicator.rule, ChecklistRule) and leaf.a:
                value = f"符合 {clean(leaf.a)}"
            elif isinstance(indicator.rule, FindingsRule) and _number(leaf.a) is not None:
                value = f"问题 {_figure(leaf.a)} 个"
        reason = item["reason"] or (item["basis"] if item["deduction"] else "")
        rows.append(
            {
                "kind": "leaf",
                "level1": clean(names[0]),
                "level2": clean(names[1]),
                "level3": clean(names[2]),
                "points": item["points"],
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
                "level3": SUBTOTAL,
                "points": item["points"],
                "value": f"得分率 {format_percent(item['rate'])}",
                "score": item["score"],
                "reason": "",
            }
        )

    for level1 in (node for node in tree(framework) if node.level == 1):
        for child in level1.children:
            if child.is_leaf:
                leaf_row(child)
                continue
            for leaf in leaves(child):
                leaf_row(leaf)
            subtotal(child)
        subtotal(level1)
    return rows


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
            "source": clean(framework.source).strip().rstrip("。．.；;"),
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
            "full_count": len(leaf_items) - len(deductions),
            "deducted_count": len(deductions),
            "deducted": sum((item["deduction"] for item in deductions), Decimal(0)),
        },
        "nodes": items,
        "deductions": deductions,
        "annex": {"rows": _annex_rows(framework, by_key, sheet)},
    }


def _chart_images(template: DocxTemplate, submission: Submission) -> dict[str, Any]:
    """The two charts as inline images, or None each where there is nothing to draw or no Chinese font."""
    basic = submission.basic
    images: dict[str, Any] = {"sangong": None, "spending": None}
    if basic is None:
        return images
    rows = [
        basic.sangong,
        *[r for r in basic.sangong_items if r.key in ("sangong_car", "sangong_abroad", "sangong_reception")],
    ]
    drawn = [r for r in rows if r.final is not None or r.prev is not None]
    if basic.sangong.final is not None and drawn:
        png = charts.this_year_and_last(
            [_plain_label(r.label) for r in drawn], [r.prev for r in drawn], [r.final for r in drawn]
        )
        images["sangong"] = InlineImage(template, io.BytesIO(png), width=Mm(150)) if png else None
    kinds = [
        (label, row)
        for label, row in (
            ("项目支出", basic.project_spending),
            ("公用经费", basic.public_funds),
            ("“三公”经费", basic.sangong),
        )
        if row.budget is not None or row.final is not None
    ]
    if kinds:
        png = charts.budget_and_execution(
            [k for k, _ in kinds], [r.budget for _, r in kinds], [r.final for _, r in kinds]
        )
        images["spending"] = InlineImage(template, io.BytesIO(png), width=Mm(150)) if png else None
    return images


# ---------------------------------------------------------------- rendering


def render(template_path: Path, context: Mapping[str, Any], submission: Submission | None = None) -> bytes:
    """Render a template with a context into .docx bytes; every template problem becomes one ReportError."""
    try:
        template = DocxTemplate(str(template_path))
        template.init_docx()
    except Exception as error:  # docxtpl raises many kinds for a file that is not a Word document
        raise ReportError(
            f"无法打开报告模板“{template_path.name}”：它不是有效的 Word 文档（{type(error).__name__}）"
        ) from None
    env = environment()
    try:
        undeclared = template.get_undeclared_template_variables(env)
    except TemplateSyntaxError as error:
        raise ReportError(f"报告模板“{template_path.name}”有语法错误：{error.message}") from None
    missing = sorted(undeclared - set(context))
    if missing:
        raise ReportError(f"报告模板“{template_path.name}”用到了数据中没有的变量：{'、'.join(missing)}")
    values = dict(context)
    if submission is not None and "charts" in values:
        values["charts"] = _chart_images(template, submission)
    try:
        template.render(values, env, autoescape=True)
    except SecurityError as error:  # the sandbox's own words are English: "access to attribute '…' … is unsafe"
        reached = re.search(r"attribute '([^']+)'", str(error))
        what = f"属性“{reached.group(1)}”" if reached else "属性或函数"
        raise ReportError(
            f"报告模板“{template_path.name}”无法渲染：模板访问了不允许的{what}（模板只能使用报告提供的数据和过滤器）"
        ) from None
    except TemplateError as error:
        raise ReportError(f"报告模板“{template_path.name}”无法渲染：{error}") from None
    except Exception as error:  # a user's template may divide by zero or recurse: its fault, said in one line
        raise ReportError(f"报告模板“{template_path.name}”无法渲染：{type(error).__name__}：{error}") from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def template_file(name: str) -> Path:
    """A shipped template: in the installed package, or in the repository's templates/ folder."""
    found = shipped_file("templates", name)
    if found is None:
        raise ReportError(f"找不到报告模板 {name}；请重新安装 perfeval-xl")
    return found


# ---------------------------------------------------------------- writing next to the workbook


# Linux file systems take 255 bytes of UTF-8 in a name, and a 汉字 takes three; 200 leaves room for Word's "~$"
# owner file and a "(2)" when the first name is taken.
MAX_NAME_BYTES = 200


def safe_name(text: str) -> str:
    """A file name from a title: no characters Windows forbids, and short enough for any file system."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", text).strip() or "自评报告.docx"
    stem, dot, suffix = name.rpartition(".")
    while len((stem + dot + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + dot + suffix


def _locked(path: Path) -> bool:
    """Word keeps an owner file "~$…" beside a document it has open."""
    return any((path.parent / f"~${name}").exists() for name in (path.name, path.name[2:]))


def _names(path: Path) -> Iterator[Path]:
    """`path`, then `name(2).docx`, `name(3).docx`… built from the original name, whatever brackets it holds."""
    yield path
    for number in range(2, 100):
        yield path.with_name(f"{path.stem}({number}){path.suffix}")


def _move_into_place(temporary: Path, path: Path, taken: Collection[Path]) -> Path:
    """Rename a staged document to `path`, or to the next free name when Word holds that one (or it is taken)."""
    for candidate in _names(path):
        if _locked(candidate) or candidate in taken:
            continue
        try:
            os.replace(temporary, candidate)
            return candidate
        except PermissionError:  # Windows refuses to replace a file Word holds open
            continue
        except OSError as error:
            raise write_failed(candidate, error) from None
    raise ReportError(f"无法写入“{path}”：同名文件都被占用")


def write_documents(documents: Sequence[tuple[Path, bytes]]) -> list[Path]:
    """Write every document or none: each is staged as a temporary file in its folder first, then all are renamed.

    A failure while staging (a full disk, a refused folder) leaves no file at all. Renames hardly fail once
    everything is on disk; if one does, the message names the documents already written.
    """
    staged: list[tuple[Path, Path]] = []
    written: list[Path] = []
    try:
        for path, data in documents:
            staged.append((stage(data, path), path))
        for temporary, path in staged:
            written.append(_move_into_place(temporary, path, written))
    except PerfevalError as error:
        kept = f"；已写入的报告：{'、'.join(str(p) for p in written)}，其余没有写入" if written else ""
        raise ReportError(f"{error}{kept}") from None
    finally:
        for temporary, _path in staged:
            temporary.unlink(missing_ok=True)
    return written


@dataclass
class Reports:
    """What `write_reports` wrote, and anything the user should know."""

    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_reports(
    workbook: Path,
    submission: Submission,
    findings: list[Finding],
    rule_set: str | RuleSet,
    out: Path | None = None,
    projects: bool = False,
    pdf: bool = False,
    template: Path | None = None,
    report_date: str | date | None = None,
) -> Reports:
    """Render the department report (and, on request, one report per 附件3) next to the workbook.

    A workbook with only 附件3 gets one project report per sheet, and `out` (one sheet only) and `template` apply
    to those. An evaluation workbook (评价指标评分表) gets its 部门整体支出绩效评价报告, to which `out` and `template`
    apply (`projects` and `rule_set` do not: it has no 附件3, and its framework is its own). Every document is
    rendered before any is written, and they are written all or none; a workbook with errors gets none.
    """
    errors = [f for f in findings if f.is_error]
    if errors:
        raise ReportError(f"工作簿有 {len(errors)} 个错误，请先改正，再生成报告（运行 perfeval check 查看）")
    header = submission.header
    if submission.evaluation is not None:  # an evaluation workbook: its 评价报告, and no self-assessment reports
        when = chinese_date(report_date or submission.evaluation.texts.get("eval_report_date") or date.today())
        target = _target(workbook, out, f"{header.fiscal_year or ''}年度{header.unit_name}部门整体支出绩效评价报告")
        chosen = Path(template) if template else template_file(EVALUATION_TEMPLATE)
        document = render(chosen, evaluation_context(submission, when))
        return _with_pdfs(Reports(documents=write_documents([(target, document)])), pdf)
    rules = load_rules(rule_set)
    narrative_date = submission.narrative.report_date if submission.narrative else ""
    when = chinese_date(report_date or narrative_date or date.today())
    target = _target(workbook, out, f"{header.fiscal_year or ''}年度{header.unit_name}整体支出绩效自评报告")
    dept = submission.overall is not None and submission.basic is not None
    if not dept and out is not None and len(submission.projects) > 1:
        raise ReportError(
            f"这份工作簿有 {len(submission.projects)} 张附件3，每张生成一份项目报告，不能都写到 -o 指定的一个文件；"
            "请去掉 -o（报告写在工作簿旁边）"
        )
    own_template = Path(template) if template else None
    rendered: list[tuple[Path, bytes]] = []  # every document is rendered before any is written
    if dept:
        chosen = own_template or template_file(DEPT_TEMPLATE)
        rendered.append((target, render(chosen, dept_context(submission, rules, when), submission)))
    if projects or not dept:
        # without 附件1 and 附件2 the project reports are the reports: -o and --template apply to them
        chosen = (None if dept else own_template) or template_file(PROJECT_TEMPLATE)
        for project in submission.projects:
            name = safe_name(f"{header.fiscal_year or ''}年度{project.name}项目支出绩效自评报告.docx")
            path = target if out is not None and not dept else target.parent / name
            rendered.append((path, render(chosen, project_context(submission, project, rules, when))))
    if not rendered:
        raise ReportError("这份工作簿中没有可以生成报告的表（附件1、附件2 或附件3）")
    return _with_pdfs(Reports(documents=write_documents(rendered)), pdf)


def _target(workbook: Path, out: Path | None, title: str) -> Path:
    """The report's file: `out`, or the title as a file name next to the workbook; checked before any rendering."""
    target = Path(out) if out else workbook.parent / safe_name(f"{title}.docx")
    if target.suffix.lower() != ".docx":
        raise ReportError(f"报告文件名应以 .docx 结尾，而不是“{target.name}”")
    if target.resolve() == workbook.resolve():
        raise ReportError("报告不能写在工作簿本身上")
    if not target.parent.is_dir():
        raise ReportError(f"文件夹“{target.parent}”不存在")
    return target


def _with_pdfs(result: Reports, pdf: bool) -> Reports:
    """The written documents converted to PDF on request; a conversion that fails is a note, not an error."""
    if pdf:
        for document in result.documents:
            try:
                result.pdfs.append(to_pdf(document, document.with_suffix(".pdf")))
            except PerfevalError as error:
                result.notes.append(str(error))
                break
    return result


def render_for_workbook(path: Path, submission: Submission, findings: list[Finding], options: dict[str, Any]) -> Path:
    """The ribbon button's renderer: the department report (or an evaluation workbook's 评价报告) next to it."""
    return write_reports(path, submission, findings, options["rules"]).documents[0]
