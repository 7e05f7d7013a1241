"""Reading a 评价指标评分表 back: every row as it shows after a full recalculation.

Every computed cell counts as the reader core (reader/cells.py) says it shows: its template formula over what its
arguments show, a number typed over it, blank when cleared, a formula of the user's own by its saved result."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.core.codes import (
    EVAL_ROW_MISSING,
    EVAL_ROW_UNKNOWN,
    FORMULA_OVERWRITTEN,
    FORMULA_REPLACED,
    INPUT_FORMULA,
    NAME_BROKEN,
    NUMBER_AS_TEXT,
    NUMBER_UNREADABLE,
    Code,
)
from perfeval_xl.core.frameworks import (
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
)
from perfeval_xl.core.numbers import D, NotANumber
from perfeval_xl.core.records import ERROR, CellRef, EvaluationSheet, Finding, LeafRow, SumRow
from perfeval_xl.engine.evaluation.scores import (
    evaluate_value,
    grade_of,
    score_rate,
    score_tree,
    standard_score,
    tree,
)
from perfeval_xl.workbook.layout.base import NATIVE, UDF
from perfeval_xl.workbook.layout.evaluation import (
    KEY,
    grade_formula,
    link_formula,
    rate_formula,
    ref_at,
    score_formula,
    value_formula,
)


@dataclass
class SheetAccess:
    """What the reader needs of the file: a cell's content and saved result, the linked figures as shown, and
    what a typed text cell says (a formula typed into it counts by its saved result, with a finding if none)."""

    title: str
    raw: Callable[[str], object]
    cached: Callable[[str], object]
    linked: Callable[[str], object]
    findings: list[Finding]
    display: dict[str, object] = field(default_factory=dict)  # A1 -> what each formula cell shows


def _normal(formula: str) -> str:
    """A formula without $, spaces, case or row numbers: rows move when the user inserts rows above."""
    text = re.sub(r"\s+", "", formula.replace("$", "")).upper()
    return re.sub(r"\b([A-Z]{1,3})\d+\b", r"\1#", text)


def _formula(raw: object) -> str | None:
    return raw if isinstance(raw, str) and raw.startswith("=") else None


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _unsaved(cached: object) -> bool:
    """No usable saved result: the file was never calculated (openpyxl, a script) or the formula shows an error."""
    return cached is None or (isinstance(cached, str) and cached.startswith("#"))


def _is_number(value: object) -> bool:
    """A cell value Excel's SUM and ISNUMBER count: a number, not text that looks like one."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class _Reader:
    def __init__(self, framework: Framework, access: SheetAccess):
        self.framework, self.access = framework, access

    def finding(self, code: Code, message: str, ref: str | None, severity: str | None = None) -> None:
        self.access.findings.append(code(message, CellRef(self.access.title, ref), severity=severity))

    def number(self, value: object, ref: str, what: str) -> Decimal | None:
        """A figure as the engine uses it; text that reads as a number counts, with the hint that Excel's sums and
        plain formulas do not count it."""
        if _blank(value) or value == "—":
            return None
        number = D(value)
        if isinstance(number, NotANumber):
            self.finding(NUMBER_UNREADABLE, f"{what}：{number.reason}", ref)
            return None
        if isinstance(value, str):
            self.finding(
                NUMBER_AS_TEXT,
                f"{what}：“{value[:20]}”是以文本形式存储的数字，Excel 的求和和公式不把它当数字；请改为数字",
                ref,
            )
        return number

    def shown(self, ref: str) -> object:
        """A cell as it shows: the computed value of a formula cell read before, else its content or saved result."""
        if ref in self.access.display:
            return self.access.display[ref]
        raw = self.access.raw(ref)
        return self.access.cached(ref) if _formula(raw) else raw

    def typed(self, ref: str, what: str) -> object:
        """What the evaluator typed: a formula typed there counts by its saved result; without one it is an error."""
        raw = self.access.raw(ref)
        formula = _formula(raw)
        if formula is None:
            return raw
        cached = self.access.cached(ref)
        if _unsaved(cached):
            self.finding(
                INPUT_FORMULA,
                f"{what}：单元格中是公式“{formula[:60]}”，文件里没有它的计算结果；请直接填写数字或文字",
                ref,
            )
            return None
        return cached

    def text(self, ref: str, what: str) -> str:
        shown = self.typed(ref, what)
        return "" if _blank(shown) or (isinstance(shown, str) and shown.startswith("#")) else str(shown).strip()

    def computed(self, ref: str, templates: tuple[str, ...], compute: Callable[[], object], what: str) -> object:
        """A computed cell as it shows: its template formula → compute(); typed over → the typed content; cleared →
        blank; a formula of the user's own → its saved result (an error when the file has none)."""
        raw = self.access.raw(ref)
        formula = _formula(raw)
        if formula is not None and _normal(formula) in {_normal(t) for t in templates}:
            value = compute()
            self.access.display[ref] = value
            return value
        if formula is not None:
            cached = self.access.cached(ref)
            if _unsaved(cached):
                self.finding(
                    FORMULA_REPLACED,
                    f"{what}：公式“{formula[:60]}”不是模板的，文件里也没有它的计算结果；请恢复模板的公式",
                    ref,
                    severity=ERROR,
                )
                self.access.display[ref] = None
                return None
            self.finding(FORMULA_REPLACED, f"{what}：公式已换成“{formula[:60]}”，按文件保存的结果计", ref)
            self.access.display[ref] = cached
            return cached
        if not _blank(raw) and templates:
            self.finding(FORMULA_OVERWRITTEN, f"{what}：公式被改写为 {str(raw)[:40]}，按改写的值计", ref)
        return raw

    def is_template(self, ref: str, templates: tuple[str, ...]) -> bool:
        formula = _formula(self.access.raw(ref))
        return formula is not None and _normal(formula) in {_normal(t) for t in templates}

    # ---------- rows

    def leaf(self, indicator: EvalIndicator, row: int) -> LeafRow:
        what = indicator.key
        value_ref, score_ref = ref_at("value", row), ref_at("score", row)
        a, b = self.figure(indicator, row, 0), self.figure(indicator, row, 1)
        if indicator.value is not None:
            templates = tuple(value_formula(indicator, row, f) for f in (UDF, NATIVE))
            shown_value = self.computed(value_ref, templates, lambda: _figure_value(indicator, a, b), f"{what} 指标值")
        else:
            shown_value = self.typed(value_ref, f"{what} 指标值") if indicator.computed else None
        value = shown_value if shown_value == "—" else self.number(shown_value, value_ref, f"{what} 指标值")
        standard = None
        if indicator.computed:
            udf_template = score_formula(indicator, row, UDF)
            templates = (udf_template, score_formula(indicator, row, NATIVE))
            # the plain formula scores only a number (ISNUMBER): a 指标值 typed as text leaves it blank there
            counted = (
                value
                if value == "—" or _is_number(shown_value) or self.is_template(score_ref, (udf_template,))
                else None
            )
            standard = standard_score(indicator, None if counted == "—" else counted)
            raw_score = self.computed(score_ref, templates, lambda: _as_cell(standard), f"{what} 得分")
            typed = not self.is_template(score_ref, templates) and not _blank(self.access.raw(score_ref))
        else:
            raw_score = self.typed(score_ref, f"{what} 得分")
            typed = not _blank(raw_score)
        score = self.number(raw_score, score_ref, f"{what} 得分")
        return LeafRow(
            indicator,
            a,
            b,
            value,
            standard,
            score,
            typed,
            self.text(ref_at("reason", row), f"{what} 扣分原因"),
            self.shown(ref_at("points", row)),
            where=self.cells(row, ("points", "a", "b", "value", "score", "reason")),
        )

    def figure(self, indicator: EvalIndicator, row: int, index: int) -> object:
        ref = ref_at(("a", "b")[index], row)
        spec = indicator.value
        what = f"{indicator.key} {('数据A', '数据B')[index]}"
        if spec is not None and spec.sources:
            name = spec.sources[index]
            shown = self.computed(ref, (link_formula(name),), lambda: _as_cell(self.access.linked(name)), what)
            return self.number(shown, ref, what)
        if isinstance(indicator.rule, ChecklistRule):
            return self.text(ref, what)
        if spec is None and not isinstance(indicator.rule, FindingsRule):
            return None
        return self.number(self.typed(ref, what), ref, what)

    def sum_row(self, key: str, row: int) -> SumRow:
        points = self.sum_cell(ref_at("points", row), f"{key} 分值")
        score = self.sum_cell(ref_at("score", row), f"{key} 得分")
        rate_ref = ref_at("value", row)
        rate = self.computed(rate_ref, (rate_formula(row),), lambda: _as_cell(_rate(score, points)), f"{key} 得分率")
        where = self.cells(row, ("points", "score")) | {"rate": CellRef(self.access.title, rate_ref)}
        return SumRow(key, points, score, self.number(rate, rate_ref, f"{key} 得分率"), where=where)

    def cells(self, row: int, columns: tuple[str, ...]) -> dict[str, CellRef]:
        """Where each column's cell of a row is: what a finding about it points at."""
        return {column: CellRef(self.access.title, ref_at(column, row)) for column in columns}

    def sum_cell(self, ref: str, what: str) -> Decimal | None:
        """A SUM as Excel shows it: the numbers among the cells it names (text is not counted); blank when none
        in the template's =IF(COUNT(…)=0,"",SUM(…)) form. A formula of another shape counts by its saved result."""
        formula = _formula(self.access.raw(ref))
        compact = re.sub(r"\s+", "", formula.upper().replace("$", "")) if formula else ""
        counted = re.fullmatch(r'=IF\(COUNT\(([A-Z0-9:,]+)\)=0,"",SUM\(\1\)\)', compact)
        plain = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", compact)
        cells = _refs((counted or plain).group(1)) if counted or plain else None
        if cells is None:
            return self.number(self.computed(ref, (), lambda: None, what), ref, what)
        terms = [self.shown(cell) for cell in cells]
        numbers = [Decimal(str(t)) if isinstance(t, float) else Decimal(t) for t in terms if _is_number(t)]
        value = sum(numbers, Decimal(0)) if numbers or plain else None
        self.access.display[ref] = _as_cell(value)
        return value


