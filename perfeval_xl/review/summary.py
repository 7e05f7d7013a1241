"""The only pandas importer: the 复核汇总 workbook (汇总, 问题清单, 统计, 无法读取) and its JSON, from the batch's rows.

The summary is a table problem (count, group, rank), so the tables are DataFrames; pandas writes them through
XlsxWriter, whose formats give the reviewer Chinese headers, 万元 and % formats, a frozen header, filters, widths,
highlighted errors and A4 landscape printing.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from perfeval_xl.review.batch import HAS_ERRORS, UNREADABLE, FileResult, duplicates
from perfeval_xl.review.provenance import PLACEHOLDER, PROPERTY, sign

SEVERITY_ORDER = {"错误": 0, "提示": 1}
SUMMARY_SHEETS = ("汇总", "问题清单", "统计", UNREADABLE)  # the sheets of the summary, in this order
# 执行率 bands as reviewers talk about them: below 60%, …, 90%–100% (fully executed included), over budget
EXEC_BANDS = ((Decimal("0.6"), "60% 以下"), (Decimal("0.8"), "60%–80%"), (Decimal("0.9"), "80%–90%"))
FULL, OVER_BUDGET, NO_RATE = "90%–100%", "超过 100%", "无执行率"
GRADE_MISSING = "无总分"
MAX_LINK, MAX_CELL = 2079, 32767  # Excel's longest link and longest cell text
MAX_LINKS, MAX_ROWS = 65_000, 1_048_576  # links per sheet (Excel's limit is 65 530), rows per sheet

AMOUNT, PERCENT, SCORE, TEXT, WIDE = "amount", "percent", "score", "text", "wide"
SUMMARY_COLUMNS = (  # (heading, kind, width): 130 characters, so that A4 landscape prints them near full size
    ("文件", WIDE, 18),
    ("单位", WIDE, 14),
    ("年度", TEXT, 5),
    ("类型", WIDE, 7),
    ("全年预算数（万元）", AMOUNT, 10),
    ("全年执行数（万元）", AMOUNT, 10),
    ("执行率", PERCENT, 8),
    ("印出总分", SCORE, 6),
    ("重算总分", SCORE, 6),
    ("印出等级", TEXT, 5),
    ("重算等级", TEXT, 5),
    ("错误", TEXT, 4),
    ("提示", TEXT, 4),
    ("状态", TEXT, 6),
    ("原因", WIDE, 22),
)
FINDING_COLUMNS = (
    ("文件", WIDE, 18),
    ("单位", WIDE, 14),
    ("程度", TEXT, 5),
    ("代码", TEXT, 18),
    ("工作表", WIDE, 14),
    ("单元格", TEXT, 7),
    ("说明", WIDE, 54),
)
UNREADABLE_COLUMNS = (("文件", TEXT, 40), ("原因", WIDE, 90))


def _cell(text: str) -> str:
    """Text as a cell can hold it: Excel keeps at most 32 767 characters (a 32 767-character unit name, a finding
    quoting it), so longer text is cut with a mark that says so instead of a warning on the terminal."""
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - len(CUT)] + CUT


CUT = "…（过长，已截断）"


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None and value.is_finite() else None


def summary_frame(results: Sequence[FileResult]) -> pd.DataFrame:
    """汇总: one row per submission, in the batch's order."""
    rows = [
        (
            _cell(r.path),
            _cell(r.unit),
            r.year,
            r.kind,
            _number(r.budget),
            _number(r.executed),
            _number(r.exec_rate),
            _number(r.printed_total),
            _number(r.total),
            _cell(r.printed_grade),
            r.grade,
            r.errors,
            r.hints,
            r.status,
            _cell(r.reason),
        )
        for r in results
    ]
    frame = pd.DataFrame(rows, columns=[c[0] for c in SUMMARY_COLUMNS])
    return frame.astype({"年度": "Int64", "错误": "int64", "提示": "int64"})


