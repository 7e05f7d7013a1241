"""部门整体支出绩效评价 frameworks (indicator trees in rule files with kind = "evaluation") and their scores."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from perfeval_xl.core.errors import NumberError, RuleSetError
from perfeval_xl.core.frameworks import (
    BOUND_KEYS,
    CIRCLED,
    COUNTS,
    DEFAULT_SCORE_PLACES,
    KIND,
    LEVEL_NAMES,
    METHOD_NAMES,
    METHODS,
    BandsRule,
    ChecklistItem,
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
    ManualRule,
    Node,
    PerPointRule,
    RatioRule,
    Rule,
    TreeScores,
    ValueBand,
    ValueSpec,
)
from perfeval_xl.core.names import LINKABLE_NAMES
from perfeval_xl.core.numbers import format_score, normalize_text, require_number, round_half_up
from perfeval_xl.core.rulesets import Grade
from perfeval_xl.engine import rates
from perfeval_xl.engine.rulefiles import (
    MAX_RULE_NAME_LENGTH,
    Settings,
    parse_toml,
    plain_number,
    read_rule_file,
    refuse_odd_place,
    rule_text,
    shipped_rule_files,
    shipped_settings,
    shown_text,
    shown_value,
)

TOP_KEYS = ("kind", "name", "title", "source", "full_marks", "score_places", "grades", "levels", "indicators")
COMMON_KEYS = ("path", "points", "method", "value", "source", "description")
METHOD_KEYS = {
    "bands": ("bands", "no_value"),
    "per_point": ("full_if", "deduct", "step", "count", "no_value"),
    "ratio": ("target", "no_value"),
    "checklist": ("items",),
    "findings": ("per_finding",),
    "manual": ("step",),
}
VALUE_KEYS = ("rate", "a", "b", "from")

# A framework is a sheet a person prints and reads: past these sizes a file is not a framework but an accident or
# an attack, and the band checks below are quadratic in the number of bands.
MAX_INDICATORS = 500
MAX_BANDS = 50  # a plain-formula score nests one IF per band; Excel allows 64 levels
MAX_GRADES = 20
MAX_ITEMS = 50
MAX_TEXT_LENGTH = 1000  # source and description texts are sentences, not labels
LIMIT = Decimal("1E12")  # thresholds beyond this are typing accidents; rates are fractions, counts are small
MIN_DIVISOR = Decimal("1E-6")  # a smaller step or target (0.0001 个百分点) is a typing accident

# 财预〔2013〕53号 sets no grades; these are the national ones (优 ≥90, 良 80–90, 中 60–80, 差 <60), as shares
# of full_marks so that a 50-point framework without [[grades]] still grades sensibly.
DEFAULT_GRADES = ((Decimal("0.9"), "优"), (Decimal("0.8"), "良"), (Decimal("0.6"), "中"), (Decimal(0), "差"))
DEFAULT_FULL_MARKS = Decimal(100)
DEFAULT_STEP = "1%"


def _two_figure_functions() -> dict[str, Callable[[object, object], Decimal | None]]:
    """The public functions of rates.py that take two figures: a rate added there is usable here at once."""
    found = {}
    for name, function in vars(rates).items():
        if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != rates.__name__:
            continue
        parameters = list(inspect.signature(function).parameters.values())
        if len(parameters) == 2 and all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters):
            found[name] = function
    return found


RATES = MappingProxyType(_two_figure_functions())
# 53号's 预算调整数 is the total of 追加 and 追减 (调整后 − 年初 either way), so its 调整率 is a magnitude
MAGNITUDE_RATES = ("adjustment_rate",)
# rates that cannot be negative for figures that cannot be: bands need to cover them only from 0 up
NONNEGATIVE_RATES = (
    "ratio",
    "control_rate",
    "execution_rate",
    "share",
    "carryover_rate",
    "completion_rate",
    *MAGNITUDE_RATES,
)
# (new − old) ÷ old and new − old read differently from a plain quotient in words
_CHANGE_RATES = ("relative_change", "change_rate", "variance_rate", "adjustment_rate")


# ---------------------------------------------------------------- the framework

# ---------------------------------------------------------------- finding and reading framework files


def available_frameworks() -> list[str]:
    """The names of the evaluation frameworks shipped with the package."""
    return [name for name, settings in shipped_rule_files().items() if settings.get("kind") == KIND]


def load_framework(name_or_path: str | Path | Framework, *, folder: str | Path | None = None) -> Framework:
    """A shipped framework by name ("gongxing-2013") or a user's .toml file with kind = "evaluation".

    A framework inherits nothing (not national.toml's weights): what it does not set has this module's defaults.
    Paths are read as scoring.load_rules reads them (a relative one from `folder` when given), and refused for
    the same reasons; every mistake in the file is a RuleSetError naming the key and the indicator.
    """
    if isinstance(name_or_path, Framework):
        return name_or_path
    text = rule_text(name_or_path)
    if not text:
        raise RuleSetError("请给出评价指标体系的名称（如 gongxing-2013）或 .toml 文件的路径")
    if text in shipped_rule_files():
        if shipped_rule_files()[text].get("kind") != KIND:
            raise RuleSetError(f"“{text}”是自评表的评分规则，不是评价指标体系；{_frameworks_listed()}")
        return _load_shipped(text)
    if not _looks_like_path(text):
        raise RuleSetError(
            f"没有名为“{shown_text(text)}”的评价指标体系；{_frameworks_listed()}，或一个 .toml 文件的路径"
        )
    refuse_odd_place(text)
    path = _resolved(text, folder)
    return parse_framework(read_rule_file(path), str(path))


def is_evaluation(name_or_path: str | Path | Framework, *, folder: str | Path | None = None) -> bool:
    """Does the name or file describe an evaluation framework (kind = "evaluation")? For `perfeval new --rules X`.

    An unknown name is False (load_rules then says it does not exist); a path is read, and refused, as
    load_framework would, so a hostile path raises RuleSetError here already.
    """
    if isinstance(name_or_path, Framework):
        return True
    text = rule_text(name_or_path)
    if text in shipped_rule_files():
        return shipped_rule_files()[text].get("kind") == KIND
    if not text or not _looks_like_path(text):
        return False
    refuse_odd_place(text)
    path = _resolved(text, folder)
    return parse_toml(read_rule_file(path), shown_text(str(path))).get("kind") == KIND


def parse_framework(text: str, origin: str = "评价指标体系") -> Framework:
    """A framework from the text of a rule file; `origin` names it in messages (and is its default name)."""
    return _build_safely(parse_toml(text, shown_text(origin)), origin)


def _frameworks_listed() -> str:
    return f"可用的评价指标体系有：{'、'.join(available_frameworks())}"


def _looks_like_path(text: str) -> bool:
    return text.lower().endswith(".toml") or "/" in text or "\\" in text


def _resolved(text: str, folder: str | Path | None) -> Path:
    return Path(text) if folder is None or Path(text).is_absolute() else Path(folder) / text


@lru_cache(maxsize=16)
def _load_shipped(name: str) -> Framework:
    return _build_safely(shipped_settings(name), name)


def _build_safely(settings: dict[str, Any], origin: str) -> Framework:
    """_build(), with whatever it does not yet guard against turned into a RuleSetError, never a traceback."""
    try:
        return _build(settings, origin)
    except RuleSetError:
        raise
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError, MemoryError):
        raise RuleSetError(
            f"评价指标体系“{shown_text(origin)}”的内容有误，请对照 gongxing-2013.toml 检查各项的写法"
        ) from None


# ---------------------------------------------------------------- building and checking a framework


def _build(settings: dict[str, Any], origin: str) -> Framework:
    read = Settings(settings, shown_text(origin))
    if "extends" in settings:  # a framework is whole in itself: inheriting a self-assessment's weights misleads
        raise read.fail("extends", "不能用于评价指标体系：评价指标体系不继承其他规则，各项须写在本文件中")
    if settings.get("kind") != KIND:
        raise RuleSetError(f'评分规则“{read.origin}”不是评价指标体系：评价指标体系的文件须写 kind = "evaluation"')
    _refuse_unknown(read, "", settings, TOP_KEYS)
    name = read.text("name", settings.get("name", origin), MAX_RULE_NAME_LENGTH)
    full_marks = (
        read.number("full_marks", within=(Decimal(1), Decimal(1000)))
        if "full_marks" in settings
        else DEFAULT_FULL_MARKS
    )
    places = read.count("score_places", high=6) if "score_places" in settings else DEFAULT_SCORE_PLACES
    tables = read.array("indicators")
    if not tables:
        raise RuleSetError(f"评分规则“{read.origin}”没有指标（[[indicators]]）")
    if len(tables) > MAX_INDICATORS:
        raise read.fail("indicators", f"有 {len(tables)} 个，超过 {MAX_INDICATORS} 个，不像评价指标体系")
    indicators = tuple(
        _indicator(read, index, table, full_marks, places) for index, table in enumerate(tables, start=1)
    )
    _check_tree(read, indicators, full_marks)
    return Framework(
        name=name,
        title=read.text("title", settings.get("title", name), MAX_RULE_NAME_LENGTH),
        full_marks=full_marks,
        score_places=places,
        grades=_grades(read, settings, full_marks),
        indicators=indicators,
        levels=MappingProxyType(_levels(read, indicators)),
        source=read.text("source", settings.get("source", ""), MAX_TEXT_LENGTH),
    )


def _refuse_unknown(read: Settings, where: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """A misspelt key ("bands" as "band") would otherwise be ignored and its indicator scored by defaults."""
    allowed = tuple(allowed)
    unknown = [key for key in table if key not in allowed]
    if unknown:
        place = f"的 {shown_text(where)} " if where else ""
        raise RuleSetError(
            f"评分规则“{read.origin}”{place}有未知的键 {shown_text(str(unknown[0]), 30)}；"
            f"可用的键：{'、'.join(allowed)}"
        )


def _grades(read: Settings, settings: dict[str, Any], full_marks: Decimal) -> tuple[Grade, ...]:
    if "grades" not in settings:
        return tuple(Grade(full_marks * share, label) for share, label in DEFAULT_GRADES)
    grades = []
    for index, table in enumerate(read.array("grades"), start=1):
        _refuse_unknown(read, f"grades[{index}]", table, ("min", "label"))
        minimum = read.number("grades.min", table.get("min"), within=(-full_marks, full_marks))
        grades.append(Grade(minimum, read.text("grades.label", table.get("label", ""))))
    grades.sort(key=lambda g: g.minimum, reverse=True)
    if len(grades) > MAX_GRADES:  # the 等级 cell is one IF per grade, and Excel nests at most 64
        raise RuleSetError(f"评分规则“{read.origin}”有 {len(grades)} 个等级，最多 {MAX_GRADES} 个")
    if not grades:
        raise RuleSetError(f"评分规则“{read.origin}”没有等级（[[grades]]）")
    lowest = grades[-1]
    if lowest.minimum > 0:  # as scoring checks it: every total must have a grade
        raise RuleSetError(
            f"评分规则“{read.origin}”的最低等级“{lowest.label}”从 {format_score(lowest.minimum)} 分起，"
            f"低于 {format_score(lowest.minimum)} 分的总分将没有等级；请把最低等级的 min 设为 0"
        )
    return tuple(grades)


def _indicator(read: Settings, index: int, table: object, full_marks: Decimal, places: int) -> EvalIndicator:
    where = f"indicators[{index}]"  # counted from 1, as a person counts the [[indicators]] tables
    if not isinstance(table, dict):
        raise read.fail(where, "应写成一个 [[indicators]] 表")
    path = _path(read, where, table.get("path"), (2, 4))
    where = f"{where}（{shown_text('/'.join(path), 40)}）"
    method = table.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise read.fail(f"{where}的 method", f"应为 {'、'.join(METHODS)} 之一，而不是 {shown_value(method)}")
    _refuse_method_keys(read, where, table, method)
    points = _positive(read, f"{where}的 points", _needed(read, where, table, "points"), full_marks)
    rule, percent = _RULE_READERS[method](read, where, table, points)
    value = _value(read, where, table.get("value"))
    if isinstance(rule, BandsRule):
        lowest = Decimal(0) if value is not None and value.rate in NONNEGATIVE_RATES else None
        _check_cover(read, f"{where}的 bands", rule.bands, percent, lowest)
    return EvalIndicator(
        path=path,
        points=points,
        method=method,
        rule=rule,
        source=read.text(f"{where}的 source", table.get("source", ""), MAX_TEXT_LENGTH),
        value=value,
        description=read.text(f"{where}的 description", table.get("description", ""), MAX_TEXT_LENGTH),
        percent=percent,
        score_places=places,
    )


def _refuse_method_keys(read: Settings, where: str, table: dict[str, Any], method: str) -> None:
    allowed = COMMON_KEYS + METHOD_KEYS[method]
    for key in table:
        if key not in allowed and any(key in keys for keys in METHOD_KEYS.values()):
            users = "、".join(m for m, keys in METHOD_KEYS.items() if key in keys)
            raise read.fail(f"{where}的 {key}", f'只用于 method = {users}，不适用于 method = "{method}"')
    _refuse_unknown(read, where, table, allowed)


def _needed(read: Settings, where: str, table: Mapping[str, Any], key: str) -> Any:
    if key not in table:
        raise read.fail(where, f"缺少 {key}")
    return table[key]


def _path(read: Settings, where: str, value: object, lengths: tuple[int, int]) -> tuple[str, ...]:
    low, high = lengths
    if not isinstance(value, list) or not low <= len(value) <= high:
        levels = "、".join(LEVEL_NAMES[:high])
        raise read.fail(
            f"{where}的 path", f"应写成 {low} 到 {high} 个名称的列表（{levels}），而不是 {shown_value(value)}"
        )
    names = tuple(read.text(f"{where}的 path", name).strip() for name in value)
    for name in names:
        if not name:
            raise read.fail(f"{where}的 path", "中有空的名称")
        if "/" in name:  # "/" joins a path into the key of its score (values.eval_scores)
            raise read.fail(f"{where}的 path", f"中的名称“{shown_text(name, 30)}”不能含有“/”")
    return names


def _positive(read: Settings, key: str, value: object, high: Decimal) -> Decimal:
    number = read.number(key, value, within=(Decimal(0), high))
    if number.is_zero():
        raise read.fail(key, "应大于 0")
    return number


def _score(read: Settings, key: str, value: object, points: Decimal) -> Decimal:
    return read.number(key, value, within=(Decimal(0), points))


def _threshold(read: Settings, key: str, value: object) -> tuple[Decimal, bool]:
    """A bound or step: a percentage string ("10%") or a number; and whether it was written as a percentage."""
    percent = isinstance(value, str) and "%" in normalize_text(value)
    return read.number(key, value, within=(-LIMIT, LIMIT)), percent


def _no_value(read: Settings, where: str, table: Mapping[str, Any], points: Decimal) -> Decimal | None:
    return _score(read, f"{where}的 no_value", table["no_value"], points) if "no_value" in table else None


def _value(read: Settings, where: str, value: object) -> ValueSpec | None:
    if value is None:
        return None
    key = f"{where}的 value"
    if not isinstance(value, dict):
        raise read.fail(key, '应写成 { rate = "…", a = "…", b = "…" }')
    _refuse_unknown(read, key, value, VALUE_KEYS)
    rate = _needed(read, key, value, "rate")
    if not isinstance(rate, str) or rate not in RATES:
        raise read.fail(
            f"{key}.rate", f"{shown_value(rate)} 不是 rates.py 中的两数比率函数；可用的有：{'、'.join(RATES)}"
        )
    a = read.text(f"{key}.a", _needed(read, key, value, "a")).strip()
    b = read.text(f"{key}.b", _needed(read, key, value, "b")).strip()
    if not a or not b:
        raise read.fail(key, "的 a 和 b 应写明两个数据的名称（分子在前）")
    sources = None
    if "from" in value:
        names = value["from"]
        if not isinstance(names, list) or len(names) != 2:
            raise read.fail(
                f"{key}.from", f'应写成两个名称的列表，如 ["staff_actual", "staff_quota"]，而不是 {shown_value(names)}'
            )
        known = LINKABLE_NAMES
        for name in names:
            if read.text(f"{key}.from", name) not in known:
                raise read.fail(
                    f"{key}.from",
                    f"中的“{shown_text(name, 40)}”不是附件1 或收支预决算中的名称；"
                    "可用的如 staff_actual、sangong_final、rev_expense_total_final（见 README 的名称表）",
                )
        sources = (names[0], names[1])
    return ValueSpec(rate, a, b, sources)


# ---------------------------------------------------------------- one reader per method


def _read_bands(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[BandsRule, bool]:
    raw = _needed(read, where, table, "bands")
    key = f"{where}的 bands"
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        raise read.fail(key, '应写成若干档的列表，如 [ { ge = "90%", score = 5 }, { lt = "90%", score = 0 } ]')
    if len(raw) > MAX_BANDS:
        raise read.fail(key, f"有 {len(raw)} 档，超过 {MAX_BANDS} 档")
    bands, percent = [], False
    for number, item in enumerate(raw, start=1):
        band_key = f"{key}[{number}]"
        _refuse_unknown(read, band_key, item, (*BOUND_KEYS, "score"))
        bounds = {}
        for op in BOUND_KEYS:
            if op in item:
                bounds[op], written_as_percent = _threshold(read, f"{band_key}.{op}", item[op])
                percent = percent or written_as_percent
        _check_band_bounds(read, band_key, bounds)
        bands.append(
            ValueBand(_score(read, f"{band_key}.score", _needed(read, band_key, item, "score"), points), **bounds)
        )
    return BandsRule(tuple(bands), _no_value(read, where, table, points)), percent


def _check_band_bounds(read: Settings, key: str, bounds: Mapping[str, Decimal]) -> None:
    if "ge" in bounds and "gt" in bounds:
        raise read.fail(key, "的 ge 和 gt 只能写一个")
    if "le" in bounds and "lt" in bounds:
        raise read.fail(key, "的 le 和 lt 只能写一个")
    if "eq" in bounds and len(bounds) > 1:
        raise read.fail(key, "的 eq 不能与其他界限同用")


def _check_cover(
    read: Settings, key: str, bands: Sequence[ValueBand], percent: bool, lowest: Decimal | None = None
) -> None:
    """Every value the rate can take (from `lowest` up, when it cannot be negative) must fall in a band, and every
    band must be the first match of some value.

    A band's membership changes only at the bounds the bands give, so it is enough to try each bound, a point
    between each two neighbouring bounds, and a point beyond either end.
    """
    reached = set()
    probes = _probes(bands, percent)
    if lowest is not None:
        probes = [(lowest, f" {_number_text(lowest, percent)}")] + [p for p in probes if p[0] > lowest]
    for value, words in probes:
        first = next((number for number, band in enumerate(bands, start=1) if band.contains(value)), None)
        if first is None:
            raise read.fail(
                key,
                f"没有覆盖{words}：这样的指标值没有一档适用；请补上这一档，或在最后加一档不写界限的 {{ score = … }}",
            )
        reached.add(first)
    for number in range(1, len(bands) + 1):
        if number not in reached:
            raise read.fail(f"{key}[{number}]", "永远用不到：它的取值已被前面的档次包含，或它的界限互相矛盾")


def _probes(bands: Sequence[ValueBand], percent: bool) -> list[tuple[Decimal, str]]:
    edges = sorted({value for band in bands for value in band.bounds().values()})
    if not edges:
        return [(Decimal(0), "任何值")]
    shown = [_number_text(edge, percent) for edge in edges]
    probes = [(edges[0] - 1, f"小于 {shown[0]} 的值")]
    for i, edge in enumerate(edges):
        probes.append((edge, f" {shown[i]}"))
        if i + 1 < len(edges):
            probes.append(((edge + edges[i + 1]) / 2, f" {shown[i]} 到 {shown[i + 1]} 之间的值"))
    probes.append((edges[-1] + 1, f"大于 {shown[-1]} 的值"))
    return probes


def _read_per_point(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[PerPointRule, bool]:
    full_if = _needed(read, where, table, "full_if")
    key = f"{where}的 full_if"
    if not isinstance(full_if, dict) or len(full_if) != 1 or next(iter(full_if)) not in ("le", "ge"):
        raise read.fail(key, f'应写成 {{ le = "100%" }} 或 {{ ge = "100%" }}，而不是 {shown_value(full_if)}')
    ((op, raw),) = full_if.items()
    bound, percent = _threshold(read, f"{key}.{op}", raw)
    deduct = _positive(read, f"{where}的 deduct", _needed(read, where, table, "deduct"), points)
    step, step_percent = _threshold(read, f"{where}的 step", table.get("step", DEFAULT_STEP))
    _refuse_tiny(read, f"{where}的 step", step)
    count = table.get("count", "exact")
    if not isinstance(count, str) or count not in COUNTS:
        raise read.fail(f"{where}的 count", f'应为 "exact"、"ceil" 或 "floor"，而不是 {shown_value(count)}')
    rule = PerPointRule(op, bound, deduct, step, count, _no_value(read, where, table, points))
    return rule, percent or step_percent


def _refuse_tiny(read: Settings, key: str, divisor: Decimal) -> None:
    """A step or target is divided by: zero has no quotient, and 1E-999999 overflows even Decimal."""
    if divisor <= 0:
        raise read.fail(key, f"应大于 0，而不是 {shown_value(divisor)}")
    if divisor < MIN_DIVISOR:
        raise read.fail(key, f"应不小于 {plain_number(MIN_DIVISOR)}，而不是 {shown_value(divisor)}")


def _read_ratio(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[RatioRule, bool]:
    target, percent = None, False
    if "target" in table:
        target, percent = _threshold(read, f"{where}的 target", table["target"])
        _refuse_tiny(read, f"{where}的 target", target)
    return RatioRule(target, _no_value(read, where, table, points)), percent


def _read_checklist(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[ChecklistRule, bool]:
    raw = _needed(read, where, table, "items")
    key = f"{where}的 items"
    if not isinstance(raw, list) or not raw or len(raw) > MAX_ITEMS:
        raise read.fail(key, f"应写成 1 到 {MAX_ITEMS} 个评价要点的列表")
    if all(isinstance(item, str) for item in raw):
        share = points / len(raw)  # exact sums come from checklist_score(), which multiplies before it divides
        items = tuple(ChecklistItem(read.text(key, text, MAX_TEXT_LENGTH), share) for text in raw)
        return ChecklistRule(items, equal=True), False
    if not all(isinstance(item, dict) for item in raw):
        raise read.fail(key, '要么都写成文字（平分分值），要么都写成 { text = "…", score = … }')
    scored = []
    for number, item in enumerate(raw, start=1):
        item_key = f"{key}[{number}]"
        _refuse_unknown(read, item_key, item, ("text", "score"))
        text = read.text(f"{item_key}.text", _needed(read, item_key, item, "text"), MAX_TEXT_LENGTH)
        scored.append(
            ChecklistItem(text, _score(read, f"{item_key}.score", _needed(read, item_key, item, "score"), points))
        )
    total = sum((item.score for item in scored), Decimal(0))
    if total != points:
        raise read.fail(key, f"的分数合计为 {plain_number(total)}，与分值 {plain_number(points)} 不符")
    return ChecklistRule(tuple(scored), equal=False), False


def _read_findings(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[FindingsRule, bool]:
    return FindingsRule(
        _positive(read, f"{where}的 per_finding", _needed(read, where, table, "per_finding"), points)
    ), False


def _read_manual(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[ManualRule, bool]:
    step = _positive(read, f"{where}的 step", table["step"], points) if "step" in table else None
    return ManualRule(step), False


_RULE_READERS: dict[str, Callable[[Settings, str, dict[str, Any], Decimal], tuple[Rule, bool]]] = {
    "bands": _read_bands,
    "per_point": _read_per_point,
    "ratio": _read_ratio,
    "checklist": _read_checklist,
    "findings": _read_findings,
    "manual": _read_manual,
}


def _check_tree(read: Settings, indicators: Sequence[EvalIndicator], full_marks: Decimal) -> None:
    """Leaves unique and never inner nodes; each inner node's leaves in one run (its subtotal row follows them);
    the 分值 adding up to full_marks."""
    where = {
        ind.path: f"indicators[{n}]（{shown_text(ind.key, 40)}）" for n, ind in reversed(list(enumerate(indicators, 1)))
    }
    seen: set[tuple[str, ...]] = set()
    inner = {ind.path[:depth]: ind for ind in indicators for depth in range(1, len(ind.path))}
    closed: set[tuple[str, ...]] = set()
    previous: tuple[str, ...] = ()
    for number, indicator in enumerate(indicators, start=1):
        here = f"indicators[{number}]（{shown_text(indicator.key, 40)}）"
        if indicator.path in seen:
            raise read.fail(here, f"与 {where[indicator.path]} 重复")
        seen.add(indicator.path)
        if indicator.path in inner:
            raise read.fail(here, f"既是指标，又是 {where[inner[indicator.path].path]} 的上级")
        prefixes = [indicator.path[:depth] for depth in range(1, len(indicator.path))]
        closed.update(p for p in (previous[:d] for d in range(1, len(previous))) if p not in prefixes)
        split = next((p for p in prefixes if p in closed), None)
        if split is not None:
            raise read.fail(
                here, f"与同属“{'/'.join(split)}”的其他指标不相邻；同一上级指标下的指标须连续排列（其后是小计行）"
            )
        previous = indicator.path
    total = sum((ind.points for ind in indicators), Decimal(0))
    if total != full_marks:
        raise RuleSetError(
            f"评分规则“{read.origin}”的各指标分值（points）合计为 {plain_number(total)}，"
            f"与满分 full_marks {plain_number(full_marks)} 不符"
        )


def _levels(read: Settings, indicators: Sequence[EvalIndicator]) -> dict[tuple[str, ...], Decimal]:
    sums: dict[tuple[str, ...], Decimal] = {}
    for indicator in indicators:
        for depth in range(1, len(indicator.path)):
            sums[indicator.path[:depth]] = sums.get(indicator.path[:depth], Decimal(0)) + indicator.points
    levels: dict[tuple[str, ...], Decimal] = {}
    for number, table in enumerate(read.array("levels"), start=1):
        key = f"levels[{number}]"
        _refuse_unknown(read, key, table, ("path", "points"))
        path = _path(read, key, _needed(read, key, table, "path"), (1, 3))
        key = f"{key}（{shown_text('/'.join(path), 40)}）"
        if path not in sums:
            raise read.fail(f"{key}的 path", "不是任何指标的上级（一级、二级或四级指标中的三级）")
        if path in levels:
            raise read.fail(key, "重复")
        points = read.number(f"{key}的 points", _needed(read, key, table, "points"), within=(Decimal(0), LIMIT))
        if points != sums[path]:
            raise read.fail(
                f"{key}的 points", f"为 {plain_number(points)}，而其下各指标的分值合计为 {plain_number(sums[path])}"
            )
        levels[path] = points
    return levels


# ---------------------------------------------------------------- scores


def evaluate_value(indicator: EvalIndicator, a: object, b: object) -> Decimal | None:
    """The 指标值 from the two figures (unrounded); None when the rule has no `value` or the rate has none
    (no denominator). Unreadable text raises NumberError, as the rates do."""
    if indicator.value is None:
        return None
    value = RATES[indicator.value.rate](a, b)
    if value is not None and indicator.value.rate in MAGNITUDE_RATES:
        return abs(value)
    return value


def standard_score(indicator: EvalIndicator, value: object) -> Decimal | None:
    """The score the standard gives a 指标值, rounded half up to score_places; None for checklist/findings/manual
    indicators, and for no value unless the rule gives `no_value` (the evaluator scores the row then)."""
    if not indicator.computed:
        return None
    number = require_number(value)
    rule = indicator.rule
    assert isinstance(rule, BandsRule | PerPointRule | RatioRule)
    if number is not None and indicator.value is not None and indicator.value.rate in MAGNITUDE_RATES:
        number = abs(number)  # a 指标值 typed as −5% is an adjustment of 5%
    if number is None:
        score = rule.no_value
    elif isinstance(rule, BandsRule):
        # the loader checked the cover over the values the rate can take; one outside (a negative quotient of
        # amounts) has no band and is scored by the evaluator
        score = next((band.score for band in rule.bands if band.contains(number)), None)
    elif isinstance(rule, PerPointRule):
        score = _per_point(rule, indicator.points, number)
    else:
        score = _ratio(rule, indicator.points, number)
    return None if score is None else round_half_up(score, indicator.score_places)


def _per_point(rule: PerPointRule, points: Decimal, value: Decimal) -> Decimal:
    within = value <= rule.bound if rule.op == "le" else value >= rule.bound
    if within:
        return points
    steps = abs(value - rule.bound) / rule.step
    if rule.count == "ceil":
        steps = steps.to_integral_value(rounding=ROUND_CEILING)
    elif rule.count == "floor":
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    return max(Decimal(0), points - rule.deduct * steps)


def _ratio(rule: RatioRule, points: Decimal, value: Decimal) -> Decimal:
    share = value / rule.target if rule.target is not None else value
    return min(points, max(Decimal(0), points * share))


def checklist_score(indicator: EvalIndicator, ticks: Sequence[bool]) -> Decimal:
    """The sum of the items met (one True/False per item, in order), rounded half up to score_places."""
    rule = indicator.rule
    if not isinstance(rule, ChecklistRule):
        raise ValueError(f"“{indicator.key}”不是逐项评分（checklist）的指标")
    if len(ticks) != len(rule.items) or not all(isinstance(tick, bool) for tick in ticks):
        raise ValueError(f"“{indicator.key}”有 {len(rule.items)} 个评价要点，应逐项给出是否符合（True/False）")
    if rule.equal:  # points × met ÷ count, so that all items met give the points exactly (10 ÷ 3 × 3 does not)
        score = indicator.points * sum(ticks) / len(rule.items)
    else:
        score = sum((item.score for item, tick in zip(rule.items, ticks, strict=True) if tick), Decimal(0))
    return round_half_up(score, indicator.score_places)


def findings_score(indicator: EvalIndicator, n: object) -> Decimal | None:
    """points − per_finding × n, down to 0; None when no count is given yet."""
    rule = indicator.rule
    if not isinstance(rule, FindingsRule):
        raise ValueError(f"“{indicator.key}”不是按问题扣分（findings）的指标")
    count = require_number(n)
    if count is None:
        return None
    if count < 0 or count != count.to_integral_value():
        raise NumberError(f"发现的问题个数应为 0 或正整数，而不是 {plain_number(count)}")
    return round_half_up(max(Decimal(0), indicator.points - rule.per_finding * count), indicator.score_places)


def score_rate(score: object, points: object) -> Decimal | None:
    """得分率 = 得分 ÷ 分值 (unrounded), as published reports print it after each node."""
    return rates.ratio(score, points)


def grade_of(framework: Framework, total: object) -> str | None:
    """The grade of a total, as scoring.grade() gives one: the lowest grade for anything below it."""
    value = require_number(total)
    if value is None:
        return None
    return next((g.label for g in framework.grades if value >= g.minimum), framework.grades[-1].label)


# ---------------------------------------------------------------- the tree


def tree(framework: Framework) -> list[Node]:
    """Every node in sheet order: each 一级 node, then its 二级 nodes each followed by their leaves (a 4-level
    path's 三级 is an inner node too). Inner nodes' points are the sums of their leaves'."""
    order: list[tuple[str, ...]] = []
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for indicator in framework.indicators:
        for depth in range(1, len(indicator.path) + 1):
            path = indicator.path[:depth]
            if path not in children:
                children[path] = []
                order.append(path)
                if depth > 1:
                    children[path[:-1]].append(path)
    leaves = {indicator.path: indicator for indicator in framework.indicators}
    built: dict[tuple[str, ...], Node] = {}
    for path in reversed(order):  # in reverse pre-order every child is built before its parent
        kids = tuple(built[child] for child in children[path])
        indicator = leaves.get(path)
        points = indicator.points if indicator else sum((kid.points for kid in kids), Decimal(0))
        built[path] = Node(path, points, len(path), kids, indicator)
    return [built[path] for path in order]


def leaves(node: Node) -> list[Node]:
    """The leaves under a node, in sheet order (the node itself when it is one)."""
    return [node] if node.is_leaf else [leaf for child in node.children for leaf in leaves(child)]


def score_tree(framework: Framework, leaf_scores: Mapping[tuple[str, ...] | str, object]) -> TreeScores:
    """Every node's score from the leaves' (keyed by path or "/"-joined path; a missing leaf is unscored).

    See TreeScores for how unscored leaves count. A key that is no leaf of the framework raises ValueError.
    """
    given = {(key if isinstance(key, str) else "/".join(key)): require_number(v) for key, v in leaf_scores.items()}
    nodes = tree(framework)
    unknown = set(given) - {node.key for node in nodes if node.is_leaf}
    if unknown:
        raise ValueError(f"评价指标体系“{framework.name}”中没有指标“{shown_text(sorted(unknown)[0], 40)}”")
    scores: dict[str, Decimal | None] = {}
    for node in reversed(nodes):
        if node.is_leaf:
            scores[node.key] = given.get(node.key)
        else:
            scores[node.key] = sum((scores[kid.key] or Decimal(0) for kid in node.children), Decimal(0))
    unscored = tuple(node.key for node in nodes if node.is_leaf and scores[node.key] is None)
    total = sum((scores[node.key] or Decimal(0) for node in nodes if node.level == 1), Decimal(0))
    return TreeScores(
        MappingProxyType({node.key: scores[node.key] for node in nodes}),
        total,
        None if unscored else grade_of(framework, total),
        unscored,
    )


# ---------------------------------------------------------------- words


def _number_text(value: Decimal, percent: bool) -> str:
    return f"{plain_number(value.scaleb(2))}%" if percent else plain_number(value)


def _points_text(value: Decimal, indicator: EvalIndicator) -> str:
    return format_score(value, indicator.score_places)


_BOUND_WORDS = {"eq": "等于", "ge": "不低于", "gt": "大于", "le": "不超过", "lt": "小于"}


def standard_text(indicator: EvalIndicator) -> str:
    """The scoring standard in words, generated from the rule: what the 评分标准 column and the report print."""
    rule = indicator.rule
    text = _STANDARD_WORDS[indicator.method](indicator, rule)
    no_value = getattr(rule, "no_value", None)
    if no_value is not None:
        text += f"；指标值无法计算（缺数或分母为零）时得{_points_text(no_value, indicator)}分"
    elif indicator.computed:
        text += "；指标值无法计算时由评价人员打分"
    return text


def _bands_words(indicator: EvalIndicator, rule: BandsRule) -> str:
    parts = []
    for band in rule.bands:
        bounds = band.bounds()
        condition = "且".join(f"{_BOUND_WORDS[op]}{_number_text(v, indicator.percent)}" for op, v in bounds.items())
        parts.append(f"{condition or '其他情况'}得{_points_text(band.score, indicator)}分")
    return "；".join(parts)


def _per_point_words(indicator: EvalIndicator, rule: PerPointRule) -> str:
    percent = indicator.percent
    bound = _number_text(rule.bound, percent)
    beyond = "超出" if rule.op == "le" else "低于"
    unit = f"{plain_number(rule.step.scaleb(2))}个百分点" if percent else plain_number(rule.step)
    partial = {"exact": "按比例扣分", "ceil": f"按{unit}扣分", "floor": "不扣分"}[rule.count]
    return (
        f"{_BOUND_WORDS[rule.op]}{bound}得满分，每{beyond}{unit}扣{_points_text(rule.deduct, indicator)}分"
        f"（不足{unit}{partial}），扣完为止"
    )


def _ratio_words(indicator: EvalIndicator, rule: RatioRule) -> str:
    if rule.target is None:
        return "按比例计分：得分 = 分值 × 指标值，满分为止，最低 0 分"
    return f"按比例计分：得分 = 分值 × 指标值 ÷ {_number_text(rule.target, indicator.percent)}，满分为止，最低 0 分"


def _checklist_words(indicator: EvalIndicator, rule: ChecklistRule) -> str:
    return "；".join(
        f"{_item_mark(n)}{item.text}（{_points_text(item.score, indicator)}分）" for n, item in enumerate(rule.items)
    )


def _item_mark(index: int) -> str:
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def _findings_words(indicator: EvalIndicator, rule: FindingsRule) -> str:
    return f"每发现一个问题扣{_points_text(rule.per_finding, indicator)}分，扣完为止"


def _manual_words(indicator: EvalIndicator, rule: ManualRule) -> str:
    basis = f"评价要点（{indicator.description}）" if indicator.description else "评价要点"
    step = f"，得分以{plain_number(rule.step)}分为单位" if rule.step is not None else ""
    return f"评价人员根据{basis}打分{step}，扣分须写明原因"


_STANDARD_WORDS: dict[str, Callable[[EvalIndicator, Any], str]] = {
    "bands": _bands_words,
    "per_point": _per_point_words,
    "ratio": _ratio_words,
    "checklist": _checklist_words,
    "findings": _findings_words,
    "manual": _manual_words,
}


def value_text(indicator: EvalIndicator) -> str:
    """How the 指标值 is computed, in words ("实际在职人数 ÷ 编制数"); empty when the rule has no `value`."""
    spec = indicator.value
    if spec is None:
        return ""
    if spec.rate in MAGNITUDE_RATES:
        formula = f"|{spec.a} − {spec.b}| ÷ {spec.b}（追加、追减都计入）"
    elif spec.rate in _CHANGE_RATES:
        formula = f"（{spec.a} − {spec.b}）÷ {spec.b}"
    elif spec.rate == "change_amount":
        formula = f"{spec.a} − {spec.b}"
    else:
        formula = f"{spec.a} ÷ {spec.b}"
    if spec.sources:
        formula += f"（取自工作簿的 {spec.sources[0]}、{spec.sources[1]}）"
    return formula


def describe(framework: Framework) -> list[str]:
    """The lines `perfeval rules NAME` prints: the tree with points, methods, standards and sources."""
    grades = "，".join(f"≥{format_score(g.minimum)} {g.label}" for g in framework.grades)
    lines = [
        framework.title,
        f"满分 {format_score(framework.full_marks)}，得分保留 {framework.score_places} 位小数；等级：{grades}",
    ]
    if framework.source:
        lines.append(f"来源：{framework.source}")
    for node in tree(framework):
        indent = "  " * (node.level - 1)
        indicator = node.indicator
        if indicator is None:
            lines.append(f"{indent}{node.path[-1]}（{format_score(node.points)}分）")
            continue
        lines.append(
            f"{indent}{indicator.name}（{format_score(indicator.points)}分，{METHOD_NAMES[indicator.method]}）"
        )
        detail = indent + "  "
        if indicator.value is not None:
            lines.append(f"{detail}指标值：{value_text(indicator)}")
        lines.append(f"{detail}评分标准：{standard_text(indicator)}")
        if indicator.description and indicator.method != "manual":  # manual words include it already
            lines.append(f"{detail}评价要点：{indicator.description}")
        lines.append(f"{detail}来源：{indicator.source}")
    return lines
