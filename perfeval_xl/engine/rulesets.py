"""Rule sets (TOML in perfeval_xl/rules/): finding one by name or path and building it on national.toml.

national.toml is the one place every setting has its value: any other rule set, shipped or a user's file, is read on
top of it (of the rule set its `extends` names, or else of national) and lists only what differs."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from perfeval_xl.core.cycle import STRUCTURES
from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.core.numbers import (
    format_score,
)
from perfeval_xl.core.rulesets import Grade, QualitativeBand, RuleSet, TotalCap, level1_name, level2_name
from perfeval_xl.engine.rulefiles import (
    MAX_RULE_NAME_LENGTH,
    Settings,
    parse_toml,
    read_rule_file,
    refuse_odd_place,
    rule_text,
    shipped_names,
    shipped_rule_settings,
    shown_text,
)

DEFAULT_RULES = "national"


def load_rules(name_or_path: str | Path | RuleSet | None = None, *, folder: str | Path | None = None) -> RuleSet:
    """A shipped rule set by name ("national", "grade-85", "province-platform") or a user's local .toml file.

    A user's file lists only what differs from national, or from the shipped rule set its `extends` names. A
    relative path is read from `folder` (the workbook's) when given, else from the current directory. Anything
    else is refused with a RuleSetError saying why: web addresses, network shares, Windows device names, system
    folders, anything but a regular file of at most MAX_RULE_FILE_BYTES, and settings out of their sane range.
    """
    if isinstance(name_or_path, RuleSet):
        return name_or_path
    text = rule_text(name_or_path)
    if not text:
        return _load_shipped(DEFAULT_RULES)
    if text in shipped_names():
        return _load_shipped(text)
    refuse_odd_place(text)
    path = Path(text) if folder is None or Path(text).is_absolute() else Path(folder) / text
    return _build_user(parse_toml(read_rule_file(path), shown_text(str(path))), text)


@lru_cache(maxsize=32)
def _load_shipped(name: str) -> RuleSet:
    return _build(shipped_rule_settings(name), name)


def _build_user(settings: dict[str, Any], origin: str) -> RuleSet:
    """_build() for a user's file: whatever else is wrong in it is a RuleSetError too, never a traceback."""
    try:
        return _build(settings, origin)
    except RuleSetError:
        raise
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError, MemoryError):
        raise RuleSetError(f"评分规则“{shown_text(origin)}”的内容有误，请对照 national.toml 检查各项的写法") from None


