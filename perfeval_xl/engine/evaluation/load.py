"""Evaluation frameworks (部门整体支出绩效评价): finding one by name or path, building it, checking its tree.

A framework is a rule file with kind = "evaluation", read on its own defaults (never on a self-assessment rule set's);
every key is checked and every refusal says which key of which indicator, in Chinese (RuleSetError)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.core.frameworks import (
    DEFAULT_SCORE_PLACES,
    KIND,
    METHODS,
    NA_FULL,
    NA_POLICIES,
    NA_PRORATE,
    BandsRule,
    Choice,
    EvalIndicator,
    Framework,
)
from perfeval_xl.core.numbers import format_score
from perfeval_xl.core.rulesets import Grade
from perfeval_xl.engine.evaluation.methods import (
    LIMIT,
    MAX_TEXT_LENGTH,
    RULE_READERS,
    check_cover,
    needed,
    positive,
    read_path,
    read_value,
    refuse_method_keys,
    refuse_plain_rate_bounds,
    refuse_unknown,
)
from perfeval_xl.engine.evaluation.scores import NONNEGATIVE_RATES
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
    shipped_text,
    shown_text,
    shown_value,
)

TOP_KEYS = (
    "kind",
    "name",
    "title",
    "source",
    "note",
    "full_marks",
    "score_places",
    "grades",
    "levels",
    "indicators",
    "not_applicable",
    "choices",
)


# A framework is a sheet a person prints and reads: past these sizes a file is not a framework but an accident or
# an attack, and the band checks below are quadratic in the number of bands.
MAX_INDICATORS = 500


MAX_GRADES = 20


# 财预〔2013〕53号 sets no grades; these are the national ones (优 ≥90, 良 80–90, 中 60–80, 差 <60), as shares
# of full_marks so that a 50-point framework without [[grades]] still grades sensibly.
DEFAULT_GRADES = ((Decimal("0.9"), "优"), (Decimal("0.8"), "良"), (Decimal("0.6"), "中"), (Decimal(0), "差"))


DEFAULT_FULL_MARKS = Decimal(100)


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
    source, origin = framework_source(name_or_path, folder=folder)
    if origin in shipped_rule_files():
        return _load_shipped(origin)  # parsed once
    return parse_framework(source, origin)


def framework_source(name_or_path: str | Path, *, folder: str | Path | None = None) -> tuple[str, str]:
    """(the text of the framework's file, its name or path), refused as load_framework refuses it: what an
    evaluation workbook keeps of its framework, so that it can be checked on any machine."""
    text = rule_text(name_or_path)
    if not text:
        raise RuleSetError("请给出评价指标体系的名称（如 gongxing-2013）或 .toml 文件的路径")
    if text in shipped_rule_files():
        if shipped_rule_files()[text].get("kind") != KIND:
            raise RuleSetError(f"“{text}”是自评表的评分规则，不是评价指标体系；{_frameworks_listed()}")
        return shipped_text(text), text
    if not _looks_like_path(text):
        raise RuleSetError(
            f"没有名为“{shown_text(text)}”的评价指标体系；{_frameworks_listed()}，或一个 .toml 文件的路径"
        )
    refuse_odd_place(text)
    path = _resolved(text, folder)
    return read_rule_file(path), str(path)


# An evaluation workbook keeps its framework's text, a line per cell of a hidden sheet, so that it is checked the
# same on any machine. Each cell starts with a mark: a cell never begins with "=" (it would be a formula) or with
# spaces a spreadsheet might trim, and a line longer than a cell holds goes on in the cells below.
KEPT_LINE, KEPT_MORE, KEPT_CHUNK = "|", "+", 30_000


def kept_cells(source: str) -> list[str]:
    """A framework's text as the cells that keep it, one line each (a long line over several)."""
    cells = []
    for line in source.splitlines():
        cells.append(KEPT_LINE + line[:KEPT_CHUNK])
        cells += [KEPT_MORE + line[i : i + KEPT_CHUNK] for i in range(KEPT_CHUNK, len(line), KEPT_CHUNK)]
    return cells


def kept_source(cells: Iterable[object]) -> str | None:
    """The text the cells keep, or None when they are not what kept_cells() wrote (a cell changed or cleared)."""
    lines: list[str] = []
    for cell in cells:
        if (
            not isinstance(cell, str)
            or not cell.startswith((KEPT_LINE, KEPT_MORE))
            or (cell[0] == KEPT_MORE and not lines)
        ):
            return None
        if cell[0] == KEPT_LINE:
            lines.append(cell[1:])
        else:
            lines[-1] += cell[1:]
    return "\n".join(lines) if lines else None


def kept_digest(source: str) -> str:
    """The SHA-256 a workbook keeps beside the text, to tell an edited copy from the one it was made with."""
    lines = "\n".join(source.splitlines())  # as kept_source() gives it back: line ends are not kept
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


@lru_cache(maxsize=8)
def kept_framework(source: str, origin: str) -> Framework:
    """The framework of a kept text, parsed once per text (a sheet calls PE_EVAL* twice per row)."""
    return parse_framework(source, origin)


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


def _build(settings: dict[str, Any], origin: str) -> Framework:
    read = Settings(settings, shown_text(origin))
    if "extends" in settings:  # a framework is whole in itself: inheriting a self-assessment's weights misleads
        raise read.fail("extends", "不能用于评价指标体系：评价指标体系不继承其他规则，各项须写在本文件中")
    if settings.get("kind") != KIND:
        raise RuleSetError(f'评分规则“{read.origin}”不是评价指标体系：评价指标体系的文件须写 kind = "evaluation"')
    refuse_unknown(read, "", settings, TOP_KEYS)
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
    choices = _choices(read, settings, indicators)
    _check_tree(read, indicators, full_marks, choices)
    return Framework(
        name=name,
        title=read.text("title", settings.get("title", name), MAX_RULE_NAME_LENGTH),
        full_marks=full_marks,
        score_places=places,
        grades=_grades(read, settings, full_marks),
        indicators=indicators,
        levels=MappingProxyType(_levels(read, indicators, choices)),
        source=read.text("source", settings.get("source", ""), MAX_TEXT_LENGTH),
        note=read.text("note", settings.get("note", ""), MAX_TEXT_LENGTH),
        not_applicable=_not_applicable(read, settings),
        choices=choices,
    )


def _choices(read: Settings, settings: dict[str, Any], indicators: Sequence[EvalIndicator]) -> tuple[Choice, ...]:
    """The groups of alternatives: members named by their `choice`, under one parent, with the same 分值; `pick` of
    them scored (1 unless [[choices]] says otherwise)."""
    picks: dict[str, int] = {}
    for number, table in enumerate(read.array("choices"), start=1):
        key = f"choices[{number}]"
        refuse_unknown(read, key, table, ("name", "pick"))
        name = read.text(f"{key}的 name", needed(read, key, table, "name")).strip()
        if name in picks:
            raise read.fail(f"{key}的 name", f"“{shown_text(name, 20)}”与前面的一组重名")
        pick = read.number(f"{key}的 pick", table.get("pick", 1), within=(Decimal(1), Decimal(MAX_INDICATORS)))
        if pick != pick.to_integral_value():
            raise read.fail(f"{key}的 pick", f"应为整数（选用几个），而不是 {plain_number(pick)}")
        picks[name] = int(pick)
    members: dict[str, list[EvalIndicator]] = {}
    for indicator in indicators:
        if indicator.choice:
            members.setdefault(indicator.choice, []).append(indicator)
    unused = sorted(set(picks) - set(members))
    if unused:
        raise read.fail("choices", f"“{shown_text(unused[0], 20)}”没有任何指标（indicators 的 choice）属于它")
    choices = []
    for name, group in members.items():
        where = f"choice“{shown_text(name, 20)}”"
        pick = picks.get(name, 1)
        if len(group) < 2:
            raise read.fail(where, f"只有一个指标（{shown_text(group[0].key, 40)}）：可选的指标至少要有两个")
        if pick >= len(group):
            raise read.fail(where, f"有 {len(group)} 个指标，pick 应为 1 到 {len(group) - 1} 之间的整数")
        if len({ind.path[:-1] for ind in group}) > 1 or len({ind.points for ind in group}) > 1:
            raise read.fail(
                where, "的各指标须属于同一个上级指标、分值相同（择其一的指标分值相同，选中哪一个都计这么多分）"
            )
        if any(ind.custom for ind in group):
            raise read.fail(where, '不能包括部门特性指标的位置（method = "custom"）')
        choices.append(Choice(name, pick, tuple(ind.key for ind in group), group[0].points, group[0].path[:-1]))
    return tuple(choices)


def _not_applicable(read: Settings, settings: dict[str, Any]) -> str | None:
    """What an indicator marked 不适用 counts (not set: the sheet may not mark one)."""
    value = settings.get("not_applicable")
    if value is None:
        return None
    if not isinstance(value, str) or value not in NA_POLICIES:
        raise read.fail(
            "not_applicable",
            f'应为 "{NA_FULL}"（不适用的指标视同满分）或 "{NA_PRORATE}"（按适用指标分值折算总分），'
            f"而不是 {shown_value(value)}",
        )
    return value


def _grades(read: Settings, settings: dict[str, Any], full_marks: Decimal) -> tuple[Grade, ...]:
    if "grades" not in settings:
        return tuple(Grade(full_marks * share, label) for share, label in DEFAULT_GRADES)
    grades = []
    for index, table in enumerate(read.array("grades"), start=1):
        refuse_unknown(read, f"grades[{index}]", table, ("min", "label"))
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
    path = read_path(read, where, table.get("path"), (2, 4))
    where = f"{where}（{shown_text('/'.join(path), 40)}）"
    method = table.get("method")
    if not isinstance(method, str) or method not in METHODS:
        raise read.fail(f"{where}的 method", f"应为 {'、'.join(METHODS)} 之一，而不是 {shown_value(method)}")
    refuse_method_keys(read, where, table, method)
    if method == "custom" and len(path) != 2:
        raise read.fail(
            f"{where}的 path",
            '应写两个名称：部门特性指标是一级指标下的一个二级指标，如 ["产出", "部门特性指标"]，'
            "各项由评价人员在评分表上设置",
        )
    points = positive(read, f"{where}的 points", needed(read, where, table, "points"), full_marks)
    rule, percent = RULE_READERS[method](read, where, table, points)
    value = read_value(read, where, table.get("value"))
    if value is not None:
        refuse_plain_rate_bounds(read, where, table)
    if isinstance(rule, BandsRule):
        lowest = Decimal(0) if value is not None and value.rate in NONNEGATIVE_RATES else None
        check_cover(read, f"{where}的 bands", rule.bands, percent, lowest)
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
        choice=read.text(f"{where}的 choice", table.get("choice", "")).strip(),
    )


