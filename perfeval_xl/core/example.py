"""The built-in example: 岳阳市君山区人社局's 2023 self-assessment, as published and as corrected.

The published figures are transcribed from the official forms (附件1–附件3) of the public document in the
project's reference material, mistakes included. The corrected version fixes what the checks report:
- 附件2: the indicator 分值 are rescaled so that 产出 carries 50, 效益 30 and 满意度 10 (with 预算执行率 10: 100),
  and the scores are left to the engine;
- 附件1: 项目支出 本年决算数 306.23 becomes 306.22 as in 附件2, and 项目支出 is split into the listed project and
  a second one, "事业单位招考工作经费" (named in the report's text; its 附件3 indicators are illustrative);
- 附件3《社保基金督查专项经费》: 分值 rescaled to 50/30/10 with an illustrative 满意度 indicator, and the
  主管部门 / 实施单位 filled in;
- figures the forms compute (控制率, 执行率, the 预算执行率 得分, 总分) are left to the engine, as they are in a
  workbook whose formulas are live.
"""

from __future__ import annotations

from decimal import Decimal

from perfeval_xl.core.numbers import D, NotANumber
from perfeval_xl.core.records import (
    Assessment,
    BasicData,
    Funding,
    FundLine,
    Header,
    Indicator,
    Narrative,
    SpendingRow,
    Staff,
    Submission,
)

UNIT = "岳阳市君山区人力资源和社会保障局"
PROJECT = "社保基金督查专项经费"
SECOND_PROJECT = "事业单位招考工作经费"


def _d(value: str | None) -> Decimal | None:
    number = D(value)
    assert not isinstance(number, NotANumber), value
    return number


def _row(key: str, label: str, prev: str | None, budget: str | None, final: str | None) -> SpendingRow:
    return SpendingRow(key, label, _d(prev), _d(budget), _d(final))


def _indicator(
    level1: str,
    level2: str,
    level3: str,
    target: str,
    actual: str,
    weight: str,
    score: str | None = None,
    reason: str = "",
) -> Indicator:
    return Indicator(level1, level2, level3, target, actual, _d(weight), _d(score), reason)


def _basic(corrected: bool) -> BasicData:
    projects = [_row("project", PROJECT, None, "100", "100")]
    if corrected:
        projects.append(_row("project", SECOND_PROJECT, "283.46", "323.5", "206.22"))
    return BasicData(
        staff=Staff(_d("21"), _d("21"), None if corrected else _d("100%")),
        sangong=_row("sangong", "三公经费", "1.97", "1.5", "1.13"),
        sangong_items=(
            _row("sangong_car", "1、公务用车购置和维护经费", None, None, None),
            _row("sangong_car_purchase", "其中：公车购置", None, None, None),
            _row("sangong_car_running", "公车运行维护", None, None, None),
            _row("sangong_abroad", "2、出国经费", None, None, None),
            _row("sangong_reception", "3、公务接待", "1.97", "1.5", "1.13"),
        ),
        project_spending=_row("project_spending", "项目支出", "283.46", "423.5", "306.22" if corrected else "306.23"),
        projects=tuple(projects),
        public_funds=_row("public_funds", "公用经费", "224.47", "305.36", "305.36"),
        public_items=(
            _row("public_office", "其中：办公经费", "31.06", "34.5", "34.5"),
            _row("public_utilities_travel", "水费、电费、差旅费", "19.6", "26.5", "26.5"),
            _row("public_meeting_training", "会议费、培训费", None, None, None),
        ),
        procurement=_row("procurement", "政府采购金额", None, "257.3", "391.83"),
        austerity_measures=(
            "深入贯彻落实中央八项规定及其实施细则特神，严格控制“三公”经费开支，严禁超范围、超标准开支，"
            "践行精细化管理理念，加强绩效化管理，推进绩效评价结果与预算挂钩，严防资金低效使用，"
            "确保财力有效转化为保障力。"
        ),
    )


