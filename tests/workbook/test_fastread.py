"""The package reader (fastread) gives the reader exactly what openpyxl's full load gives it: the same records,
findings, values and recomputed values on every workbook the tests make, the shipped ones, files saved by
LibreOffice, random fills and the whole hostile corpus; where openpyxl cannot read a file, neither does it."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import openpyxl
import pytest
from helpers import ROOT, example, random_fill
from hostile_corpus import CORPUS
from office import convert, profile

from perfeval_xl.core.errors import WorkbookError
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.reader.read import read_workbook

SHIPPED = sorted((ROOT / "workbook").glob("*.xls[xm]"))
# openpyxl itself would hang on these, or take gigabytes (it makes a MergedCell for each merged cell)
BEYOND_OPENPYXL = {"merge-whole-sheet.xlsm", "merges-many.xlsm"}
# openpyxl refuses the whole file for one number cell holding "inf" or "NaN" (written by another tool); the reader
# keeps such a value as the text it is, so that it becomes a finding at its cell
NUMBER_TEXT = {
    "eval-score-inf.xlsm": ["评价指标评分表!I4"],
    "eval-score-nan.xlsm": ["评价指标评分表!I4", "评价指标评分表!I5"],
    "eval-figures-inf-nan.xlsm": ["评价指标评分表!E8", "评价指标评分表!F9"],
    "eval-points-inf.xlsm": ["评价指标评分表!D4"],
    "eval-saved-results-inf.xlsm": [],
    "cached-nan.xlsm": ["附件1 基础数据表!B5", "附件1 基础数据表!C5"],
    "number-cells-inf-nan.xlsm": ["附件1 基础数据表!B5", "附件1 基础数据表!C5"],
}
HOSTILE = sorted(
    p
    for p in CORPUS.iterdir()
    if p.suffix in (".xlsx", ".xlsm") and p.name not in BEYOND_OPENPYXL and p.name not in NUMBER_TEXT
)


def _with_openpyxl(path: Path):
    """The reading as it was: openpyxl's full load for formulas, its read-only pass for the saved values."""
    data = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data), keep_links=False)
        saved = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
        cached = {
            (ws.title, cell.coordinate): cell.value
            for ws in saved.worksheets
            for row in ws.iter_rows()
            for cell in row
            if getattr(cell, "value", None) is not None
        }
    return read_workbook(wb, cached, str(path.parent))


def _same_reading(path: Path) -> None:
    try:
        expected = _with_openpyxl(path)
    except Exception:
        with pytest.raises(WorkbookError):
            load(path)
        return
    submission, findings, options = load(path)
    assert submission == expected[0], path.name
    assert [str(f) for f in findings] == [str(f) for f in expected[1]], path.name
    for key in ("values", "recomputed", "flavour", "kind", "rule_set"):
        assert options[key] == expected[2][key], (path.name, key)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_fastread__shipped_workbooks(path):
    _same_reading(path)


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.name)
def test_fastread__hostile_corpus(path):
    _same_reading(path)


def test_fastread__random_fills_of_both_flavours(tmp_path):
    for flavour, suffix in (("udf", ".xlsm"), ("native", ".xlsx")):
        template = tmp_path / f"t{suffix}"
        template.write_bytes(new_workbook("dept", None, ["甲项目", "乙项目"], flavour, suffix))
        for seed in range(4):
            _same_reading(random_fill(template, tmp_path / f"{flavour}{seed}{suffix}", seed))


def test_fastread__files_saved_by_libreoffice(tmp_path):
    """An office application writes its own XML: shared formulas, its own styles and string table."""
    sources = [
        example(tmp_path, "udf.xlsm"),
        example(tmp_path, "native.xlsx", flavour="native"),
        example(tmp_path, "published.xlsm", published=True),
    ]
    template = tmp_path / "t.xlsx"
    template.write_bytes(new_workbook("dept", None, ["甲项目", "乙项目"], "native", ".xlsx"))
    sources.append(random_fill(template, tmp_path / "random.xlsx", 7))
    saved = convert(sources, "xlsx", tmp_path / "saved", profile(tmp_path / "profile", recalculate=True))
    for path in saved:
        _same_reading(path)


@pytest.mark.parametrize("name", sorted(BEYOND_OPENPYXL))
def test_fastread__refuses_what_would_exhaust_openpyxl(name):
    with pytest.raises(WorkbookError, match="大得异常"):
        load(CORPUS / name)


@pytest.mark.parametrize("name", sorted(NUMBER_TEXT))
def test_fastread__a_number_cell_holding_inf_or_nan_is_a_finding_at_that_cell(name):
    with pytest.raises(ValueError):
        _with_openpyxl(CORPUS / name)
    _submission, findings, _options = load(CORPUS / name)
    errors = {f"{f.sheet}!{f.cell}" for f in findings if f.severity == "错误"}
    assert set(NUMBER_TEXT[name]) <= errors, errors
