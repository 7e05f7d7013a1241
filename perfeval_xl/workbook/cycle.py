"""New workbooks of the annual cycle: a declaration (绩效目标申报表), a monitoring workbook made from one, and a
self-assessment made from one, each carrying the declared tree and targets so nothing is typed twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import openpyxl

from perfeval_xl.core.codes import NAME_BROKEN, NAME_MISSING
from perfeval_xl.core.cycle import (
    OVERALL_DECLARATION,
    OVERALL_TABLE,
    POSSIBILITIES,
    STRUCTURE_TITLES,
    Declaration,
    MonitorBook,
    TargetBook,
    cause_text,
    indicator_key,
    structure_label,
)
from perfeval_xl.core.errors import WorkbookError
from perfeval_xl.core.records import Assessment, Finding, Funding, FundLine, Header, Indicator, Submission
from perfeval_xl.core.rulesets import level1_name, level2_name
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.build import build
from perfeval_xl.workbook.fill import fill_submission, indicator_counts, set_named, set_table_row
from perfeval_xl.workbook.layout.base import SheetLayout, Table, WorkbookLayout
from perfeval_xl.workbook.layout.book import workbook_layout
from perfeval_xl.workbook.layout.monitor import DEFAULT_MONTH, MONITOR_COLUMNS, monitor_workbook_layout
from perfeval_xl.workbook.layout.targets import (
    STRUCTURE_FIELD,
    TARGET_COLUMNS,
    declared_sheet,
    targets_workbook_layout,
)
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.package import package
from perfeval_xl.workbook.reader.cycle import declaration_targets


def new_targets_workbook(
    structure: str | None,
    rules_name: str | None,
    projects: Sequence[str],
    flavour: str,
    suffix: str,
    template_info: str,
    targets: TargetBook | None = None,
) -> bytes:
    """A blank declaration (or, given `targets`, a filled one): the structure given, else the rule set's."""
    rules = load_rules(rules_name)
    structure = structure or (targets.structure if targets else rules.target_structure)
    counts = _counts(targets) if targets else None
    layout = targets_workbook_layout(structure, rules_name or rules.name, projects, flavour, template_info, counts)
    wb = build(layout, flavour)
    if targets is not None:
        fill_declaration(wb, layout, targets)
    return package(wb, suffix)


def _put(wb: openpyxl.Workbook, sheet: SheetLayout, values: Mapping[str, object]) -> None:
    """The values that are there, through the sheet's names (its own first, as on a project's table)."""
    for name, value in values.items():
        if value not in (None, ""):
            set_named(wb, name, value, sheet.title if sheet.scoped else None)


def _counts(tables: TargetBook) -> dict[str, dict[tuple[str, str], int]]:
    """Rows per (一级, 二级) block on each sheet: room for every declared indicator."""

    def count(rows: Sequence[object]) -> dict[tuple[str, str], int]:
        counts: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (level1_name(row.level1)[0], level2_name(row.level2))  # type: ignore[attr-defined]
            counts[key] = counts.get(key, 0) + 1
        return counts

    result = {"overall": count(tables.overall.indicators)} if tables.overall else {}
    result |= {str(i): count(p.indicators) for i, p in enumerate(tables.projects, start=1)}
    return result


def _slots(sheet: SheetLayout, table_name: str) -> dict[tuple[str, str], list[int]]:
    """The free row positions of each (一级, 二级) block of a sheet's indicator table."""
    free: dict[tuple[str, str], list[int]] = {}
    for position, table_row in enumerate(sheet.table(table_name).rows):
        if not table_row.ellipsis:
            free.setdefault((table_row.level1, table_row.level2), []).append(position)
    return free


def _put_rows(
    wb: openpyxl.Workbook,
    sheet: SheetLayout,
    table_name: str,
    columns: Sequence[str],
    rows: Sequence[tuple[tuple[str, str], Mapping[str, object]]],
) -> None:
    scope = sheet.title if sheet.scoped else None
    free = _slots(sheet, table_name)
    for block, values in rows:
        slots = free.get(block)
        if not slots:
            raise WorkbookError(f"“{sheet.title}”没有“{block[0]}/{block[1]}”的指标行：指标体系不同")
        set_table_row(wb, table_name, slots.pop(0), values, columns, scope)


def _block(row: object) -> tuple[str, str]:
    return level1_name(row.level1)[0], level2_name(row.level2)  # type: ignore[attr-defined]


def sheet_pairs(layout: WorkbookLayout, targets: TargetBook) -> list[tuple[SheetLayout, Declaration]]:
    """Each table of a workbook made from a declaration with the declared table it carries: the department's
    with the department's, the projects in order."""
    overall, *projects = [sheet for sheet in layout.sheets[1:] if not sheet.hidden]
    pairs = [(overall, targets.overall)] if targets.overall else []
    return pairs + list(zip(projects, targets.projects, strict=False))


