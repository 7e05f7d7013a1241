"""The reader core: what a cell shows after a full recalculation, decided in one place for every family of workbook.

A workbook is read as Excel shows it after Ctrl+Alt+F9, whatever the user did to it:
- an input cell shows what was typed; a formula typed into one shows its saved result (input-formula without one);
- a computed cell still holding its template's formula shows what that formula gives over what its arguments show;
- typed over, it shows the typed value (formula-overwritten); cleared, nothing (computed-blank says what the formula
  would give); replaced by a formula of the user's own, its saved result (formula-replaced; an error without one);
- a number stored as text reads as the number, but Excel's SUM skips it (number-as-text); an error value or a word in
  a number cell is no number (number-unreadable).
Each family's reader (reader/book.py for the self-assessment, reader/evaluation.py for the 评分表) says only which
formula is its template's and what that formula computes; everything else is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from openpyxl.utils.escape import unescape as excel_unescape  # Excel writes a pasted carriage return as _x000D_

from perfeval_xl.core.codes import (
    CACHED_STALE,
    COMPUTED_BLANK,
    FORMULA_OVERWRITTEN,
    FORMULA_REPLACED,
    INPUT_FORMULA,
    NUMBER_AS_TEXT,
    NUMBER_UNREADABLE,
)
from perfeval_xl.core.errors import NumberError
from perfeval_xl.core.numbers import D, NotANumber, format_percent, format_score, is_blank, normalize_text
from perfeval_xl.core.records import ERROR, CellRef, Finding
from perfeval_xl.engine.cycle import month_number
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    AREA,
    COUNT,
    MONTH_NUMBER,
    NUMERIC_KINDS,
    RATE,
    SCORE,
    WEIGHT,
    YEAR,
)
from perfeval_xl.workbook.layout.basic import MAY_BE_NEGATIVE

# the states of a computed cell
TEMPLATE, TYPED, CLEARED, REPLACED = "template", "typed", "cleared", "replaced"


@dataclass(frozen=True)
class Shown:
    """A computed cell as it shows after a full recalculation, and why it shows that.

    Attributes:
      value: what the cell shows, as the formulas downstream of it see it (None: blank).
      state: TEMPLATE (its template's formula), TYPED (typed over), CLEARED, or REPLACED (a formula of the user's).
      raw: the cell's content (a typed "1.13" stays text here).
      recomputed: what the template's formula gives over the data, whatever the cell shows.
      counted: whether Excel's SUM and ISNUMBER see a number in the cell (not text that reads as one).
    """

    value: object
    state: str
    raw: object
    recomputed: object
    counted: bool


class Cells:
    """One reading of a workbook's cells: their contents and saved results, and the findings the reading makes.

    `cached` maps (sheet, A1) to the result Excel saved with each formula cell (fastread reads them).
    """

    def __init__(self, wb: object, cached: Mapping[tuple[str, str], object] | None, findings: list[Finding]):
        self.wb, self.saved, self.findings = wb, cached or {}, findings
        self.flavour = "unknown"  # "udf" once a PE_* template formula is seen, else "native" once any is
        self.functions_missing = False  # a PE_* formula whose saved result is an error (#NAME?): no add-in

    def raw(self, where: CellRef) -> object:
        return self.wb[where.sheet][where.cell].value  # type: ignore[index]

    def cached(self, where: CellRef) -> object:
        return self.saved.get((where.sheet, where.cell or ""))

    def number_format(self, where: CellRef) -> str:
        return self.wb[where.sheet][where.cell].number_format  # type: ignore[index]

    # ---------- numbers

    def number(
        self, value: object, where: CellRef, what: str, kind: str | None = None, name: str | None = None
    ) -> Decimal | None:
        """A figure as the engine uses it, or None (blank, or with number-unreadable when it is not a plausible figure
        for its column: `kind` brings the column's rules, such as no "%" in 万元 and no negative counts)."""
        problem = implausible_text(value, kind)
        number = None if problem else D(value)
        if isinstance(number, NotANumber):
            problem = number.reason
        elif isinstance(number, Decimal):
            problem = implausible_number(number, kind, name)
        if problem:
            self.findings.append(NUMBER_UNREADABLE(f"{what}：{problem}", where))
            return None
        return number

    def typed_number(
        self, raw: object, where: CellRef, what: str, kind: str | None = None, name: str | None = None
    ) -> Decimal | None:
        """A figure typed into a cell: a number, with number-as-text when it is stored as text."""
        number = self.number(raw, where, what, kind, name)
        if number is not None and holds_text(raw):
            self.findings.append(
                NUMBER_AS_TEXT(
                    f"{what}：“{str(raw).strip()[:20]}”是以文本形式存储的数字（单元格角上的绿色三角），Excel 的"
                    "求和（SUM）不计入它，无宏版的公式也不把它当数字；请选中它，点旁边的感叹号，选“转换为数字”",
                    where,
                )
            )
        return number

    # ---------- input cells

    def typed(self, where: CellRef, kind: str | None, what: str, name: str | None = None) -> object:
        """What the user typed into an input cell: a number for numeric columns (kind None: a number without the
        column rules), text as typed otherwise. A formula typed into an input (=0.5+0.63) counts with the value
        saved with the file; without one, it is an error rather than a blank."""
        raw = self.raw(where)
        formula = formula_text(raw)
        numeric = kind is None or kind in NUMERIC_KINDS
        if formula is not None:
            cached = self.cached(where)
            if unsaved(cached):
                self.findings.append(
                    INPUT_FORMULA(
                        f"{what}：单元格中是公式“{show(formula)[:60]}”，文件里没有它的计算结果；请直接填写数字或文字",
                        where,
                    )
                )
                return None if numeric else ""
            return self.number(cached, where, what, kind, name) if numeric else excel_text(cached)
        if numeric:
            return self.typed_number(raw, where, what, kind, name)
        return "" if raw is None else excel_text(raw)

    def text(self, where: CellRef, what: str) -> str:
        """Text typed into a cell, stripped; blank when there is none."""
        text = self.typed(where, "text", what)
        return "" if is_blank(text) else str(text).strip()

    # ---------- computed cells

    def computed(
        self,
        where: CellRef,
        what: str,
        kind: str | None,
        is_template: Callable[[str], bool],
        recompute: Callable[[], object],
        typed_expected: bool = False,
        name: str | None = None,
    ) -> Shown:
        """A computed cell as it shows: its template's formula → recompute(); typed over → the typed value (with
        formula-overwritten unless typing there is expected); cleared → blank (computed-blank says what the formula
        would give); a formula of the user's own → its saved result (an error when the file has none).

        `kind` is the column's (None: a figure without column rules, "text" or another non-numeric kind: text)."""
        raw = self.raw(where)
        formula = formula_text(raw)
        try:
            recomputed = recompute()
        except (NumberError, ArithmeticError):  # from a figure no sheet should hold (1e308): found at its own cell
            recomputed = None
        numeric = kind is None or kind in NUMERIC_KINDS
        if formula is not None and is_template(formula):
            self._note_flavour(formula)
            self._compare_saved(where, what, kind, recomputed, formula)
            counted = recomputed is not None and not isinstance(recomputed, str)
            return Shown(recomputed, TEMPLATE, raw, recomputed, counted)
        if formula is not None:
            value = self._replaced(where, what, kind, formula, name)
            return Shown(value, REPLACED, raw, recomputed, is_number(self.cached(where)))
        if is_blank(raw):
            if recomputed not in (None, ""):  # a formula cleared, or (no-macro flavour) a score left untyped
                self.findings.append(
                    COMPUTED_BLANK(
                        f"{what}是空的（公式被清除，或应填写而未填写），表上看不到它；"
                        f"按数据应为 {show_as(kind, recomputed)}",
                        where,
                    )
                )
            return Shown(None, CLEARED, raw, recomputed, False)
        if not typed_expected:
            self.findings.append(
                FORMULA_OVERWRITTEN(f"{what}应由公式计算，现在是手工填写的“{show(raw)}”；按填写值计算和核对", where)
            )
        value = self.typed_number(raw, where, what, kind, name) if numeric else excel_text(raw).strip()
        return Shown(value, TYPED, raw, recomputed, is_number(raw))

    def _replaced(self, where: CellRef, what: str, kind: str | None, formula: str, name: str | None) -> object:
        """A computed cell whose formula the user replaced by one of their own (=5, =D15): what the file says it
        showed when last saved is the figure; without a saved result there is nothing to go by."""
        shown_formula = show(formula)[:60]
        cached = self.cached(where)
        if unsaved(cached):
            self.findings.append(
                FORMULA_REPLACED(
                    f"{what}的公式被改成了“{shown_formula}”，文件里没有它的计算结果；请恢复原来的公式，或直接填写数字",
                    where,
                    severity=ERROR,
                )
            )
            return None
        self.findings.append(
            FORMULA_REPLACED(
                f"{what}的公式被改成了“{shown_formula}”；按文件中保存的结果 {show(cached)} 计算和核对", where
            )
        )
        if kind is None or kind in NUMERIC_KINDS:
            return self.number(cached, where, what, kind, name)
        return excel_text(cached).strip()

    def _note_flavour(self, formula: str) -> None:
        if "PE_" in formula.upper():
            self.flavour = "udf"
        elif self.flavour == "unknown":
            self.flavour = "native"

    def _compare_saved(self, where: CellRef, what: str, kind: str | None, result: object, formula: str) -> None:
        """The result saved with the file against the one recomputed: a difference means it was saved without a
        recalculation; an error saved for a PE_* formula means the functions were not there."""
        cached = self.cached(where)
        if cached is None or cached == "":
            return
        if isinstance(cached, str) and cached.startswith("#"):
            self.functions_missing = self.functions_missing or "PE_" in formula.upper()
            return
        if same_value(cached, result):
            return
        self.findings.append(
            CACHED_STALE(
                f"{what}：文件中保存的结果为 {show(cached)}，按当前数据重新计算为 {show_as(kind, result)}"
                "（文件可能在没有重新计算的情况下保存过）",
                where,
            )
        )


# ---------------------------------------------------------------- what a value is, and how it is shown


def formula_text(value: object) -> str | None:
    """The formula a cell holds ("=…"), or None; an array formula's text too."""
    if isinstance(value, str) and value.startswith("="):
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    return text if isinstance(text, str) else None


def unsaved(cached: object) -> bool:
    """No usable saved result: the file was never calculated (openpyxl, a script) or the formula shows an error."""
    return cached is None or (isinstance(cached, str) and cached.startswith("#"))


def is_number(value: object) -> bool:
    """A cell value Excel's SUM and ISNUMBER count: a number, not text that looks like one (nor TRUE)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def holds_text(raw: object) -> bool:
    """A cell that holds text (not a formula): what Excel's SUM skips even when the text reads as a number."""
    return isinstance(raw, str) and formula_text(raw) is None


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
        return f"{format_score(number, 6)} 不是整数，人数、个数应为整数"
    if kind == YEAR and (number != number.to_integral_value() or not 2000 <= number <= 2100):
        return f"{format_score(number, 6)} 不是四位数的年度（如 2023）"
    if kind == MONTH_NUMBER and month_number(number) is None:
        return f"{format_score(number, 6)} 不是 1 到 12 的月份"
    return None


def same_value(cached: object, computed: object) -> bool:
    """Whether a saved result shows the recomputed value (to a billionth: the file holds doubles)."""
    if computed is None or computed == "":
        return cached is None or str(cached).strip() in ("—", "")
    if isinstance(computed, float):
        computed = Decimal(repr(computed))
    if isinstance(computed, Decimal):
        number = D(cached)
        return isinstance(number, Decimal) and abs(number - computed) <= Decimal("1e-9") * max(
            Decimal(1), abs(computed)
        )
    return str(cached).strip() == str(computed).strip()


def excel_text(raw: object) -> str:
    """A text cell as Excel shows it: its _xHHHH_ escapes decoded, escaped surrogate pairs joined into one
    character (😀), and a lone surrogate (which no file, console or document can hold) shown as �."""
    text = excel_unescape(show(raw))
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def show_as(kind: str | None, value: object) -> str:
    """A value in a finding, as a cell of this kind would show it (rates as percentages)."""
    if kind == RATE and is_number(value):
        return format_percent(Decimal(repr(value)) if isinstance(value, float) else Decimal(value))  # type: ignore[arg-type]
    return show(value)


def show(value: object) -> str:
    """A value in a finding: numbers without float noise or 300 digits, None as "—"."""
    if value is None:
        return "—"
    if value == "":
        return "空白"
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal) and value.is_finite():  # a cached <v>1e999</v> is inf: shown as it is
        if abs(value) >= Decimal("1e15"):  # not 300 digits of a 1e300 in a message
            return f"{value:.6E}"
        return format_score(value, 6)
    return str(value)
