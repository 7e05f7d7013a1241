"""The records of every family of workbook (the self-assessment tables, the 评价指标评分表) as values, and Finding.

Records know nothing about files. Each can carry `where`, a mapping from its field names to the cell the
value came from, so that a finding can point at it; records built by hand simply leave it empty.
Amounts are Decimal 万元, rates are Decimal fractions, and None means the cell was blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.core.cycle import DeclaredTarget, MonitorBook, TargetBook
from perfeval_xl.core.frameworks import EvalIndicator, Framework, TreeScores

ERROR, HINT = "错误", "提示"  # 错误 blocks the report; 提示 does not


@dataclass(frozen=True)
class CellRef:
    """Where a value came from.

    Attributes:
      sheet: the worksheet's name as the user sees it ("附件1 基础数据表").
      cell: an A1 reference ("C6"), or None when only the sheet is known.
    """

    sheet: str
    cell: str | None = None

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


Where = Mapping[str, CellRef]


# Where a value came from is not part of the value: two records with the same figures are equal.
_WHERE = {"default_factory": dict, "compare": False, "repr": False}


class _Located:
    where: Where

    def at(self, name: str) -> CellRef | None:
        """The cell that field `name` came from, if known."""
        return self.where.get(name)


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer would send back, or point out.

    Attributes:
      severity: 错误 (blocks the report) or 提示 (does not).
      code: a stable ASCII identifier of the kind of finding (core/codes.py declares every one).
      message: what is wrong, in plain Chinese, with the figures.
      sheet: the worksheet, when known.
      cell: the A1 reference, when known.
    """

    severity: str
    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def located(self, ref: CellRef | None) -> Finding:
        """This finding pointing at `ref` (unchanged when `ref` is None or it already points somewhere)."""
        if ref is None or self.sheet is not None:
            return self
        return Finding(self.severity, self.code, self.message, ref.sheet, ref.cell)

    def __str__(self) -> str:
        place = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or "")
        return f"[{self.severity}] {place + ' ' if place else ''}{self.message}"


