"""The annual cycle's checks: a declaration's blocks, targets and money; a monitoring table's progress, forecasts and
judgements; and a 年度指标值 that differs from the one declared (in the monitoring and in the self-assessment)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from perfeval_xl.core.codes import (
    COMPETENT_DEPT_MISSING,
    CORRECTION_MISSING,
    COST_TARGET_UNBOUNDED,
    DECLARED_FUNDS_MISSING,
    DECLARED_FUNDS_UNBALANCED,
    DECLARED_TARGET_MISSING,
    DECLARED_TARGET_UNREADABLE,
    DEVIATION_CAUSE_MISSING,
    FORECAST_CONTRADICTS_CERTAINTY,
    FORECAST_OVER_BUDGET,
    GOAL_MISSING,
    GOAL_WITHOUT_INDICATORS,
    MONITOR_MONEY_MISSING,
    MONITOR_MONTH_MISSING,
    MONITOR_ROW_INCOMPLETE,
    POSSIBILITY_MISSING,
    PROGRESS_LAG_UNEXPLAINED,
    PROJECT_CLASS_UNKNOWN,
    PROJECT_NAME_MISSING,
    TARGET_BLOCK_MISSING,
    TARGET_CHANGED,
    TARGET_NOT_DECLARED,
    TARGET_STRUCTURE_UNKNOWN,
)
from perfeval_xl.core.cycle import (
    CERTAIN,
    COST,
    COST_REQUIRED_CLASSES,
    OVERALL_DECLARATION,
    OVERALL_TABLE,
    POSSIBILITIES,
    PROJECT_CLASSES,
    STRUCTURES,
    Declaration,
    DeclaredTarget,
    MonitorRow,
    MonitorTable,
    indicator_key,
    is_cost_indicator,
    structure_label,
)
from perfeval_xl.core.numbers import compact_text, format_percent, format_score, round_half_up
from perfeval_xl.core.records import HINT, CellRef, Finding, Submission
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.engine.cycle import forecast_reaches, schedule_progress, scored_as
from perfeval_xl.engine.targets import AT_LEAST, QUANTITATIVE, UNREADABLE, parse_target

OUTPUT, BENEFIT = "产出指标", "效益指标"


REQUIRED_OUTPUTS = ("数量指标", "质量指标")


# what a template leaves for the unit to fill: **, XX, ○○, ＿＿, …… (a lone "x" in a word is left alone)
_PLACEHOLDER = re.compile(r"^[\s*＊_＿\-—.。…xX×○◯□]+$|[*＊]{2}|[_＿]{2}|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|[○◯□]|…")


# a direction written with no number beside it ("≥%", "不低于 人"): a target the unit did not finish
_DIRECTION_ONLY = re.compile(
    r"^\s*(?:[≥≤＞＜><=＝]\s*|(?:不低于|不少于|不高于|不超过|大于|小于|达到)\s+)[%％]?\s*[\u4e00-\u9fff/·]{0,4}\s*$"
)


def _label(table: Declaration | MonitorTable) -> str:
    """How a message names a table: 部门整体, or the project by its name (its sheet while it has none)."""
    if table.kind == OVERALL_DECLARATION:
        return "部门整体"
    return f"项目《{_short(table.name)}》" if table.name else table.sheet


def _short(text: str, limit: int = 40) -> str:
    """A cell's text as a message quotes it: a 32 767-character name would bury the message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _where(table: Declaration | MonitorTable, name: str) -> CellRef | None:
    return table.where.get(name) or table.where.get("sheet")


def _blocks(table: Declaration) -> set[tuple[str, str]]:
    return {(level1_name(r.level1)[0], level2_name(r.level2)) for r in table.indicators if r.level3 and r.target}


