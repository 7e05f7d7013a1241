"""审核意见: one Word letter per submission with errors (or unreadable), saying where each error is and what to correct.

Rendered like the reports (report.render: the docxtpl template templates/绩效自评审核意见.docx, sandboxed, every
value escaped) and written like them: all letters or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from perfeval_xl.core.codes import CATALOGUE
from perfeval_xl.core.records import ERROR
from perfeval_xl.report.filters import chinese_date
from perfeval_xl.report.render import render, template_file
from perfeval_xl.report.templates.letter import LETTER_TEMPLATE
from perfeval_xl.report.write import safe_name
from perfeval_xl.review.batch import EVALUATION_KIND, HAS_ERRORS, MONITOR_KIND, TARGETS_KIND, UNREADABLE, FileResult


def fix_for(code: str) -> str:
    """What the unit is asked to do about a finding: its correction in the catalogue (core/codes.py)."""
    declared = CATALOGUE.get(code)
    return declared.correction if declared else "按左栏的说明核对改正"


UNREADABLE_FIX = "请在 Excel 中打开核对，另存为 .xlsx 或 .xlsm 后重新报送"
SELF_SUBJECT, EVALUATION_SUBJECT = "绩效自评材料", "部门整体支出绩效评价评分表"


# what a letter is about and what it is called, by the kind of workbook (a self-assessment's when not listed)
SUBJECTS = {
    EVALUATION_KIND: (EVALUATION_SUBJECT, "绩效评价评分表审核意见"),
    TARGETS_KIND: ("绩效目标申报表", "绩效目标审核意见"),
    MONITOR_KIND: ("绩效运行监控表", "绩效监控审核意见"),
}


def letter_context(result: FileResult, bureau: str, letter_date: str) -> dict[str, Any]:
    """The values of the letter template for one submission (one that could not be read: that is its error)."""
    errors = [
        (" ".join(part for part in (f.sheet or "", f.cell or "") if part) or "—", f.message, fix_for(f.code))
        for f in result.findings
        if f.severity == ERROR
    ]
    if result.status == UNREADABLE:
        errors = [("整个文件", result.reason, UNREADABLE_FIX)]
    evaluation = result.kind == EVALUATION_KIND
    subject = SUBJECTS.get(result.kind, (SELF_SUBJECT,))[0]
    return {
        "title": f"关于{_subject(result)}{subject}的审核意见",
        # an evaluation goes back to whoever scored it, about their 评分表; the unit's own forms to the unit
        "addressee": (result.evaluator or "评价机构") if evaluation else result.unit,
        "subject": f"{result.unit}{EVALUATION_SUBJECT}" if evaluation else subject,
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
    what = SUBJECTS.get(result.kind, ("", "绩效自评审核意见"))[1]
    return safe_name(f"{year}{result.unit or Path(result.path).stem}{what}.docx")


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
        if result.status in (HAS_ERRORS, UNREADABLE) and not result.odd_entry  # a link or a folder: the bureau's
    ]