@dataclass(frozen=True)
class Header(_Located):
    """The unit and the year (说明 sheet / 封面).

    Attributes:
      unit_name: 预算部门（单位）名称.
      fiscal_year: the year assessed (2023 for the report filed in 2024).
      budget_code: 预算编码.
      contact: 联系人 and telephone, as typed.
      rule_set: the name of the scoring rule set, or a path to a user's TOML file.
    """

    unit_name: str = ""
    fiscal_year: int | None = None
    budget_code: str = ""
    contact: str = ""
    rule_set: str = "national"
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class Staff(_Located):
    """财政供养人员情况（人）.

    Attributes:
      quota: 编制数.
      actual: 实际在职人数.
      printed_control_rate: 控制率 as printed on the form, if any.
    """

    quota: Decimal | None = None
    actual: Decimal | None = None
    printed_control_rate: Decimal | None = None
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class SpendingRow(_Located):
    """One row of 经费控制情况（万元）: a 三公经费 item, a project, a 公用经费 item, 政府采购….

    Attributes:
      key: the row's stable name ("sangong", "sangong_reception", "project", "public_office"…).
      label: the row's label as printed ("3、公务接待", "社保基金督查专项经费").
      prev: 上年决算数.
      budget: 本年预算数.
      final: 本年决算数.
      printed_control_rate: 控制率 (决算 ÷ 预算) as printed, if the form prints one.
      printed_change_rate: 同比增减率 (vs 上年决算) as printed, if any.
    """

    key: str
    label: str
    prev: Decimal | None = None
    budget: Decimal | None = None
    final: Decimal | None = None
    printed_control_rate: Decimal | None = None
    printed_change_rate: Decimal | None = None
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class Building(_Located):
    """楼堂馆所控制情况 (buildings completed this year).

    Attributes:
      approved_area: 批复规模（㎡）.
      actual_area: 实际规模（㎡）.
      budget_investment: 预算投资（万元）.
      actual_investment: 实际投资（万元）.
      printed_area_rate: 规模控制率 as printed.
      printed_investment_rate: 投资概算控制率 as printed.
    """

    approved_area: Decimal | None = None
    actual_area: Decimal | None = None
    budget_investment: Decimal | None = None
    actual_investment: Decimal | None = None
    printed_area_rate: Decimal | None = None
    printed_investment_rate: Decimal | None = None
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class BasicData(_Located):
    """附件1 部门整体支出绩效评价基础数据表.

    Attributes:
      staff: 财政供养人员情况.
      sangong: 三公经费 (total) and its items, keyed sangong_car, sangong_car_purchase, sangong_car_running,
        sangong_abroad, sangong_reception.
      project_spending: 项目支出 (total).
      projects: one row per project (key "project"), then 市级专项资金 rows (key "special_fund").
      public_funds: 公用经费 (total).
      public_items: 其中 rows of 公用经费 (public_office, public_utilities_travel, public_meeting_training).
      procurement: 政府采购金额 (no 上年 column).
      basic_adjustment: 部门基本支出预算调整 (no 上年 column).
      building: 楼堂馆所控制情况.
      austerity_measures: 厉行节约保障措施, free text as typed.
    """

    staff: Staff = field(default_factory=Staff)
    sangong: SpendingRow = field(default_factory=lambda: SpendingRow("sangong", "三公经费"))
    sangong_items: tuple[SpendingRow, ...] = ()
    project_spending: SpendingRow = field(default_factory=lambda: SpendingRow("project_spending", "项目支出"))
    projects: tuple[SpendingRow, ...] = ()
    public_funds: SpendingRow = field(default_factory=lambda: SpendingRow("public_funds", "公用经费"))
    public_items: tuple[SpendingRow, ...] = ()
    procurement: SpendingRow = field(default_factory=lambda: SpendingRow("procurement", "政府采购金额"))
    basic_adjustment: SpendingRow = field(
        default_factory=lambda: SpendingRow("basic_adjustment", "部门基本支出预算调整")
    )
    building: Building = field(default_factory=Building)
    austerity_measures: str = ""
    where: Where = field(**_WHERE)

    def sangong_item(self, key: str) -> SpendingRow | None:
        """The 三公经费 item with this key, if the form has it."""
        return next((row for row in self.sangong_items if row.key == key), None)


@dataclass(frozen=True)
class FundLine(_Located):
    """One line of the funding block (年度资金总额, 当年财政拨款, 上年结转资金, 其他资金…).

    Attributes:
      label: as printed.
      initial: 年初预算数.
      budget: 全年预算数.
      executed: 全年执行数.
    """

    label: str
    initial: Decimal | None = None
    budget: Decimal | None = None
    executed: Decimal | None = None
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class Funding(_Located):
    """年度预算申请 / 项目资金 block of 附件2 and 附件3.

    Attributes:
      total: 年度资金总额, with 年初预算数, 全年预算数 and 全年执行数.
      weight: 分值 of the 预算执行率 row.
      printed_exec_rate: 执行率 as printed.
      printed_score: 得分 as typed or printed (None if blank).
      sources: 附件3's 其中 lines (当年财政拨款, 上年结转资金, 其他资金), which add up to the total.
      income_general, income_gov_fund, income_special_account, income_other: 附件2 按收入性质分
        (一般公共预算, 政府性基金拨款, 纳入专户管理的非税收入拨款, 其他资金).
      expense_basic, expense_project: 附件2 按支出性质分 (基本支出, 项目支出).
      reason: 偏差原因 of the 预算执行率 row (required when 执行率 is low), free text as typed.
    """

    total: FundLine = field(default_factory=lambda: FundLine("年度资金总额"))
    weight: Decimal | None = None
    printed_exec_rate: Decimal | None = None
    printed_score: Decimal | None = None
    sources: tuple[FundLine, ...] = ()
    income_general: Decimal | None = None
    income_gov_fund: Decimal | None = None
    income_special_account: Decimal | None = None
    income_other: Decimal | None = None
    expense_basic: Decimal | None = None
    expense_project: Decimal | None = None
    reason: str = ""
    where: Where = field(**_WHERE)

    @property
    def income_lines(self) -> tuple[Decimal | None, ...]:
        return (self.income_general, self.income_gov_fund, self.income_special_account, self.income_other)


