"""A whole self-assessment workbook: its sheets in order, the defined names it declares, the 校验 sheet's shape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.workbook.layout.assessment import overall_sheet, project_sheet
from perfeval_xl.workbook.layout.base import COMPUTED, INPUT, LABEL, OVERALL, OVERRIDE, WorkbookLayout
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.guide import guide_sheet
from perfeval_xl.workbook.layout.narrative import narrative_sheet
from perfeval_xl.workbook.layout.revenue import revenue_sheet

CHECK_SHEET = "校验"


CHECK_HEADER = ("序号", "严重程度", "工作表", "单元格", "代码", "说明")


CHECK_ANCHOR = "A1"  # the header row starts here; the findings follow below it


CHECK_WIDTHS = {"A": 6, "B": 9, "C": 24, "D": 9, "E": 22, "F": 90}


def workbook_layout(
    kind: str,
    rules: RuleSet,
    projects: Sequence[str],
    template_info: str,
    indicator_counts: Mapping[str, Mapping[tuple[str, str], int]] | None = None,
) -> WorkbookLayout:
    """The sheets of a dept workbook (说明, 附件1, 附件2, 附件3 × n, 收支预决算, 报告文字), or of a project one
    (说明, 附件3 × n).

    `indicator_counts` maps a sheet key ("overall", or a project's position "1", "2"…) to how many indicator
    rows each (一级, 二级) block needs, so a filled example gets room for all its indicators.
    """
    counts = indicator_counts or {}
    sheets = [guide_sheet(rules, template_info)]
    if kind == "dept":
        sheets += [basic_sheet(projects), overall_sheet(rules, counts.get(OVERALL))]
    sheets += [project_sheet(i, rules, name, counts.get(str(i))) for i, name in enumerate(projects, start=1)]
    if kind == "dept":
        sheets += [revenue_sheet(), narrative_sheet()]
    return WorkbookLayout(kind, tuple(sheets), rules.full_marks)


def defined_names(layout: WorkbookLayout, each: str = "每张附件3") -> list[tuple[str, str, str, str]]:
    """(name, scope, reference, description) of every defined name: what docs/names.md documents. A sheet-scoped
    sheet is documented once, its scope named `each`."""
    rows = []
    documented = set()
    for sheet in layout.sheets:
        scope = each if sheet.scoped else "工作簿"
        if sheet.scoped and sheet.key in documented:
            continue
        documented.add(sheet.key)
        for cell in sheet.cells:
            if cell.name:
                role = {INPUT: "填写", COMPUTED: "计算", OVERRIDE: "计算（可改写）", LABEL: "标签"}[cell.role]
                rows.append((cell.name, scope, f"{sheet.title}!{cell.ref}", f"{cell.description}（{role}）"))
        for table in sheet.tables:
            headings = "、".join(c.heading for c in table.columns)
            rows.append((table.name, scope, f"{sheet.title}!{table.ref}", f"{table.description}：{headings}（区域）"))
    return rows