def _block_findings(table: Declaration, structure: str) -> list[Finding]:
    """数量 and 质量 under 产出, some 效益, and 成本 for 工程基建 / 大型修缮及购置 projects under 101号."""
    blocks = _blocks(table)
    level1s = {level1 for level1, _ in blocks}
    missing = [f"{OUTPUT}/{level2}" for level2 in REQUIRED_OUTPUTS if (OUTPUT, level2) not in blocks]
    if BENEFIT not in level1s:
        missing.append(BENEFIT)
    if structure == "2021" and table.project_class in COST_REQUIRED_CLASSES and COST not in level1s:
        missing.append(f"{COST}（{table.project_class}）")
    return [
        TARGET_BLOCK_MISSING(f"{_label(table)} 缺少“{block}”：没有写了指标值的指标", _where(table, "sheet"))
        for block in missing
    ]


def _target_findings(table: Declaration, rules: RuleSet) -> list[Finding]:
    findings = []
    for row in table.indicators:
        where = row.where.get("target") or row.where.get("level3")
        name = _short(row.level3) or "（未命名）"
        if not row.target or _PLACEHOLDER.search(row.target) or _DIRECTION_ONLY.match(row.target):
            shown = f"是占位符“{row.target[:20]}”" if row.target else "未填写"
            findings.append(DECLARED_TARGET_MISSING(f"{_label(table)} 指标“{name}”的指标值{shown}", where))
            continue
        cost = is_cost_indicator(row.level2)
        target = parse_target(row.target, rules.bare_op_for(scored_as(row.level2, rules)))
        if target.kind == UNREADABLE:
            findings.append(
                DECLARED_TARGET_UNREADABLE(
                    f"{_label(table)} 指标“{name}”的指标值“{_short(row.target)}”：{target.error}", where
                )
            )
        elif cost and target.kind == QUANTITATIVE and target.op == AT_LEAST:
            findings.append(
                COST_TARGET_UNBOUNDED(
                    f"{_label(table)} 成本指标“{name}”的指标值“{_short(row.target)}”是下限"
                    f"（{target.describe()}），应写上限",
                    where,
                )
            )
    return findings


def _funds_findings(table: Declaration) -> list[Finding]:
    if table.fund_total is None:
        if table.fund_fiscal is None and table.fund_other is None:
            return [DECLARED_FUNDS_MISSING(f"{_label(table)} 年度资金总额未填写", _where(table, "fund_total"))]
        return [
            DECLARED_FUNDS_UNBALANCED(
                f"{_label(table)} 填了资金来源，年度资金总额却未填写", _where(table, "fund_total")
            )
        ]
    parts = (table.fund_fiscal or Decimal(0)) + (table.fund_other or Decimal(0))
    if abs(parts - table.fund_total) > Decimal("0.005"):
        return [
            DECLARED_FUNDS_UNBALANCED(
                f"{_label(table)} 年度资金总额 {format_score(table.fund_total)} 万元，财政拨款 "
                f"{format_score(table.fund_fiscal or 0)} 万元 + 其他资金 {format_score(table.fund_other or 0)} 万元 = "
                f"{format_score(parts)} 万元，相差 {format_score(table.fund_total - parts)} 万元",
                _where(table, "fund_total"),
            )
        ]
    return []


_NUMERALS = "0-9一二三四五六七八九十"


# a goal's number: 目标1： / 任务二、 anywhere; 1. 1、 (1) （一） 一、 ① 第一， at the start of a line or after ；or 。
_GOAL_MARK = re.compile(
    rf"(?:目标|任务)\s*[{_NUMERALS}]+\s*[:：、.．]"
    rf"|[①-⑳]"
    rf"|(?:^|[\n；;。])\s*(?:[0-9]+\s*[、．)）]|[0-9]+\.(?!\d)|[（(][{_NUMERALS}]+[)）]|[一二三四五六七八九十]+、"
    rf"|第[一二三四五六七八九十]+[，,、])"
)


def goal_count(goal: str) -> int:
    """How many goals a 年度总体目标 lists: numbered (目标1：… / 1. …), or one when it is a single text."""
    if not goal.strip():
        return 0
    return max(1, len(_GOAL_MARK.findall(goal)))


