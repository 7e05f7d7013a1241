"""审核意见: one Word letter per submission with errors (or unreadable), saying where each error is and what to correct.

Rendered like the reports (report.render: the docxtpl template templates/绩效自评审核意见.docx, sandboxed, every
value escaped) and written like them: all letters or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from perfeval_xl.core.records import ERROR
from perfeval_xl.report.report import chinese_date, render, safe_name, template_file
from perfeval_xl.report.templates import LETTER_TEMPLATE
from perfeval_xl.review.batch import HAS_ERRORS, UNREADABLE, FileResult

# What the unit has to do, by the code of the finding; the finding's own message says what is wrong and where.
CORRECTIONS = {
    "printed-rate": "按表中数据重新计算该比率，改正印出的数",
    "printed-rate-no-base": "分母为空或为零时不计算比率，改填“—”",
    "printed-score": "按 分值 × 执行率 改正预算执行率得分",
    "printed-total": "按各项得分之和改正总分",
    "printed-weight-total": "按各行分值之和改正“总分”一栏的分值",
    "grade-mismatch": "按总分改正自评等级",
    "sum-mismatch": "核对合计与各项，使合计等于各项之和",
    "weights-total": "按评分规则调整各项分值，使分值合计等于满分",
    "block-weight": "调整该一级指标下各三级指标的分值，使其合计等于该一级指标的分值",
    "heading-weight": "按评分规则改正一级指标标题中的分值",
    "execution-weight": "按评分规则改正预算执行率的分值",
    "score-over-weight": "得分不得超过分值，请改正",
    "score-negative": "得分不能为负，请改正",
    "score-above-rule": "按评分规则重新计算得分，或在偏差原因中写明依据",
    "score-above-band": "按实际完成情况对应的档次重新评分",
    "score-needs-judgement": "对该指标作出评定并填写得分",
    "reason-missing": "填写偏差原因分析及改进措施",
    "exec-low-no-reason": "填写执行率偏差原因",
    "funding-missing": "补填年度资金总额和按支出性质分的金额（没有时填 0）",
    "actual-missing": "补填实际完成值",
    "unit-mismatch": "使年度指标值与实际完成值的计量单位一致",
    "weight-missing": "补填分值",
    "number-unreadable": "在该单元格中只填写数字",
    "unit-name-missing": "补填预算部门名称",
    "project-name-missing": "补填项目名称",
    "project-sheet-missing": "为该项目补报附件3 项目支出绩效自评表",
    "project-amount-mismatch": "核对附件3 全年执行数与附件1 该项目的决算数，使之一致",
    "narrative-figure": "改正报告文字中引用的金额，使之与表中一致",
    "level1-unknown": "按评分规则改正一级指标名称",
    "name-missing": "请用原模板重新填写，不要删除表格中的行或名称",
    "name-broken": "请用原模板重新填写，不要删除表格中的行或名称",
    "input-formula": "在该单元格中直接填写数字或文字，不要填公式",
    "rule-set-unknown": "在“说明”页的“评分规则”中写正确的规则名称",
    # 部门整体支出绩效评价 (评价指标评分表)
    "score-above-standard": "按评分标准和指标值重新计分，或在扣分原因中写明改判的依据",
    "band-score-unknown": "按指标值所在的档次给分",
    "checklist-mismatch": "核对符合的评价要点，使得分等于这些要点的分值之和",
    "findings-mismatch": "按发现的问题个数和每个问题的扣分重新计分",
    "score-step": "按评分标准规定的最小单位给分",
    "eval-unscored": "对每个指标评分后再报送",
    "eval-row-unknown": "删除不属于评价指标体系的行，或把该指标加入指标体系文件",
    "eval-row-missing": "请用原模板重新填写，不要删除评分表的行或改动最右一列的指标路径",
    "points-changed": "按评价指标体系改正分值",
}
CROSS_CHECK = "核对各表中的同一数字，使之一致"


def fix_for(code: str) -> str:
    if code.startswith("cross-"):
        return CROSS_CHECK
    return CORRECTIONS.get(code, "按左栏的说明核对改正")


UNREADABLE_FIX = "请在 Excel 中打开核对，另存为 .xlsx 或 .xlsm 后重新报送"


def letter_context(result: FileResult, bureau: str, letter_date: str) -> dict[str, Any]:
    """The values of the letter template for one submission (one that could not be read: that is its error)."""
    errors = [
        (" ".join(part for part in (f.sheet or "", f.cell or "") if part) or "—", f.message, fix_for(f.code))
        for f in result.findings
        if f.severity == ERROR
    ]
    if result.status == UNREADABLE:
        errors = [("整个文件", result.reason, UNREADABLE_FIX)]
    return {
        "title": f"关于{_subject(result)}绩效自评材料的审核意见",
        "unit": result.unit,
        "year": result.year or "",
        "file": Path(result.path).name,
        "errors": [
            {"number": index, "place": place, "message": message, "fix": fix}
            for index, (place, message, fix) in enumerate(errors, start=1)
        ],
        "hints": [
            f"{f.sheet or ''}{'!' + f.cell if f.cell else ''} {f.message}".strip()
            for f in result.findings
            if f.severity != ERROR
        ],
        "bureau": bureau,
        "letter_date": letter_date,
    }


def _subject(result: FileResult) -> str:
    """“岳阳市君山区人社局2023年度”, or the file's name when the file could not be read."""
    if not result.unit:
        return f"“{Path(result.path).name}”"
    return result.unit + (f"{result.year}年度" if result.year else "")


def letter_name(result: FileResult) -> str:
    year = f"{result.year}年度" if result.year and result.unit else ""
    return safe_name(f"{year}{result.unit or Path(result.path).stem}绩效自评审核意见.docx")


def render_letters(
    results: Sequence[FileResult], folder: Path, bureau: str = "", letter_date: str | None = None
) -> list[tuple[Path, bytes]]:
    """(path, .docx bytes) for every submission with errors, rendered before anything is written."""
    template = template_file(LETTER_TEMPLATE)
    when = chinese_date(letter_date or date.today())
    signed = bureau.strip() or "＿＿＿＿＿＿＿＿"
    # two submissions of one unit and year get one letter each: write_documents names the second "…(2).docx"
    return [
        (folder / letter_name(result), render(template, letter_context(result, signed, when)))
        for result in results
        if result.status in (HAS_ERRORS, UNREADABLE)
    ]
