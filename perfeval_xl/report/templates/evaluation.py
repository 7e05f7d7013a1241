"""The 部门整体支出绩效评价报告 template, in 财预〔2020〕10号's outline, with the 评分表 as its 附件."""

from __future__ import annotations

from perfeval_xl.report.templates.document import Writer, cover

EVALUATION_TEMPLATE = "部门整体支出绩效评价报告.docx"


# “（一）投入，指标分值15分，评价得分13分，得分率86.67%。”: every node of the tree, its numbers the engine's
NODE_SENTENCE = (
    "{{ n.number }}{{ n.name }}，指标分值{{ n.points|score(places) }}分，评价得分{{ n.score|score(places) }}分，"
    "得分率{{ n.rate|pct }}。"
)


SCORE_SHEET_HEADINGS = ("一级指标", "二级指标", "三级指标", "分值", "评分标准", "评价数据", "得分", "扣分原因")


SCORE_SHEET_CELLS = (
    "{{ r.level1 }}",
    "{{ r.level2 }}",
    "{{ r.level3 }}",
    "{{ r.points|score(places) }}",
    "{{ r.standard }}",
    "{{ r.value }}",
    "{{ r.score|score(places) }}",
    "{{ r.reason }}",
)


# 225 mm: a landscape page between its margins (the standards need the width a portrait page does not have)
SCORE_SHEET_WIDTHS = (18, 18, 26, 11, 64, 40, 13, 35)


