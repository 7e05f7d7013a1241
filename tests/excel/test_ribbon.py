"""The 生成报告 button: its path-based core on real files, and its Excel layer against a small fake of xlwings."""

from __future__ import annotations

from pathlib import Path

from helpers import digest, example

from perfeval_xl.excel import ribbon
from perfeval_xl.excel.button import review
from perfeval_xl.workbook.layout.book import CHECK_HEADER as HEADER
from perfeval_xl.workbook.layout.book import CHECK_SHEET


class FakeRange:
    def __init__(self, sheet: FakeSheet, ref: str):
        self.sheet, self.ref = sheet, ref

    @property
    def value(self):
        return self.sheet.cells.get(self.ref)

    @value.setter
    def value(self, rows):
        self.sheet.cells[self.ref] = rows

    @property
    def column_width(self):
        return self.sheet.widths.get(self.ref)

    @column_width.setter
    def column_width(self, width):
        self.sheet.widths[self.ref] = width


class FakeSheet:
    def __init__(self, name: str):
        self.name, self.cells, self.widths, self.cleared = name, {}, {}, 0

    def clear(self):
        self.cells.clear()
        self.cleared += 1

    def __getitem__(self, ref):
        return FakeRange(self, ref)

    def range(self, ref):
        return FakeRange(self, ref)


class FakeSheets(list):
    def __getitem__(self, key):
        if isinstance(key, str):
            return next(sheet for sheet in self if sheet.name == key)
        return list.__getitem__(self, key)

    def add(self, name, after=None):
        sheet = FakeSheet(name)
        self.insert(self.index(after) + 1 if after is not None else 0, sheet)
        return sheet


class FakeApp:
    def __init__(self):
        self.alerts = []

    def alert(self, prompt, title=None):
        self.alerts.append((title, prompt))


class FakeBook:
    """The few xlwings calls the button makes: fullname, save(), sheets, app.alert()."""

    def __init__(self, fullname: str, sheet_names=("说明", "附件1 基础数据表")):
        self.fullname, self.saved = fullname, 0
        self.sheets = FakeSheets(FakeSheet(name) for name in sheet_names)
        self.app = FakeApp()

    def save(self):
        self.saved += 1


def test_review__example_passes_and_lists_its_hint(tmp_path):
    path = example(tmp_path)
    before = digest(path)
    result = review(path)
    assert (result.errors, result.hints, result.report) == (0, 1, None)
    assert result.rows[0][1:5] == ("提示", "附件2 整体支出自评表", "E18", "target-far-exceeded")
    assert "检查通过" in result.message and "1 个提示" in result.message
    assert digest(path) == before


def test_review__published_example_is_blocked_errors_first(tmp_path):
    path = example(tmp_path, published=True)
    before = digest(path)
    result = review(path, render=lambda *args: (_ for _ in ()).throw(AssertionError("must not render")))
    assert result.errors == 13 and result.report is None
    assert [row[0] for row in result.rows] == list(range(1, len(result.rows) + 1))
    assert {row[1] for row in result.rows[:13]} == {"错误"} and "请先改正错误" in result.message
    assert digest(path) == before


def test_review__renders_when_nothing_blocks(tmp_path):
    path = example(tmp_path)
    seen = []

    def render(workbook, submission, findings, options):
        seen.append((workbook, submission.header.unit_name))
        report = tmp_path / "报告.docx"
        report.write_bytes(b"docx")
        return report

    result = review(path, render=render)
    assert seen == [(path, "岳阳市君山区人力资源和社会保障局")] and result.report == tmp_path / "报告.docx"
    assert "自评报告已生成" in result.message


def test_ribbon__writes_the_check_sheet_with_links_and_tells(tmp_path):
    path = example(tmp_path, published=True)
    before = digest(path)
    book = FakeBook(str(path))
    ribbon.main(book, opener=lambda report: None)
    assert book.saved == 1
    sheet = book.sheets[CHECK_SHEET]
    assert book.sheets[-1] is sheet
    rows = sheet.cells["A1"]
    assert rows[0] == list(HEADER) and len(rows) == 1 + len(review(path).rows)
    assert rows[1][3] == '=HYPERLINK("#\'附件2 整体支出自评表\'!B15","B15")'
    assert sheet.widths["F:F"] == 90
    ((title, message),) = book.app.alerts
    assert title == "绩效自评" and "13 个错误" in message
    assert digest(path) == before  # the saved file is Excel's to write; the button never rewrites it


def test_ribbon__reuses_an_existing_check_sheet(tmp_path):
    book = FakeBook(str(example(tmp_path)), sheet_names=("说明", CHECK_SHEET, "附件1 基础数据表"))
    ribbon.main(book, opener=lambda report: None)
    assert [s.name for s in book.sheets].count(CHECK_SHEET) == 1 and book.sheets[CHECK_SHEET].cleared == 1


def test_ribbon__writes_and_opens_the_report_next_to_the_workbook(tmp_path):
    path = example(tmp_path)
    before = digest(path)
    opened = []
    book = FakeBook(str(path))
    ribbon.main(book, opener=opened.append)
    (report,) = opened
    assert (
        report.parent == tmp_path and report.name == "2023年度岳阳市君山区人力资源和社会保障局整体支出绩效自评报告.docx"
    )
    assert report.exists() and "自评报告已生成" in book.app.alerts[0][1] and str(report) in book.app.alerts[0][1]
    assert digest(path) == before


def test_ribbon__unsaved_workbook_gets_a_chinese_message(tmp_path):
    book = FakeBook("工作簿1")
    ribbon.main(book)
    assert book.saved == 0 and "请先把工作簿另存为" in book.app.alerts[0][1]


def test_ribbon__broken_file_gets_a_message_not_a_traceback(tmp_path):
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really")
    book = FakeBook(str(broken))
    ribbon.main(book)
    ((_title, message),) = book.app.alerts
    assert message.startswith("没有完成：") and "坏文件.xlsx" in message and "Traceback" not in message
    assert CHECK_SHEET not in [s.name for s in book.sheets]


def test_ribbon__unexpected_failure_is_still_a_message(tmp_path, monkeypatch):
    def explode(path, render):
        raise KeyError("x")

    monkeypatch.setattr(ribbon, "review", explode)
    book = FakeBook(str(Path(tmp_path) / "a.xlsm"))
    ribbon.main(book)
    assert book.app.alerts[0][1].startswith("出错了（KeyError）")


def test_ribbon__link_to_a_sheet_whose_name_has_quotes():
    row = (1, "错误", "甲\"项目'表", "C5", "sum-mismatch", "合计不符")
    assert ribbon._linked(row)[3] == '=HYPERLINK("#\'甲""项目\'\'表\'!C5","C5")'
    assert ribbon._linked((2, "提示", "", "", "x", "无位置"))[3] == ""
