"""The PE_* worksheet functions in engine terms: their names, argument order, and the engine function behind each.

The templates write these names into formulas (workbook/layout/), the reader evaluates the same formulas with them
(workbook/reader/), and the Excel adapters in udfs.py wrap them for xlwings: one table, so Excel and `perfeval check`
cannot compute different things. Values here are engine values: Decimal, None for "no value", str for text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache

from perfeval_xl.core.codes import ACTUAL_UNREADABLE, TARGET_UNREADABLE, UNIT_MISMATCH, WEIGHT_UNREADABLE
from perfeval_xl.core.errors import NumberError, RuleSetError
from perfeval_xl.core.frameworks import (  # what PE_SCORE shows when it does not apply
    NOT_APPLICABLE,
    EvalIndicator,
    Framework,
)
from perfeval_xl.core.numbers import D, is_blank
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.cycle import forecast_reaches, progress_gap, reaches_text, schedule_progress, scored_as
from perfeval_xl.engine.evaluation.load import available_frameworks, kept_framework, kept_source, load_framework
from perfeval_xl.engine.evaluation.scores import evaluate_value, standard_score
from perfeval_xl.engine.rates import (
    adjustment_rate,
    change_amount,
    change_rate,
    control_rate,
    execution_rate,
    share,
    variance_rate,
)
from perfeval_xl.engine.rulefiles import refuse_odd_place
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import ScoreLine, assess_indicator, execution_score, grade, indicator_score, total_score
from perfeval_xl.engine.targets import is_not_applicable, parse_target


def _rules(rule_set: object) -> RuleSet:
    """The rule set a cell names; load_rules() refuses, with a RuleSetError, anything but a name or a .toml path."""
    return load_rules(None if is_blank(rule_set) else rule_set)


def pe_execscore(executed: object, budget: object, weight: object, rule_set: object = None) -> Decimal | None:
    """预算执行率得分 = 分值 × 执行率, at most the 分值."""
    return execution_score(executed, budget, weight, _rules(rule_set))


def pe_score(
    target: object, actual: object, weight: object, rule_set: object = None, level2: object = None
) -> Decimal | str | None:
    """An indicator's score by the rules; None (blank) when a person must judge; 不适用 when it does not apply."""
    unscored = _unscored(target, actual, weight)
    if unscored is not None:
        return unscored or None
    return indicator_score(target, actual, weight, _rules(rule_set), level2)


def pe_total(
    scores: Iterable[object],
    weights: Iterable[object],
    fund_score: object = None,
    fund_weight: object = None,
    exec_rate: object = None,
    rule_set: object = None,
) -> Decimal | None:
    """总分 of an indicator table plus the 预算执行率 row, not-applicable rows rescaled, capped by the rules."""
    lines = [] if is_blank(fund_weight) else [ScoreLine(D(fund_weight), _score(fund_score))]
    for score, weight in zip(_flat(scores), _flat(weights), strict=False):
        if is_blank(weight) and is_blank(score):
            continue  # a blank row of the form
        applicable = not is_not_applicable(score)
        lines.append(ScoreLine(D(weight), _score(score) if applicable else None, applicable))
    if not lines:
        return None
    return total_score(lines, _rules(rule_set), exec_rate)


def _score(value: object) -> object:
    """A score cell as PE_TOTAL counts it: a "#…" shown by PE_SCORE or PE_EXECSCORE (say #目标值无法识别) is no
    score yet, as the engine's own None is, so the total stays blank until a person scores the row."""
    if isinstance(value, str) and value.strip().startswith("#"):
        return None
    return D(value)


def pe_grade(total: object, rule_set: object = None) -> str | None:
    """The grade of a total (优/良/中/差 by default)."""
    return grade(total, _rules(rule_set))


def pe_targetop(target: object, rule_set: object = None, level2: object = None) -> str | None:
    """How a target was read: "≥ 95%", "≤ 5.4%", "定性", "无法识别"; a bare number takes its block's direction, as
    PE_SCORE reads it (成本指标: "≤")."""
    if is_blank(target):
        return None
    rules = _rules(rule_set)
    return parse_target(target, rules.bare_op_for(scored_as(level2, rules))).describe()


