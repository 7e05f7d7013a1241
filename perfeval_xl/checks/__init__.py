"""The review checks a finance bureau applies: each is `check(submission, rules) -> list[Finding]`, run from CHECKS.

错误 blocks the report (the figures contradict each other or the rules); 提示 does not (a fact a reader should
notice, such as spending above budget, or something a person should look at again).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any

from perfeval_xl.checks.evaluation import evaluation_findings
from perfeval_xl.core.codes import (
    ACTUAL_IS_RANGE,
    ACTUAL_MISSING,
    ACTUAL_NOT_NUMBER,
    ACTUAL_UNREADABLE,
    BLOCK_WEIGHT,
    BUILDING_OVER,
    COMPETENT_DEPT_MISSING,
    CROSS_BASIC_BREAKDOWN,
    CROSS_BASIC_SPENDING,
    CROSS_PROJECT_SPENDING,
    CROSS_PUBLIC_FUNDS,
    EXEC_LOW_NO_REASON,
    EXEC_OVER_BUDGET,
    EXECUTION_WEIGHT,
    FUNDING_MISSING,
    GOAL_ACTUAL_MISSING,
    GOAL_MISSING,
    GRADE_MISMATCH,
    HEADING_WEIGHT,
    INDICATOR_UNNAMED,
    LEVEL1_UNKNOWN,
    LEVEL2_UNKNOWN,
    NARRATIVE_FIGURE,
    NARRATIVE_MISSING,
    OVER_BUDGET,
    PRINTED_RATE,
    PRINTED_RATE_NO_BASE,
    PRINTED_SCORE,
    PRINTED_TOTAL,
    PRINTED_WEIGHT_TOTAL,
    PROJECT_AMOUNT_MISMATCH,
    PROJECT_NAME_MISSING,
    PROJECT_NOT_LISTED,
    PROJECT_SHEET_MISSING,
    REASON_FOR_DEDUCTION,
    REASON_MISSING,
    SCORE_NEEDS_JUDGEMENT,
    SCORE_NOT_APPLICABLE,
    SCORE_OVER_WEIGHT,
    STAFF_OVER_QUOTA,
    SUM_MISMATCH,
    TOTAL_CAPPED,
    UNIT_MISMATCH,
    UNIT_NAME_MISSING,
    WEIGHT_MISSING,
    WEIGHT_NEGATIVE,
    WEIGHT_UNREADABLE,
    WEIGHTS_TOTAL,
    YEAR_MISSING,
    Code,
)
from perfeval_xl.core.numbers import (
    D,
    agrees,
    compact_text,
    format_amount,
    format_percent,
    format_printed_percent,
    format_score,
    normalize_text,
    round_half_up,
)
from perfeval_xl.core.records import (
    ERROR,
    HINT,
    NARRATIVE_TEXTS,
    Assessment,
    BasicData,
    CellRef,
    Finding,
    ShareTable,
    SpendingRow,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.engine.rates import change_rate, control_rate, execution_rate, share, variance_rate
from perfeval_xl.engine.scoring import (
    AssessmentScore,
    IndicatorScore,
    check_manual_score,
    execution_weight,
    load_rules,
    score_assessment,
)
from perfeval_xl.engine.targets import NOT_MET, PARTLY

AMOUNT_TOLERANCE = Decimal("0.005")  # amounts are printed in 万元 with two decimals
ROUNDING_GAP = Decimal("0.01")  # a difference of one printed cent between two tables is a rounding matter

Check = Callable[[Submission, RuleSet], list[Finding]]


def _said_of(finding: Finding, subject: str, ref: CellRef | None) -> Finding:
    """An engine's finding about one row, said of that row (“附件2 指标“…”：…”) and pointing at its cell."""
    return replace(finding, message=f"{subject}：{finding.message}").located(ref)


def _assessments(submission: Submission) -> list[Assessment]:
    return ([submission.overall] if submission.overall else []) + list(submission.projects)


# ---------------------------------------------------------------- header and goals


def check_header(submission: Submission, rules: RuleSet) -> list[Finding]:
    """The unit's name and year, and each table's name and goals, are filled in."""
    header, findings = submission.header, []
    if not header.unit_name.strip():
        findings.append(UNIT_NAME_MISSING("预算部门（单位）名称未填写", header.at("unit_name")))
    if header.fiscal_year is None:
        findings.append(YEAR_MISSING("评价年度未填写", header.at("fiscal_year")))
    for table in _assessments(submission):
        if table.kind == "project" and not table.name.strip():
            findings.append(PROJECT_NAME_MISSING("附件3 项目名称未填写", table.at("name")))
        if table.kind == "project" and not table.competent_dept.strip():
            findings.append(COMPETENT_DEPT_MISSING(f"{table.title} 主管部门未填写", table.at("competent_dept")))
        if not table.goal_expected.strip():
            findings.append(GOAL_MISSING(f"{table.title} 年度总体目标（预期目标）未填写", table.at("goal_expected")))
        if table.goal_expected.strip() and not table.goal_actual.strip():
            findings.append(
                GOAL_ACTUAL_MISSING(f"{table.title} 年度总体目标的实际完成情况未填写", table.at("goal_actual"))
            )
    return findings


