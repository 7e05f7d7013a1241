"""The review checks a finance bureau applies: each is `check(submission, rules) -> list[Finding]`, run from CHECKS.

错误 blocks the report (the figures contradict each other or the rules); 提示 does not (a fact a reader should
notice, such as spending above budget, or something a person should look at again).
"""

from __future__ import annotations

from perfeval_xl.checks.common import Check
from perfeval_xl.checks.controls import check_controls
from perfeval_xl.checks.cross import check_cross_tables
from perfeval_xl.checks.cycle import check_declared, check_monitor, check_targets
from perfeval_xl.checks.evaluation import check_evaluation
from perfeval_xl.checks.header import check_header
from perfeval_xl.checks.narrative import check_narrative, check_narrative_figures
from perfeval_xl.checks.printed import check_printed_rates
from perfeval_xl.checks.scores import check_scores
from perfeval_xl.checks.sums import check_sums
from perfeval_xl.checks.weights import check_weights
from perfeval_xl.core.records import Finding, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rulesets import load_rules

CHECKS: tuple[Check, ...] = (
    check_header,
    check_weights,
    check_scores,
    check_sums,
    check_controls,
    check_printed_rates,
    check_cross_tables,
    check_narrative,
    check_narrative_figures,
    check_evaluation,
    check_targets,
    check_monitor,
    check_declared,
)


def run_checks(submission: Submission, rules: RuleSet | str | None = None) -> list[Finding]:
    """Run every check; the rule set defaults to the one the submission's header names."""
    if rules is None and submission.evaluation is not None:
        rules = "national"  # the header names the framework; any 附件1 it carries is checked without scoring
    ruleset = load_rules(rules if rules is not None else submission.header.rule_set)
    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(submission, ruleset)
    return findings