@dataclass(frozen=True)
class Indicator(_Located):
    """One 三级指标 row of 附件2 or 附件3.

    Attributes:
      level1: 一级指标 (产出指标, 效益指标, 满意度指标), as printed; headings like "产出指标(50分)" are read by
        scoring.level1_name().
      level2: 二级指标 (数量指标, 质量指标…).
      level3: 三级指标, the indicator's name.
      target: 年度指标值, as typed.
      actual: 实际完成值, as typed.
      weight: 分值.
      score: 得分 typed by a person (a manual score), or None when the engine is to compute it.
      reason: 偏差原因分析及改进措施, free text as typed.
    """

    level1: str
    level2: str
    level3: str
    target: str = ""
    actual: str = ""
    weight: Decimal | None = None
    score: Decimal | None = None
    reason: str = ""
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class Assessment(_Located):
    """附件2 部门整体支出绩效自评表 (kind "dept") or one 附件3 项目支出绩效自评表 (kind "project").

    Attributes:
      kind: "dept" or "project".
      name: 预算部门名称 (附件2) or 项目名称 (附件3).
      competent_dept: 主管部门 (附件3).
      implementing_unit: 实施单位 (附件3).
      funding: the funding block with the 预算执行率 row.
      goal_expected: 年度总体目标 预期目标, as typed.
      goal_actual: 实际完成情况, as typed.
      indicators: the 三级指标 rows, in order; blank and "……" rows are not records.
      block_weights: first-level weights printed in the headings ("产出指标(50分)" -> {"产出指标": 50}).
      printed_weight_total: the 总分 row's 分值 as printed (100).
      printed_total: the self-assessed 总分 as printed or typed.
      printed_grade: the grade as printed (优, 良好…), if any.
    """

    kind: str
    name: str = ""
    competent_dept: str = ""
    implementing_unit: str = ""
    funding: Funding = field(default_factory=Funding)
    goal_expected: str = ""
    goal_actual: str = ""
    indicators: tuple[Indicator, ...] = ()
    block_weights: Mapping[str, Decimal] = field(default_factory=dict)
    printed_weight_total: Decimal | None = None
    printed_total: Decimal | None = None
    printed_grade: str = ""
    where: Where = field(**_WHERE)

    @property
    def title(self) -> str:
        """How messages name this table: 附件2 or 附件3《项目名》."""
        return "附件2" if self.kind == "dept" else f"附件3《{self.name or '未命名项目'}》"


@dataclass(frozen=True)
class RevenueColumn(_Located):
    """One column of the 收支预决算 table: rows 预算, 决算 and 差异率.

    Attributes:
      key: total, carryover_begin, appropriation, other_income, expense_total, personnel, public, project,
        carryover_end.
      label: as printed (合计, 年初结转结余…).
      budget: 预算.
      final: 决算.
      printed_diff_rate: 差异率 as printed.
    """

    key: str
    label: str
    budget: Decimal | None = None
    final: Decimal | None = None
    printed_diff_rate: Decimal | None = None
    where: Where = field(**_WHERE)


REVENUE_COLUMNS = (
    ("total", "合计"),
    ("carryover_begin", "年初结转结余"),
    ("appropriation", "财政拨款"),
    ("other_income", "其他收入"),
    ("expense_total", "支出小计"),
    ("personnel", "人员经费"),
    ("public", "公用经费"),
    ("project", "项目支出"),
    ("carryover_end", "年末结转结余"),
)


@dataclass(frozen=True)
class RevenueTable(_Located):
    """收支预决算 table (预算 / 决算 / 差异率 by column).

    Attributes:
      columns: the columns present, in REVENUE_COLUMNS order.
    """

    columns: tuple[RevenueColumn, ...] = ()
    where: Where = field(**_WHERE)

    def column(self, key: str) -> RevenueColumn | None:
        return next((c for c in self.columns if c.key == key), None)


