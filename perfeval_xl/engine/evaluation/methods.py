"""The six scoring methods of a framework's indicators, each read from its rule-file table and checked.

bands must cover every value the rate can take; per_point, ratio, checklist, findings and manual have their own keys.
The small readers shared by the loader (a key that must be there, a path, a positive number, a score) live here too."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.core.frameworks import (
    BOUND_KEYS,
    COUNTS,
    LEVEL_NAMES,
    BandsRule,
    ChecklistItem,
    ChecklistRule,
    CustomRule,
    FindingKind,
    FindingsRule,
    ManualRule,
    Part,
    PerPointRule,
    RatioRule,
    Rule,
    TargetRule,
    ValueBand,
    ValueSpec,
)
from perfeval_xl.core.names import LINKABLE_NAMES
from perfeval_xl.core.numbers import D, normalize_text
from perfeval_xl.engine.evaluation.scores import RATES
from perfeval_xl.engine.evaluation.words import number_text
from perfeval_xl.engine.rulefiles import (
    Settings,
    plain_number,
    shown_text,
    shown_value,
)

COMMON_KEYS = ("path", "points", "method", "value", "source", "description", "choice")


METHOD_KEYS = {
    "bands": ("bands", "no_value"),
    "per_point": ("full_if", "deduct", "step", "count", "no_value"),
    "ratio": ("target", "no_value"),
    "target": (),
    "checklist": ("items",),
    "findings": ("per_finding", "kinds"),
    "manual": ("step",),
    "custom": ("rows",),
}


VALUE_KEYS = ("rate", "a", "b", "from", "unit", "a_parts", "b_parts")


MAX_PARTS = 8  # a figure built from more inputs than this is a sheet of its own, not a few rows under a leaf


MAX_BANDS = 50  # a plain-formula score nests one IF per band; Excel allows 64 levels


MAX_ITEMS = 50


MAX_TEXT_LENGTH = 1000  # source and description texts are sentences, not labels


LIMIT = Decimal("1E12")  # thresholds beyond this are typing accidents; rates are fractions, counts are small


MIN_DIVISOR = Decimal("1E-6")  # a smaller step or target (0.0001 个百分点) is a typing accident


DEFAULT_STEP = "1%"


def refuse_unknown(read: Settings, where: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """A misspelt key ("bands" as "band") would otherwise be ignored and its indicator scored by defaults."""
    allowed = tuple(allowed)
    unknown = [key for key in table if key not in allowed]
    if unknown:
        place = f"的 {shown_text(where)} " if where else ""
        raise RuleSetError(
            f"评分规则“{read.origin}”{place}有未知的键 {shown_text(str(unknown[0]), 30)}；"
            f"可用的键：{'、'.join(allowed)}"
        )


def refuse_method_keys(read: Settings, where: str, table: dict[str, Any], method: str) -> None:
    allowed = COMMON_KEYS + METHOD_KEYS[method]
    for key in table:
        if key not in allowed and any(key in keys for keys in METHOD_KEYS.values()):
            users = "、".join(m for m, keys in METHOD_KEYS.items() if key in keys)
            raise read.fail(f"{where}的 {key}", f'只用于 method = {users}，不适用于 method = "{method}"')
    refuse_unknown(read, where, table, allowed)


def needed(read: Settings, where: str, table: Mapping[str, Any], key: str) -> Any:
    if key not in table:
        raise read.fail(where, f"缺少 {key}")
    return table[key]


def read_path(read: Settings, where: str, value: object, lengths: tuple[int, int]) -> tuple[str, ...]:
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


def positive(read: Settings, key: str, value: object, high: Decimal) -> Decimal:
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


def refuse_plain_rate_bounds(read: Settings, where: str, table: Mapping[str, Any]) -> None:
    """A rate is a fraction (62% is 0.62): a bound written as a plain number above 1 (`ge = 80` meaning 80%) would be
    compared with 0.62 and silently score every row the same, so it is refused with the way to write it."""
    for key, raw in _thresholds(where, table):
        number = D(raw) if not isinstance(raw, bool) else None
        written_as_percent = isinstance(raw, str) and "%" in normalize_text(raw)
        if isinstance(number, Decimal) and not written_as_percent and abs(number) > 1:
            shown = plain_number(number)
            raise read.fail(
                key,
                f"是比率的界限，写的是 {shown}（没有“%”）；比率按小数比较（62% 即 0.62），这样写会被当作 "
                f'{plain_number(number * 100)}%。请写成 "{shown}%"，或写成小数 {plain_number(number / 100)}',
            )


def _thresholds(where: str, table: Mapping[str, Any]) -> Iterable[tuple[str, object]]:
    """(key, raw value) of every bound, step and target an indicator's method compares its value with."""
    bands = table.get("bands")
    if isinstance(bands, list):
        for number, band in enumerate(bands, start=1):
            if isinstance(band, dict):
                for op in BOUND_KEYS:
                    if op in band:
                        yield f"{where}的 bands[{number}].{op}", band[op]
    full_if = table.get("full_if")
    if isinstance(full_if, dict):
        for op, raw in full_if.items():
            yield f"{where}的 full_if.{op}", raw
    for name in ("step", "target"):
        if name in table:
            yield f"{where}的 {name}", table[name]


