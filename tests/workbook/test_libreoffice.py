"""A real spreadsheet application opens the files: LibreOffice prints them on A4 and recalculates the native flavour."""

from __future__ import annotations

import errno
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import PROJECTS, ROOT, assert_shows, example, named_cell, random_fill
from office import convert, is_a4, pdf_pages, pdf_text, profile

from perfeval_xl.cli.workbooks import SHIPPED_WORKBOOKS
from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.report import pdf as libreoffice
from perfeval_xl.utils import files
from perfeval_xl.workbook.fill import set_named
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load

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


TARGETS_TITLES = (
    "预算绩效目标申报工作簿",
    "2020（财预〔2020〕10号）",
    "部门整体支出绩效目标申报表",
    "项目支出绩效目标申报表",
)


EVALUATION_TITLES = (
    "部门整体支出绩效评价工作簿",
    "部门整体支出绩效评价指标评分表",
    "部门整体支出绩效评价基础数据表",
    "收支预决算情况表",
    "评价报告文字",
)


@pytest.mark.parametrize("name", list(SHIPPED_WORKBOOKS))
def test_libreoffice__every_sheet_prints_its_chinese_title(pdfs, name):
    text = pdf_text(pdfs[name])
    kind = SHIPPED_WORKBOOKS[name].kind
    if kind == "targets":
        assert all(title in text for title in TARGETS_TITLES), name
        return
    if kind == "evaluation":
        assert all(title in text for title in EVALUATION_TITLES), name
        assert "#NAME" not in text and "Err:" not in text and "kind =" not in text  # the kept framework never prints
        return
    expected = ["说明", "附件3"] if kind == "project" else list(TITLES)
    for sheet in expected:
        assert TITLES[sheet] in text, (name, sheet)


def test_libreoffice__evaluation_example_prints_its_scores_without_the_functions(pdfs):
    text = pdf_text(pdfs["示例-部门整体支出绩效评价（虚构单位）.xlsm"])
    assert "示例县农业农村局" in text and "88.49" in text and "95.56%" in text  # total; 在职人员控制率 43 ÷ 45


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


# ---------------------------------------------------------------- to_pdf's failures, with a stand-in for soffice


def fake_soffice(monkeypatch, then=None):
    """soffice replaced by a stand-in that writes a small PDF where LibreOffice would; `then` runs after it."""

    def run(command, **kwargs):
        out, document = Path(command[command.index("--outdir") + 1]), Path(command[-1])
        out.mkdir(parents=True)
        (out / f"{document.stem}.pdf").write_bytes(b"%PDF-1.4 " + b"x" * 5000)
        if then is not None:
            then()
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(libreoffice, "soffice", lambda: "/opt/soffice")
    monkeypatch.setattr(libreoffice.subprocess, "run", run)


def test_to_pdf__writes_the_pdf_with_the_stand_in(tmp_path, monkeypatch):
    fake_soffice(monkeypatch)
    document = tmp_path / "报告.docx"
    document.write_bytes(b"docx")
    assert libreoffice.to_pdf(document, tmp_path / "报告.pdf") == tmp_path / "报告.pdf"
    assert (tmp_path / "报告.pdf").read_bytes().startswith(b"%PDF") and len(list(tmp_path.iterdir())) == 2


def test_to_pdf__full_disk_keeps_the_docx_leaves_no_partial_pdf_and_exits_1(tmp_path, monkeypatch, capsys):
    from perfeval_xl.cli import main

    real_write = os.write

    def full(fd, data):
        if len(data) < 1000:
            return real_write(fd, data)
        real_write(fd, bytes(data[:1000]))
        raise OSError(errno.ENOSPC, "No space left on device")

    fake_soffice(monkeypatch, then=lambda: monkeypatch.setattr(files.os, "write", full))  # the .docx is on disk
    book = example(tmp_path, "e.xlsm")
    assert main(["report", str(book), "--pdf", "-o", str(tmp_path / "r.docx")]) == 1
    captured = capsys.readouterr()
    monkeypatch.undo()
    assert captured.err == f"PDF 没能生成：无法写入“{tmp_path / 'r.pdf'}”：磁盘空间不足（Word 报告已生成）\n"
    assert f"已生成 {tmp_path / 'r.docx'}" in captured.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.xlsm", "r.docx"]


