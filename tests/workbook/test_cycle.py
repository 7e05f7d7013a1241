"""The annual cycle as a unit runs it: a declaration made and filled, a monitoring workbook and a self-assessment made
from it, each checked; LibreOffice recalculates the native flavour to what the reader says."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import assert_shows, insert_row_like_excel, named_cell, run
from office import convert, pdf_pages, profile

from perfeval_xl.core.cycle import Declaration, TargetBook, TargetRow
from perfeval_xl.workbook.cycle import fill_declaration
from perfeval_xl.workbook.fill import set_named
from perfeval_xl.workbook.layout.targets import targets_workbook_layout
from perfeval_xl.workbook.open import load

R = TargetRow
PROJECTS = ("就业补助资金", "社保基金督查专项经费")

OVERALL = Declaration(
    "overall",
    "",
    goal="目标1：稳定就业；目标2：基金安全运行",
    tasks=(("就业服务", "组织招聘会，发放补贴"),),
    fund_total=Decimal(1000),
    fund_fiscal=Decimal(900),
    fund_other=Decimal(100),
    indicators=(
        R("产出指标", "数量指标", "招聘会场次", "≥12场"),
        R("产出指标", "质量指标", "城镇调查失业率", "≤5.5%"),
        R("效益指标", "社会效益指标", "就业形势", "总体稳定"),
    ),
)

# the first project misses its 质量 indicator, and its funds do not add up (400 + 50 ≠ 500)
FIRST = Declaration(
    "project",
    "",
    name=PROJECTS[0],
    competent_dept="市人社局",
    implementing_unit="市就业服务中心",
    project_class="一般项目",
    fund_total=Decimal(500),
    fund_fiscal=Decimal(400),
    fund_other=Decimal(50),
    goal="目标1：按时发放就业补贴；目标2：开展职业培训",
    indicators=(
        R("产出指标", "数量指标", "补贴人数", "≥2400人", "以发放台账为准"),
        R("产出指标", "时效指标", "补贴发放及时率", "100%"),
        R("效益指标", "社会效益指标", "就业稳定性", "有效提升"),
        R("满意度指标", "服务对象满意度指标", "受益人员满意度", "≥90%"),
    ),
)

SECOND = Declaration(
    "project",
    "",
    name=PROJECTS[1],
    competent_dept="市人社局",
    implementing_unit="市社保中心",
    fund_total=Decimal(100),
    fund_fiscal=Decimal(100),
    fund_other=Decimal(0),
    goal="完成基金督查",
    indicators=(
        R("产出指标", "数量指标", "督查单位数", "≥30个"),
        R("产出指标", "质量指标", "问题整改率", "≥95%"),
        R("效益指标", "社会效益指标", "基金安全", "无重大违规案件"),
    ),
)

DECLARATION = TargetBook("2020", OVERALL, (FIRST, SECOND))


def _declaration(tmp_path: Path, flavour: str = "udf") -> Path:
    """The declaration made with `perfeval new`, then filled in through its names as a unit types it."""
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    path = tmp_path / f"目标{suffix}"
    projects = [arg for name in PROJECTS for arg in ("--project", name)]
    made = run("new", str(path), "--kind", "targets", "--formulas", flavour, *projects)
    assert made.returncode == 0, made.stderr
    wb = openpyxl.load_workbook(path, keep_vba=flavour == "udf")
    layout = targets_workbook_layout("2020", "national", PROJECTS, flavour, "")
    fill_declaration(wb, layout, DECLARATION)
    set_named(wb, "unit_name", "示例市人力资源和社会保障局")
    set_named(wb, "fiscal_year", 2025)
    wb.save(path)
    return path


def _check(path: Path) -> dict:
    result = run("check", str(path), "--json")
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _found(payload: dict, code: str) -> list[tuple[str, str]]:
    return [(f["sheet"], f["cell"]) for f in payload["findings"] if f["code"] == code]


def test_declaration__finds_the_missing_quality_indicator_and_the_funds_that_do_not_add_up(tmp_path):
    payload = _check(_declaration(tmp_path))
    first = "目标-1 就业补助资金"
    assert _found(payload, "target-block-missing") == [(first, None)]
    assert "产出指标/质量指标" in next(f["message"] for f in payload["findings"] if f["code"] == "target-block-missing")
    assert _found(payload, "declared-funds-unbalanced") == [(first, "C6")]
    unbalanced = next(f for f in payload["findings"] if f["code"] == "declared-funds-unbalanced")
    assert "相差 50 万元" in unbalanced["message"]
    errors = {f["code"] for f in payload["findings"] if f["severity"] == "错误"}
    assert errors == {"target-block-missing", "declared-funds-unbalanced"}


def test_declaration__names_carry_the_head_and_money_in_check_json(tmp_path):
    path = _declaration(tmp_path)
    inputs = _check(path)["inputs"]
    assert inputs["目标-1 就业补助资金!fund_total"] == 500 and inputs["目标-1 就业补助资金!fund_other"] == 50
    assert inputs["目标-1 就业补助资金!project_name"] == "就业补助资金" and inputs["fund_total"] == 1000
    assert inputs["target_structure"] == "2020（财预〔2020〕10号）"
    wb = openpyxl.load_workbook(path)
    for name in ("project_name", "fund_total", "fund_fiscal", "fund_other", "target_indicators"):
        assert name in wb["目标-1 就业补助资金"].defined_names, name
    for name in ("fund_total", "fund_fiscal", "fund_other", "goal_annual", "target_indicators", "target_tasks"):
        assert name in wb.defined_names, name


def _monitor(tmp_path: Path, declaration: Path, flavour: str = "udf", *extra: str) -> Path:
    path = tmp_path / f"监控{'.xlsm' if flavour == 'udf' else '.xlsx'}"
    made = run("new", str(path), "--kind", "monitor", "--from", str(declaration), "--formulas", flavour, *extra)
    assert made.returncode == 0, made.stderr
    return path


def _row(ws, level3: str) -> int:
    """The row of an indicator in a monitoring table, found as a person finds it: by its 三级指标."""
    return next(cell.row for cell in ws["D"] if cell.value == level3)


MONITORED = "监控-1 就业补助资金"


def _fill_monitor(path: Path) -> Path:
    """1-7月: 110 of 450 万元 spent (24.44%, 序时进度 58.33%) with no reason given; 补贴人数 forecast 2000 of 2400
    and still 确定能; 就业稳定性 有可能 with no 纠偏措施; 480 万元 forecast over a 450 万元 budget."""
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    for name, value in {
        "fund_fiscal_executed": 100,
        "fund_other_executed": 10,
        "fund_fiscal_forecast": 380,
        "fund_other_forecast": 100,
    }.items():
        set_named(wb, name, value, MONITORED)
    set_named(wb, "fund_fiscal_executed", 600)
    set_named(wb, "fund_fiscal_forecast", 880)
    set_named(wb, "fund_other_forecast", 100)
    ws = wb[MONITORED]
    r = _row(ws, "补贴人数")
    ws[f"F{r}"], ws[f"G{r}"], ws[f"N{r}"] = "1200人", "2000人", "确定能"
    r = _row(ws, "就业稳定性")
    ws[f"F{r}"], ws[f"G{r}"], ws[f"N{r}"], ws[f"M{r}"] = "推进中", "部分达成", "有可能", "企业用工减少"
    r = _row(ws, "补贴发放及时率")
    ws[f"F{r}"], ws[f"G{r}"], ws[f"N{r}"] = "100%", "100%", "1"  # a platform's code for 确定能
    wb.save(path)
    return path


def test_monitor__carries_the_declared_tree_targets_names_goals_and_budgets(tmp_path):
    monitor = _monitor(tmp_path, _declaration(tmp_path))
    submission, findings, _options = load(monitor)
    tables = submission.monitor.tables
    assert [t.name for t in tables[1:]] == list(PROJECTS) and submission.monitor.month == 7
    for table, declared in zip(tables, (OVERALL, FIRST, SECOND), strict=True):
        assert [(r.level1, r.level2, r.level3, r.target) for r in table.indicators] == [
            (d.level1, d.level2, d.level3, d.target) for d in declared.indicators
        ]
        assert table.goal == declared.goal
    assert tables[1].fund_budget == Decimal(450)  # 财政拨款 400 + 其他资金 50, carried as declared
    assert [(t.name, t.content) for t in tables[0].tasks] == list(OVERALL.tasks)
    assert not [f for f in findings if f.code in ("target-changed", "target-not-declared")]
    assert submission.header.unit_name == "示例市人力资源和社会保障局" and submission.header.fiscal_year == 2025


def test_monitor__finds_the_lag_and_the_contradicting_forecasts_each_at_its_cell(tmp_path):
    payload = _check(_fill_monitor(_monitor(tmp_path, _declaration(tmp_path))))
    ws = openpyxl.load_workbook(tmp_path / "监控.xlsm")[MONITORED]
    subsidy, stability = _row(ws, "补贴人数"), _row(ws, "就业稳定性")
    assert _found(payload, "progress-lag-unexplained") == [(MONITORED, "D9")]
    lag = next(f["message"] for f in payload["findings"] if f["code"] == "progress-lag-unexplained")
    assert "24.44%" in lag and "58.33%" in lag and "33.89 个百分点" in lag
    assert _found(payload, "forecast-contradicts-certainty") == [(MONITORED, f"N{subsidy}")]
    assert _found(payload, "correction-missing") == [(MONITORED, f"O{stability}")]
    assert _found(payload, "forecast-over-budget") == [(MONITORED, "K5")]
    assert _found(payload, "possibility-missing") == []  # "1" is the platforms' code for 确定能
    values = payload["values"]
    assert values[f"{MONITORED}!fund_exec_rate"] == pytest.approx(110 / 450)
    assert values[f"{MONITORED}!fund_progress"] == pytest.approx(7 / 12)
    assert values[f"{MONITORED}!fund_gap"] == pytest.approx(110 / 450 - 7 / 12)
    assert values["fund_exec_rate"] == pytest.approx(600 / 1000)  # the department's: 600 of 900 + 100
    reaches = values[f"{MONITORED}!monitor_reaches"]  # the helper column, row by row ("……" rows have none)
    assert reaches[subsidy - 14] == "不能" and reaches[_row(ws, "补贴发放及时率") - 14] == "能"
    assert reaches[stability - 14] == "不能" and reaches[_row(ws, "补贴人数") - 14 + 1] is None  # an empty row


def test_monitor__a_reason_answers_the_lag_and_a_changed_target_is_named_with_both_values(tmp_path):
    path = _fill_monitor(_monitor(tmp_path, _declaration(tmp_path)))
    wb = openpyxl.load_workbook(path, keep_vba=True)
    set_named(wb, "fund_reason", "补贴申报集中在下半年，已督促加快审核", MONITORED)
    ws = wb["监控-2 社保基金督查专项经费"]
    ws[f"E{_row(ws, '督查单位数')}"] = "≥20个"
    wb.save(path)
    payload = _check(path)
    assert _found(payload, "progress-lag-unexplained") == []
    over = next(f for f in payload["findings"] if f["code"] == "forecast-over-budget")
    assert over["severity"] == "提示"  # a reason is written
    changed = [f["message"] for f in payload["findings"] if f["code"] == "target-changed"]
    assert len(changed) == 1 and "“≥20个”" in changed[0] and "申报的是“≥30个”" in changed[0]


def test_monitor__headings_and_progress_follow_the_month(tmp_path):
    monitor = _monitor(tmp_path, _declaration(tmp_path), "native", "--month", "8")
    submission, _findings, options = load(monitor)
    assert submission.monitor.month == 8 and options["values"]["fund_progress"] == Decimal(8) / 12
    stamped = openpyxl.load_workbook(monitor, data_only=True)["部门整体支出绩效监控表"]
    assert stamped["F3"].value == "1-8月执行数" and stamped["H3"].value == "1-8月执行率"


def test_libreoffice__recalculates_the_native_monitor_to_what_check_says(tmp_path):
    path = _fill_monitor(_monitor(tmp_path, _declaration(tmp_path, "native"), "native"))
    wb = openpyxl.load_workbook(path)
    set_named(wb, "monitor_month", 9)  # behind the stamps: only a recalculation shows 9/12
    wb.save(path)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    _submission, _findings, options = load(path)
    shown = openpyxl.load_workbook(recalculated, data_only=True)
    compared = 0
    for key, value in options["values"].items():
        title, ref = named_cell(shown, key)
        assert_shows(shown[title][ref].value, value, key)
        compared += 1
    assert compared == 3 * 11 and options["values"]["fund_progress"] == Decimal(9) / 12
    assert shown[MONITORED]["F4"].value == "1-9月执行数"


def test_selfassessment__from_the_declaration_finds_a_changed_target_without_the_declaration(tmp_path):
    declaration = _declaration(tmp_path)
    path = tmp_path / "自评.xlsm"
    made = run("new", str(path), "--from", str(declaration))
    assert made.returncode == 0, made.stderr
    declaration.unlink()  # the self-assessment keeps what was declared
    submission, findings, _options = load(path)
    assert [p.name for p in submission.projects] == list(PROJECTS)
    first = submission.projects[0]
    assert [(i.level3, i.target, i.weight) for i in first.indicators] == [
        (d.level3, d.target, None) for d in FIRST.indicators
    ]
    assert first.funding.sources[0].initial == Decimal(400) and first.competent_dept == "市人社局"
    assert first.goal_expected == FIRST.goal and submission.overall.funding.total.initial == Decimal(1000)
    assert submission.header.fiscal_year == 2025 and len(submission.declared) == 10
    assert not [f for f in findings if f.code in ("target-changed", "target-not-declared")]
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["附件3-1 就业补助资金"]
    cell = next(c for c in ws["D"] if c.value == "补贴人数")
    ws[f"E{cell.row}"] = "≥2000人"
    wb.save(path)
    payload = _check(path)
    changed = [f for f in payload["findings"] if f["code"] == "target-changed"]
    assert [(f["sheet"], f["cell"]) for f in changed] == [("附件3-1 就业补助资金", f"E{cell.row}")]
    assert "“≥2000人”" in changed[0]["message"] and "申报的是“≥2400人”" in changed[0]["message"]


def test_selfassessment__carries_the_monitorings_reasons_for_the_indicators_it_expected_to_miss(tmp_path):
    declaration = _declaration(tmp_path)
    monitor = _fill_monitor(_monitor(tmp_path, declaration))
    wb = openpyxl.load_workbook(monitor, keep_vba=True)
    ws = wb[MONITORED]
    ws[f"O{_row(ws, '就业稳定性')}"] = "加强岗位开发"
    wb.save(monitor)
    path = tmp_path / "自评.xlsm"
    made = run("new", str(path), "--from", str(declaration), "--monitor", str(monitor))
    assert made.returncode == 0, made.stderr
    submission, _findings, _options = load(path)
    reasons = {i.level3: i.reason for i in submission.projects[0].indicators}
    assert reasons["就业稳定性"] == "7月监控时预计有可能完成；原因：企业用工减少；纠偏措施：加强岗位开发。"
    assert reasons["补贴人数"] == ""  # 确定能 at the time: nothing to carry
    other = tmp_path / "其他申报.xlsm"
    run("new", str(other), "--kind", "targets", "--project", "另一个项目")
    refused = run("new", str(tmp_path / "x.xlsm"), "--from", str(other), "--monitor", str(monitor))
    assert refused.returncode == 2 and "不是由这份申报表生成的" in refused.stderr
    assert not (tmp_path / "x.xlsm").exists()


def test_review__gives_each_kind_of_the_cycle_its_row_and_letter(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    declaration = _declaration(inbox)
    _fill_monitor(_monitor(inbox, declaration))
    assert run("new", str(inbox / "自评.xlsm"), "--from", str(declaration)).returncode == 0
    letters = tmp_path / "letters"
    result = run("review", str(inbox), "--json", "--letters", str(letters))
    assert result.returncode in (0, 1), result.stderr
    rows = {Path(row["file"]).name: row for row in json.loads(result.stdout)["files"]}
    assert {name: row["kind"] for name, row in rows.items()} == {
        "目标.xlsm": "绩效目标",
        "监控.xlsm": "运行监控",
        "自评.xlsm": "部门整体",
    }
    assert rows["监控.xlsm"]["budget"] == pytest.approx(1000) and rows["监控.xlsm"]["exec_rate"] == pytest.approx(0.6)
    names = sorted(p.name for p in letters.iterdir())
    assert any("绩效目标审核意见" in n for n in names) and any("绩效监控审核意见" in n for n in names)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda folder: (folder / "坏.xlsm").write_text("not a workbook"), "不是 Excel 工作簿"),
        (lambda folder: run("new", str(folder / "坏.xlsm")), "是自评工作簿，不是绩效目标申报表"),
    ],
)
def test_new__from_what_is_no_declaration_is_one_line_and_nothing_written(tmp_path, make, message):
    make(tmp_path)
    for args in (("--kind", "monitor"), ()):
        out = tmp_path / "out.xlsm"
        result = run("new", str(out), "--from", str(tmp_path / "坏.xlsm"), *args)
        assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert not out.exists()


def test_new__a_declaration_without_its_sheets_is_refused(tmp_path):
    declaration = _declaration(tmp_path)
    wb = openpyxl.load_workbook(declaration, keep_vba=True)
    for ws in list(wb.worksheets[1:]):
        wb.remove(ws)
    for name in list(wb.defined_names):
        if name != "unit_name":
            del wb.defined_names[name]
    wb.save(declaration)
    result = run("new", str(tmp_path / "m.xlsm"), "--kind", "monitor", "--from", str(declaration))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and not (tmp_path / "m.xlsm").exists()


def test_reader__follows_renamed_sheets_and_inserted_rows(tmp_path):
    path = _fill_monitor(_monitor(tmp_path, _declaration(tmp_path)))
    before, before_findings, _ = load(path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb[MONITORED].title = "就业补助"
    for defined in [*wb.defined_names.values(), *(d for ws in wb.worksheets for d in ws.defined_names.values())]:
        defined.attr_text = defined.attr_text.replace(f"'{MONITORED}'!", "'就业补助'!")  # as Excel renames them
    insert_row_like_excel(wb, "就业补助", _row(wb["就业补助"], "补贴人数"))
    insert_row_like_excel(wb, "就业补助", 6)  # inside the money block
    wb.save(path)
    after, after_findings, _ = load(path)
    assert after.monitor.projects[0].indicators == before.monitor.projects[0].indicators
    assert after.monitor.projects[0].exec_rate == before.monitor.projects[0].exec_rate
    assert sorted(f.code for f in after_findings) == sorted(f.code for f in before_findings)


def test_new__the_2021_structure_puts_cost_first_and_requires_it_for_construction(tmp_path):
    path = tmp_path / "目标.xlsx"
    assert run("new", str(path), "--kind", "targets", "--structure", "2021", "--formulas", "native").returncode == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["目标-1 项目"]
    set_named(wb, "project_class", "工程基建项目", ws.title)
    wb.save(path)
    firsts = [c.value for c in ws["B"] if c.value in ("成本指标", "产出指标", "效益指标", "满意度指标")]
    assert firsts == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    missing = [f["message"] for f in _check(path)["findings"] if f["code"] == "target-block-missing"]
    assert any("成本指标（工程基建项目）" in m for m in missing)


def test_libreoffice__prints_every_new_form_on_a4(tmp_path):
    declaration = _declaration(tmp_path)
    monitor = _monitor(tmp_path, declaration)
    pdfs = convert([declaration, monitor], "pdf", tmp_path / "pdf", profile(tmp_path / "profile", recalculate=False))
    for pdf in pdfs:
        pages = pdf_pages(pdf)
        assert pages and all(sorted(size) == pytest.approx([595.3, 841.9], abs=1) for size in pages), pages
    monitor_pages = pdf_pages(pdfs[1])
    assert sum(w > h for w, h in monitor_pages) >= 3  # the three tables are landscape
    assert sum(w < h for w, h in pdf_pages(pdfs[0])) == len(pdf_pages(pdfs[0]))  # the declaration is portrait


def test_docs__the_monitors_call_count_is_its_pe_cells(tmp_path):
    """functions.md's row for the monitoring workbook made from a blank declaration of one project counts its PE_*
    cells."""
    import re

    root = Path(__file__).resolve().parents[2]
    row = next(
        line
        for line in (root / "docs" / "functions.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| 由同样的空白申报表")
    )
    calls = int(row.split("|")[2])
    declaration, path = tmp_path / "目标.xlsm", tmp_path / "监控.xlsm"
    assert run("new", str(declaration), "--kind", "targets", "--project", "项目").returncode == 0
    assert run("new", str(path), "--kind", "monitor", "--from", str(declaration)).returncode == 0
    formulas = [
        cell.value
        for sheet in openpyxl.load_workbook(path).worksheets
        for line in sheet.iter_rows()
        for cell in line
        if isinstance(cell.value, str) and cell.value.startswith("=")
    ]
    assert sum(len(re.findall(r"\bPE_[A-Z]+\(", text)) for text in formulas) == calls == 52


def _complete_monitor(path: Path) -> Path:
    """Every indicator given its 执行情况, forecast and 可能性 (确定能 where _fill_monitor left it open), every
    table its money; the forecasts that miss say why and what is done about it."""
    _fill_monitor(path)
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    second = "监控-2 社保基金督查专项经费"
    for name, value in {"fund_fiscal_executed": 60, "fund_other_executed": 0, "fund_fiscal_forecast": 100}.items():
        set_named(wb, name, value, second)
    set_named(wb, "fund_other_executed", 50)
    set_named(wb, "fund_reason", "补贴申报集中在下半年，已督促加快审核", MONITORED)
    department = wb["部门整体支出绩效监控表"]
    task = next(c.row for c in department["A"] if c.value == "就业服务")
    department[f"H{task}"], department[f"L{task}"] = "已组织招聘会7场", "全年可完成"
    ws = wb[MONITORED]
    r = _row(ws, "补贴人数")
    ws[f"N{r}"], ws[f"H{r}"], ws[f"M{r}"], ws[f"O{r}"] = "有可能", "√", "申报人数少于预期", "简化申报流程"
    ws[f"O{_row(ws, '就业稳定性')}"] = "加强岗位开发"
    for sheet in wb.worksheets[1:4]:
        for cell in sheet["D"]:
            declared = sheet[f"E{cell.row}"].value
            if declared and cell.row > 12 and not sheet[f"N{cell.row}"].value:
                sheet[f"F{cell.row}"], sheet[f"G{cell.row}"], sheet[f"N{cell.row}"] = declared, declared, "确定能"
    wb.save(path)
    return path


def test_report__the_monitoring_report_prints_its_own_figures(tmp_path):
    import docx

    path = _complete_monitor(_monitor(tmp_path, _declaration(tmp_path)))
    result = run("report", str(path), "--date", "2025-08-10", "--pdf")
    assert result.returncode == 0, result.stdout + result.stderr
    document = tmp_path / "2025年度示例市人力资源和社会保障局绩效运行监控情况报告.docx"
    text = "\n".join(p.text for p in docx.Document(document).paragraphs)
    assert "1-7月执行110.00万元，执行率24.44%，低于序时进度33.89个百分点" in text  # 110 ÷ 450; 7 ÷ 12
    assert "执行率65.00%，高于序时进度6.67个百分点" in text  # the department: 650 ÷ 1,000
    assert "补贴人数（就业补助资金），年度指标值≥2400人" in text and "纠偏措施：简化申报流程。" in text
    assert "原因：经费保障方面，申报人数少于预期。" in text and "预计不能全部完成的指标共2个" in text
    assert "2025年8月10日" in text and "{{" not in text and "None" not in text
    assert "年度主要任务：就业服务，1-7月已组织招聘会7场，全年预计全年可完成。" in text
    pages = pdf_pages(document.with_suffix(".pdf"))
    assert all(sorted(size) == pytest.approx([595.3, 841.9], abs=1) for size in pages)
    assert pages[0][0] < pages[0][1] and pages[-1][0] > pages[-1][1]  # text portrait, the annexed tables landscape


def test_report__an_unfinished_monitoring_or_a_declaration_gets_no_report(tmp_path):
    declaration = _declaration(tmp_path)
    monitor = _fill_monitor(_monitor(tmp_path, declaration))
    result = run("report", str(monitor))
    assert result.returncode == 1 and "未填写执行情况" in result.stdout  # the unfinished rows, each named
    refused = run("report", str(declaration))
    assert refused.returncode == 2 and "绩效目标申报表没有报告" in refused.stderr and refused.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["监控.xlsm", "目标.xlsm"]


# ---------------------------------------------------------------- what a read of the whole change found


def test_selfassessment__a_changed_target_in_the_department_table_is_found(tmp_path):
    declaration = _declaration(tmp_path)
    path = tmp_path / "自评.xlsm"
    assert run("new", str(path), "--from", str(declaration)).returncode == 0
    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["附件2 整体支出自评表"]
    row = next(c.row for c in ws["D"] if c.value == "招聘会场次")
    ws[f"E{row}"] = "≥1场"
    wb.save(path)
    changed = [f for f in _check(path)["findings"] if f["code"] == "target-changed"]
    assert [(f["sheet"], f["cell"]) for f in changed] == [("附件2 整体支出自评表", f"E{row}")]
    assert "申报的是“≥12场”" in changed[0]["message"]


def test_monitor__names_are_matched_by_occurrence_spacing_and_place(tmp_path):
    """Two indicators of one name in a block are two indicators; a full-width space does not make a name another;
    a renamed project is still compared, by its place, and the renaming is pointed out."""
    declaration = tmp_path / "目标.xlsx"
    twice = (R("产出指标", "数量指标", "培训人次", "≥100人次"), R("产出指标", "数量指标", "培训人次", "≥200人次"))
    first = Declaration("project", "", name="甲项目", competent_dept="局", indicators=twice)
    book = TargetBook("2020", OVERALL, (first,))
    from perfeval_xl.workbook.cycle import new_targets_workbook

    declaration.write_bytes(new_targets_workbook(None, None, ["甲项目"], "native", ".xlsx", "", book))
    monitor = _monitor(tmp_path, declaration, "native")
    assert not [f for f in _check(monitor)["findings"] if f["code"] in ("target-changed", "target-not-declared")]
    wb = openpyxl.load_workbook(monitor)
    ws = wb["监控-1 甲项目"]
    set_named(wb, "project_name", "甲项目（改名）", ws.title)
    rows = [c.row for c in ws["D"] if c.value == "培训人次"]
    ws[f"D{rows[0]}"] = "培训　人次"  # a full-width space typed in
    ws[f"E{rows[1]}"] = "≥150人次"
    wb.save(monitor)
    findings = _check(monitor)["findings"]
    changed = [f["message"] for f in findings if f["code"] == "target-changed"]
    assert len(changed) == 1 and "“≥150人次”" in changed[0] and "申报的是“≥200人次”" in changed[0]
    renamed = [f["message"] for f in findings if f["code"] == "target-not-declared"]
    assert renamed == ["监控-1 甲项目 项目名称“甲项目（改名）”与申报的“甲项目”不同，按顺序与它比较"]


def test_new__a_declaration_missing_its_department_table_or_a_project_name_is_refused(tmp_path):
    declaration = _declaration(tmp_path)
    wb = openpyxl.load_workbook(declaration, keep_vba=True)
    del wb.defined_names["target_indicators"]
    wb.save(tmp_path / "无部门表.xlsm")
    wb = openpyxl.load_workbook(declaration, keep_vba=True)
    set_named(wb, "project_name", None, "目标-2 社保基金督查专项经费")
    wb.save(tmp_path / "无项目名.xlsm")
    for name, words in (("无部门表.xlsm", "target_indicators"), ("无项目名.xlsm", "没有填写项目名称")):
        out = tmp_path / "m.xlsm"
        result = run("new", str(out), "--kind", "monitor", "--from", str(tmp_path / name))
        assert result.returncode == 2 and words in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert not out.exists()
    same = run("new", str(declaration), "--from", str(declaration), "--force")
    assert same.returncode == 2 and "本身上" in same.stderr and load(declaration)[0].targets is not None


def test_monitor__a_kept_targets_name_deleted_is_a_finding(tmp_path):
    monitor = _monitor(tmp_path, _declaration(tmp_path))
    wb = openpyxl.load_workbook(monitor, keep_vba=True)
    del wb.defined_names["declared_targets"]
    del wb["监控-2 社保基金督查专项经费"].defined_names["monitor_indicators"]
    wb.save(monitor)
    missing = [f["message"] for f in _check(monitor)["findings"] if f["code"] == "name-missing"]
    assert any("declared_targets" in m for m in missing) and any("monitor_indicators" in m for m in missing)


def test_checks__a_2021_cost_target_is_an_upper_bound_in_the_declaration_and_in_the_forecast():
    from perfeval_xl.checks.cycle import check_monitor, check_targets
    from perfeval_xl.core.cycle import MonitorBook, MonitorRow, MonitorTable
    from perfeval_xl.core.records import Submission
    from perfeval_xl.engine.cycle import forecast_reaches
    from perfeval_xl.engine.rulesets import load_rules

    rules = load_rules("national")
    assert forecast_reaches("1000万元", "900万元", rules, "经济成本指标") is True
    assert forecast_reaches("1000万元", "1100万元", rules, "经济成本指标") is False
    row = MonitorRow("成本指标", "经济成本指标", "建设成本", "1000万元", "400万元", "900万元", possibility="确定能")
    table = MonitorTable("project", "监控-1 甲", "甲", indicators=(row,))
    found = check_monitor(Submission(monitor=MonitorBook(7, projects=(table,))), rules)
    assert "forecast-contradicts-certainty" not in {f.code for f in found}
    lower = Declaration(
        "project",
        "目标-1 甲",
        name="甲",
        indicators=(
            R("成本指标", "经济成本指标", "建设成本", "≥1000万元"),
            R("成本指标", "经济成本指标", "土地成本", "500万元"),
        ),
    )
    codes = [f.code for f in check_targets(Submission(targets=TargetBook("2021", projects=(lower,))), rules)]
    assert codes.count("cost-target-unbounded") == 1  # the bare 500万元 reads as 不超过


@pytest.mark.parametrize(
    "target, placeholder",
    [
        ("≥XX场", True),
        ("≤○%", True),
        ("不低于 人", True),
        ("**%", True),
        ("≥%", True),
        ("≥95%", False),
        ("按时完成", False),
        ("不低于上年", False),
        ("Xbox使用率≥80%", False),
    ],
)
def test_checks__a_template_placeholder_is_no_target(target, placeholder):
    from perfeval_xl.checks.cycle import check_targets
    from perfeval_xl.core.records import Submission
    from perfeval_xl.engine.rulesets import load_rules

    table = Declaration("project", "目标-1 甲", name="甲", indicators=(R("产出指标", "数量指标", "场次", target),))
    found = check_targets(Submission(targets=TargetBook("2020", projects=(table,))), load_rules("national"))
    assert ("declared-target-missing" in {f.code for f in found}) is placeholder


@pytest.mark.parametrize(("executed", "lagging"), [(Decimal("191.66"), False), (Decimal("191.60"), True)])
def test_checks__the_lag_is_judged_as_the_sheet_shows_it(executed, lagging):
    """191.66 of 500 in July: 38.33% against 58.33%, 20.00 points behind as shown: within a 20-point limit."""
    from perfeval_xl.checks.cycle import check_monitor
    from perfeval_xl.core.cycle import MonitorBook, MonitorTable
    from perfeval_xl.core.records import Submission
    from perfeval_xl.engine.rates import execution_rate
    from perfeval_xl.engine.rulesets import load_rules

    rate = execution_rate(executed, Decimal(500))
    table = MonitorTable("project", "监控-1 甲", "甲", Decimal(500), executed, Decimal(500), rate)
    found = check_monitor(Submission(monitor=MonitorBook(7, projects=(table,))), load_rules("national"))
    assert ("progress-lag-unexplained" in {f.code for f in found}) is lagging


@pytest.mark.parametrize(
    "goal, count",
    [
        ("目标1：甲；目标2：乙", 2),
        ("（1）甲；（2）乙", 2),
        ("一、甲。二、乙", 2),
        ("①甲②乙", 2),
        ("第一，甲；第二，乙", 2),
        ("1.甲\n2.乙", 2),
        ("目标1：控制在4.5%以内；3.5万名", 1),
        ("完成基金督查", 1),
        ("", 0),
    ],
)
def test_checks__goals_are_counted_by_their_numbers(goal, count):
    from perfeval_xl.checks.cycle import goal_count

    assert goal_count(goal) == count


def test_declaration__a_structure_that_is_not_the_trees_and_an_odd_project_class_are_found(tmp_path):
    path = _declaration(tmp_path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    set_named(wb, "target_structure", "2021（财预〔2021〕101号）")
    set_named(wb, "project_class", "工程基建", "目标-1 就业补助资金")
    wb.save(path)
    findings = _check(path)["findings"]
    assert [f["cell"] for f in findings if f["code"] == "project-class-unknown"] == ["C4"]
    from perfeval_xl.checks.cycle import check_targets
    from perfeval_xl.core.records import Submission
    from perfeval_xl.engine.rulesets import load_rules

    table = Declaration("project", "目标-1 甲", name="甲", indicators=(R("产出指标", "成本指标", "单价", "≤100元"),))
    for written, expected in (("2021（财预〔2021〕101号）", ["“产出指标/成本指标”不属于"]), ("2099", ["“2099”"])):
        book = TargetBook(
            "2021" if written.startswith("2021") else "2020", projects=(table,), structure_written=written
        )
        found = check_targets(Submission(targets=book), load_rules("national"))
        messages = [f.message for f in found if f.code == "target-structure-unknown"]
        assert len(messages) == len(expected) and all(e in m for e, m in zip(expected, messages, strict=True))


def test_libreoffice__a_month_typed_as_words_shows_a_dash_not_an_error(tmp_path):
    path = _monitor(tmp_path, _declaration(tmp_path, "native"), "native")
    wb = openpyxl.load_workbook(path)
    set_named(wb, "monitor_month", "七")
    wb.save(path)
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    shown = openpyxl.load_workbook(recalculated, data_only=True)
    title, ref = named_cell(shown, "fund_progress")
    assert shown[title][ref].value == "—"
    assert shown[title]["F3"].value == "1-X月执行数"
    findings = load(path)[1]
    assert "number-unreadable" in {f.code for f in findings} and "monitor-month-missing" in {f.code for f in findings}


def test_reader__the_month_heading_is_stamped_as_excel_shows_the_month_cell():
    from perfeval_xl.workbook.reader.book import _month_text

    assert [_month_text(v) for v in (7, 7.0, 13, 7.5, "7", None, True)] == [
        "1-7月",
        "1-7月",
        "1-13月",
        "1-7.5月",
        "1-X月",
        "1-X月",
        "1-X月",
    ]
