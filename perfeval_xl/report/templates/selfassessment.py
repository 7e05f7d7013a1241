"""The 部门整体支出 and 项目支出 self-assessment report templates, in the Hunan outline (一 to 十, 附件1–3)."""

from __future__ import annotations

from perfeval_xl.report.templates.document import Writer, cover

DEPT_TEMPLATE, PROJECT_TEMPLATE = "部门整体支出绩效自评报告.docx", "项目支出绩效自评报告.docx"


SPENDING_HEADINGS = ("项目", "本年预算数", "本年决算数", "上年决算数", "控制率", "同比增减", "同比增减率")


SPENDING_CELLS = (
    "{{ row.label }}",
    "{{ row.budget|wan }}",
    "{{ row.final|wan }}",
    "{{ row.prev|wan }}",
    "{{ row.rate|pct }}",
    "{{ row.change|signed }}",
    "{{ row.change_rate|pct }}",
)


SPENDING_WIDTHS = (36, 20, 20, 20, 20, 20, 20)


INDICATOR_HEADINGS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)


INDICATOR_CELLS = (
    "{{ i.level1 }}",
    "{{ i.level2 }}",
    "{{ i.level3 }}",
    "{{ i.target }}",
    "{{ i.actual }}",
    "{{ i.weight|score }}",
    "{{ i.score|score }}",
    "{{ i.reason }}",
)


INDICATOR_WIDTHS = (16, 18, 30, 22, 22, 10, 10, 28)


FUNDING_HEADINGS = ("项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")


FUNDING_CELLS = (
    "{{ f.label }}",
    "{{ f.initial|wan }}",
    "{{ f.budget|wan }}",
    "{{ f.executed|wan }}",
    "{{ f.weight|score }}",
    "{{ f.rate|pct }}",
    "{{ f.score|score }}",
)


FUNDING_WIDTHS = (36, 22, 22, 22, 14, 18, 14)


def _indicator_section(w: Writer, scope: str) -> None:
    """The indicator summary sentence and table of one 附件2 or 附件3 (`scope`: the context object)."""
    w.p(
        f"共设置三级指标{{{{ {scope}.summary.count }}}}个"
        f"{{% for b in {scope}.summary.blocks %}}，{{{{ b.name }}}}{{{{ b.count }}}}个（分值{{{{ b.weight|score }}}}"
        "分，"
        f"得分{{{{ b.score|score }}}}分）{{% endfor %}}。"
        f"{{% if {scope}.summary.missed %}}未完成年度指标值的有{{{{ {scope}.summary.missed|join('、') }}}}。"
        f"{{% else %}}各项定量指标均达到年度指标值。{{% endif %}}"
    )
    _indicator_table(w, scope)


def _indicator_table(w: Writer, scope: str) -> None:
    """The indicator table of one 附件2 or 附件3, with its 总分 row."""
    w.table(
        INDICATOR_HEADINGS,
        INDICATOR_CELLS,
        f"for i in {scope}.indicators",
        INDICATOR_WIDTHS,
        total=("总分", "", "", "", "", f"{{{{ {scope}.weight_total|score }}}}", f"{{{{ {scope}.total|score }}}}", ""),
    )


def _assessment_tables(w: Writer, scope: str) -> None:
    """One 附件2 or 附件3 as an annex: the funding table, then the indicator table."""
    w.table(FUNDING_HEADINGS, FUNDING_CELLS, f"for f in {scope}.funding", FUNDING_WIDTHS)
    _indicator_table(w, scope)


