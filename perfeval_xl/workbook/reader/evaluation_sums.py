"""The 评分表's sums and formulas as the reader recognises them: which cells a template-shaped SUM adds up, what SUM
counts of a cell, and a formula with its row numbers taken out (rows move when the user inserts rows above)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.core.frameworks import NA_PRORATE, Framework
from perfeval_xl.core.numbers import D
from perfeval_xl.workbook.layout.evaluation_formulas import (
    applicable_points_formula,
    credit_sum_formula,
    credited_words,
    in_column,
    left_out_words,
    prorated_total_formula,
)
from perfeval_xl.workbook.reader.cells import formula_text, is_number

SUM, CREDIT, APPLICABLE, PRORATED = "sum", "credit", "applicable", "prorated"


@dataclass(frozen=True)
class Summed:
    """A template-shaped sum: the cells its SUM adds up, whether it is the plain form (0, not blank, over nothing),
    and its shape: SUM; CREDIT (adds the 分值 of parts marked 不适用); APPLICABLE (a 分值 less theirs); PRORATED
    (总分 = 得分合计 ÷ 适用分值 × 满分). `others` are the same rows' cells of the other column (分值, or 得分)."""

    cells: list[str]
    plain: bool
    shape: str = SUM
    others: list[str] = field(default_factory=list)
    words: tuple[str, ...] = ()  # what marks a part as credited (CREDIT) or left out (APPLICABLE)


def sum_refs(raw: object, framework: Framework | None = None) -> Summed | None:
    """The template-shaped sum a cell holds (=SUM(…), =IF(COUNT(…)=0,"",SUM(…)), or a shape of a framework's 不适用
    policy, rebuilt from the cells of its first SUM(…) and compared whole); None for anything else."""
    formula = formula_text(raw)
    compact = _compact(formula) if formula else ""
    counted = re.fullmatch(r'=IF\(COUNT\(([A-Z0-9:,]+)\)=0,"",SUM\(\1\)\)', compact)
    plain = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", compact)
    if counted or plain:
        cells = column_refs((counted or plain).group(1))  # type: ignore[union-attr]
        return None if cells is None else Summed(cells, plain is not None)
    first = re.search(r"SUM\(([A-Z0-9:,]+)\)", compact)
    if first is None or column_refs(first.group(1)) is None or framework is None:
        return None
    plus, less = credited_words(framework), left_out_words(framework)
    prorated = framework.not_applicable == NA_PRORATE
    parts = first.group(1).split(",")
    scores = [in_column(part, "score") for part in parts]
    points = [in_column(part, "points") for part in parts]
    shapes = (
        (CREDIT, plus and credit_sum_formula(scores, plus), scores, points, plus),
        (APPLICABLE, less and applicable_points_formula(points, less), points, scores, less),
        (PRORATED, prorated and prorated_total_formula(scores, framework), scores, points, ()),
    )
    for shape, template, cells, others, words in shapes:
        if template and _compact(template) == compact:
            expanded, other = column_refs(",".join(cells)) or [], column_refs(",".join(others)) or []
            return Summed(expanded, shape == APPLICABLE, shape, other, words)
    return None


def _compact(formula: str) -> str:
    return re.sub(r"\s+", "", formula.upper().replace("$", ""))


def summed_number(shown: object) -> Decimal | None:
    """What SUM adds up of a cell: a number (not text that reads as one), if it is one the reader can hold."""
    number = D(shown) if is_number(shown) else None
    return number if isinstance(number, Decimal) else None


def normal_formula(formula: str) -> str:
    """A formula without $, spaces, case or row numbers: rows move when the user inserts rows above. Workbooks made
    before frameworks were kept pass the framework's name (eval_rule_set) where newer ones pass its text."""
    text = re.sub(r"\s+", "", formula.replace("$", "")).upper().replace(",EVAL_RULE_SET,", ",EVAL_FRAMEWORK,")
    return re.sub(r"\b([A-Z]{1,3})\d+\b", r"\1#", text)


def column_refs(text: str) -> list[str] | None:
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
