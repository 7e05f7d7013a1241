"""The 生成报告 button in Excel (xlwings): save the workbook, review it, write the 校验 sheet, open the report, tell.

Every Excel call the button makes is here, and there are few: the workbook's path and save(), its sheets,
writing one block of values, column widths and a message box. The work itself is review.review().
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import xlwings as xw

from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.excel.button import Review, review
from perfeval_xl.workbook.layout.book import CHECK_ANCHOR, CHECK_HEADER, CHECK_SHEET, CHECK_WIDTHS

TITLE = "绩效自评"


def main(book: object | None = None, opener: Callable[[Path], None] | None = None) -> None:
    """Run the button on the calling workbook; every outcome, failures included, ends in a message box."""
    book = book if book is not None else xw.Book.caller()
    app = book.app
    try:
        from perfeval_xl.report.write import render_for_workbook  # docxtpl is only needed once a report is written

        result = review(saved_path(book), render_for_workbook)
        write_check_sheet(book, result)
        if result.report is not None:
            (opener or open_file)(result.report)
        app.alert(result.message, title=TITLE)
    except PerfevalError as error:
        app.alert(f"没有完成：{error}", title=TITLE)
    except Exception as error:  # the button must never fail silently
        app.alert(f"出错了（{type(error).__name__}）：{error}", title=TITLE)


def saved_path(book: object) -> Path:
    """Save the workbook where it is (Excel writes it) and return its path; a never-saved workbook is refused."""
    full = Path(str(book.fullname))
    if not full.is_absolute() or full.suffix.lower() not in (".xlsm", ".xlsx"):
        raise PerfevalError("请先把工作簿另存为 .xlsm 或 .xlsx 文件，再点击“生成报告”")
    book.save()
    return full


def write_check_sheet(book: object, result: Review) -> None:
    """Put the findings on the 校验 sheet, each cell reference a link to the cell, errors first."""
    names = [sheet.name for sheet in book.sheets]
    sheet = book.sheets[CHECK_SHEET] if CHECK_SHEET in names else book.sheets.add(CHECK_SHEET, after=book.sheets[-1])
    sheet.clear()
    rows = [list(CHECK_HEADER)] + [_linked(row) for row in result.rows]
    if not result.rows:
        rows.append(["", "", "", "", "", "没有发现问题"])
    sheet[CHECK_ANCHOR].value = rows
    for letter, width in CHECK_WIDTHS.items():
        sheet.range(f"{letter}:{letter}").column_width = width


def _linked(row: tuple[object, ...]) -> list[object]:
    number, severity, sheet, cell, code, message = row
    if sheet and cell:
        target = "'" + str(sheet).replace("'", "''") + "'!" + str(cell)
        quoted = target.replace('"', '""')  # a " in a sheet name is doubled inside a formula's string
        cell = f'=HYPERLINK("#{quoted}","{cell}")'
    return [number, severity, sheet, cell, code, message]


def open_file(path: Path) -> None:
    """Open the report with the program the system associates with it (Word on Windows and macOS)."""
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]
    else:
        subprocess.run(["open" if sys.platform == "darwin" else "xdg-open", str(path)], check=False)
