"""The reader core: every family of workbook reads a cell by the same rules, and the reading says which step failed."""

import re
from decimal import Decimal

import openpyxl
import pytest
from helpers import codes, example, rezip, save

from perfeval_xl.workbook.fill import set_named
from perfeval_xl.workbook.layout.evaluation import KEY
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.package import package
from perfeval_xl.workbook.reader import read
from perfeval_xl.workbook.reader.read import ReadStepError

OVERALL = "附件2 整体支出自评表"
EVALUATION = "评价指标评分表"


def _saved(path, out, sheet_part: str, ref: str, value: str):
    """The file as Excel saves it after a recalculation: the formula in `ref` with `value` as its saved result."""

    def change(name, data):
        if name != sheet_part:
            return data
        pattern = rb'(<c r="' + ref.encode() + rb'"[^>]*>(?:<f>[^<]*</f>))(?:<v\s*/>|<v>[^<]*</v>)?'
        return re.sub(pattern, lambda m: m.group(1) + b"<v>" + value.encode() + b"</v>", data)

    return rezip(path, out, change)


def _part_of(path, title: str) -> str:
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"


def test_core__a_score_replaced_by_a_formula_of_ones_own_counts_as_excel_shows_it(tmp_path):
    """=5 typed into a 附件2 score cell shows 5 in Excel (its saved result): it is the row's score, a manual one, and
    the total counts it as Excel's does; the rule's score is what the row would show without it."""
    wb = openpyxl.load_workbook(example(tmp_path))
    wb[OVERALL]["H15"] = "=5"
    source = save(wb, tmp_path / "x.xlsm")
    submission, findings, _options = load(_saved(source, tmp_path / "y.xlsm", _part_of(source, OVERALL), "H15", "5"))
    (indicator,) = [i for i in submission.overall.indicators if i.where["score"].cell == "H15"]
    assert indicator.score == Decimal(5)  # a manual score of 5 (the rule gives 7)
    assert ("formula-replaced", "H15", "提示") in {(f.code, f.cell, f.severity) for f in findings}
    assert "score-below-rule" in codes(findings)


def _evaluation(tmp_path, changes: dict[str, dict[str, object]], flavour: str = "udf"):
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    path = tmp_path / f"评价{suffix}"
    path.write_bytes(new_workbook("dept", "gongxing-2013", [], flavour, suffix))
    wb = openpyxl.load_workbook(path)
    set_named(wb, "unit_name", "测试单位")
    ws = wb[EVALUATION]
    rows = {ws[f"{KEY}{r}"].value: r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value}
    for key, cells in changes.items():
        for letter, value in cells.items():
            ws[f"{letter}{rows[key]}"] = value
    out = tmp_path / f"filled{suffix}"
    out.write_bytes(package(wb, suffix))
    return out, rows


ADJUSTMENT = "过程/预算执行/预算调整率"


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_core__a_cleared_value_formula_on_the_evaluation_sheet_is_computed_blank(tmp_path, flavour):
    path, rows = _evaluation(tmp_path, {ADJUSTMENT: {"E": 105, "F": 100, "G": None}}, flavour)
    submission, findings, _options = load(path)
    row = rows[ADJUSTMENT]
    (blank,) = [f for f in findings if f.code == "computed-blank"]
    assert (blank.sheet, blank.cell) == (EVALUATION, f"G{row}")
    assert "按数据应为 5.00%" in blank.message  # what the formula would give, as the cell would show it
    assert submission.evaluation.leaf(ADJUSTMENT).value is None  # blank, as Excel shows it


def test_core__a_subtotal_typed_over_on_the_evaluation_sheet_is_formula_overwritten(tmp_path):
    path, rows = _evaluation(tmp_path, {"投入/目标设定": {"I": 3}})
    submission, findings, _options = load(path)
    assert ("formula-overwritten", f"I{rows['投入/目标设定']}") in {(f.code, f.cell) for f in findings}
    assert submission.evaluation.subtotals["投入/目标设定"].score == 3


def test_core__a_saved_result_the_data_no_longer_gives_is_cached_stale_on_every_sheet(tmp_path):
    path, rows = _evaluation(tmp_path, {ADJUSTMENT: {"E": 105, "F": 100}})
    stale = _saved(path, tmp_path / "stale.xlsm", _part_of(path, EVALUATION), f"G{rows[ADJUSTMENT]}", "0.5")
    _submission, findings, _options = load(stale)
    assert ("cached-stale", f"G{rows[ADJUSTMENT]}") in {(f.code, f.cell) for f in findings}
    assert "cached-stale" not in codes(load(path)[1])  # as built, the saved results are the engine's


def test_read__a_step_that_fails_unforeseen_names_itself(tmp_path, monkeypatch):
    def broken(*_args):
        raise KeyError("x")

    monkeypatch.setattr(read, "basic_record", broken)
    with pytest.raises(ReadStepError, match="读取附件1"):
        load(example(tmp_path))


def test_read__the_command_reports_the_step_in_its_one_line(tmp_path, monkeypatch, capsys):
    """Through the command, such a fault of ours is exit 3, one line, and the line names the step."""
    from perfeval_xl.cli import main

    def broken(*_args):
        raise KeyError("x")

    path = example(tmp_path)
    monkeypatch.setattr(read, "basic_record", broken)
    assert main(["check", str(path)]) == 3
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "读取附件1" in error and "Traceback" not in error
