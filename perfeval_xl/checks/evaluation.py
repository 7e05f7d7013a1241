"""Checks of a 评价指标评分表: scores the standard does not give, sums and 得分率 that are wrong, deductions without
reasons, a grade that is not the total's. Every finding points at the cell its row's `where` names."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from perfeval_xl.checks.common import printed_rate
from perfeval_xl.checks.evaluation_marks import (
    choice_findings,
    choice_gap,
    left_out,
    not_applicable_findings,
    points_findings,
    scaled,
)
from perfeval_xl.core.codes import (
    BAND_SCORE_UNKNOWN,
    CHECKLIST_MISMATCH,
    CUSTOM_POINTS_MISMATCH,
    CUSTOM_ROW_INCOMPLETE,
    EVAL_UNSCORED,
    FINDINGS_MISMATCH,
    GRADE_MISMATCH,
    NOT_APPLICABLE_REFUSED,
    NUMBER_UNREADABLE,
    PRINTED_RATE,
    REASON_MISSING,
    SCORE_ABOVE_STANDARD,
    SCORE_OVER_WEIGHT,
    SCORE_STEP,
    SUM_MISMATCH,
    Code,
)
from perfeval_xl.core.errors import NumberError
from perfeval_xl.core.frameworks import (
    NA_FULL,
    NA_PRORATE,
    BandsRule,
    ChecklistRule,
    FindingsRule,
    ManualRule,
    Node,
)
from perfeval_xl.core.numbers import (
    D,
    format_percent,
    format_score,
    is_blank,
    printed_places,
    round_half_up,
)
from perfeval_xl.core.records import ERROR, HINT, CellRef, EvaluationSheet, Finding, LeafRow, Submission, SumRow
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.evaluation.scores import (
    checklist_score,
    findings_range,
    grade_of,
    kind_counts,
    leaves,
    read_ticks,
    standard_score,
    tree,
)
from perfeval_xl.engine.rulefiles import shown_text


def _score_text(value: Decimal | None, places: int) -> str:
    return "空白" if value is None else f"{format_score(value, places)}分"


def check_evaluation(submission: Submission, rules: RuleSet) -> list[Finding]:
    """An evaluation workbook's 评价指标评分表; a self-assessment has none."""
    return evaluation_findings(submission.evaluation) if submission.evaluation is not None else []


