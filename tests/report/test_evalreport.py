"""The 部门整体支出绩效评价报告: every score in it is the engine's, the evaluator's words go in as typed, and it is
written (or refused) like the self-assessment reports."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from helpers import named_cell, run
from office import convert, is_a4, pdf_page_texts, pdf_pages, pdf_text, profile

from perfeval_xl.core.errors import ReportError
from perfeval_xl.core.numbers import format_percent, format_score
from perfeval_xl.core.records import REVENUE_COLUMNS
from perfeval_xl.engine.evaluation.load import load_framework
from perfeval_xl.engine.evaluation.scores import score_rate, tree
from perfeval_xl.engine.evaluation.words import report_standard
from perfeval_xl.report import write as report
from perfeval_xl.report.evaluation import evaluation_context, node_number
from perfeval_xl.report.write import write_reports
from perfeval_xl.workbook.fill import set_named
from perfeval_xl.workbook.layout.evaluation import KEY, plan
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.package import package

SHEET = "评价指标评分表"
UNIT = "岳阳市君山区人力资源和社会保障局"
OUTLINE = (
    "一、基本情况",
    "二、绩效评价工作开展情况",
    "（一）绩效评价目的、对象和范围",
    "（二）绩效评价原则、评价指标体系、评价方法、评价标准",
    "（三）绩效评价工作过程",
    "三、综合评价情况及评价结论",
    "四、绩效评价指标分析",
    "五、主要经验及做法、存在的问题及原因分析",
    "（一）主要经验及做法",
    "（二）存在的问题及原因分析",
    "六、有关建议",
    "七、其他需要说明的问题",
    "附件",
)
# figures that meet every linked standard: 附件1 and 收支预决算 consistent with themselves
FIGURES = {
    "staff_quota": 21,
    "staff_actual": 21,
    "sangong_reception_budget": 1.5,
    "sangong_reception_final": 1.5,
    "public_funds_budget": 100,
    "public_funds_final": 98,
    "procurement_budget": 50,
    "procurement_final": 50,
    "rev_carryover_begin_budget": 30,
    "rev_appropriation_budget": 970,
    "rev_other_income_budget": 0,
    "rev_personnel_budget": 600,
    "rev_public_budget": 100,
    "rev_project_budget": 300,
    "rev_carryover_end_budget": 0,
    "rev_carryover_begin_final": 30,
    "rev_appropriation_final": 970,
    "rev_other_income_final": 0,
    "rev_personnel_final": 600,
    "rev_public_final": 98,
    "rev_project_final": 302,
    "rev_carryover_end_final": 0,
}
TEXTS = {
    "eval_overview": f"{UNIT}是区政府工作部门，内设机构7个。\n2024年度部门预算1,000万元。",
    "eval_purpose": "了解部门整体支出的效率和效果，为下年度预算安排提供参考。",
    "eval_process": "2025年3月成立评价组，收集资料、现场核查、评分并撰写报告。",
    "eval_experience": "预算编制较规范，资金管理制度健全。",
    "eval_problems": "预算调整较大，主要原因是年中追加了就业补助资金。",
    "eval_suggestions": "一是提高预算编制的准确性；\n二是加快专项资金拨付进度。",
    "eval_evaluator": "君山区财政局绩效评价组",
    "eval_report_date": "2025-04-15",
}
# a realistic sheet: judgements with deductions and reasons, figures the standard scores below full marks
DEDUCTIONS = {
    "投入/目标设定/绩效目标合理性": {"I": 1.5, "J": "部分绩效目标与“三定”职责对应不够紧密。"},
    "投入/目标设定/绩效指标明确性": {"E": "1、2、4", "I": 3, "J": "部分指标未与年度任务数对应"},
    "过程/预算执行/支付进度率": {"E": 2, "I": 2, "J": "两笔专项资金未在6月底前拨付完毕"},
    "过程/预算执行/预算调整率": {"E": 1150, "F": 1000},  # 15%: the band gives 1 of 3, no reason needed
    "效果/履职效益/社会公众或服务对象满意度": {"E": 87, "F": 100},  # 87% against 90%: 4.83 of 5
    "过程/预算执行/公用经费控制率": {"I": 0.5, "J": "会议费超标"},  # typed under what the standard gives
}


def _rows(ws) -> dict[str, int]:
    return {ws[f"{KEY}{r}"].value: r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value}


def _full_marks(framework: str) -> dict[str, dict[str, object]]:
    """Every leaf at full marks: figures that meet the standard, ticks, no findings, scores typed where judged."""
    changes: dict[str, dict[str, object]] = {}
    for indicator in load_framework(framework).indicators:
        cells: dict[str, object] = {}
        if indicator.value is not None and not indicator.value.sources:
            cells |= {"E": 90, "F": 100} if indicator.value.rate == "change_rate" else {"E": 100, "F": 100}
        if indicator.method == "checklist":
            cells["E"] = "全部"
        if indicator.method == "findings":
            cells["E"] = 0
        if indicator.from_target:
            cells |= {"E": "带动农户增收500万元以上", "F": "520万元"}
        if indicator.custom:  # the unit's own indicator, set in the slot's first row
            points = float(indicator.points)
            changes[f"{indicator.key}#1"] = {"C": "特性指标", "D": points, "H": "完成得满分", "I": points}
            continue
        if not indicator.computed:
            cells["I"] = float(indicator.points)
        changes[indicator.key] = cells
    return changes


def _workbook(
    path: Path,
    framework: str = "gongxing-2013",
    changes: dict[str, dict[str, object]] | None = None,
    texts: dict[str, object] | None = None,
) -> Path:
    """An evaluation workbook filled as an evaluator would: full marks, then `changes` (key -> column -> value)."""
    path.write_bytes(new_workbook("dept", framework, [], "udf", path.suffix))
    wb = openpyxl.load_workbook(path, keep_vba=True)
    set_named(wb, "unit_name", UNIT)
    set_named(wb, "fiscal_year", 2024)
    for name, value in FIGURES.items():
        if name in wb.defined_names:
            set_named(wb, name, value)
    for name, value in (TEXTS if texts is None else texts).items():
        set_named(wb, name, value)
    ws = wb[SHEET]
    rows = _rows(ws)
    filled = _full_marks(framework)
    for key, cells in (changes or {}).items():
        filled[key] = filled.get(key, {}) | cells
    for key, cells in filled.items():
        for letter, value in cells.items():
            ws[f"{letter}{rows[key]}"] = value
    path.write_bytes(package(wb, path.suffix))
    return path


def _read(document: Path) -> tuple[list[str], list[list[list[str]]]]:
    opened = docx.Document(str(document))
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in opened.tables]
    return [p.text for p in opened.paragraphs], tables


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evaluation")
    path = _workbook(folder / "评价.xlsm", changes=DEDUCTIONS)
    submission, findings, options = load(path)
    assert options["kind"] == "evaluation"
    assert not [f for f in findings if f.is_error], [str(f) for f in findings if f.is_error]
    result = write_reports(path, submission, findings, options["rules"])
    (document,) = result.documents
    body, tables = _read(document)
    return path, submission, document, body, tables


# ---------------------------------------------------------------- what it says


def test_report__name_and_outline(filled):
    path, _submission, document, body, _tables = filled
    assert document == path.parent / f"2024年度{UNIT}部门整体支出绩效评价报告.docx"
    for heading in OUTLINE:
        assert heading in body, heading
    positions = [body.index(heading) for heading in OUTLINE]
    assert positions == sorted(positions)  # in the outline's order
    assert body[0] == f"2024年度{UNIT}部门整体支出绩效评价报告"
    assert "评价机构：君山区财政局绩效评价组" in body and "2025年4月15日" in body


def test_report__every_node_with_the_engines_numbers_in_tree_order(filled):
    _path, submission, _document, body, _tables = filled
    sheet = submission.evaluation
    framework = sheet.framework
    places = framework.score_places
    start = body.index("四、绩效评价指标分析")
    counters: dict[tuple[str, ...], int] = {}
    found = []
    for node in tree(framework):
        counters[node.path[:-1]] = counters.get(node.path[:-1], 0) + 1
        score = sheet.scores.scores[node.key]
        sentence = (
            f"{node_number(node.level, counters[node.path[:-1]])}{node.path[-1]}，"
            f"指标分值{format_score(node.points, places)}分，评价得分{format_score(score, places)}分，"
            f"得分率{format_percent(score_rate(score, node.points))}。"
        )
        found.append(body.index(sentence, start))
    assert found == sorted(found)
    assert body[found[0]] == "（一）投入，指标分值15分，评价得分13.5分，得分率90.00%。"
    assert "1.目标设定，指标分值6分，评价得分4.5分，得分率75.00%。" in body
    assert "（1）绩效目标合理性，指标分值2分，评价得分1.5分，得分率75.00%。" in body


def test_report__figures_standards_and_deductions_of_a_leaf(filled):
    _path, _submission, _document, body, _tables = filled
    text = "\n".join(body)
    assert "扣0.5分。扣分原因：部分绩效目标与“三定”职责对应不够紧密。" in body
    assert "扣1分。扣分原因：部分指标未与年度任务数对应。" in body
    assert (  # the items met and not met, by their words: a reader of the report has no standard to look them up in
        "符合的评价要点：①将部门整体的绩效目标细化分解为具体的工作任务；②通过清晰、可衡量的指标值予以体现；"
        "④与本年度部门预算资金相匹配。不符合的：③与部门年度的任务数或计划数相对应。" in body
    )
    assert "发现问题2个。" in body
    # a band score below full marks, with its figures and the formula in words
    assert (
        "评价数据：调整后预算数1,150.00 万元，年初预算数1,000.00 万元；"
        "指标值 = |调整后预算数 − 年初预算数| ÷ 年初预算数" in text
    )
    assert "扣2分（按评分标准计算）。" in body
    assert "扣0.17分（按评分标准计算）。" in body  # a ratio: 5 × 87% ÷ 90% = 4.83
    assert "扣0.5分。扣分原因：按评分标准应得1分，评价人员评为0.5分。会议费超标。" in body
    # a linked figure: 在职人员控制率 from 附件1
    assert "评价数据：实际在职人数21 人，编制数21 人；指标值 = 实际在职人数 ÷ 编制数 = 100.00%。" in body
    assert "评分标准：不超过100%得满分，每超出1个百分点扣0.1分（不足1个百分点按比例扣分），扣完为止" in text


def test_report__conclusion_and_the_deductions_gathered(filled):
    _path, submission, _document, body, tables = filled
    scores = submission.evaluation.scores
    text = "\n".join(body)
    assert f"绩效评价总分{format_score(scores.total)}分" in text and f"评价等级为“{scores.grade}”" in text
    leaves = len(submission.evaluation.framework.indicators)
    deducted = format_score(100 - scores.total)
    assert f"{leaves}项三级指标中，{leaves - 6}项得满分，6项扣分，合计扣{deducted}分" in text
    conclusion = next(t for t in tables if t[0] == ["一级指标", "分值", "评价得分", "得分率"])
    assert [row[0] for row in conclusion[1:-1]] == ["投入", "过程", "产出", "效果"]
    assert conclusion[1][1:] == ["15", "13.5", "90.00%"]
    rate = format_percent(score_rate(scores.total, 100))
    assert conclusion[-1] == [f"总分（等级：{scores.grade}）", "100", format_score(scores.total), rate]
    problems = body[body.index("（二）存在的问题及原因分析") + 1 : body.index("六、有关建议")]
    assert problems[0] == f"评价中共有6项指标扣分，合计扣{deducted}分："
    assert "1.绩效目标合理性（投入—目标设定）扣0.5分。部分绩效目标与“三定”职责对应不够紧密。" in problems
    assert any(p.startswith("3.预算调整率（过程—预算执行）扣2分。评价数据：") for p in problems)
    typed_under = next(p for p in problems if p.startswith("5.公用经费控制率（过程—预算执行）扣0.5分。"))
    assert (
        "评价数据：实际公用经费98.00 万元，预算安排的公用经费100.00 万元；"
        "指标值 = 实际公用经费 ÷ 预算安排的公用经费 = 98.00%。" in typed_under
    )
    assert "按评分标准应得1分，评价人员评为0.5分" in typed_under and "会议费超标" in typed_under
    assert problems[-1] == TEXTS["eval_problems"]  # the evaluator's analysis after the list


def test_report__evaluator_texts_and_defaults(filled):
    _path, _submission, _document, body, _tables = filled
    for line in (
        f"{UNIT}是区政府工作部门，内设机构7个。",
        "2024年度部门预算1,000万元。",
        "一是提高预算编制的准确性；",
        "二是加快专项资金拨付进度。",
        TEXTS["eval_process"],
        TEXTS["eval_experience"],
    ):
        assert line in body, line
    assert "绩效评价遵循科学公正、统筹兼顾、激励约束、公开透明的原则。" in body  # 评价原则 left blank
    assert "无其他需要说明的问题。" in body
    assert any(p.startswith("评价等级：总分90分（含）以上为“优”，80分（含）至90分为“良”") for p in body)


def test_report__annex_score_sheet_one_row_per_leaf_with_subtotals(filled):
    _path, submission, _document, _body, tables = filled
    sheet = submission.evaluation
    framework = sheet.framework
    annex = tables[-1]
    assert annex[0] == ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "评价数据", "得分", "扣分原因"]
    rows = annex[1:-1]
    labels = {node.subtotal_label for node in tree(framework) if not node.is_leaf}
    assert "目标设定小计" in labels and "投入合计" in labels
    leaves = [row for row in rows if row[2] not in labels]
    subtotals = [row for row in rows if row[2] in labels]
    assert [row[2] for row in leaves] == [i.name for i in framework.indicators]
    assert [row[6] for row in leaves] == [format_score(sheet.scores.scores[i.key]) for i in framework.indicators]
    standards = [report_standard(i) for i in framework.indicators]
    assert [row[4] for row in leaves] == standards  # every leaf's standard, as section 四 words it
    inner = [node for node in tree(framework) if not node.is_leaf]
    assert len(subtotals) == len(inner)
    where = plan(framework).subtotal_rows  # the 小计 rows in the order the sheet has them
    in_order = sorted(where, key=where.__getitem__)
    assert [row[6] for row in subtotals] == [format_score(sheet.scores.scores[key]) for key in in_order]
    assert annex[-1][0] == "总分" and annex[-1][3] == "100" and annex[-1][6] == format_score(sheet.scores.total)
    assert annex[-1][7] == f"等级：{sheet.scores.grade}"
    first = rows[0]
    assert first[:3] == ["投入", "目标设定", "绩效目标合理性"] and first[7] == "部分绩效目标与“三定”职责对应不够紧密。"
    assert rows[1][:2] == ["", ""]  # a group's names on its first row only
    adjustment = next(row for row in rows if row[2] == "预算调整率")
    assert adjustment[5] == "调整后预算数 1,150.00 万元；年初预算数 1,000.00 万元；指标值 15.00%"
    assert adjustment[6] == "1" and adjustment[7] == "按评分标准计算"
    assert next(row for row in rows if row[2] == "支付进度率")[5] == "问题 2 个"
    assert next(row for row in subtotals if row[1] == "目标设定")[3:7] == ["6", "", "得分率 75.00%", "4.5"]


# ---------------------------------------------------------------- numbers from the engine, never as printed


def test_report__a_printed_subtotal_that_is_wrong_refuses_the_report(tmp_path):
    """A typed-over 小计 is a sum-mismatch error, and a workbook with errors gets no report (write_reports' rule);
    the context itself never reads a printed subtotal: it says the engine's."""
    path = _workbook(tmp_path / "错.xlsm", changes=DEDUCTIONS)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb[SHEET]
    ws[f"I{_rows(ws)['投入/目标设定']}"] = 6  # the leaves add up to 4.5
    path.write_bytes(package(wb, ".xlsm"))
    submission, findings, options = load(path)
    assert any(f.code == "sum-mismatch" and f.is_error for f in findings)
    with pytest.raises(ReportError, match="错误"):
        write_reports(path, submission, findings, options["rules"])
    assert not list(tmp_path.glob("*.docx"))
    context = evaluation_context(submission, "2025年4月15日")
    node = next(n for n in context["nodes"] if n["key"] == "投入/目标设定")
    assert node["score"] == Decimal("4.5") == submission.evaluation.scores.scores["投入/目标设定"]
    assert submission.evaluation.subtotals["投入/目标设定"].score == 6  # as printed, and not what the report says
    row = next(r for r in context["annex"]["rows"] if r["level2"] == "目标设定" and r["level3"] == "目标设定小计")
    assert row["score"] == Decimal("4.5")


# ---------------------------------------------------------------- the evaluator's words exactly as typed


HOSTILE = (
    "{{ 7*7 }}",
    "{% for x in range(3) %}X{% endfor %}",
    "{%p if true %}",
    "<w:p>&amp; <b>粗体</b> & < > \" '",
    "]]><![CDATA[",
)


def test_report__hostile_text_appears_literally(tmp_path):
    long_text = "很长的文字。" * 3000
    texts = dict(TEXTS)
    texts["eval_overview"] = "\n".join(HOSTILE)
    texts["eval_other"] = long_text
    texts["eval_evaluator"] = "{{ unit_name }}<评价组>&"
    changes = dict(DEDUCTIONS)
    changes["投入/目标设定/绩效目标合理性"] = {"I": 1.5, "J": "{{ 7*7 }} {% if 1 %}是{% endif %} <&>"}
    path = _workbook(tmp_path / "恶意.xlsm", changes=changes, texts=texts)
    submission, findings, options = load(path)
    (document,) = write_reports(path, submission, findings, options["rules"]).documents
    body, tables = _read(document)
    for line in HOSTILE:
        assert line in body, line
    assert long_text in body
    assert "评价机构：{{ unit_name }}<评价组>&" in body
    assert "扣0.5分。扣分原因：{{ 7*7 }} {% if 1 %}是{% endif %} <&>。" in body
    assert "49" not in "\n".join(body[:40])
    assert tables[-1][1][7] == "{{ 7*7 }} {% if 1 %}是{% endif %} <&>"


# ---------------------------------------------------------------- other frameworks, the command, the ribbon


def test_report__a_framework_with_two_and_four_level_paths(tmp_path):
    path = _workbook(tmp_path / "三块.xlsm", "budget-30-40-30")
    submission, findings, options = load(path)
    assert not [f for f in findings if f.is_error], [str(f) for f in findings if f.is_error]
    (document,) = write_reports(path, submission, findings, options["rules"]).documents
    body, tables = _read(document)
    for node in tree(submission.evaluation.framework):
        score = submission.evaluation.scores.scores[node.key]
        assert any(
            p.endswith(
                f"{node.path[-1]}，指标分值{format_score(node.points)}分，评价得分{format_score(score)}分，得分率100.00%。"
            )
            for p in body
        ), node.key
    assert "（1）经费控制，指标分值9分，评价得分9分，得分率100.00%。" in body  # a 4-level path's 三级
    assert "②公用经费控制率，指标分值3分，评价得分3分，得分率100.00%。" in body  # and its 四级, numbered ①②
    annex = tables[-1]
    assert any(row[2] == "经费控制：公用经费控制率" for row in annex)
    assert any(row[1] == "满意度" and row[2] == "" for row in annex)  # a 2-level leaf
    assert "各项指标均得满分，评价中没有扣分的指标。" in body
    assert "总分100分" in "\n".join(body)


def test_cli__report_writes_the_evaluation_report(tmp_path):
    path = _workbook(tmp_path / "评价.xlsx", changes=DEDUCTIONS)
    result = run("report", str(path), "--date", "2025-05-06")
    expected = tmp_path / f"2024年度{UNIT}部门整体支出绩效评价报告.docx"
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"已生成 {expected}" in result.stdout and expected.is_file()
    body, _tables = _read(expected)
    assert "2025年5月6日" in body  # --date over the sheet's 报告日期
    out = tmp_path / "报告.docx"
    assert run("report", str(path), "-o", str(out)).returncode == 0 and out.is_file()
    assert "2025年4月15日" in _read(out)[0]


def test_cli__report_refuses_an_unscored_evaluation_workbook(tmp_path):
    path = tmp_path / "空白.xlsm"
    path.write_bytes(new_workbook("dept", "gongxing-2013", [], "udf", ".xlsm"))
    result = run("report", str(path))
    assert result.returncode == 1 and "eval-unscored" not in result.stderr
    assert "个错误" in result.stderr and not list(tmp_path.glob("*.docx"))


def test_ribbon__render_for_workbook_on_an_evaluation_workbook(tmp_path):
    texts = TEXTS | {"eval_report_date": datetime(2025, 4, 16)}  # typed in Excel as a date
    path = _workbook(tmp_path / "评价.xlsm", changes=DEDUCTIONS, texts=texts)
    submission, findings, options = load(path)
    written = report.render_for_workbook(path, submission, findings, options)
    assert written.name == f"2024年度{UNIT}部门整体支出绩效评价报告.docx"
    body = _read(written)[0]
    assert "四、绩效评价指标分析" in body and "2025年4月16日" in body


def test_report__own_template_for_an_evaluation_workbook(tmp_path):
    path = _workbook(tmp_path / "评价.xlsm")
    template = tmp_path / "mine.docx"
    document = docx.Document()
    document.add_paragraph(
        "{{ unit_name }}：{% for l in result.level1 %}{{ l.name }}{{ l.score|score(places) }}{% endfor %}"
    )
    document.save(str(template))
    submission, findings, options = load(path)
    (written,) = write_reports(path, submission, findings, options["rules"], template=template).documents
    assert _read(written)[0] == [f"{UNIT}：投入15过程40产出25效果20"]


# ---------------------------------------------------------------- printed


def test_report__libreoffice_prints_it_on_a4(tmp_path, filled):
    _path, _submission, document, _body, _tables = filled
    (pdf,) = convert([document], "pdf", tmp_path / "out", profile(tmp_path / "profile", recalculate=False))
    pages = pdf_pages(pdf)
    assert len(pages) >= 6 and all(is_a4(size) for size in pages)
    text = re.sub(r"\s+", "", pdf_text(pdf))
    for heading in OUTLINE:
        assert heading in text, heading
    assert "（一）投入，指标分值15分，评价得分13.5分，得分率90.00%。" in text
    # the text on portrait pages, the 附件 评分表 (its standards need the width) on landscape ones to the end
    annex = next(n for n, page in enumerate(pdf_page_texts(pdf)) if re.sub(r"\s+", "", page).startswith("附件"))
    assert all(width < height for width, height in pages[:annex])
    assert all(width > height for width, height in pages[annex:])


def test_report__no_words_meant_for_the_frameworks_author_and_scoring_is_not_called_method(filled):
    _path, _submission, _document, body, tables = filled
    text = "\n".join(body) + "\n".join(" ".join(row) for table in tables for row in table)
    for note in ("示例", "请按本地文件调整", "指标体系和评分标准的来源", "[I]", "[Q]"):
        assert note not in text, note
    assert any(line.startswith("计分方式：") for line in body)
    assert not any(line.startswith("评价方法：") and "分档计分" in line for line in body)


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("制度不全", "制度不全。"),
        ("制度不全。", "制度不全。"),
        ("制度不全；", "制度不全。"),
        ("是否合规？", "是否合规？"),
        ("", ""),
    ],
)
def test_filters__a_reason_typed_without_a_closing_mark_is_closed_as_a_sentence(typed, printed):
    from perfeval_xl.report.filters import sentence

    assert sentence(typed) == printed


