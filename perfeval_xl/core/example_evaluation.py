"""The filled evaluation example: a fictional unit (示例县农业农村局) scored on gongxing-2013 by a fictional firm.

Not a real published evaluation: the figures are made up to be consistent (收支预决算 adds up, 附件1 agrees with it),
and every deduction has its reason, so `perfeval check` finds nothing and the 评价报告 reads as one would be signed.
"""

from __future__ import annotations

from dataclasses import dataclass

UNIT = "示例县农业农村局"
EVALUATOR = "示例评价咨询有限公司评价组"


@dataclass(frozen=True)
class EvaluationExample:
    """What an evaluator types into an evaluation workbook.

    Attributes:
      framework: the framework's name (a shipped one).
      named: (defined name, value) for 说明, 附件1, 收支预决算 and 评价报告文字.
      tables: (table name, rows as {column key: value}) for 附件1's tables.
      rows: (indicator path, {column key: value}) for the 评分表; column keys as layout.evaluation.LETTERS.
    """

    framework: str
    named: tuple[tuple[str, object], ...]
    tables: tuple[tuple[str, tuple[dict[str, object], ...]], ...]
    rows: tuple[tuple[str, dict[str, object]], ...]


_REVENUE = {
    # column: (预算, 决算), 万元; 合计 3,580.00 / 3,497.55 = 年初结转结余 + 财政拨款 + 其他收入
    # = 支出合计 3,469.50 / 3,401.25 + 年末结转结余 (合计 and 支出合计 are the sheet's formulas)
    "carryover_begin": (210.50, 210.50),
    "appropriation": (3250.00, 3186.35),
    "other_income": (119.50, 100.70),
    "personnel": (2180.00, 2152.36),
    "public": (86.40, 84.92),
    "project": (1203.10, 1163.97),
    "carryover_end": (110.50, 96.30),
}

_BASIC = {
    "staff_quota": 45,
    "staff_actual": 43,
    "sangong_car_running_prev": 6.50,
    "sangong_car_running_budget": 7.00,
    "sangong_car_running_final": 6.12,
    "sangong_reception_prev": 4.70,
    "sangong_reception_budget": 5.00,
    "sangong_reception_final": 3.74,
    "public_funds_prev": 81.75,
    "public_funds_budget": 86.40,
    "public_funds_final": 84.92,
    "public_office_prev": 30.20,
    "public_office_budget": 32.00,
    "public_office_final": 31.48,
    "procurement_budget": 120.00,
    "procurement_final": 112.60,
    "austerity_measures": "严格执行中央八项规定及其实施细则精神，压减一般性支出，“三公”经费实行预算总额控制，"
    "公务接待执行“公函+清单”制度。",
}

_PROJECTS = (  # 附件1 项目支出: its 合计 (1,098.40 / 1,203.10 / 1,163.97) is the sheet's formula
    {"label": "农业技术推广项目", "prev": 312.60, "budget": 356.00, "final": 348.75},
    {"label": "耕地保护与质量提升项目", "prev": 524.30, "budget": 586.40, "final": 562.02},
    {"label": "农村人居环境整治项目", "prev": 261.50, "budget": 260.70, "final": 253.20},
)

_TEXTS = {
    "eval_overview": "示例县农业农村局是县政府工作部门，内设办公室、计划财务股、农业产业发展股等 8 个股室，"
    "下属农业技术推广中心等 3 个事业单位；编制 45 人，年末实有 43 人。2024 年部门预算支出 3,469.50 万元，"
    "决算支出 3,401.25 万元，主要用于人员工资、农业技术推广、耕地保护和农村人居环境整治。",
    "eval_goals": "围绕粮食安全和乡村振兴履行职责：全县粮食播种面积稳定在 52 万亩以上，完成高标准农田建设 1.2 万亩，"
    "农业技术推广服务覆盖全部 14 个乡镇，农村卫生厕所普及率达到 85%，全年不发生区域性重大动植物疫情。",
    "eval_purpose": "受县财政局委托，对示例县农业农村局 2024 年度部门整体支出进行绩效评价，了解预算资金的"
    "使用效益和部门履职情况，发现预算管理中的问题，为以后年度的预算安排和管理提供参考。评价范围为该局 2024 年度"
    "纳入部门预算管理的全部收支。",
    "eval_principles": "",
    "eval_process": "评价组于 2025 年 3 月成立，制定评价工作方案；3 月 10 日至 3 月 28 日进驻现场，查阅预算、"
    "决算、会计凭证和项目档案，抽查项目 6 个，发放服务对象满意度问卷 500 份；4 月上旬汇总评分，与被评价单位交换意见后"
    "形成本报告。",
    "eval_experience": "一是预算编制与年度工作计划同步下达，重点项目提前入库论证；二是“三公”经费实行总额控制，"
    "全年支出低于预算；三是农业技术推广项目按季度跟踪进度，当年全部完成。",
    "eval_problems": "部分绩效目标与年度任务的对应关系不够清晰，个别指标无法衡量；专项资金拨付进度不均衡。",
    "eval_suggestions": "一是按年度任务细化绩效指标，做到可衡量、可考核；二是建立专项资金拨付台账，按时拨付；"
    "三是按规定时限公开部门决算。",
    "eval_other": "",
}

