"""The defined-name contract that parts other than the layout rely on, as data: tests hold the layout to it.

Integrators and evaluation frameworks find figures by these names, never by coordinates (docs/names.md's table
lists every name with its cell). The layout (workbook/layout) is what places them on a sheet.
"""

# 附件1 基础数据表: the names of its cells, in sheet order
BASIC_NAMES = (
    "staff_quota",
    "staff_actual",
    "staff_control_rate",
    "sangong_prev",
    "sangong_budget",
    "sangong_final",
    "sangong_control_rate",
    "sangong_change_rate",
    "sangong_car_prev",
    "sangong_car_budget",
    "sangong_car_final",
    "sangong_car_control_rate",
    "sangong_car_change_rate",
    "sangong_car_purchase_prev",
    "sangong_car_purchase_budget",
    "sangong_car_purchase_final",
    "sangong_car_purchase_control_rate",
    "sangong_car_purchase_change_rate",
    "sangong_car_running_prev",
    "sangong_car_running_budget",
    "sangong_car_running_final",
    "sangong_car_running_control_rate",
    "sangong_car_running_change_rate",
    "sangong_abroad_prev",
    "sangong_abroad_budget",
    "sangong_abroad_final",
    "sangong_abroad_control_rate",
    "sangong_abroad_change_rate",
    "sangong_reception_prev",
    "sangong_reception_budget",
    "sangong_reception_final",
    "sangong_reception_control_rate",
    "sangong_reception_change_rate",
    "project_spending_prev",
    "project_spending_budget",
    "project_spending_final",
    "public_funds_prev",
    "public_funds_budget",
    "public_funds_final",
    "public_funds_control_rate",
    "public_funds_change_rate",
    "public_office_prev",
    "public_office_budget",
    "public_office_final",
    "public_office_control_rate",
    "public_office_change_rate",
    "public_utilities_travel_prev",
    "public_utilities_travel_budget",
    "public_utilities_travel_final",
    "public_utilities_travel_control_rate",
    "public_utilities_travel_change_rate",
    "public_meeting_training_prev",
    "public_meeting_training_budget",
    "public_meeting_training_final",
    "public_meeting_training_control_rate",
    "public_meeting_training_change_rate",
    "procurement_budget",
    "procurement_final",
    "basic_adjustment_budget",
    "basic_adjustment_final",
    "building_approved_area",
    "building_actual_area",
    "building_area_control_rate",
    "building_budget_investment",
    "building_actual_investment",
    "building_investment_control_rate",
    "austerity_measures",
)

# 收支预决算: the names of its cells, in sheet order
REVENUE_NAMES = (
    "rev_total_budget",
    "rev_carryover_begin_budget",
    "rev_appropriation_budget",
    "rev_other_income_budget",
    "rev_expense_total_budget",
    "rev_personnel_budget",
    "rev_public_budget",
    "rev_project_budget",
    "rev_carryover_end_budget",
    "rev_total_final",
    "rev_carryover_begin_final",
    "rev_appropriation_final",
    "rev_other_income_final",
    "rev_expense_total_final",
    "rev_personnel_final",
    "rev_public_final",
    "rev_project_final",
    "rev_carryover_end_final",
    "rev_total_diff_rate",
    "rev_carryover_begin_diff_rate",
    "rev_appropriation_diff_rate",
    "rev_other_income_diff_rate",
    "rev_expense_total_diff_rate",
    "rev_personnel_diff_rate",
    "rev_public_diff_rate",
    "rev_project_diff_rate",
    "rev_carryover_end_diff_rate",
)

# what an evaluation framework's `value.from` may link a figure to: the cells of the input sheets an evaluation
# workbook reuses
LINKABLE_NAMES = frozenset((*BASIC_NAMES, *REVENUE_NAMES))

# 评价报告文字: the texts an evaluator types for the 评价报告, in report order (defined name, label)
EVAL_TEXTS = (
    ("eval_overview", "部门（单位）基本情况：职能、机构人员、预算及执行情况"),
    ("eval_goals", "部门（单位）年度绩效目标"),
    ("eval_purpose", "绩效评价的目的、对象和范围"),
    ("eval_principles", "评价原则、方法和标准（可留空：报告按指标体系写出）"),
    ("eval_process", "绩效评价工作过程"),
    ("eval_experience", "主要经验及做法"),
    ("eval_problems", "存在的问题及原因分析（扣分情况会自动列出，这里写补充分析）"),
    ("eval_suggestions", "有关建议"),
    ("eval_other", "其他需要说明的问题（没有时留空）"),
)


def linked_unit(name: str) -> str:
    """The unit a linkable figure is in, for the report's words ("1,234.50 万元", "21 人"); tested against the
    kinds of the layout's cells (tests/engine/test_evaluation.py)."""
    if name.endswith("_rate"):
        return "%"
    if name.startswith("staff_"):
        return "人"
    if name.endswith("_area"):
        return "平方米"
    return "" if name == "austerity_measures" else "万元"
