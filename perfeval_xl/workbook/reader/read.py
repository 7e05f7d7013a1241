"""The reading pipeline on an open workbook, as a list of named steps: records, the reading findings, every check.

A workbook is read in steps (find the sheets, read 说明 and the rule set, 附件1, 附件2, each 附件3, …, check), like
openpyxl's ExcelReader.read(): a step that fails in a way nothing foresaw names itself, so that the one line a user
reports says where the fault is (a file that cannot be read at all still says so in its own words, exit 2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from perfeval_xl.checks import run_checks
from perfeval_xl.core.codes import FUNCTIONS_MISSING
from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.core.records import Finding, Header, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.layout.base import BASIC, GUIDE, NARRATIVE, OVERALL, PROJECT, REVENUE
from perfeval_xl.workbook.reader.assessment import (
    assessment_record,
    basic_record,
    header_record,
    narrative_record,
    revenue_record,
    rules_named,
)
from perfeval_xl.workbook.reader.book import Book
from perfeval_xl.workbook.reader.cycle import (
    MONITOR,
    TARGETS,
    cycle_family,
    declared_targets,
    read_monitor,
    read_targets,
)
from perfeval_xl.workbook.reader.evaluation import read_evaluation


class ReadStepError(RuntimeError):
    """A reading step failed in a way nothing foresaw: a fault of ours, named by the step (exit 3, not 2)."""


@dataclass
class Reading:
    """What the steps have read so far."""

    book: Book
    rules_given: str | RuleSet | None  # a reviewer's rule set, over the one the 说明 sheet names
    framework_given: str | None = None  # a framework over the one an evaluation workbook keeps or names
    sheets: dict[str, Any] = field(default_factory=dict)
    header: Header = field(default_factory=Header)
    rules: RuleSet | None = None
    parts: dict[str, Any] = field(default_factory=dict)
    submission: Submission | None = None


Step = tuple[str, Callable[[Reading], None]]


def _find_sheets(reading: Reading) -> None:
    reading.sheets = reading.book.identify()


def _guide_and_rules(reading: Reading) -> None:
    book = reading.book
    reading.header, rule_set = header_record(book, reading.sheets.get(GUIDE))
    given = reading.rules_given
    reading.rules = load_rules(given) if given is not None else rules_named(book, rule_set)
    if place := book.global_names.get("rule_set"):
        book.memo[(place.sheet, "rule_set")] = reading.rules  # formulas score with the rules as resolved here


def _part(key: str, read: Callable[[Reading, Any], Any]) -> Callable[[Reading], None]:
    def step(reading: Reading) -> None:
        if key in reading.sheets:
            reading.parts[key] = read(reading, reading.sheets[key])

    return step


def _projects(reading: Reading) -> None:
    rules = reading.rules
    assert rules is not None
    reading.parts[PROJECT] = tuple(assessment_record(reading.book, s, rules) for s in reading.sheets.get(PROJECT, []))


def _headings(reading: Reading) -> None:
    for sheet in reading.sheets.get("_all", []):
        reading.book.headings(sheet)


def _self_assessment(reading: Reading) -> None:
    parts = reading.parts
    reading.submission = Submission(
        reading.header,
        parts.get(BASIC),
        parts.get(OVERALL),
        parts.get(PROJECT, ()),
        parts.get(REVENUE),
        narrative=parts.get(NARRATIVE),
        declared=declared_targets(reading.book),
    )


def _evaluation(reading: Reading) -> None:
    reading.submission = read_evaluation(reading.book, reading.framework_given)
    reading.rules = load_rules("national")  # an evaluation's 附件1, if any, needs no scoring rules


SELF_ASSESSMENT: tuple[Step, ...] = (
    ("找出各张表", _find_sheets),
    ("读取说明页和评分规则", _guide_and_rules),
    ("读取附件1", _part(BASIC, lambda r, s: basic_record(r.book, s))),
    ("读取附件2", _part(OVERALL, lambda r, s: assessment_record(r.book, s, r.rules))),
    ("读取附件3", _projects),
    ("读取收支预决算", _part(REVENUE, lambda r, s: revenue_record(r.book, s))),
    ("读取报告文字", _part(NARRATIVE, lambda r, s: narrative_record(r.book, s))),
    ("表头的标题和单位名称", _headings),
    ("整理记录", _self_assessment),
)
EVALUATION: tuple[Step, ...] = (("读取评价指标评分表", _evaluation),)


def _cycle(read: Callable[[Book, str | RuleSet | None], tuple[Submission, RuleSet]]) -> Callable[[Reading], None]:
    def step(reading: Reading) -> None:
        reading.submission, reading.rules = read(reading.book, reading.rules_given)

    return step


CYCLE: dict[str, tuple[Step, ...]] = {
    TARGETS: (("读取绩效目标申报表", _cycle(read_targets)),),
    MONITOR: (("读取绩效监控表", _cycle(read_monitor)),),
}


def run_step(name: str, step: Callable[[], Any]) -> Any:
    """One step; a failure nobody foresaw names the step (a user's file error is already a PerfevalError)."""
    try:
        return step()
    except (PerfevalError, MemoryError, RecursionError):
        raise
    except Exception as error:
        raise ReadStepError(f"在“{name}”这一步出错（{type(error).__name__}：{error}）") from error


def read_records(
    book: Book, rules: str | RuleSet | None = None, framework: str | None = None
) -> tuple[Submission, RuleSet]:
    """The records of a workbook and the rule set that scores them: `rules` when given, else the 说明 sheet's;
    an evaluation workbook's by `framework` when given, else by the one it keeps or names."""
    reading = Reading(book, rules, framework)
    family = None if book.is_evaluation else cycle_family(book)
    steps = EVALUATION if book.is_evaluation else CYCLE[family] if family else SELF_ASSESSMENT
    for name, step in steps:
        run_step(name, lambda step=step: step(reading))
    assert reading.submission is not None and reading.rules is not None
    return reading.submission, reading.rules


def read_workbook(
    wb: Any,
    cached: Mapping[tuple[str, str], object] | None = None,
    folder: str = "",
    rules: str | RuleSet | None = None,
    framework: str | None = None,
) -> tuple[Submission, list[Finding], dict[str, Any]]:
    """The reading pipeline on an open workbook: records, reading findings plus every check, options.

    `rules` overrides the rule set the 说明 sheet names (a finance bureau reviewing by its own rules); `framework`
    the framework an evaluation workbook keeps."""
    book = run_step("读取定义名称", lambda: Book(wb, cached, folder))
    submission, rules = read_records(book, rules, framework)
    findings = book.findings
    if book.cells.functions_missing:
        findings.append(
            FUNCTIONS_MISSING(
                "文件上次保存时 PE_* 函数没有计算（显示 #NAME?）：请安装“绩效自评”加载项，或使用无宏版；"
                "本次检查已按数据重新计算"
            )
        )
    findings = findings + run_step("审核", lambda: run_checks(submission, rules))
    options = {
        "rule_set": submission.header.rule_set,
        "rules": rules,
        "flavour": book.cells.flavour,
        "values": book.values,
        "inputs": book.inputs,
        "recomputed": book.recomputed,
        "kind": kind_of(submission),
    }
    return submission, findings, options


def kind_of(submission: Submission) -> str:
    """evaluation, targets, monitor, dept (附件1 or 附件2) or project (附件3 only)."""
    if submission.evaluation:
        return "evaluation"
    if submission.targets:
        return "targets"
    if submission.monitor:
        return "monitor"
    return "dept" if submission.overall or submission.basic else "project"