def by_place(table: Table) -> list[str]:
    """A table's column keys at their places in its named range (merged cells between them as ""): what
    set_table_row counts offsets by."""
    keys = [""] * (table.offset(table.columns[-1].key) + 1)
    for column in table.columns:
        keys[table.offset(column.key)] = column.key
    return keys


def fill_declaration(wb: openpyxl.Workbook, layout: WorkbookLayout, targets: TargetBook) -> None:
    """Put a declaration's head, money and indicator rows into a declaration workbook built for it."""
    for sheet, table in sheet_pairs(layout, targets):
        values = {
            "fund_total": table.fund_total,
            "fund_fiscal": table.fund_fiscal,
            "fund_other": table.fund_other,
            "goal_annual": table.goal,
        }
        if sheet.scoped:
            values |= {
                "project_name": table.name,
                "competent_dept": table.competent_dept,
                "implementing_unit": table.implementing_unit,
                "project_class": table.project_class,
            }
        _put(wb, sheet, values)
        for position, (name, content) in enumerate(table.tasks):
            task_columns = by_place(sheet.table("target_tasks"))
            set_table_row(wb, "target_tasks", position, {"name": name, "content": content}, task_columns)
        columns = [c.key for c in TARGET_COLUMNS]
        rows = [(_block(r), {"level3": r.level3, "target": r.target, "note": r.note or None}) for r in table.indicators]
        _put_rows(wb, sheet, "target_indicators", columns, rows)
    set_named(wb, STRUCTURE_FIELD, structure_label(targets.structure))


def read_declaration(path: Path) -> tuple[Header, TargetBook, str]:
    """A declaration's head, tables and the rule set it names; a file that is no declaration is refused in one line."""
    submission, findings, options = load(path)
    if submission.targets is None:
        kind = {"evaluation": "绩效评价工作簿", "monitor": "运行监控工作簿"}.get(options["kind"], "自评工作簿")
        raise WorkbookError(
            f"“{path.name}”是{kind}，不是绩效目标申报表（--from 应为 perfeval new --kind targets 生成的文件）"
        )
    problem = _unusable(submission.targets, findings)
    if problem:
        raise WorkbookError(f"申报表“{path.name}”{problem}，无法据以生成；请改正后再试（perfeval check 可以列出问题）")
    return submission.header, submission.targets, submission.header.rule_set


def _unusable(targets: TargetBook, findings: Sequence[Finding]) -> str:
    """Why a declaration cannot be carried forward: a table lost (a name missing or pointing nowhere), no 部门整体
    table, a project without a name or two of one name — a later stage matches the tables by these."""
    broken = next((f for f in findings if f.code in (NAME_MISSING.code, NAME_BROKEN.code)), None)
    if broken is not None:
        return f"的“{broken.sheet or '工作簿'}”{broken.message}"
    if targets.overall is None:
        return "中找不到部门整体支出绩效目标申报表"
    names = [p.name for p in targets.projects]
    unnamed = next((p.sheet for p in targets.projects if not p.name), None)
    if unnamed is not None:
        return f"的“{unnamed}”没有填写项目名称"
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated is not None:
        return f"中有 {names.count(repeated)} 个项目都叫“{repeated}”"
    return ""


def new_monitor_workbook(
    source: Path, flavour: str, suffix: str, template_info: str, month: int = DEFAULT_MONTH
) -> bytes:
    """A monitoring workbook with the declaration's tree, 年度指标值, names, goals and budgets carried over."""
    header, targets, rule_set = read_declaration(source)
    projects = [p.name for p in targets.projects]
    layout = monitor_workbook_layout(
        targets.structure,
        rule_set,
        projects,
        flavour,
        template_info,
        declaration_targets(targets),
        _counts(targets),
        month,
        len(targets.overall.tasks) if targets.overall else 0,
    )
    wb = build(layout, flavour)
    _header(wb, header)
    for sheet, table in sheet_pairs(layout, targets):
        _carry(wb, sheet, table)
    return package(wb, suffix)


def _header(wb: openpyxl.Workbook, header: Header) -> None:
    for name, value in (
        ("unit_name", header.unit_name),
        ("fiscal_year", header.fiscal_year),
        ("budget_code", header.budget_code),
        ("contact", header.contact),
    ):
        if value not in ("", None):
            set_named(wb, name, value)


def _carry(wb: openpyxl.Workbook, sheet: SheetLayout, table: Declaration) -> None:
    values: dict[str, object] = {
        "goal_annual": table.goal,
        "fund_fiscal_budget": table.fund_fiscal,
        "fund_other_budget": table.fund_other,
    }
    if sheet.scoped:
        values |= {
            "project_name": table.name,
            "competent_dept": table.competent_dept,
            "implementing_unit": table.implementing_unit,
        }
    _put(wb, sheet, values)
    for position, (name, content) in enumerate(table.tasks if not sheet.scoped else ()):
        task_columns = by_place(sheet.table("monitor_tasks"))
        set_table_row(wb, "monitor_tasks", position, {"name": name, "content": content}, task_columns)
    columns = [c.key for c in MONITOR_COLUMNS]
    rows = [(_block(r), {"level3": r.level3, "target": r.target}) for r in table.indicators]
    _put_rows(wb, sheet, "monitor_indicators", columns, rows)