_OVERALL_ROWS = (
    # 二级指标, 三级指标, 年度指标值, 实际完成值, published 分值, published 得分, corrected 分值
    ("产出指标", "数量指标", "城镇登记失业率", "5.4%以内", "5.4%以内", "10", "10", "7"),
    ("产出指标", "数量指标", "工伤保险新开工工程建设项目参保率", "95%以上", "100%", "10", "10", "6"),
    ("产出指标", "质量指标", "失业人员再就业人数", "1200", "2380", "10", "10", "6"),
    ("产出指标", "质量指标", "城镇新增就业人数", "2400", "2910", "10", "10", "6"),
    ("产出指标", "时效指标", "养老保险待遇发放", "按时足额发放", "按时足额发放", "10", "10", "7"),
    ("产出指标", "时效指标", "工资集体协商建制率", "95%以上", "100%", "10", "10", "6"),
    ("产出指标", "时效指标", "社会保险补贴发放", "按政策按时补贴到位", "按政策按时补贴到位", "10", "10", "6"),
    ("产出指标", "成本指标", "公益性岗位补贴人均标准", "1740元/人/月", "1740元/人/月", "10", "10", "6"),
    ("效益指标", "经济效益指标", "政策宣传及执行率", "95%以上", "95%以上", "10", "10", "15"),
    ("效益指标", "经济效益指标", "年满60周岁并符合待遇领取人员终生保障率", "100%以上", "100%以上", "5", "5", "15"),
    ("满意度指标", "服务对象满意度指标", "参保人员满意度", "达95%以上", "95%以上", "5", "4", "10"),
)


def _overall(corrected: bool) -> Assessment:
    indicators = tuple(
        _indicator(l1, l2, l3, target, actual, fixed if corrected else weight, None if corrected else score)
        for l1, l2, l3, target, actual, weight, score, fixed in _OVERALL_ROWS
    )
    return Assessment(
        kind="dept",
        name=UNIT,
        funding=Funding(
            total=FundLine("年度资金总额", _d("741.21"), _d("1294.52"), _d("1294.52")),
            weight=_d("10"),
            printed_exec_rate=None if corrected else _d("100%"),
            income_general=_d("1294.52"),
            expense_basic=_d("988.3"),
            expense_project=_d("306.22"),
        ),
        goal_expected="贯彻落实社会保险有关政策和法律法规，负责全区各类社会保障、就业及人才管理的业务办理、基金运行及管理工作。",
        goal_actual="完成2023年全区各类社会保障、就业及人才管理的业务办理、基金运行及管理工作。",
        indicators=indicators,
        block_weights={"产出指标": _d("50"), "效益指标": _d("30"), "满意度指标": _d("10")},
        printed_weight_total=None if corrected else _d("100"),
        printed_total=None if corrected else _d("99"),
    )


_PROJECT_ROWS = (
    # 一级, 二级, 三级, 年度指标值, 实际完成值, published 分值/得分, corrected 分值, corrected 得分 (a person's)
    ("产出指标", "数量指标", "人社协理员培训", "按计划执行培训", "已进行培训", "15", "15", "15", None),
    ("产出指标", "质量指标", "社保基金安全完整率", "保证社保基金安全", "保证安全", "15", "15", "15", "15"),
    (
        "产出指标",
        "质量指标",
        "对各经办机构社保基金进行审计评价",
        "开展第三方审计",
        "已进行第三方审计",
        "15",
        "15",
        "20",
        None,
    ),
    ("效益指标", "经济效益指标", "间接推动经济发展", "有效提升", "有效提升", "10", "10", "6", None),
    (
        "效益指标",
        "社会效益指标",
        "有效加强全民参保计划，实现社会保险全覆盖",
        "做好宣传，对社会保险参保扩面",
        "进行宣传，提高了参保扩面",
        "15",
        "15",
        "8",
        "8",
    ),
    ("效益指标", "生态效益指标", "提升防范和化解社保基金风险隐患能力", "有效提升", "有效提升", "15", "15", "8", None),
    (
        "效益指标",
        "可持续影响指标",
        "保障失业人员基本生活，维护社会稳定，促进社会和谐",
        "显著提升",
        "显著提升",
        "15",
        "15",
        "8",
        None,
    ),
)