@dataclass(frozen=True)
class ShareRow(_Located):
    """One row of a breakdown with 占比 (公用经费明细, 支出决算按经济分类).

    Attributes:
      label: the item (办公费…).
      amount: 决算支出（万元）.
      printed_share: 占比 as printed.
    """

    label: str
    amount: Decimal | None = None
    printed_share: Decimal | None = None
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class ShareTable(_Located):
    """A breakdown whose rows add up to a total, each with its share of it.

    Attributes:
      title: the table's name in the report (公用经费明细).
      rows: the items.
      total: the 合计 as printed.
      printed_total_share: the 合计's 占比 as printed (100%).
    """

    title: str
    rows: tuple[ShareRow, ...] = ()
    total: Decimal | None = None
    printed_total_share: Decimal | None = None
    where: Where = field(**_WHERE)


NARRATIVE_TEXTS = (
    ("duties", "职能职责"),
    ("organization", "机构设置"),
    ("staff_notes", "人员情况（补充说明）"),
    ("evaluation_process", "绩效评价工作过程"),
    ("duty_performance", "部门职责履行情况"),
    ("budget_management", "预算管理情况"),
    ("problems", "存在的问题及原因分析"),
    ("measures", "下一步改进措施"),
    ("result_use", "绩效自评结果拟应用和公开情况"),
    ("other_notes", "其他需要说明的情况"),
)
ECONOMIC_CLASSES = (
    ("wage_welfare", "工资福利支出"),
    ("goods_services", "商品和服务支出"),
    ("individual_family", "对个人和家庭的补助"),
    ("capital", "资本性支出"),
)
OTHER_BUDGETS = (
    ("gov_fund_spending", "政府性基金预算支出"),
    ("state_capital_spending", "国有资本经营预算支出"),
    ("social_insurance_spending", "社会保险基金预算支出"),
)


@dataclass(frozen=True)
class Narrative(_Located):
    """报告文字: what only the narrative report needs, as the unit typed it.

    Attributes:
      report_date: the date on the cover, as typed ("2024年6月26日").
      texts: free text by key (NARRATIVE_TEXTS: duties, organization, … other_notes), kept exactly as typed.
      basic_by_class: 基本支出 决算 by economic class (ECONOMIC_CLASSES), 万元.
      other_budgets: 政府性基金, 国有资本经营 and 社会保险基金 预算支出 (OTHER_BUDGETS), 万元; None when there is none.
    """

    report_date: str = ""
    texts: Mapping[str, str] = field(default_factory=dict)
    basic_by_class: Mapping[str, Decimal | None] = field(default_factory=dict)
    other_budgets: Mapping[str, Decimal | None] = field(default_factory=dict)
    where: Where = field(**_WHERE)

    def text(self, key: str) -> str:
        return self.texts.get(key, "")


@dataclass(frozen=True)
class Submission:
    """Everything a unit files for one year: what the checks, the workbook and the report work on.

    Attributes:
      header: the unit and year.
      basic: 附件1, if filed.
      overall: 附件2, if filed.
      projects: one 附件3 per first-level project.
      revenue: the 收支预决算 table, if filed.
      share_tables: breakdowns with 占比 printed in the report.
      narrative: the 报告文字 sheet, if filed.
      evaluation: the 评价指标评分表 of a 部门整体支出绩效评价 workbook, if that is what it is.
      targets: the 绩效目标申报表 of a declaration workbook, if that is what it is.
      monitor: the 绩效监控表 of a monitoring workbook, if that is what it is.
      declared: the targets declared for this year, kept in a workbook made from the declaration.
    """

    header: Header = field(default_factory=Header)
    basic: BasicData | None = None
    overall: Assessment | None = None
    projects: tuple[Assessment, ...] = ()
    revenue: RevenueTable | None = None
    share_tables: tuple[ShareTable, ...] = ()
    narrative: Narrative | None = None
    evaluation: EvaluationSheet | None = None
    targets: TargetBook | None = None
    monitor: MonitorBook | None = None
    declared: tuple[DeclaredTarget, ...] = ()


# ---------------------------------------------------------------- 部门整体支出绩效评价: the 评价指标评分表


