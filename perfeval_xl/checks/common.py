"""What the checks share: the tolerances of printed amounts, the check signature, the tables a submission has."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from perfeval_xl.core.records import (
    Assessment,
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet

AMOUNT_TOLERANCE = Decimal("0.005")  # amounts are printed in 万元 with two decimals


ROUNDING_GAP = Decimal("0.01")  # a difference of one printed cent between two tables is a rounding matter


Check = Callable[[Submission, RuleSet], list[Finding]]


def assessments(submission: Submission) -> list[Assessment]:
    return ([submission.overall] if submission.overall else []) + list(submission.projects)


def sum_of(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
