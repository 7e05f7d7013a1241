"""The reading pipeline on an open workbook: records, the reading findings and every check, options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import openpyxl

from perfeval_xl.checks import run_checks
from perfeval_xl.core.codes import (
    FUNCTIONS_MISSING,
)
from perfeval_xl.core.records import (
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.workbook.reader.book import Book


def read_workbook(
    wb: openpyxl.Workbook,
    cached: Mapping[tuple[str, str], object] | None = None,
    folder: str = "",
    rules: str | RuleSet | None = None,
) -> tuple[Submission, list[Finding], dict[str, Any]]:
    """The reading pipeline on an open workbook: records, reading findings plus every check, options.

    `rules` overrides the rule set the 说明 sheet names (a finance bureau reviewing by its own rules)."""
    book = Book(wb, cached, folder)
    submission, rules = book.read(rules)
    findings = book.findings
    if book.functions_missing:
        findings.append(
            FUNCTIONS_MISSING(
                "文件上次保存时 PE_* 函数没有计算（显示 #NAME?）：请安装“绩效自评”加载项，或使用无宏版；"
                "本次检查已按数据重新计算"
            )
        )
    findings = findings + run_checks(submission, rules)
    options = {
        "rule_set": submission.header.rule_set,
        "rules": rules,
        "flavour": book.flavour,
        "values": book.values,
        "recomputed": book.recomputed,
        "kind": "evaluation"
        if submission.evaluation
        else "dept"
        if submission.overall or submission.basic
        else "project",
    }
    return submission, findings, options