def evaluation_findings(sheet: EvaluationSheet) -> list[Finding]:
    """What a finance bureau sends back about a 评分表: scores the standard does not give, sums and 得分率 that are
    wrong, deductions without reasons, a grade that is not the total's."""
    framework, places = sheet.framework, sheet.framework.score_places
    findings: list[Finding] = []

    def add(code: Code, message: str, ref: CellRef | None, severity: str | None = None) -> None:
        findings.append(code(message, ref or CellRef(sheet.title), severity=severity))

    for leaf in sheet.leaves:
        findings += _leaf_findings(leaf)
    nodes = {node.key: node for node in tree(framework)}
    for key, row in sheet.subtotals.items():
        node = nodes[key]
        shown_parts = _sum_of(_shown_score(sheet, kid) for kid in _subtotal_children(node))
        _check_sum(
            add,
            f"{key} 小计",
            row,
            _sum_of(_shown_score(sheet, leaf) for leaf in leaves(node)),
            node.points
            + _slot_gap(sheet, leaves(node))
            + choice_gap(sheet, leaves(node))
            - left_out(sheet, leaves(node)),
            places,
            shown_parts,
        )
    if sheet.total is not None:
        level1 = [sheet.subtotals.get(node.key) for node in tree(framework) if node.level == 1]
        shown_parts = _sum_of(_own(row.score, row.foreign_score) for row in level1 if row is not None)
        all_leaves = [n for n in tree(framework) if n.is_leaf]
        from_leaves = _sum_of(_shown_score(sheet, leaf) for leaf in all_leaves)
        points = framework.full_marks + _slot_gap(sheet, all_leaves) + choice_gap(sheet, all_leaves)
        basis = "其下各末级指标得分之和为"
        if framework.not_applicable == NA_PRORATE:  # 得分合计 ÷ 适用分值 × 满分, by what the 一级 小计 show
            basis = "按适用指标分值折算应为"
            shown_points = _sum_of(_own(row.points, row.foreign_points) for row in level1 if row is not None)
            applicable = points - left_out(sheet, all_leaves)
            points = framework.full_marks
            from_leaves = scaled(from_leaves, applicable, framework)
            shown_parts = scaled(shown_parts, shown_points or Decimal(0), framework)
        _check_sum(add, "总分", sheet.total, from_leaves, points, places, shown_parts, basis)
        total = sheet.total.score
        expected_grade = grade_of(framework, total) if total is not None else None
        if expected_grade is not None and sheet.grade and sheet.grade != expected_grade:
            add(
                GRADE_MISMATCH,
                f"等级写的是“{sheet.grade}”，总分 {format_score(total, places)} 分应为“{expected_grade}”",
                sheet.at("grade"),
            )
    for choice in framework.choices:
        findings += choice_findings(sheet, choice)
    if sheet.scores.applicable is not None and sheet.scores.applicable <= 0:  # 折算 with nothing to scale
        add(NOT_APPLICABLE_REFUSED, "所有指标都标为“不适用”，没有适用的分值，总分无从折算；请按评分标准评分", None)
    if sheet.scores.unscored:
        add(
            EVAL_UNSCORED,
            f"还有 {len(sheet.scores.unscored)} 个指标没有得分："
            + "、".join(k.split("/")[-1] for k in sheet.scores.unscored[:5])
            + ("等" if len(sheet.scores.unscored) > 5 else ""),
            None,
        )
    return findings


def _slot_gap(sheet: EvaluationSheet, nodes: Iterable[Node]) -> Decimal:
    """How far the 部门特性指标 slots among `nodes` add up to other points than the framework gives them: their own
    finding says so, and the sums above them are judged by what they show, not called wrong again."""
    gap = Decimal(0)
    for node in nodes:
        leaf = sheet.leaf(node.key) if node.indicator is not None and node.indicator.custom else None
        shown = D(leaf.points_shown) if leaf is not None else None
        if leaf is not None and isinstance(shown, Decimal):
            gap += shown - leaf.indicator.points
    return gap


def _subtotal_children(node: Node) -> list[Node]:
    """What a 小计 adds up on the sheet: a 二级 node's leaves (4-level paths have no 三级 小计), a 一级 node's
    二级 subtotals and its own 2-level leaves."""
    if node.level == 1:
        return list(node.children)
    return leaves(node)


def _shown_score(sheet: EvaluationSheet, node: Node) -> Decimal | None:
    if node.is_leaf:
        leaf = sheet.leaf(node.key)
        if leaf is not None and leaf.not_chosen:
            return None
        if leaf is not None and leaf.not_applicable:  # 视同满分, or left out of the sums
            return leaf.indicator.points if sheet.framework.not_applicable == NA_FULL else None
        return leaf.score if leaf else None
    row = sheet.subtotals.get(node.key)
    return _own(row.score, row.foreign_score) if row else None


def _own(figure: Decimal | None, foreign: Decimal) -> Decimal | None:
    """A sum's figure without what rows not of the framework add to it (those rows are one finding of their own)."""
    return None if figure is None else figure - foreign


def _sum_of(scores: Iterable[Decimal | None]) -> Decimal | None:
    """What a SUM over the scores shows: blank when none is there."""
    present = [score for score in scores if score is not None]
    return sum(present, Decimal(0)) if present else None