def _no_value(read: Settings, where: str, table: Mapping[str, Any], points: Decimal) -> Decimal | None:
    return _score(read, f"{where}的 no_value", table["no_value"], points) if "no_value" in table else None


def read_value(read: Settings, where: str, value: object) -> ValueSpec | None:
    if value is None:
        return None
    key = f"{where}的 value"
    if not isinstance(value, dict):
        raise read.fail(key, '应写成 { rate = "…", a = "…", b = "…" }')
    refuse_unknown(read, key, value, VALUE_KEYS)
    rate = needed(read, key, value, "rate")
    if not isinstance(rate, str) or rate not in RATES:
        available = "、".join(RATES)
        raise read.fail(
            f"{key}.rate", f"{shown_value(rate)} 不是两数比率函数（engine/rates.py）；可用的有：{available}"
        )
    a = read.text(f"{key}.a", needed(read, key, value, "a")).strip()
    b = read.text(f"{key}.b", needed(read, key, value, "b")).strip()
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
                    "可用的如 staff_actual、sangong_final、rev_expense_total_final（见 docs/names.md 的名称表）",
                )
        sources = (names[0], names[1])
    unit = ""
    if "unit" in value:
        unit = read.text(f"{key}.unit", value["unit"]).strip()
        if sources:
            raise read.fail(f"{key}.unit", "不用写：from 链接的数据带着它所在表的单位（万元、人）")
        if not 0 < len(unit) <= 6 or any(character.isdigit() or character.isspace() for character in unit):
            raise read.fail(f"{key}.unit", f"应是一个单位，如“万元”“人”“个”“场”，而不是 {shown_value(unit)}")
    parts = (_parts(read, f"{key}.a_parts", value.get("a_parts")), _parts(read, f"{key}.b_parts", value.get("b_parts")))
    if sources and any(parts):
        raise read.fail(key, "的 a_parts、b_parts 不能与 from 同用：链接来的数据已经算好")
    return ValueSpec(rate, a, b, sources, unit, parts)


def _parts(read: Settings, key: str, value: object) -> tuple[Part, ...]:
    """["年初预算", "-涉改调整", "-财政直接调整"]: the inputs a figure is built from, each its own cell; a leading
    “-” subtracts it."""
    if value is None:
        return ()
    if not isinstance(value, list) or not 2 <= len(value) <= MAX_PARTS:
        raise read.fail(
            key, f'应写成 2 到 {MAX_PARTS} 个名称的列表，如 ["年初预算", "-涉改调整"]（名称前写“-”表示减去）'
        )
    parts = []
    for item in value:
        text = read.text(key, item).strip()
        sign = -1 if text[:1] in ("-", "−", "－") else 1
        name = text.lstrip("+-−－ ").strip()
        if not name:
            raise read.fail(key, f"中的 {shown_value(item)} 没有名称")
        parts.append(Part(name, sign))
    return tuple(parts)


