"""The 评价指标评分表: built from a framework, read back as Excel shows it, checked, and recalculated by LibreOffice."""

from __future__ import annotations

import json
import random
import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import ROOT, codes, move_references_like_excel, run
from hypothesis import given
from hypothesis import strategies as st
from office import convert, pdf_page_texts, profile

from perfeval_xl.engine.evaluation.load import load_framework
from perfeval_xl.engine.evaluation.scores import leaves as leaves_of
from perfeval_xl.engine.evaluation.scores import read_ticks as _ticks
from perfeval_xl.engine.evaluation.scores import standard_score, tree
from perfeval_xl.workbook.fill import set_named
from perfeval_xl.workbook.layout.evaluation import HEADINGS, KEY, plan
from perfeval_xl.workbook.layout.evaluation_book import FRAMEWORK_TITLE
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.package import package

SHEET = "评价指标评分表"


def _new(tmp_path: Path, framework: str = "gongxing-2013", flavour: str = "udf", suffix: str = ".xlsm") -> Path:
    path = tmp_path / f"评价-{framework}-{flavour}{suffix}"
    path.write_bytes(new_workbook("dept", framework, [], flavour, suffix))
    return path


def _rows(ws) -> dict[str, int]:
    """Each row's path (the helper column) -> row, for leaves and 小计 rows alike."""
    return {ws[f"{KEY}{r}"].value: r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value}


@pytest.mark.parametrize("framework", ["gongxing-2013", "budget-30-40-30"])
def test_sheet__header_rows_subtotals_and_names(tmp_path, framework):
    wb = openpyxl.load_workbook(_new(tmp_path, framework))
    ws = wb[SHEET]
    assert tuple(ws.cell(3, column).value for column in range(1, 11)) == HEADINGS
    rows = _rows(ws)
    fw = load_framework(framework)
    leaves = [indicator.key for indicator in fw.indicators]
    assert [key for key in rows if key in leaves] == leaves  # one row per leaf, in rule-file order
    for node in tree(fw):
        if (node.level == 2 and not node.is_leaf) or node.level == 1:
            row = rows[node.key]
            # “预算编制小计”, “投入合计”: never a bare 小计
            named = f"{node.path[-1]}{'合计' if node.level == 1 else '小计'}"
            assert ws[f"C{row}"].value == named and ws[f"D{row}"].value.startswith("=SUM(")
            assert ws[f"G{row}"].value.startswith("=IF(")  # its 得分率
            last_leaf = max(rows[leaf.key] for leaf in fw.indicators if leaf.path[: node.level] == node.path)
            assert row > last_leaf
    for indicator in fw.indicators:
        row = rows[indicator.key]
        if indicator.custom:  # a slot's own row adds up the rows the evaluator fills above it
            first = rows[f"{indicator.key}#1"]
            assert ws[f"C{row}"].value == f"{indicator.name}小计" and ws[f"D{row}"].value.startswith("=SUM(")
            assert ws[f"B{first}"].value == indicator.name and ws[f"H{row}"].value
            continue
        shown = ws[f"C{row}"].value if len(indicator.path) > 2 else ws[f"B{row}"].value
        expected = f"{indicator.path[2]}：{indicator.path[3]}" if len(indicator.path) == 4 else indicator.name
        assert shown == expected and ws[f"D{row}"].value == float(indicator.points)
        assert ws[f"H{row}"].value  # the standard in words
    where = plan(fw)
    assert ws[f"C{where.total_row}"].value == "总分" and ws[f"C{where.grade_row}"].value == "等级"
    if fw.not_applicable == "prorate":  # budget-30-40-30: the 总分 row says how it is scaled
        assert ws[f"H{where.total_row}"].value.startswith("不适用的指标不计分值，总分 = 得分合计 ÷ 适用指标分值合计")
    names = wb.defined_names
    assert {
        "eval_rule_set",
        "eval_indicators",
        "eval_total",
        "eval_grade",
        "eval_framework",
        "eval_framework_sha256",
    } <= set(names)
    assert names["eval_total"].attr_text.endswith(f"$I${where.total_row}")
    assert names["eval_indicators"].attr_text == f"'{SHEET}'!$A$4:$K${where.total_row - 1}"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"  # A4


def test_sheet__udf_and_native_formulas(tmp_path):
    udf = openpyxl.load_workbook(_new(tmp_path))[SHEET]
    native = openpyxl.load_workbook(_new(tmp_path, flavour="native", suffix=".xlsx"))[SHEET]
    row = _rows(udf)["过程/预算执行/预算调整率"]
    assert udf[f"G{row}"].value == f"=PE_EVALVALUE(E{row},F{row},eval_framework,K{row})"
    assert udf[f"I{row}"].value == f"=PE_EVALSCORE(G{row},eval_framework,K{row})"
    assert "ABS(" in native[f"G{row}"].value and "PE_" not in native[f"I{row}"].value
    for ws in (udf, native):
        row = _rows(ws)["投入/预算配置/在职人员控制率"]
        assert ws[f"E{row}"].value == '=IF(staff_actual="","",staff_actual)'


# ---------------------------------------------------------------- filling it as an evaluator would


def _fill(path: Path, out: Path, seed: int, framework: str = "gongxing-2013") -> Path:
    """Random figures, ticks, counts and judgements; some formulas typed over; some cells left blank."""
    rng = random.Random(seed)
    fw = load_framework(framework)
    wb = openpyxl.load_workbook(path)
    set_named(wb, "unit_name", "测试单位")
    set_named(wb, "fiscal_year", 2024)
    for name in ("staff_quota", "staff_actual"):
        set_named(wb, name, rng.choice([None, 0, 20, 21, 100]))  # whole people: a fraction is an error of its own
    for name in (
        "rev_expense_total_budget",
        "rev_expense_total_final",
        "rev_carryover_end_final",
        "rev_carryover_begin_final",
        "public_funds_budget",
        "public_funds_final",
        "sangong_budget",
        "sangong_final",
        "procurement_budget",
        "procurement_final",
    ):
        if name in wb.defined_names:
            set_named(wb, name, rng.choice([None, 0, 20, 21, 19.5, 100, 103.27, 88.4, 1294.52]))
    ws = wb[SHEET]
    rows = _rows(ws)
    for indicator in fw.indicators:
        row = rows[indicator.key]
        for letter in "EF":
            if ws[f"{letter}{row}"].value is None and indicator.value is not None:
                ws[f"{letter}{row}"] = rng.choice([None, 0, 1, 50, 95, 100, 100, 105, 110.5, 130, 1.13, 1.5])
        method = indicator.method
        if method == "target":
            ws[f"E{row}"] = rng.choice(["举办招聘活动100场以上", "成本控制在50万元以内", "按时足额发放", "", "95%"])
            ws[f"F{row}"] = rng.choice(["112场", "80场", "45万元", "按时足额发放", "", "部分完成"])
            if path.suffix == ".xlsx" and rng.random() < 0.7:  # plain formulas cannot read the texts: typed
                ws[f"G{row}"] = rng.choice([0.8, 1, 1.12, None])
        if method == "checklist":
            ws[f"E{row}"] = rng.choice(["1、3", "全部", "无", "①②", ""])
        if method == "findings":
            ws[f"E{row}"] = rng.choice([0, 1, 2, 7])
        if not indicator.computed or rng.random() < 0.2:  # typed, or typed over the formula
            points = float(indicator.points)
            ws[f"I{row}"] = rng.choice([None, points, points / 2, 0, round(points * 0.7, 1)])
        if indicator.value is not None and rng.random() < 0.1:
            ws[f"G{row}"] = rng.choice([0.05, 1.2, 0])  # a 指标值 typed over
        if rng.random() < 0.5:
            ws[f"J{row}"] = "抽查发现问题"
        if fw.not_applicable and not indicator.custom and rng.random() < 0.15:  # budget-30-40-30 prorates
            ws[f"I{row}"] = rng.choice(["不适用", "不适用", " 不适用"])  # padded, Excel's SUMIF does not match it
    for row in rows.values():
        if str(ws[f"C{row}"].value).endswith(("小计", "合计")) and rng.random() < 0.15:
            ws[f"I{row}"] = rng.choice([3, 12.5, 0])  # a printed subtotal of the published kind
    out.write_bytes(package(wb, out.suffix))
    return out