def _project(corrected: bool) -> Assessment:
    rows = [
        _indicator(
            l1, l2, l3, target, actual, fixed_weight if corrected else weight, fixed_score if corrected else score
        )
        for l1, l2, l3, target, actual, weight, score, fixed_weight, fixed_score in _PROJECT_ROWS
    ]
    if corrected:
        rows.append(_indicator("满意度指标", "服务对象满意度指标", "参保群众满意度（示意）", "≥90%", "93%", "10"))
    return Assessment(
        kind="project",
        name=PROJECT,
        competent_dept=UNIT if corrected else "",
        implementing_unit=UNIT if corrected else "",
        funding=Funding(
            total=FundLine("年度资金总额", _d("100"), _d("100"), _d("100")),
            weight=_d("10"),
            printed_exec_rate=None if corrected else _d("100%"),
            printed_score=None if corrected else _d("10"),
            sources=(
                FundLine("当年财政拨款", _d("100"), _d("100"), _d("100")),
                FundLine("上年结转资金"),
                FundLine("其他资金"),
            ),
        ),
        goal_expected="加强综合监管、行政监管，健全专项检查、交叉检查、飞行检查制度，开展多方面多形式的联合检查，形成监管合力",
        goal_actual="健全了各项检查制度，开展了联合检查，并开展了社保基金安全法治教育，引导人民群众积极参与社保基金监督",
        indicators=tuple(rows),
        block_weights={"产出指标": _d("50"), "效益指标": _d("30"), "满意度指标": _d("10")},
        printed_weight_total=None if corrected else _d("100"),
        printed_total=None if corrected else _d("100"),
    )


def _second_project() -> Assessment:
    """An illustrative 附件3 for the second project the corrected 附件1 lists."""
    return Assessment(
        kind="project",
        name=SECOND_PROJECT,
        competent_dept=UNIT,
        implementing_unit=UNIT,
        funding=Funding(
            total=FundLine("年度资金总额", _d("323.5"), _d("206.22"), _d("206.22")),
            weight=_d("10"),
            sources=(
                FundLine("当年财政拨款", _d("323.5"), _d("206.22"), _d("206.22")),
                FundLine("上年结转资金"),
                FundLine("其他资金"),
            ),
        ),
        goal_expected="按计划组织全区事业单位公开招聘考试，补充事业单位工作人员。（示意）",
        goal_actual="全年组织公开招考3次，补充事业单位工作人员62人。（示意）",
        indicators=(
            _indicator("产出指标", "数量指标", "组织公开招考次数", "≥2次", "3次", "20"),
            _indicator("产出指标", "质量指标", "考试组织程序", "按规定程序组织", "已按规定程序组织", "15"),
            _indicator("产出指标", "时效指标", "招考工作完成时间", "按计划时间完成", "已按时完成", "15"),
            _indicator("效益指标", "社会效益指标", "补充事业单位工作人员", "50人以上", "62人", "30"),
            _indicator("满意度指标", "服务对象满意度指标", "考生满意度", "≥90%", "95%", "10"),
        ),
        block_weights={"产出指标": _d("50"), "效益指标": _d("30"), "满意度指标": _d("10")},
    )