def test_to_pdf__timeout_and_missing_program_in_chinese(tmp_path, monkeypatch):
    document = tmp_path / "r.docx"
    document.write_bytes(b"docx")
    monkeypatch.setattr(libreoffice, "soffice", lambda: "/opt/soffice")

    def slow(command, **kwargs):
        raise subprocess.TimeoutExpired(command, kwargs["timeout"])

    monkeypatch.setattr(libreoffice.subprocess, "run", slow)
    with pytest.raises(PerfevalError) as raised:
        libreoffice.to_pdf(document, tmp_path / "r.pdf")
    assert str(raised.value) == "PDF 没能生成：LibreOffice 在 300 秒内没有转换完“r.docx”（Word 报告已生成）"

    def missing(command, **kwargs):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", command[0])

    monkeypatch.setattr(libreoffice.subprocess, "run", missing)
    with pytest.raises(PerfevalError, match=r"^PDF 没能生成：无法运行 LibreOffice（/opt/soffice）：文件或文件夹不存在"):
        libreoffice.to_pdf(document, tmp_path / "r.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.docx"]


# ---------------------------------------------------------------- random fills against a real recalculation

RANDOM_WORKBOOKS = 12


def test_libreoffice__random_fills_with_typed_over_totals_read_as_recalculated(tmp_path):
    """For every computed name, check's value is what LibreOffice shows after recalculating the same file."""
    template = tmp_path / "native.xlsx"
    template.write_bytes(new_workbook("dept", None, PROJECTS, "native", ".xlsx"))
    sources = [random_fill(template, tmp_path / f"fill{seed}.xlsx", seed) for seed in range(RANDOM_WORKBOOKS)]
    outputs = convert(sources, "xlsx", tmp_path / "out", profile(tmp_path / "profile", recalculate=True))
    compared = typed_over = 0
    for source, recalculated in zip(sources, outputs, strict=True):
        _submission, _findings, options = load(source)
        shown_by_office = openpyxl.load_workbook(recalculated, data_only=True)
        for key, value in options["values"].items():
            title, ref = named_cell(shown_by_office, key)
            assert_shows(shown_by_office[title][ref].value, value, (source.name, key))
            compared += 1
        typed_over += len(options["recomputed"])
    assert compared == RANDOM_WORKBOOKS * len(options["values"]) and typed_over > RANDOM_WORKBOOKS * 10


def test_libreoffice__a_number_stored_as_text_is_left_out_of_the_sums(tmp_path):
    """Text that reads as a number ("1.13" pasted from an export) is skipped by SUM in a real spreadsheet, and so
    by the reader; the per-item rates, which in the UDF flavour read the text, are not compared here."""
    source = tmp_path / "text.xlsx"
    wb = openpyxl.load_workbook(example(tmp_path, "native.xlsx", flavour="native"))
    as_text = {"sangong_reception_final": "1.13", "rev_appropriation_budget": "100", "fund_weight": "10"}
    for name, value in as_text.items():
        set_named(wb, name, value)
    wb.save(source)
    (recalculated,) = convert([source], "xlsx", tmp_path / "out", profile(tmp_path / "profile", recalculate=True))
    _submission, findings, options = load(source)
    assert sum(f.code == "number-as-text" for f in findings) == 3
    shown = openpyxl.load_workbook(recalculated, data_only=True)
    for key in ("sangong_final", "rev_total_budget", "weight_total"):
        title, ref = named_cell(shown, key)
        assert_shows(shown[title][ref].value, options["values"][key], key)
    assert options["values"]["sangong_final"] is None  # 公务接待 was the only 三公 item with a 决算数


def test_libreoffice__a_formula_replaced_by_the_users_own(tmp_path):
    """=5 typed over the 三公 total and saved by a real application: its saved result is the figure downstream."""
    wb = openpyxl.load_workbook(example(tmp_path, "native.xlsx", flavour="native"))
    set_named(wb, "sangong_final", "=5")
    wb.save(tmp_path / "replaced.xlsx")
    (saved,) = convert(
        [tmp_path / "replaced.xlsx"], "xlsx", tmp_path / "out", profile(tmp_path / "p", recalculate=True)
    )
    _submission, findings, options = load(saved)
    assert options["values"]["sangong_final"] == 5
    shown = openpyxl.load_workbook(saved, data_only=True)
    for key in ("sangong_control_rate", "sangong_change_rate"):
        title, ref = named_cell(shown, key)
        assert_shows(shown[title][ref].value, options["values"][key], key)
    (replaced,) = [f for f in findings if f.code == "formula-replaced"]
    assert replaced.severity == "提示" and "按文件中保存的结果 5" in replaced.message