def dept_template() -> bytes:
    w = Writer()
    cover(w, "部门（单位）名称：{{ unit_name }}（盖章）", "{{ report_date }}")

    w.p("一、部门（单位）基本情况", style="一级标题")
    w.p("（一）职能职责", style="二级标题")
    w.texts("duties", "（未填写职能职责。）")
    w.p("（二）机构设置", style="二级标题")
    w.texts("organization", "（未填写机构设置。）")
    w.p("（三）人员情况", style="二级标题")
    w.p(
        "{% if staff.quota is not none %}本单位编制数{{ staff.quota|count }}人，实际在职人数{{ staff.actual|count }}"
        "人，"
        "控制率{{ staff.rate|pct }}。{% else %}附件1 未填写编制数和实际在职人数。{% endif %}"
    )
    w.tag("for para in texts.staff_notes")
    w.p("{{ para }}")
    w.tag("endfor")

    w.p("二、一般公共预算支出情况", style="一级标题")
    w.p("（一）基本支出情况", style="二级标题")
    w.p(
        "{% if basic.total is not none %}{{ year }}年度基本支出{{ basic.total|wan }}万元，"
        "占全年执行数的{{ basic.share|pct }}"
        "{% if basic.classes %}。按经济分类，{% for c in basic.classes %}{{ c.label }}{{ c.amount|wan }}万元，"
        "占{{ c.share|pct }}{{ '；' if not loop.last else '' }}{% endfor %}{% endif %}。"
        "{% else %}附件2 未填写基本支出。{% endif %}"
    )
    w.p("1.“三公”经费情况", style="三级标题")
    w.p(
        "{% if sangong.final is not none %}{{ year }}年度“三公”经费决算{{ sangong.final|wan }}万元，"
        "预算{{ sangong.budget|wan }}万元，"
        "控制率{{ sangong.rate|pct }}{% if sangong.prev is not none %}；比上年决算{{ sangong.prev|wan }}"
        "万元{{ sangong.change|more_less }}，"
        "{{ sangong.change_rate|change }}{% endif %}。其中：{% for row in sangong.parts %}{{ row.label }}"
        "{{ row.final|wan }}万元"
        "{{ '，' if not loop.last else '。' }}{% endfor %}{% else %}本年度无“三公”经费支出。{% endif %}"
    )
    w.tag("if sangong.final is not none")
    w.p("表1 “三公”经费预决算情况（万元）", style="表题")
    w.table(SPENDING_HEADINGS, SPENDING_CELLS, "for row in sangong.rows", SPENDING_WIDTHS)
    w.tag("endif")
    w.image("charts.sangong", "图1 “三公”经费本年与上年对比（万元）")
    w.p("2.公用经费情况", style="三级标题")
    w.p(
        "{% if public.final is not none %}{{ year }}年度公用经费决算{{ public.final|wan }}万元，"
        "预算{{ public.budget|wan }}万元，"
        "控制率{{ public.rate|pct }}{% if public.prev is not none %}，比上年{{ public.change_rate|change }}{% endif %}"
        "{% if public.parts %}。其中：{% for row in public.parts %}{{ row.label }}{{ row.final|wan }}万元"
        "{{ '，' if not loop.last else '' }}{% endfor %}{% endif %}。{% else %}附件1 未填写公用经费。{% endif %}"
    )
    w.p("3.政府采购情况", style="三级标题")
    w.p(
        "{% if procurement.budget is not none or procurement.final is not none %}{{ year }}年度政府采购预算"
        "{{ procurement.budget|wan }}万元，实际采购{{ procurement.final|wan }}万元。{% else %}"
        "本年度无政府采购。{% endif %}"
    )
    w.p("（二）项目支出情况", style="二级标题")
    w.p(
        "{% if project.total is not none %}{{ year }}年度项目支出{{ project.total|wan }}万元，"
        "占全年执行数的{{ project.share|pct }}。"
        "{% else %}本年度无项目支出。{% endif %}"
    )
    w.tag("if project.rows")
    w.p("表2 项目支出情况（万元）", style="表题")
    w.table(
        ("项目名称", "全年预算数", "全年执行数", "执行率", "自评得分", "等级"),
        (
            "{{ row.name }}",
            "{{ row.budget|wan }}",
            "{{ row.final|wan }}",
            "{{ row.rate|pct }}",
            "{{ row.score|score }}",
            "{{ row.grade }}",
        ),
        "for row in project.rows",
        (52, 24, 24, 20, 20, 16),
    )
    w.tag("endif")
    w.image("charts.spending", "图2 各类支出预算与执行情况（万元）")

    for number, key, label in (
        ("三", "gov_fund", "政府性基金预算支出"),
        ("四", "state_capital", "国有资本经营预算支出"),
        ("五", "social_insurance", "社会保险基金预算支出"),
    ):
        w.p(f"{number}、{label}情况", style="一级标题")
        w.p(
            f"{{% if other.{key} %}}{{{{ year }}}}年度{label}{{{{ other.{key}|wan }}}}万元。"
            f"{{% else %}}本年度无{label}。{{% endif %}}"
        )

    w.p("六、部门整体支出绩效情况", style="一级标题")
    w.p("（一）绩效评价工作过程", style="二级标题")
    w.texts("evaluation_process", "（未填写绩效评价工作过程。）")
    w.p("（二）预算执行情况", style="二级标题")
    w.p(
        "{{ year }}年度资金总额年初预算{{ funds.initial|wan }}万元，全年预算{{ funds.budget|wan }}万元，全年执行"
        "{{ funds.executed|wan }}万元，执行率{{ funds.rate|pct }}{% if funds.adjustment is not none %}；"
        "全年预算较年初预算"
        "{{ funds.adjustment|change }}{% endif %}。预算执行率得分{{ funds.score|score }}"
        "分（分值{{ funds.weight|score }}分）。"
    )
    w.tag("for para in funds.reason")
    w.p("执行率偏差原因：{{ para }}")
    w.tag("endfor")
    w.p("（三）绩效指标完成情况", style="二级标题")
    _indicator_section(w, "overall")
    w.p("（四）部门职责履行情况", style="二级标题")
    w.texts("duty_performance", "（未填写部门职责履行情况。）")
    w.p("（五）预算管理情况", style="二级标题")
    w.texts("budget_management", "（未填写预算管理情况。）")
    w.p("（六）绩效自评结论", style="二级标题")
    w.p(
        "按{{ rules.title }}的评分规则，{{ year }}年度部门整体支出绩效自评总分{{ overall.total|score }}分，"
        "等级为“{{ overall.grade }}”。"
    )

    w.p("七、存在的问题及原因分析", style="一级标题")
    w.texts("problems", "（未填写存在的问题。）")
    w.suggestions("suggested.problems")
    w.p("八、下一步改进措施", style="一级标题")
    w.texts("measures", "（未填写改进措施。）")
    w.suggestions("suggested.measures")
    w.p("九、绩效自评结果拟应用和公开情况", style="一级标题")
    w.texts("result_use", "将自评结果作为下一年度预算编制和执行的重要参考，绩效自评报告按规定公开，接受社会监督。")
    w.p("十、其他需要说明的情况", style="一级标题")
    w.texts("other_notes", "无其他需要说明的情况。")
    w.p("", style="正文")
    w.p("{{ unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")

    # annexes: the tables themselves
    w.page_break()
    w.p("附件1", style="附件标题")
    w.p("{{ year }}年度部门整体支出绩效评价基础数据表", style="表题")
    w.p(
        "财政供养人员：编制数{{ staff.quota|count }}人，实际在职人数{{ staff.actual|count }}人，"
        "控制率{{ staff.rate|pct }}。",
        style="表格文字",
    )
    w.table(SPENDING_HEADINGS, SPENDING_CELLS, "for row in annex.basic_rows", SPENDING_WIDTHS)
    w.p("附件2", style="附件标题")
    w.p("{{ year }}年度部门整体支出绩效自评表", style="表题")
    _assessment_tables(w, "overall")
    w.tag("for a in projects")
    w.p("附件3", style="附件标题")
    w.p("{{ year }}年度项目支出绩效自评表（{{ a.name }}）", style="表题")
    w.p("主管部门：{{ a.competent_dept }}　实施单位：{{ a.implementing_unit }}", style="表格文字")
    _assessment_tables(w, "a")
    w.tag("endfor")
    return w.save()