_ROWS: tuple[tuple[str, dict[str, object]], ...] = (
    ("投入/目标设定/绩效目标合理性", {"score": 1, "reason": "部分绩效目标与部门“三定”方案规定的职责对应关系表述不清"}),
    ("投入/目标设定/绩效指标明确性", {"a": "1、2、4", "score": 3, "reason": "绩效指标未与部门年度任务数相对应"}),
    ("投入/预算配置/在职人员控制率", {}),
    ("投入/预算配置/“三公经费”变动率", {"a": 12.00, "b": 13.50}),
    ("投入/预算配置/重点支出安排率", {"a": 980.00, "b": 1163.97, "reason": "重点支出安排率低于 90%"}),
    ("过程/预算执行/预算完成率", {"reason": "部分项目资金年底未支出"}),
    ("过程/预算执行/预算调整率", {"a": 3469.50, "b": 3390.00, "reason": "年中追加预算 79.50 万元"}),
    ("过程/预算执行/支付进度率", {"a": 1, "score": 2.5, "reason": "1 笔耕地保护专项资金 6 月底前未全部拨付"}),
    ("过程/预算执行/结转结余率", {"score": 0.9, "reason": "年末结转结余 96.30 万元，其中部分为可当年支出的项目资金"}),
    ("过程/预算执行/结转结余变动率", {"reason": "年末仍有结转结余，但比上年末减少"}),
    ("过程/预算执行/公用经费控制率", {}),
    ("过程/预算执行/“三公经费”控制率", {}),
    ("过程/预算执行/政府采购执行率", {"reason": "部分政府采购项目结余"}),
    ("过程/预算管理/管理制度健全性", {"a": "全部", "score": 3}),
    ("过程/预算管理/资金使用合规性", {"a": 0, "score": 3}),
    ("过程/预算管理/预决算信息公开性", {"a": "1", "score": 2, "reason": "部门决算晚于规定时限公开"}),
    ("过程/预算管理/基础信息完善性", {"score": 3}),
    ("过程/资产管理/管理制度健全性", {"a": "全部", "score": 2}),
    ("过程/资产管理/资产管理安全性", {"a": 1, "score": 2, "reason": "1 台报废设备未及时办理处置手续"}),
    ("过程/资产管理/固定资产利用率", {"a": 1850.00, "b": 1920.00, "reason": "部分农机具闲置"}),
    ("产出/职责履行/实际完成率", {"a": 46, "b": 48, "reason": "2 项计划工作未完成"}),
    ("产出/职责履行/完成及时率", {"a": 45, "b": 48, "reason": "3 项工作未按期完成"}),
    ("产出/职责履行/质量达标率", {"a": 47, "b": 48, "reason": "1 项工作验收未达标"}),
    ("产出/职责履行/重点工作办结率", {"a": 12, "b": 12}),
    ("效果/履职效益/经济效益", {"score": 2, "reason": "农业产业项目的带动效果尚未显现"}),
    ("效果/履职效益/社会效益", {"score": 3, "reason": "部分农村人居环境整治点的长效管护机制未建立"}),
    ("效果/履职效益/生态效益", {"score": 2}),
    ("效果/履职效益/社会公众或服务对象满意度", {"a": 412, "b": 500, "reason": "服务对象满意度 82.40%，低于 90%"}),
    ("效果/能力建设/长效管理", {"score": 2}),
    ("效果/能力建设/人力资源建设", {"score": 1.5, "reason": "专业技术人员培训计划执行不到位"}),
    ("效果/能力建设/档案管理", {"score": 2}),
)


def evaluation_example() -> EvaluationExample:
    """The fictional unit's evaluation workbook, as its evaluator would fill it."""
    revenue = [
        (f"rev_{column}_{row}", figure)
        for column, figures in _REVENUE.items()
        for row, figure in zip(("budget", "final"), figures, strict=True)
    ]
    header = (
        ("unit_name", UNIT),
        ("fiscal_year", 2024),
        ("eval_evaluator", EVALUATOR),
        ("eval_report_date", "2025年4月18日"),
    )
    named = (*header, *_BASIC.items(), *revenue, *_TEXTS.items())
    return EvaluationExample("gongxing-2013", named, (("projects", _PROJECTS),), _ROWS)