def _head_findings(table: Declaration) -> list[Finding]:
    findings = []
    if table.kind != OVERALL_DECLARATION:
        if not table.name:
            findings.append(PROJECT_NAME_MISSING(f"{_label(table)} 项目名称未填写", _where(table, "project_name")))
        if not table.competent_dept:
            findings.append(COMPETENT_DEPT_MISSING(f"{_label(table)} 主管部门未填写", _where(table, "competent_dept")))
    named = [r for r in table.indicators if r.level3]
    goals = goal_count(table.goal)
    if not goals:
        findings.append(GOAL_MISSING(f"{_label(table)} 年度总体目标未填写", _where(table, "goal_annual")))
    elif goals > len(named):
        findings.append(
            GOAL_WITHOUT_INDICATORS(
                f"{_label(table)} 年度总体目标有 {goals} 条，绩效指标只有 {len(named)} 个", _where(table, "goal_annual")
            )
        )
    return findings


def _structure_findings(table: Declaration, structure: str) -> list[Finding]:
    """Rows whose 一级/二级 the structure 说明 names does not have (a 2021 label on a 2020 tree), and a 项目类别
    that is none of the drop-down's (a pasted 工程基建 would skip the cost requirement)."""
    levels = STRUCTURES[structure]
    findings = []
    for level1, level2 in sorted(_blocks(table) - {(l1, l2) for l1, l2s in levels.items() for l2 in l2s}):
        findings.append(
            TARGET_STRUCTURE_UNKNOWN(
                f"{_label(table)} “{level1}/{level2}”不属于说明页所写的指标体系 {structure_label(structure)}",
                _where(table, "sheet"),
            )
        )
    if table.kind != OVERALL_DECLARATION and table.project_class not in ("", *PROJECT_CLASSES):
        findings.append(
            PROJECT_CLASS_UNKNOWN(
                f"{_label(table)} 项目类别写的是“{_short(table.project_class, 20)}”", _where(table, "project_class")
            )
        )
    return findings


def check_targets(submission: Submission, rules: RuleSet) -> list[Finding]:
    """A declaration: its head, money, required blocks and each target."""
    targets = submission.targets
    if targets is None:
        return []
    findings = []
    if targets.structure_written and not targets.structure_written.startswith(targets.structure):
        findings.append(
            TARGET_STRUCTURE_UNKNOWN(
                f"说明页的指标体系写的是“{_short(targets.structure_written, 20)}”，"
                f"按 {structure_label(targets.structure)} 检查",
                targets.where.get("target_structure"),
            )
        )
    for table in targets.tables:
        findings += _structure_findings(table, targets.structure)
        findings += _head_findings(table)
        findings += _funds_findings(table)
        findings += _block_findings(table, targets.structure)
        findings += _target_findings(table, rules)
    return findings


# ---------------------------------------------------------------- 运行监控


def _money_findings(table: MonitorTable, progress: Decimal | None, rules: RuleSet) -> list[Finding]:
    findings = []
    for name, value, label in (
        ("fund_executed", table.fund_executed, "执行数"),
        ("fund_forecast", table.fund_forecast, "全年预计执行数"),
    ):
        if value is None:
            findings.append(MONITOR_MONEY_MISSING(f"{_label(table)} {label}未填写", _where(table, name)))
    rate = table.exec_rate
    # judged as the sheet shows the gap (a percentage with two decimals): 20.00 behind is within a 20-point limit
    behind = round_half_up((progress - rate) * 100, 2) if rate is not None and progress is not None else None
    if behind is not None and behind > rules.monitor_lag * 100 and not table.fund_reason:
        findings.append(
            PROGRESS_LAG_UNEXPLAINED(
                f"{_label(table)} 执行率 {format_percent(rate)}，序时进度 {format_percent(progress)}，"
                f"低 {format_score(behind)} 个百分点"
                f"（规则允许 {format_score(rules.monitor_lag * 100)} 个），没有写执行偏差原因",
                _where(table, "fund_reason"),
            )
        )
    if table.fund_forecast is not None and table.fund_budget is not None and table.fund_forecast > table.fund_budget:
        findings.append(
            FORECAST_OVER_BUDGET(
                f"{_label(table)} 全年预计执行数 {format_score(table.fund_forecast)} 万元，超过年初预算数 "
                f"{format_score(table.fund_budget)} 万元",
                _where(table, "fund_forecast"),
                severity=HINT if table.fund_reason else None,
            )
        )
    return findings