@pytest.mark.parametrize("seed", range(6))
def test_libreoffice__recalculates_the_native_sheet_to_the_engines_values(tmp_path, seed):
    """Every formula cell of the sheet, as LibreOffice shows it after a full recalculation, equals what the reader
    says it shows (the file is stamped with the reader's values, and LibreOffice recomputes them all)."""
    framework = "gongxing-2013" if seed % 2 == 0 else "budget-30-40-30"
    source = _fill(_new(tmp_path, framework, "native", ".xlsx"), tmp_path / "filled.xlsx", seed, framework)
    (recalculated,) = convert([source], "xlsx", tmp_path / "out", profile(tmp_path / "profile", recalculate=True))
    formulas = openpyxl.load_workbook(source)[SHEET]
    ours = openpyxl.load_workbook(source, data_only=True)[SHEET]
    theirs = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    compared = 0
    for row in formulas.iter_rows():
        for cell in row:
            if not (isinstance(cell.value, str) and cell.value.startswith("=")) or cell.row < 4:
                continue
            mine, shown = ours[cell.coordinate].value, theirs[cell.coordinate].value
            if mine in (None, "", "\u00a0"):
                assert shown in (None, ""), (cell.coordinate, cell.value, shown)
            elif isinstance(mine, str):
                assert shown == mine, (cell.coordinate, cell.value, shown)
            else:
                assert shown == pytest.approx(mine, rel=1e-9, abs=1e-9), (cell.coordinate, cell.value, shown, mine)
            compared += 1
    assert compared > 60
    _submission, _findings, options = load(source)
    total = theirs[openpyxl.load_workbook(source).defined_names["eval_total"].attr_text.split("!")[1].replace("$", "")]
    assert (options["values"]["eval_total"] is None and total.value in (None, "")) or float(
        options["values"]["eval_total"]
    ) == pytest.approx(total.value)


# ---------------------------------------------------------------- checks


def _set(path: Path, out: Path, changes: dict[str, dict[str, object]]) -> Path:
    wb = openpyxl.load_workbook(path)
    set_named(wb, "unit_name", "测试单位")
    set_named(wb, "fiscal_year", 2024)
    ws = wb[SHEET]
    rows = _rows(ws)
    for key, cells in changes.items():
        for letter, value in cells.items():
            ws[f"{letter}{rows[key]}"] = value
    out.write_bytes(package(wb, out.suffix))
    return out


def _full_marks_changes(framework: str = "gongxing-2013") -> dict[str, dict[str, object]]:
    """Every leaf at full marks: figures that meet the standard; where the figures are linked to 附件1 or 收支预决算
    (left blank here), a 指标值 typed over its formula; scores typed where the evaluator scores."""
    changes: dict[str, dict[str, object]] = {}
    for indicator in load_framework(framework).indicators:
        cells: dict[str, object] = {}
        if indicator.value is not None and not indicator.value.sources:
            cells |= {"E": 100, "F": 100} if indicator.value.rate != "change_rate" else {"E": 90, "F": 100}
        elif indicator.value is not None:
            full = next(v for v in (1, 0, -1, 0.5) if standard_score(indicator, v) in (None, indicator.points))
            cells["G"] = full
        elif indicator.from_target:
            cells |= {"E": "举办培训20期以上", "F": "21期"}
        if not indicator.computed:
            cells["I"] = float(indicator.points)
        changes[indicator.key] = cells
    return changes


def test_check__a_full_marks_sheet_is_clean_and_its_total_is_the_sum(tmp_path):
    path = _set(_new(tmp_path, flavour="native", suffix=".xlsx"), tmp_path / "full.xlsx", _full_marks_changes())
    _submission, findings, options = load(path)
    errors = [f for f in findings if f.is_error]
    assert errors == [], errors
    assert {f.code for f in findings} == {"formula-overwritten"}  # the typed 指标值 of the linked rows
    assert options["values"]["eval_total"] == Decimal(100) and options["values"]["eval_grade"] == "优"
    assert options["values"]["eval_scores"]["过程/预算执行"] == Decimal(20)


def test_check__a_published_style_sheet_with_wrong_subtotals_rates_and_grade(tmp_path):
    changes = _full_marks_changes()
    changes["投入/目标设定"] = {"I": 5, "G": 0.9}  # 6 points, scores 2 + 4 = 6: printed 5, 得分率 90%
    changes["投入/预算配置/重点支出安排率"] = {"E": 85, "F": 100}  # the standard gives 4
    path = _set(_new(tmp_path), tmp_path / "published.xlsm", changes)
    wb = openpyxl.load_workbook(path)
    grade = wb.defined_names["eval_grade"].attr_text.split("!")[1].replace("$", "")
    wb[SHEET][grade] = "差"
    path.write_bytes(package(wb, ".xlsm"))
    _submission, findings, options = load(path)
    found = codes(findings, "错误")
    assert "sum-mismatch" in found and "printed-rate" in found and "grade-mismatch" in found
    message = next(f.message for f in findings if f.code == "sum-mismatch" and "投入/目标设定" in f.message)
    assert "5分" in message and "6分" in message
    assert options["values"]["eval_scores"]["投入/预算配置/重点支出安排率"] == Decimal(4)


@pytest.mark.parametrize(
    ("key", "cells", "code"),
    [
        ("过程/预算执行/预算调整率", {"E": 105, "F": 100, "I": 2.5}, "band-score-unknown"),
        ("过程/预算执行/预算调整率", {"E": 115, "F": 100, "I": 2}, "score-above-standard"),
        ("投入/目标设定/绩效指标明确性", {"E": "1、3", "I": 4}, "checklist-mismatch"),
        ("投入/目标设定/绩效指标明确性", {"E": "①③", "I": 2, "J": ""}, "reason-missing"),
        ("过程/预算执行/支付进度率", {"E": 2, "I": 3}, "findings-mismatch"),
        ("投入/目标设定/绩效目标合理性", {"I": 1.3, "J": "理由"}, "score-step"),
        ("投入/目标设定/绩效目标合理性", {"I": 3}, "score-over-weight"),
        ("投入/目标设定/绩效目标合理性", {"D": 5}, "points-changed"),
    ],
)
def test_check__each_new_finding(tmp_path, key, cells, code):
    changes = _full_marks_changes()
    changes[key] = changes.get(key, {}) | cells
    path = _set(_new(tmp_path), tmp_path / "one.xlsm", changes)
    _submission, findings, _options = load(path)
    matching = [f for f in findings if f.code == code]
    assert matching and all(f.sheet == SHEET for f in matching), codes(findings)
    assert key.split("/")[-1] in matching[0].message