def findings_frame(results: Sequence[FileResult]) -> pd.DataFrame:
    """问题清单: every finding of every file, errors first within each file."""
    rows = [
        (_cell(r.path), _cell(r.unit), f.severity, f.code, f.sheet or "", f.cell or "", _cell(f.message))
        for r in results
        for f in sorted(r.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 2))
    ]
    return pd.DataFrame(rows, columns=[c[0] for c in FINDING_COLUMNS])


def _fitted(frame: pd.DataFrame) -> pd.DataFrame:
    """A table cut to what a sheet holds (a batch of 50 000 files with 30 findings each would not fit), with a last
    row that says how many rows are left out and where they are (the JSON has them all)."""
    room = MAX_ROWS - 2  # the heading row and the note
    if len(frame) <= room:
        return frame
    note = {column: "" for column in frame.columns}
    note[frame.columns[0]] = (
        f"……另有 {len(frame) - room} 条未列出（工作表最多 {MAX_ROWS} 行）；全部发现见 perfeval review --json"
    )
    return pd.concat([frame.head(room), pd.DataFrame([note])], ignore_index=True)


def unreadable_frame(results: Sequence[FileResult]) -> pd.DataFrame:
    rows = [(_cell(r.path), _cell(r.reason)) for r in results if r.status == UNREADABLE]
    return pd.DataFrame(rows, columns=[c[0] for c in UNREADABLE_COLUMNS])


def _band(rate: Decimal | None) -> str:
    if rate is None:
        return NO_RATE
    return next((label for upper, label in EXEC_BANDS if rate < upper), FULL if rate <= 1 else OVER_BUDGET)


GRADES, CODES, BANDS, RANKED, TWICE = (
    "各等级份数",
    "各类问题涉及的文件",
    "执行率分布",
    "按总分排名（同一类型、年度和评分依据之内）",
    "同一单位同一年度重复提交",
)


def statistics(results: Sequence[FileResult]) -> dict[str, pd.DataFrame]:
    """统计: files per grade (each kind its own grades), per finding code, per 执行率 band; totals ranked within one
    kind, year and framework (a self-assessed total and an evaluator's score are not one list); duplicates."""
    read = [r for r in results if r.status != UNREADABLE]
    summary = pd.DataFrame(
        {
            "类型": [r.kind for r in read],
            "单位": [_cell(r.unit) for r in read],
            "年度": pd.array([r.year for r in read], dtype="Int64"),
            "评分依据": [_cell(r.framework) or "自评表评分规则" for r in read],
            "重算总分": [_number(r.total) for r in read],
            "重算等级": [r.grade or GRADE_MISSING for r in read],
            "执行率分段": [_band(r.exec_rate) for r in read],
            "文件": [_cell(r.path) for r in read],
        }
    )
    grades = summary.groupby(["类型", "重算等级"]).size().reset_index(name="份数").rename(columns={"重算等级": "等级"})
    bands = (
        summary["执行率分段"]
        .value_counts()
        .reindex([label for _, label in EXEC_BANDS] + [FULL, OVER_BUDGET, NO_RATE], fill_value=0)
        .rename_axis("执行率")
        .reset_index(name="份数")
    )
    findings = findings_frame(results)
    codes = (
        findings.groupby(["代码", "程度"])
        .agg(份数=("文件", "nunique"), 发现条数=("文件", "size"))
        .reset_index()
        .sort_values(["份数", "发现条数", "代码"], ascending=[False, False, True], kind="stable")
    )
    group = ["类型", "年度", "评分依据"]
    ranked = summary.dropna(subset=["重算总分"]).sort_values(
        [*group, "重算总分", "单位"], ascending=[True, True, True, False, True], kind="stable"
    )
    ranked.insert(
        0,
        "名次",
        ranked.groupby(group, dropna=False)["重算总分"].rank(method="min", ascending=False).astype("int64"),
    )
    twice = pd.DataFrame(  # a row per file, not a cell listing a group: 3 000 copies make 3 000 short rows
        [
            (group.number, _cell(group.unit), group.year, group.kind, len(group.files), _cell(path))
            for group in duplicates(results)
            for path in group.files
        ],
        columns=["组", "单位", "年度", "类型", "份数", "文件"],
    )
    return {
        GRADES: grades,
        CODES: codes,
        BANDS: bands,
        RANKED: ranked[["名次", *group, "单位", "重算总分", "重算等级", "文件"]],
        TWICE: twice,
    }