def _row_findings(table: MonitorTable, row: MonitorRow, rules: RuleSet) -> list[Finding]:
    findings = []
    name = _short(row.level3) or "（未命名）"
    blank = [
        (label, key)
        for label, key, value in (
            ("执行情况", "progress", row.progress),
            ("全年预计完成情况", "forecast", row.forecast),
            ("完成目标可能性", "possibility", row.possibility),
        )
        if not value
    ]
    if blank:
        findings.append(
            MONITOR_ROW_INCOMPLETE(
                f"{_label(table)} 指标“{name}”未填写{'、'.join(label for label, _key in blank)}",
                row.where.get(blank[0][1]),
            )
        )
    if row.possibility and row.possibility not in POSSIBILITIES:
        findings.append(
            POSSIBILITY_MISSING(
                f"{_label(table)} 指标“{name}”的完成目标可能性写的是“{_short(row.possibility, 20)}”",
                row.where.get("possibility"),
            )
        )
    reached = forecast_reaches(row.target, row.forecast, rules, row.level2)
    if reached is False and row.possibility == CERTAIN:
        findings.append(
            FORECAST_CONTRADICTS_CERTAINTY(
                f"{_label(table)} 指标“{name}”全年预计“{_short(row.forecast)}”达不到年度指标值“{_short(row.target)}”，"
                "完成目标可能性却是“确定能”",
                row.where.get("possibility"),
            )
        )
    if row.possibility in POSSIBILITIES[1:] and not row.remark:
        findings.append(
            CORRECTION_MISSING(
                f"{_label(table)} 指标“{name}”完成目标可能性为“{row.possibility}”，备注中没有纠偏措施",
                row.where.get("remark"),
            )
        )
    if (reached is False or row.possibility in POSSIBILITIES[1:]) and not (any(row.causes.values()) or row.cause_note):
        findings.append(
            DEVIATION_CAUSE_MISSING(
                f"{_label(table)} 指标“{name}”预计完不成，没有偏差原因分析", row.where.get("cause_note")
            )
        )
    return findings


def check_monitor(submission: Submission, rules: RuleSet) -> list[Finding]:
    """A monitoring workbook: the month, the money against 序时进度, and each indicator's forecast and judgement."""
    monitor = submission.monitor
    if monitor is None:
        return []
    findings = []
    if monitor.month is None:
        findings.append(
            MONITOR_MONTH_MISSING("监控月份未填写或不是 1 到 12 的整数", monitor.where.get("monitor_month"))
        )
    progress = schedule_progress(monitor.month)
    for table in monitor.tables:
        if table.kind != OVERALL_DECLARATION and not table.name:
            findings.append(PROJECT_NAME_MISSING(f"{_label(table)} 项目名称未填写", _where(table, "project_name")))
        findings += _money_findings(table, progress, rules)
        for task in table.tasks:
            blank = [
                label
                for label, value in (("执行情况", task.progress), ("全年预计完成情况", task.forecast))
                if not value
            ]
            if blank:
                findings.append(
                    MONITOR_ROW_INCOMPLETE(
                        f"{_label(table)} 年度主要任务“{_short(task.name) or '（未命名）'}”未填写{'、'.join(blank)}",
                        task.where.get("progress" if not task.progress else "forecast"),
                    )
                )
        for row in table.indicators:
            findings += _row_findings(table, row, rules)
    return findings


# ---------------------------------------------------------------- 与申报的目标比较


def _same_target(declared: str, shown: str) -> bool:
    return compact_text(declared) == compact_text(shown)


@dataclass(frozen=True)
class _Shown:
    """A table as the later stage shows it: whether it is the department's, its name and sheet, its indicators
    as (一级, 二级, 三级, 指标值, cell)."""

    overall: bool
    name: str
    sheet: str
    rows: tuple[tuple[str, str, str, str, CellRef | None], ...]


