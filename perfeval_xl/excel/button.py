"""The 生成报告 button without Excel: check a saved workbook, list the findings, render the report, say what happened.

The ribbon (ribbon.py) is a thin layer over review(): everything here runs, and is tested, without Excel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perfeval_xl.core.records import Finding, Submission
from perfeval_xl.workbook.layout.book import CHECK_SHEET
from perfeval_xl.workbook.open import load

Renderer = Callable[[Path, Submission, list[Finding], dict[str, Any]], Path]


@dataclass(frozen=True)
class Review:
    """What the button found and did.

    Attributes:
      rows: the 校验 sheet's rows under layout.CHECK_HEADER, errors first.
      errors: how many findings block the report.
      hints: how many do not.
      report: the report written next to the workbook, if one was.
      message: what the message box says, in Chinese.
    """

    rows: tuple[tuple[object, ...], ...]
    errors: int
    hints: int
    report: Path | None
    message: str


def check_rows(findings: list[Finding]) -> tuple[tuple[object, ...], ...]:
    ordered = sorted(findings, key=lambda f: not f.is_error)
    return tuple((n, f.severity, f.sheet or "", f.cell or "", f.code, f.message) for n, f in enumerate(ordered, 1))


def review(path: str | Path, render: Renderer | None = None) -> Review:
    """Read and check the workbook at `path`; when nothing blocks it and a renderer is given, write the report."""
    path = Path(path)
    submission, findings, options = load(path)
    errors = sum(f.is_error for f in findings)
    hints = len(findings) - errors
    listed = f"已列在“{CHECK_SHEET}”工作表中" if findings else f"“{CHECK_SHEET}”工作表中没有内容"
    if errors:
        message = f"检查发现 {errors} 个错误、{hints} 个提示，{listed}。请先改正错误，再生成报告。"
        return Review(check_rows(findings), errors, hints, None, message)
    if render is None:
        message = f"检查通过：没有错误，{hints} 个提示，{listed}。"
        return Review(check_rows(findings), errors, hints, None, message)
    report = render(path, submission, findings, options)
    message = f"检查通过（{hints} 个提示，{listed}）。自评报告已生成：{report}"
    return Review(check_rows(findings), errors, hints, report, message)
