"""The 评分表's sums and formulas as the reader recognises them: which cells a template-shaped SUM adds up, what SUM
counts of a cell, and a formula with its row numbers taken out (rows move when the user inserts rows above)."""

from __future__ import annotations

import re
from decimal import Decimal

from perfeval_xl.core.numbers import D
from perfeval_xl.workbook.reader.cells import formula_text, is_number


def sum_refs(raw: object) -> tuple[list[str], bool] | None:
    """The cells a template-shaped SUM adds up (=SUM(…), or =IF(COUNT(…)=0,"",SUM(…))) and whether it is the plain
    form (which shows 0, not blank, over nothing); None for anything else."""
    formula = formula_text(raw)
    compact = re.sub(r"\s+", "", formula.upper().replace("$", "")) if formula else ""
    counted = re.fullmatch(r'=IF\(COUNT\(([A-Z0-9:,]+)\)=0,"",SUM\(\1\)\)', compact)
    plain = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", compact)
    cells = column_refs((counted or plain).group(1)) if counted or plain else None
    return None if cells is None else (cells, plain is not None)


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
