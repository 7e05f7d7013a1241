"""Checks of the 分值: each first-level block against its rule-set weight, and everything against the full marks."""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.checks.common import assessments
from perfeval_xl.core.codes import (
    BLOCK_WEIGHT,
    EXECUTION_WEIGHT,
    HEADING_WEIGHT,
    LEVEL1_UNKNOWN,
    LEVEL2_UNKNOWN,
    PRINTED_WEIGHT_TOTAL,
    WEIGHTS_TOTAL,
)
from perfeval_xl.core.numbers import (
    format_score,
)
from perfeval_xl.core.records import (
    HINT,
    Assessment,
    CellRef,
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet, level1_name, level2_name
from perfeval_xl.engine.scoring import execution_weight


def check_weights(submission: Submission, rules: RuleSet) -> list[Finding]:
    """分值 add up: each first-level block to its rule-set weight, and everything to the full marks."""
    findings: list[Finding] = []
    for table in assessments(submission):
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
