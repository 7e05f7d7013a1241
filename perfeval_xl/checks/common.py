"""What the checks share: the tolerances of printed amounts, the rule for a printed rate, the check signature, the
tables a submission has."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_DOWN, Decimal, localcontext

from perfeval_xl.core.codes import PRINTED_RATE, PRINTED_RATE_NO_BASE
from perfeval_xl.core.numbers import agrees, format_percent, format_printed_percent, printed_places
from perfeval_xl.core.records import (
    ERROR,
    HINT,
    Assessment,
    CellRef,
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


def printed_rate(
    what: str,
    printed: Decimal | None,
    computed: Decimal | None,
    formula: str,
    ref: CellRef | None,
    severity: str = ERROR,
    note: str = "",
) -> list[Finding]:
    """A printed rate against the one its figures give, to the precision it was printed with (one rule for every
    sheet): no base but a figure printed is printed-rate-no-base (a hint when printed as 0); a last digit cut instead
    of rounded half up is a hint; any other difference is `severity`."""
    if printed is None:
        return []
    if computed is None:
        if printed.is_zero():
            return [
                PRINTED_RATE_NO_BASE(
                    f"{what}印为 {format_printed_percent(printed)}，但分母为空或为零，无法计算，应填“—”",
                    ref,
                    severity=HINT,
                )
            ]
        return [PRINTED_RATE_NO_BASE(f"{what}印为 {format_printed_percent(printed)}，但分母为空或为零，无法计算", ref)]
    if agrees(printed, computed, min_places=2):  # a rate is never printed coarser than whole percents
        return []
    if severity == ERROR and truncated(computed, max(printed_places(printed), 2)) == printed:
        # One unit off because the last digit was cut instead of rounded half up: a rounding slip, not a wrong figure.
        severity, note = HINT, "（原数疑为截尾而非四舍五入）"
    places = max(2, -int(printed.scaleb(2).as_tuple().exponent))
    return [
        PRINTED_RATE(
            f"{what}印为 {format_printed_percent(printed)}，"
            f"按 {formula} 计算应为 {format_percent(computed, places)}{note}",
            ref,
            severity=severity,
        )
    ]


def truncated(value: Decimal, places: int) -> Decimal:
    """`value` with its digits after `places` cut (not rounded); at least whole percents, as `agrees` compares."""
    with localcontext() as context:
        context.prec = max(28, value.adjusted() + places + 5)  # quantize needs every digit it keeps
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)