def project_template() -> bytes:
    w = Writer()
    cover(
        w,
        "主管部门：{{ project.competent_dept }}",
        "实施单位：{{ project.implementing_unit }}（盖章）",
        "{{ report_date }}",
    )
    w.p("一、项目基本情况", style="一级标题")
    w.p(
        "项目名称：{{ project.name }}。主管部门：{{ project.competent_dept }}，"
        "实施单位：{{ project.implementing_unit }}。"
        "项目资金年初预算{{ project.funds.initial|wan }}万元，全年预算{{ project.funds.budget|wan }}万元，全年执行"
        "{{ project.funds.executed|wan }}万元，执行率{{ project.funds.rate|pct }}。"
    )
    w.p("二、项目绩效目标", style="一级标题")
    w.tag("for para in project.goal_expected")
    w.p("{{ para }}")
    w.tag("endfor")
    w.p("三、绩效目标完成情况", style="一级标题")
    w.tag("for para in project.goal_actual")
    w.p("{{ para }}")
    w.tag("endfor")
    _indicator_section(w, "project")
    w.p("四、自评结论", style="一级标题")
    w.p(
        "按{{ rules.title }}的评分规则，本项目预算执行率得分{{ project.funds.score|score }}分，自评总分"
        "{{ project.total|score }}分，等级为“{{ project.grade }}”。"
    )
    w.p("五、存在的问题及改进措施", style="一级标题")
    w.tag("for i in project.reasons")
    w.p("{{ i.level3 }}：{{ i.reason }}")
    w.tag("endfor")
    w.suggestions("project.suggested.problems")
    w.suggestions("project.suggested.measures")
    w.tag("if not project.reasons and not project.suggested.problems")
    w.p("无。")
    w.tag("endif")
    w.p("", style="正文")
    w.p("{{ project.implementing_unit or unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")
    w.page_break()
    w.p("附件3", style="附件标题")
    w.p("{{ year }}年度项目支出绩效自评表（{{ project.name }}）", style="表题")
    _assessment_tables(w, "project")
    return w.save()