# ---------------------------------------------------------------- the shipped example, as an evaluator would sign it


@pytest.fixture(scope="module")
def example_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("example")
    book = folder / "评价示例.xlsm"
    assert run("example", str(book), "--evaluation").returncode == 0
    document = folder / "报告.docx"
    assert run("report", str(book), "-o", str(document)).returncode == 0
    return book, document


def test_example_report__standards_without_instructions_to_the_evaluators(example_report):
    _book, document = example_report
    body, _tables = _read(document)
    standards = [p for p in body if p.startswith("评分标准：")]
    assert len(standards) == 31
    for words in ("扣分须写明原因", "为单位", "由评价人员打分", "评价人员根据"):
        assert not any(words in p for p in standards), words
    assert "评分标准：对照评价要点（部门履行职责对经济发展所带来的直接或间接影响）综合评分。" in body
    assert any("（评价要点：专项资金春节前拨付一半、6月底前全部拨付）" in p for p in standards)


def test_example_report__basic_facts_goals_and_the_revenue_table_from_its_sheet(example_report):
    """一、基本情况 has （二）绩效目标 and the 收支预决算 table; each figure is the sheet's, each 差异率 recomputed."""
    from perfeval_xl.engine.rates import variance_rate

    book, document = example_report
    body, tables = _read(document)
    outline = ["（一）部门（单位）基本情况", "（二）绩效目标", "（三）部门收支情况", "二、绩效评价工作开展情况"]
    assert [body.index(h) for h in outline] == sorted(body.index(h) for h in outline)
    assert body[body.index("（二）绩效目标") + 1].startswith("围绕粮食安全和乡村振兴履行职责")
    assert "2024年度部门收入预算3,580.00万元，决算3,497.55万元；支出预算3,469.50万元，决算3,401.25万元，" in "".join(
        body
    )
    revenue = next(t for t in tables if t[0] == ["项目", "预算数", "决算数", "差异率"])
    shown = openpyxl.load_workbook(book, data_only=True)
    keys = {label: key for key, label in REVENUE_COLUMNS} | {"收入合计": "total", "支出合计": "expense_total"}

    def sheet_value(name: str) -> float:
        title, ref = named_cell(shown, name)
        return shown[title][ref].value

    for label, budget, final, variance in revenue[1:]:
        sheet_budget, sheet_final = (sheet_value(f"rev_{keys[label]}_{row}") for row in ("budget", "final"))
        assert budget == f"{sheet_budget:,.2f}" and final == f"{sheet_final:,.2f}", label
        expected = variance_rate(Decimal(str(sheet_final)), Decimal(str(sheet_budget)))
        assert variance == format_percent(expected), label
    assert len(revenue) == 10 and any(p.startswith("表2 综合评价结果") for p in body)