def _numbered(keys: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str, int]]:
    """Each indicator's key with its occurrence: two 三级指标 of one name in a block are two indicators."""
    seen: dict[tuple[str, str, str], int] = {}
    numbered = []
    for key in keys:
        seen[key] = seen.get(key, 0) + 1
        numbered.append((*key, seen[key]))
    return numbered


def _declared_table(table: _Shown, position: int, by_table: dict[str, list[DeclaredTarget]], taken: set[str]) -> str:
    """Which declared table a shown one answers to: the department's to the department's, a project by its name,
    else (a project renamed since) by its place among the projects."""
    if table.overall:
        return OVERALL_TABLE if OVERALL_TABLE in by_table else ""
    if table.name and table.name in by_table:
        return table.name
    projects = [name for name in by_table if name != OVERALL_TABLE]
    if position < len(projects) and projects[position] not in taken:
        return projects[position]
    return ""


def _compared(declared: Sequence[DeclaredTarget], tables: Sequence[_Shown]) -> list[Finding]:
    """Each shown indicator against the declared one of the same table, key and occurrence."""
    by_table: dict[str, list[DeclaredTarget]] = {}
    for target in declared:
        by_table.setdefault(target.table, []).append(target)
    taken = {t.name for t in tables if not t.overall and t.name in by_table}
    findings = []
    projects = [t for t in tables if not t.overall]
    for table in tables:
        position = projects.index(table) if not table.overall else 0
        name = _declared_table(table, position, by_table, taken)
        if name not in by_table:
            continue  # a table the declaration did not have (a project added later): nothing to compare
        if not table.overall and name != table.name:
            findings.append(
                TARGET_NOT_DECLARED(
                    f"{table.sheet} 项目名称“{_short(table.name)}”与申报的“{_short(name)}”不同，按顺序与它比较",
                    CellRef(table.sheet),
                )
            )
        wanted = dict(
            zip(
                _numbered(indicator_key(d.level1, d.level2, d.level3) for d in by_table[name]),
                by_table[name],
                strict=True,
            )
        )
        shown = _numbered(indicator_key(level1, level2, level3) for level1, level2, level3, _t, _w in table.rows)
        for key, (_l1, _l2, level3, target, where) in zip(shown, table.rows, strict=True):
            found = wanted.pop(key, None)
            if found is None:
                findings.append(TARGET_NOT_DECLARED(f"{table.sheet} 指标“{_short(level3)}”不在申报的绩效目标中", where))
            elif not _same_target(found.target, target):
                findings.append(
                    TARGET_CHANGED(
                        f"{table.sheet} 指标“{_short(level3)}”的年度指标值为“{_short(target) or '（空）'}”，"
                        f"申报的是“{_short(found.target)}”",
                        where,
                    )
                )
        for found in wanted.values():
            findings.append(
                TARGET_NOT_DECLARED(
                    f"{table.sheet} 申报的指标“{_short(found.level3)}”（{_short(found.target)}）不在表中",
                    CellRef(table.sheet),
                )
            )
    return findings


def check_declared(submission: Submission, rules: RuleSet) -> list[Finding]:
    """The monitoring's or the self-assessment's 年度指标值 against the declared ones the workbook keeps."""
    del rules
    if not submission.declared:
        return []
    if submission.monitor is not None:
        tables = [
            _Shown(
                t.kind == OVERALL_DECLARATION,
                t.name,
                t.sheet,
                tuple(
                    (r.level1, r.level2, r.level3, r.target, r.where.get("target")) for r in t.indicators if r.level3
                ),
            )
            for t in submission.monitor.tables
        ]
    else:
        tables = [
            _Shown(
                a.kind != "project",
                a.name,
                a.title,
                tuple((i.level1, i.level2, i.level3, i.target, i.at("target")) for i in a.indicators if i.level3),
            )
            for a in (*((submission.overall,) if submission.overall else ()), *submission.projects)
        ]
    return _compared(submission.declared, tables)