def _read_bands(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[BandsRule, bool]:
    raw = needed(read, where, table, "bands")
    key = f"{where}的 bands"
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        raise read.fail(key, '应写成若干档的列表，如 [ { ge = "90%", score = 5 }, { lt = "90%", score = 0 } ]')
    if len(raw) > MAX_BANDS:
        raise read.fail(key, f"有 {len(raw)} 档，超过 {MAX_BANDS} 档")
    bands, percent = [], False
    for number, item in enumerate(raw, start=1):
        band_key = f"{key}[{number}]"
        refuse_unknown(read, band_key, item, (*BOUND_KEYS, "score"))
        bounds = {}
        for op in BOUND_KEYS:
            if op in item:
                bounds[op], written_as_percent = _threshold(read, f"{band_key}.{op}", item[op])
                percent = percent or written_as_percent
        _check_band_bounds(read, band_key, bounds)
        bands.append(
            ValueBand(_score(read, f"{band_key}.score", needed(read, band_key, item, "score"), points), **bounds)
        )
    return BandsRule(tuple(bands), _no_value(read, where, table, points)), percent


def _check_band_bounds(read: Settings, key: str, bounds: Mapping[str, Decimal]) -> None:
    if "ge" in bounds and "gt" in bounds:
        raise read.fail(key, "的 ge 和 gt 只能写一个")
    if "le" in bounds and "lt" in bounds:
        raise read.fail(key, "的 le 和 lt 只能写一个")
    if "eq" in bounds and len(bounds) > 1:
        raise read.fail(key, "的 eq 不能与其他界限同用")


def check_cover(
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
        probes = [(lowest, f" {number_text(lowest, percent)}")] + [p for p in probes if p[0] > lowest]
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
    shown = [number_text(edge, percent) for edge in edges]
    probes = [(edges[0] - 1, f"小于 {shown[0]} 的值")]
    for i, edge in enumerate(edges):
        probes.append((edge, f" {shown[i]}"))
        if i + 1 < len(edges):
            probes.append(((edge + edges[i + 1]) / 2, f" {shown[i]} 到 {shown[i + 1]} 之间的值"))
    probes.append((edges[-1] + 1, f"大于 {shown[-1]} 的值"))
    return probes


def _read_per_point(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[PerPointRule, bool]:
    full_if = needed(read, where, table, "full_if")
    key = f"{where}的 full_if"
    if not isinstance(full_if, dict) or len(full_if) != 1 or next(iter(full_if)) not in ("le", "ge"):
        raise read.fail(key, f'应写成 {{ le = "100%" }} 或 {{ ge = "100%" }}，而不是 {shown_value(full_if)}')
    ((op, raw),) = full_if.items()
    bound, percent = _threshold(read, f"{key}.{op}", raw)
    deduct = positive(read, f"{where}的 deduct", needed(read, where, table, "deduct"), points)
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


def _read_target(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[TargetRule, bool]:
    if "value" in table:
        raise read.fail(
            f"{where}的 value",
            '不用写：method = "target" 的指标值是目标完成程度，由评价人员填写的年度指标值和实际完成值算出',
        )
    return TargetRule(), True


def _read_checklist(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[ChecklistRule, bool]:
    raw = needed(read, where, table, "items")
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
        refuse_unknown(read, item_key, item, ("text", "score"))
        text = read.text(f"{item_key}.text", needed(read, item_key, item, "text"), MAX_TEXT_LENGTH)
        scored.append(
            ChecklistItem(text, _score(read, f"{item_key}.score", needed(read, item_key, item, "score"), points))
        )
    total = sum((item.score for item in scored), Decimal(0))
    if total != points:
        raise read.fail(key, f"的分数合计为 {plain_number(total)}，与分值 {plain_number(points)} 不符")
    return ChecklistRule(tuple(scored), equal=False), False


def _read_findings(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[FindingsRule, bool]:
    """per_finding = 0.5 (each finding costs half a point) or [0.5, 1] (each costs 0.5 to 1, as the evaluator
    weighs it)."""
    if ("per_finding" in table) == ("kinds" in table):
        raise read.fail(where, "应写 per_finding（每个问题扣几分）或 kinds（各类问题各扣几分）之一")
    if "kinds" in table:
        return _read_finding_kinds(read, f"{where}的 kinds", table["kinds"], points), False
    key = f"{where}的 per_finding"
    raw = table["per_finding"]
    if not isinstance(raw, list):
        return FindingsRule(positive(read, key, raw, points)), False
    if len(raw) != 2:
        raise read.fail(key, f"写成一个数（每个问题扣几分），或 [最少, 最多] 两个数，而不是 {shown_value(raw)}")
    low, high = (positive(read, f"{key}[{n}]", value, points) for n, value in enumerate(raw, start=1))
    if low >= high:
        raise read.fail(key, f"的最少扣分 {plain_number(low)} 应小于最多扣分 {plain_number(high)}")
    return FindingsRule(low, high), False


def _read_finding_kinds(read: Settings, key: str, raw: object, points: Decimal) -> FindingsRule:
    """kinds = [ { text = "未按时拨付", deduct = 0.5 }, { text = "挪用资金", deduct = 2 } ]."""
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_ITEMS or not all(isinstance(k, dict) for k in raw):
        raise read.fail(
            key, f'应写成 2 到 {MAX_ITEMS} 类问题的列表，如 [ {{ text = "未按时拨付", deduct = 0.5 }}, {{ … }} ]'
        )
    kinds = []
    for number, kind in enumerate(raw, start=1):
        where = f"{key}[{number}]"
        refuse_unknown(read, where, kind, ("text", "deduct"))
        text = read.text(f"{where}.text", needed(read, where, kind, "text")).strip()
        if not text:
            raise read.fail(f"{where}.text", "应写明这类问题")
        kinds.append(FindingKind(text, positive(read, f"{where}.deduct", needed(read, where, kind, "deduct"), points)))
    return FindingsRule(min(kind.deduct for kind in kinds), kinds=tuple(kinds))


MAX_CUSTOM_ROWS = 30


def _read_custom(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[CustomRule, bool]:
    if "value" in table:
        raise read.fail(f"{where}的 value", "不用写：部门特性指标由评价人员在评分表上逐项设置")
    rows = table.get("rows", 5)
    if isinstance(rows, bool) or not isinstance(rows, int) or not 1 <= rows <= MAX_CUSTOM_ROWS:
        raise read.fail(
            f"{where}的 rows", f"应是 1 到 {MAX_CUSTOM_ROWS} 的整数（评分表上留几行），而不是 {shown_value(rows)}"
        )
    return CustomRule(rows), False


def _read_manual(read: Settings, where: str, table: dict[str, Any], points: Decimal) -> tuple[ManualRule, bool]:
    step = positive(read, f"{where}的 step", table["step"], points) if "step" in table else None
    return ManualRule(step), False


RULE_READERS: dict[str, Callable[[Settings, str, dict[str, Any], Decimal], tuple[Rule, bool]]] = {
    "bands": _read_bands,
    "per_point": _read_per_point,
    "ratio": _read_ratio,
    "target": _read_target,
    "checklist": _read_checklist,
    "findings": _read_findings,
    "manual": _read_manual,
    "custom": _read_custom,
}
