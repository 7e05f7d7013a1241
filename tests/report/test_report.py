"""The narrative report: its figures are the engine's, its text is the user's, and Word and LibreOffice can open it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from helpers import ROOT, digest, example, write
from office import convert, is_a4, pdf_pages, pdf_text, profile

from perfeval_xl.core.errors import ReportError
from perfeval_xl.core.example import corrected_example
from perfeval_xl.core.numbers import format_amount, format_percent, format_score
from perfeval_xl.core.records import Header
from perfeval_xl.engine.rates import change_rate, control_rate, execution_rate, share
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import score_assessment
from perfeval_xl.report import charts
from perfeval_xl.report import write as report
from perfeval_xl.report.context import paragraphs
from perfeval_xl.report.filters import change, chinese_date, more_less
from perfeval_xl.report.templates import TEMPLATES
from perfeval_xl.report.write import write_reports
from perfeval_xl.utils import files
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load

NATIONAL = load_rules("national")


def texts(document_path: Path) -> tuple[list[str], list[list[list[str]]]]:
    document = docx.Document(str(document_path))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return [p.text for p in document.paragraphs], tables


def render_example(tmp_path: Path, submission=None, **options) -> tuple[Path, list[str], list]:
    path = example(tmp_path, "wb.xlsm", submission=submission)
    loaded, findings, loaded_options = load(path)
    result = write_reports(path, loaded, findings, loaded_options["rule_set"], report_date="2024-06-26", **options)
    paragraphs_, tables = texts(result.documents[0])
    return result.documents[0], paragraphs_, tables


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return render_example(tmp_path_factory.mktemp("report"))


# ---------------------------------------------------------------- filters


def test_change__signed_rate_in_words():
    assert change(Decimal("0.053")) == "增长 5.30%"
    assert change(Decimal("-0.124")) == "下降 12.40%"
    assert change(Decimal("0.00001")) == "持平"
    assert change(None) == "—"


def test_more_less__signed_amount_in_words():
    assert more_less(Decimal("-0.84")) == "减少 0.84 万元"
    assert more_less(Decimal("0.333")) == "增加 0.33 万元"


def test_chinese_date__forms():
    assert chinese_date("2024-06-26") == "2024年6月26日"
    assert chinese_date(date(2024, 6, 6)) == "2024年6月6日"
    assert chinese_date("2024年6月26日") == "2024年6月26日"


def test_paragraphs__lines_as_typed_control_characters_dropped():
    assert paragraphs("第一段\r\n\n　第二段 <b>&\x07\x0c") == ["第一段", "　第二段 <b>&"]


# ---------------------------------------------------------------- figures


def test_report__every_figure_is_the_engines(rendered):
    _path, body, _tables = rendered
    text = "\n".join(body)
    example_ = corrected_example()
    basic, overall = example_.basic, example_.overall
    total = overall.funding.total
    scores = score_assessment(overall, NATIONAL)
    expected = [
        f"全年执行{format_amount(total.executed)}万元，"
        f"执行率{format_percent(execution_rate(total.executed, total.budget))}",
        f"基本支出{format_amount(overall.funding.expense_basic)}万元，占全年执行数的"
        f"{format_percent(share(overall.funding.expense_basic, total.executed))}",
        f"“三公”经费决算{format_amount(basic.sangong.final)}万元，预算{format_amount(basic.sangong.budget)}万元，"
        f"控制率{format_percent(control_rate(basic.sangong.final, basic.sangong.budget))}",
        f"下降 {format_percent(-change_rate(basic.sangong.final, basic.sangong.prev))}",
        f"项目支出{format_amount(overall.funding.expense_project)}万元，占全年执行数的"
        f"{format_percent(share(overall.funding.expense_project, total.executed))}",
        f"自评总分{format_score(scores.total)}分，等级为“{scores.grade}”",
        "本单位编制数21人，实际在职人数21人，控制率100.00%",
        "工资福利支出441.27万元，占44.65%",
        "全年预算较年初预算增长 74.65%",
    ]
    for sentence in expected:
        assert sentence in text, sentence


def test_report__tables_have_their_rows(rendered):
    _path, _body, tables = rendered
    sangong, projects = tables[0], tables[1]
    assert sangong[0][0] == "项目" and [row[0] for row in sangong[1:]] == [
        "三公经费",
        "1、公务用车购置和维护经费",
        "其中：公车购置",
        "公车运行维护",
        "2、出国经费",
        "3、公务接待",
    ]
    assert sangong[1][1:] == ["1.50", "1.13", "1.97", "75.33%", "-0.84", "-42.64%"]
    assert [row[0] for row in projects[1:]] == ["社保基金督查专项经费", "事业单位招考工作经费"]
    assert projects[2][1:4] == ["206.22", "206.22", "100.00%"]
    indicators = next(t for t in tables if t[0][0] == "一级指标")
    assert len(indicators) == 1 + 11 + 1 and indicators[-1][0] == "总分" and indicators[-1][6] == "100"
    assert indicators[1][2:7] == ["城镇登记失业率", "5.4%以内", "5.4%以内", "7", "7"]


def test_report__empty_parts_say_so(rendered):
    _path, body, _tables = rendered
    assert "本年度无政府性基金预算支出。" in body
    assert "本年度无社会保险基金预算支出。" in body
    assert "无其他需要说明的情况。" in body


def test_report__suggestions_follow_the_units_text(rendered):
    _path, body, _tables = rendered
    problems = body.index("七、存在的问题及原因分析")
    assert body[problems + 1].startswith("因部门整体支出的资金安排")
    assert body[problems + 2].startswith("【建议】") and "预算调整幅度较大" in body[problems + 2]
    assert any(line.startswith("【建议】") and "失业人员再就业人数" in line for line in body)


def test_report__cover_and_signature(rendered):
    _path, body, _tables = rendered
    assert body[0] == "2023年度岳阳市君山区人力资源和社会保障局整体支出绩效自评报告"
    assert "部门（单位）名称：岳阳市君山区人力资源和社会保障局（盖章）" in body
    assert body.count("2024年6月26日") == 2


def test_report__annex_has_the_three_tables(rendered):
    _path, body, tables = rendered
    assert body.count("附件3") == 2 and "附件1" in body and "附件2" in body
    annex1 = next(t for t in tables if t[1][0] == "三公经费" and any(r[0] == "政府采购金额" for r in t))
    assert any(row[0] == "政府采购金额" and row[2] == "391.83" for row in annex1)


def test_report__free_text_exactly_as_typed(tmp_path):
    hostile = "某局<b>&amp;{{ unit_name }}{% if 1 %}x{% endif %}😀"
    duties = "第一段：<script>alert(1)</script> & 更多\n\n第二段 {{ x }} {% raw %}\n　缩进的第三段 😀"
    base = corrected_example()
    narrative = replace(base.narrative, texts={**base.narrative.texts, "duties": duties})
    submission = replace(base, header=Header(unit_name=hostile, fiscal_year=2023), narrative=narrative)
    _path, body, _tables = render_example(tmp_path, submission)
    start = body.index("（一）职能职责")
    assert body[start + 1 : start + 4] == [
        "第一段：<script>alert(1)</script> & 更多",
        "第二段 {{ x }} {% raw %}",
        "　缩进的第三段 😀",
    ]
    assert f"部门（单位）名称：{hostile}（盖章）" in body


def test_report__project_reports_on_request(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    result = write_reports(path, submission, findings, options["rule_set"], projects=True, report_date="2024-06-26")
    names = [p.name for p in result.documents]
    assert names[1:] == [
        "2023年度社保基金督查专项经费项目支出绩效自评报告.docx",
        "2023年度事业单位招考工作经费项目支出绩效自评报告.docx",
    ]
    body, tables = texts(result.documents[2])
    assert "项目名称：事业单位招考工作经费。" in "\n".join(body)
    assert "全年执行206.22万元，执行率100.00%" in "\n".join(body)
    assert len(next(t for t in tables if t[0][0] == "一级指标")) == 1 + 5 + 1


def test_report__charts_with_a_chinese_font_and_without(tmp_path, monkeypatch):
    assert charts.cjk_font() is not None  # ./scripts/test installs fonts-noto-cjk
    (tmp_path / "a").mkdir()
    with_font, _, _ = render_example(tmp_path / "a")
    media = [n for n in zipfile.ZipFile(with_font).namelist() if n.startswith("word/media/")]
    assert len(media) == 2
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    (tmp_path / "b").mkdir()
    without, body, _ = render_example(tmp_path / "b")
    assert not [n for n in zipfile.ZipFile(without).namelist() if n.startswith("word/media/")]
    assert "图1 “三公”经费本年与上年对比（万元）" not in body and "表1 “三公”经费预决算情况（万元）" in body


def test_cjk_font__found_when_installed_after_matplotlib_cached_its_font_list(tmp_path):
    # the README's order on a fresh machine: `perfeval demo` (no Chinese font yet) makes matplotlib's cache,
    # then the fonts are installed; simulated by a cache written without any CJK font
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    stale_cache = (
        "from matplotlib import font_manager as fm, get_cachedir; from pathlib import Path;"
        "fm.fontManager.ttflist = [f for f in fm.fontManager.ttflist if 'CJK' not in f.name];"
        "fm.json_dump(fm.fontManager, Path(get_cachedir()) / f'fontlist-v{fm.FontManager.__version__}.json')"
    )
    subprocess.run([sys.executable, "-c", stale_cache], env=env, check=True)
    ask = "from perfeval_xl.report import charts; from matplotlib import font_manager as fm;" + (
        "print(any('CJK' in f.name for f in fm.fontManager.ttflist), charts.cjk_font())"
    )
    answer = subprocess.run([sys.executable, "-c", ask], env=env, check=True, capture_output=True, text=True)
    cached_has_cjk, font = answer.stdout.split(maxsplit=1)
    assert cached_has_cjk == "False"  # the cache really was stale when the report asked
    assert font.strip() in charts.CJK_FONTS


# ---------------------------------------------------------------- broken inputs


def test_report__workbook_with_errors_gives_no_file(tmp_path):
    path = example(tmp_path, published=True)
    submission, findings, options = load(path)
    with pytest.raises(ReportError, match="13 个错误"):
        write_reports(path, submission, findings, options["rule_set"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def _template_with(tmp_path: Path, text: str) -> Path:
    document = docx.Document()
    document.add_paragraph(text)
    target = tmp_path / "mine.docx"
    document.save(target)
    return target


def test_report__template_syntax_error(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    broken = _template_with(tmp_path, "{{ unit_name ")
    with pytest.raises(ReportError, match="语法错误"):
        write_reports(path, submission, findings, options["rule_set"], template=broken)
    assert not list(tmp_path.glob("*自评报告*"))


def test_report__template_naming_a_missing_variable(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    template = _template_with(tmp_path, "{{ unit_name }} {{ budget_director }} {{ seal }}")
    with pytest.raises(ReportError, match="budget_director、seal"):
        write_reports(path, submission, findings, options["rule_set"], template=template)
    assert not list(tmp_path.glob("*自评报告*"))


def test_report__user_template_is_sandboxed(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    template = _template_with(tmp_path, "{{ unit_name.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(ReportError, match="无法渲染") as raised:
        write_reports(path, submission, findings, options["rule_set"], template=template)
    assert str(raised.value) == (
        "报告模板“mine.docx”无法渲染：模板访问了不允许的属性“__class__”（模板只能使用报告提供的数据和过滤器）"
    )
    assert not list(tmp_path.glob("*自评报告*"))


def test_report__user_template_renders(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    template = _template_with(tmp_path, "{{ unit_name }}：总分{{ overall.total|score }}，{{ funds.rate|pct }}")
    result = write_reports(
        path, submission, findings, options["rule_set"], out=tmp_path / "简报.docx", template=template
    )
    assert texts(result.documents[0])[0] == ["岳阳市君山区人力资源和社会保障局：总分100，100.00%"]


def test_report__not_a_word_template(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    fake = tmp_path / "fake.docx"
    fake.write_text("not a document", encoding="utf-8")
    with pytest.raises(ReportError, match="不是有效的 Word 文档"):
        write_reports(path, submission, findings, options["rule_set"], template=fake)


def test_report__unwritable_folder_and_missing_folder(tmp_path, monkeypatch):
    path = example(tmp_path)
    submission, findings, options = load(path)
    with pytest.raises(ReportError, match="不存在"):
        write_reports(path, submission, findings, options["rule_set"], out=tmp_path / "none" / "r.docx")
    locked = tmp_path / "locked"
    locked.mkdir()

    def refused(*args, **kwargs):  # what a read-only folder answers (the tests run as root, which chmod cannot stop)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refused)
    with pytest.raises(ReportError, match=r"无法在.*locked”中写入“r\.docx”：没有写入或读取的权限"):
        write_reports(path, submission, findings, options["rule_set"], out=locked / "r.docx")
    assert list(locked.iterdir()) == []


def test_report__never_over_the_input(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    before = digest(path)
    with pytest.raises(ReportError, match=r"\.docx"):
        write_reports(path, submission, findings, options["rule_set"], out=path)
    assert digest(path) == before


def test_report__open_in_word_gets_a_new_name(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    first = write_reports(path, submission, findings, options["rule_set"]).documents[0]
    (first.parent / ("~$" + first.name[2:])).write_text("owner", encoding="utf-8")  # Word's lock file
    second = write_reports(path, submission, findings, options["rule_set"]).documents[0]
    assert second.name == first.stem + "(2).docx" and first.exists()


def test_report__replace_refused_by_windows_gets_a_new_name(tmp_path, monkeypatch):
    path = example(tmp_path)
    submission, findings, options = load(path)
    target = tmp_path / "r.docx"
    real_replace = report.os.replace

    def refuse_first(source, destination):
        if Path(destination) == target:
            raise PermissionError("in use")
        return real_replace(source, destination)

    monkeypatch.setattr(report.os, "replace", refuse_first)
    written = write_reports(path, submission, findings, options["rule_set"], out=target).documents[0]
    assert written.name == "r(2).docx" and not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".perfeval-")]


def test_report__retry_name_keeps_the_brackets_of_the_original_name(tmp_path, monkeypatch):
    path = example(tmp_path)
    submission, findings, options = load(path)
    target = tmp_path / "2023年度机关(本级)整体支出绩效自评报告.docx"
    real_replace = report.os.replace

    def refuse_first(source, destination):
        if Path(destination) == target:
            raise PermissionError("in use")
        return real_replace(source, destination)

    monkeypatch.setattr(report.os, "replace", refuse_first)
    written = write_reports(path, submission, findings, options["rule_set"], out=target).documents[0]
    assert written.name == "2023年度机关(本级)整体支出绩效自评报告(2).docx"


def full_disk(fd, data, real_write=os.write):
    """os.write on a disk that fills up half-way through a document (pytest's own small writes go through)."""
    if len(data) < 1000:
        return real_write(fd, data)
    real_write(fd, bytes(data[:1000]))
    raise OSError(errno.ENOSPC, "No space left on device")


def test_report__full_disk_leaves_no_file_and_names_it(tmp_path, monkeypatch):
    path = example(tmp_path)
    submission, findings, options = load(path)
    monkeypatch.setattr(files.os, "write", full_disk)
    with pytest.raises(ReportError) as raised:
        write_reports(path, submission, findings, options["rule_set"])
    monkeypatch.undo()
    name = "2023年度岳阳市君山区人力资源和社会保障局整体支出绩效自评报告.docx"
    assert str(raised.value) == f"无法写入“{tmp_path / name}”：磁盘空间不足"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_report__full_disk_is_one_chinese_line_from_the_command(tmp_path, monkeypatch, capsys):
    from perfeval_xl.cli import main

    path = example(tmp_path)
    monkeypatch.setattr(files.os, "write", full_disk)
    assert main(["report", str(path), "--projects", "-o", str(tmp_path / "r.docx")]) == 2
    monkeypatch.undo()
    assert capsys.readouterr().err == f"perfeval：无法写入“{tmp_path / 'r.docx'}”：磁盘空间不足\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_report__written_with_the_permissions_of_an_ordinary_file(tmp_path, mask):
    path = example(tmp_path)
    submission, findings, options = load(path)
    previous = os.umask(mask)
    try:
        documents = write_reports(path, submission, findings, options["rule_set"], projects=True).documents
    finally:
        os.umask(previous)
    assert len(documents) == 3
    assert {d.stat().st_mode & 0o777 for d in documents} == {0o666 & ~mask}  # not mkstemp's private 0600


def test_report__projects_written_all_or_none_when_staging_fails(tmp_path, monkeypatch):
    path = example(tmp_path)
    submission, findings, options = load(path)
    real_stage, staged = files.stage, []

    def full_on_the_third(data, target):
        if len(staged) == 2:
            raise files.write_failed(target, OSError(errno.ENOSPC, "No space left on device"))
        staged.append(real_stage(data, target))
        return staged[-1]

    monkeypatch.setattr(report, "stage", full_on_the_third)
    with pytest.raises(ReportError, match=r"事业单位招考工作经费项目支出绩效自评报告\.docx”：磁盘空间不足$"):
        write_reports(path, submission, findings, options["rule_set"], projects=True)
    assert len(staged) == 2 and sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_report__a_failed_rename_says_which_reports_were_written(tmp_path, monkeypatch):
    path = example(tmp_path)
    submission, findings, options = load(path)
    real_replace = report.os.replace

    def refuse_projects(source, destination):
        if "项目支出" in Path(destination).name:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_replace(source, destination)

    monkeypatch.setattr(report.os, "replace", refuse_projects)
    with pytest.raises(ReportError) as raised:
        write_reports(path, submission, findings, options["rule_set"], projects=True)
    dept = tmp_path / "2023年度岳阳市君山区人力资源和社会保障局整体支出绩效自评报告.docx"
    project = tmp_path / "2023年度社保基金督查专项经费项目支出绩效自评报告.docx"
    assert str(raised.value) == f"无法写入“{project}”：位置是只读的；已写入的报告：{dept}，其余没有写入"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, dept.name])  # no temporary file left


