"""Building an empty template with openpyxl from the layout: cells, styles, validations, names, page setup."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from perfeval_xl.core.numbers import D, format_score
from perfeval_xl.utils.zips import FIXED_TIME
from perfeval_xl.workbook.fill import cell_value
from perfeval_xl.workbook.formulas import Renderer
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    AREA,
    COUNT,
    GUIDE,
    INPUT,
    LABEL,
    LONG_TEXT,
    MONTH_NUMBER,
    NUMBER_FORMATS,
    NUMERIC_KINDS,
    OVERRIDE,
    SCORE,
    UDF,
    WEIGHT,
    YEAR,
    Cell,
    SheetLayout,
    WorkbookLayout,
)
from perfeval_xl.workbook.layout.basic import MAY_BE_NEGATIVE

_THIN = Side(style="thin", color="808080")


_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


_FONT = "宋体"


_STYLE_FONTS = {
    "title": Font(name=_FONT, size=16, bold=True),
    "row_heading": Font(name=_FONT, size=11, bold=True),
    "subtitle": Font(name=_FONT, size=12, bold=True),
    "heading": Font(name=_FONT, size=11, bold=True),
    "vertical": Font(name=_FONT, size=11, bold=True),
    "vertical_top": Font(name=_FONT, size=11, bold=True),
    "note": Font(name=_FONT, size=10),
    "helper": Font(name=_FONT, size=9, color="808080"),
}


_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # 浅黄：填写


_OVERRIDE_FILL = PatternFill("solid", fgColor="E2EFDA")  # 浅绿：自动计算，可改写


_HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")


def _alignment(cell: Cell) -> Alignment:
    if cell.style == "vertical":
        return Alignment(horizontal="center", vertical="center", wrap_text=True, text_rotation=255)
    if cell.style == "vertical_top":  # a label over rows that may run over pages: read on the first of them
        return Alignment(horizontal="center", vertical="top", wrap_text=True, text_rotation=255)
    if cell.style in ("title",):
        return Alignment(horizontal="center", vertical="center", wrap_text=True)
    if cell.style in ("note", "subtitle") or cell.kind == LONG_TEXT:
        return Alignment(horizontal="left", vertical="top" if cell.kind == LONG_TEXT else "center", wrap_text=True)
    if cell.kind in NUMERIC_KINDS:
        return Alignment(horizontal="right", vertical="center")
    if cell.style == "heading":
        return Alignment(horizontal="center", vertical="center", wrap_text=True)
    if cell.style == "centered":
        return Alignment(horizontal="center", vertical="center")
    return Alignment(horizontal="left", vertical="center", wrap_text=True)


def _boxed(sheet: SheetLayout, cell: Cell) -> bool:
    """Form cells get borders; titles, notes and helper columns do not."""
    return sheet.key != GUIDE and cell.style not in ("title", "note", "helper", "subtitle")


class _FittedRow(RowDimension):
    """A row written with its height but without customHeight: Excel shows the height given, and refits the row to
    its wrapped text when a cell in it is edited (a row of custom height keeps it, and cuts a long 扣分原因 off)."""

    @property
    def customHeight(self) -> bool:
        return False


def build(layout: WorkbookLayout, flavour: str = UDF) -> openpyxl.Workbook:
    """An empty template as an openpyxl Workbook (not yet stamped or packaged)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "perfeval-xl"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    for sheet in layout.sheets:
        ws = wb.create_sheet(sheet.title)
        _build_sheet(wb, ws, sheet, flavour, layout.full_marks)
    return wb


def _build_sheet(wb: openpyxl.Workbook, ws: Worksheet, sheet: SheetLayout, flavour: str, full_marks: Decimal) -> None:
    renderer = Renderer(sheet, flavour)
    block_tops = _block_tops(sheet)
    validations = _Validations(ws, format_score(full_marks))
    for cell in sheet.cells:
        target = ws[cell.ref]
        row = target.row
        role = cell.role
        formula_text = None
        if cell.formula is not None:
            text = formula_text = renderer.formula(cell, row, block_tops.get(row, {}))
            if text is None:
                role = INPUT  # the native flavour types scores in by hand
            else:
                target.value = text
        elif cell.role == INPUT and cell.text:
            target.value = _initial(cell)
        elif cell.role == LABEL:
            target.value = _initial(cell) if cell.kind in NUMERIC_KINDS and cell.text else (cell.text or None)
        if formula_text is None and isinstance(target.value, str) and target.value.startswith("="):
            target.data_type = "s"  # a label or text from a rule file that starts with "=" is text, not a formula
        _style(ws, sheet, cell, role)
        if role in (INPUT, OVERRIDE):
            validations.add(cell)
        if cell.comment:
            target.comment = Comment(cell.comment, "perfeval-xl", width=300, height=110)
        if cell.merge_to:
            ws.merge_cells(f"{cell.ref}:{cell.merge_to}")
    _names(wb, ws, sheet)
    _page(ws, sheet)
    for letter, width in sheet.widths.items():
        ws.column_dimensions[letter].width = width
    for row, height in sheet.heights.items():
        if row in sheet.fitted_rows:
            ws.row_dimensions[row] = _FittedRow(ws, index=row, ht=height)
        else:
            ws.row_dimensions[row].height = height
    for row in sheet.row_breaks:
        ws.row_breaks.append(Break(id=row))
    ws.sheet_view.showGridLines = False
    ws.protection.sheet = True  # no password: 审阅 → 撤销工作表保护
    if sheet.hidden:  # not in Excel's 取消隐藏 list; locked whole (its digest tells an edited copy anyway)
        ws.sheet_state = "veryHidden"
        return
    for permission in ("insertRows", "deleteRows", "formatRows", "formatColumns", "formatCells"):
        setattr(ws.protection, permission, False)  # False: allowed


