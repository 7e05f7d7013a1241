"""The 说明 sheet: what to fill in, the 基本信息 fields (unit, year, rule set) and the template's version."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from perfeval_xl.core.numbers import format_score
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.workbook.layout.base import GUIDE, LABEL, SHEET_TITLES, TEXT, YEAR, Builder, Cell, SheetLayout


def percent_text(fraction: Decimal) -> str:
    return "0" if fraction == 0 else f"{format_score(fraction * 100)}%"


def bands_text(rules: RuleSet) -> str:
    """达成 80%–100%、部分达成 60%–80%、未达成 0–60%: the rule set's qualitative bands, in words."""
    return "、".join(f"{band.name} {percent_text(band.low)}–{percent_text(band.high)}" for band in rules.bands)


def guide_lines(rules: RuleSet) -> tuple[str, ...]:
    """The 填写说明, with the rule set's own bands and 执行率 threshold."""
    return (
        "本工作簿按财政部门的绩效自评表式样制作：附件1 基础数据表、附件2 部门整体支出绩效自评表、"
        "附件3 项目支出绩效自评表（每个一级项目一张）和收支预决算情况表。",
        "1. 只在浅黄色单元格中填写；金额以万元为单位，保留两位小数；人数填整数。",
        "2. 控制率、执行率、差异率、同比增减率、各项得分、总分和等级都由公式自动计算，不要手工填写。",
        f"3. 浅绿色的“得分”单元格会自动计算；定性指标需要人工评定时，直接输入得分（{bands_text(rules)} 的分值），"
        "系统会按规则检查。",
        "4. 年度指标值请写明方向，如“95%以上”“≤5.4%”“控制在3.5%以内”；只写数字的按“不低于”评分（成本指标按“不超过”）。",
        "5. 指标不够时，在“……”行的上方插入行，并复制上一行的“得分”公式；项目不够时同样在“……”行上方插入。",
        f"6. 未完成年度指标值、扣了分或执行率低于 {percent_text(rules.reason_below_exec_rate)} 时，"
        "必须填写偏差原因分析及改进措施。",
        "7. 工作表有保护但没有密码，需要时可在“审阅 → 撤销工作表保护”中解除。",
        "8. 计算公式（PE_ 开头的函数）需要安装“绩效自评”加载项；没有 Python 的电脑请使用无宏版（.xlsx）。",
        "9. 填好后点击功能区“绩效自评 → 生成报告”，或在命令行运行 perfeval check 文件名 检查。",
    )


# the 说明 sheet's 基本信息 rows shared by every workbook: (defined name, label, kind)
HEADER_FIELDS = (
    ("unit_name", "预算部门（单位）名称", TEXT),
    ("fiscal_year", "评价年度", YEAR),
    ("budget_code", "预算编码", TEXT),
    ("contact", "联系人及电话", TEXT),
)


RULE_SET_COMMENT = (
    "评分规则：national（全国默认）、grade-85（85/75/60 四档）、province-platform（省级平台：偏离扣分、"
    "按执行率封顶），或自定义规则文件（.toml）的路径。"
)


def guide_sheet(rules: RuleSet, template_info: str) -> SheetLayout:
    fields = (*HEADER_FIELDS, ("rule_set", "评分规则", TEXT, rules.name, RULE_SET_COMMENT))
    return guide_layout("预算绩效自评工作簿", guide_lines(rules), fields, template_info, line_height=30)


def guide_layout(
    title: str, lines: Sequence[str], fields: Sequence[tuple], template_info: str, line_height: float
) -> SheetLayout:
    """The 说明 sheet: a title, the 填写说明 lines, the 基本信息 inputs (name, label, kind[, initial[, comment]]) and
    the template's version; the evaluation workbook's 说明 is this sheet with its own lines and fields."""
    b = Builder()
    b.label("A1", title, style="title", merge_to="D1")
    b.label("A3", "填写说明", style="subtitle")
    row = 4
    for line in lines:
        b.label(f"A{row}", line, style="note", merge_to=f"D{row}")
        row += 1
    row += 1
    b.label(f"A{row}", "基本信息", style="subtitle")
    for offset, (name, label, kind, *rest) in enumerate(fields, start=1):
        initial, comment = (*rest, "", "")[:2]
        r = row + offset
        b.label(f"A{r}", label, style="row_label")
        b.input(f"B{r}", name, kind, label, merge_to=f"D{r}", text=initial, comment=comment)
    r = row + len(fields) + 2
    b.cells.append(
        Cell(
            f"A{r}", LABEL, template_info, "template_info", TEXT, description="模板版本", style="note", merge_to=f"D{r}"
        )
    )
    return SheetLayout(
        GUIDE,
        SHEET_TITLES[GUIDE],
        tuple(b.cells),
        widths={"A": 24, "B": 40, "C": 30, "D": 30},
        heights={r: line_height for r in range(4, 4 + len(lines))},
    )