# ---------------------------------------------------------------- weights


def check_weights(submission: Submission, rules: RuleSet) -> list[Finding]:
    """分值 add up: each first-level block to its rule-set weight, and everything to the full marks."""
    findings: list[Finding] = []
    for table in _assessments(submission):
        findings += _weights_of(table, rules)
    return findings


def _weights_of(table: Assessment, rules: RuleSet) -> list[Finding]:
    findings = []
    funding = table.funding
    weight = execution_weight(funding, rules)
    if funding.weight is None:
        findings.append(
            EXECUTION_WEIGHT(
                f"{table.title} 预算执行率分值未填写，按规则取 {format_score(rules.execution_weight)} 分",
                funding.at("weight"),
                severity=HINT,
            )
        )
    elif funding.weight != rules.execution_weight:
        findings.append(
            EXECUTION_WEIGHT(
                f"{table.title} 预算执行率分值为 {format_score(funding.weight)}，"
                f"规则“{rules.title}”为 {format_score(rules.execution_weight)}",
                funding.at("weight"),
            )
        )
    blocks: dict[str, Decimal] = {}
    first_cell: dict[str, CellRef | None] = {}
    for indicator in table.indicators:
        name = level1_name(indicator.level1)[0]
        blocks[name] = blocks.get(name, Decimal(0)) + (indicator.weight or Decimal(0))
        first_cell.setdefault(name, indicator.at("weight") or indicator.at("level1"))
        allowed = rules.levels.get(name)
        level2 = level2_name(indicator.level2)
        if allowed and level2 and level2 not in allowed:
            findings.append(
                LEVEL2_UNKNOWN(
                    f"{table.title} 二级指标“{level2}”不属于“{name}”（应为 {'、'.join(allowed)} 之一）",
                    indicator.at("level2"),
                )
            )
    for name, printed in table.block_weights.items():
        expected = rules.block_weights.get(level1_name(name)[0])
        if expected is not None and printed != expected:
            findings.append(
                HEADING_WEIGHT(
                    f"{table.title} “{name}”标题写 {format_score(printed)} 分，规则为 {format_score(expected)} 分",
                    table.at(f"block:{name}"),
                )
            )
    if rules.block_weights:
        for name in blocks.keys() - rules.block_weights.keys():
            findings.append(
                LEVEL1_UNKNOWN(
                    f"{table.title} 一级指标“{name}”不在规则之中（应为 {'、'.join(rules.block_weights)}）",
                    first_cell.get(name),
                )
            )
        for name, expected in rules.block_weights.items():
            actual = blocks.get(name, Decimal(0))
            printed = table.block_weights.get(name)
            if actual != expected:
                heading = f"（标题写 {format_score(printed)} 分）" if printed is not None else ""
                findings.append(
                    BLOCK_WEIGHT(
                        f"{table.title} “{name}”各三级指标分值合计 {format_score(actual)} 分，"
                        f"应为 {format_score(expected)} 分{heading}",
                        table.at(f"block:{name}") or first_cell.get(name),
                    )
                )
    total = weight + sum(blocks.values(), Decimal(0))
    if total != rules.full_marks:
        findings.append(
            WEIGHTS_TOTAL(
                f"{table.title} 分值合计 {format_score(total)} 分（预算执行率 {format_score(weight)} + "
                f"绩效指标 {format_score(total - weight)}），应为 {format_score(rules.full_marks)} 分",
                table.at("printed_weight_total"),
            )
        )
    if table.printed_weight_total is not None and table.printed_weight_total != total:
        findings.append(
            PRINTED_WEIGHT_TOTAL(
                f"{table.title} 总分一栏的分值印为 {format_score(table.printed_weight_total)}，"
                f"各行分值合计为 {format_score(total)}",
                table.at("printed_weight_total"),
            )
        )
    return findings


# ---------------------------------------------------------------- scores


