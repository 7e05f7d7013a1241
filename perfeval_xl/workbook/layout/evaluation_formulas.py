"""The columns of the 评价指标评分表 and the formulas its cells hold, in either flavour: PE_* functions, or plain Excel
formulas computing the same (what the reader recognises as the template's)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from perfeval_xl.core.frameworks import (
    NA_FULL,
    NA_PRORATE,
    NOT_APPLICABLE,
    NOT_CHOSEN,
    BandsRule,
    EvalIndicator,
    Framework,
    PerPointRule,
    RatioRule,
    TargetRule,
    ValueSpec,
)
from perfeval_xl.core.numbers import round_half_up
from perfeval_xl.engine.evaluation.scores import MAGNITUDE_RATES
from perfeval_xl.workbook.layout.base import UDF

LETTERS = dict(
    zip(
        ("level1", "level2", "level3", "points", "a", "b", "value", "standard", "score", "reason"),
        "ABCDEFGHIJ",
        strict=True,
    )
)


KEY = "K"  # the helper column: each row's path


def ref_at(letter_key: str, row: int) -> str:
    return f"{LETTERS[letter_key]}{row}"


def percent_value(indicator: EvalIndicator) -> bool:
    if indicator.from_target:
        return True  # the degree of completion
    return indicator.value is not None and indicator.value.rate != "change_amount"


def link_formula(name: str) -> str:
    """A figure from 附件1/收支预决算: blank stays blank (a bare =name would show 0 and give a rate of 0)."""
    return f'=IF({name}="","",{name})'


def figure_part_rows(spec: ValueSpec, index: int, leaf_row: int) -> list[int]:
    """The rows below a leaf that hold the inputs of its figure a (index 0) or b (1): a's first, then b's."""
    before = len(spec.parts[0]) if index else 0
    return [leaf_row + 1 + before + n for n in range(len(spec.parts[index]))]


def parts_formula(column_key: str, rows: list[int], signs: list[int]) -> str:
    """A figure built from its inputs below (plain Excel in both flavours): blank until one is given."""
    refs = [ref_at(column_key, r) for r in rows]
    terms = "".join(("+" if sign > 0 else "-") + ref for ref, sign in zip(refs, signs, strict=True)).removeprefix("+")
    return f'=IF(COUNT({refs[0]}:{refs[-1]})=0,"",{terms})'


def value_formula(indicator: EvalIndicator, row: int, flavour: str) -> str:
    a, b, key = ref_at("a", row), ref_at("b", row), f"{KEY}{row}"
    if flavour == UDF:
        return f"=PE_EVALVALUE({a},{b},eval_framework,{key})"
    assert indicator.value is not None
    rate = indicator.value.rate
    if rate == "change_amount":
        return f'=IF(OR({a}="",{b}=""),"",{a}-{b})'
    if rate in MAGNITUDE_RATES:
        quotient = f"ABS({a}-{b})/{b}"
    elif rate in ("relative_change", "change_rate", "variance_rate"):
        quotient = f"({a}-{b})/{b}"
    else:
        quotient = f"{a}/{b}"
    return f'=IF(OR({a}="",{b}=""),"",IF(N({b})=0,"—",{quotient}))'


def score_formula(indicator: EvalIndicator, row: int, flavour: str) -> str:
    value, key = ref_at("value", row), f"{KEY}{row}"
    if flavour == UDF:
        return f"=PE_EVALSCORE({value},eval_framework,{key})"
    rule = indicator.rule
    v = f"ABS({value})" if indicator.value is not None and indicator.value.rate in MAGNITUDE_RATES else value
    places = indicator.score_places
    if isinstance(rule, BandsRule):
        expression = '""'
        for band in reversed(rule.bands):
            score = formula_number(round_half_up(band.score, places))
            expression = f"IF({_band_condition(band.bounds(), v)},{score},{expression})"
    elif isinstance(rule, PerPointRule):
        within = f"{v}<={formula_number(rule.bound)}" if rule.op == "le" else f"{v}>={formula_number(rule.bound)}"
        beyond = f"({v}-{formula_number(rule.bound)})" if rule.op == "le" else f"({formula_number(rule.bound)}-{v})"
        steps = f"{beyond}/{formula_number(rule.step)}"
        # the float noise of (1.05-1)/0.01 = 5.000000000000004 must not count as a sixth step
        if rule.count == "ceil":
            steps = f"ROUNDUP(ROUND({steps},9),0)"
        elif rule.count == "floor":
            steps = f"ROUNDDOWN(ROUND({steps},9),0)"
        points = formula_number(indicator.points)
        expression = f"ROUND(IF({within},{points},MAX(0,{points}-{formula_number(rule.deduct)}*{steps})),{places})"
    else:
        assert isinstance(rule, RatioRule | TargetRule)
        share = f"{v}/{formula_number(rule.target)}" if isinstance(rule, RatioRule) and rule.target is not None else v
        points = formula_number(indicator.points)
        expression = f"ROUND(MIN({points},MAX(0,{points}*{share})),{places})"
    no_value = getattr(rule, "no_value", None)
    otherwise = '""'
    if no_value is not None:
        otherwise = f'IF({value}="—",{formula_number(round_half_up(no_value, places))},"")'
    return f"=IF(ISNUMBER({value}),{expression},{otherwise})"


_OPERATORS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "eq": "="}


def _band_condition(bounds: Mapping[str, Decimal], v: str) -> str:
    tests = [f"{v}{_OPERATORS[op]}{formula_number(bound)}" for op, bound in bounds.items()]
    if not tests:
        return "TRUE"
    return tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"


def formula_number(number: Decimal | None) -> str:
    """A number as Excel formula text: plain digits, never an exponent."""
    assert number is not None
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def sum_formula(refs: list[str]) -> str:
    joined = ",".join(refs)
    return f'=IF(COUNT({joined})=0,"",SUM({joined}))'


# The sums of a framework that lets an indicator be marked 不适用, or an alternative 未选用 (typed in its 得分). Each
# part of a sum (a range of one column, or one cell) gets its own SUMIF/COUNTIF, which take no unions of cells; a
# 小计 cell among the parts never shows those words, so its SUMIF adds nothing. Every shape is rebuilt from the cells
# in its SUM(…), which is how the reader recognises one wherever inserted rows moved it.


def credited_words(framework: Framework) -> tuple[str, ...]:
    """What a 小计's 得分 counts at the row's 分值: 不适用, where it is 视同满分."""
    return (NOT_APPLICABLE,) if framework.not_applicable == NA_FULL else ()


def left_out_words(framework: Framework) -> tuple[str, ...]:
    """What a 小计's 分值 leaves out: 不适用 where it is prorated, and alternatives 未选用."""
    return (NOT_APPLICABLE,) * (framework.not_applicable == NA_PRORATE) + (NOT_CHOSEN,) * bool(framework.choices)


