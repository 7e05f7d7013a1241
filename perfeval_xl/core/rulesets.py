"""The records of a rule set (评分规则): how one province or year scores a self-assessment, and the form's headings.

A rule set is read from TOML (engine/rulesets); these are the values it becomes. The headings are read here because a
rule set names its blocks by them ("产出指标", "成本指标") whatever the form printed around them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from perfeval_xl.core.numbers import cell_text, compact_text


@dataclass(frozen=True)
class QualitativeBand:
    """A qualitative band: 达成 is 80–100% of the 分值.

    Attributes:
      name: its name as people see it (达成).
      low, high: the share of the 分值 a score in this band gets.
      outcome: the qualitative outcome it is the band of: "met", "partly" or "not_met".
    """

    name: str
    low: Decimal
    high: Decimal
    outcome: str


@dataclass(frozen=True)
class Grade:
    """A grade and the lowest total that earns it."""

    minimum: Decimal
    label: str


@dataclass(frozen=True)
class TotalCap:
    """When the execution rate is below `below`, the total is at most `maximum`."""

    below: Decimal
    maximum: Decimal


@dataclass(frozen=True)
class RuleSet:
    """How one province or year scores a self-assessment. Every field is a setting of a TOML file, and its value
    for the national rules is in national.toml (the other files list only what differs).

    Attributes:
      name: the short name ("national") or the file it came from.
      title: a Chinese title for people.
      full_marks: the total of all 分值 (100).
      score_places: decimals a score is printed with.
      execution_weight: 分值 of the 预算执行率 row (10; 20 in some provinces).
      block_weights: 分值 of each first-level block; empty when only the total is fixed (10 + 90).
      levels: the second-level names allowed under each first-level block.
      reason_below_exec_rate: below this 执行率 a 偏差原因 is required.
      bare_target_op: the direction of a target that is a bare number ("1200").
      bare_op_by_level2: the same, for particular second-level blocks (成本指标: "<=").
      equal_tolerance: relative tolerance for "=" targets.
      approx_tolerance: relative tolerance for "约"/"左右" targets.
      far_exceed: actual ÷ target above this is a hint that the target was set too low (None: no such hint).
      met_fraction: share of the 分值 a qualitative indicator gets when its actual text says it was met.
      bands: the qualitative bands (达成, 部分达成, 未达成), each tied to an outcome.
      deviation_over: actual ÷ target at or above this counts as 偏离 (None: no such rule).
      deviation_penalty: points deducted for a 偏离 indicator.
      deviation_ops: the target directions the 偏离 rule applies to.
      total_caps: caps on the total by execution rate.
      suggest_adjustment_over: a budget adjustment larger than this is pointed out in the report's problems.
      suggest_qualitative_over: a share of qualitative indicators larger than this is pointed out too…
      suggest_qualitative_min_count: …when a table has at least this many indicators.
      suggest_expected_blocks: first-level blocks whose absence is pointed out (效益指标, 满意度指标).
      grades: grades from the highest minimum down; the lowest starts at 0 or below, so every total has one.
      target_structure: the indicator structure of a 绩效目标申报表 ("2020": 财预〔2020〕10号, "2021": 101号).
      monitor_lag: how far (a fraction, 0.20 = 20 个百分点) the period's 执行率 may lag 序时进度 without a reason.
    """

    name: str
    title: str
    full_marks: Decimal
    score_places: int
    execution_weight: Decimal
    block_weights: Mapping[str, Decimal]
    levels: Mapping[str, tuple[str, ...]]
    reason_below_exec_rate: Decimal
    bare_target_op: str
    bare_op_by_level2: Mapping[str, str]
    equal_tolerance: Decimal
    approx_tolerance: Decimal
    far_exceed: Decimal | None
    met_fraction: Decimal
    bands: tuple[QualitativeBand, ...]
    deviation_over: Decimal | None
    deviation_penalty: Decimal
    deviation_ops: tuple[str, ...]
    total_caps: tuple[TotalCap, ...]
    suggest_adjustment_over: Decimal
    suggest_qualitative_over: Decimal
    suggest_qualitative_min_count: int
    suggest_expected_blocks: tuple[str, ...]
    grades: tuple[Grade, ...]
    target_structure: str
    monitor_lag: Decimal

    @property
    def score_tolerance(self) -> Decimal:
        """Half a unit of the printed score precision (0.005 for two decimals)."""
        return Decimal(5).scaleb(-self.score_places - 1)

    def bare_op_for(self, level2: object = None) -> str:
        """The direction of a bare-number target in this second-level block."""
        return self.bare_op_by_level2.get(level2_name(level2), self.bare_target_op) if level2 else self.bare_target_op

    def band_for(self, outcome: str | None) -> QualitativeBand | None:
        """The band of a qualitative outcome ("met", "partly", "not_met"); None for no outcome or no such band."""
        return next((b for b in self.bands if b.outcome == outcome), None)


def level1_name(label: object) -> tuple[str, Decimal | None]:
    """A first-level heading as printed ("产出指标\\n\\n(50分)") -> ("产出指标", 50)."""
    text = compact_text(cell_text(label))
    weight = None
    match = re.search(r"\((\d+(?:\.\d+)?)分\)", text)
    if match:
        weight = Decimal(match.group(1))
        text = text.replace(match.group(0), "")
    if text and not text.endswith("指标"):
        text += "指标"
    return text, weight


def level2_name(label: object) -> str:
    """A second-level heading as printed ("经济效\\n益指标") -> "经济效益指标"."""
    text = compact_text(cell_text(label))
    return text + "指标" if text and not text.endswith("指标") else text