def evaluation_template() -> bytes:
    """部门整体支出绩效评价报告, in the outline of 财预〔2020〕10号's evaluation report (its 附件4)."""
    w = Writer()
    cover(
        w, "被评价单位：{{ unit_name }}", "{% if evaluator %}评价机构：{{ evaluator }}{% endif %}", "{{ report_date }}"
    )

    w.p("一、基本情况", style="一级标题")
    w.p("（一）部门（单位）基本情况", style="二级标题")
    w.texts("overview", "（未填写部门（单位）基本情况。）")
    w.p("（二）绩效目标", style="二级标题")
    w.texts("goals", "（未填写部门（单位）年度绩效目标。）")
    w.tag("if revenue")
    w.p("（三）部门收支情况", style="二级标题")
    w.p(
        "{{ year }}年度部门收入预算{{ revenue_total.budget|wan }}万元，决算{{ revenue_total.final|wan }}万元；"
        "支出预算{{ revenue_expense.budget|wan }}万元，决算{{ revenue_expense.final|wan }}万元"
        "{% if revenue_expense.rate is not none %}，支出预算执行率{{ revenue_expense.rate|pct }}{% endif %}。"
    )
    w.p("表1 {{ year }}年度部门收支预决算情况（单位：万元）", style="表题")
    w.table(
        ("项目", "预算数", "决算数", "差异率"),
        ("{{ r.label }}", "{{ r.budget|wan }}", "{{ r.final|wan }}", "{{ r.variance|pct }}"),
        "for r in revenue",
        (50, 36, 36, 34),
        keep_together=True,
    )
    w.p("", style="正文")
    w.tag("endif")

    w.p("二、绩效评价工作开展情况", style="一级标题")
    w.p("（一）绩效评价目的、对象和范围", style="二级标题")
    w.texts("purpose", "（未填写绩效评价的目的、对象和范围。）")
    w.p("（二）绩效评价原则、评价指标体系、评价方法、评价标准", style="二级标题")
    w.texts("principles", "绩效评价遵循科学公正、统筹兼顾、激励约束、公开透明的原则。")
    w.p(
        "评价指标体系：采用{{ framework.title }}，设一级指标{{ framework.level1_count }}个（"
        "{% for l in result.level1 %}{{ l.name }}{{ l.points|score(places) }}分"
        "{{ '、' if not loop.last else '' }}{% endfor %}）"
        "{% for lv in framework.levels %}、{{ lv.label }}{{ lv.count }}个{% endfor %}，"
        "满分{{ framework.full_marks|score(places) }}分。"
    )
    w.p(
        "计分方式：{% for m in framework.methods %}{{ m.name }}{{ m.count }}项{{ '、' if not loop.last else '' }}"
        "{% endfor %}。{% if framework.computed and framework.judged %}其中{{ framework.computed }}项指标由数据计算"
        "指标值、按评分标准计分，{{ framework.judged }}项由评价人员依据评价要点评分"
        "{% elif framework.computed %}各项指标均由数据计算指标值、按评分标准计分"
        "{% else %}各项指标均由评价人员依据评价要点评分{% endif %}；扣分的指标均说明扣分原因。"
    )
    w.p("评价标准：各项指标的评分标准见第四部分和附件评分表。")
    w.p(
        "评价等级：总分{% for g in framework.grades %}{% if loop.first %}{{ g.minimum|score(places) }}分（含）以上"
        "{% elif loop.last %}{{ g.upper|score(places) }}分以下{% else %}{{ g.minimum|score(places) }}分（含）至"
        "{{ g.upper|score(places) }}分{% endif %}为“{{ g.label }}”{{ '，' if not loop.last else '。' }}{% endfor %}"
    )
    w.p("（三）绩效评价工作过程", style="二级标题")
    w.texts("process", "（未填写绩效评价工作过程。）")

    w.p("三、综合评价情况及评价结论", style="一级标题")
    w.p(
        "经评价，{{ unit_name }}{{ year }}年度部门整体支出绩效评价总分{{ result.total|score(places) }}分"
        "（满分{{ result.points|score(places) }}分，得分率{{ result.rate|pct }}），评价等级为“{{ result.grade }}”。"
        "{% for l in result.level1 %}{{ l.name }}指标分值{{ l.points|score(places) }}分，评价得分"
        "{{ l.score|score(places) }}分，得分率{{ l.rate|pct }}{{ '；' if not loop.last else '。' }}{% endfor %}"
    )
    w.tag("if result.not_applicable")
    w.p(
        "{{ result.not_applicable.names }}不适用于被评价单位（理由见第四部分）。按评价指标体系的规定，不适用的指标"
        "{{ result.not_applicable.policy }}{% if result.not_applicable.applicable is not none %}："
        "得分合计{{ result.not_applicable.summed|score(places) }}分，适用指标分值合计"
        "{{ result.not_applicable.applicable|score(places) }}分，折算为{{ result.total|score(places) }}分。"
        "{% else %}（计{{ result.not_applicable.points|score(places) }}分）。{% endif %}"
    )
    w.tag("endif")
    w.p(
        "{{ framework.leaf_count }}项{{ framework.leaf_label }}中，"
        "{% if result.not_applicable %}{{ result.not_applicable.count }}项不适用，{% endif %}"
        "{% if result.not_chosen_count %}{{ result.not_chosen_count }}项未选用（可选指标），{% endif %}"
        "{{ result.full_count }}项得满分"
        "{% if result.deducted_count %}，{{ result.deducted_count }}项扣分，合计扣{{ result.deducted|score(places) }}分"
        "（见第五部分）{% endif %}。"
    )
    w.p("{{ '表2' if revenue else '表1' }} 综合评价结果", style="表题")
    w.table(
        ("一级指标", "分值", "评价得分", "得分率"),
        ("{{ l.name }}", "{{ l.points|score(places) }}", "{{ l.score|score(places) }}", "{{ l.rate|pct }}"),
        "for l in result.level1",
        (60, 30, 30, 36),
        total=(
            "总分（等级：{{ result.grade }}）",
            "{{ result.points|score(places) }}",
            "{{ result.total|score(places) }}",
            "{{ result.rate|pct }}",
        ),
        keep_together=True,
    )
    w.p("", style="正文")

    w.p("四、绩效评价指标分析", style="一级标题")
    w.tag("for n in nodes")
    w.tag("if n.level == 1")
    w.p(NODE_SENTENCE, style="二级标题")
    w.tag("elif not n.leaf")
    w.p(NODE_SENTENCE, style="三级标题")
    w.tag("elif n.not_applicable")
    w.p(
        "{{ n.number }}{{ n.name }}，指标分值{{ n.points|score(places) }}分，不适用于被评价单位"
        "{% if n.reason %}：{{ n.reason|sentence }}{% else %}。{% endif %}"
    )
    w.tag("elif n.not_chosen")
    w.p("{{ n.number }}{{ n.name }}，指标分值{{ n.points|score(places) }}分，未选用（{{ n.choice }}）。")
    w.tag("else")
    w.p(NODE_SENTENCE)
    w.tag("if n.choice")
    w.p("本项{{ n.choice }}，评价选用本项。")
    w.tag("endif")
    w.tag("if n.figures")
    w.p("{{ n.figures }}")
    w.tag("endif")
    w.p("评分标准：{{ n.standard|sentence }}")
    w.tag("if n.deduction")
    w.p(
        "扣{{ n.deduction|score(places) }}分{% if n.reason %}。扣分原因：{{ n.reason|sentence }}"
        "{% else %}（{{ n.basis }}）。{% endif %}"
    )
    w.tag("elif n.reason")
    w.p("得满分。评价意见：{{ n.reason|sentence }}")
    w.tag("else")
    w.p("得满分。")
    w.tag("endif")
    w.tag("endif")
    w.tag("endfor")

    w.p("五、主要经验及做法、存在的问题及原因分析", style="一级标题")
    w.p("（一）主要经验及做法", style="二级标题")
    w.texts("experience", "（未填写主要经验及做法。）")
    w.p("（二）存在的问题及原因分析", style="二级标题")
    w.tag("if deductions")
    w.p("评价中共有{{ deductions|length }}项指标扣分，合计扣{{ result.deducted|score(places) }}分：")
    w.tag("for d in deductions")
    w.p(
        "{{ loop.index }}.{{ d.name }}（{{ d.path }}）扣{{ d.deduction|score(places) }}分。"
        "{{ d.brief }}{% if d.reason %}{{ d.reason|sentence }}{% else %}{{ d.basis }}。{% endif %}"
    )
    w.tag("endfor")
    w.tag("else")
    w.p("各项指标均得满分，评价中没有扣分的指标。")
    w.tag("endif")
    w.tag("for para in texts.problems")
    w.p("{{ para }}")
    w.tag("endfor")
    w.p("六、有关建议", style="一级标题")
    w.texts("suggestions", "（未填写有关建议。）")
    w.p("七、其他需要说明的问题", style="一级标题")
    w.texts("other", "无其他需要说明的问题。")
    w.p("", style="正文")
    w.p("{{ evaluator or unit_name }}", style="落款")
    w.p("{{ report_date }}", style="落款")

    # the annex: the score sheet as the engine scores it
    w.landscape_section()
    w.p("附件", style="附件标题")
    w.p("{{ year }}年度{{ unit_name }}部门整体支出绩效评价评分表", style="表题")
    w.p("评价指标体系：{{ framework.title }}", style="表格文字")
    w.table(
        SCORE_SHEET_HEADINGS,
        SCORE_SHEET_CELLS,
        "for r in annex.rows",
        SCORE_SHEET_WIDTHS,
        total=(
            "总分",
            "",
            "",
            "{{ result.points|score(places) }}",
            "",
            "得分率 {{ result.rate|pct }}",
            "{{ result.total|score(places) }}",
            "等级：{{ result.grade }}",
        ),
        repeat_heading=True,
    )
    return w.save()