def test_report__projects_with_the_same_name_do_not_overwrite_each_other(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    first, second = submission.projects[:2]
    submission = replace(submission, projects=(first, replace(second, name=first.name)))
    documents = write_reports(path, submission, findings, options["rule_set"], projects=True).documents
    assert [d.name for d in documents[1:]] == [
        "2023年度社保基金督查专项经费项目支出绩效自评报告.docx",
        "2023年度社保基金督查专项经费项目支出绩效自评报告(2).docx",
    ]


# ---------------------------------------------------------------- templates and a real word processor


def test_templates__shipped_files_are_current():
    for name, build in TEMPLATES.items():
        assert build() == (ROOT / "templates" / name).read_bytes(), f"{name}: run .venv/bin/perfeval build-templates"


def test_report__libreoffice_prints_it_on_a4_with_its_headings(tmp_path, rendered):
    document, _body, _tables = rendered
    (pdf,) = convert([document], "pdf", tmp_path / "out", profile(tmp_path / "profile", recalculate=False))
    pages = pdf_pages(pdf)
    assert len(pages) >= 8 and all(is_a4(size) for size in pages)
    text = pdf_text(pdf).replace(" ", "")
    for heading in (
        "一、部门（单位）基本情况",
        "二、一般公共预算支出情况",
        "六、部门整体支出绩效情况",
        "七、存在的问题及原因分析",
        "十、其他需要说明的情况",
        "附件1",
        "附件2",
        "附件3",
    ):
        assert heading in text, heading
    for figure in ("1,294.52", "75.33%", "988.30", "自评总分100分"):
        assert figure in text, figure


def test_report__pdf_without_libreoffice_says_so(tmp_path, monkeypatch, capsys):
    from perfeval_xl.cli import main
    from perfeval_xl.report import pdf as libreoffice

    path = example(tmp_path)
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    submission, findings, options = load(path)
    result = write_reports(path, submission, findings, options["rule_set"], pdf=True)
    assert result.documents[0].exists() and result.pdfs == []
    assert result.notes == ["没有安装 LibreOffice，无法转换为 PDF（Word 报告已生成）"]
    assert main(["report", str(path), "--pdf", "-o", str(tmp_path / "again.docx")]) == 1
    assert "没有安装 LibreOffice" in capsys.readouterr().err and (tmp_path / "again.docx").exists()


def test_report__project_workbook_gets_project_reports(tmp_path):
    from perfeval_xl.core.records import Submission

    base = corrected_example()
    submission = Submission(header=base.header, projects=base.projects)
    path = write(
        tmp_path / "p.xlsm", new_workbook("project", None, [p.name for p in base.projects], "udf", ".xlsm", submission)
    )
    loaded, findings, options = load(path)
    result = write_reports(path, loaded, findings, options["rule_set"], report_date="2024-06-26")
    assert [p.name for p in result.documents] == [
        "2023年度社保基金督查专项经费项目支出绩效自评报告.docx",
        "2023年度事业单位招考工作经费项目支出绩效自评报告.docx",
    ]


def _project_workbook(tmp_path: Path, count: int) -> Path:
    from perfeval_xl.core.records import Submission

    base = corrected_example()
    submission = Submission(header=base.header, projects=base.projects[:count])
    names = [p.name for p in submission.projects]
    return write(tmp_path / "p.xlsm", new_workbook("project", None, names, "udf", ".xlsm", submission))


def test_report__project_workbook_takes_out_and_template(tmp_path):
    """With only 附件3 the project report is the report: -o names it and --template renders it."""
    path = _project_workbook(tmp_path, 1)
    loaded, findings, options = load(path)
    template = _template_with(tmp_path, "{{ project.name }}：总分{{ project.total|score }}")
    out = tmp_path / "项目报告.docx"
    result = write_reports(path, loaded, findings, options["rule_set"], out=out, template=template)
    assert result.documents == [out]
    assert texts(out)[0] == ["社保基金督查专项经费：总分100"]
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == ["mine.docx", "项目报告.docx"]


def test_report__project_workbook_with_several_sheets_refuses_one_out_file(tmp_path):
    path = _project_workbook(tmp_path, 2)
    loaded, findings, options = load(path)
    with pytest.raises(ReportError, match="有 2 张附件3，每张生成一份项目报告，不能都写到 -o 指定的一个文件"):
        write_reports(path, loaded, findings, options["rule_set"], out=tmp_path / "r.docx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsm"]


def test_report__dept_template_on_a_project_workbook_says_what_is_missing(tmp_path):
    path = _project_workbook(tmp_path, 1)
    loaded, findings, options = load(path)
    with pytest.raises(ReportError, match=r"用到了数据中没有的变量：.*overall"):
        write_reports(path, loaded, findings, options["rule_set"], template=ROOT / "templates" / report.DEPT_TEMPLATE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsm"]


def test_report__very_long_unit_name_gets_a_short_file_name(tmp_path):
    path = example(tmp_path)
    submission, findings, options = load(path)
    long_name = "某某市某某区" * 40 + "局"  # 241 characters: 720 bytes, far past what a file system takes
    submission = replace(submission, header=replace(submission.header, unit_name=long_name))
    (document,) = write_reports(path, submission, findings, options["rules"]).documents
    assert (
        document.exists() and document.name.endswith(".docx") and len(document.name.encode()) <= report.MAX_NAME_BYTES
    )
    assert document.name.startswith("2023年度某某市某某区")
    assert long_name in " ".join(texts(document)[0])
