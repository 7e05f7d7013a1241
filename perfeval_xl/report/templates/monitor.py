"""The 绩效运行监控情况报告 template: the period's money against 序时进度, the targets expected to be missed with
their causes and 纠偏措施, and each monitoring table as an 附件."""

from __future__ import annotations

from perfeval_xl.report.templates.document import Writer, cover

MONITOR_TEMPLATE = "绩效运行监控情况报告.docx"


MONEY_HEADINGS = ("监控对象", "年初预算数", "执行数", "执行率", "与序时进度之差", "全年预计执行数", "全年预计执行率")


MONEY_CELLS = (
    "{{ t.label }}",
    "{{ t.money.budget|wan }}",
    "{{ t.money.executed|wan }}",
    "{{ t.money.rate|pct }}",
    "{{ t.money.gap|pct }}",
    "{{ t.money.forecast|wan }}",
    "{{ t.money.forecast_rate|pct }}",
)


MONEY_WIDTHS = (40, 22, 22, 20, 24, 24, 22)


ANNEX_HEADINGS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "执行情况",
    "全年预计完成情况",
    "完成目标可能性",
    "偏差原因",
    "备注（纠偏措施）",
)


ANNEX_CELLS = (
    "{{ r.level1 }}",
    "{{ r.level2 }}",
    "{{ r.level3 }}",
    "{{ r.target }}",
    "{{ r.progress }}",
    "{{ r.forecast }}",
    "{{ r.possibility }}",
    "{{ r.causes }}",
    "{{ r.remark }}",
)


ANNEX_WIDTHS = (18, 20, 30, 22, 24, 24, 18, 35, 35)  # 226 mm: a landscape page between its margins


def monitor_template() -> bytes:
    """绩效运行监控情况报告: 监控基本情况, 预算执行情况, 绩效目标完成情况, 偏差及纠偏措施, 附件."""
    w = Writer()
    cover(w, "单位：{{ unit_name }}", "{{ report_date }}")

    w.p("一、监控基本情况", style="一级标题")
    w.p(
        "按照预算绩效运行监控的要求，{{ unit_name }}对{{ year }}年度部门整体支出"
        "{% if projects %}和{{ projects|length }}个项目（{{ projects|join('、') }}）{% endif %}"
        "1-{{ month }}月的预算执行情况和绩效目标实现程度开展了监控，共监控绩效指标{{ count }}个。"
        "截至{{ month }}月底，序时进度为{{ progress|pct }}。"
    )
    w.p("二、预算执行情况", style="一级标题")
    w.tag("for t in tables")
    w.p(
        "{{ t.title }}年初预算{{ t.money.budget|wan }}万元，1-{{ month }}月执行{{ t.money.executed|wan }}万元，"
        "执行率{{ t.money.rate|pct }}"
        "{% if t.money.gap is not none %}，{% if t.money.gap_points|score == '0' %}与序时进度持平"
        "{% else %}{% if t.money.behind %}低于{% else %}高于{% endif %}序时进度{{ t.money.gap_points|score }}个百分点"
        "{% endif %}{% endif %}；"
        "预计全年执行{{ t.money.forecast|wan }}万元，全年预计执行率{{ t.money.forecast_rate|pct }}。"
        "{% if t.money.reason %}执行偏差原因：{{ t.money.reason|sentence }}{% endif %}"
    )
    w.tag("endfor")
    w.p("表1 1-{{ month }}月预算执行情况（单位：万元）", style="表题")
    w.table(MONEY_HEADINGS, MONEY_CELLS, "for t in tables", MONEY_WIDTHS, keep_together=True)

    w.p("三、绩效目标完成情况", style="一级标题")
    w.tag("for t in tables")
    w.p(
        "{{ t.title }}设置绩效指标{{ t.count }}个，完成目标可能性为“确定能”的{{ t.certain }}个、“有可能”的"
        "{{ t.possible }}个、“完全不可能”的{{ t.impossible }}个{% if t.unjudged %}，未作判断的{{ t.unjudged }}个"
        "{% endif %}。{% if t.goal_progress %}年度总体目标执行情况：{{ t.goal_progress|sentence }}{% endif %}"
        "{% if t.goal_forecast %}全年预计：{{ t.goal_forecast|sentence }}{% endif %}"
    )
    w.tag("for k in t.tasks")
    w.p("年度主要任务：{{ k.name }}，1-{{ month }}月{{ k.progress }}，全年预计{{ k.forecast|sentence }}")
    w.tag("endfor")
    w.tag("endfor")

    w.p("四、偏差原因及纠偏措施", style="一级标题")
    w.tag("if missed")
    w.p("预计不能全部完成的指标共{{ missed }}个：")
    w.tag("for t in tables")
    w.tag("for m in t.missed")
    w.p(
        "{{ m.name }}（{{ t.label }}），年度指标值{{ m.target }}，1-{{ month }}月{{ m.progress or '未填写执行情况' }}，"
        "全年预计{{ m.forecast or '未填写' }}，完成目标可能性为“{{ m.possibility or '未判断' }}”。"
        "{% if m.causes %}原因：{{ m.causes|sentence }}{% endif %}"
        "{% if m.remark %}纠偏措施：{{ m.remark|sentence }}{% endif %}"
    )
    w.tag("endfor")
    w.tag("endfor")
    w.tag("else")
    w.p("各项绩效指标预计全年均能完成，没有需要纠偏的指标。")
    w.tag("endif")
    w.p("", style="正文")
    w.p("{{ unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")

    w.landscape_section()
    w.p("附件", style="附件标题")
    w.tag("for t in tables")
    w.p("{{ year }}年度{{ t.title }}绩效监控表（1-{{ month }}月）", style="表题")
    w.table(ANNEX_HEADINGS, ANNEX_CELLS, "for r in t.rows", ANNEX_WIDTHS, repeat_heading=True)
    w.tag("endfor")
    return w.save()