def _check_sum(
    add: Callable[..., None],
    what: str,
    row: SumRow,
    expected: Decimal | None,
    points: Decimal,
    places: int,
    shown_parts: Decimal | None = None,
    basis: str = "其下各末级指标得分之和为",
) -> None:
    """A 小计 or 总分 row's figures. The template's SUM adds up what is printed beneath it (`shown_parts`): it is
    wrong only when its range was changed, and a misprinted 小计 below is found at its own row, not again here. A
    typed figure is checked against the sum of the leaves' scores under it (`expected`), so a right figure above a
    misprinted 小计 is not called wrong; when the printed parts add up to something else, the message names both."""
    if not row.typed and shown_parts is not None:
        expected, shown_parts = shown_parts, None
    score_ref, points_ref, rate_ref = row.at("score"), row.at("points"), row.at("rate")
    own_points, own_score = _own(row.points, row.foreign_points), _own(row.score, row.foreign_score)
    if own_points is not None and own_points != points:
        add(
            SUM_MISMATCH,
            f"{what}的分值写的是 {format_score(row.points, places)}，各项分值之和为 {format_score(points, places)}",
            points_ref,
        )
    if (own_score is None) != (expected is None) or (
        own_score is not None
        and expected is not None
        and round_half_up(own_score, places) != round_half_up(expected, places)
    ):
        other = (
            f"（按其下各小计印出的得分相加则为{_score_text(shown_parts, places)}）"
            if shown_parts is not None
            and expected is not None
            and round_half_up(shown_parts, places) != round_half_up(expected, places)
            else ""
        )
        add(
            SUM_MISMATCH,
            f"{what}的得分写的是{_score_text(row.score, places)}，{basis}{_score_text(expected, places)}{other}",
            score_ref,
        )
    if row.rate is not None and row.score is not None and row.points:
        formula = f"得分 {format_score(row.score, places)} ÷ 分值 {format_score(row.points, places)}"
        for finding in printed_rate(f"{what}的得分率", row.rate, row.score / row.points, formula, rate_ref):
            add(PRINTED_RATE, finding.message, rate_ref, severity=finding.severity)


def _misprinted_value(leaf: LeafRow) -> list[Finding]:
    """A 指标值 shown on the sheet (typed over its formula, or computed) against the one 数据A and 数据B give: a
    printed figure checked against its data, by the rule every printed rate follows (checks/common.py)."""
    data, shown, indicator = leaf.data_value, leaf.value, leaf.indicator
    if data is None or not isinstance(shown, Decimal):
        return []
    what = f"{indicator.key}：指标值"
    if indicator.from_target:
        formula = f"年度指标值“{shown_text(str(leaf.a), 30)}”与实际完成值“{shown_text(str(leaf.b), 30)}”"
    else:
        formula = f"数据A {format_score(leaf.a, 2)} 与数据B {format_score(leaf.b, 2)}"  # type: ignore[arg-type]
    computed = data if isinstance(data, Decimal) else None
    if indicator.percent:
        return printed_rate(what, shown, computed, formula, leaf.at("value"))
    if computed is not None and round_half_up(computed, 2) == round_half_up(shown, 2):
        return []
    right = "无法计算（分母为空或为零）" if computed is None else format_score(computed, 2)
    return [PRINTED_RATE(f"{what}写的是 {format_score(shown, 2)}，按{formula}应为 {right}", leaf.at("value"))]


def _score_from_data(leaf: LeafRow, add: Callable[..., None]) -> None:
    """With a misprinted 指标值 the score must still follow the data: a score above what the standard gives for
    the 指标值 of 数据A and 数据B is an error, whatever the sheet's own formula made of the typed figure."""
    indicator, score = leaf.indicator, leaf.score
    data = leaf.data_value if isinstance(leaf.data_value, Decimal) else None
    expected = standard_score(indicator, data) if indicator.computed else None
    places = indicator.score_places
    if score is not None and expected is not None and score > expected:
        add(
            SCORE_ABOVE_STANDARD,
            f"得分 {format_score(score, places)} 高于按数据A、数据B 算出的指标值 "
            f"{format_percent(data) if indicator.percent else format_score(data, 2)} 应得的 "  # type: ignore[arg-type]
            f"{format_score(expected, places)} 分；请改正指标值，按标准计分",
        )