def _initial(cell: Cell) -> object:
    number = D(cell.text) if cell.kind in NUMERIC_KINDS else None
    return cell_value(number) if isinstance(number, Decimal) else cell.text


def _block_tops(sheet: SheetLayout) -> dict[int, dict[str, int]]:
    """For every indicator row, the row where its 二级指标 block starts (the merged heading's cell)."""
    tops: dict[int, dict[str, int]] = {}
    for table in sheet.tables:
        first: dict[tuple[str, str], int] = {}
        for table_row in table.rows:
            top = first.setdefault((table_row.level1, table_row.level2), table_row.row)
            tops[table_row.row] = {"level2": top}
    return tops


def _style(ws: Worksheet, sheet: SheetLayout, cell: Cell, role: str) -> None:
    target = ws[cell.ref]
    target.font = _STYLE_FONTS.get(cell.style, Font(name=_FONT, size=11))
    target.alignment = _alignment(cell)
    if cell.kind in NUMBER_FORMATS:
        target.number_format = NUMBER_FORMATS[cell.kind]
    elif role == INPUT:
        target.number_format = "@"  # text: "90%" typed into 实际完成值 stays "90%", not the number 0.9
    if role == INPUT:
        target.fill = _INPUT_FILL
    elif role == OVERRIDE:
        target.fill = _OVERRIDE_FILL
    elif cell.style == "heading" and sheet.key != GUIDE:
        target.fill = _HEADING_FILL
    target.protection = Protection(locked=role not in (INPUT, OVERRIDE))
    if _boxed(sheet, cell):
        boxed = [cell.ref]
        if cell.merge_to:
            min_col, min_row, max_col, max_row = range_boundaries(f"{cell.ref}:{cell.merge_to}")
            boxed = [
                f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)
            ]
        for ref in boxed:
            ws[ref].border = _BORDER


class _Validations:
    """One data validation per kind of input on a sheet, each covering all its cells."""

    RULES: Mapping[str, dict[str, Any]] = {
        AMOUNT: {
            "type": "decimal",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "error": "请填写不小于 0 的金额（万元），不要带单位或文字。",
        },
        AREA: {
            "type": "decimal",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "error": "请填写不小于 0 的面积（平方米）。",
        },
        COUNT: {
            "type": "whole",
            "operator": "greaterThanOrEqual",
            "formula1": "0",
            "error": "请填写不小于 0 的整数人数。",
        },
        MONTH_NUMBER: {
            "type": "whole",
            "operator": "between",
            "formula1": "1",
            "formula2": "12",
            "error": "请填写 1 到 12 的月份，如 7 表示 1-7月。",
        },
        YEAR: {
            "type": "whole",
            "operator": "between",
            "formula1": "2000",
            "formula2": "2100",
            "error": "请填写四位数的年度，如 2023。",
        },
        WEIGHT: {
            "type": "decimal",
            "operator": "between",
            "formula1": "0",
            "formula2": "{full}",
            "error": "分值应在 0 到 {full} 之间。",
        },
        SCORE: {
            "type": "decimal",
            "operator": "between",
            "formula1": "0",
            "formula2": "{full}",
            "error": "得分应为 0 到 {full} 之间的数字；不得超过该指标的分值。",
        },
    }

    def __init__(self, ws: Worksheet, full_marks: str):
        self.ws, self.full_marks, self.by_kind = ws, full_marks, {}

    def add(self, cell: Cell) -> None:
        if cell.name in MAY_BE_NEGATIVE:
            return
        if cell.choices:
            self._choice(cell)
            return
        rule = self.RULES.get(cell.kind)
        if rule is None:
            return
        rule = {key: text.replace("{full}", self.full_marks) for key, text in rule.items()}  # the rule set's 满分
        if cell.kind not in self.by_kind:
            validation = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle="输入有误", **rule)
            self.ws.add_data_validation(validation)
            self.by_kind[cell.kind] = validation
        self.by_kind[cell.kind].add(cell.ref)

    def _choice(self, cell: Cell) -> None:
        """A drop-down of the cell's words: one validation per list of words on a sheet."""
        key = "choices:" + ",".join(cell.choices)
        if key not in self.by_kind:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(cell.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择：" + "、".join(cell.choices) + "。",
            )
            self.ws.add_data_validation(validation)
            self.by_kind[key] = validation
        self.by_kind[key].add(cell.ref)


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _names(wb: openpyxl.Workbook, ws: Worksheet, sheet: SheetLayout) -> None:
    quoted = "'" + sheet.title.replace("'", "''") + "'"
    targets = [(cell.name, cell.ref) for cell in sheet.cells if cell.name]
    targets += [(table.name, table.ref) for table in sheet.tables]
    targets += list(sheet.ranges.items())
    for name, ref in targets:
        defined = DefinedName(name, attr_text=f"{quoted}!{_absolute(ref)}")
        if sheet.scoped:
            ws.defined_names[name] = defined
        else:
            wb.defined_names[name] = defined


def _page(ws: Worksheet, sheet: SheetLayout) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if sheet.one_page else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if sheet.print_rows:
        ws.print_title_rows = sheet.print_rows
    if sheet.print_columns:
        first, last = sheet.print_columns.split(":")
        ws.print_area = f"{first}1:{last}{ws.max_row}"