def read_monitoring(path: Path, targets: TargetBook) -> MonitorBook:
    """A monitoring workbook made from this declaration; anything else is refused in one line."""
    submission, _findings, _options = load(path)
    if submission.monitor is None:
        raise WorkbookError(f"“{path.name}”不是运行监控表（--monitor 应为 perfeval new --kind monitor 生成的文件）")
    if set(submission.declared) != set(declaration_targets(targets)):
        raise WorkbookError(f"“{path.name}”不是由这份申报表生成的运行监控表：其中保存的申报指标与申报表不同")
    return submission.monitor


def monitored_reasons(monitor: MonitorBook) -> dict[tuple[str, str, str, str], str]:
    """(table, 一级, 二级, 三级) -> what the monitoring said of an indicator it expected to miss: the cause and the
    纠偏措施, a start for the 偏差原因分析 at the year's end."""
    reasons = {}
    for table in monitor.tables:
        label = OVERALL_TABLE if table.kind == OVERALL_DECLARATION else table.name
        for row in table.indicators:
            if row.possibility not in POSSIBILITIES[1:]:
                continue
            when = f"{monitor.month}月" if monitor.month else ""
            parts = [f"{when}监控时预计{row.possibility}完成"]
            causes = cause_text(row.causes, row.cause_note)
            if causes:
                parts.append("原因：" + causes)
            if row.remark:
                parts.append("纠偏措施：" + row.remark)
            reasons[(label, *indicator_key(row.level1, row.level2, row.level3))] = "；".join(parts) + "。"
    return reasons


def selfassessment_submission(
    header: Header, targets: TargetBook, rule_set: str, reasons: Mapping[tuple[str, str, str, str], str] | None = None
) -> Submission:
    """附件2 and one 附件3 per project with the declared indicators and 年度指标值, names and 年初预算数 filled in;
    `reasons` puts the monitoring's words in the 偏差原因分析 of the indicators it expected to miss."""
    reasons = reasons or {}

    def indicators(table: Declaration) -> tuple[Indicator, ...]:
        label = OVERALL_TABLE if table.kind == OVERALL_DECLARATION else table.name
        return tuple(
            Indicator(
                r.level1,
                r.level2,
                r.level3,
                r.target,
                reason=reasons.get((label, *indicator_key(r.level1, r.level2, r.level3)), ""),
            )
            for r in table.indicators
            if r.level3
        )

    overall = None
    if targets.overall:
        total = FundLine("年度资金总额", initial=targets.overall.fund_total)
        overall = Assessment(
            "dept",
            funding=Funding(total=total),
            goal_expected=targets.overall.goal,
            indicators=indicators(targets.overall),
        )
    projects = tuple(
        Assessment(
            "project",
            p.name,
            p.competent_dept,
            p.implementing_unit,
            funding=Funding(
                sources=(FundLine("当年财政拨款", initial=p.fund_fiscal), FundLine("其他资金", initial=p.fund_other))
            ),
            goal_expected=p.goal,
            indicators=indicators(p),
        )
        for p in targets.projects
    )
    return Submission(replace(header, rule_set=rule_set), overall=overall, projects=projects)


def new_selfassessment_from(
    source: Path, rules_name: str | None, flavour: str, suffix: str, template_info: str, monitor: Path | None = None
) -> bytes:
    """A self-assessment workbook (附件1, 附件2, 附件3 × n…) prefilled from a declaration, keeping its targets."""
    header, targets, declared_rules = read_declaration(source)
    rule_set = rules_name or declared_rules
    rules = load_rules(rule_set)
    missing = sorted({level1_name(r.level1)[0] for t in targets.tables for r in t.indicators} - set(rules.levels))
    if missing:
        raise WorkbookError(
            f"申报表按{STRUCTURE_TITLES[targets.structure]}的指标体系，评分规则“{rules.name}”的自评表没有一级指标"
            f"“{'、'.join(missing)}”：请用 --rules 指定按同一指标体系设置的评分规则"
        )
    reasons = monitored_reasons(read_monitoring(monitor, targets)) if monitor else None
    submission = selfassessment_submission(header, targets, rule_set, reasons)
    projects = [p.name for p in submission.projects]
    layout = workbook_layout("dept", rules, projects, template_info, indicator_counts(submission))
    layout = replace(layout, sheets=(*layout.sheets, declared_sheet(declaration_targets(targets))))
    wb = build(layout, flavour)
    set_named(wb, "rule_set", rule_set)
    fill_submission(wb, layout, submission, typed_scores=False)
    return package(wb, suffix)