# The report's own words, from the published 自评报告 (the figures the report repeats come from the tables instead)
PUBLISHED_NARRATIVE = {
    "duties": (
        "主要负责贯彻执行国家人力资源和社会保障法规和政策，"
        "对全区人力资源和社会保障工作进行综合管理、监督指导和协调服务；"
        "负责全区事业单位人事管理；完善公共就业服务体系，抓好就业培训与就业援助，促进就业再就业；建立覆盖城乡的社会保障"
        "体系，负责全区社会保险基金的发放和管理；负责劳动保障监察和劳动人事争议仲裁，维护劳资双方合法权益；做好社会维稳"
        "工作；承办区委、区政府交办的工作。"
    ),
    "organization": (
        "岳阳市君山区人力资源和社会保障局内设机构8个，事业单位6个。内设机构包括：办公室（政工人事股、行政审批股）、"
        "社会保险综合股（信访维稳办公室）、就业创业和失业保险股、基金监督股、事业单位管理股（专技职称股）"
        "、工资福利和考核"
        "奖惩股、政策法规股、财务股等8个股室。事业单位包括：人力资源服务中心、人力资源和社会保障网络服务中心、工伤保险"
        "服务中心、劳动人事争议仲裁院、劳动保障监察大队、人事考试中心。"
    ),
    "evaluation_process": (
        "1、成立了绩效评价工作领导小组，由局长任组长，副局长及纪检组长任副组长，"
        "办公室主任、基金监督股股长、各二级机构负责人"
        "及单位财务人员为成员。本单位实际制订了自评方案，完善了评价指标体系。\n"
        "2、下发通知，布置单位自评。自评工作小组本着客观、公正、科学的原则，对照部门整体支出绩效评价指标表，"
        "通过基础数据、"
        "原始资料、会计报表、业务报表审核自查，对组织机构、人员编制、预算管理、预算执行情况等进行了全面绩效自评。\n"
        "3、收集查阅资料，形成评价结论，整理归档。"
    ),
    "duty_performance": (
        "1、总体稳定就业形势。2023年开发公益性岗位63个，存量结转上年度279个，"
        "共安置就业困难人员342人。开办职业技能培训和"
        "创业培训班29个班次，培训1055人。\n"
        "2、全力维护社保安全平稳。养老、工伤、失业保险法定人员参保分别达到18.67万人、3.82万人、0.45万人；"
        "发放各项社保待遇"
        "16.2亿元。\n"
        "3、多维开展人事人才工作，引进各层次技能人才80人。\n"
        "4、努力构建和谐劳动关系，为1230名农民工追回拖欠工资850余万元；调解劳动人事仲裁案件33个，调解成功率100%。"
    ),
    "budget_management": (
        "1、预算编制情况：认真贯彻执行《会计法》《预算法》等法律法规，"
        "依据整体绩效目标所设定的绩效指标清晰、细化、可衡量。\n"
        "2、执行管理情况：加强财政专项资金管理，严格按预算进度支付费用，加强“三公”经费、公用经费、结转结余的控制，"
        "各项经费"
        "支出严格按照政府采购、国库集中支付等有关规定执行。"
    ),
    "problems": (
        "因部门整体支出的资金安排和使用上具有不可预见性，在科学设置预算绩效指标上还需进一步加强。由于行政经费少，"
        "年初编制"
        "的预算不够精确，编制范围不太全面，预算执行情况还有待进一步加强。"
    ),
    "measures": (
        "1、提高预算编制科学性和合理性，严格执行预算。\n"
        "2、兼顾预算调整的灵活性，开展预算执行分析，及时掌握预算执行进度。\n"
        "3、加强财务人员的学习培训。\n"
        "4、完善制度管理，严格控制支出，严控“三公”经费等公务支出。"
    ),
    "result_use": "将自评结果作为下年预算编制及执行的重要参考，绩效自评报告依规定公开，接受社会监督。",
    "other_notes": "",
}


def _narrative() -> Narrative:
    return Narrative(
        report_date="2024年6月26日",
        texts=PUBLISHED_NARRATIVE,
        basic_by_class={
            "wage_welfare": _d("441.27"),
            "goods_services": _d("305.36"),
            "individual_family": _d("241.67"),
            "capital": None,
        },
        other_budgets={"gov_fund_spending": None, "state_capital_spending": None, "social_insurance_spending": None},
    )


def published_example() -> Submission:
    """The 2023 forms exactly as published, with their mistakes (the checks report them)."""
    return Submission(
        header=Header(unit_name=UNIT, fiscal_year=2023),
        basic=_basic(corrected=False),
        overall=_overall(corrected=False),
        projects=(_project(corrected=False),),
        narrative=_narrative(),
    )


def corrected_example() -> Submission:
    """The same forms corrected so that no check reports an 错误 (see the module docstring for what changed)."""
    return Submission(
        header=Header(unit_name=UNIT, fiscal_year=2023, budget_code="示例", contact="财务股"),
        basic=_basic(corrected=True),
        overall=_overall(corrected=True),
        projects=(_project(corrected=True), _second_project()),
        narrative=_narrative(),
    )
