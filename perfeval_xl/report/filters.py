"""The number filters of the report templates: 万元, per cent, change in words, scores, counts, dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from perfeval_xl.core.numbers import D, format_amount, format_percent, format_score, round_half_up


def as_number(value: object) -> Decimal | None:
    number = D(value)
    return number if isinstance(number, Decimal) else None


def wan(value: object) -> str:
    """万元 with two decimals: 1,294.52."""
    return format_amount(as_number(value))


def pct(value: object) -> str:
    """A fraction as a percentage with two decimals: 41.27%."""
    return format_percent(as_number(value))


def change(value: object) -> str:
    """A signed change rate in words: 增长 5.30% / 下降 12.40% / 持平."""
    number = as_number(value)
    if number is None:
        return "—"
    shown = round_half_up(abs(number) * 100, 2)
    if shown.is_zero():
        return "持平"
    return f"{'增长' if number > 0 else '下降'} {shown:.2f}%"


def more_less(value: object) -> str:
    """A signed amount in words: 增加 0.33 万元 / 减少 0.84 万元 / 持平."""
    number = as_number(value)
    if number is None:
        return "—"
    if round_half_up(number, 2).is_zero():
        return "持平"
    return f"{'增加' if number > 0 else '减少'} {format_amount(abs(number))} 万元"


def signed(value: object) -> str:
    """A signed amount for tables: +0.33 / -0.84."""
    number = as_number(value)
    return "—" if number is None else f"{round_half_up(number, 2):+,.2f}"


def score(value: object, places: int = 2) -> str:
    """A score with at most `places` decimals (the framework's score_places): 13.5, 100."""
    return format_score(as_number(value), places if isinstance(places, int) and 0 <= places <= 6 else 2)


def count(value: object) -> str:
    number = as_number(value)
    return "—" if number is None else f"{number:,.0f}"


def chinese_date(value: object) -> str:
    """2024-06-26, a date, or text already in Chinese: 2024年6月26日. A date cell read as text ("2024-06-26
    00:00:00") loses its midnight."""
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    return f"{match.group(1)}年{int(match.group(2))}月{int(match.group(3))}日" if match else text


SENTENCE_ENDS = ("。", "！", "？", "!", "?", "…")


def sentence(value: object) -> str:
    """Words typed into a cell as a sentence of the report: closed with 。 unless they end a sentence already (a
    trailing ；or ，is the writer's pause, not an end)."""
    text = str(value or "").rstrip().rstrip("；;，,、")
    return text if not text or text.endswith(SENTENCE_ENDS) else text + "。"


FILTERS = {
    "sentence": sentence,
    "wan": wan,
    "pct": pct,
    "change": change,
    "more_less": more_less,
    "signed": signed,
    "score": score,
    "count": count,
    "cn_date": chinese_date,
}