def test_example_report__rows_never_split_and_headings_keep_with_their_text(example_report):
    _book, document = example_report
    opened = docx.Document(str(document))
    for table in opened.tables:
        for row in table.rows:
            assert row._tr.trPr is not None and row._tr.trPr.find(docx.oxml.ns.qn("w:cantSplit")) is not None
    for style in ("一级标题", "二级标题", "三级标题", "表题", "附件标题"):
        assert opened.styles[style].paragraph_format.keep_with_next, style
    conclusion = next(t for t in opened.tables if t.rows[0].cells[0].text == "一级指标" and len(t.columns) == 4)
    assert all(row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in conclusion.rows[:-1])


def test_report__counts_by_kind_the_check_refuses_never_stop_the_report_words():
    """The check refuses “1” for two kinds at its cell; the report's wording of such a row still returns a sentence."""
    from perfeval_xl.core.records import LeafRow
    from perfeval_xl.engine.evaluation.load import parse_framework
    from perfeval_xl.report.evaluation import _figures

    text = (
        'kind = "evaluation"\nname = "k"\nfull_marks = 3\n[[indicators]]\npath = ["甲", "乙"]\npoints = 3\n'
        'method = "findings"\nkinds = [ { text = "晚拨付", deduct = 1 }, { text = "挪用", deduct = 1 } ]\n'
    )
    (indicator,) = parse_framework(text, "k.toml").indicators
    row = LeafRow(indicator, "1", None, None, None, None, False, "", 3)
    assert _figures(row) == "发现问题：1。"
    assert _figures(LeafRow(indicator, "1、0", None, None, None, None, False, "", 3)) == "发现问题：晚拨付1个。"