def _typed_over_standard(leaf: LeafRow, add: Callable[..., None]) -> None:
    """A score the evaluator typed (or wrote a formula for) where the standard computes one: a score no band gives
    is wrong; one above the standard's, or below it, needs the grounds in 扣分原因 (above it without them is an
    error, below it without them is a deduction without a reason)."""
    indicator, score, standard = leaf.indicator, leaf.score, leaf.standard
    assert score is not None and standard is not None
    places, rule = indicator.score_places, indicator.rule
    if isinstance(rule, BandsRule) and score not in {round_half_up(b.score, places) for b in rule.bands}:
        add(
            BAND_SCORE_UNKNOWN,
            f"得分 {format_score(score, places)} 不是评分标准中任何一档的分数（"
            f"{'、'.join(format_score(b.score, places) for b in rule.bands)}）",
        )
    elif score > standard:
        add(
            SCORE_ABOVE_STANDARD,
            f"得分 {format_score(score, places)} 高于评分标准按指标值给出的 {format_score(standard, places)} 分"
            + ("（扣分原因中写明了依据）" if leaf.reason else "；请按标准计分，或在“扣分原因”中写明改判的依据"),
            severity=HINT if leaf.reason else ERROR,
        )
    elif score < standard and not leaf.reason:
        add(
            REASON_MISSING,
            f"得分 {format_score(score, places)} 低于评分标准按指标值给出的 {format_score(standard, places)} 分，"
            "请在“扣分原因”中写明依据",
            leaf.at("reason"),
        )


def _slot_findings(leaf: LeafRow) -> list[Finding]:
    """A slot of 部门特性指标: its rows complete, each score within its points and a deduction explained, and their
    points adding up to the slot's (the sum is on the slot's own row)."""
    indicator, places, findings = leaf.indicator, leaf.indicator.score_places, []
    for row in (row for row in leaf.custom if row.filled):
        what = f"{indicator.key}“{row.name[:20] or '无名称'}”"
        missing = [
            label
            for label, present in (
                ("名称", row.name),
                ("分值", row.points is not None),
                ("评分标准", row.standard),
                ("得分", row.score is not None),
            )
            if not present
        ]
        if missing:
            findings.append(CUSTOM_ROW_INCOMPLETE(f"{what}：缺少{'、'.join(missing)}", row.at("name")))
        if row.points is None or row.score is None:
            continue
        if not 0 <= row.score <= row.points:
            message = (
                f"{what}：得分 {format_score(row.score, places)} 不在 0 到分值 {format_score(row.points, places)} 之间"
            )
            findings.append(SCORE_OVER_WEIGHT(message, row.at("score")))
        elif row.score < row.points and not row.reason:
            findings.append(REASON_MISSING(f"{what}：扣了分，没有写扣分原因", row.at("reason")))
    if not any(row.filled for row in leaf.custom):
        return findings
    points = _sum_of(row.points for row in leaf.custom)
    score = _sum_of(row.score for row in leaf.custom)
    label = f"{indicator.key} {indicator.path[-1]}小计"
    shown_points = D(leaf.points_shown)
    for what, shown, summed, cell in (("分值", shown_points, points, "points"), ("得分", leaf.score, score, "score")):
        if isinstance(shown, Decimal | None) and shown != summed:  # its own row typed over, or its SUM changed
            findings.append(
                SUM_MISMATCH(
                    f"{label}的{what}写的是{_score_text(shown, places)}，各项{what}之和为{_score_text(summed, places)}",
                    leaf.at(cell),
                )
            )
    if points != indicator.points:
        findings.append(
            CUSTOM_POINTS_MISMATCH(
                f"{indicator.key}：各项分值合计{_score_text(points, places)}，"
                f"评价指标体系给部门特性指标 {format_score(indicator.points, places)} 分",
                leaf.at("points"),
            )
        )
    return findings


