"""Which framework an evaluation workbook is scored by: one given on the command line, else the one the workbook
keeps (its hidden sheet, checked against its digest), else the one 说明 names; each refusal one line naming the cell
or defined name to fix."""

from __future__ import annotations

import re

from openpyxl.utils import range_boundaries

from perfeval_xl.core.errors import RuleSetError, WorkbookError
from perfeval_xl.core.frameworks import Framework
from perfeval_xl.core.records import CellRef
from perfeval_xl.engine.evaluation.load import kept_digest, kept_framework, kept_source, load_framework
from perfeval_xl.workbook.layout.evaluation_book import FRAMEWORK_LABEL, FRAMEWORK_TITLE
from perfeval_xl.workbook.reader.book import GUIDE_LAYOUT, Book

FRAMEWORK_CELL = f"“{GUIDE_LAYOUT.title}”页“{FRAMEWORK_LABEL}”一格"


def choose_framework(book: Book, name: str, given: str | None) -> Framework:
    """The framework to score the workbook by."""
    if given is not None:
        try:
            return load_framework(given)
        except RuleSetError as error:
            raise WorkbookError(f"--framework 给出的评价指标体系无法使用：{error}") from None
    kept = _kept_framework(book, name)
    if kept is not None:
        return kept
    try:
        return load_framework(name, folder=book.folder or None)
    except RuleSetError as error:
        raise WorkbookError(_framework_unusable(book, str(error))) from None


def _kept_framework(book: Book, name: str) -> Framework | None:
    """The framework whose text the workbook keeps (its hidden sheet), if it keeps one: refused when the text no
    longer has the digest it was kept with, since scores checked by an edited framework prove nothing."""
    place, digest_place = book.global_names.get("eval_framework"), book.global_names.get("eval_framework_sha256")
    if place is None and digest_place is None:
        return None  # a workbook made before frameworks were kept: by the name on 说明
    source = None
    if place is not None and digest_place is not None:
        _min_col, first, _max_col, last = range_boundaries(place.ref)
        column = place.ref.split(":")[0].rstrip("0123456789")
        source = kept_source(book.cells.raw(CellRef(place.sheet, f"{column}{row}")) for row in range(first, last + 1))
    if source is None or kept_digest(source) != book.cells.raw(digest_place.first):  # type: ignore[union-attr]
        raise WorkbookError(
            f"工作簿里保存的评价指标体系（隐藏的“{FRAMEWORK_TITLE}”表）被改动过或已损坏，不能据以检查；"
            "请用 --framework 给出评价指标体系（名称或 .toml 文件），或用 perfeval new 重新生成评价工作簿"
        )
    try:
        return kept_framework(source, name or "工作簿中保存的评价指标体系")
    except RuleSetError as error:
        raise WorkbookError(f"工作簿里保存的评价指标体系无法使用：{error}") from None


def _framework_unusable(book: Book, reason: str) -> str:
    """Why the framework cannot be used, naming the cell to fix, or the defined name when it points nowhere."""
    where = book.global_names.get("eval_rule_set")
    if where is not None:
        return f"评价指标体系（{where.sheet}!{where.ref}）无法使用：{reason}"
    defined = book.wb.defined_names.get("eval_rule_set")
    written = re.sub(r"[\x00-\x1f\x7f]", "?", str(getattr(defined, "attr_text", "")))[:40]
    state = "不见了" if defined is None else f"不再指向一个单元格（现在是“{written}”）"
    return (
        f"评价指标体系无法使用：定义名称“eval_rule_set”{state}；它应指向{FRAMEWORK_CELL}（填评价指标体系的名称，"
        "如 gongxing-2013）。请在 Excel 的“公式 → 名称管理器”中把它改回指向该单元格，"
        "或用 perfeval new 重新生成评价工作簿"
    )