def _merged(settings: dict[str, Any], origin: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The settings on top of their parent's: the rule set `extends` names, or national; national is the root."""
    if origin == DEFAULT_RULES and not settings.get("extends"):
        return settings
    parent_name = settings.get("extends") or DEFAULT_RULES
    if not isinstance(parent_name, str):
        raise RuleSetError(f'评分规则“{shown_text(origin)}”的 extends 应为内置规则的名称，如 "national"')
    if parent_name in seen:
        raise RuleSetError(f"评分规则“{shown_text(origin)}”的 extends 形成了循环")
    parent = _merged(shipped_rule_settings(parent_name), parent_name, (*seen, parent_name))
    own = {k: v for k, v in settings.items() if k not in ("extends", "name", "title")}
    return _deep_merge(parent, own)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`; it recurses only where both have a table, so no deeper than a shipped file."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and value and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value  # arrays (grades, bands, caps) and empty tables replace the parent's whole
    return merged


# The sane range of a setting that is a fraction (of the 分值, of a rate), and of one that is a multiple of a target.
FRACTION = (Decimal(0), Decimal(1))


MULTIPLE = (Decimal(1), Decimal(100))


def _build(settings: dict[str, Any], origin: str) -> RuleSet:
    if "kind" in settings:  # read on top of national, a framework would lose its tree and keep 附件2's weights
        raise RuleSetError(
            f'评分规则“{shown_text(origin)}”是评价指标体系（kind = "evaluation"），不能用作自评表的评分规则；'
            "请用 perfeval new 文件 --rules 它 生成评价工作簿"
        )
    read = Settings(_merged(settings, origin), shown_text(origin))
    # a rule set's own name and title: a parent's would mislabel it
    name = read.text("name", settings.get("name", origin), MAX_RULE_NAME_LENGTH)
    full_marks = read.number("full_marks", within=(Decimal(1), Decimal(1000)))
    points = (Decimal(0), full_marks)
    rules = RuleSet(
        name=name,
        title=read.text("title", settings.get("title", name), MAX_RULE_NAME_LENGTH),
        full_marks=full_marks,
        score_places=read.count("score_places", high=6),
        execution_weight=read.number("weights.execution", within=points),
        block_weights={
            level1_name(read.text("weights.blocks", k))[0]: read.number(f"weights.blocks.{k}", v, within=points)
            for k, v in read.table("weights.blocks").items()
        },
        levels={
            level1_name(read.text("levels", k))[0]: tuple(level2_name(x) for x in read.texts(f"levels.{k}", v))
            for k, v in read.table("levels").items()
        },
        reason_below_exec_rate=read.number("execution.reason_below", within=FRACTION),
        bare_target_op=read.op("quantitative.bare_op"),
        bare_op_by_level2={
            level2_name(read.text("quantitative.bare_op_by_level2", k)): read.op(
                f"quantitative.bare_op_by_level2.{k}", v
            )
            for k, v in read.table("quantitative.bare_op_by_level2").items()
        },
        equal_tolerance=read.number("quantitative.equal_tolerance", within=FRACTION),
        approx_tolerance=read.number("quantitative.approx_tolerance", within=FRACTION),
        far_exceed=read.optional("quantitative.far_exceed", MULTIPLE),
        met_fraction=read.number("qualitative.met_fraction", within=FRACTION),
        bands=tuple(
            QualitativeBand(
                read.text("qualitative.bands.name", b.get("name", "")),
                read.number("qualitative.bands.low", b.get("low"), within=FRACTION),
                read.number("qualitative.bands.high", b.get("high"), within=FRACTION),
                read.outcome("qualitative.bands.outcome", b),
            )
            for b in read.array("qualitative.bands")
        ),
        deviation_over=read.optional("deviation.over", MULTIPLE),
        deviation_penalty=read.number("deviation.penalty", within=points),
        deviation_ops=read.ops("deviation.ops"),
        total_caps=tuple(
            TotalCap(
                read.number("total_caps.below", c.get("below"), within=FRACTION),
                read.number("total_caps.max", c.get("max"), within=points),
            )
            for c in read.array("total_caps")
        ),
        suggest_adjustment_over=read.number("suggestions.adjustment_over", within=(Decimal(0), Decimal(100))),
        suggest_qualitative_over=read.number("suggestions.qualitative_over", within=FRACTION),
        suggest_qualitative_min_count=read.count("suggestions.qualitative_min_count", high=1000),
        suggest_expected_blocks=tuple(
            level1_name(x)[0]
            for x in read.texts("suggestions.expected_blocks", read.get("suggestions.expected_blocks", []))
        ),
        grades=tuple(
            sorted(
                (
                    Grade(
                        read.number("grades.min", g.get("min"), within=(-full_marks, full_marks)),
                        read.text("grades.label", g.get("label", "")),
                    )
                    for g in read.array("grades")
                ),
                key=lambda g: g.minimum,
                reverse=True,
            )
        ),
        target_structure=_structure(read),
        monitor_lag=read.number("cycle.lag_below_progress", within=FRACTION),
    )
    _validate(rules, origin)
    return rules


def _structure(read: Settings) -> str:
    """The indicator structure a rule set names: one of STRUCTURES' keys ("2020", "2021")."""
    value = shown_text(str(read.get("cycle.structure")).strip(), 20)
    if value not in STRUCTURES:
        raise read.fail("cycle.structure", f"应为 {' 或 '.join(STRUCTURES)}（指标体系的文号年份），而不是“{value}”")
    return value


def _validate(rules: RuleSet, origin: str) -> None:
    if not rules.grades:
        raise RuleSetError(f"评分规则“{origin}”没有等级（[[grades]]）")
    lowest = rules.grades[-1]
    if lowest.minimum > 0:
        raise RuleSetError(
            f"评分规则“{origin}”的最低等级“{lowest.label}”从 {format_score(lowest.minimum)} 分起，"
            f"低于 {format_score(lowest.minimum)} 分的总分将没有等级；请把最低等级的 min 设为 0"
        )
    if rules.block_weights:
        total = rules.execution_weight + sum(rules.block_weights.values())
        if total != rules.full_marks:
            raise RuleSetError(
                f"评分规则“{origin}”的分值合计为 {format_score(total)}（预算执行率 "
                f"{format_score(rules.execution_weight)} + 各一级指标），"
                f"与满分 {format_score(rules.full_marks)} 不符"
            )
    if not Decimal(0) <= rules.met_fraction <= Decimal(1):
        raise RuleSetError(f"评分规则“{origin}”的 qualitative.met_fraction 应在 0 到 1 之间")
    if rules.deviation_penalty < 0:
        raise RuleSetError(f"评分规则“{origin}”的 deviation.penalty 不能为负数")
    for band in rules.bands:
        if not Decimal(0) <= band.low <= band.high <= Decimal(1):
            raise RuleSetError(f"评分规则“{origin}”的档次“{band.name}”的 low/high 应在 0 到 1 之间且 low ≤ high")
    outcomes = [band.outcome for band in rules.bands]
    if len(set(outcomes)) != len(outcomes):
        raise RuleSetError(f"评分规则“{origin}”的档次中有两个 outcome 相同")
