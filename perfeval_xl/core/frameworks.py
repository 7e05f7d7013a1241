"""The records of an evaluation framework (部门整体支出绩效评价): the indicator tree, each leaf's scoring rule.

A framework is read from a rule file with kind = "evaluation" (engine/evaluation); these are the values it becomes,
shared by the engine that scores them, the workbook that lays them out and the report that words them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.core.names import linked_unit
from perfeval_xl.core.rulesets import Grade

KIND = "evaluation"
METHODS = ("bands", "per_point", "ratio", "target", "checklist", "findings", "manual", "custom")
COMPUTED_METHODS = ("bands", "per_point", "ratio", "target")  # the engine scores these from the 指标值
METHOD_NAMES = {
    "bands": "分档计分",
    "per_point": "按百分点扣分",
    "ratio": "按比例计分",
    "target": "按目标完成程度计分",
    "checklist": "逐项评分",
    "findings": "按问题扣分",
    "manual": "人工评分",
    "custom": "评价机构逐项设置",
}
COUNTS = ("exact", "ceil", "floor")
BOUND_KEYS = ("eq", "ge", "gt", "le", "lt")
LEVEL_NAMES = ("一级指标", "二级指标", "三级指标", "四级指标")
DEFAULT_SCORE_PLACES = 2
# the rows of a 评价指标评分表 that add up its tree, as the sheet and the report's 附件 label them
SUBTOTAL, TOTAL, GRADE = "小计", "总分", "等级"
TOTAL_OF_LEVEL1 = "合计"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True)
class ValueBand:
    """One scoring band: a value within every bound it gives gets `score`. Bands are tried in order."""

    score: Decimal
    ge: Decimal | None = None
    gt: Decimal | None = None
    le: Decimal | None = None
    lt: Decimal | None = None
    eq: Decimal | None = None

    def bounds(self) -> dict[str, Decimal]:
        return {op: getattr(self, op) for op in BOUND_KEYS if getattr(self, op) is not None}

    def contains(self, value: Decimal) -> bool:
        return (
            (self.ge is None or value >= self.ge)
            and (self.gt is None or value > self.gt)
            and (self.le is None or value <= self.le)
            and (self.lt is None or value < self.lt)
            and (self.eq is None or value == self.eq)
        )


@dataclass(frozen=True)
class Part:
    """One input of a figure built from several (“年初预算 − 涉改调整 − 财政直接调整”): its name and sign (+1, −1)."""

    name: str
    sign: int

    @property
    def words(self) -> str:
        return self.name if self.sign > 0 else f"减：{self.name}"


@dataclass(frozen=True)
class ValueSpec:
    """How the 指标值 is computed: rates.<rate>(a, b); `sources` are the defined names `from` links a and b to;
    `unit` is the unit of a and b the evaluator types (万元, 人, 个…), when the framework gives it."""

    rate: str
    a: str
    b: str
    sources: tuple[str, str] | None = None
    unit: str = ""
    parts: tuple[tuple[Part, ...], tuple[Part, ...]] = ((), ())  # a and b each built from inputs of their own

    def units(self) -> tuple[str, str]:
        """The units of a and b: a linked figure's is its sheet's, a typed one's the framework's."""
        if self.sources:
            return linked_unit(self.sources[0]), linked_unit(self.sources[1])
        return self.unit, self.unit


@dataclass(frozen=True)
class BandsRule:
    bands: tuple[ValueBand, ...]
    no_value: Decimal | None = None


@dataclass(frozen=True)
class PerPointRule:
    """Full points while the value is `op` (le/ge) `bound`; `deduct` off per `step` beyond it, counted by `count`."""

    op: str
    bound: Decimal
    deduct: Decimal
    step: Decimal
    count: str = "exact"
    no_value: Decimal | None = None


@dataclass(frozen=True)
class RatioRule:
    """points × value (÷ target when given), capped at points."""

    target: Decimal | None = None
    no_value: Decimal | None = None


@dataclass(frozen=True)
class TargetRule:
    """An outcome scored from the unit's own target and what it achieved, read as the self-assessment reads them
    ("举办招聘活动100场以上" against "112场"): points × the degree of completion, capped at points."""

    no_value: None = None  # an unreadable or unmet qualitative target is the evaluator's to score


@dataclass(frozen=True)
class ChecklistItem:
    text: str
    score: Decimal


@dataclass(frozen=True)
class ChecklistRule:
    """The 评价要点; `equal` when the items were plain texts sharing the points evenly."""

    items: tuple[ChecklistItem, ...]
    equal: bool


@dataclass(frozen=True)
class FindingKind:
    """A kind of finding and what each one costs (未按时拨付 0.5 分, 挪用资金 2 分)."""

    text: str
    deduct: Decimal


@dataclass(frozen=True)
class FindingsRule:
    """points − per_finding × the number of findings, down to 0. With `up_to`, each finding costs between
    per_finding and up_to (the evaluator weighs it): the score is then checked to lie in that range. With `kinds`,
    findings of each kind cost that kind's deduction, and the evaluator counts them kind by kind ("1、0、2")."""

    per_finding: Decimal
    up_to: Decimal | None = None
    kinds: tuple[FindingKind, ...] = ()


