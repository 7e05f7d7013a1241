"""Checks of 报告文字: the parts the report needs are written, and the amounts it quotes are the tables'."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from perfeval_xl.checks.common import AMOUNT_TOLERANCE
from perfeval_xl.core.codes import (
    NARRATIVE_FIGURE,
    NARRATIVE_MISSING,
)
from perfeval_xl.core.numbers import (
    D,
    format_amount,
    normalize_text,
)
from perfeval_xl.core.records import (
    NARRATIVE_TEXTS,
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet

NARRATIVE_REQUIRED = ("duties", "organization", "duty_performance", "budget_management", "problems", "measures")


def check_narrative(submission: Submission, rules: RuleSet) -> list[Finding]:
    """The parts of the report only words can fill are filled (the report would otherwise say “未填写”)."""
    narrative = submission.narrative
    if narrative is None:
        return []
    labels = dict(NARRATIVE_TEXTS)
    return [
        NARRATIVE_MISSING(f"报告文字“{labels[key]}”未填写，报告中该部分将写“未填写”", narrative.at(key))
        for key in NARRATIVE_REQUIRED
        if not narrative.text(key).strip()
    ]


# Figures people quote in the report's words, and where the tables keep them: keyword pattern -> figure.
_QUOTED_AMOUNTS: tuple[tuple[str, Callable[[Submission], Decimal | None]], ...] = (
    ("三公经费", lambda s: s.basic.sangong.final if s.basic else None),
    ("公用经费", lambda s: s.basic.public_funds.final if s.basic else None),
    ("基本支出", lambda s: s.overall.funding.expense_basic if s.overall else None),
    ("项目支出", lambda s: s.overall.funding.expense_project if s.overall else None),
)


# what may stand between the name and the amount: 决算数为, 支出合计, 总额共计…
_QUOTE_GLUE = r"(?:决算|预算执行|支出|合计|总额|总计|累计|实际)*(?:数|额)?(?:为|共|是|计|达|共计)?"


def check_narrative_figures(submission: Submission, rules: RuleSet) -> list[Finding]:
    """Amounts quoted in the report's words (“三公”经费0.80万元) agree with the tables they come from."""
    narrative = submission.narrative
    if narrative is None:
        return []
    labels = dict(NARRATIVE_TEXTS)
    findings = []
    for key, _label in NARRATIVE_TEXTS:
        text = re.sub(r"[“”\"'‘’\s]", "", normalize_text(narrative.text(key)))
        for name, figure in _QUOTED_AMOUNTS:
            stated = figure(submission)
            if stated is None:
                continue
            for match in re.finditer(name + _QUOTE_GLUE + r"(\d[\d,]*(?:\.\d+)?)万元", text):
                quoted = D(match.group(1))
                if isinstance(quoted, Decimal) and abs(quoted - stated) > AMOUNT_TOLERANCE:
                    findings.append(
                        NARRATIVE_FIGURE(
                            f"报告文字“{labels[key]}”中写{name} {format_amount(quoted)} 万元，"
                            f"表中为 {format_amount(stated)} 万元",
                            narrative.at(key),
                        )
                    )
    return findings