@dataclass(frozen=True)
class CustomRow(_Located):
    """A 部门特性指标 the evaluator set in a slot: its name, points, standard, score and reason as shown; `where` has
    the cells of name, points, score and reason."""

    name: str
    points: Decimal | None
    standard: str
    score: Decimal | None
    reason: str
    where: Where = field(**_WHERE)

    @property
    def filled(self) -> bool:
        return bool(self.name or self.standard or self.reason) or (self.points, self.score) != (None, None)


@dataclass(frozen=True)
class LeafRow(_Located):
    """One indicator row of the 评价指标评分表 as it shows after a full recalculation.

    Attributes:
      indicator: the framework's indicator the row's path names.
      a, b: 数据A/数据B as shown (a number, None, or for a checklist the text of the items met).
      value: 指标值 as shown: a number, None (blank) or "—" (no value: no denominator).
      standard: what the indicator's standard gives for that 指标值 (computed methods), else None.
      score: 得分 as shown; typed: the evaluator typed it (over the formula, or where there is none).
      reason: 扣分原因 as typed.
      points_shown: 分值 as the sheet shows it (checked against the framework's).
      data_value: the 指标值 数据A and 数据B give (a number, "—" without a denominator), or None when they give
        none; a 指标值 typed over its formula is checked against it, and the score must follow it.
      rate: 得分率 as shown, for a 二级 with no 三级 that has no 指标值 (its row shows one there), else None.
      custom: a 部门特性指标 slot's rows (its own row is their 小计: 分值 and 得分 their sums).
      not_applicable: its 得分 says 不适用, which the framework allows (score is None then).
      where: the cells of points, a, b, value, score and reason (and rate, where the row has one).
    """

    indicator: EvalIndicator
    a: object
    b: object
    value: object
    standard: Decimal | None
    score: Decimal | None
    typed: bool
    reason: str
    points_shown: object
    data_value: object = None
    rate: Decimal | None = None
    custom: tuple[CustomRow, ...] = ()
    where: Where = field(**_WHERE)
    not_applicable: bool = False  # its 得分 says 不适用 (and the framework says how that counts)
    not_chosen: bool = False  # an alternative its 得分 says 未选用 (二者择其一 and the like): it counts nothing
    # the inputs a and b are built from, when the framework builds them (“减：涉改调整”, the number as typed)
    parts: tuple[tuple[tuple[str, Decimal | None], ...], tuple[tuple[str, Decimal | None], ...]] = ((), ())


@dataclass(frozen=True)
class SumRow(_Located):
    """A 小计 or the 总分 row as shown: 分值, 得分 and 得分率; `where` has the cells of points, score and rate.
    `typed`: the 得分 is not the template's SUM (typed over, cleared, a formula of the user's). `foreign_points`
    and `foreign_score`: what rows that are not the framework's (inserted inside the SUM's range) add to it."""

    key: str
    points: Decimal | None
    score: Decimal | None
    rate: Decimal | None
    typed: bool = False
    foreign_points: Decimal = Decimal(0)
    foreign_score: Decimal = Decimal(0)
    where: Where = field(**_WHERE)


@dataclass(frozen=True)
class EvaluationSheet(_Located):
    """The 评价指标评分表 as read, and the engine's scores of the tree from the leaves' shown scores.

    Attributes:
      framework: the evaluation framework the sheet was made from.
      title: the sheet's name.
      leaves: the indicator rows, in sheet order.
      subtotals: the 小计 rows by the path of the node they add up.
      total: the 总分 row.
      grade: the 等级 as shown.
      scores: the engine's scores of every node from the leaves' shown scores.
      texts: what the evaluator typed on 评价报告文字 (and 说明's evaluator and date), by defined name.
      where: the cell of the grade.
    """

    framework: Framework
    title: str
    leaves: tuple[LeafRow, ...]
    subtotals: Mapping[str, SumRow]
    total: SumRow | None
    grade: object
    scores: TreeScores
    texts: Mapping[str, str] = field(default_factory=dict)
    where: Where = field(**_WHERE)

    def leaf(self, key: str) -> LeafRow | None:
        return next((leaf for leaf in self.leaves if leaf.indicator.key == key), None)
