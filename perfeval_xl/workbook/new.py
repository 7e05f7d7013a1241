"""New workbooks: a template, a filled one (the example), or an evaluation workbook from a framework."""

from __future__ import annotations

from pathlib import Path

from perfeval_xl.core.example_evaluation import EvaluationExample
from perfeval_xl.core.records import Submission
from perfeval_xl.core.version import __version__
from perfeval_xl.engine.evaluation.load import available_frameworks, framework_source, is_evaluation, load_framework
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.build import build
from perfeval_xl.workbook.fill import fill_evaluation, fill_submission, indicator_counts, set_named
from perfeval_xl.workbook.layout.base import (
    NATIVE,
    UDF,
)
from perfeval_xl.workbook.layout.book import workbook_layout
from perfeval_xl.workbook.layout.evaluation_book import evaluation_workbook_layout
from perfeval_xl.workbook.package import package


def template_info(flavour: str) -> str:
    kind = "含 PE_* 函数（需“绩效自评”加载项）" if flavour == UDF else "无宏版：比率为 Excel 公式，得分需手工填写"
    return f"perfeval-xl {__version__} 模板 · {kind}"


def new_workbook(
    kind: str,
    rules_name: str | None,
    projects: list[str],
    flavour: str,
    suffix: str,
    submission: Submission | None = None,
) -> bytes:
    """The bytes of a new template (or, given a submission, of a filled one); an evaluation framework's name or
    file as `rules_name` gives an evaluation workbook (评价指标评分表) instead."""
    if rules_name is not None and is_evaluation(rules_name):
        return _new_evaluation_workbook(rules_name, flavour, suffix)
    rules = load_rules(rules_name)
    counts = indicator_counts(submission) if submission else None
    layout = workbook_layout(kind, rules, projects, template_info(flavour), counts)
    wb = build(layout, flavour)
    set_named(wb, "rule_set", rules_name or rules.name)
    if submission is not None:
        fill_submission(wb, layout, submission, typed_scores=flavour == NATIVE)
    return package(wb, suffix)


def filled_evaluation_workbook(example: EvaluationExample, flavour: str, suffix: str) -> bytes:
    """An evaluation workbook with what its evaluator typed (the shipped example)."""
    return _new_evaluation_workbook(example.framework, flavour, suffix, example)


def _new_evaluation_workbook(
    framework_name: str, flavour: str, suffix: str, example: EvaluationExample | None = None
) -> bytes:
    """The workbook keeps the framework's text (a hidden sheet), so 说明 names it without a path: a file path would
    mean nothing on the machine the workbook is sent to."""
    framework = load_framework(framework_name)
    source, origin = framework_source(framework_name)
    layout = evaluation_workbook_layout(framework, flavour, template_info(flavour), source)
    wb = build(layout, flavour)
    set_named(wb, "eval_rule_set", origin if origin in available_frameworks() else Path(origin).name)
    if example is not None:
        fill_evaluation(wb, example)
    return package(wb, suffix)
