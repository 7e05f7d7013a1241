"""A real spreadsheet application opens the files: LibreOffice prints them on A4 and recalculates the native flavour."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import ROOT, example, named_cell
from office import convert, is_a4, pdf_pages, pdf_text, profile

from perfeval_xl.cli import SHIPPED_WORKBOOKS
from perfeval_xl.workbook import load

SHIPPED = [ROOT / "workbook" / name for name in SHIPPED_WORKBOOKS]
TITLES = {
    "说明": "预算绩效自评工作簿",
    "附件1": "部门整体支出绩效评价基础数据表",
    "附件2": "部门整体支出绩效自评表",
    "附件3": "项目支出绩效自评表",
    "收支预决算": "收支预决算情况表",
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("lo-pdf")
    outputs = convert(SHIPPED, "pdf", folder / "out", profile(folder / "profile", recalculate=False))
    return {source.name: pdf for source, pdf in zip(SHIPPED, outputs, strict=True)}


@pytest.mark.parametrize("name", list(SHIPPED_WORKBOOKS))
def test_libreoffice__prints_every_page_on_a4(pdfs, name):
    pages = pdf_pages(pdfs[name])
    assert pages and all(is_a4(size) for size in pages), pages


@pytest.mark.parametrize("name", list(SHIPPED_WORKBOOKS))
def test_libreoffice__every_sheet_prints_its_chinese_title(pdfs, name):
    text = pdf_text(pdfs[name])
    kind = SHIPPED_WORKBOOKS[name][0]
    expected = ["说明", "附件3"] if kind == "project" else list(TITLES)
    for sheet in expected:
        assert TITLES[sheet] in text, (name, sheet)


def test_libreoffice__example_shows_the_engine_figures_without_the_functions(pdfs):
    """The stamped values stand in for PE_* results where the functions are not installed."""
    text = pdf_text(pdfs["示例-岳阳市君山区人社局2023.xlsm"])
    assert "#NAME" not in text and "Err:" not in text
    assert "2023年度部门整体支出绩效评价基础数据表" in text
    assert "75.33%" in text and "-42.64%" in text  # 三公经费 控制率 and 同比增减率
    assert "岳阳市君山区人力资源和社会保障局" in text


def test_libreoffice__native_flavour_recalculates_to_the_engine_values(tmp_path):
    source = example(tmp_path, "native.xlsx", flavour="native")
    (recalculated,) = convert([source], "xlsx", tmp_path / "out", profile(tmp_path / "profile", recalculate=True))
    _submission, _findings, options = load(source)
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    compared = 0
    for key, engine in options["values"].items():
        title, ref = named_cell(wb, key)
        shown = wb[title][ref].value
        if engine is None:
            assert shown in (None, "", "—"), (key, shown)
        elif isinstance(engine, Decimal):
            assert shown == pytest.approx(float(engine), rel=1e-9, abs=1e-12), (key, shown, engine)
        else:
            assert str(shown).strip() == engine, (key, shown)
        compared += 1
    assert compared == len(options["values"]) > 60


def test_libreoffice__native_formulas_were_really_recalculated(tmp_path):
    """Guard against comparing stale stamps: change an input behind the stamps and let LibreOffice recompute."""
    source = example(tmp_path, "native.xlsx", flavour="native")
    wb = openpyxl.load_workbook(source)  # openpyxl drops the stamped values, so only a recalculation fills them
    wb["附件1 基础数据表"]["D13"] = 1.2
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    (recalculated,) = convert([changed], "xlsx", tmp_path / "out", profile(tmp_path / "profile", recalculate=True))
    sheet = openpyxl.load_workbook(recalculated, data_only=True)["附件1 基础数据表"]
    assert sheet["E13"].value == pytest.approx(1.2 / 1.5)
    assert sheet["D8"].value == pytest.approx(1.2)
