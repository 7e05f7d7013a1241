"""Alternatives on the 评价指标评分表 (二者择其一, N 选 M): the evaluator scores the ones used and marks the others
未选用; the sheet's 分值 sums leave those out (LibreOffice agrees), and the checks and the report follow."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import filled_evaluation, libreoffice_agrees, run
from office import convert, profile

from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.engine.evaluation.load import parse_framework
from perfeval_xl.engine.evaluation.scores import tree
from perfeval_xl.workbook.open import load

SHEET = "评价指标评分表"

FRAMEWORK = """kind = "evaluation"
name = "choice-test"
title = "测试用部门整体支出绩效评价指标体系"
{extra}

[[indicators]]
path = ["投入", "目标设定", "绩效目标合理性"]
points = 10
method = "manual"

[[indicators]]
path = ["投入", "目标设定", "绩效指标明确性"]
points = 10
method = "manual"

[[indicators]]
path = ["投入", "预算配置"]
points = 20
method = "manual"

[[indicators]]
path = ["产出", "完成情况", "实际完成率"]
points = 30
value = {{ rate = "completion_rate", a = "实际完成工作数", b = "计划工作数", unit = "项" }}
method = "ratio"
choice = "完成率"

[[indicators]]
path = ["产出", "完成情况", "重点工作办结率"]
points = 30
method = "manual"
choice = "完成率"

[[indicators]]
path = ["产出", "完成情况", "质量达标率"]
points = 30
method = "manual"
"""

USED = "产出/完成情况/实际完成率"
OTHER = "产出/完成情况/重点工作办结率"

FILLED = {
    "投入/目标设定/绩效目标合理性": {"I": 10},
    "投入/目标设定/绩效指标明确性": {"I": 10},
    "投入/预算配置": {"I": 20},
    USED: {"E": 9, "F": 10},
    OTHER: {"I": "未选用"},
    "产出/完成情况/质量达标率": {"I": 24, "J": "抽查两项未达标"},
}


def _book(tmp_path: Path, flavour: str, cells: dict[str, dict[str, object]], extra: str = "") -> Path:
    rules = tmp_path / "choice.toml"
    rules.write_text(FRAMEWORK.format(extra=extra), encoding="utf-8")
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    return filled_evaluation(rules, tmp_path / f"filled-{flavour}{suffix}", flavour, cells)


def test_framework__alternatives_count_once_in_the_tree():
    framework = parse_framework(FRAMEWORK.format(extra=""))
    (choice,) = framework.choices
    assert (choice.keys, choice.pick, choice.words) == ((USED, OTHER), 1, "二者择其一")
    points = {node.key: node.points for node in tree(framework)}
    assert points["产出/完成情况"] == 60 and points["产出"] == 60


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            FRAMEWORK.format(extra="").replace(
                'choice = "完成率"\n\n[[indicators]]\npath = ["产出", "完成情况", "重点',
                '\n\n[[indicators]]\npath = ["产出", "完成情况", "重点',
            ),
            "只有一个指标",
        ),
        (FRAMEWORK.format(extra='[[choices]]\nname = "完成率"\npick = 2'), "pick 应为 1 到 1"),
        (FRAMEWORK.format(extra='[[choices]]\nname = "别的"'), "没有任何指标"),
        (FRAMEWORK.format(extra='[[choices]]\nname = "完成率"\n[[choices]]\nname = "完成率"'), "重名"),
        (
            FRAMEWORK.format(extra="").replace(
                'points = 30\nmethod = "manual"\nchoice', 'points = 20\nmethod = "manual"\nchoice'
            ),
            "分值相同",
        ),
    ],
)
def test_framework__alternatives_that_cannot_be_are_refused_in_chinese(text, says):
    with pytest.raises(RuleSetError, match=says):
        parse_framework(text)


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_choice__the_one_not_used_counts_nothing(tmp_path, flavour):
    submission, findings, options = load(_book(tmp_path, flavour, FILLED))
    assert [f for f in findings if f.is_error] == [], [str(f) for f in findings]
    assert options["values"]["eval_total"] == Decimal(91)  # 10 + 10 + 20 + 27 + 24
    assert submission.evaluation.scores.not_chosen == (OTHER,)
    row = submission.evaluation.subtotals["产出/完成情况"]
    assert (row.points, row.score) == (Decimal(60), Decimal(51))


def test_libreoffice__recalculates_the_sums_with_an_alternative_not_used(tmp_path):
    path = _book(tmp_path, "native", FILLED)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    assert libreoffice_agrees(path, recalculated) >= 15
    formulas = openpyxl.load_workbook(path)[SHEET]
    theirs = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    total_row = next(r for r in range(4, formulas.max_row + 1) if formulas[f"C{r}"].value == "总分")
    assert (theirs[f"D{total_row}"].value, theirs[f"I{total_row}"].value) == (100, 91)


@pytest.mark.parametrize(
    ("other", "count"),
    [({"I": 25, "J": "办结率 83%"}, 0), ({"I": " 未选用"}, 0)],
)
def test_choice__both_scored_or_the_word_padded_is_one_finding_and_no_cascade(tmp_path, other, count):
    _submission, findings, _options = load(_book(tmp_path, "native", {**FILLED, OTHER: other}))
    mismatch = [f for f in findings if f.code == "choice-mismatch"]
    assert any(f"现在写了“未选用”的有 {count} 项" in f.message for f in mismatch), [str(f) for f in findings]
    assert "sum-mismatch" not in {f.code for f in findings}, [str(f) for f in findings]


def test_choice__not_chosen_where_the_framework_offers_no_choice_is_named(tmp_path):
    cells = {**FILLED, "产出/完成情况/质量达标率": {"I": "未选用"}}
    _submission, findings, _options = load(_book(tmp_path, "native", cells))
    assert any(f.code == "choice-mismatch" and "不是可选的指标" in f.message for f in findings)


def test_report__says_which_alternative_was_used(tmp_path):
    path = _book(tmp_path, "native", FILLED)
    assert run("report", str(path), "-o", str(tmp_path / "r.docx")).returncode == 0
    import docx

    document = docx.Document(str(tmp_path / "r.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "重点工作办结率，指标分值30分，未选用（与实际完成率二者择其一）。" in body
    assert "1.完成情况，指标分值60分，评价得分51分" in body
    annex = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert [
        "",
        "",
        "重点工作办结率",
        "30",
        "由评价组综合评分",
        "未选用",
        "—",
        "",
    ] in annex
