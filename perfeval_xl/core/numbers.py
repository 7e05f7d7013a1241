"""D(): what real spreadsheet cells hold, as Decimal; half-up rounding; how amounts and rates are printed."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from functools import lru_cache

from perfeval_xl.core.errors import NumberError

# Cells that mean "nothing here" in published forms: dashes, slashes and the "……" of open rows.
BLANK_MARKERS = frozenset({"", "-", "--", "—", "——", "―", "――", "─", "──", "/", "\\", "…", "……", "...", "......"})

# Multipliers written after a number. 千 is accepted because 千元/千人 appear in forms; 百 is not (百分比).
SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000)}

_NUMBER = re.compile(
    r"""^(?P<sign>[+-])?
        (?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)
        (?P<scale>[万亿千])?
        (?P<percent>[%‰])?$""",
    re.VERBOSE,
)
_ACCOUNTING_NEGATIVE = re.compile(r"^\((?P<inner>[^()]+)\)$")

# Full-width forms (１２３，．％－（）) and the ideographic space to ASCII. Not NFKC: it would also turn footnote
# marks (①, ¹) into digits, making "283.46①" read as 283.461.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Other characters people type as a minus sign or a space.
_TRANSLATE = str.maketrans({"−": "-", "–": "-", "﹣": "-", "\u00a0": " ", "\u200b": ""})
# Excel keeps 15 significant digits; a figure of a quadrillion 万元 is a typing accident, not an amount.
TOO_LARGE = Decimal(10) ** 15


@dataclass(frozen=True)
class NotANumber:
    """What D() returns for a cell that holds something other than a number or a blank.

    Attributes:
      text: the cell's content as the user typed it.
      reason: why it is not a number, in Chinese, ready to be shown to the user.
    """

    text: str
    reason: str

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return self.reason


Number = Decimal | None | NotANumber


def normalize_text(text: str) -> str:
    """Full-width digits, signs and spaces to their ASCII forms; strip the ends."""
    return text.translate(_FULL_WIDTH).translate(_TRANSLATE).strip()


def compact_text(text: str) -> str:
    """normalize_text() without any whitespace: "　产出\n指标（50分）" -> "产出指标(50分)"."""
    return re.sub(r"\s+", "", normalize_text(text))


def D(value: object) -> Number:
    """Turn a cell's content into a Decimal; None for a blank; a NotANumber (never an exception) otherwise.

    Reads ints, floats (to Excel's 15 significant digits, so 17.2 stays 17.2), Decimals and text such as
    "　21", "283.46　", "１２３", "1,294.52", "95%", "９５％", "2.33万", "3.21亿", "(5.00)", "——" and "/".
    Percentages become fractions (0.95) that keep the printed precision ("63.57%" -> 0.6357).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return NotANumber(str(value), "逻辑值（TRUE/FALSE）不是数字")
    if isinstance(value, Decimal):
        return _bounded(value, str(value)) if value.is_finite() else NotANumber(str(value), "不是有限的数字")
    if isinstance(value, int):
        number = Decimal(value)  # str(value) would raise for more than 4300 digits; a Decimal prints any
        return _bounded(number, str(number))
    if isinstance(value, float):
        if not math.isfinite(value):
            return NotANumber(str(value), "不是有限的数字")
        # Excel keeps 15 significant digits; more would only show binary noise (0.1 + 0.2).
        return _bounded(_without_negative_zero(Decimal(format(value, ".15g"))), repr(value))
    if isinstance(value, datetime | date | time):
        return NotANumber(str(value), "是日期或时间，不是数字")
    if isinstance(value, str):
        return _parse_text(value)
    return NotANumber(_short_repr(value), f"类型 {type(value).__name__} 不是数字")


def _short_repr(value: object) -> str:
    """A value's repr for a message, cut short; its type name when it has none (a list holding a 5000-digit int)."""
    try:
        return repr(value)[:50]
    except (ValueError, RecursionError):
        return type(value).__name__


@lru_cache(maxsize=8192)
def _parse_text(text: str) -> Number:
    cleaned = compact_text(text)
    if cleaned in BLANK_MARKERS:
        return None
    negative = _ACCOUNTING_NEGATIVE.match(cleaned)
    if negative:
        inner = _parse_text(negative.group("inner"))
        if isinstance(inner, Decimal) and inner >= 0:
            return _without_negative_zero(-inner)
        return NotANumber(text, f"“{text.strip()}”不是数字")
    match = _NUMBER.match(cleaned)
    if not match:
        return NotANumber(text, _why_not_a_number(text, cleaned))
    try:
        number = Decimal(match.group("digits").replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        return NotANumber(text, f"“{text.strip()}”不是数字")
    if match.group("scale"):
        number = number * SCALES[match.group("scale")]
    if match.group("percent") == "%":
        number = number.scaleb(-2)  # scaleb keeps the printed precision: 63.57% -> 0.6357, 0% -> 0.00
    elif match.group("percent") == "‰":
        number = number.scaleb(-3)
    if match.group("sign") == "-":
        number = -number
    return _bounded(_without_negative_zero(number), text)


def _bounded(number: Decimal, text: str) -> Decimal | NotANumber:
    if abs(number) >= TOO_LARGE:
        return NotANumber(text, f"“{text.strip()[:20]}”太大，不像表中的数字（超过 15 位）")
    return number


def _why_not_a_number(original: str, cleaned: str) -> str:
    shown = original.strip()[:30]
    if not re.search(r"\d", cleaned):
        return f"“{shown}”不是数字"
    if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", cleaned):
        return f"“{shown}”的千分位逗号位置不对"
    extra = re.sub(r"[\d.,+\-%‰万亿千]", "", cleaned)
    if extra:
        return f"“{shown}”含有数字以外的文字“{extra[:10]}”，请只填数字"
    return f"“{shown}”不是一个数字"


def _without_negative_zero(number: Decimal) -> Decimal:
    return abs(number) if number.is_zero() else number


def plausible(value: Decimal | None) -> Decimal | None:
    """A computed figure, or None (no value) when it is not finite or too large to be one.

    A ratio to 4.9E-324 is not a rate but an accident of its inputs, and it would show as infinity in a cell.
    """
    if value is None or not value.is_finite() or abs(value) >= TOO_LARGE:
        return None
    return value


def require_number(value: object) -> Decimal | None:
    """D(), but an unreadable value raises NumberError with D()'s reason: for functions that compute."""
    number = D(value)
    if isinstance(number, NotANumber):
        raise NumberError(number.reason)
    return number


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round for display as Chinese accounting does: half up (0.125 -> 0.13), never half to even; no "-0"."""
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + places + 5)  # quantize needs every digit it keeps
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


FLOAT_DIGITS = 12  # a typed figure has fewer significant digits; a formula's float result has 15 to 17


def printed_places(printed: Decimal) -> int:
    """How many decimals a figure was printed with: 0.6357 (63.57%) -> 4, 0.00 (0%) -> 2, 10 -> 0."""
    return max(0, -int(printed.as_tuple().exponent))


def agrees(printed: Decimal, computed: Decimal, min_places: int = 0) -> bool:
    """Does a printed figure equal the computed one, rounded half up to the precision it was printed with?

    `min_places` keeps a figure that lost its decimals (a rate typed as 1 for 100%) from hiding a real difference.
    A figure with more significant digits than a float holds exactly is a formula's result, not a typed one: it
    agrees when it is the computed figure to a float's precision (0.841946098267138 for 0.84194609826713738…).
    """
    if len(printed.as_tuple().digits) > FLOAT_DIGITS:
        return abs(printed - computed) <= abs(computed) * Decimal("1e-13") + Decimal("1e-15")
    return round_half_up(computed, max(printed_places(printed), min_places)) == printed


def format_amount(value: Decimal | None, places: int = 2) -> str:
    """万元 amounts as forms print them: 1,294.52; no value as "—"."""
    if value is None:
        return "—"
    return f"{round_half_up(value, places):,.{places}f}"


def format_percent(fraction: Decimal | None, places: int = 2) -> str:
    """A fraction as a percentage with `places` decimals, half up: 0.41265 -> "41.27%"; no value as "—"."""
    if fraction is None:
        return "—"
    return f"{round_half_up(fraction * 100, places):.{places}f}%"


def format_printed_percent(fraction: Decimal) -> str:
    """A printed rate as it was printed (its own precision): 0.6357 -> "63.57%", 0.00 -> "0%"."""
    percent = fraction.scaleb(2)
    places = max(0, -int(percent.as_tuple().exponent))
    return f"{percent:.{places}f}%"


def format_score(value: Decimal | None, places: int = 2) -> str:
    """A score with `places` decimals, half up, trailing zeros dropped (9.23, 10, 4.5); no value as "—"."""
    if value is None:
        return "—"
    text = f"{round_half_up(value, places):.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain_decimal(value: Decimal) -> str:
    """A Decimal without trailing zeros or an exponent: 0.10 → "0.1", 1E+2 → "100"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cell_text(value: object) -> str:
    """A cell's content as text; a number as a plain decimal, to Excel's 15 digits (0.1 + 0.2 -> "0.3", not
    "0.30000000000000004"; 1.5e-07 -> "0.00000015")."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = D(value)
        if isinstance(number, Decimal):
            return plain_decimal(number)
        if isinstance(value, int):
            return str(Decimal(value))  # str() of an int of more than 4300 digits raises; a Decimal's does not
    try:
        return str(value)
    except (ValueError, RecursionError):  # such an int inside a list, or a list nested thousands deep
        return type(value).__name__


def is_blank(value: object) -> bool:
    """A blank cell: nothing, or text of spaces only (what Excel's ="" and the engine both take for no value)."""
    return value is None or (isinstance(value, str) and not value.strip())