# ---------------------------------------------------------------- the workbook


def workbook_bytes(results: Sequence[FileResult], folder: Path) -> bytes:
    """The summary workbook; file names are links relative to `folder`, where the summary is written."""
    buffer = io.BytesIO()
    # every value is text or a number, never a formula or a link: a unit name "=HYPERLINK(…)" stays text
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    options["in_memory"] = True  # no temporary files: a full temporary folder must leave nothing behind
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        writer.book.set_custom_property(PROPERTY, PLACEHOLDER)  # replaced by the digest: provenance.sign()
        formats = _Formats(writer.book)
        overview, findings, stats, unreadable = SUMMARY_SHEETS
        _table(writer, formats, overview, summary_frame(results), SUMMARY_COLUMNS, folder, status_column="状态")
        _table(
            writer, formats, findings, _fitted(findings_frame(results)), FINDING_COLUMNS, folder, status_column="程度"
        )
        _statistics(writer, formats, stats, statistics(results))
        _table(writer, formats, unreadable, unreadable_frame(results), UNREADABLE_COLUMNS, folder)
    return sign(buffer.getvalue())


class _Formats:
    """The few cell formats the summary uses, made once per workbook."""

    def __init__(self, book: Any):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.header = book.add_format(
            {**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"}
        )
        self.title = book.add_format({**base, "bold": True, "font_size": 12})
        self.by_kind = {
            AMOUNT: book.add_format({**base, "num_format": "#,##0.00"}),
            PERCENT: book.add_format({**base, "num_format": "0.00%"}),
            SCORE: book.add_format({**base, "num_format": "0.00"}),
            TEXT: book.add_format(base),
            WIDE: book.add_format({**base, "text_wrap": True}),
        }
        self.error = book.add_format({"bg_color": "#F8CBAD"})
        self.unreadable = book.add_format({"bg_color": "#D9D9D9"})
        self.link = book.add_format({**base, "font_color": "#0563C1", "underline": 1})


def _table(
    writer: pd.ExcelWriter,
    formats: _Formats,
    sheet_name: str,
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, int]],
    folder: Path,
    status_column: str | None = None,
) -> None:
    frame.to_excel(writer, sheet_name=sheet_name, index=False)
    sheet = writer.sheets[sheet_name]
    for index, (heading, kind, width) in enumerate(columns):
        sheet.set_column(index, index, width, formats.by_kind[kind])
        sheet.write(0, index, heading, formats.header)
    sheet.set_row(0, 30)  # headings wrap in narrow columns: two lines
    _fit_rows(sheet, frame, columns)
    if "文件" in frame.columns:
        for row, path in enumerate(frame["文件"], start=1):
            relative = _relative(Path(path), folder)
            target = relative.replace("%", "%25").replace("#", "%23")  # a link's path is a URI: # starts a fragment
            if len(target) > MAX_LINK or row > MAX_LINKS:  # Excel takes no longer link, and no more per sheet
                sheet.write_string(row, 0, relative[:MAX_CELL], formats.by_kind[TEXT])
            else:
                sheet.write_url(row, 0, "external:" + target, formats.link, relative)
    last_row, last_column = len(frame), len(columns) - 1
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(last_row, 1), last_column)
    if status_column is not None and last_row:
        letter = chr(ord("A") + frame.columns.get_loc(status_column))
        for value, cell_format in (
            (HAS_ERRORS, formats.error),
            ("错误", formats.error),
            (UNREADABLE, formats.unreadable),
        ):
            sheet.conditional_format(
                1,
                0,
                last_row,
                last_column,
                {"type": "formula", "criteria": f'=${letter}2="{value}"', "format": cell_format},
            )
    _print_setup(sheet)