@dataclass(frozen=True)
class ManualRule:
    step: Decimal | None = None


@dataclass(frozen=True)
class CustomRule:
    """A slot with a points budget for the 部门特性指标 the evaluator sets per unit on the sheet (name, points,
    standard, score on each of `rows` rows), checked to add up to the slot's points: one framework for every unit."""

    rows: int = 5


Rule = BandsRule | PerPointRule | RatioRule | TargetRule | ChecklistRule | FindingsRule | ManualRule | CustomRule


@dataclass(frozen=True)
class EvalIndicator:
    """A leaf of the tree: one row of the 评分表.

    Attributes:
      path: 一级/二级[/三级[/四级]] names, the last being the indicator itself.
      points: 分值.
      method: one of METHODS; `rule` holds its parameters.
      source: where the standard comes from.
      value: how the 指标值 is computed, or None when there is no figure (or the evaluator types it).
      description: the 评价要点, when the rule file gives them.
      percent: the rule writes its thresholds as percentages ("10%"), so its words show them so.
      score_places: the framework's; scores are rounded to it, half up, at the end only.
    """

    path: tuple[str, ...]
    points: Decimal
    method: str
    rule: Rule
    source: str
    value: ValueSpec | None = None
    description: str = ""
    percent: bool = False
    score_places: int = DEFAULT_SCORE_PLACES
    choice: str = ""  # the group of alternatives it belongs to (二者择其一, N 选 M), if any

    @property
    def key(self) -> str:
        return "/".join(self.path)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def computed(self) -> bool:
        return self.method in COMPUTED_METHODS

    @property
    def custom(self) -> bool:
        """A slot of 部门特性指标: the evaluator's own rows, adding up to its points."""
        return self.method == "custom"

    @property
    def from_target(self) -> bool:
        """Its 数据A and 数据B are the unit's target and actual, as texts; its 指标值 is the degree of completion."""
        return self.method == "target"


@dataclass(frozen=True)
class Framework:
    """An evaluation framework: the indicator tree, its standards and grades.

    Attributes:
      title: its formal name, as a report and the score sheet print it.
      levels: the points `[[levels]]` gives inner nodes (each checked to be the sum of its children's).
      source: where the framework comes from (for its author and `perfeval rules`; never printed in a report).
      note: what a user should know before using it ("分值为示例分值…"): shown by `perfeval rules` and on 说明,
        never on the score sheet or in the report an evaluator hands in.
    """

    name: str
    title: str
    full_marks: Decimal
    score_places: int
    grades: tuple[Grade, ...]
    indicators: tuple[EvalIndicator, ...]
    levels: Mapping[tuple[str, ...], Decimal] = field(hash=False)  # a mapping has no hash; the rest identifies it
    source: str = ""
    note: str = ""
    not_applicable: str | None = None  # what an indicator marked 不适用 counts: NA_FULL, NA_PRORATE, or not allowed
    choices: tuple[Choice, ...] = ()  # groups of alternatives: the evaluator scores `pick` of them

    def choice_of(self, key: str) -> Choice | None:
        """The group of alternatives a leaf belongs to, if any."""
        return next((choice for choice in self.choices if key in choice.keys), None)


