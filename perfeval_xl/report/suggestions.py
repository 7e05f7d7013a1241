"""Problems and measures the figures suggest (七、八 of the report), from one table of rules.

Each rule looks at a submission's recomputed figures and, when it applies, says a problem and a measure in
the official register. The report prints them after the unit's own text, marked as suggestions to keep or
delete; nothing here decides anything for the unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from perfeval_xl.core.codes import TARGET_FAR_EXCEEDED
from perfeval_xl.core.numbers import format_amount, format_percent
from perfeval_xl.core.records import Assessment, Submission
from perfeval_xl.core.rulesets import RuleSet, level1_name
from perfeval_xl.engine.rates import adjustment_rate, control_rate
from perfeval_xl.engine.scoring import AssessmentScore, score_assessment


@dataclass(frozen=True)
class Suggestion:
    """A problem the figures show and the measure that answers it."""

    code: str
    problem: str
    measure: str


# A rule sees the table, its scores (computed once for all the rules), the whole submission and the rule set.
Rule = Callable[[Assessment, AssessmentScore, Submission, RuleSet], Suggestion | None]


def _low_execution(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    rate = scores.execution_rate
    if rate is None or rate >= rules.reason_below_exec_rate:
        return None
    return Suggestion(
        "low-execution",
        f"预算执行进度偏慢，{table.title}全年执行率为 {format_percent(rate)}，"
        f"低于 {format_percent(rules.reason_below_exec_rate, 0)}。",
        "加强预算执行管理，按月跟踪执行进度，对执行缓慢的项目及时分析原因、督促实施。",
    )


def _over_execution(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    total = table.funding.total
    if total.executed is None or total.budget is None or total.executed <= total.budget:
        return None
    return Suggestion(
        "over-execution",
        f"{table.title}全年执行数 {format_amount(total.executed)} 万元超过全年预算数 {format_amount(total.budget)} "
        "万元。",
        "严格按预算执行支出，确需调整的按规定程序报批。",
    )


def _large_adjustment(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    total = table.funding.total
    rate = adjustment_rate(total.budget, total.initial) if total.initial else None
    if rate is None or abs(rate) <= rules.suggest_adjustment_over:
        return None
    direction = "调增" if rate > 0 else "调减"
    return Suggestion(
        "large-adjustment",
        f"预算调整幅度较大：{table.title}年初预算 {format_amount(total.initial)} 万元，全年预算 "
        f"{format_amount(total.budget)} 万元，{direction} {format_percent(abs(rate))}，预算编制的准确性有待提高。",
        "提高预算编制的科学性和准确性，结合上年执行情况和本年工作计划细化测算，减少年中调整。",
    )


def _missing_blocks(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    present = {level1_name(i.level1)[0] for i in table.indicators if (i.weight or 0) > 0}
    missing = [name for name in rules.suggest_expected_blocks if name not in present]
    if not missing or not table.indicators:
        return None
    return Suggestion(
        "missing-indicators",
        f"绩效目标设置不够完整，{table.title}未设置{'、'.join(missing)}。",
        f"完善绩效指标体系，补充可衡量的{'、'.join(missing)}。",
    )


def _far_exceeded(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    if rules.far_exceed is None:
        return None
    # the scoring's own note says when a "不低于" target was exceeded far enough to look set too low
    exceeded = [
        item for item in scores.indicators if any(n.code == TARGET_FAR_EXCEEDED.code for n in item.result.notes)
    ]
    if not exceeded:
        return None
    names = "、".join(f"“{i.indicator.level3}”（完成 {format_percent(i.result.completion)}）" for i in exceeded)
    return Suggestion(
        "targets-too-low",
        f"部分绩效指标的年度指标值设置偏低：{names}。",
        "结合历年完成情况和本年工作任务科学设定年度指标值，使目标具有挑战性。",
    )


def _missed(table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet) -> Suggestion | None:
    missed = [item for item in scores.indicators if item.result.basis == "quantitative" and item.result.met is False]
    if not missed:
        return None
    names = "、".join(f"“{i.indicator.level3}”" for i in missed)
    return Suggestion(
        "targets-missed",
        f"部分绩效指标未完成年度目标：{names}。",
        "逐项分析未完成的原因，调整工作安排，加强过程监控，确保下一年度目标按期完成。",
    )


def _mostly_qualitative(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    if len(scores.indicators) < rules.suggest_qualitative_min_count:
        return None
    qualitative = sum(not item.result.target.is_quantitative for item in scores.indicators)
    if Decimal(qualitative) / len(scores.indicators) <= rules.suggest_qualitative_over:
        return None
    return Suggestion(
        "mostly-qualitative",
        f"{table.title}的绩效指标以定性描述为主（{qualitative} 个，共 {len(scores.indicators)} 个），量化程度不高。",
        "尽量将绩效指标细化、量化，明确数量、质量、时效和成本标准，便于考核评价。",
    )


def _spending_controls(
    table: Assessment, scores: AssessmentScore, submission: Submission, rules: RuleSet
) -> Suggestion | None:
    basic = submission.basic
    if table.kind != "dept" or basic is None:
        return None
    over = [
        row
        for row in (basic.sangong, basic.public_funds)
        if row.budget is not None and row.final is not None and row.final > row.budget
    ]
    if not over:
        return None
    items = "、".join(f"{row.label}（控制率 {format_percent(control_rate(row.final, row.budget))}）" for row in over)
    return Suggestion(
        "spending-over-budget",
        f"部分经费支出超过预算：{items}。",
        "严格执行中央八项规定精神，从严控制“三公”经费和一般性支出，坚决杜绝超预算支出。",
    )


RULES: tuple[Rule, ...] = (
    _low_execution,
    _over_execution,
    _large_adjustment,
    _spending_controls,
    _missed,
    _far_exceeded,
    _missing_blocks,
    _mostly_qualitative,
)


def suggest(
    table: Assessment, submission: Submission, rules: RuleSet, scores: AssessmentScore | None = None
) -> list[Suggestion]:
    """The suggestions the figures of one 附件2 or 附件3 give, in the order of RULES.

    `scores` are the table's scores under `rules` when the caller has them already; else they are computed here.
    """
    scores = score_assessment(table, rules) if scores is None else scores
    return [found for rule in RULES if (found := rule(table, scores, submission, rules)) is not None]