def _check_tree(
    read: Settings, indicators: Sequence[EvalIndicator], full_marks: Decimal, choices: Sequence[Choice] = ()
) -> None:
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
    total = sum((ind.points for ind in indicators), Decimal(0)) - sum((c.left_out for c in choices), Decimal(0))
    if total != full_marks:
        raise RuleSetError(
            f"评分规则“{read.origin}”的各指标分值（points）合计为 {plain_number(total)}，"
            f"与满分 full_marks {plain_number(full_marks)} 不符" + ("（可选的指标只按选用的个数计）" if choices else "")
        )


def _levels(
    read: Settings, indicators: Sequence[EvalIndicator], choices: Sequence[Choice] = ()
) -> dict[tuple[str, ...], Decimal]:
    sums: dict[tuple[str, ...], Decimal] = {}
    for indicator in indicators:
        for depth in range(1, len(indicator.path)):
            sums[indicator.path[:depth]] = sums.get(indicator.path[:depth], Decimal(0)) + indicator.points
    for choice in choices:  # its members share a parent: every node above holds all of them
        for depth in range(1, len(choice.parent) + 1):
            sums[choice.parent[:depth]] -= choice.left_out
    levels: dict[tuple[str, ...], Decimal] = {}
    for number, table in enumerate(read.array("levels"), start=1):
        key = f"levels[{number}]"
        refuse_unknown(read, key, table, ("path", "points"))
        path = read_path(read, key, needed(read, key, table, "path"), (1, 3))
        key = f"{key}（{shown_text('/'.join(path), 40)}）"
        if path not in sums:
            raise read.fail(f"{key}的 path", "不是任何指标的上级（一级、二级或四级指标中的三级）")
        if path in levels:
            raise read.fail(key, "重复")
        points = read.number(f"{key}的 points", needed(read, key, table, "points"), within=(Decimal(0), LIMIT))
        if points != sums[path]:
            raise read.fail(
                f"{key}的 points", f"为 {plain_number(points)}，而其下各指标的分值合计为 {plain_number(sums[path])}"
            )
        levels[path] = points
    return levels