@dataclass(frozen=True)
class Choice:
    """Alternatives under one parent sharing points (二者择其一; 可选项, N 选 M): the evaluator scores `pick` of them
    and marks the others NOT_CHOSEN; each counts its own 分值, all have the same."""

    name: str
    pick: int
    keys: tuple[str, ...]
    points: Decimal
    parent: tuple[str, ...]

    @property
    def left_out(self) -> Decimal:
        """The 分值 of the alternatives not picked: what the sum of the members' 分值 exceeds the group's by."""
        return (len(self.keys) - self.pick) * self.points

    def alongside(self, key: str) -> str:
        """A member's group in words: “与重点工作办结率二者择其一”."""
        others = "、".join(other.split("/")[-1] for other in self.keys if other != key)
        return f"与{others}{self.words}"

    @property
    def words(self) -> str:
        """二者择其一, 三者择其一, 五选二 as frameworks write them."""
        count = len(self.keys)
        if self.pick == 1 and count <= 10:
            return f"{'零一二三四五六七八九十'[count]}者择其一"
        return f"{count}选{self.pick}"


NOT_CHOSEN = "未选用"  # what the evaluator types in the 得分 of an alternative not picked


NOT_APPLICABLE = "不适用"  # what the evaluator types in a leaf's 得分 when the indicator does not apply to the unit


# 视同满分: the indicator scores its points; 按适用分值折算: it leaves the tree, and the total is the score of the
# indicators that apply scaled to full marks (得分合计 ÷ 适用指标分值合计 × 满分)
NA_FULL, NA_PRORATE = "full", "prorate"


NA_POLICIES = {NA_FULL: "视同满分", NA_PRORATE: "不计分值，总分按适用指标分值折算"}


@dataclass(frozen=True)
class Node:
    """A node of the tree: an inner node (一级, 二级, a 4-level path's 三级) or a leaf (its indicator)."""

    path: tuple[str, ...]
    points: Decimal
    level: int
    children: tuple[Node, ...]
    indicator: EvalIndicator | None = None

    @property
    def key(self) -> str:
        return "/".join(self.path)

    @property
    def is_leaf(self) -> bool:
        return self.indicator is not None

    @property
    def subtotal_label(self) -> str:
        """Its 小计 row named, as a formal score sheet names it: “预算编制小计” for a 二级, “投入合计” for a 一级."""
        return f"{self.path[-1]}{TOTAL_OF_LEVEL1 if self.level == 1 else SUBTOTAL}"


@dataclass(frozen=True)
class TreeScores:
    """The scores of every node ("/".join(path) -> score), the total and the grade.

    An unscored leaf maps to None and counts 0 in the sums above it, as the sheet's SUM does, so a half-filled
    sheet shows its running subtotals; it is listed in `unscored`, and the grade is None until there are none.
    """

    scores: Mapping[str, Decimal | None]
    total: Decimal
    grade: str | None
    unscored: tuple[str, ...]
    not_applicable: tuple[str, ...] = ()  # leaves marked 不适用 (each counted as the framework says)
    applicable: Decimal | None = None  # 按适用分值折算: the points of the indicators that apply; total is scaled
    summed: Decimal | None = None  # 按适用分值折算: the scores added up, before scaling
    not_chosen: tuple[str, ...] = ()  # alternatives marked 未选用 (they count nothing)

    @property
    def complete(self) -> bool:
        return not self.unscored