def _leaf_findings(leaf: LeafRow) -> list[Finding]:
    if leaf.indicator.custom:
        return _slot_findings(leaf)
    if leaf.not_applicable:
        return not_applicable_findings(leaf)
    if leaf.not_chosen:  # counted by its group (choice-mismatch)
        return points_findings(leaf)
    indicator, findings = leaf.indicator, points_findings(leaf)
    places, score_ref = indicator.score_places, leaf.at("score")

    def add(code: Code, message: str, ref: CellRef | None = score_ref, severity: str | None = None) -> None:
        findings.append(code(f"{indicator.key}：{message}", ref, severity=severity))

    points_shown = D(leaf.points_shown)
    score = leaf.score
    if score is None:
        return findings
    if score < 0 or score > indicator.points:
        add(
            SCORE_OVER_WEIGHT,
            f"得分 {format_score(score, places)} 不在 0 到分值 {format_score(indicator.points, places)} 之间",
        )
        return findings
    rule = indicator.rule
    points = points_shown if isinstance(points_shown, Decimal) and points_shown else indicator.points
    if leaf.rate is not None:  # a 二级 with no 三级 shows its 得分率: a printed figure like any other
        formula = f"得分 {format_score(score, places)} ÷ 分值 {format_score(points, places)}"
        findings += printed_rate(f"{indicator.key}：得分率", leaf.rate, score / points, formula, leaf.at("rate"))
    misprinted = _misprinted_value(leaf)
    if misprinted:
        findings += misprinted
        _score_from_data(leaf, add)
    elif indicator.computed and leaf.typed and leaf.standard is not None:
        _typed_over_standard(leaf, add)
    if isinstance(rule, ChecklistRule) and leaf.a:
        ticks = read_ticks(str(leaf.a), len(rule.items))
        if ticks is None:
            add(
                NUMBER_UNREADABLE,
                f"数据A“{str(leaf.a)[:30]}”应写符合的评价要点序号，如“1、3”或“全部”“无”",
                leaf.at("a"),
            )
        elif (expected := checklist_score(indicator, ticks)) != score:
            add(
                CHECKLIST_MISMATCH,
                f"数据A 写明符合的要点合计 {format_score(expected, places)} 分，得分却是 {_as_typed(score, places)} 分",
            )
    if isinstance(rule, FindingsRule) and isinstance(leaf.a, Decimal | str) and not is_blank(leaf.a):
        try:
            allowed = findings_range(indicator, leaf.a)
        except (ArithmeticError, NumberError) as error:  # a negative or fractional count
            add(NUMBER_UNREADABLE, f"数据A（发现的问题个数）：{error}", leaf.at("a"))
            allowed = None
        if allowed is not None and not allowed[0] <= score <= allowed[1]:
            low, high = (format_score(bound, places) for bound in allowed)
            if rule.kinds:
                counts = kind_counts(leaf.a, len(rule.kinds)) or []
                found = "、".join(f"{kind.text} {count} 个" for kind, count in zip(rule.kinds, counts, strict=False))
            else:
                found = f"{format_score(leaf.a, 0)} 个问题"  # type: ignore[arg-type]
            due = low if low == high else f"{low} 至 {high}"
            add(FINDINGS_MISMATCH, f"发现 {found}应得 {due} 分，得分却是 {_as_typed(score, places)} 分")
    if isinstance(rule, ManualRule) and rule.step and (score / rule.step) % 1 != 0:
        add(SCORE_STEP, f"得分 {format_score(score, places)} 不是 {format_score(rule.step, 2)} 分的整数倍")
    # a computed row's deduction is its standard's; one the evaluator scored (no 指标值 to score by) needs its reason
    judged = not indicator.computed or leaf.standard is None
    if score < indicator.points and not leaf.reason and judged:
        add(
            REASON_MISSING,
            f"扣了 {format_score(indicator.points - score, places)} 分，请在“扣分原因”中写明原因",
            leaf.at("reason"),
        )
    return findings


def _as_typed(score: Decimal, places: int) -> str:
    """A typed score with the places it was typed with (3.33 where the framework keeps one place shows as 3.33, so
    that "合计 3.3 分，得分却是 3.33 分" never reads "3.3 … 3.3")."""
    return format_score(score, max(places, printed_places(score)))
