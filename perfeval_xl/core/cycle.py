"""The annual cycle's records and words: 绩效目标申报表 and 运行监控表, the indicator structures, the declared targets.

A declaration (目标申报) holds one table for the department as a whole and one per project; the monitoring
(运行监控) carries the same tree with the period's figures and forecasts; the self-assessment made from a
declaration keeps the declared targets (DeclaredTarget) so that a changed 年度指标值 is found without the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from perfeval_xl.core.numbers import compact_text
from perfeval_xl.core.rulesets import level1_name, level2_name

# the two indicator structures in use: 财预〔2020〕10号 (成本 under 产出, as 附件2/附件3) and 财预〔2021〕101号 (成本 a
# 一级 of its own); a rule set names one ([cycle] structure), `perfeval new --structure` picks another
STRUCTURES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "2020": MappingProxyType(
            {
                "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
                "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
                "满意度指标": ("服务对象满意度指标",),
            }
        ),
        "2021": MappingProxyType(
            {
                "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
                "产出指标": ("数量指标", "质量指标", "时效指标"),
                "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标"),
                "满意度指标": ("服务对象满意度指标",),
            }
        ),
    }
)


STRUCTURE_TITLES = MappingProxyType({"2020": "财预〔2020〕10号", "2021": "财预〔2021〕101号"})


def structure_label(structure: str) -> str:
    """How 说明 writes a structure: 2020（财预〔2020〕10号）."""
    return f"{structure}（{STRUCTURE_TITLES[structure]}）"


def structure_of(text: str) -> str | None:
    """The structure 说明 names: "2021（财预〔2021〕101号）" -> "2021"; None when it names none."""
    written = text.strip()
    return next((key for key in STRUCTURES if written.startswith(key)), None)


# 项目类别 on a project's declaration: under 101号 the last two must declare 成本 indicators
PROJECT_CLASSES = ("一般项目", "工程基建项目", "大型修缮及购置项目")


COST_REQUIRED_CLASSES = frozenset(PROJECT_CLASSES[1:])


# 完成目标可能性, and the codes the 预算管理一体化 platforms store it as (1/2/3)
CERTAIN, POSSIBLE, IMPOSSIBLE = "确定能", "有可能", "完全不可能"


POSSIBILITIES = (CERTAIN, POSSIBLE, IMPOSSIBLE)


POSSIBILITY_CODES = MappingProxyType({"1": CERTAIN, "2": POSSIBLE, "3": IMPOSSIBLE})


# 偏差原因分析's five causes (a tick or a few words each) and the 原因说明 beside them
CAUSES = (
    ("cause_funds", "经费保障"),
    ("cause_rules", "制度保障"),
    ("cause_staff", "人员保障"),
    ("cause_facilities", "硬件条件保障"),
    ("cause_other", "其他"),
)


OVERALL_DECLARATION, PROJECT_DECLARATION = "overall", "project"


OVERALL_TABLE = ""  # how the kept targets name the department's table; a project's is the project's name


COST = "成本指标"


# the 二级指标 whose targets are costs: 成本指标 under 产出 (2020), and the three under the 一级 成本指标 (2021)
COST_LEVEL2 = frozenset({COST, *STRUCTURES["2021"][COST]})


def is_cost_indicator(level2: object) -> bool:
    """A cost target is bounded from above, and a bare number in it reads as "不超过", in both structures."""
    return level2_name(level2) in COST_LEVEL2


def indicator_key(level1: object, level2: object, level3: object) -> tuple[str, str, str]:
    """An indicator as the stages match it: its 一级 and 二级 as headed, its name without spaces of any width."""
    return level1_name(level1)[0], level2_name(level2), compact_text(str(level3 or ""))


TICKS = frozenset({"√", "✓", "✔", "☑", "是", "Y", "y", "1"})


def cause_text(causes: Mapping[str, str], note: str) -> str:
    """偏差原因分析 in a clause: the 保障 ticked (or the words written in their columns), then the 原因说明."""
    named = []
    for key, label in CAUSES:
        value = (causes.get(key) or "").strip()
        if value:
            named.append(label if value in TICKS else f"{label}（{value}）")
    parts = [f"{'、'.join(named)}方面" if named else "", note.strip()]
    return "，".join(part for part in parts if part)


@dataclass(frozen=True)
class TargetRow:
    """One indicator of a declaration: its place in the tree, the 指标值 and its 指标值说明."""

    level1: str
    level2: str
    level3: str
    target: str
    note: str = ""
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Declaration:
    """One 绩效目标申报表: the department's (kind overall) or a project's.

    Attributes:
      kind: overall or project.
      sheet: the sheet's title, for messages.
      name: the project's name (the unit's for the overall table).
      project_class: 一般项目, 工程基建项目 or 大型修缮及购置项目 (projects only).
      fund_total, fund_fiscal, fund_other: 年度资金总额 and its parts 财政拨款 / 其他资金, as typed (万元).
      goal: 年度总体目标.
      tasks: the department's 年度主要任务 (name, content) that are filled in.
      indicators: the indicator rows that are filled in.
    """

    kind: str
    sheet: str
    name: str = ""
    competent_dept: str = ""
    implementing_unit: str = ""
    project_class: str = ""
    fund_total: Decimal | None = None
    fund_fiscal: Decimal | None = None
    fund_other: Decimal | None = None
    goal: str = ""
    tasks: tuple[tuple[str, str], ...] = ()
    indicators: tuple[TargetRow, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class TargetBook:
    """A whole declaration workbook: the structure its trees follow (and what 说明 writes, when it names none, or
    another), the department's table and the projects'."""

    structure: str
    overall: Declaration | None = None
    projects: tuple[Declaration, ...] = ()
    structure_written: str = ""
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tables(self) -> tuple[Declaration, ...]:
        return ((self.overall,) if self.overall else ()) + self.projects


@dataclass(frozen=True)
class MonitorRow:
    """One indicator of a 运行监控表: the declared target, the period's 执行情况, the forecast and its judgement."""

    level1: str
    level2: str
    level3: str
    target: str
    progress: str = ""
    forecast: str = ""
    causes: Mapping[str, str] = field(default_factory=dict)
    cause_note: str = ""
    possibility: str = ""
    remark: str = ""
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class MonitorTask:
    """One of the department's 年度主要任务 on its monitoring table: as declared, and how it goes."""

    name: str
    content: str = ""
    progress: str = ""
    forecast: str = ""
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class MonitorTable:
    """One 绩效监控表: the department's or a project's, with the period's money and the indicator rows."""

    kind: str
    sheet: str
    name: str = ""
    fund_budget: Decimal | None = None
    fund_executed: Decimal | None = None
    fund_forecast: Decimal | None = None
    exec_rate: Decimal | None = None
    forecast_rate: Decimal | None = None
    fund_reason: str = ""
    goal: str = ""
    goal_progress: str = ""
    goal_forecast: str = ""
    tasks: tuple[MonitorTask, ...] = ()
    indicators: tuple[MonitorRow, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class MonitorBook:
    """A whole monitoring workbook: the month its figures run to, the tables."""

    month: int | None
    overall: MonitorTable | None = None
    projects: tuple[MonitorTable, ...] = ()
    where: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tables(self) -> tuple[MonitorTable, ...]:
        return ((self.overall,) if self.overall else ()) + self.projects


@dataclass(frozen=True)
class DeclaredTarget:
    """A 年度指标值 as declared, kept in a workbook made from the declaration: table is "" for the department's
    table, else the project's name."""

    table: str
    level1: str
    level2: str
    level3: str
    target: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.table, self.level1, self.level2, self.level3)