def _unscored(target: object, actual: object, weight: object) -> str | None:
    """不适用 for an indicator that does not apply, "" for a blank row of the form, None for a row to score."""
    if is_not_applicable(target) or is_not_applicable(actual):
        return NOT_APPLICABLE
    if is_blank(target) and is_blank(actual) and is_blank(weight):
        return ""
    return None


def _flat(values: Iterable[object] | object) -> list[object]:
    """A range as a flat list: Excel passes one-row or one-column ranges as (nested) lists.

    Walked with a stack, not recursion, so that a list nested thousands deep is no RecursionError.
    """
    flat, stack = [], [values]
    while stack:
        value = stack.pop()
        if isinstance(value, list | tuple):
            stack.extend(reversed(value))
        else:
            flat.append(value)
    return flat


@lru_cache(maxsize=1)
def _shipped_framework_names() -> frozenset[str]:
    return frozenset(available_frameworks())


@lru_cache(maxsize=64)
def _shipped_framework(name: str) -> Framework:
    return load_framework(name)


def _framework_file(name: str) -> Framework:
    """A user's framework file, read again only when it changes: a sheet calls PE_EVAL* twice per row."""
    refuse_odd_place(name)  # before touching it: a share would send the user's credentials, a device would hang
    try:
        status = os.stat(name)
    except (OSError, ValueError):  # missing, a device name, NUL in the path…: load_framework says why, in Chinese
        return load_framework(name)
    return _framework_as_of(name, status.st_mtime_ns, status.st_size)


@lru_cache(maxsize=8)
def _framework_as_of(name: str, _mtime_ns: int, _size: int) -> Framework:
    return load_framework(name)


def _evaluation_indicator(rule_set: object, indicator: object) -> EvalIndicator:
    """The indicator a 评分表 row names by its path (the helper column), in the framework the sheet names."""
    if isinstance(rule_set, list | tuple):  # the framework the workbook keeps (eval_framework): its text, cell by cell
        source = kept_source(_flat(rule_set))
        if source is None:
            raise RuleSetError("工作簿中保存的评价指标体系（隐藏的“评价指标体系原文”表）已被改动")
        framework = kept_framework(source, "工作簿中保存的评价指标体系")
    elif not isinstance(rule_set, str) or not isinstance(indicator, str):  # a number, a huge int…
        raise RuleSetError("评价指标体系和指标路径应为文字")
    else:
        name = rule_set.strip()
        # a shipped name is read once; a path is read again each time, so an edited file counts at once
        framework = _shipped_framework(name) if name in _shipped_framework_names() else _framework_file(name)
    if not isinstance(indicator, str):
        raise RuleSetError("指标路径应为文字")
    key = indicator.strip()
    found = next((item for item in framework.indicators if item.key == key), None)
    if found is None:
        raise RuleSetError(f"评价指标体系“{framework.name}”中没有指标“{key[:40]}”")
    return found


def pe_evalvalue(a: object, b: object, rule_set: object, indicator: object) -> Decimal | None:
    """A 评分表 row's 指标值 from its two figures, by the rate its framework names (预算调整率 as a magnitude)."""
    return evaluate_value(_evaluation_indicator(rule_set, indicator), a, b)


def pe_evalscore(value: object, rule_set: object, indicator: object) -> Decimal | None:
    """A 评分表 row's score by its standard; blank when the evaluator scores it (or the 指标值 is missing)."""
    found = _evaluation_indicator(rule_set, indicator)
    if is_blank(value):
        return None
    return standard_score(found, None if value == "—" else value)  # "—": no value; the rule may give no_value


def pe_reaches(target: object, forecast: object, rule_set: object = None, level2: object = None) -> str | None:
    """能 or 不能: whether a 全年预计完成情况 reaches its 年度指标值; blank when that cannot be told."""
    return reaches_text(forecast_reaches(target, forecast, _rules(rule_set), level2))


