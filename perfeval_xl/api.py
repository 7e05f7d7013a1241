"""The public Python surface: what integrators and the README's examples import; the modules behind it may move."""

from perfeval_xl.checks import run_checks
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.core.numbers import D, NotANumber, format_amount, format_percent, format_score
from perfeval_xl.core.records import Finding, Submission
from perfeval_xl.engine.rates import (
    adjustment_rate,
    carryover_rate,
    change_amount,
    change_rate,
    completion_rate,
    control_rate,
    execution_rate,
    share,
    variance_rate,
)
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import check_manual_score, execution_score, grade, indicator_score, score_assessment
from perfeval_xl.engine.targets import parse_target
from perfeval_xl.report.write import write_reports
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load

__all__ = [
    "D",
    "Finding",
    "NotANumber",
    "Submission",
    "adjustment_rate",
    "carryover_rate",
    "change_amount",
    "change_rate",
    "check_manual_score",
    "completion_rate",
    "control_rate",
    "corrected_example",
    "execution_rate",
    "execution_score",
    "format_amount",
    "format_percent",
    "format_score",
    "grade",
    "indicator_score",
    "load",
    "load_rules",
    "new_workbook",
    "parse_target",
    "published_example",
    "run_checks",
    "score_assessment",
    "share",
    "variance_rate",
    "write_reports",
]
