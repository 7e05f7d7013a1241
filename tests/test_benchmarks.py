"""Per-call cost of the engine's hot paths, against a bare Python division in the same run.

In the normal test run (--benchmark-disable) each runs once as a test; ./scripts/bench times them.
"""

from decimal import Decimal

import pytest

from perfeval_xl import numbers, targets
from perfeval_xl.checks import run_checks
from perfeval_xl.example import corrected_example
from perfeval_xl.rates import control_rate
from perfeval_xl.scoring import execution_score, indicator_score

per_call = pytest.mark.benchmark(group="per-call")


def bare_division(actual: str, planned: str) -> float:
    """What a formula without our engine does: parse two plain strings and divide."""
    return float(actual) / float(planned)


@per_call
def test_bench__baseline_bare_division(benchmark):
    assert benchmark(bare_division, "1.13", "1.5") == pytest.approx(0.7533, abs=1e-4)


@per_call
def test_bench__control_rate_strings(benchmark):
    assert benchmark(control_rate, "　1.13", "1.5　") == Decimal("1.13") / Decimal("1.5")


@per_call
def test_bench__control_rate_floats(benchmark):
    assert benchmark(control_rate, 1.13, 1.5) == Decimal("1.13") / Decimal("1.5")


@per_call
def test_bench__execution_score(benchmark):
    expected = Decimal(10) * Decimal("1194.52") / Decimal("1294.52")
    assert benchmark(execution_score, "1,194.52", "1294.52", 10) == expected


@per_call
def test_bench__indicator_score_cached(benchmark):
    assert benchmark(indicator_score, "达95%以上", "　97.5%", 10) == 10


def _clear_caches():
    targets._parse.cache_clear()
    numbers._parse_text.cache_clear()


@per_call
def test_bench__indicator_score_uncached(benchmark):
    result = benchmark.pedantic(indicator_score, ("达95%以上", "　90.25%", 10), setup=_clear_caches, rounds=2000)
    assert result == Decimal(10) * Decimal("0.9025") / Decimal("0.95")


@pytest.mark.benchmark(group="whole")
def test_bench__run_checks_on_the_example(benchmark):
    example = corrected_example()
    assert not [f for f in benchmark(run_checks, example) if f.is_error]