def _refs(text: str) -> list[str] | None:
    """The cells of "I4:I6,I10" (ranges of one column, or single cells, on the sheet's columns); None for anything
    else (whole columns, blocks, intersections): such a formula is the user's own and counts by its saved result."""
    cells: list[str] = []
    for part in text.split(","):
        match = re.fullmatch(r"([A-K])(\d{1,7})(?::([A-K])(\d{1,7}))?", part)
        if match is None:
            return None
        column, top, other, bottom = match.groups()
        if other is None:
            cells.append(f"{column}{top}")
            continue
        if other != column or not 0 < int(top) <= int(bottom) or int(bottom) - int(top) > 10_000:
            return None
        cells += [f"{column}{r}" for r in range(int(top), int(bottom) + 1)]
    return cells


def _figure_value(indicator: EvalIndicator, a: object, b: object) -> object:
    """The 指标值 cell for two figures: blank until both are there, "—" with no denominator."""
    if a is None or b is None:
        return ""
    try:
        value = evaluate_value(indicator, a, b)
    except ArithmeticError:
        value = None
    return "—" if value is None else float(value)


def _rate(score: Decimal | None, points: Decimal | None) -> Decimal | None:
    return None if score is None or points is None else score_rate(score, points)


def _as_cell(value: object) -> object:
    """An engine value as a cell shows it: a float, or blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def read_sheet(
    framework: Framework, access: SheetAccess, first: int, last: int, total_ref: str | None, grade_ref: str | None
) -> EvaluationSheet:
    """The rows between `first` and `last` (the eval_indicators range, wherever the user moved it), and the total
    and grade cells the names eval_total and eval_grade point at."""
    reader = _Reader(framework, access)
    leaves_by_key = {indicator.key: indicator for indicator in framework.indicators}
    inner = {node.key for node in tree(framework) if not node.is_leaf}
    leaves: list[LeafRow] = []
    subtotals: dict[str, SumRow] = {}
    for row in range(first, last + 1):
        key_raw = access.raw(f"{KEY}{row}")
        key = "" if _blank(key_raw) else str(key_raw).strip()
        if key in leaves_by_key and key not in {leaf.indicator.key for leaf in leaves}:
            leaves.append(reader.leaf(leaves_by_key[key], row))
        elif key in inner and key not in subtotals:
            subtotals[key] = reader.sum_row(key, row)
        elif any(not _blank(access.raw(ref_at(k, row))) for k in ("level3", "points", "score")):
            name = access.raw(ref_at("level3", row)) or access.raw(ref_at("level2", row)) or ""
            reader.finding(
                EVAL_ROW_UNKNOWN,
                f"第 {row} 行（{str(name)[:20] or '无名称'}）不是评价指标体系“{framework.name}”中的指标："
                "它的得分也会计入小计；请删除这一行，或在指标体系文件中加上这个指标",
                f"C{row}",
            )
    found = {leaf.indicator.key for leaf in leaves}
    for indicator in framework.indicators:
        if indicator.key not in found:
            reader.finding(
                EVAL_ROW_MISSING,
                f"评分表中找不到指标“{indicator.key}”的行（最右一列的指标路径被改动或整行被删除）",
                None,
            )
    total = None
    if total_ref and re.fullmatch(r"I\d+", total_ref):
        total = reader.sum_row("总分", int(total_ref[1:]))
    elif total_ref:
        reader.finding(NAME_BROKEN, f"名称“eval_total”应指向评分表“得分”一列的总分，而不是 {total_ref}", total_ref)
    grade = None
    if grade_ref and total_ref:
        grade = reader.computed(
            grade_ref,
            (grade_formula(framework, total_ref),),
            lambda: "" if total is None or total.score is None else grade_of(framework, total.score),
            "等级",
        )
    scores = score_tree(framework, {leaf.indicator.key: leaf.score for leaf in leaves})
    return EvaluationSheet(
        framework,
        access.title,
        tuple(leaves),
        subtotals,
        total,
        "" if _blank(grade) else str(grade).strip(),
        scores,
        where={"grade": CellRef(access.title, grade_ref)} if grade_ref else {},
    )
