"""Figures built from several inputs on the 评价指标评分表 (“年初预算 − 涉改调整 − 财政直接调整”): each input its own
cell in a row below the indicator, the figure a plain formula over them (LibreOffice agrees), read wherever rows
moved."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import filled_evaluation, insert_row_like_excel, move_references_like_excel, run
from office import convert, profile

from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.engine.evaluation.load import parse_framework
from perfeval_xl.workbook.layout.evaluation import KEY
from perfeval_xl.workbook.open import load

SHEET = "评价指标评分表"

FRAMEWORK = """kind = "evaluation"
name = "parts-test"
title = "测试用部门整体支出绩效评价指标体系"
full_marks = 10

[[indicators]]
path = ["过程", "预算执行", "预算执行率"]
points = 5
value = {{ rate = "execution_rate", a = "支出数", b = "预算基数", unit = "万元", b_parts = {parts} }}
method = "ratio"

[[indicators]]
path = ["过程", "预算执行", "执行规范性"]
points = 5
method = "manual"
"""

PARTS = '["年初预算", "-涉改调整", "-财政直接调整"]'
LEAF = "过程/预算执行/预算执行率"


def _book(tmp_path: Path, flavour: str, values: dict[str, object], edit=None) -> Path:
    """`values` by “helper key:column letter”."""
    rules = tmp_path / "parts.toml"
    rules.write_text(FRAMEWORK.format(parts=PARTS), encoding="utf-8")
    cells: dict[str, dict[str, object]] = {}
    for where, value in values.items():
        key, letter = where.rsplit(":", 1)
        cells.setdefault(key, {})[letter] = value
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    return filled_evaluation(rules, tmp_path / f"filled-{flavour}{suffix}", flavour, cells, edit)


FILLED = {
    f"{LEAF}:E": 855,
    f"{LEAF}#b1:F": 1000,
    f"{LEAF}#b2:F": 50,
    f"{LEAF}#b3:F": 50,
    "过程/预算执行/执行规范性:I": 5,
}


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_parts__the_figure_is_built_on_the_sheet_and_scored(tmp_path, flavour):
    submission, findings, options = load(_book(tmp_path, flavour, FILLED))
    assert [f for f in findings if f.is_error] == [], [str(f) for f in findings]
    leaf = submission.evaluation.leaf(LEAF)
    assert leaf.b == Decimal(900) and leaf.value == Decimal("0.95")  # 855 ÷ (1000 − 50 − 50)
    assert options["values"]["eval_total"] == Decimal("9.75")


def test_libreoffice__recalculates_a_figure_built_from_its_inputs(tmp_path):
    path = _book(tmp_path, "native", FILLED)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    ws = openpyxl.load_workbook(path)[SHEET]
    row = next(r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value == LEAF)
    shown = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    assert ws[f"F{row}"].value == f'=IF(COUNT(F{row + 1}:F{row + 3})=0,"",F{row + 1}-F{row + 2}-F{row + 3})'
    assert (shown[f"F{row}"].value, shown[f"G{row}"].value, shown[f"I{row}"].value) == (900, 0.95, 4.75)
    assert [shown[f"C{r}"].value for r in range(row + 1, row + 4)] == ["年初预算", "减：涉改调整", "减：财政直接调整"]
    assert shown[f"H{row + 1}"].value == "数据B（预算基数）= 年初预算 − 涉改调整 − 财政直接调整，各项填在数据B一栏"


def test_parts__a_row_inserted_above_moves_them_and_they_are_still_read(tmp_path):
    def insert(wb, ws):  # above the indicator: it and its inputs move down a row
        insert_row_like_excel(wb, SHEET, 4)
        move_references_like_excel(ws, 4)

    _submission, findings, options = load(_book(tmp_path, "native", FILLED, insert))
    assert options["values"]["eval_total"] == Decimal("9.75"), [str(f) for f in findings]


def test_parts__a_part_typed_as_text_is_named_at_its_cell(tmp_path):
    _submission, findings, _options = load(_book(tmp_path, "native", {**FILLED, f"{LEAF}#b2:F": "五十"}))
    assert any(f.code == "number-unreadable" and f.cell.startswith("F") for f in findings), [str(f) for f in findings]


@pytest.mark.parametrize(
    ("parts", "says"),
    [('["年初预算"]', "2 到 8 个"), ('["年初预算", "-"]', "没有名称"), ("3", "2 到 8 个")],
)
def test_framework__parts_that_cannot_be_are_refused_in_chinese(parts, says):
    with pytest.raises(RuleSetError, match=says):
        parse_framework(FRAMEWORK.format(parts=parts))


def test_report__words_the_figure_with_its_inputs(tmp_path):
    path = _book(tmp_path, "native", FILLED)
    assert run("report", str(path), "-o", str(tmp_path / "r.docx")).returncode == 0
    import docx

    body = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "预算基数900.00 万元（年初预算1,000.00 万元，减：涉改调整50.00 万元，减：财政直接调整50.00 万元）" in body


@pytest.mark.parametrize(
    ("inputs", "shown"),
    [
        ({f"{LEAF}#b2:F": -50, f"{LEAF}#b3:F": 2.5}, 1047.5),  # odd inputs still count, as the formula takes them
        ({f"{LEAF}#b1:F": "1000", f"{LEAF}#b2:F": "50", f"{LEAF}#b3:F": "50"}, None),  # all text: COUNT is 0, blank
    ],
)
def test_parts__the_figure_is_what_its_formula_shows_in_libreoffice(tmp_path, inputs, shown):
    path = _book(tmp_path, "native", {**FILLED, **inputs})
    submission, _findings, _options = load(path)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    ws = openpyxl.load_workbook(path)[SHEET]
    row = next(r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value == LEAF)
    assert openpyxl.load_workbook(recalculated, data_only=True)[SHEET][f"F{row}"].value in (
        shown,
        "" if shown is None else shown,
    )
    assert submission.evaluation.leaf(LEAF).b == (None if shown is None else Decimal(str(shown)))