def credit_sum_formula(score_refs: list[str], words: tuple[str, ...] = (NOT_APPLICABLE,)) -> str:
    """The 得分 adds the 分值 of the parts marked with `words` (视同满分)."""
    joined = ",".join(score_refs)
    counted = "".join(f'+COUNTIF({part},"{word}")' for word in words for part in score_refs)
    credited = "".join(f'+SUMIF({part},"{word}",{in_column(part, "points")})' for word in words for part in score_refs)
    return f'=IF(COUNT({joined}){counted}=0,"",SUM({joined}){credited})'


def applicable_points_formula(points_refs: list[str], words: tuple[str, ...] = (NOT_APPLICABLE,)) -> str:
    """The 分值 leaves out the parts marked with `words` (不适用 prorated, alternatives 未选用)."""
    less = "".join(f'-SUMIF({in_column(part, "score")},"{word}",{part})' for word in words for part in points_refs)
    return f"=SUM({','.join(points_refs)}){less}"


def prorated_total_formula(score_refs: list[str], framework: Framework) -> str:
    """按适用分值折算: 总分 = 得分合计 ÷ 适用指标分值合计 × 满分 (the 一级 小计 show the applicable 分值)."""
    scores = ",".join(score_refs)
    points = ",".join(in_column(part, "points") for part in score_refs)
    full, places = formula_number(framework.full_marks), framework.score_places
    return f'=IF(COUNT({scores})=0,"",IF(SUM({points})=0,0,ROUND(SUM({scores})/SUM({points})*{full},{places})))'


def subtotal_formulas(framework: Framework | None, points: list[str], scores: list[str]) -> tuple[str, str]:
    """A 小计's 分值 and 得分 formulas under the framework's 不适用 policy and alternatives (None: neither)."""
    less = left_out_words(framework) if framework else ()
    plus = credited_words(framework) if framework else ()
    points_formula = applicable_points_formula(points, less) if less else f"=SUM({','.join(points)})"
    return points_formula, credit_sum_formula(scores, plus) if plus else sum_formula(scores)


def in_column(part: str, key: str) -> str:
    """The same rows of another column: “I4:I6” in the 分值 column is “D4:D6”."""
    return re.sub(r"[A-K](?=\d)", LETTERS[key], part)


def rate_formula(row: int) -> str:
    score, points = ref_at("score", row), ref_at("points", row)
    return f'=IF(OR({score}="",N({points})=0),"",{score}/{points})'


def leaf_rate_formula(row: int) -> str:
    """A leaf's 得分率: text in its 得分 (不适用, 未选用, a word typed by mistake) shows no rate, not #VALUE!."""
    score, points = ref_at("score", row), ref_at("points", row)
    return f'=IF(OR(NOT(ISNUMBER({score})),N({points})=0),"",{score}/{points})'


def grade_formula(framework: Framework, total: str) -> str:
    """The grade as a plain formula in both flavours: the bands are the framework's, no Python needed."""
    grades = list(framework.grades)
    expression = _excel_text(grades[-1].label)
    for grade in reversed(grades[:-1]):
        expression = f"IF({total}>={formula_number(grade.minimum)},{_excel_text(grade.label)},{expression})"
    return f'=IF({total}="","",{expression})'


def _excel_text(text: str) -> str:
    """A string literal in a formula: its quotes doubled, as Excel writes them."""
    return '"' + text.replace('"', '""') + '"'