def check_scores(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Scores within their 分值 and their band, computed ones agree with typed ones, reasons where points are lost."""
    findings: list[Finding] = []
    for table in _assessments(submission):
        scores = score_assessment(table, rules)
        findings += _execution_row(table, scores, rules)
        findings += _indicator_rows(table, scores, rules)
        findings += _totals(table, scores, rules)
    return findings


def _execution_row(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    findings = []
    funding, total = table.funding, table.funding.total
    rate = scores.execution_rate
    if total.budget is None or total.executed is None:
        findings.append(
            FUNDING_MISSING(
                f"{table.title} 年度资金总额的全年预算数或全年执行数未填写",
                total.at("budget" if total.budget is None else "executed"),
            )
        )
    if rate is not None and rate > 1:
        findings.append(
            EXEC_OVER_BUDGET(
                f"{table.title} 全年执行数 {format_amount(total.executed)} 大于全年预算数 "
                f"{format_amount(total.budget)}（执行率 {format_percent(rate)}），超预算支出须说明原因；得分按分值封顶",
                total.at("executed"),
            )
        )
    if rate is not None and rate < rules.reason_below_exec_rate and not funding.reason.strip():
        findings.append(
            EXEC_LOW_NO_REASON(
                f"{table.title} 执行率 {format_percent(rate)} 低于 {format_percent(rules.reason_below_exec_rate, 0)}，"
                "须填写偏差原因分析及改进措施",
                funding.at("reason") or total.at("executed"),
            )
        )
    printed, weight = funding.printed_score, execution_weight(funding, rules)
    if printed is not None and printed > weight:
        findings.append(
            SCORE_OVER_WEIGHT(
                f"{table.title} 预算执行率得分 {format_score(printed)} 超过分值 {format_score(weight)}",
                funding.at("printed_score"),
            )
        )
    elif (
        printed is not None
        and scores.execution_score is not None
        and abs(printed - scores.execution_score) > rules.score_tolerance
    ):
        findings.append(
            PRINTED_SCORE(
                f"{table.title} 预算执行率得分印为 {format_score(printed)}，"
                f"按 分值 {format_score(weight)} × 执行率 {format_percent(rate)} 应为 "
                f"{format_score(scores.execution_score)}",
                funding.at("printed_score"),
            )
        )
    return findings


def _indicator_rows(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    findings = []
    for item in scores.indicators:
        indicator, result = item.indicator, item.result
        name = f"{table.title} 指标“{indicator.level3 or '（未命名）'}”"
        for note in result.notes:
            cell = {
                WEIGHT_MISSING.code: "weight",
                WEIGHT_UNREADABLE.code: "weight",
                WEIGHT_NEGATIVE.code: "weight",
                ACTUAL_MISSING.code: "actual",
                ACTUAL_UNREADABLE.code: "actual",
                ACTUAL_NOT_NUMBER.code: "actual",
                ACTUAL_IS_RANGE.code: "actual",
                UNIT_MISMATCH.code: "actual",
            }.get(note.code, "target")
            findings.append(_said_of(note, name, indicator.at(cell)))
        if not indicator.level3.strip():
            findings.append(INDICATOR_UNNAMED(f"{table.title} 有一行指标未填写三级指标名称", indicator.at("level3")))
        problems = []
        if item.manual and result.basis == "not_applicable":
            findings.append(
                SCORE_NOT_APPLICABLE(
                    f"{name}：标为不适用，但填写了得分 {format_score(indicator.score)}；不适用的指标不计分",
                    indicator.at("score"),
                )
            )
        elif item.manual:
            problems = check_manual_score(
                indicator.score, indicator.target, indicator.actual, indicator.weight, rules, indicator.level2
            )
            for problem in problems:
                findings.append(_said_of(problem, name, indicator.at("score")))
        elif result.basis == "judgement":
            bands = "、".join(f"{b.name} {format_percent(b.low, 0)}–{format_percent(b.high, 0)}" for b in rules.bands)
            findings.append(SCORE_NEEDS_JUDGEMENT(f"{name}：需人工评定得分（按分值的 {bands}）", indicator.at("score")))
        if not problems:  # a manual score already reported says what the reason should explain
            findings += _reason_needed(name, item, rules)
    return findings


def _reason_needed(name: str, item: IndicatorScore, rules: RuleSet) -> list[Finding]:
    indicator, result = item.indicator, item.result
    if indicator.reason.strip() or item.score is None or indicator.weight is None:
        return []
    # a missed target is judged by the figures (or the words), not by the score: a 偏离 penalty lowers the
    # score of a target far exceeded, and that needs no 偏差原因 for missing it
    missed = (result.basis == "quantitative" and result.met is False) or result.outcome in (NOT_MET, PARTLY)
    if missed:
        completion = f"（完成率 {format_percent(result.completion)}）" if result.completion is not None else ""
        return [
            REASON_MISSING(
                f"{name}：未完成年度指标值{completion}，须填写偏差原因分析及改进措施", indicator.at("reason")
            )
        ]
    if item.score < indicator.weight - rules.score_tolerance:
        return [
            REASON_FOR_DEDUCTION(
                f"{name}：得分 {format_score(item.score)} 低于分值 {format_score(indicator.weight)}，"
                "宜在偏差原因中说明扣分理由",
                indicator.at("reason"),
            )
        ]
    return []


def _totals(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    findings = []
    if scores.total is not None and scores.cap is not None and scores.total >= scores.cap:
        below = min(cap.below for cap in rules.total_caps if scores.execution_rate < cap.below)
        findings.append(
            TOTAL_CAPPED(
                f"{table.title} 执行率 {_precise_percent(scores.execution_rate, below)}，"
                f"按规则总分最高 {format_score(scores.cap)} 分",
                table.at("printed_total"),
            )
        )
    findings += _printed_total(table, scores, rules)
    if table.printed_grade.strip() and scores.grade is not None and table.printed_grade.strip() != scores.grade:
        findings.append(
            GRADE_MISMATCH(
                f"{table.title} 等级写“{table.printed_grade.strip()}”，"
                f"总分 {_precise_score(scores.total, rules)} 按规则“{rules.title}”应为“{scores.grade}”",
                table.at("printed_grade"),
            )
        )
    return findings


def _printed_total(table: Assessment, scores: AssessmentScore, rules: RuleSet) -> list[Finding]:
    """A printed total that differs from the scores' sum; by no more than the rows' rounding, it is only a hint."""
    if table.printed_total is None or scores.total is None:
        return []
    gap = abs(table.printed_total - scores.total)
    if gap <= rules.score_tolerance:
        return []
    message = (
        f"{table.title} 总分印为 {format_score(table.printed_total)}，"
        f"预算执行率与各指标得分合计为 {format_score(scores.total)}"
    )
    rows = 1 + len(scores.indicators)
    if gap <= rows * rules.score_tolerance:  # each printed row score may carry half a unit of rounding
        return [PRINTED_TOTAL(f"{message}，相差在各项得分四舍五入的尾差之内", table.at("printed_total"), severity=HINT)]
    return [PRINTED_TOTAL(message, table.at("printed_total"))]


def _precise_score(total: Decimal | None, rules: RuleSet) -> str:
    """A total shown precisely enough that a grade threshold it misses is visible (89.995, not 90)."""
    if total is None:
        return "—"
    places = rules.score_places
    while places < 6 and any((round_half_up(total, places) >= g.minimum) != (total >= g.minimum) for g in rules.grades):
        places += 1
    return format_score(total, places)


def _precise_percent(rate: Decimal | None, threshold: Decimal) -> str:
    """A rate shown precisely enough that it visibly lies below `threshold` (79.996%, not 80.00%)."""
    if rate is None:
        return "—"
    places = 2
    while places < 6 and round_half_up(rate * 100, places) >= threshold * 100 > rate * 100:
        places += 1
    return format_percent(rate, places)


# ---------------------------------------------------------------- totals equal their parts


def check_sums(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Totals equal the sum of their parts: 三公经费, 项目支出, 公用经费, funding blocks, 收支预决算, breakdowns."""
    findings: list[Finding] = []
    if submission.basic:
        findings += _basic_sums(submission.basic)
    for table in _assessments(submission):
        findings += _funding_sums(table)
    if submission.revenue:
        findings += _revenue_sums(submission)
    for breakdown in submission.share_tables:
        findings += _breakdown_sum(breakdown)
    return findings


_COLUMNS = (("prev", "上年决算数"), ("budget", "本年预算数"), ("final", "本年决算数"))


def _sum_of(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def _rows_add_up(total: SpendingRow, parts: list[SpendingRow], what: str, at_most: bool = False) -> list[Finding]:
    """One finding per total row listing the columns where its parts do not add up to it."""
    wrong = []
    for column, label in _COLUMNS:
        stated = getattr(total, column)
        parts_sum = _sum_of(getattr(part, column) for part in parts)
        if parts_sum is None:
            continue
        stated_value = stated or Decimal(0)
        cells = _cells_of(total, parts, column)
        if at_most and parts_sum > stated_value + AMOUNT_TOLERANCE:
            wrong.append(
                (column, f"{label} 其中各项合计 {format_amount(parts_sum)} 大于 {format_amount(stated)}{cells}")
            )
        elif not at_most and abs(parts_sum - stated_value) > AMOUNT_TOLERANCE:
            wrong.append((column, f"{label} {_stated(stated)}，{what}合计 {format_amount(parts_sum)}{cells}"))
    if not wrong:
        return []
    return [
        SUM_MISMATCH(
            f"附件1 {total.label}不等于{what}之和：" + "；".join(text for _, text in wrong), total.at(wrong[0][0])
        )
    ]


def _stated(value: Decimal | None) -> str:
    """A total as the form shows it: a blank total (its formula cleared) is said to be blank, not "—"."""
    return "为空白" if value is None else format_amount(value)


def _cells_of(total: Any, parts: Sequence[Any], column: str) -> str:
    """“（C8 与 C9、C13 之和）”: the total's cell and the filled parts' cells, so both sides can be found."""
    total_ref = total.at(column)
    part_refs = [ref for part in parts if getattr(part, column) is not None and (ref := part.at(column))]
    if total_ref is None or not part_refs:
        return ""
    return f"（{total_ref.cell} 与 {'、'.join(str(ref.cell) for ref in part_refs)} 之和）"


def _basic_sums(basic: BasicData) -> list[Finding]:
    findings = []
    top = [basic.sangong_item(key) for key in ("sangong_car", "sangong_abroad", "sangong_reception")]
    findings += _rows_add_up(basic.sangong, [row for row in top if row], "公务用车、出国、公务接待")
    car = basic.sangong_item("sangong_car")
    car_parts = [basic.sangong_item(key) for key in ("sangong_car_purchase", "sangong_car_running")]
    if car:
        findings += _rows_add_up(car, [row for row in car_parts if row], "公车购置与公车运行维护")
    findings += _rows_add_up(basic.project_spending, list(basic.projects), "所列各项目")
    findings += _rows_add_up(basic.public_funds, list(basic.public_items), "其中各项", at_most=True)
    return findings


def _funding_sums(table: Assessment) -> list[Finding]:
    findings = []
    funding, total = table.funding, table.funding.total
    if funding.sources:
        for column, label in (("initial", "年初预算数"), ("budget", "全年预算数"), ("executed", "全年执行数")):
            parts = _sum_of(getattr(line, column) for line in funding.sources)
            stated = getattr(total, column)
            # a blank total is funding-missing (a 全年预算数 or 执行数) or a hint (年初预算数), not a wrong sum
            if parts is not None and stated is not None and abs(parts - stated) > AMOUNT_TOLERANCE:
                names = "、".join(line.label for line in funding.sources)
                findings.append(
                    SUM_MISMATCH(
                        f"{table.title} 年度资金总额{label} {format_amount(stated)}，"
                        f"不等于{names}之和 {format_amount(parts)}{_cells_of(total, funding.sources, column)}",
                        total.at(column),
                    )
                )
    basic, project = funding.expense_basic, funding.expense_project
    if table.kind == "dept" and (basic is None or project is None):
        missing = "、".join(name for name, value in (("基本支出", basic), ("项目支出", project)) if value is None)
        findings.append(
            FUNDING_MISSING(
                f"{table.title} 按支出性质分的{missing}未填写（没有时填 0）",
                funding.at("expense_basic" if basic is None else "expense_project"),
            )
        )
    if (basic is not None or project is not None) and total.executed is not None:
        parts = (basic or Decimal(0)) + (project or Decimal(0))
        if abs(parts - total.executed) > AMOUNT_TOLERANCE:
            findings.append(
                SUM_MISMATCH(
                    f"{table.title} 基本支出 {format_amount(basic)} + 项目支出 {format_amount(project)} = "
                    f"{format_amount(parts)}，不等于全年执行数 {format_amount(total.executed)}",
                    funding.at("expense_basic") or total.at("executed"),
                )
            )
    income = _sum_of(funding.income_lines)
    if income is not None:
        matches = [v for v in (total.budget, total.executed) if v is not None and abs(income - v) <= AMOUNT_TOLERANCE]
        if not matches:
            findings.append(
                SUM_MISMATCH(
                    f"{table.title} 按收入性质分各项合计 {format_amount(income)}，"
                    f"既不等于全年预算数 {format_amount(total.budget)}，"
                    f"也不等于全年执行数 {format_amount(total.executed)}",
                    funding.at("income_general"),
                )
            )
    return findings


def _revenue_sums(submission: Submission) -> list[Finding]:
    table = submission.revenue
    assert table is not None
    findings = []
    identities = (
        (
            "total",
            ("carryover_begin", "appropriation", "other_income"),
            "合计（收入）",
            "年初结转结余 + 财政拨款 + 其他收入",
        ),
        ("expense_total", ("personnel", "public", "project"), "支出小计", "人员经费 + 公用经费 + 项目支出"),
        ("total", ("expense_total", "carryover_end"), "合计", "支出小计 + 年末结转结余"),
    )
    for row, label in (("budget", "预算"), ("final", "决算")):
        for total_key, part_keys, total_name, parts_name in identities:
            total_column = table.column(total_key)
            parts = [table.column(key) for key in part_keys]
            if total_column is None or any(p is None for p in parts):
                continue
            stated = getattr(total_column, row)
            parts_sum = _sum_of(getattr(p, row) for p in parts if p is not None)
            if parts_sum is None:  # nothing to add up: a total typed over empty parts is only formula-overwritten
                continue
            if abs((stated or Decimal(0)) - parts_sum) > AMOUNT_TOLERANCE:
                findings.append(
                    SUM_MISMATCH(
                        f"收支预决算 {label}行 {total_name} {_stated(stated)}，"
                        f"不等于 {parts_name} = {format_amount(parts_sum)}{_cells_of(total_column, parts, row)}",
                        total_column.at(row),
                    )
                )
    return findings


def _breakdown_sum(table: ShareTable) -> list[Finding]:
    parts = _sum_of(row.amount for row in table.rows)
    if table.total is None or parts is None or abs(parts - table.total) <= AMOUNT_TOLERANCE:
        return []
    return [
        SUM_MISMATCH(
            f"{table.title} 合计 {format_amount(table.total)}，各项之和为 {format_amount(parts)}", table.at("total")
        )
    ]


# ---------------------------------------------------------------- controls


def check_controls(submission: Submission, rules: RuleSet) -> list[Finding]:
    """What a reviewer points out even when the form is right: staff over quota, 三公/公用经费 over budget."""
    basic = submission.basic
    if basic is None:
        return []
    findings = []
    staff = basic.staff
    if staff.quota is not None and staff.actual is not None and staff.actual > staff.quota:
        findings.append(
            STAFF_OVER_QUOTA(
                f"附件1 实际在职人数 {format_score(staff.actual)} 人超过编制数 {format_score(staff.quota)} 人（控制率 "
                f"{format_percent(control_rate(staff.actual, staff.quota))}）",
                staff.at("actual"),
            )
        )
    for row in (basic.sangong, basic.public_funds):
        if row.budget is not None and row.final is not None and row.final > row.budget:
            findings.append(
                OVER_BUDGET(
                    f"附件1 {row.label}本年决算数 {format_amount(row.final)} 大于本年预算数 "
                    f"{format_amount(row.budget)}（控制率 {format_percent(control_rate(row.final, row.budget))}）",
                    row.at("final"),
                )
            )
    building = basic.building
    for actual, planned, what in (
        ("actual_area", "approved_area", "实际规模超过批复规模"),
        ("actual_investment", "budget_investment", "实际投资超过预算投资"),
    ):
        a, p = getattr(building, actual), getattr(building, planned)
        if a is not None and p is not None and a > p:
            findings.append(
                BUILDING_OVER(
                    f"附件1 楼堂馆所{what}（控制率 {format_percent(control_rate(a, p))}）", building.at(actual)
                )
            )
    return findings


# ---------------------------------------------------------------- printed rates


def check_printed_rates(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Every printed rate equals the one its figures give, to the precision it was printed with."""
    findings: list[Finding] = []
    basic = submission.basic
    if basic:
        staff = basic.staff
        findings += _printed(
            "附件1 财政供养人员 控制率",
            staff.printed_control_rate,
            control_rate(staff.actual, staff.quota),
            f"实际在职 {format_score(staff.actual)} ÷ 编制 {format_score(staff.quota)}",
            staff.at("printed_control_rate"),
        )
        rows = [
            basic.sangong,
            *basic.sangong_items,
            basic.project_spending,
            *basic.projects,
            basic.public_funds,
            *basic.public_items,
            basic.procurement,
        ]
        for row in rows:
            findings += _printed(
                f"附件1 {row.label} 控制率",
                row.printed_control_rate,
                control_rate(row.final, row.budget),
                f"决算 {format_amount(row.final)} ÷ 预算 {format_amount(row.budget)}",
                row.at("printed_control_rate"),
            )
            findings += _printed(
                f"附件1 {row.label} 同比增减率",
                row.printed_change_rate,
                change_rate(row.final, row.prev),
                f"（本年 {format_amount(row.final)} − 上年 {format_amount(row.prev)}）÷ 上年",
                row.at("printed_change_rate"),
            )
        b = basic.building
        findings += _printed(
            "附件1 楼堂馆所 规模控制率",
            b.printed_area_rate,
            control_rate(b.actual_area, b.approved_area),
            f"实际 {format_score(b.actual_area)} ÷ 批复 {format_score(b.approved_area)}",
            b.at("printed_area_rate"),
        )
        findings += _printed(
            "附件1 楼堂馆所 投资概算控制率",
            b.printed_investment_rate,
            control_rate(b.actual_investment, b.budget_investment),
            f"实际 {format_amount(b.actual_investment)} ÷ 预算 {format_amount(b.budget_investment)}",
            b.at("printed_investment_rate"),
        )
    for table in _assessments(submission):
        total = table.funding.total
        findings += _printed(
            f"{table.title} 执行率",
            table.funding.printed_exec_rate,
            execution_rate(total.executed, total.budget),
            f"全年执行数 {format_amount(total.executed)} ÷ 全年预算数 {format_amount(total.budget)}",
            table.funding.at("printed_exec_rate"),
        )
    if submission.revenue:
        for column in submission.revenue.columns:
            findings += _printed(
                f"收支预决算 {column.label} 差异率",
                column.printed_diff_rate,
                variance_rate(column.final, column.budget),
                f"（决算 {format_amount(column.final)} − 预算 {format_amount(column.budget)}）÷ 预算",
                column.at("printed_diff_rate"),
            )
    for breakdown in submission.share_tables:
        findings += _printed_shares(breakdown)
    return findings


def _printed(
    what: str,
    printed: Decimal | None,
    computed: Decimal | None,
    formula: str,
    ref: CellRef | None,
    severity: str = ERROR,
    note: str = "",
) -> list[Finding]:
    if printed is None:
        return []
    if computed is None:
        if printed.is_zero():
            return [
                PRINTED_RATE_NO_BASE(
                    f"{what}印为 {format_printed_percent(printed)}，但分母为空或为零，无法计算，应填“—”",
                    ref,
                    severity=HINT,
                )
            ]
        return [PRINTED_RATE_NO_BASE(f"{what}印为 {format_printed_percent(printed)}，但分母为空或为零，无法计算", ref)]
    if agrees(printed, computed, min_places=2):  # a rate is never printed coarser than whole percents
        return []
    if severity == ERROR and _truncated(computed, printed) == printed:
        # One unit off because the last digit was cut instead of rounded half up: a rounding slip, not a wrong figure.
        severity, note = HINT, "（原数疑为截尾而非四舍五入）"
    places = max(2, -int(printed.scaleb(2).as_tuple().exponent))
    return [
        PRINTED_RATE(
            f"{what}印为 {format_printed_percent(printed)}，"
            f"按 {formula} 计算应为 {format_percent(computed, places)}{note}",
            ref,
            severity=severity,
        )
    ]


def _truncated(value: Decimal, like: Decimal) -> Decimal:
    exponent = int(like.as_tuple().exponent)
    with localcontext() as context:
        context.prec = max(28, value.adjusted() - exponent + 5)  # quantize needs every digit it keeps
        return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_DOWN)


def _printed_shares(table: ShareTable) -> list[Finding]:
    findings = []
    total = table.total if table.total is not None else _sum_of(row.amount for row in table.rows)
    printed = [row.printed_share for row in table.rows if row.printed_share is not None]
    # Published breakdowns often put the rounding remainder on one item so the shares add up to 100% (尾差调整):
    # a one-unit difference there is pointed out, not treated as an error.
    adds_to_whole = bool(printed) and sum(printed, Decimal(0)) == 1
    for row in table.rows:
        computed = share(row.amount, total)
        severity, note = ERROR, ""
        if row.printed_share is not None and computed is not None and adds_to_whole:
            unit = Decimal(1).scaleb(int(row.printed_share.as_tuple().exponent))
            if abs(row.printed_share - computed) <= unit + unit / 2:
                severity, note = HINT, "；各项占比合计为 100%，可能是尾差调整"
        findings += _printed(
            f"{table.title} {row.label} 占比",
            row.printed_share,
            computed,
            f"{format_amount(row.amount)} ÷ 合计 {format_amount(total)}",
            row.at("printed_share"),
            severity,
            note,
        )
    findings += _printed(
        f"{table.title} 合计 占比",
        table.printed_total_share,
        share(total, total),
        "合计 ÷ 合计",
        table.at("printed_total_share"),
    )
    return findings


# ---------------------------------------------------------------- across tables


def _project_key(name: str) -> str:
    """A project name without numbering, spaces, punctuation ("1、社保基金督查专项经费　" → "社保基金督查专项经费")."""
    text = compact_text(name)
    text = re.sub(r"^(?:[(（]\d+[)）]|\d+[、.．)])", "", text)  # "1、" or "(1)", not the year of "2023年度…"
    return re.sub(r"[\W_]+", "", text)


def _agree(a: Decimal | None, b: Decimal | None, message: str, ref: CellRef | None, code: Code) -> list[Finding]:
    if a is None or b is None:
        return []
    gap = abs(a - b)
    if gap <= AMOUNT_TOLERANCE:
        return []
    if gap <= ROUNDING_GAP + AMOUNT_TOLERANCE:
        return [code(f"{message}，相差 {format_amount(gap)}，可能是尾数差异，请核对", ref, severity=HINT)]
    return [code(f"{message}，相差 {format_amount(gap)}", ref)]


def check_cross_tables(submission: Submission, rules: RuleSet) -> list[Finding]:
    """附件1 and 附件2/附件3 and 收支预决算 tell the same story: every project has its 附件3 with the same figures."""
    findings: list[Finding] = []
    basic, overall, revenue = submission.basic, submission.overall, submission.revenue
    if basic and overall:
        findings += _agree(
            basic.project_spending.final,
            overall.funding.expense_project,
            f"附件1 项目支出本年决算数 {format_amount(basic.project_spending.final)} 与附件2 项目支出 "
            f"{format_amount(overall.funding.expense_project)} 不一致",
            overall.funding.at("expense_project"),
            code=CROSS_PROJECT_SPENDING,
        )
    if revenue and overall:
        personnel, public = revenue.column("personnel"), revenue.column("public")
        if personnel and public and personnel.final is not None and public.final is not None:
            basic_final = personnel.final + public.final
            findings += _agree(
                basic_final,
                overall.funding.expense_basic,
                f"收支预决算 人员经费 + 公用经费 决算 {format_amount(basic_final)} 与附件2 基本支出 "
                f"{format_amount(overall.funding.expense_basic)} 不一致",
                overall.funding.at("expense_basic"),
                code=CROSS_BASIC_SPENDING,
            )
    if basic and revenue:
        public = revenue.column("public")
        if public:
            findings += _agree(
                basic.public_funds.final,
                public.final,
                f"附件1 公用经费本年决算数 {format_amount(basic.public_funds.final)} 与收支预决算 公用经费决算 "
                f"{format_amount(public.final)} 不一致",
                basic.public_funds.at("final"),
                code=CROSS_PUBLIC_FUNDS,
            )
    narrative = submission.narrative
    if narrative and overall:
        parts = [v for v in narrative.basic_by_class.values() if v is not None]
        if parts:
            total = sum(parts, Decimal(0))
            findings += _agree(
                total,
                overall.funding.expense_basic,
                f"报告文字 基本支出按经济分类合计 {format_amount(total)} 与附件2 基本支出 "
                f"{format_amount(overall.funding.expense_basic)} 不一致",
                narrative.at("wage_welfare"),
                code=CROSS_BASIC_BREAKDOWN,
            )
    if basic and (overall or submission.projects):
        findings += _projects_have_sheets(basic, submission.projects)
    return findings


def _projects_have_sheets(basic: BasicData, sheets: tuple[Assessment, ...]) -> list[Finding]:
    findings = []
    by_key = {_project_key(sheet.name): sheet for sheet in sheets if sheet.name.strip()}
    listed = set()
    for row in basic.projects:
        if row.key != "project" or not _project_key(row.label):
            continue
        key = _project_key(row.label)
        listed.add(key)
        sheet = by_key.get(key)
        if sheet is None:
            findings.append(
                PROJECT_SHEET_MISSING(
                    f"附件1 列有项目“{row.label.strip()}”，但没有对应的附件3 项目支出绩效自评表", row.at("label")
                )
            )
            continue
        findings += _agree(
            row.final,
            sheet.funding.total.executed,
            f"附件1 项目“{row.label.strip()}”本年决算数 {format_amount(row.final)} 与{sheet.title} 全年执行数 "
            f"{format_amount(sheet.funding.total.executed)} 不一致",
            sheet.funding.total.at("executed"),
            code=PROJECT_AMOUNT_MISMATCH,
        )
    for key, sheet in by_key.items():
        if key not in listed:
            findings.append(PROJECT_NOT_LISTED(f"{sheet.title} 的项目没有列在附件1 项目支出中", sheet.at("name")))
    return findings


NARRATIVE_REQUIRED = ("duties", "organization", "duty_performance", "budget_management", "problems", "measures")


def check_narrative(submission: Submission, rules: RuleSet) -> list[Finding]:
    """The parts of the report only words can fill are filled (the report would otherwise say “未填写”)."""
    narrative = submission.narrative
    if narrative is None:
        return []
    labels = dict(NARRATIVE_TEXTS)
    return [
        NARRATIVE_MISSING(f"报告文字“{labels[key]}”未填写，报告中该部分将写“未填写”", narrative.at(key))
        for key in NARRATIVE_REQUIRED
        if not narrative.text(key).strip()
    ]


# Figures people quote in the report's words, and where the tables keep them: keyword pattern -> figure.
_QUOTED_AMOUNTS: tuple[tuple[str, Callable[[Submission], Decimal | None]], ...] = (
    ("三公经费", lambda s: s.basic.sangong.final if s.basic else None),
    ("公用经费", lambda s: s.basic.public_funds.final if s.basic else None),
    ("基本支出", lambda s: s.overall.funding.expense_basic if s.overall else None),
    ("项目支出", lambda s: s.overall.funding.expense_project if s.overall else None),
)
# what may stand between the name and the amount: 决算数为, 支出合计, 总额共计…
_QUOTE_GLUE = r"(?:决算|预算执行|支出|合计|总额|总计|累计|实际)*(?:数|额)?(?:为|共|是|计|达|共计)?"


def check_narrative_figures(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Amounts quoted in the report's words (“三公”经费0.80万元) agree with the tables they come from."""
    narrative = submission.narrative
    if narrative is None:
        return []
    labels = dict(NARRATIVE_TEXTS)
    findings = []
    for key, _label in NARRATIVE_TEXTS:
        text = re.sub(r"[“”\"'‘’\s]", "", normalize_text(narrative.text(key)))
        for name, figure in _QUOTED_AMOUNTS:
            stated = figure(submission)
            if stated is None:
                continue
            for match in re.finditer(name + _QUOTE_GLUE + r"(\d[\d,]*(?:\.\d+)?)万元", text):
                quoted = D(match.group(1))
                if isinstance(quoted, Decimal) and abs(quoted - stated) > AMOUNT_TOLERANCE:
                    findings.append(
                        NARRATIVE_FIGURE(
                            f"报告文字“{labels[key]}”中写{name} {format_amount(quoted)} 万元，"
                            f"表中为 {format_amount(stated)} 万元",
                            narrative.at(key),
                        )
                    )
    return findings


def check_evaluation(submission: Submission, rules: RuleSet) -> list[Finding]:
    """An evaluation workbook's 评价指标评分表 (checks/evaluation.py)."""
    return evaluation_findings(submission.evaluation) if submission.evaluation is not None else []


CHECKS: tuple[Check, ...] = (
    check_header,
    check_weights,
    check_scores,
    check_sums,
    check_controls,
    check_printed_rates,
    check_cross_tables,
    check_narrative,
    check_narrative_figures,
    check_evaluation,
)


def run_checks(submission: Submission, rules: RuleSet | str | None = None) -> list[Finding]:
    """Run every check; the rule set defaults to the one the submission's header names."""
    if rules is None and submission.evaluation is not None:
        rules = "national"  # the header names the framework; any 附件1 it carries is checked without scoring
    ruleset = load_rules(rules if rules is not None else submission.header.rule_set)
    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(submission, ruleset)
    return findings