def test_check__a_row_the_user_added_or_removed(tmp_path):
    path = _new(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    row = _rows(ws)["投入/目标设定/绩效目标合理性"]
    ws[f"K{row}"] = None  # the path wiped: the indicator's row is no longer recognised
    ws[f"I{row}"] = 2
    path.write_bytes(package(wb, ".xlsm"))
    found = codes(load(path)[1])
    assert "eval-row-unknown" in found and "eval-row-missing" in found


def test_cli__new_check_json_and_rules(tmp_path):
    out = tmp_path / "评价.xlsm"
    assert run("new", str(out), "--rules", "gongxing-2013").returncode == 0
    result = run("check", str(out), "--json")
    payload = json.loads(result.stdout)
    assert result.returncode == 1  # nothing scored yet
    values = payload["values"]
    assert {"eval_total", "eval_grade", "eval_scores"} <= set(values)
    assert "过程/预算执行" in values["eval_scores"] and "eval-unscored" in [f["code"] for f in payload["findings"]]
    shown = run("rules", "gongxing-2013")
    assert shown.returncode == 0 and "在职人员控制率" in shown.stdout and "评分标准" in shown.stdout


def test_cli__a_framework_of_ones_own_from_a_file(tmp_path):
    rules = tmp_path / "我的指标.toml"
    rules.write_text(
        'kind = "evaluation"\nname = "mine"\ntitle = "我的评价指标"\nfull_marks = 10\n'
        '[[indicators]]\npath = ["预算执行", "执行率"]\npoints = 6\n'
        'value = { rate = "execution_rate", a = "执行数", b = "预算数" }\nmethod = "ratio"\n'
        '[[indicators]]\npath = ["管理", "制度", "制度健全性"]\npoints = 4\nmethod = "manual"\n',
        encoding="utf-8",
    )
    out = tmp_path / "mine.xlsx"
    assert run("new", str(out), "--rules", str(rules), "--formulas", "native").returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    rows = _rows(ws)
    ws[f"E{rows['预算执行/执行率']}"], ws[f"F{rows['预算执行/执行率']}"] = 90, 100
    ws[f"I{rows['管理/制度/制度健全性']}"] = 4
    set_named(wb, "unit_name", "甲")
    set_named(wb, "fiscal_year", 2024)
    out.write_bytes(package(wb, ".xlsx"))
    payload = json.loads(run("check", str(out), "--json").stdout)
    assert payload["values"]["eval_scores"]["预算执行/执行率"] == pytest.approx(5.4)
    assert payload["values"]["eval_total"] == pytest.approx(9.4)


# ---------------------------------------------------------------- hostile and careless input


def _edit(path: Path, out: Path, edit, stamp: bool = True) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    if stamp:
        out.write_bytes(package(wb, out.suffix))
    else:  # a file the engine cannot stamp (its framework cell is unusable): saved as any program would
        wb.save(out)
    return out


def _without_kept_framework(wb: openpyxl.Workbook) -> None:
    """The workbook as versions before 2026-12 made it: no hidden framework text, formulas naming eval_rule_set."""
    del wb.defined_names["eval_framework"]
    del wb.defined_names["eval_framework_sha256"]
    del wb[FRAMEWORK_TITLE]
    for line in wb[SHEET].iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and "eval_framework" in cell.value:
                cell.value = cell.value.replace("eval_framework", "eval_rule_set")


@pytest.mark.parametrize(
    "framework", ["/dev/zero", r"\\server\share\x.toml", "http://example.org/x.toml", "national", ""]
)
def test_check__a_framework_cell_that_cannot_be_used_is_one_clear_line(tmp_path, framework):
    """A workbook that keeps no framework (made before they were kept) is scored by the one 说明 names."""

    def edit(wb: openpyxl.Workbook) -> None:
        _without_kept_framework(wb)
        set_named(wb, "eval_rule_set", framework)

    path = _edit(_new(tmp_path), tmp_path / "bad.xlsm", edit, False)
    before = path.read_bytes()
    result = run("check", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "评价指标体系" in result.stderr and "说明!" in result.stderr, result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("cells", "code"),
    [
        ({"E": "约100", "F": 100}, "number-unreadable"),
        ({"E": "１０５", "F": "１００"}, None),  # full-width digits are numbers
        ({"E": 105, "F": 0}, None),  # no denominator: "—", and the evaluator scores it
        ({"E": 105, "F": 100, "G": "=1/0"}, "formula-replaced"),  # a formula of one's own without a saved result
    ],
)
def test_check__odd_figures_are_read_or_named(tmp_path, cells, code):
    changes = _full_marks_changes()
    key = "过程/预算执行/预算调整率"
    changes[key] = cells
    path = _set(_new(tmp_path), tmp_path / "odd.xlsm", changes)
    result = run("check", str(path), "--json")
    payload = json.loads(result.stdout)
    found = {f["code"]: f for f in payload["findings"]}
    if code is not None:
        assert code in found and found[code]["sheet"] == SHEET and found[code]["cell"]
    if cells.get("F") == "１００":
        assert payload["values"]["eval_scores"][key] == 2  # 5% adjustment: the second band
    if cells.get("F") == 0:
        assert payload["values"]["eval_scores"][key] is None and "eval-unscored" in found


def test_check__hostile_text_in_the_helper_column_and_names(tmp_path):
    def edit(wb):
        ws = wb[SHEET]
        rows = _rows(ws)
        ws[f"K{rows['投入/目标设定/绩效目标合理性']}"] = '=HYPERLINK("http://x","y")'
        ws[f"K{rows['投入/目标设定']}"] = "投入/目标设定" * 5000
        ws[f"J{rows['投入/目标设定/绩效指标明确性']}"] = "{{ 7*7 }}{% for x in y %}<&>\x00"[:-1]

    path = _edit(_new(tmp_path), tmp_path / "hostile.xlsm", edit)
    result = run("check", str(path), "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert {"eval-row-missing", "eval-row-unknown"} <= found


def test_check__a_row_inserted_inside_a_group_counts_in_its_subtotal(tmp_path):
    """Inserting a row inside a group, as Excel does (the SUM ranges grow): its score counts, and is named."""
    from helpers import insert_row_like_excel

    changes = _full_marks_changes()
    path = _set(_new(tmp_path), tmp_path / "full.xlsm", changes)
    wb = openpyxl.load_workbook(path)
    row = _rows(wb[SHEET])["投入/目标设定/绩效指标明确性"]
    insert_row_like_excel(wb, SHEET, row)
    move_references_like_excel(wb[SHEET], row)
    wb[SHEET][f"C{row}"], wb[SHEET][f"D{row}"], wb[SHEET][f"I{row}"] = "自加指标", 1, 1
    path.write_bytes(package(wb, ".xlsm"))
    _submission, findings, options = load(path)
    (unknown,) = [f for f in findings if f.code == "eval-row-unknown"]
    # one finding, naming the sums it went into; those sums are not called wrong again against what they show
    assert "分值 1 分、得分 1 分计入了目标设定小计、投入合计、总分" in unknown.message, unknown.message
    assert "sum-mismatch" not in codes(findings), codes(findings)
    shown = openpyxl.load_workbook(path, data_only=True)[SHEET]
    subtotal = _rows(wb[SHEET])["投入/目标设定"]
    assert shown[f"I{subtotal}"].value == 7  # 2 + 4 + the inserted row's 1, as Excel's grown SUM shows it
    assert options["values"]["eval_scores"]["投入/目标设定"] == 6  # the framework's own indicators


def test_check__a_row_inserted_outside_every_sum_says_it_is_not_counted_and_a_misprint_still_shows(tmp_path):
    from helpers import insert_row_like_excel

    changes = _full_marks_changes()
    changes["投入/预算配置"] = {"I": 8}  # a misprinted 小计 elsewhere is still found
    path = _set(_new(tmp_path), tmp_path / "full.xlsm", changes)
    wb = openpyxl.load_workbook(path)
    row = _rows(wb[SHEET])["投入/目标设定"]  # inserted where the 小计 was: below the SUM's range
    insert_row_like_excel(wb, SHEET, row)
    move_references_like_excel(wb[SHEET], row)
    wb[SHEET][f"C{row}"], wb[SHEET][f"D{row}"], wb[SHEET][f"I{row}"] = "自加指标", 1, 1
    path.write_bytes(package(wb, ".xlsm"))
    findings = load(path)[1]
    (unknown,) = [f for f in findings if f.code == "eval-row-unknown"]
    assert "不在任何小计的求和范围内" in unknown.message
    assert [f.cell for f in findings if f.code == "sum-mismatch"][:1] == [f"I{_rows(wb[SHEET])['投入/预算配置']}"]


@given(st.text(max_size=60), st.integers(min_value=1, max_value=20))
def test_ticks__any_text_is_items_or_none_never_an_exception(text, count):
    ticks = _ticks(text, count)
    assert ticks is None or (len(ticks) == count and all(isinstance(t, bool) for t in ticks))


@pytest.mark.parametrize(
    ("text", "ticks"),
    [
        ("1、3", [True, False, True]),
        ("①③", [True, False, True]),
        ("全部", [True] * 3),
        ("无", [False] * 3),
        ("１，２", [True, True, False]),
        ("4", None),
        ("一、三", None),
        ("13", None),
    ],
)
def test_ticks__how_an_evaluator_writes_the_items_met(text, ticks):
    assert _ticks(text, 3) == ticks


# ---------------------------------------------------------------- what a review of the reader found


def _check_json(path: Path) -> dict:
    result = run("check", str(path), "--json")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def test_review__a_negative_or_fractional_count_is_a_finding_not_a_stop(tmp_path):
    changes = _full_marks_changes()
    changes["过程/预算执行/支付进度率"] = {"E": -1, "I": 3}
    payload = _check_json(_set(_new(tmp_path), tmp_path / "count.xlsm", changes))
    (finding,) = [f for f in payload["findings"] if f["code"] == "number-unreadable"]
    assert finding["cell"].startswith("E") and "问题个数" in finding["message"]


@pytest.mark.parametrize("formula", ["=SUM(I:I)", "=SUM(4:5)", "=SUM(I4:I5 I5)", "=SUM(H4:I5)", "=SUM(I4:I20000)"])
def test_review__a_subtotal_formula_of_ones_own_counts_by_its_saved_result(tmp_path, formula):
    changes = _full_marks_changes()
    changes["投入/目标设定"] = {"I": formula}
    payload = _check_json(_set(_new(tmp_path), tmp_path / "own.xlsm", changes))
    codes_found = {f["code"] for f in payload["findings"]}
    assert "formula-replaced" in codes_found  # no saved result in a file openpyxl wrote: said so, no crash


def test_review__a_score_typed_as_text_is_not_in_excels_sums(tmp_path):
    changes = _full_marks_changes()
    changes["投入/目标设定/绩效目标合理性"] = {"I": "1.5", "J": "部分不符合"}
    path = _set(_new(tmp_path, flavour="native", suffix=".xlsx"), tmp_path / "text.xlsx", changes)
    payload = _check_json(path)
    found = {f["code"] for f in payload["findings"]}
    assert "number-as-text" in found and "sum-mismatch" in found
    shown = openpyxl.load_workbook(path, data_only=True)[SHEET]
    subtotal = _rows(openpyxl.load_workbook(path)[SHEET])["投入/目标设定"]
    assert shown[f"I{subtotal}"].value == 4  # Excel's SUM leaves the text out: 0 + 4


def test_review__a_formula_typed_where_a_score_or_reason_goes_counts_by_its_saved_result(tmp_path):
    changes = _full_marks_changes()
    changes["投入/目标设定/绩效目标合理性"] = {"I": "=1+1", "J": "=unit_name"}
    payload = _check_json(_set(_new(tmp_path), tmp_path / "formula.xlsm", changes))
    messages = [f["message"] for f in payload["findings"] if f["code"] == "input-formula"]
    assert len(messages) == 2 and not any("数字以外的文字" in f["message"] for f in payload["findings"])


def test_review__points_with_more_places_than_the_scores_and_a_quote_in_a_grade(tmp_path):
    rules = tmp_path / "places.toml"
    rules.write_text(
        'kind = "evaluation"\nname = "p"\ntitle = "=标题"\nfull_marks = 10\nscore_places = 0\n'
        '[[grades]]\nmin = 9\nlabel = \'优"秀\'\n[[grades]]\nmin = 0\nlabel = "其他"\n'
        '[[indicators]]\npath = ["=A1", "B", "=1+2"]\npoints = 2.5\nmethod = "manual"\n'
        '[[indicators]]\npath = ["=A1", "B", "丙"]\npoints = 7.5\nmethod = "manual"\n',
        encoding="utf-8",
    )
    out = tmp_path / "p.xlsx"
    assert run("new", str(out), "--rules", str(rules), "--formulas", "native").returncode == 0
    ws = openpyxl.load_workbook(out)[SHEET]
    assert ws["D4"].value == 2.5 and ws["K4"].value == "=A1/B/=1+2" and ws["K4"].data_type == "s"
    assert ws["A4"].data_type == "s" and '"优""秀"' in ws[f"I{plan(load_framework(str(rules))).grade_row}"].value
    payload = _check_json(out)
    assert not {"points-changed", "sum-mismatch"} & {f["code"] for f in payload["findings"]}
    (recalculated,) = convert([out], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    shown = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    assert shown["K4"].value == "=A1/B/=1+2"  # text, not a formula LibreOffice would evaluate


def test_review__a_score_above_the_standard_with_grounds_or_a_formula(tmp_path):
    key = "过程/预算执行/预算调整率"
    for cells, severity in (
        ({"E": 115, "F": 100, "I": 2, "J": "调整经批准"}, "提示"),
        ({"E": 115, "F": 100, "I": 2}, "错误"),
    ):
        changes = _full_marks_changes()
        changes[key] = cells
        payload = _check_json(_set(_new(tmp_path), tmp_path / "above.xlsm", changes))
        found = [f for f in payload["findings"] if f["code"] == "score-above-standard"]
        assert [f["severity"] for f in found] == [severity]
    changes = _full_marks_changes()
    changes[key] = {"E": 105, "F": 100, "I": 1}  # the standard gives 2; typed lower without a reason
    payload = _check_json(_set(_new(tmp_path), tmp_path / "below.xlsm", changes))
    assert any(f["code"] == "reason-missing" and f["cell"].startswith("J") for f in payload["findings"])


def test_review__eval_total_pointing_off_the_score_column_is_named(tmp_path):
    def edit(wb):
        target = wb.defined_names["eval_total"].attr_text.replace("$I$", "$H$")
        del wb.defined_names["eval_total"]
        wb.defined_names["eval_total"] = openpyxl.workbook.defined_name.DefinedName("eval_total", attr_text=target)

    path = _edit(_new(tmp_path), tmp_path / "total.xlsm", edit, stamp=False)
    payload = _check_json(path)
    assert any(f["code"] == "name-broken" and "eval_total" in f["message"] for f in payload["findings"])


def test_cli__an_evaluation_workbook_has_no_project_sheets(tmp_path):
    result = run("new", str(tmp_path / "e.xlsm"), "--rules", "gongxing-2013", "--kind", "project")
    assert result.returncode == 2 and "不分附件3" in result.stderr and not (tmp_path / "e.xlsm").exists()


def test_libreoffice__prints_the_scoring_sheet_on_a4(tmp_path):
    from office import is_a4, pdf_pages, pdf_text

    source = _set(_new(tmp_path), tmp_path / "print.xlsm", _full_marks_changes())
    copy = tmp_path / "print.xlsx"  # LibreOffice prints the .xlsm the same; converting a copy keeps the test fast
    copy.write_bytes(source.read_bytes())
    (pdf,) = convert([copy], "pdf", tmp_path / "out", profile(tmp_path / "profile", recalculate=False))
    pages = pdf_pages(pdf)
    assert pages and all(is_a4(size) for size in pages)
    text = pdf_text(pdf)
    assert "2024年度部门整体支出绩效评价指标评分表" in text and "总分" in text and "扣分原因" in text
    assert "辅助列" not in text and "投入/目标设定/" not in text  # the helper column is outside the print area


KEY_RATE = "投入/预算配置/重点支出安排率"  # bands: >= 90% 5 分, >= 80% 4 分…; 数据A ÷ 数据B


@pytest.mark.parametrize("flavour", ["udf", "native"])
def test_check__a_typed_value_is_a_printed_figure_checked_against_its_data(tmp_path, flavour):
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    changes = _full_marks_changes()
    changes[KEY_RATE] = {"E": 45, "F": 50, "G": 1.0}  # 90% typed as 100%: passed as an override before
    path = _set(_new(tmp_path, flavour=flavour, suffix=suffix), tmp_path / f"typed{suffix}", changes)
    findings = load(path)[1]
    (wrong,) = [f for f in findings if f.code == "printed-rate" and f.severity == "错误"]
    assert wrong.cell.startswith("G") and "100%" in wrong.message and "90.00%" in wrong.message


def test_check__a_higher_rate_and_a_higher_score_typed_together_do_not_raise_the_total_unseen(tmp_path):
    changes = _full_marks_changes()
    changes[KEY_RATE] = {"E": 45, "F": 60, "G": 1.0, "I": 5}  # the data give 75%: 3 points, not 5
    findings = load(_set(_new(tmp_path), tmp_path / "both.xlsm", changes))[1]
    found = {(f.code, f.cell[0]) for f in findings if f.severity == "错误"}
    assert {("printed-rate", "G"), ("score-above-standard", "I")} <= found, found
    above = next(f for f in findings if f.code == "score-above-standard")
    assert "75.00%" in above.message and "3 分" in above.message


def test_check__a_typed_value_that_agrees_with_its_data_is_only_a_hint(tmp_path):
    changes = _full_marks_changes()
    changes[KEY_RATE] = {"E": 45, "F": 50, "G": 0.9}
    findings = load(_set(_new(tmp_path), tmp_path / "agrees.xlsm", changes))[1]
    assert [f for f in findings if f.is_error] == []


def test_check__a_truncated_score_rate_is_a_hint_as_on_the_self_assessment_sheets(tmp_path):
    changes = _full_marks_changes()
    changes["投入/目标设定/绩效目标合理性"] = {"I": 0, "J": "理由"}  # 0 + 4 of 6: 66.67%
    changes["投入/目标设定"] = {"G": 0.6667}
    findings = load(_set(_new(tmp_path), tmp_path / "rounded.xlsm", changes))[1]
    assert not [f for f in findings if f.code == "printed-rate"]
    changes["投入/目标设定"] = {"G": 0.6666}  # 66.66%: the last digit cut, not rounded half up
    findings = load(_set(_new(tmp_path), tmp_path / "cut.xlsm", changes))[1]
    (cut,) = [f for f in findings if f.code == "printed-rate"]
    assert cut.severity == "提示" and "截尾" in cut.message
    changes["投入/目标设定"] = {"G": 0.6}  # plainly wrong: an error
    findings = load(_set(_new(tmp_path), tmp_path / "wrong.xlsm", changes))[1]
    (wrong,) = [f for f in findings if f.code == "printed-rate"]
    assert wrong.severity == "错误"


def _own_framework(folder: Path) -> Path:
    """A framework file of one's own (the shipped one renamed), in a folder of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "perfeval_xl" / "rules" / "gongxing-2013.toml").read_text(encoding="utf-8")
    path = folder / "本地指标体系.toml"
    path.write_text(re.sub(r'(?m)^name = ".*"$', 'name = "本地指标体系"', text), encoding="utf-8")
    return path


def test_travel__a_workbook_checks_the_same_on_another_machine_without_its_framework_file(tmp_path):
    framework = _own_framework(tmp_path / "评价机构")
    made = tmp_path / "评价机构" / "评价.xlsm"
    made.write_bytes(new_workbook("dept", str(framework), [], "udf", ".xlsm"))
    filled = _set(made, tmp_path / "评价机构" / "已填.xlsm", _full_marks_changes())
    here = load(filled)
    sent = tmp_path / "财政局" / "收件" / "已填.xlsm"  # the evaluator sends it; the framework file stays behind
    sent.parent.mkdir(parents=True)
    shutil.copy(filled, sent)
    framework.unlink()
    there = load(sent)
    assert [str(f) for f in there[1]] == [str(f) for f in here[1]] and there[2]["values"] == here[2]["values"]
    assert there[2]["values"]["eval_total"] == Decimal(100)
    guide = openpyxl.load_workbook(sent)["说明"]
    assert str(tmp_path) not in "".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    result = run("review", str(sent.parent), "--json", "-j", "1")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["files"]
    assert row["status"] == "通过" and row["total"] == 100


def test_travel__an_edited_kept_framework_is_refused_and_another_can_be_named(tmp_path):
    path = _set(_new(tmp_path), tmp_path / "filled.xlsm", _full_marks_changes())
    wb = openpyxl.load_workbook(path, keep_vba=True)
    kept = wb[FRAMEWORK_TITLE]
    row = next(c.row for c in kept["A"] if c.value and c.value.startswith("|points = "))
    kept[f"A{row}"] = "|points = 50"  # a generous evaluator gives an indicator more points
    edited = tmp_path / "edited.xlsm"
    wb.save(edited)
    result = run("check", str(edited))
    assert result.returncode == 2 and "被改动过" in result.stderr and "--framework" in result.stderr, result.stderr
    result = run("check", str(edited), "--framework", "gongxing-2013")
    assert result.returncode == 0, result.stdout + result.stderr
    result = run("check", str(edited), "--framework", "no-such")
    assert result.returncode == 2 and "--framework 给出的评价指标体系无法使用" in result.stderr


def test_travel__a_workbook_made_before_frameworks_were_kept_reads_as_before(tmp_path):
    path = _edit(
        _set(_new(tmp_path), tmp_path / "f.xlsm", _full_marks_changes()),
        tmp_path / "old.xlsm",
        _without_kept_framework,
        False,
    )
    _submission, findings, options = load(path)
    assert [f for f in findings if f.is_error] == [] and options["values"]["eval_total"] == Decimal(100)
    assert "formula-replaced" not in {f.code for f in findings}  # eval_rule_set formulas are the template's


def test_check__a_misprinted_subtotal_is_found_at_its_row_not_again_above_it(tmp_path):
    changes = _full_marks_changes()
    changes["投入/目标设定"] = {"I": 5, "G": 5 / 6}  # 6 points, 2 + 4 = 6: printed 5 (its 得分率 agrees with the 5)
    findings = load(_set(_new(tmp_path), tmp_path / "cascade.xlsm", changes))[1]
    sums = [f for f in findings if f.code == "sum-mismatch"]
    assert [f.message.split("的")[0] for f in sums] == ["投入/目标设定 小计"], sums  # not 投入 小计, not 总分
    assert "6分" in sums[0].message


def test_check__a_wrong_figure_above_a_misprinted_subtotal_names_both_sums(tmp_path):
    changes = _full_marks_changes()
    changes["投入/目标设定"] = {"I": 5, "G": 5 / 6}
    path = _set(_new(tmp_path), tmp_path / "both.xlsm", changes)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    row = _rows(ws)["投入"]
    ws[f"I{row}"], ws[f"G{row}"] = 14, 14 / 15  # 投入 is 15 points: 6 + 9 from the leaves; 5 + 9 as printed
    path.write_bytes(package(wb, ".xlsm"))
    findings = load(path)[1]
    (above,) = [f for f in findings if f.code == "sum-mismatch" and f.message.startswith("投入 小计")]
    assert "写的是14分" in above.message and "之和为15分" in above.message and "相加则为14分" in above.message


TWO_LEVEL = """kind = "evaluation"
name = "二级为末级"
title = "二级为末级的指标体系"
full_marks = 4
[[indicators]]
path = ["投入", "制度建设"]
points = 2
method = "manual"
[[indicators]]
path = ["产出", "任务完成"]
points = 2
method = "checklist"
items = ["按期完成", "质量达标"]
"""


@pytest.mark.parametrize(("printed", "severity"), [(None, None), (0.5, None), (0.75, "错误")])
def test_check__a_two_level_leaf_shows_its_score_rate_and_a_printed_one_is_checked(tmp_path, printed, severity):
    framework = tmp_path / "二级.toml"
    framework.write_text(TWO_LEVEL, encoding="utf-8")
    made = tmp_path / "new.xlsm"
    made.write_bytes(new_workbook("dept", str(framework), [], "udf", ".xlsm"))
    ws = openpyxl.load_workbook(made)[SHEET]
    row = _rows(ws)["投入/制度建设"]
    assert (
        ws[f"F{row}"].value == "得分率"
        and ws[f"G{row}"].value == f'=IF(OR(NOT(ISNUMBER(I{row})),N(D{row})=0),"",I{row}/D{row})'
    )
    changes = {"投入/制度建设": {"I": 1, "J": "制度不全"}, "产出/任务完成": {"E": "1、2", "I": 2}}
    if printed is not None:
        changes["投入/制度建设"]["G"] = printed  # 1 of 2 points printed as 75%: published sheets do this
    findings = load(_set(made, tmp_path / "filled.xlsm", changes))[1]
    rates = [f for f in findings if f.code == "printed-rate"]
    assert [f.severity for f in rates] == ([severity] if severity else []), rates
    if severity:
        assert rates[0].cell == f"G{row}" and "50.00%" in rates[0].message


# ---------------------------------------------------------------- on paper


def test_paper__page_breaks_keep_each_unit_whole_unless_it_is_taller_than_a_page():
    from perfeval_xl.workbook.layout.paper import PAGE_POINTS, page_breaks

    heights = dict.fromkeys(range(1, 200), 100.0)
    # 3 rows fit on the first page after 75 points, the next unit of 3 does not: it starts page 2
    assert page_breaks([(4, 6), (7, 9)], heights, 75, 30) == (6,)
    assert page_breaks([(4, 5), (6, 7)], heights, 75, 30) == ()  # 75 + 400 ≤ PAGE_POINTS
    tall = (10, 10 + int(PAGE_POINTS // 100) + 1)  # taller than a page: it starts one, and runs over once
    assert page_breaks([tall], heights, 75, 30) == ()  # but never leaves the first page with only the headings
    assert page_breaks([(4, 6), tall, (30, 33)], heights, 75, 30) == (9, 29)


def test_paper__vertical_labels_get_room_for_every_character():
    from perfeval_xl.workbook.layout.paper import fit_vertical_labels, label_height

    fitted = fit_vertical_labels({5: 32.0}, [("预算执行", range(5, 7), 5)])
    assert fitted[5] + 15 >= label_height("预算执行") and fit_vertical_labels({5: 300.0}, [("甲", [5], 5)]) == {
        5: 300.0
    }


@pytest.mark.parametrize("framework", ["gongxing-2013", "budget-30-40-30"])
def test_paper__breaks_fall_between_groups_labels_fit_and_leaf_rows_refit(tmp_path, framework):
    from perfeval_xl.workbook.layout.evaluation import _page_units, evaluation_sheet
    from perfeval_xl.workbook.layout.paper import DEFAULT_HEIGHT, label_height

    fw = load_framework(framework)
    layout, where = evaluation_sheet(fw, "udf"), plan(fw)
    units = _page_units(fw, where)
    assert layout.row_breaks and all(any(b == first - 1 for first, _ in units) for b in layout.row_breaks)
    for node in tree(fw):
        if node.is_leaf or node.level > 2:
            continue
        first = min(where.leaf_rows[leaf.key] for leaf in leaves_of(node))
        rows = range(first, where.subtotal_rows[node.key] + 1)
        assert sum(layout.heights.get(r, DEFAULT_HEIGHT) for r in rows) >= label_height(node.path[-1]), node.key
    wb = openpyxl.load_workbook(_new(tmp_path, framework))
    ws = wb[SHEET]
    assert [b.id for b in ws.row_breaks.brk] == list(layout.row_breaks)
    xml = _sheet_xml(_new(tmp_path, framework), SHEET)
    for row in where.leaf_rows.values():  # a height, but not a custom one: Excel refits it to a typed 扣分原因
        assert re.search(rf'<row r="{row}" [^>]*ht="', xml) and not re.search(rf'<row r="{row}" [^>]*customHeight', xml)


def _sheet_xml(path: Path, title: str) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        index = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook).index(title) + 1
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_paper__libreoffice_prints_each_group_on_one_page_and_the_reasons_whole(tmp_path):
    """The shipped example as LibreOffice prints it: each 二级 group's indicators on one page, every 扣分原因 whole."""
    from perfeval_xl.core.example_evaluation import evaluation_example

    source = ROOT / "workbook" / "示例-部门整体支出绩效评价（虚构单位）.xlsm"
    (pdf,) = convert([source], "pdf", tmp_path / "out", profile(tmp_path / "profile", recalculate=False))
    pages = [re.sub(r"\s+", "", text) for text in pdf_page_texts(pdf, layout=False)]
    fw = load_framework("gongxing-2013")
    every = [indicator.name for indicator in fw.indicators]
    for node in tree(fw):
        if node.level == 2 and not node.is_leaf:  # by the names no other group has (管理制度健全性 is in two)
            names = [leaf.path[-1] for leaf in leaves_of(node) if every.count(leaf.path[-1]) == 1]
            holding = {index for index, text in enumerate(pages) for name in names if name in text}
            assert len(holding) == 1, (node.key, holding)
    printed = "".join(pages)
    for _key, cells in evaluation_example().rows:
        if cells.get("reason"):  # its wrapped lines in order, other cells' text (a score) read in between
            assert _in_order(re.sub(r"\s+", "", str(cells["reason"])), printed), cells["reason"]


def _in_order(needle: str, text: str) -> bool:
    """Whether `needle`'s characters follow its first four somewhere in `text`, in order, within a short stretch."""
    for match in re.finditer(re.escape(needle[:4]), text):
        stretch = iter(text[match.start() : match.start() + 3 * len(needle) + 20])
        if all(character in stretch for character in needle):
            return True
    return False


TARGETS = """kind = "evaluation"
name = "targets"
title = "按目标完成程度计分的评价指标"
full_marks = 10
[[indicators]]
path = ["产出", "数量", "招聘活动"]
points = 4
method = "target"
[[indicators]]
path = ["产出", "质量", "满意度"]
points = 6
method = "target"
"""


@pytest.mark.parametrize(("flavour", "suffix"), [("udf", ".xlsm"), ("native", ".xlsx")])
def test_target__a_target_the_evaluator_judges_needs_a_reason_for_a_deduction(tmp_path, flavour, suffix):
    rules = tmp_path / "targets.toml"
    rules.write_text(TARGETS, encoding="utf-8")
    out = tmp_path / f"judged{suffix}"
    assert run("new", str(out), "--rules", str(rules), "--formulas", flavour).returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    rows = _rows(ws)
    first, second = rows["产出/数量/招聘活动"], rows["产出/质量/满意度"]
    ws[f"E{first}"], ws[f"F{first}"], ws[f"I{first}"] = "做好宣传工作", "基本完成", 2  # no 指标值: judged
    ws[f"E{second}"], ws[f"F{second}"] = "满意度95%以上", "96%"
    set_named(wb, "unit_name", "甲")
    set_named(wb, "fiscal_year", 2024)
    out.write_bytes(package(wb, suffix))
    missing = [f for f in load(out)[1] if f.code == "reason-missing"]
    assert [f.cell for f in missing] == [f"J{first}"]


@pytest.mark.parametrize(("flavour", "suffix"), [("udf", ".xlsm"), ("native", ".xlsx")])
def test_target__an_outcome_row_scored_from_the_units_own_target_and_actual(tmp_path, flavour, suffix):
    """“举办招聘活动100场以上” against “80场” scores 4 × 80%; a typed completion (the plain flavour has no formula
    that reads the texts) is checked against them like any printed rate."""
    from perfeval_xl.engine.functions import excel_value

    rules = tmp_path / "targets.toml"
    rules.write_text(TARGETS, encoding="utf-8")
    out = tmp_path / f"targets{suffix}"
    assert run("new", str(out), "--rules", str(rules), "--formulas", flavour).returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    rows = _rows(ws)
    first, second = rows["产出/数量/招聘活动"], rows["产出/质量/满意度"]
    ws[f"E{first}"], ws[f"F{first}"], ws[f"J{first}"] = "举办招聘活动100场以上", "80场", "少办20场"
    ws[f"E{second}"], ws[f"F{second}"] = "满意度95%以上", "96%"
    if flavour == "native":
        assert ws[f"G{first}"].value is None  # an input there: no plain formula reads “100场以上”
        ws[f"G{first}"], ws[f"G{second}"] = 0.8, 0.9  # the second misprinted: 96% reaches 95%以上
    set_named(wb, "unit_name", "甲")
    set_named(wb, "fiscal_year", 2024)
    out.write_bytes(package(wb, suffix))
    _submission, findings, options = load(out)
    assert options["values"]["eval_scores"]["产出/数量/招聘活动"] == Decimal("3.2")
    misprints = [f for f in findings if f.code == "printed-rate"]
    if flavour == "udf":
        assert findings == [] and options["values"]["eval_total"] == Decimal("9.2")
        framework = openpyxl.load_workbook(out)[FRAMEWORK_TITLE]
        source = [[framework.cell(r, 1).value] for r in range(1, framework.max_row + 1)]
        shown = excel_value("PE_EVALVALUE", ["举办招聘活动100场以上", "80场", source, "产出/数量/招聘活动"])
        assert shown == pytest.approx(0.8)  # what Excel shows through the add-in
        import docx

        assert run("report", str(out), "-o", str(tmp_path / "r.docx")).returncode == 0
        body = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
        assert "年度指标值：举办招聘活动100场以上；实际完成值：80场；目标完成程度80.00%。" in body
    else:
        assert [f.cell for f in misprints] == [f"G{second}"] and "应为 100.00%" in misprints[0].message


KINDS_FRAMEWORK = """kind = "evaluation"
name = "kinds"
title = "按问题类别扣分的评价指标"
full_marks = 10
[[indicators]]
path = ["过程", "资金管理", "资金使用合规性"]
points = 4
method = "findings"
kinds = [ { text = "未按时拨付", deduct = 0.5 }, { text = "挪用资金", deduct = 2 } ]
[[indicators]]
path = ["过程", "资金管理", "支付进度"]
points = 6
method = "findings"
per_finding = [0.5, 1]
"""


@pytest.mark.parametrize(
    ("counts", "score", "ranged", "codes_found"),
    [
        ("1、0", 3.5, 4.5, set()),
        ("1、1", 3.5, 4, {"findings-mismatch"}),  # 4 − 0.5 − 2 = 1.5
        ("1", 3.5, 5, {"number-unreadable"}),
        ("0、0", 4, 3, {"findings-mismatch"}),  # 2 findings at 0.5 to 1 each: 4 to 5
    ],
)
def test_findings__kinds_and_ranges_on_the_sheet_and_in_the_report(tmp_path, counts, score, ranged, codes_found):
    rules = tmp_path / "kinds.toml"
    rules.write_text(KINDS_FRAMEWORK, encoding="utf-8")
    out = tmp_path / "kinds.xlsx"
    assert run("new", str(out), "--rules", str(rules), "--formulas", "native").returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    rows = _rows(ws)
    kinds, ranges = rows["过程/资金管理/资金使用合规性"], rows["过程/资金管理/支付进度"]
    ws[f"E{kinds}"], ws[f"I{kinds}"], ws[f"J{kinds}"] = counts, score, "1 笔专项资金晚拨付"
    ws[f"E{ranges}"], ws[f"I{ranges}"], ws[f"J{ranges}"] = 2, ranged, "2 笔资金拨付晚于序时进度"
    set_named(wb, "unit_name", "甲")
    set_named(wb, "fiscal_year", 2024)
    out.write_bytes(package(wb, ".xlsx"))
    payload = json.loads(run("check", str(out), "--json").stdout)
    assert {f["code"] for f in payload["findings"]} == codes_found, payload["findings"]
    if counts == "1、1":  # the counts spelled out kind by kind
        assert "发现 未按时拨付 1 个、挪用资金 1 个应得 1.5 分" in payload["findings"][0]["message"]
    if not codes_found:
        assert run("report", str(out), "-o", str(tmp_path / "r.docx")).returncode == 0
        import docx

        body = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
        assert "发现问题：未按时拨付1个。" in body and "发现问题2个。" in body
        assert "评分标准：按发现的问题扣分：①未按时拨付每个扣0.5分；②挪用资金每个扣2分；扣完为止。" in body


SLOT_FRAMEWORK = """kind = "evaluation"
name = "slot"
title = "含部门特性指标的评价指标"
full_marks = 30
[[indicators]]
path = ["投入", "预算编制", "预算编制科学性"]
points = 10
method = "manual"
[[indicators]]
path = ["产出", "部门特性指标"]
points = 20
method = "custom"
rows = 4
"""


def _slot_book(tmp_path: Path, flavour: str, suffix: str, edit) -> Path:
    rules = tmp_path / "slot.toml"
    rules.write_text(SLOT_FRAMEWORK, encoding="utf-8")
    out = tmp_path / f"slot{suffix}"
    assert run("new", str(out), "--rules", str(rules), "--formulas", flavour).returncode == 0
    wb = openpyxl.load_workbook(out)
    ws = wb[SHEET]
    set_named(wb, "unit_name", "甲")
    set_named(wb, "fiscal_year", 2024)
    ws["I4"] = 10
    edit(wb, ws, {ws[f"{KEY}{r}"].value: r for r in range(4, ws.max_row + 1)})
    out.write_bytes(package(wb, suffix))
    return out


def _set_slot_rows(ws, rows: dict, entries: list[tuple]) -> None:
    for number, (name, points, standard, score, reason) in enumerate(entries, start=1):
        row = rows[f"产出/部门特性指标#{number}"]
        for letter, value in zip("CDHIJ", (name, points, standard, score, reason), strict=True):
            ws[f"{letter}{row}"] = value


@pytest.mark.parametrize(("flavour", "suffix"), [("udf", ".xlsm"), ("native", ".xlsx")])
def test_slot__the_evaluator_sets_the_units_own_indicators_and_they_add_up(tmp_path, flavour, suffix):
    """One framework for every unit: the slot's rows are typed per unit, add up to its points, and score the slot."""

    def edit(wb, ws, rows):
        _set_slot_rows(
            ws,
            rows,
            [("耕地保护面积", 12, "完成目标得满分", 12, ""), ("农技推广覆盖率", 8, "按比例计分", 6, "覆盖率 75%")],
        )

    path = _slot_book(tmp_path, flavour, suffix, edit)
    _submission, findings, options = load(path)
    assert findings == [], [str(f) for f in findings]
    assert options["values"]["eval_scores"]["产出/部门特性指标"] == 18 and options["values"]["eval_total"] == 28
    (recalculated,) = convert([path], "xlsx", tmp_path / "lo", profile(tmp_path / "profile", recalculate=True))
    shown = openpyxl.load_workbook(recalculated, data_only=True)[SHEET]
    total = plan(load_framework(str(tmp_path / "slot.toml"))).total_row
    assert shown[f"I{total}"].value == 28  # the sheet's own sums agree, in LibreOffice too
    assert run("report", str(path), "-o", str(tmp_path / "r.docx")).returncode == 0
    import docx

    document = docx.Document(str(tmp_path / "r.docx"))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "设置部门特性指标2项：①耕地保护面积（分值12分，评价得分12分，评分标准：完成目标得满分）" in body
    assert "扣2分。扣分原因：农技推广覆盖率：覆盖率 75%。" in body
    assert "1.部门特性指标（产出）扣2分。农技推广覆盖率：覆盖率 75%。" in body  # its rows once, in section 四
    annex = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert ["产出", "部门特性指标", "耕地保护面积", "12", "完成目标得满分", "", "12", ""] in annex


@pytest.mark.parametrize(
    ("entries", "found"),
    [
        (
            [("耕地保护面积", 12, "完成目标得满分", 12, ""), ("农技推广", 6, "按比例", 6, "")],
            {"custom-points-mismatch"},
        ),
        ([("", 20, "完成目标得满分", 20, "")], {"custom-row-incomplete"}),
        ([("耕地保护面积", 20, "", 19, "")], {"custom-row-incomplete", "reason-missing"}),
        ([("耕地保护面积", 20, "完成目标得满分", 21, "")], {"score-over-weight"}),
        ([], {"eval-unscored"}),
    ],
)
def test_slot__rows_that_do_not_add_up_or_are_incomplete_are_named(tmp_path, entries, found):
    path = _slot_book(tmp_path, "native", ".xlsx", lambda wb, ws, rows: _set_slot_rows(ws, rows, entries))
    codes_found = {f.code for f in load(path)[1]}
    assert codes_found == found, codes_found


@pytest.mark.parametrize(
    ("cell", "value", "what"), [("I", 20, "得分写的是20分，各项得分之和为18分"), ("D", 20, "分值")]
)
def test_slot__its_own_row_typed_over_is_checked_against_its_rows(tmp_path, cell, value, what):
    """The slot's own row is a 小计 like any other: typed over, it is held against the rows it adds up."""

    def edit(wb, ws, rows):
        second = ("农技推广覆盖率", 8 if cell == "I" else 6, "按比例", 6, "少")
        _set_slot_rows(ws, rows, [("耕地保护面积", 12, "完成目标得满分", 12, ""), second])
        ws[f"{cell}{rows['产出/部门特性指标']}"] = value

    path = _slot_book(tmp_path, "native", ".xlsx", edit)
    mismatches = [f for f in load(path)[1] if f.code == "sum-mismatch"]
    assert mismatches and what in mismatches[0].message, [f.message for f in mismatches]


def test_slot__a_row_inserted_among_its_rows_is_one_of_them(tmp_path):
    from helpers import insert_row_like_excel

    def edit(wb, ws, rows):
        _set_slot_rows(ws, rows, [("耕地保护面积", 10, "完成目标得满分", 10, "")])
        row = rows["产出/部门特性指标#2"]
        insert_row_like_excel(wb, SHEET, row)
        move_references_like_excel(ws, row)
        ws[f"C{row}"], ws[f"D{row}"], ws[f"H{row}"], ws[f"I{row}"] = "高标准农田", 10, "完成得满分", 10

    path = _slot_book(tmp_path, "native", ".xlsx", edit)
    _submission, findings, options = load(path)
    assert findings == [], [str(f) for f in findings]
    assert options["values"]["eval_scores"]["产出/部门特性指标"] == 20


def test_target__a_completion_typed_over_its_formula_says_so(tmp_path):
    """In the PE_* flavour a target row's 指标值 is a formula: typed over, it is a hint like any other (and checked)."""
    rules = tmp_path / "targets.toml"
    rules.write_text(TARGETS, encoding="utf-8")
    out = tmp_path / "typed.xlsm"
    assert run("new", str(out), "--rules", str(rules)).returncode == 0
    wb = openpyxl.load_workbook(out, keep_vba=True)
    ws = wb[SHEET]
    first = _rows(ws)["产出/数量/招聘活动"]
    ws[f"E{first}"], ws[f"F{first}"], ws[f"G{first}"], ws[f"J{first}"] = "100场以上", "80场", 0.9, "少办"
    out.write_bytes(package(wb, ".xlsm"))
    found = {(f.code, f.cell) for f in load(out)[1]}
    assert ("formula-overwritten", f"G{first}") in found and ("printed-rate", f"G{first}") in found


@pytest.mark.parametrize(("flavour", "suffix"), [("udf", ".xlsm"), ("native", ".xlsx")])
def test_check__a_blank_value_leaves_the_score_blank_even_where_no_value_scores(tmp_path, flavour, suffix):
    """Only "—" (no denominator) takes the rule's no_value; a 指标值 still blank (数据A missing) scores nothing yet, as
    PE_EVALSCORE and the plain formula both show."""
    key = "预算编制/预算配置/重点支出安排率"
    indicator = next(i for i in load_framework("budget-30-40-30").indicators if i.key == key)
    assert indicator.rule.no_value is not None  # the case: a rule that scores a missing value
    path = _set(_new(tmp_path, "budget-30-40-30", flavour, suffix), tmp_path / f"blank{suffix}", {key: {"F": 110.5}})
    submission, findings, _options = load(path)
    assert submission.evaluation.leaf(key).score is None
    assert not any(f.cell and f.cell.startswith("I") and key in f.message for f in findings), findings