# name -> (engine function, argument names); the order here is the order in every formula
FUNCTIONS: dict[str, tuple[Callable[..., object], tuple[str, ...]]] = {
    "PE_CONTROLRATE": (control_rate, ("actual", "planned")),
    "PE_EXECRATE": (execution_rate, ("executed", "budget")),
    "PE_DIFFRATE": (variance_rate, ("final", "budget")),
    "PE_CHANGE": (change_amount, ("current", "previous")),
    "PE_CHANGERATE": (change_rate, ("current", "previous")),
    "PE_SHARE": (share, ("part", "total")),
    "PE_ADJRATE": (adjustment_rate, ("adjusted", "initial")),
    "PE_EXECSCORE": (pe_execscore, ("executed", "budget", "weight", "[rule_set]")),
    "PE_SCORE": (pe_score, ("target", "actual", "weight", "[rule_set]", "[level2]")),
    "PE_TOTAL": (pe_total, ("scores", "weights", "[fund_score]", "[fund_weight]", "[exec_rate]", "[rule_set]")),
    "PE_GRADE": (pe_grade, ("total", "[rule_set]")),
    "PE_TARGETOP": (pe_targetop, ("target", "[rule_set]", "[level2]")),
    "PE_EVALVALUE": (pe_evalvalue, ("a", "b", "rule_set", "indicator")),
    "PE_EVALSCORE": (pe_evalscore, ("value", "rule_set", "indicator")),
    "PE_PROGRESS": (schedule_progress, ("month",)),
    "PE_GAP": (progress_gap, ("rate", "progress")),
    "PE_REACHES": (pe_reaches, ("target", "forecast", "[rule_set]", "[level2]")),
}


# What a cell shows when the engine has no value: "—" where the figures are there but the ratio does not exist
# (zero denominator), blank where the inputs are not filled in yet.
DASH_WHEN_FILLED = frozenset(
    {
        "PE_CONTROLRATE",
        "PE_EXECRATE",
        "PE_DIFFRATE",
        "PE_CHANGE",
        "PE_CHANGERATE",
        "PE_SHARE",
        "PE_ADJRATE",
        "PE_EXECSCORE",
        "PE_EVALVALUE",
        "PE_PROGRESS",
        "PE_GAP",
    }
)


SCORE_MESSAGES = {  # what PE_SCORE shows when it cannot score, by the code of the note that says why
    TARGET_UNREADABLE.code: "#目标值无法识别",
    ACTUAL_UNREADABLE.code: "#实际值无法识别",
    UNIT_MISMATCH.code: "#单位不一致",
    WEIGHT_UNREADABLE.code: "#分值无法识别",
}


# What a cell shows when the engine fails in a way nothing foresaw. It is a bug (tests/engine/test_fuzz.py asserts it
# never appears), but a cell must show something short: xlwings would put the whole traceback in it.
UNEXPECTED = "#计算出错"


def excel_value(function: str, args: list[object]) -> object:
    """What a PE_* cell shows in Excel: a float, "—", blank, 不适用 or a short "#…" message; never raises."""
    try:
        if function == "PE_SCORE":
            return _score_cell(*args)
        return display_value(function, FUNCTIONS[function][0](*args), args)
    except NumberError:
        return "#数值无法识别"
    except RuleSetError:
        return "#评分规则无效"
    except Exception:
        return UNEXPECTED


def _score_cell(
    target: object, actual: object = None, weight: object = None, rule_set: object = None, level2: object = None
) -> object:
    """PE_SCORE as a cell shows it; cached, because a sheet recalculates the same rows again and again."""
    try:
        return _cached_score_cell(target, actual, weight, rule_set, level2)
    except TypeError:  # an unhashable argument (a range passed by mistake, a RuleSet): compute without the cache
        return _score_cell_uncached(target, actual, weight, rule_set, level2)


def _score_cell_uncached(target: object, actual: object, weight: object, rule_set: object, level2: object) -> object:
    unscored = _unscored(target, actual, weight)
    if unscored is not None:
        return unscored
    result = assess_indicator(target, actual, weight, _rules(rule_set), level2)
    message = next((SCORE_MESSAGES[n.code] for n in result.notes if n.code in SCORE_MESSAGES), None)
    return message or display_value("PE_SCORE", result.score, [target, actual])


# typed: True, 1, 1.0 and Decimal(1) are equal keys to a plain cache, but a 分值 of TRUE is no number
_cached_score_cell = lru_cache(maxsize=16384, typed=True)(_score_cell_uncached)


def display_value(function: str, result: object, args: list[object]) -> object:
    """What a formula cell shows for an engine result: numbers as floats, no value as "—" or blank."""
    if result is None:
        filled = not any(is_blank(arg) for arg in args[:2])
        return "—" if function in DASH_WHEN_FILLED and filled else ""
    if isinstance(result, Decimal):
        number = float(result)
        return number if math.isfinite(number) else "#数值超出范围"  # Excel has no infinity to show
    return result
