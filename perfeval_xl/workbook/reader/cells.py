"""The reader core: what a cell shows after a full recalculation, decided in one place for every family."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from openpyxl.utils.escape import unescape as excel_unescape  # Excel writes a pasted carriage return as _x000D_

from perfeval_xl.core.numbers import D, format_percent, format_score, normalize_text
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    AREA,
    COUNT,
    RATE,
    SCORE,
    WEIGHT,
    YEAR,
    Cell,
)
from perfeval_xl.workbook.layout.basic import MAY_BE_NEGATIVE


def formula_text(value: object) -> str | None:
    if isinstance(value, str) and value.startswith("="):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return text if isinstance(text, str) else None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_displayed(number: Decimal | None, number_format: str) -> Decimal | None:
    """A typed number as its cell shows it ("0.00%" shows 0.952381 as 95.24%): the precision it was printed with."""
    match = re.fullmatch(r"[#,]*0(?:\.(0+))?(%?)", number_format or "")
    if number is None or match is None:
        return number
    # Excel allows 30 decimals in a format but shows a number's first 15 significant digits only (a double)
    places = min(len(match.group(1) or "") + (2 if match.group(2) else 0), 15)
    try:
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_DISPLAY_CONTEXT)
    except InvalidOperation:  # more digits than a figure this large can show: it is shown as it is
        return number


_DISPLAY_CONTEXT = Context(prec=64)


_UNITS = {AMOUNT: "万元", AREA: "平方米", COUNT: "人", WEIGHT: "分", SCORE: "分", YEAR: "年"}


_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"})


def implausible_text(value: object, kind: str | None) -> str | None:
    """Text that D() could read but that does not belong in this column: "1.13万" in 万元, "100%" as a count."""
    if not isinstance(value, str) or kind is None:
        return None
    text = normalize_text(value)
    shown = value.strip()[:20]
    if value.strip().upper() in _EXCEL_ERRORS:
        return f"单元格显示的是错误值“{shown}”（多半是从别处复制来的公式出错），请填写数字"
    if kind != RATE and re.search(r"[%‰]", text):
        return f"“{shown}”是百分数，本栏应填以{_UNITS.get(kind, '')}为单位的数字"
    if kind in _UNITS and re.search(r"\d\s*[万亿千]", text):
        return f"“{shown}”带有“万/亿/千”，本栏的单位已是{_UNITS[kind]}，请只填数字"
    return None


def implausible_number(number: Decimal, kind: str | None, name: str | None) -> str | None:
    if kind in (AMOUNT, AREA, COUNT) and number < 0 and name not in MAY_BE_NEGATIVE:
        return f"{format_score(number, 6)} 是负数，本栏不能为负"
    if kind == COUNT and number != number.to_integral_value():
        return f"{format_score(number, 6)} 不是整数，人数应为整数"
    if kind == YEAR and (number != number.to_integral_value() or not 2000 <= number <= 2100):
        return f"{format_score(number, 6)} 不是四位数的年度（如 2023）"
    return None


def same_value(cached: object, computed: object) -> bool:
    if computed is None:
        return cached is None or str(cached).strip() in ("—", "")
    if isinstance(computed, Decimal):
        number = D(cached)
        return isinstance(number, Decimal) and abs(number - computed) <= Decimal("1e-9") * max(
            Decimal(1), abs(computed)
        )
    return str(cached).strip() == str(computed).strip()


def holds_text(raw: object) -> bool:
    """A cell that holds text (not a formula): what Excel's SUM skips even when the text reads as a number."""
    return isinstance(raw, str) and formula_text(raw) is None


def excel_text(raw: object) -> str:
    """A text cell as Excel shows it: its _xHHHH_ escapes decoded, escaped surrogate pairs joined into one
    character (😀), and a lone surrogate (which no file, console or document can hold) shown as �."""
    text = excel_unescape(show(raw))
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def show_as(cell: Cell, value: object) -> str:
    """A value in a finding, as the cell's format would show it (rates as percentages)."""
    return format_percent(value) if cell.kind == RATE and isinstance(value, Decimal) else show(value)


def show(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():  # a cached <v>1e999</v> is inf: shown as it is
        if abs(value) >= Decimal("1e15"):  # not 300 digits of a 1e300 in a message
            return f"{value:.6E}"
        return format_score(value, 6)
    return str(value)
