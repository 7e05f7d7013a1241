"""The one catalogue of findings: each code declared once with its severity, group, meaning (含义) and correction.

Checks make findings through these declarations (`WEIGHTS_TOTAL(message, where)`), the 审核意见 letters read the
correction from here, and docs/findings.md is generated from here (`perfeval docs-tables`); a test fails when a
finding carries a code that is not declared below. A code's severity is the one it usually has; where a check
gives it another in some cases, `severity_note` says when, and the check passes `severity=`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from perfeval_xl.core.records import ERROR, HINT, CellRef, Finding

# the groups, in the order the reference lists them
HEADER = "表头与目标"
WEIGHTS = "分值"
INDICATORS = "指标的评分"
SCORES = "得分、总分与等级"
SUMS = "合计"
CONTROLS = "超编与超支"
PRINTED = "印出的比率"
CROSS = "表与表之间"
NARRATIVE = "报告文字"
EVALUATION = "评价指标评分表"
CYCLE = "目标申报与运行监控"
READING = "读取工作簿"
REVIEW = "批量复核"
GROUPS = (
    HEADER,
    WEIGHTS,
    INDICATORS,
    SCORES,
    SUMS,
    CONTROLS,
    PRINTED,
    CROSS,
    NARRATIVE,
    EVALUATION,
    CYCLE,
    READING,
    REVIEW,
)


@dataclass(frozen=True)
class Code:
    """A kind of finding.

    Attributes:
      code: the stable ASCII identifier ("weights-total") that summaries, JSON and letters carry.
      severity: 错误 (blocks the report) or 提示 (does not), as the code usually has it.
      group: the part of the job it belongs to (one of GROUPS).
      meaning: 含义 — what it means, in a line of plain Chinese (the finding's own message gives the figures).
      correction: 改正 — what the unit is asked to do about it (the 审核意见 letters print it).
      severity_note: when a check gives the code another severity, in words; empty when it never does.
    """

    code: str
    severity: str
    group: str
    meaning: str
    correction: str
    severity_note: str = ""

    def __call__(self, message: str, where: CellRef | None = None, *, severity: str | None = None) -> Finding:
        """A finding of this kind: `message` with the figures, pointing at `where` when known."""
        return Finding(severity or self.severity, self.code, message).located(where)


# ---------------------------------------------------------------- 表头与目标

UNIT_NAME_MISSING = Code("unit-name-missing", ERROR, HEADER, "预算部门（单位）名称未填", "补填预算部门名称")
PROJECT_NAME_MISSING = Code(
    "project-name-missing", ERROR, HEADER, "项目名称未填（附件3、目标申报表或监控表）", "补填项目名称"
)
YEAR_MISSING = Code("year-missing", HINT, HEADER, "评价年度（预算年度）未填", "在“说明”页补填年度")
COMPETENT_DEPT_MISSING = Code(
    "competent-dept-missing", HINT, HEADER, "项目的主管部门未填（附件3 或目标申报表）", "补填主管部门"
)
GOAL_MISSING = Code("goal-missing", HINT, HEADER, "年度总体目标（预期目标）未填", "补填年度总体目标")
GOAL_ACTUAL_MISSING = Code(
    "goal-actual-missing", HINT, HEADER, "年度总体目标的实际完成情况未填", "补填年度总体目标的实际完成情况"
)
INDICATOR_UNNAMED = Code("indicator-unnamed", HINT, HEADER, "有一行指标未填三级指标名称", "补填三级指标名称")

# ---------------------------------------------------------------- 分值

EXECUTION_WEIGHT = Code(
    "execution-weight",
    ERROR,
    WEIGHTS,
    "预算执行率分值与规则不符",
    "按评分规则改正预算执行率的分值",
    "未填写时为提示，按规则取分值",
)
HEADING_WEIGHT = Code(
    "heading-weight", ERROR, WEIGHTS, "一级指标标题上的分值与规则不符", "按评分规则改正一级指标标题中的分值"
)
BLOCK_WEIGHT = Code(
    "block-weight",
    ERROR,
    WEIGHTS,
    "某一级指标下各三级指标分值合计不等于该一级指标的分值",
    "调整该一级指标下各三级指标的分值，使其合计等于该一级指标的分值",
)
WEIGHTS_TOTAL = Code(
    "weights-total", ERROR, WEIGHTS, "全部分值合计不等于满分", "按评分规则调整各项分值，使分值合计等于满分"
)
PRINTED_WEIGHT_TOTAL = Code(
    "printed-weight-total", ERROR, WEIGHTS, "“总分”一栏印的分值与各行合计不符", "按各行分值之和改正“总分”一栏的分值"
)
LEVEL1_UNKNOWN = Code("level1-unknown", ERROR, WEIGHTS, "一级指标不在规则之中", "按评分规则改正一级指标名称")
LEVEL2_UNKNOWN = Code(
    "level2-unknown",
    HINT,
    WEIGHTS,
    "二级指标不属于其一级指标",
    "按评分规则改正二级指标名称，或把该指标移到所属的一级指标下",
)
WEIGHT_MISSING = Code("weight-missing", ERROR, WEIGHTS, "指标的分值未填", "补填分值")
WEIGHT_UNREADABLE = Code("weight-unreadable", ERROR, WEIGHTS, "指标的分值不是数字", "在分值一栏只填写数字")
WEIGHT_NEGATIVE = Code("weight-negative", ERROR, WEIGHTS, "指标的分值为负数", "分值不能为负，请改正")

# ---------------------------------------------------------------- 指标的评分

ACTUAL_MISSING = Code("actual-missing", ERROR, INDICATORS, "定量指标的实际完成值未填", "补填实际完成值")
UNIT_MISMATCH = Code(
    "unit-mismatch", ERROR, INDICATORS, "年度指标值与实际完成值的单位不一致", "使年度指标值与实际完成值的计量单位一致"
)
TARGET_UNREADABLE = Code(
    "target-unreadable",
    HINT,
    INDICATORS,
    "年度指标值无法自动评分（附原因），须人工评分",
    "按“95%以上”“≤5.4%”这样的写法改写年度指标值，或人工评定得分",
)
ACTUAL_UNREADABLE = Code(
    "actual-unreadable",
    HINT,
    INDICATORS,
    "实际完成值无法自动评分（附原因），须人工评分",
    "把实际完成值写成数字，或人工评定得分",
)
ACTUAL_NOT_NUMBER = Code(
    "actual-not-number",
    HINT,
    INDICATORS,
    "定量目标的实际完成值是文字，无法自动评分，须人工评分",
    "实际完成值填写数字（与年度指标值的单位一致），或人工评定得分",
)
ACTUAL_IS_RANGE = Code(
    "actual-is-range", HINT, INDICATORS, "实际完成值是一个区间，无法自动评分，须人工评分", "实际完成值填写一个数"
)
TARGET_NOT_POSITIVE = Code(
    "target-not-positive",
    HINT,
    INDICATORS,
    "年度指标值为零或负数，无法按比例评分，须人工评分",
    "核对年度指标值；目标确为零或负数时人工评定得分",
)
TARGET_FAR_EXCEEDED = Code(
    "target-far-exceeded",
    HINT,
    INDICATORS,
    "实际完成值超过目标 150% 以上，目标可能设置偏低",
    "核对实际完成值；目标确实偏低时，来年调高目标",
)
DEVIATION_PENALTY = Code(
    "deviation-penalty",
    HINT,
    INDICATORS,
    "实际完成值大幅超出目标，按“偏离”规则扣分（省级平台规则）",
    "核对实际完成值，说明大幅超出目标的原因",
)

# ---------------------------------------------------------------- 得分、总分与等级

SCORE_NOT_APPLICABLE = Code(
    "score-not-applicable", HINT, SCORES, "指标标为不适用，却填写了得分（不计分）", "删去不适用指标的得分"
)
SCORE_NEEDS_JUDGEMENT = Code(
    "score-needs-judgement", ERROR, SCORES, "须人工评定的指标没有得分", "对该指标作出评定并填写得分"
)
SCORE_OVER_WEIGHT = Code("score-over-weight", ERROR, SCORES, "得分超过分值", "得分不得超过分值，请改正")
SCORE_NEGATIVE = Code("score-negative", ERROR, SCORES, "得分为负数", "得分不能为负，请改正")
SCORE_UNREADABLE = Code("score-unreadable", ERROR, SCORES, "得分不是数字", "在得分一栏只填写数字")
SCORE_ABOVE_RULE = Code(
    "score-above-rule",
    ERROR,
    SCORES,
    "人工得分高于按规则计算的得分",
    "按评分规则重新计算得分，或在偏差原因中写明依据",
)
SCORE_BELOW_RULE = Code(
    "score-below-rule",
    HINT,
    SCORES,
    "人工得分低于按规则计算的得分",
    "按评分规则重新计算得分，或在偏差原因中写明扣分理由",
)
SCORE_ABOVE_BAND = Code(
    "score-above-band",
    ERROR,
    SCORES,
    "定性指标的人工得分高于实际完成情况对应的档次",
    "按实际完成情况对应的档次重新评分",
)
SCORE_BELOW_BAND = Code(
    "score-below-band",
    HINT,
    SCORES,
    "定性指标的人工得分低于实际完成情况对应的档次",
    "按实际完成情况对应的档次重新评分，或写明理由",
)
REASON_MISSING = Code(
    "reason-missing",
    ERROR,
    SCORES,
    "未完成年度指标值（定量指标按方向判断，定性指标按“未完成”“部分完成”等字样）或扣了分，却没有写明原因",
    "填写偏差原因分析及改进措施（评分表上为扣分原因）",
)
REASON_FOR_DEDUCTION = Code("reason-for-deduction", HINT, SCORES, "扣了分，宜说明理由", "在偏差原因中说明扣分理由")
FUNDING_MISSING = Code(
    "funding-missing",
    ERROR,
    SCORES,
    "年度资金总额的全年预算数或执行数未填，或附件2 按支出性质分的基本支出、项目支出未填（没有时应填 0）",
    "补填年度资金总额和按支出性质分的金额（没有时填 0）",
)
EXEC_OVER_BUDGET = Code("exec-over-budget", HINT, SCORES, "执行数大于预算数（得分按分值封顶）", "说明超预算支出的原因")
EXEC_LOW_NO_REASON = Code(
    "exec-low-no-reason", ERROR, SCORES, "执行率低于规定值（默认 90%）却没有偏差原因", "填写执行率偏差原因"
)
PRINTED_SCORE = Code(
    "printed-score", ERROR, SCORES, "预算执行率得分与 分值 × 执行率 不符", "按 分值 × 执行率 改正预算执行率得分"
)
PRINTED_TOTAL = Code(
    "printed-total",
    ERROR,
    SCORES,
    "印的总分与各项得分合计不符",
    "按各项得分之和改正总分",
    "差额在各项得分四舍五入的尾差之内时为提示",
)
TOTAL_CAPPED = Code(
    "total-capped", HINT, SCORES, "总分按执行率封顶（省级平台规则）", "核对总分：按规则，总分不超过封顶的分数"
)
GRADE_MISMATCH = Code("grade-mismatch", ERROR, SCORES, "等级与总分不符", "按总分改正等级")

# ---------------------------------------------------------------- 合计

SUM_MISMATCH = Code(
    "sum-mismatch",
    ERROR,
    SUMS,
    "合计不等于各项之和（三公经费、公车、项目支出、公用经费其中项、资金来源、基本 + 项目 = 执行数、按收入性质分、"
    "收支预决算三个恒等式、明细表、评分表的小计和总分）",
    "核对合计与各项，使合计等于各项之和",
)

# ---------------------------------------------------------------- 超编与超支

STAFF_OVER_QUOTA = Code("staff-over-quota", HINT, CONTROLS, "实际在职人数超过编制数", "说明超编的原因")
OVER_BUDGET = Code("over-budget", HINT, CONTROLS, "三公经费或公用经费决算超过预算", "说明超预算支出的原因")
BUILDING_OVER = Code("building-over", HINT, CONTROLS, "楼堂馆所超规模或超投资", "说明超规模或超投资的原因")

# ---------------------------------------------------------------- 印出的比率

PRINTED_RATE = Code(
    "printed-rate",
    ERROR,
    PRINTED,
    "印的比率（或评分表的得分率）与数据算出的不符（容差为印出精度的半个单位）",
    "按表中数据重新计算该比率，改正印出的数",
    "尾差调整或截尾时为提示",
)
PRINTED_RATE_NO_BASE = Code(
    "printed-rate-no-base",
    ERROR,
    PRINTED,
    "分母为空或为零，比率不存在，却印了数字",
    "分母为空或为零时不计算比率，改填“—”",
    "印为 0 时为提示",
)

# ---------------------------------------------------------------- 表与表之间

_CROSS_NOTE = "相差 0.01 以内为提示"
_CROSS_FIX = "核对各表中的同一数字，使之一致"
CROSS_PROJECT_SPENDING = Code(
    "cross-project-spending", ERROR, CROSS, "附件1 与附件2 的项目支出不一致", _CROSS_FIX, _CROSS_NOTE
)
CROSS_BASIC_SPENDING = Code(
    "cross-basic-spending",
    ERROR,
    CROSS,
    "收支预决算的人员经费与公用经费之和与附件2 的基本支出不一致",
    _CROSS_FIX,
    _CROSS_NOTE,
)
CROSS_PUBLIC_FUNDS = Code(
    "cross-public-funds", ERROR, CROSS, "附件1 与收支预决算的公用经费不一致", _CROSS_FIX, _CROSS_NOTE
)
CROSS_BASIC_BREAKDOWN = Code(
    "cross-basic-breakdown",
    ERROR,
    CROSS,
    "报告文字中基本支出按经济分类的合计与附件2 的基本支出不一致",
    _CROSS_FIX,
    _CROSS_NOTE,
)
PROJECT_SHEET_MISSING = Code(
    "project-sheet-missing", ERROR, CROSS, "附件1 列出的项目没有附件3", "为该项目补报附件3 项目支出绩效自评表"
)
PROJECT_AMOUNT_MISMATCH = Code(
    "project-amount-mismatch",
    ERROR,
    CROSS,
    "附件3 全年执行数与附件1 该项目决算数不一致",
    "核对附件3 全年执行数与附件1 该项目的决算数，使之一致",
    _CROSS_NOTE,
)
PROJECT_NOT_LISTED = Code(
    "project-not-listed", HINT, CROSS, "附件3 的项目没有列在附件1 中", "在附件1 项目支出中列出该项目，或核对项目名称"
)

# ---------------------------------------------------------------- 报告文字

NARRATIVE_FIGURE = Code(
    "narrative-figure",
    ERROR,
    NARRATIVE,
    "“报告文字”中引用的金额（“三公”经费、公用经费、基本支出、项目支出）与表中不一致",
    "改正报告文字中引用的金额，使之与表中一致",
)
NARRATIVE_MISSING = Code(
    "narrative-missing",
    HINT,
    NARRATIVE,
    "“报告文字”中职能职责、机构设置、职责履行、预算管理、问题或措施未填（报告中该部分会写“未填写”）",
    "在“报告文字”中补写该部分",
)

# ---------------------------------------------------------------- 评价指标评分表

SCORE_ABOVE_STANDARD = Code(
    "score-above-standard",
    ERROR,
    EVALUATION,
    "计算类指标手工填写的得分高于评分标准按指标值给出的分数",
    "按评分标准和指标值重新计分，或在扣分原因中写明改判的依据",
    "扣分原因中写明了依据时为提示",
)
BAND_SCORE_UNKNOWN = Code(
    "band-score-unknown", ERROR, EVALUATION, "分档计分的指标，得分不是任何一档的分数", "按指标值所在的档次给分"
)
CHECKLIST_MISMATCH = Code(
    "checklist-mismatch",
    ERROR,
    EVALUATION,
    "得分与数据A 写明的符合要点不符",
    "核对符合的评价要点，使得分等于这些要点的分值之和",
)
FINDINGS_MISMATCH = Code(
    "findings-mismatch", ERROR, EVALUATION, "得分与数据A 写明的问题个数不符", "按发现的问题个数和每个问题的扣分重新计分"
)
SCORE_STEP = Code(
    "score-step", ERROR, EVALUATION, "人工评分不是规定最小单位（如 0.5 分）的整数倍", "按评分标准规定的最小单位给分"
)
POINTS_CHANGED = Code(
    "points-changed", ERROR, EVALUATION, "评分表上的分值与指标体系规定的不同", "按评价指标体系改正分值"
)
EVAL_UNSCORED = Code("eval-unscored", ERROR, EVALUATION, "还有指标没有得分", "对每个指标评分后再报送")
EVAL_ROW_UNKNOWN = Code(
    "eval-row-unknown",
    ERROR,
    EVALUATION,
    "评分表中有不属于指标体系的行",
    "删除不属于评价指标体系的行，或把该指标加入指标体系文件",
)
CUSTOM_ROW_INCOMPLETE = Code(
    "custom-row-incomplete",
    ERROR,
    EVALUATION,
    "部门特性指标的一行缺少名称、分值、评分标准或得分",
    "为每项部门特性指标写明名称、分值、评分标准并评分；不用的行整行留空",
)
CUSTOM_POINTS_MISMATCH = Code(
    "custom-points-mismatch",
    ERROR,
    EVALUATION,
    "部门特性指标各项的分值合计与指标体系给它的分值不同",
    "调整各项部门特性指标的分值，使合计等于指标体系规定的分值",
)
NOT_APPLICABLE_REFUSED = Code(
    "not-applicable-refused",
    ERROR,
    EVALUATION,
    "指标的得分写了“不适用”，但评价指标体系没有规定不适用的指标如何计分（视同满分或按适用分值折算），或“不适用”"
    "前后多了空格、表上的合计认不出它：合计不计入它；或按适用分值折算时所有指标都标为“不适用”，总分无从折算",
    "按评分标准打分，或只写“不适用”三个字；指标体系没有规定时，在指标体系文件中写明 not_applicable 后重新生成评分表",
)
CHOICE_MISMATCH = Code(
    "choice-mismatch",
    ERROR,
    EVALUATION,
    "可选的指标（二者择其一、N 选 M）评分的个数与指标体系规定的不同，或不可选的指标写了“未选用”，或“未选用”前后"
    "多了空格、表上的合计认不出它",
    "选用的指标照常评分，不用的在“得分”中只写“未选用”三个字；不可选的指标必须评分",
)
NOT_APPLICABLE_UNEXPLAINED = Code(
    "not-applicable-unexplained",
    ERROR,
    EVALUATION,
    "指标标为“不适用”，却没有写明为什么不适用",
    "在“扣分原因”一列写明该指标不适用于被评价单位的理由",
)
EVAL_ROW_MISSING = Code(
    "eval-row-missing",
    ERROR,
    EVALUATION,
    "评分表中找不到某个指标的行（最右一列的指标路径被改动或整行被删除）",
    "请用原模板重新填写，不要删除评分表的行或改动最右一列的指标路径",
)

# ---------------------------------------------------------------- 目标申报与运行监控

TARGET_BLOCK_MISSING = Code(
    "target-block-missing",
    ERROR,
    CYCLE,
    "绩效目标缺少必设的指标：产出指标下的数量指标或质量指标、效益指标，或按101号工程基建和大型修缮及购置项目的成本指标",
    "补设缺少的指标，每个指标写明指标值",
)
DECLARED_TARGET_MISSING = Code(
    "declared-target-missing",
    ERROR,
    CYCLE,
    "申报的指标没有指标值，或指标值是“**”“__”之类的占位符",
    "填写指标值：定量的写方向、数字和单位（如“≥95%”），定性的写可评判的文字",
)
DECLARED_TARGET_UNREADABLE = Code(
    "declared-target-unreadable",
    ERROR,
    CYCLE,
    "申报的指标值读不出一个方向和一个数字（区间、多个数字等），到自评时无法按规则评分",
    "改成一个方向、一个数字和单位（如“≥95%”“≤120万元”），或写成不含数字的定性目标",
)
COST_TARGET_UNBOUNDED = Code(
    "cost-target-unbounded",
    ERROR,
    CYCLE,
    "成本指标写成了下限（≥、不低于），成本指标应当控制上限",
    "改为上限，如“≤120万元”“控制在120万元以内”",
)
TARGET_STRUCTURE_UNKNOWN = Code(
    "target-structure-unknown",
    ERROR,
    CYCLE,
    "说明页的指标体系不是 2020 或 2021，或表中的一级、二级指标不属于它",
    "在说明页选写 2020（财预〔2020〕10号）或 2021（财预〔2021〕101号），按它生成的表填写",
)
PROJECT_CLASS_UNKNOWN = Code(
    "project-class-unknown",
    ERROR,
    CYCLE,
    "项目类别不是下拉列表中的一项（一般项目、工程基建项目、大型修缮及购置项目）",
    "从下拉列表中选择项目类别",
)
DECLARED_FUNDS_UNBALANCED = Code(
    "declared-funds-unbalanced",
    ERROR,
    CYCLE,
    "年度资金总额不等于财政拨款与其他资金之和",
    "核对资金来源，使年度资金总额 = 财政拨款 + 其他资金",
)
DECLARED_FUNDS_MISSING = Code(
    "declared-funds-missing", HINT, CYCLE, "申报表的年度资金总额未填", "补填年度资金总额和资金来源"
)
GOAL_WITHOUT_INDICATORS = Code(
    "goal-without-indicators",
    ERROR,
    CYCLE,
    "年度总体目标的条数多于绩效指标，有的目标没有对应的指标",
    "为每个年度总体目标设置至少一个绩效指标",
)
MONITOR_MONTH_MISSING = Code(
    "monitor-month-missing", ERROR, CYCLE, "监控月份未填或不是 1 到 12 的整数", "在“说明”页填写监控月份（如 7）"
)
PROGRESS_LAG_UNEXPLAINED = Code(
    "progress-lag-unexplained",
    ERROR,
    CYCLE,
    "监控期执行率低于序时进度超过规则的限度，却没有写执行偏差原因",
    "在“执行偏差原因”中写明执行慢的原因和加快执行的措施",
)
FORECAST_OVER_BUDGET = Code(
    "forecast-over-budget",
    ERROR,
    CYCLE,
    "全年预计执行数超过年初预算数",
    "核对预计执行数；确需超预算执行的，按规定调整预算，并在执行偏差原因中写明",
    "写了执行偏差原因时为提示",
)
FORECAST_CONTRADICTS_CERTAINTY = Code(
    "forecast-contradicts-certainty",
    ERROR,
    CYCLE,
    "全年预计完成情况达不到年度指标值，完成目标可能性却选了“确定能”",
    "核对全年预计完成情况；确实完不成的，完成目标可能性改为“有可能”或“完全不可能”，并写明原因和纠偏措施",
)
CORRECTION_MISSING = Code(
    "correction-missing",
    ERROR,
    CYCLE,
    "完成目标可能性为“有可能”或“完全不可能”，备注中却没有纠偏措施",
    "在备注中写明纠偏措施（或申请调整目标的理由）",
)
DEVIATION_CAUSE_MISSING = Code(
    "deviation-cause-missing",
    HINT,
    CYCLE,
    "预计完不成的指标没有偏差原因分析（五类保障和原因说明都空着）",
    "在对应的保障栏打“√”或写明，并写原因说明",
)
POSSIBILITY_MISSING = Code(
    "possibility-missing",
    ERROR,
    CYCLE,
    "完成目标可能性填的不是“确定能/有可能/完全不可能”",
    "从下拉列表中选择完成目标可能性",
)
MONITOR_ROW_INCOMPLETE = Code(
    "monitor-row-incomplete",
    ERROR,
    CYCLE,
    "监控表中的指标或年度主要任务没有填完：执行情况、全年预计完成情况或完成目标可能性空着",
    "逐项填写执行情况和全年预计完成情况，并选择完成目标可能性",
)
MONITOR_MONEY_MISSING = Code(
    "monitor-money-missing",
    ERROR,
    CYCLE,
    "监控表的执行数或全年预计执行数未填写",
    "填写各资金来源的执行数和全年预计执行数（没有的填 0）",
)
TARGET_CHANGED = Code(
    "target-changed",
    ERROR,
    CYCLE,
    "年度指标值与申报（批复）的绩效目标不同",
    "改回申报的指标值；确需调整的，按规定办理绩效目标调整，并附调整依据",
)
TARGET_NOT_DECLARED = Code(
    "target-not-declared",
    HINT,
    CYCLE,
    "表中的指标不在申报的绩效目标里，或申报的指标不在表中",
    "核对指标是否与申报（批复）的绩效目标一致；增减指标须办理目标调整",
)

# ---------------------------------------------------------------- 读取工作簿

NUMBER_AS_TEXT = Code(
    "number-as-text",
    HINT,
    READING,
    "数字单元格里是“以文本形式存储的数字”（从系统导出或粘贴来的常见）：Excel 的求和不计入它，合计因此按 Excel 的"
    "算法（不含它）读取",
    "把以文本形式存储的数字转换为数字",
)
NUMBER_UNREADABLE = Code(
    "number-unreadable",
    ERROR,
    READING,
    "数字单元格里填的不是数字（如“12元”“约30”、错误值“#DIV/0!”）",
    "在该单元格中只填写数字",
)
NAME_MISSING = Code(
    "name-missing", ERROR, READING, "工作簿中找不到某个定义名称", "请用原模板重新填写，不要删除表格中的行或名称"
)
NAME_BROKEN = Code(
    "name-broken", ERROR, READING, "定义名称指向的单元格已被删除", "请用原模板重新填写，不要删除表格中的行或名称"
)
RULE_SET_UNKNOWN = Code(
    "rule-set-unknown",
    ERROR,
    READING,
    "“说明”页写的评分规则不存在或规则文件有误（本次按全国默认规则审核）",
    "在“说明”页的“评分规则”中写正确的规则名称",
)
INPUT_FORMULA = Code(
    "input-formula",
    ERROR,
    READING,
    "应填写的单元格里是公式，文件中又没有它的计算结果（如由程序生成、未经 Excel 保存的文件）",
    "在该单元格中直接填写数字或文字，不要填公式",
)
FORMULA_REPLACED = Code(
    "formula-replaced",
    HINT,
    READING,
    "应由公式计算的单元格被换成了用户自己的公式（如 =5、=D15）：按文件中保存的结果作为显示的值，下游计算和核对都用它",
    "恢复模板的公式，或直接填写数字",
    "文件中没有它的计算结果时为错误",
)
COMPUTED_BLANK = Code(
    "computed-blank",
    HINT,
    READING,
    "应由公式计算的单元格是空的（公式被清除），表上看不到结果，引用它的公式也当它是空的；提示按数据应得的值",
    "恢复被清除的公式",
)
FORMULA_OVERWRITTEN = Code(
    "formula-overwritten",
    HINT,
    READING,
    "应由公式计算的单元格被改成了手工数字（改写的金额合计即为下游计算用的数；比率、得分按“印出的数”核对）",
    "恢复模板的公式；确需改写时核对改写的数",
)
CACHED_STALE = Code(
    "cached-stale",
    HINT,
    READING,
    "文件中保存的计算结果与按当前数据重新计算的不一致",
    "在 Excel 中全部重新计算（Ctrl+Alt+F9）后保存",
)
FUNCTIONS_MISSING = Code(
    "functions-missing",
    HINT,
    READING,
    "文件上次保存时 PE_* 函数没有计算（#NAME?），多半是没有安装加载项",
    "安装“绩效自评”加载项后重新计算并保存，或使用无宏版",
)

# ---------------------------------------------------------------- 批量复核

DUPLICATE_SUBMISSION = Code(
    "duplicate-submission",
    HINT,
    REVIEW,
    "（仅批量复核）同一单位同一年度提交了不止一份同种自评表",
    "只保留一份最终的自评表，撤回其余的",
)


def _declared() -> Mapping[str, Code]:
    codes = [value for value in globals().values() if isinstance(value, Code)]
    catalogue = {code.code: code for code in codes}
    if len(catalogue) != len(codes):  # a code declared twice: the import fails, and so does every test
        raise RuntimeError("a finding code is declared twice in core/codes.py")
    return MappingProxyType(catalogue)


CATALOGUE: Mapping[str, Code] = _declared()  # code -> its declaration, in the order declared
