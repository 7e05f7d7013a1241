"""An indicator marked 不适用 on the 评价指标评分表: counted as its framework says (视同满分, or left out and the total
scaled to full marks), by the sheet's own formulas (LibreOffice agrees), the reader, the checks and the report; and
the figures of its small framework, counted in whole things."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import codes, filled_evaluation, libreoffice_agrees, run
from office import convert, profile

from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.engine.evaluation.load import parse_framework
from perfeval_xl.engine.evaluation.scores import score_tree
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.package import package

SHEET = "评价指标评分表"

FRAMEWORK = """kind = "evaluation"
name = "na-test"
title = "测试用部门整体支出绩效评价指标体系"
{policy}

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

[[indicators]]
path = ["产出", "完成情况", "质量达标率"]
points = 30
method = "manual"
"""


def _framework_file(tmp_path: Path, policy: str | None) -> Path:
    path = tmp_path / f"na-{policy}.toml"
    path.write_text(FRAMEWORK.format(policy=f'not_applicable = "{policy}"' if policy else ""), encoding="utf-8")
    return path


def _book(tmp_path: Path, policy: str | None, flavour: str, cells: dict[str, dict[str, object]]) -> Path:
    """A filled sheet: `cells` by indicator path (or 小计 path) and column letter."""
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    rules = _framework_file(tmp_path, policy)
    return filled_evaluation(rules, tmp_path / f"filled-{policy}-{flavour}{suffix}", flavour, cells)


# 绩效指标明确性 (a 三级 leaf) and 预算配置 (a 二级 leaf) do not apply; the rest scores 10 + 27 + 24 = 61 of 70
FILLED = {
    "投入/目标设定/绩效目标合理性": {"I": 10},
    "投入/目标设定/绩效指标明确性": {"I": "不适用", "J": "单位未设二级绩效指标"},
    "投入/预算配置": {"I": "不适用", "J": "经费由上级统一配置"},
    "产出/完成情况/实际完成率": {"E": 9, "F": 10},
    "产出/完成情况/质量达标率": {"I": 24, "J": "抽查两项未达标"},
}


@pytest.mark.parametrize(
    ("policy", "total", "level1_points", "level1_score"),
    [
        ("full", Decimal("91"), Decimal(40), Decimal(40)),  # 61 + 30 for the two that do not apply
        ("prorate", Decimal("87.14"), Decimal(10), Decimal(10)),  # 61 ÷ 70 × 100
    ],
)
@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_not_applicable__counted_as_the_framework_says(tmp_path, policy, total, level1_points, level1_score, flavour):
    path = _book(tmp_path, policy, flavour, FILLED)
    submission, findings, options = load(path)
    assert [f for f in findings if f.is_error] == [], [str(f) for f in findings]
    assert options["values"]["eval_total"] == total
    assert submission.evaluation.scores.total == total
    assert submission.evaluation.scores.not_applicable == ("投入/目标设定/绩效指标明确性", "投入/预算配置")
    level1 = submission.evaluation.subtotals["投入"]
    assert (level1.points, level1.score) == (level1_points, level1_score)


@pytest.mark.parametrize("policy", ["full", "prorate"])
def test_libreoffice__recalculates_the_sums_with_not_applicable_as_the_reader_does(tmp_path, policy):
    path = _book(tmp_path, policy, "native", FILLED)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    assert libreoffice_agrees(path, recalculated) >= 15
    formulas = openpyxl.load_workbook(path)[SHEET]
    theirs = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    total_row = next(r for r in range(4, formulas.max_row + 1) if str(formulas[f"C{r}"].value).startswith("总分"))
    assert theirs[f"I{total_row}"].value == pytest.approx(91 if policy == "full" else 87.14)


def test_not_applicable__where_the_framework_allows_none_it_is_a_finding_at_its_cell(tmp_path):
    path = _book(tmp_path, None, "native", FILLED)
    _submission, findings, _options = load(path)
    refused = [f for f in findings if f.code == "not-applicable-refused"]
    assert len(refused) == 2 and refused[0].cell.startswith("I") and "没有规定" in refused[0].message
    assert "number-unreadable" not in codes(findings)  # one finding, not also “不是数字”
    # the 二级 leaf's 得分率 shows blank beside the text, in LibreOffice as the reader says (not #VALUE!)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    assert libreoffice_agrees(path, recalculated) >= 15


def test_not_applicable__needs_its_reason(tmp_path):
    cells = {**FILLED, "投入/预算配置": {"I": "不适用"}}
    _submission, findings, _options = load(_book(tmp_path, "full", "native", cells))
    (finding,) = [f for f in findings if f.code == "not-applicable-unexplained"]
    assert finding.cell.startswith("J") and "投入/预算配置" in finding.message


def test_not_applicable__a_scaled_total_typed_over_is_checked_against_the_scaling(tmp_path):
    path = _book(tmp_path, "prorate", "native", FILLED)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    total_row = next(r for r in range(4, ws.max_row + 1) if str(ws[f"C{r}"].value).startswith("总分"))
    ws[f"I{total_row}"] = 61  # the sum before scaling
    typed = tmp_path / "typed.xlsx"
    typed.write_bytes(package(wb, ".xlsx"))
    _submission, findings, _options = load(typed)
    (mismatch,) = [f for f in findings if f.code == "sum-mismatch"]
    assert "按适用指标分值折算应为87.14分" in mismatch.message and mismatch.cell == f"I{total_row}"


def test_framework__a_policy_it_does_not_know_is_refused_with_the_two_it_does():
    with pytest.raises(RuleSetError, match=r'not_applicable.*"full".*"prorate"'):
        parse_framework(FRAMEWORK.format(policy='not_applicable = "skip"'))
    assert parse_framework(FRAMEWORK.format(policy="")).not_applicable is None


@pytest.mark.parametrize(
    ("policy", "total", "grade"),
    [("full", Decimal(70), "中"), ("prorate", Decimal("62.5"), "中"), (None, Decimal(50), "差")],
)
def test_engine__score_tree_counts_a_leaf_not_applicable_as_the_framework_says(policy, total, grade):
    framework = parse_framework(FRAMEWORK.format(policy=f'not_applicable = "{policy}"' if policy else ""))
    scores = {
        "投入/目标设定/绩效目标合理性": 10,
        "投入/目标设定/绩效指标明确性": 10,
        "产出/完成情况/实际完成率": 15,
        "产出/完成情况/质量达标率": 15,
    }
    given = dict(scores)
    if policy is None:
        given["投入/预算配置"] = 0  # no policy: the evaluator scores it
    tree_scores = score_tree(framework, given, ["投入/预算配置"] if policy else ())
    assert (tree_scores.total, tree_scores.grade, tree_scores.unscored) == (total, grade, ())
    if policy == "prorate":
        assert (tree_scores.summed, tree_scores.applicable) == (Decimal(50), Decimal(80))


def test_report__names_the_indicators_that_do_not_apply_and_how_they_count(tmp_path):
    path = _book(tmp_path, "prorate", "native", FILLED)
    assert run("report", str(path), "-o", str(tmp_path / "r.docx")).returncode == 0
    import docx

    body = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "绩效指标明确性、预算配置不适用于被评价单位（理由见第四部分）" in body
    assert "不适用的指标不计分值，总分按适用指标分值折算：得分合计61分，适用指标分值合计70分，折算为87.14分" in body
    assert "绩效指标明确性，指标分值10分，不适用于被评价单位：单位未设二级绩效指标。" in body
    assert "投入指标分值10分，评价得分10分，得分率100.00%" in body  # what applies of it
    assert "5项末级指标中，2项不适用，1项得满分，2项扣分，合计扣9分" in body
    annex = [[cell.text for cell in row.cells] for row in docx.Document(str(tmp_path / "r.docx")).tables[-1].rows]
    assert ["", "预算配置", "", "20", "由评价组综合评分", "不适用", "—", "经费由上级统一配置"] in annex


def test_not_applicable__written_with_spaces_is_not_counted_by_the_sums_and_is_said_so(tmp_path):
    cells = {**FILLED, "投入/预算配置": {"I": " 不适用", "J": "经费由上级统一配置"}}
    submission, findings, _options = load(_book(tmp_path, "full", "native", cells))
    (refused,) = [f for f in findings if f.code == "not-applicable-refused"]
    assert "前后多了空格" in refused.message and refused.cell.startswith("I")
    assert submission.evaluation.subtotals["投入"].score == Decimal(20)  # as Excel's SUMIF: the padded one not counted


@pytest.mark.parametrize(("typed", "found"), [(9.5, True), (9, False)])
def test_figures__a_count_in_whole_things_typed_as_a_fraction_is_a_finding(tmp_path, typed, found):
    """数据A of 实际完成率 is counted in 项 (its unit): 9.5 项 is named at its cell, as 附件1's 人数 are."""
    cells = {**FILLED, "产出/完成情况/实际完成率": {"E": typed, "F": 10}}
    _submission, findings, _options = load(_book(tmp_path, "full", "native", cells))
    named = [f for f in findings if f.cell and f.cell.startswith("E") and "不是整数" in f.message]
    assert bool(named) == found, [str(f) for f in findings]


def test_not_applicable__a_scaled_totals_written_points_typed_as_text_are_named(tmp_path):
    def edit(wb, ws):
        total_row = next(r for r in range(4, ws.max_row + 1) if ws[f"C{r}"].value == "总分")
        ws[f"D{total_row}"] = "一百"

    rules = _framework_file(tmp_path, "prorate")
    path = filled_evaluation(rules, tmp_path / "text-points.xlsx", "native", FILLED, edit)
    _submission, findings, _options = load(path)
    assert any(f.cell.startswith("D") and "“一百”不是数字" in f.message for f in findings if f.cell), [
        str(f) for f in findings
    ]


def test_not_applicable__nothing_left_to_scale_is_a_finding_and_no_grade(tmp_path):
    every = {key: {"I": "不适用", "J": "不适用于本单位"} for key in FILLED}
    submission, findings, options = load(_book(tmp_path, "prorate", "native", every))
    assert any(f.code == "not-applicable-refused" and "无从折算" in f.message for f in findings)
    assert submission.evaluation.scores.grade is None and options["values"]["eval_total"] is None  # the sheet: blank
