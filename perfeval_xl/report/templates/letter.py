"""The 审核意见 letter template: where each error is, what is wrong, what to correct; signatures and date."""

from __future__ import annotations

from perfeval_xl.report.templates.document import Writer

LETTER_TEMPLATE = "绩效自评审核意见.docx"


def letter_template() -> bytes:
    """审核意见: what a finance bureau sends back to a unit whose self-assessment has errors, or to the evaluator
    whose 评分表 has."""
    w = Writer()
    w.p("{{ title }}", style="报告标题")
    w.p("", style="正文")
    w.p("{{ addressee or '报送单位' }}：", style="附件标题")
    w.p(
        "你单位报送的{% if year %}{{ year }}年度{% endif %}{{ subject }}（{{ file }}）经审核，有以下 "
        "{{ errors|length }} 处须改正，请逐项核对改正后重新报送。"
    )
    w.table(
        ("序号", "位置", "问题", "改正要求"),
        ("{{ e.number }}", "{{ e.place }}", "{{ e.message }}", "{{ e.fix }}"),
        "for e in errors",
        (12, 34, 72, 38),
    )
    w.tag("if hints")
    w.p("另有以下情况供参考（不影响审核通过，请在报送时一并说明）：")
    w.tag("for h in hints")
    w.p("{{ h }}")
    w.tag("endfor")
    w.tag("endif")
    w.p("", style="正文")
    w.p("审核人：＿＿＿＿＿＿　　复核人：＿＿＿＿＿＿", style="落款")
    w.p("{{ bureau }}（盖章）", style="落款")
    w.p("{{ letter_date }}", style="落款")
    return w.save()