def _statistics(writer: pd.ExcelWriter, formats: _Formats, sheet_name: str, blocks: dict[str, pd.DataFrame]) -> None:
    """统计: the blocks one under another, each with its title, a blank row between them."""
    row = 0
    sheet = None
    for title, frame in blocks.items():
        frame.to_excel(writer, sheet_name=sheet_name, index=False, startrow=row + 1)
        sheet = writer.sheets[sheet_name]
        sheet.write(row, 0, title, formats.title)
        for index, heading in enumerate(frame.columns):
            sheet.write(row + 1, index, heading, formats.header)
        if frame.empty:
            sheet.write(row + 2, 0, "（无）")
        row += len(frame) + 4
    if sheet is not None:
        for first, last, width in ((0, 0, 16), (1, 1, 24), (2, 2, 12), (3, 3, 22), (4, 4, 24), (5, 6, 12), (7, 7, 40)):
            sheet.set_column(first, last, width)
        _print_setup(sheet, repeat_header=False)


LINE_HEIGHT, MAX_LINES = 13.5, 12  # points per line of 10-point text; a longer text is cut on paper, whole in Excel


def _fit_rows(sheet: Any, frame: pd.DataFrame, columns: Sequence[tuple[str, str, int]]) -> None:
    """Row heights for the wrapped columns: neither Excel nor LibreOffice grows a row that a program wrote, so a long
    unit name or reason would spill over the rows below it on paper."""
    wrapped = [(heading, width) for heading, kind, width in columns if kind == WIDE]
    for row, values in enumerate(frame[[h for h, _ in wrapped]].itertuples(index=False), start=1):
        lines = max((_lines(str(value), width) for value, (_h, width) in zip(values, wrapped, strict=True)), default=1)
        if lines > 1:
            sheet.set_row(row, LINE_HEIGHT * min(lines, MAX_LINES))


def _lines(text: str, width: int) -> int:
    """How many lines `text` takes in a column `width` characters wide (a 汉字 is two characters wide)."""
    if not text or text == "nan":
        return 1
    wide = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, -(-wide // max(1, width - 1)))


def _print_setup(sheet: Any, repeat_header: bool = True) -> None:
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if repeat_header:
        sheet.repeat_rows(0)


def _relative(path: Path, folder: Path) -> str:
    """A link that still works when the reviewer moves the folder of submissions and the summary together."""
    try:  # abspath, not resolve(): a link is linked as the link (resolving one that loops would fail)
        return os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
    except ValueError:  # another drive on Windows
        return os.path.abspath(path)


# ---------------------------------------------------------------- JSON


def as_json(results: Sequence[FileResult]) -> dict[str, Any]:
    """The same summary for other systems: files with their figures and findings, and the statistics."""
    stats = statistics(results)
    return {
        "files": [
            {
                "file": r.path,
                "status": r.status,
                "reason": r.reason or None,
                "unit": r.unit or None,
                "year": r.year,
                "kind": r.kind or None,
                "budget": _number(r.budget),
                "executed": _number(r.executed),
                "exec_rate": _number(r.exec_rate),
                "printed_total": _number(r.printed_total),
                "total": _number(r.total),
                "printed_grade": r.printed_grade or None,
                "grade": r.grade or None,
                "errors": r.errors,
                "hints": r.hints,
                "framework": r.framework or None,
                "evaluator": r.evaluator or None,
                "duplicate_group": r.duplicate_group,
                "findings": [
                    {"severity": f.severity, "code": f.code, "sheet": f.sheet, "cell": f.cell, "message": f.message}
                    for f in r.findings
                ],
            }
            for r in results
        ],
        "statistics": {
            "grades": {
                kind: {grade: int(count) for grade, count in zip(part["等级"], part["份数"], strict=True)}
                for kind, part in stats[GRADES].groupby("类型")
            },
            "exec_rate_bands": dict(zip(stats[BANDS]["执行率"], map(int, stats[BANDS]["份数"]), strict=True)),
            "codes": {
                code: int(units) for code, units in findings_frame(results).groupby("代码")["文件"].nunique().items()
            },
            "duplicates": [
                {
                    "group": group.number,
                    "unit": group.unit,
                    "year": group.year,
                    "kind": group.kind,
                    "count": len(group.files),
                    "files": list(group.files),
                }
                for group in duplicates(results)
            ],
        },
    }
