"""Templates from the layout, filled through defined names, and read back."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from decimal import Decimal

import defusedxml.ElementTree as ET
import openpyxl
import pytest
from helpers import ROOT, codes, digest, example, insert_row_like_excel, rezip, save, template

from perfeval_xl.core.errors import WorkbookError
from perfeval_xl.core.example import corrected_example
from perfeval_xl.core.records import ERROR, HINT
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.workbook.fill import set_named, set_table_row
from perfeval_xl.workbook.layout.book import workbook_layout
from perfeval_xl.workbook.new import new_workbook, template_info
from perfeval_xl.workbook.open import load
from perfeval_xl.workbook.package import XLSM_TYPE, XLSX_TYPE

NATIONAL = load_rules("national")
INDICATOR_COLUMNS = ["level1", "level2", "level3", "target", "actual", "weight", "score", "reason"]
PROJECT_COLUMNS = ["label", "prev", "budget", "final"]


def layout(projects=("甲项目",)):
    return workbook_layout("dept", NATIONAL, list(projects), template_info("udf"))


# ---------------------------------------------------------------- templates


def test_new__sheets_in_official_order(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path, projects=("甲项目", "乙项目")))
    assert wb.sheetnames == [
        "说明",
        "附件1 基础数据表",
        "附件2 整体支出自评表",
        "附件3-1 甲项目",
        "附件3-2 乙项目",
        "收支预决算",
        "报告文字",
    ]


def test_new__project_kind_has_only_annex3(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path, kind="project", projects=("", "")))
    assert wb.sheetnames == ["说明", "附件3-1 项目支出自评表", "附件3-2 项目支出自评表"]


def test_new__every_defined_name_of_the_layout(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path, projects=("甲项目",)))
    expected = layout()
    for sheet in expected.sheets:
        scope = wb[sheet.title].defined_names if sheet.scoped else wb.defined_names
        for name, cell in sheet.named().items():
            (title, ref), *_ = list(scope[name].destinations)
            assert (title, ref.replace("$", "")) == (sheet.title, cell.ref)
        for table in sheet.tables:
            assert next(iter(scope[table.name].destinations))[1].replace("$", "") == table.ref


def test_new__contract_names_of_the_issue(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    names = set(wb.defined_names)
    rows = [
        "sangong",
        "sangong_car",
        "sangong_car_purchase",
        "sangong_car_running",
        "sangong_abroad",
        "sangong_reception",
        "project_spending",
        "public_funds",
        "public_office",
        "public_utilities_travel",
        "public_meeting_training",
    ]
    required = {
        "unit_name",
        "fiscal_year",
        "budget_code",
        "rule_set",
        "staff_quota",
        "staff_actual",
        "staff_control_rate",
        "procurement_budget",
        "procurement_final",
        "building_approved_area",
        "building_actual_area",
        "building_area_control_rate",
        "building_budget_investment",
        "building_actual_investment",
        "building_investment_control_rate",
        "austerity_measures",
        "projects",
        "fund_initial",
        "fund_budget",
        "fund_executed",
        "fund_weight",
        "fund_exec_rate",
        "fund_score",
        "income_general",
        "income_gov_fund",
        "income_special_account",
        "income_other",
        "expense_basic",
        "expense_project",
        "goal_expected",
        "goal_actual",
        "indicators",
        "total_score",
        "grade",
    }
    required |= {f"{row}_{c}" for row in rows for c in ("prev", "budget", "final")}
    required |= {f"{row}_{r}" for row in rows if row != "project_spending" for r in ("control_rate", "change_rate")}
    required |= {
        f"rev_{col}_{r}"
        for col in (
            "total",
            "carryover_begin",
            "appropriation",
            "other_income",
            "expense_total",
            "personnel",
            "public",
            "project",
            "carryover_end",
        )
        for r in ("budget", "final", "diff_rate")
    }
    assert required <= names, required - names
    local = set(wb["附件3-1 甲项目"].defined_names)
    assert {"project_name", "competent_dept", "implementing_unit", "fund_budget", "indicators", "total_score"} <= local


def test_new__formulas_call_pe_functions_with_cell_references(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    basic, overall = wb["附件1 基础数据表"], wb["附件2 整体支出自评表"]
    assert basic["D5"].value == "=PE_CONTROLRATE(C5,B5)"
    assert basic["E8"].value == "=PE_CONTROLRATE(D8,C8)"
    assert basic["B8"].value == '=IF(COUNT(B9,B12,B13)=0,"",SUM(B9,B12,B13))'
    assert overall["H5"].value == "=PE_EXECSCORE(E5,D5,F5,rule_set)"
    assert overall["H15"].value == "=PE_SCORE(E15,F15,G15,rule_set,C15)"
    assert overall["H16"].value == "=PE_SCORE(E16,F16,G16,rule_set,C15)"  # 二级指标 of the merged block


def test_new__native_flavour_has_no_pe_functions(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path, "t.xlsx", flavour="native"))
    basic, overall = wb["附件1 基础数据表"], wb["附件2 整体支出自评表"]
    assert basic["D5"].value == '=IF(OR(C5="",N(B5)=0),"—",C5/B5)'
    formulas = [
        c.value
        for ws in wb
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert formulas and not any("PE_" in f for f in formulas)
    assert overall["H15"].value is None and overall["H15"].protection.locked is False  # scores are typed


def test_new__xlsm_is_macro_enabled_package(tmp_path):
    package = zipfile.ZipFile(template(tmp_path, "t.xlsm"))
    types = package.read("[Content_Types].xml").decode()
    assert XLSM_TYPE in types and XLSX_TYPE not in types
    assert "xl/vbaProject.bin" not in package.namelist()  # Excel adds one when functions are imported into it


def test_new__xlsx_is_plain_package(tmp_path):
    types = zipfile.ZipFile(template(tmp_path, "t.xlsx", flavour="native")).read("[Content_Types].xml").decode()
    assert XLSX_TYPE in types and XLSM_TYPE not in types


def test_new__reproducible_bytes():
    first = new_workbook("dept", None, ["甲"], "udf", ".xlsm")
    assert first == new_workbook("dept", None, ["甲"], "udf", ".xlsm")
    assert first != new_workbook("dept", None, ["乙"], "udf", ".xlsm")


def test_new__bad_suffix():
    with pytest.raises(WorkbookError, match=r"\.xlsx 或 \.xlsm"):
        new_workbook("dept", None, ["甲"], "udf", ".xls")


def test_new__inputs_unlocked_tinted_computed_locked(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    ws = wb["附件1 基础数据表"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.insertRows is False  # inserting rows stays allowed
    assert ws["B5"].protection.locked is False and ws["B5"].fill.fgColor.rgb.endswith("FFF2CC")
    assert ws["D5"].protection.locked is True
    assert wb["附件2 整体支出自评表"]["H15"].protection.locked is False  # 得分: computed, may be typed over


def test_new__validation_on_inputs(tmp_path):
    ws = openpyxl.load_workbook(template(tmp_path))["附件1 基础数据表"]

    def rule_of(ref):
        (validation,) = [v for v in ws.data_validations.dataValidation if ref in str(v.sqref).split()]
        return validation.type, validation.operator, validation.formula1, validation.error

    assert rule_of("B5")[:3] == ("whole", "greaterThanOrEqual", "0")
    assert rule_of("C13")[:3] == ("decimal", "greaterThanOrEqual", "0") and "金额" in rule_of("C13")[3]


def test_new__comments_on_rule_headings(tmp_path):
    ws = openpyxl.load_workbook(template(tmp_path))["附件1 基础数据表"]
    assert "本年决算数 ÷ 本年预算数" in ws["E7"].comment.text


def test_new__a4_print_setup(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    for ws in wb:
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
    assert wb["附件2 整体支出自评表"].page_setup.orientation == "landscape"
    assert wb["附件2 整体支出自评表"].print_title_rows == "$14:$14"


def test_new__text_inputs_stay_text(tmp_path):
    ws = openpyxl.load_workbook(template(tmp_path))["附件2 整体支出自评表"]
    assert ws["F15"].number_format == "@"  # 实际完成值 "90%" must not become 0.9


# ---------------------------------------------------------------- round trip


def fill_by_names(path, out):
    """Fill a template the way an integrator would: only through the defined names."""
    wb = openpyxl.load_workbook(path)
    for name, value in (
        ("unit_name", "某某局"),
        ("fiscal_year", 2023),
        ("staff_quota", "　21"),
        ("staff_actual", 20),
        ("sangong_reception_prev", 1.97),
        ("sangong_reception_budget", 1.5),
        ("sangong_reception_final", 1.13),
        ("public_funds_budget", "1,294.52"),
        ("public_funds_final", 1000),
        ("fund_budget", 100),
        ("fund_executed", 92.3),
        ("fund_initial", 80),
        ("fund_reason", "项目延期"),
        ("expense_basic", 0),
        ("expense_project", 92.3),
        ("goal_expected", "目标"),
        ("goal_actual", "完成"),
    ):
        set_named(wb, name, value)
    set_table_row(wb, "projects", 0, {"label": "甲项目", "budget": 100, "final": 92.3}, PROJECT_COLUMNS)
    rows = [
        ("城镇新增就业人数", "2400人以上", "2000人", 50, None),
        ("制度健全", "健全", "已健全", 30, None),
        ("满意度", "≥90%", "95%", 10, None),
    ]
    positions = {"产出指标": 0, "效益指标": 13, "满意度指标": 24}
    for (name, target, actual, weight, score), level1 in zip(rows, positions, strict=True):
        set_table_row(
            wb,
            "indicators",
            positions[level1],
            {
                "level3": name,
                "target": target,
                "actual": actual,
                "weight": weight,
                **({} if score is None else {"score": score}),  # a None would clear the PE_SCORE formula
                "reason": "就业形势" if level1 == "产出指标" else None,
            },
            INDICATOR_COLUMNS,
        )
    return save(wb, out)


def test_roundtrip__inputs_read_by_name(tmp_path):
    path = fill_by_names(template(tmp_path), tmp_path / "filled.xlsx")
    submission, findings, options = load(path)
    basic, overall = submission.basic, submission.overall
    assert submission.header.unit_name == "某某局" and submission.header.fiscal_year == 2023
    assert (basic.staff.quota, basic.staff.actual) == (21, 20)
    assert basic.sangong.final == Decimal("1.13") and basic.public_funds.budget == Decimal("1294.52")
    assert [(p.label, p.final) for p in basic.projects] == [("甲项目", Decimal("92.3"))]
    assert [i.level3 for i in overall.indicators] == ["城镇新增就业人数", "制度健全", "满意度"]
    assert overall.indicators[0].level1 == "产出指标\n（50分）" and overall.indicators[0].level2 == "数量指标"
    assert dict(overall.block_weights) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    values = options["values"]
    assert values["staff_control_rate"] == Decimal(20) / 21
    assert values["sangong_final"] == Decimal("1.13")
    assert values["sangong_control_rate"] == Decimal("1.13") / Decimal("1.5")
    assert values["fund_exec_rate"] == Decimal("0.923")
    assert values["fund_score"] == Decimal("9.23")
    assert values["total_score"] == Decimal("9.23") + Decimal(50) * 2000 / 2400 + 30 + 10
    assert values["grade"] == "优"  # 90.90 without rounding
    assert options["flavour"] == "udf"
    filled = ("附件1 基础数据表", "附件2 整体支出自评表")
    assert [f for f in findings if f.is_error and f.sheet in filled] == []
    assert {f.sheet for f in findings if f.is_error} == {"附件3-1 甲项目"}  # left empty: no indicators, no funds


def test_roundtrip__rows_inserted_inside_tables_are_read(tmp_path):
    path = fill_by_names(template(tmp_path), tmp_path / "filled.xlsx")
    wb = openpyxl.load_workbook(path)
    insert_row_like_excel(wb, "附件2 整体支出自评表", 16)  # inside 数量指标
    insert_row_like_excel(wb, "附件1 基础数据表", 16)  # inside the project rows
    set_table_row(
        wb, "indicators", 1, {"level3": "新增指标", "target": "≥10", "actual": "12", "weight": 0}, INDICATOR_COLUMNS
    )
    set_table_row(wb, "projects", 1, {"label": "乙项目", "budget": 5, "final": 5}, PROJECT_COLUMNS)
    submission, _findings, options = load(save(wb, tmp_path / "inserted.xlsx"))
    assert [i.level3 for i in submission.overall.indicators][:2] == ["城镇新增就业人数", "新增指标"]
    assert submission.overall.indicators[1].level2 == "数量指标"  # filled down the (grown) merged block
    assert [p.label for p in submission.basic.projects] == ["甲项目", "乙项目"]
    assert options["values"]["project_spending_final"] == Decimal("97.3")
    assert submission.overall.indicators[1].where["actual"].cell == "F16"


def test_roundtrip__blank_rows_and_full_width_blanks_are_skipped(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    set_table_row(wb, "indicators", 1, {"level3": "　", "target": "　", "actual": None}, INDICATOR_COLUMNS)
    set_table_row(
        wb, "indicators", 3, {"level3": "有效指标", "target": "≥1", "actual": "1", "weight": "１０"}, INDICATOR_COLUMNS
    )
    submission, _findings, _options = load(save(wb, tmp_path / "b.xlsx"))
    (only,) = submission.overall.indicators
    assert (only.level3, only.weight, only.level2) == ("有效指标", 10, "质量指标")


def test_load__text_in_number_cell_is_a_located_error(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    set_named(wb, "staff_quota", "约21人")
    _submission, findings, _options = load(save(wb, tmp_path / "t.xlsx"))
    (finding,) = [f for f in findings if f.code == "number-unreadable"]
    assert (finding.severity, finding.sheet, finding.cell) == (ERROR, "附件1 基础数据表", "B5")
    assert "编制数" in finding.message and "约21人" in finding.message


def test_load__overwritten_rate_is_checked_as_printed(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_named(wb, "staff_control_rate", 1)  # 20 of 21, typed as 100%
    _submission, findings, _options = load(save(wb, tmp_path / "o.xlsx"))
    assert {"formula-overwritten", "printed-rate"} <= set(codes(findings))
    printed = next(f for f in findings if f.code == "printed-rate")
    assert printed.cell == "D5" and "95.24%" in printed.message


def test_load__overwritten_score_is_a_manual_score(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_table_row(wb, "indicators", 0, {"score": 50}, INDICATOR_COLUMNS)  # the rules give 41.67
    submission, findings, options = load(save(wb, tmp_path / "o.xlsx"))
    assert submission.overall.indicators[0].score == 50
    above = next(f for f in findings if f.code == "score-above-rule")
    assert (above.sheet, above.cell) == ("附件2 整体支出自评表", "H15")
    assert options["values"]["total_score"] == Decimal("9.23") + 50 + 30 + 10


def test_load__overwritten_total_is_checked(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_named(wb, "total_score", 95)
    _submission, findings, _options = load(save(wb, tmp_path / "o.xlsx"))
    assert "printed-total" in codes(findings, ERROR)


def test_load__reads_the_rule_set_named_on_the_guide(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_named(wb, "rule_set", "grade-85")
    _submission, _findings, options = load(save(wb, tmp_path / "g.xlsx"))
    assert options["rule_set"] == "grade-85" and options["values"]["grade"] == "优秀"


def test_load__unknown_rule_set_is_a_finding_not_a_crash(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_named(wb, "rule_set", "hunan-1999")
    _submission, findings, options = load(save(wb, tmp_path / "g.xlsx"))
    assert "rule-set-unknown" in codes(findings, ERROR) and options["rules"].name == "national"


def test_load__user_rule_file_next_to_the_workbook(tmp_path):
    (tmp_path / "mine.toml").write_text('extends = "national"\n[[grades]]\nmin = 0\nlabel = "合格"\n', encoding="utf-8")
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_named(wb, "rule_set", "mine.toml")
    _submission, _findings, options = load(save(wb, tmp_path / "g.xlsx"))
    assert options["values"]["grade"] == "合格"


# ---------------------------------------------------------------- the example


def test_example__corrected_has_no_errors_and_the_engine_values(tmp_path):
    submission, findings, options = load(example(tmp_path))
    assert codes(findings, ERROR) == []
    assert submission.basic.sangong.final == corrected_example().basic.sangong.final
    assert options["values"]["total_score"] == 100 and options["values"]["grade"] == "优"
    assert options["values"]["附件3-2 事业单位招考工作经费!fund_exec_rate"] == 1


def test_load__recomputes_every_computed_name(tmp_path):
    _submission, _findings, options = load(example(tmp_path))
    expected = set()
    for sheet in workbook_layout("dept", NATIONAL, [p.name for p in corrected_example().projects], "").sheets:
        computed = {name for name, cell in sheet.named().items() if cell.role == "computed"}
        expected |= {f"{sheet.title}!{name}" for name in computed} if sheet.scoped else computed
    assert set(options["values"]) == expected


def test_example__as_published_reports_the_published_mistakes(tmp_path):
    _submission, findings, _options = load(example(tmp_path, published=True))
    errors = codes(findings, ERROR)
    assert errors.count("block-weight") == 6 and errors.count("printed-total") == 2
    assert "sum-mismatch" in errors


def test_example__native_flavour_has_typed_scores(tmp_path):
    submission, findings, options = load(example(tmp_path, "e.xlsx", flavour="native"))
    assert codes(findings, ERROR) == [] and options["flavour"] == "native"
    assert all(i.score is not None for i in submission.overall.indicators)
    assert submission.overall.printed_total == 100


def test_example__stamped_values_are_the_engine_values(tmp_path):
    path = example(tmp_path)
    cached = openpyxl.load_workbook(path, data_only=True)
    _submission, _findings, options = load(path)
    assert cached["附件1 基础数据表"]["E8"].value == pytest.approx(float(options["values"]["sangong_control_rate"]))
    assert cached["附件2 整体支出自评表"]["A2"].value == "2023年度部门整体支出绩效自评表"
    assert cached["附件2 整体支出自评表"]["H44"].value == "优"
    assert cached["附件2 整体支出自评表"]["J18"].value == "≥ 1200"
    assert cached["附件1 基础数据表"]["E9"].value.strip() == ""  # blank inputs show blank


# ---------------------------------------------------------------- cached values


def test_load__stale_cached_value_is_pointed_out(tmp_path):
    path = example(tmp_path)

    def change(name, data):
        if name.endswith("sheet2.xml"):  # 附件1: claim 控制率 0.5 for 三公经费
            return data.replace(
                b"<f>PE_CONTROLRATE(D8,C8)</f><v>0.7533333333333333</v>", b"<f>PE_CONTROLRATE(D8,C8)</f><v>0.5</v>"
            )
        return data

    _submission, findings, _options = load(rezip(path, tmp_path / "stale.xlsm", change))
    (stale,) = [f for f in findings if f.code == "cached-stale"]
    assert stale.cell == "E8" and "0.5" in stale.message and "75.33%" in stale.message


def test_load__functions_missing_when_saved_without_the_add_in(tmp_path):
    path = example(tmp_path)

    def change(name, data):
        if name.startswith("xl/worksheets/sheet"):
            import re

            return re.sub(
                rb'(<c r="[A-Z]+\d+"(?: s="\d+")?)(?: t="str")?><f>(PE_[^<]*)</f><v>[^<]*</v>',
                rb'\1 t="e"><f>\2</f><v>#NAME?</v>',
                data,
            )
        return data

    _submission, findings, options = load(rezip(path, tmp_path / "noaddin.xlsm", change))
    assert "functions-missing" in codes(findings, HINT) and "cached-stale" not in codes(findings)
    assert options["values"]["total_score"] == 100


# ---------------------------------------------------------------- damaged workbooks


def test_load__renamed_sheet_still_read_through_its_names(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    wb["附件1 基础数据表"].title = "基础数据"
    for _name, defined in list(wb.defined_names.items()):  # Excel renames the references with the sheet
        defined.attr_text = defined.attr_text.replace("'附件1 基础数据表'", "'基础数据'")
    submission, findings, _options = load(save(wb, tmp_path / "r.xlsx"))
    assert submission.basic.staff.quota == 21
    assert not [f for f in findings if f.code.startswith("name-")]


def test_load__deleted_name_is_a_located_error(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    del wb.defined_names["staff_actual"]
    submission, findings, _options = load(save(wb, tmp_path / "d.xlsx"))
    missing = next(f for f in findings if f.code == "name-missing")
    assert "staff_actual" in missing.message and missing.sheet == "附件1 基础数据表"
    assert submission.basic.staff.actual is None


def test_load__name_pointing_at_a_deleted_sheet(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    wb.defined_names["staff_actual"].attr_text = "#REF!"
    _submission, findings, _options = load(save(wb, tmp_path / "d.xlsx"))
    assert "name-broken" in codes(findings, ERROR)


def test_load__not_a_perfeval_workbook(tmp_path):
    other = openpyxl.Workbook()
    other.active["A1"] = 1
    with pytest.raises(WorkbookError, match="不是 perfeval-xl 的自评工作簿"):
        load(save(other, tmp_path / "other.xlsx"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "不是 Excel 工作簿"),
        (b"name,value\n1,2\n", "不是 Excel 工作簿"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, ".xls"),
        (b"PK\x03\x04 truncated", "不是 Excel 工作簿"),
    ],
)
def test_load__files_that_are_not_workbooks(tmp_path, content, message):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=message):
        load(path)


def test_load__truncated_workbook(tmp_path):
    path = example(tmp_path)
    truncated = tmp_path / "cut.xlsm"
    truncated.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(WorkbookError):
        load(truncated)


def test_load__zip_bomb_is_refused_without_unpacking(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):  # 300 MB of zeros, about 300 KB packed
                part.write(block)
    with pytest.raises(WorkbookError, match=r"压缩比异常|拒绝读取"):
        load(bomb)


def test_load__missing_file_and_folder(tmp_path):
    with pytest.raises(WorkbookError, match="找不到文件"):
        load(tmp_path / "none.xlsx")
    with pytest.raises(WorkbookError, match="文件夹"):
        load(tmp_path)


def test_load__never_changes_the_input(tmp_path):
    path = example(tmp_path, published=True)
    before = digest(path)
    load(path)
    assert digest(path) == before


def test_load__xml_is_parsed_with_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


def test_set_named__unknown_name(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path))
    with pytest.raises(WorkbookError, match="没有名称"):
        set_named(wb, "no_such_name", 1)


def test_package__bytes_open_in_openpyxl():
    wb = openpyxl.load_workbook(io.BytesIO(new_workbook("project", "grade-85", ["x"], "native", ".xlsx")))
    assert wb["说明"]["B20"].value == "grade-85"


def test_load__user_rule_file_with_its_own_name(tmp_path):
    """docs/rules.md's own example: a rule file whose name is not a shipped rule set."""
    (tmp_path / "sichuan.toml").write_text(
        'extends = "national"\nname = "sichuan"\ntitle = "四川"\n[weights]\nexecution = 10\nblocks = {}\n',
        encoding="utf-8",
    )
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    set_named(wb, "rule_set", "sichuan.toml")
    _submission, findings, options = load(save(wb, tmp_path / "s.xlsx"))
    assert options["rules"].name == "sichuan" and "rule-set-unknown" not in codes(findings)
    assert "block-weight" not in codes(findings)  # 四川 does not fix the blocks' weights


def test_load__one_deleted_name_does_not_hide_a_table(tmp_path):
    wb = openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))
    del wb.defined_names["fund_budget"]
    submission, findings, _options = load(save(wb, tmp_path / "d.xlsx"))
    assert submission.overall is not None
    assert any(f.code == "name-missing" and "fund_budget" in f.message for f in findings)


def _filled(tmp_path):
    return openpyxl.load_workbook(fill_by_names(template(tmp_path), tmp_path / "f.xlsx"))


@pytest.mark.parametrize(
    ("name", "value", "part"),
    [
        ("sangong_reception_final", "1.13万", "万/亿/千"),
        ("staff_quota", "100%", "百分数"),
        ("public_funds_final", -5, "负数"),
        ("staff_actual", 20.5, "整数"),
        ("fiscal_year", 2023.5, "年度"),
        ("fiscal_year", 23, "年度"),
    ],
)
def test_load__implausible_figures_are_located_errors(tmp_path, name, value, part):
    wb = _filled(tmp_path)
    set_named(wb, name, value)
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    (found,) = [f for f in findings if f.code == "number-unreadable"]
    assert part in found.message and found.severity == ERROR


def test_load__a_budget_adjustment_may_be_negative(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "basic_adjustment_final", -5)
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert "number-unreadable" not in codes(findings)


def test_load__a_formula_typed_into_an_input(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "sangong_reception_final", "=0.5+0.63")
    without_value = save(wb, tmp_path / "x.xlsx")
    _submission, findings, _options = load(without_value)
    assert [f.cell for f in findings if f.code == "input-formula"] == ["D13"]

    def saved_by_excel(name, data):  # what Excel or LibreOffice write: the formula and its value
        if name == "xl/worksheets/sheet2.xml":
            return re.sub(rb"(<f>0\.5\+0\.63</f>)<v(?:\s*/>|></v>)", rb"\1<v>1.13</v>", data)
        return data

    submission, findings, _options = load(rezip(without_value, tmp_path / "y.xlsx", saved_by_excel))
    assert submission.basic.sangong_item("sangong_reception").final == Decimal("1.13")
    assert "input-formula" not in codes(findings)


def test_load__excel_escapes_in_text_are_decoded(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "duties", "第一段_x000D_\n第二段")
    submission, _findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert submission.narrative.text("duties") == "第一段\r\n第二段"


def test_load__name_pointing_at_a_deleted_row_of_a_sheet(tmp_path):
    wb = _filled(tmp_path)
    wb.defined_names["total_score"].attr_text = "'附件2 整体支出自评表'!#REF!"
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert any(f.code == "name-broken" and "total_score" in f.message for f in findings)


def test_load__project_sheet_without_its_indicator_range(tmp_path):
    wb = _filled(tmp_path)
    del wb["附件3-1 甲项目"].defined_names["indicators"]
    submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert submission.projects[0].indicators == ()
    assert any(f.code == "name-missing" and "indicators" in f.message for f in findings)


def test_load__a_cleared_formula_is_pointed_out(tmp_path):
    wb = openpyxl.load_workbook(example(tmp_path))
    set_named(wb, "total_score", None)
    _submission, findings, options = load(save(wb, tmp_path / "x.xlsx"))
    (blank,) = [f for f in findings if f.code == "computed-blank"]
    assert (blank.cell, blank.severity) == ("H43", HINT) and "按数据应为 100" in blank.message
    assert options["values"]["total_score"] is None and options["recomputed"]["total_score"] == 100
    assert options["values"]["grade"] is None  # PE_GRADE of a blank total, as Excel shows it


def test_load__a_cleared_score_leaves_the_total_blank_as_excel_does(tmp_path):
    wb = openpyxl.load_workbook(example(tmp_path))
    set_table_row(wb, "indicators", 0, {"score": None}, INDICATOR_COLUMNS)
    submission, findings, options = load(save(wb, tmp_path / "x.xlsx"))
    (blank,) = [f for f in findings if f.code == "computed-blank"]
    assert (blank.cell, blank.severity) == ("H15", HINT)
    assert submission.overall.indicators[0].score is None  # not a manual score: the rules score it for the report
    assert options["values"]["total_score"] is None  # PE_TOTAL sees a blank score in its range


def test_load__name_outside_the_sheet_grid_is_broken_not_a_crash(tmp_path):
    wb = _filled(tmp_path)
    wb.defined_names["unit_name"].attr_text = "'说明'!$B$0"
    wb.defined_names["indicators"].attr_text = "'附件2 整体支出自评表'!$A$15:$K$1048576"
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    broken = " ".join(f.message for f in findings if f.code == "name-broken")
    assert "unit_name" in broken and "indicators" in broken


def test_load__an_infinite_cached_number_is_shown_not_a_crash(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "unit_name", 1.5e300)
    path = save(wb, tmp_path / "x.xlsx")

    def overflow(name, data):
        return data.replace(b"<v>1.5e+300</v>", b"<v>1e999</v>")

    submission, _findings, _options = load(rezip(path, tmp_path / "y.xlsx", overflow))
    assert submission.header.unit_name == "Infinity"


def test_load__rule_set_with_a_control_character_is_a_finding(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "rule_set", "_x0000_.toml")
    _submission, findings, options = load(save(wb, tmp_path / "x.xlsx"))
    (found,) = [f for f in findings if f.code == "rule-set-unknown"]
    assert "控制字符" in found.message and options["rules"].name == "national"


def test_load__revenue_figures_read_once_and_a_typed_zero_total_is_checked(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "rev_appropriation_final", "abc")
    set_named(wb, "rev_other_income_final", 8)
    set_named(wb, "rev_total_final", 0)
    submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert [f.cell for f in findings if f.code == "number-unreadable"] == [
        submission.revenue.column("appropriation").where["final"].cell
    ]
    assert submission.revenue.column("total").final == 0
    assert any(f.code == "sum-mismatch" and f.sheet == "收支预决算" for f in findings)


def test_load__typed_over_project_funding_is_one_hint(tmp_path):
    wb = _filled(tmp_path)
    ws = wb["附件3-1 甲项目"]
    (title, ref), *_ = list(ws.defined_names["fund_executed"].destinations)
    ws[ref.replace("$", "")] = 50
    submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert [f.code for f in findings if f.cell == ref.replace("$", "") and f.sheet == title].count(
        "formula-overwritten"
    ) == 1
    assert submission.projects[0].funding.total.executed == 50


def test_new_workbook__printed_rates_of_computed_rows_are_kept(tmp_path):
    submission = corrected_example()
    sangong = replace(submission.basic.sangong, printed_control_rate=Decimal("0.5"))
    submission = replace(submission, basic=replace(submission.basic, sangong=sangong))
    loaded, findings, _options = load(example(tmp_path, submission=submission))
    assert loaded.basic.sangong.printed_control_rate == Decimal("0.5")
    assert any(f.code == "printed-rate" and "75.33%" in f.message for f in findings)


def test_new__guide_comments_and_rows_follow_the_rule_set(tmp_path):
    rules = tmp_path / "mine.toml"
    rules.write_text(
        'extends = "national"\n'
        "[execution]\nreason_below = 0.85\n"
        '[levels]\n"产出指标" = ["数量指标"]\n"效益指标" = ["社会效益指标"]\n"满意度指标" = ["服务对象满意度指标"]\n'
        '[[qualitative.bands]]\nname = "好"\noutcome = "met"\nlow = 0.9\nhigh = 1.0\n'
        '[[qualitative.bands]]\nname = "中"\noutcome = "partly"\nlow = 0.5\nhigh = 0.9\n'
        '[[qualitative.bands]]\nname = "差"\noutcome = "not_met"\nlow = 0\nhigh = 0.5\n',
        encoding="utf-8",
    )
    wb = openpyxl.load_workbook(template(tmp_path, "t.xlsx", rules=str(rules), flavour="native"))
    guide = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)
    assert "好 90%–100%、中 50%–90%、差 0–50%" in guide and "执行率低于 85%" in guide
    assert "达成 80%–100%" not in guide and "执行率低于 90%" not in guide
    sheet = wb["附件2 整体支出自评表"]
    level2 = {c.value for c in sheet["C"] if c.value}
    assert {"数量指标", "社会效益指标", "服务对象满意度指标"} <= level2 and "质量指标" not in level2
    comments = " ".join(c.comment.text for row in sheet.iter_rows() for c in row if c.comment)
    assert "好 90%–100%" in comments and "执行率低于 85%" in comments


def test_new__weight_and_score_validation_use_the_rule_sets_full_marks(tmp_path):
    rules = tmp_path / "150.toml"
    rules.write_text("full_marks = 150\n[weights]\nblocks = {}\n", encoding="utf-8")
    wb = openpyxl.load_workbook(template(tmp_path, rules=str(rules)))
    validations = wb["附件2 整体支出自评表"].data_validations.dataValidation
    bounds = {(v.formula2, v.error) for v in validations if v.operator == "between" and v.formula1 == "0"}
    assert bounds == {
        ("150", "分值应在 0 到 150 之间。"),
        ("150", "得分应为 0 到 150 之间的数字；不得超过该指标的分值。"),
    }


def _typed_over_sangong(tmp_path, sangong_budget):
    """The 三公经费 total and the 公务用车 subtotal typed over their SUMs, 公车购置/运行维护 left empty."""
    wb = _filled(tmp_path)
    for name, value in (
        ("sangong_budget", sangong_budget),
        ("sangong_final", 24.97),
        ("sangong_car_budget", 64.3),
        ("sangong_car_final", 23.84),
    ):
        set_named(wb, name, value)
    return load(save(wb, tmp_path / "typed.xlsx"))


def test_load__a_typed_over_total_is_the_figure_every_rate_uses(tmp_path):
    submission, findings, options = _typed_over_sangong(tmp_path, 65.8)
    values = options["values"]
    assert (values["sangong_budget"], values["sangong_final"]) == (Decimal("65.8"), Decimal("24.97"))
    assert values["sangong_control_rate"] == Decimal("24.97") / Decimal("65.8")  # 37.95%, as Excel shows
    assert values["sangong_car_control_rate"] == Decimal("23.84") / Decimal("64.3")
    # what the SUMs give over what their parts show: the car's parts are empty, the total adds the typed car
    assert options["recomputed"]["sangong_car_budget"] is None
    assert options["recomputed"]["sangong_budget"] == Decimal("64.3") + Decimal("1.5")
    assert (submission.basic.sangong.budget, submission.basic.sangong_item("sangong_car").final) == (
        Decimal("65.8"),
        Decimal("23.84"),
    )
    assert codes(findings).count("formula-overwritten") == 4
    assert "sum-mismatch" not in codes(findings)  # 64.3 + 1.5 = 65.8; the car's own parts are all empty


def test_load__a_typed_over_total_that_its_parts_do_not_add_up_to(tmp_path):
    _submission, findings, _options = _typed_over_sangong(tmp_path, 70)
    (mismatch,) = [f for f in findings if f.code == "sum-mismatch"]
    assert (mismatch.severity, mismatch.sheet, mismatch.cell) == (ERROR, "附件1 基础数据表", "C8")
    assert "C8" in mismatch.message and "C9" in mismatch.message and "C13" in mismatch.message


def test_load__a_package_that_lists_no_sheet(tmp_path):
    def no_sheets(name, data):
        return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data) if name == "xl/workbook.xml" else data

    broken = rezip(example(tmp_path), tmp_path / "none.xlsm", no_sheets)
    with pytest.raises(WorkbookError, match="没有任何工作表"):
        load(broken)


@pytest.mark.parametrize(
    "title",
    ["It's 说明 (1)", "''quoted''", "1 说明", "A1", "R1C1", "说明 😀", "x" * 31, "a!b 说明", "Sheet 1 - 'x'"],
)
def test_load__any_title_excel_accepts(tmp_path, title):
    wb = openpyxl.load_workbook(example(tmp_path))
    old = "说明"
    wb[old].title = title
    quoted = "'" + title.replace("'", "''") + "'"
    for defined in [*wb.defined_names.values(), *(d for ws in wb.worksheets for d in ws.defined_names.values())]:
        defined.attr_text = defined.attr_text.replace(f"'{old}'!", f"{quoted}!").replace(f"{old}!", f"{quoted}!")
    submission, findings, options = load(save(wb, tmp_path / "renamed.xlsx"))
    assert not [f for f in findings if f.code in ("name-broken", "name-missing")], title
    assert submission.header.unit_name == "岳阳市君山区人力资源和社会保障局" and options["rules"].name == "national"
    assert codes(findings, ERROR) == []


def test_load__a_typed_over_rate_with_thirty_decimals(tmp_path):
    wb = openpyxl.load_workbook(example(tmp_path))
    title, ref = next(iter(wb.defined_names["staff_control_rate"].destinations))
    wb[title][ref.replace("$", "")] = 0.5  # 21 of 21 is 100%
    wb[title][ref.replace("$", "")].number_format = "0." + "0" * 30 + "%"
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    printed = next(f for f in findings if f.code == "printed-rate")
    assert printed.cell == ref.replace("$", "")


def test_load__escaped_surrogates_in_text(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "unit_name", "_xD800_局_xD83D__xDE00_")
    submission, _findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert submission.header.unit_name == "\ufffd局😀"


def test_load__an_error_value_in_a_number_cell(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "staff_quota", "#DIV/0!")
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    (finding,) = [f for f in findings if f.code == "number-unreadable"]
    assert finding.cell == "B5" and "错误值“#DIV/0!”" in finding.message


def test_load__a_number_stored_as_text_is_not_in_excels_sum(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "sangong_reception_final", "1.13　")  # pasted from a system export: text, not a number
    submission, findings, options = load(save(wb, tmp_path / "x.xlsx"))
    as_text = {f.cell: f for f in findings if f.code == "number-as-text"}
    assert set(as_text) == {"B5", "C23", "D13"}  # fill_by_names types "　21" and "1,294.52" as text too
    assert as_text["D13"].severity == HINT and "“1.13”是以文本形式存储的数字" in as_text["D13"].message
    assert options["values"]["sangong_final"] is None  # =SUM(D9,D12,D13) in Excel skips the text
    assert options["values"]["sangong_reception_control_rate"] == Decimal("1.13") / Decimal("1.5")  # PE_* read it
    assert submission.basic.sangong_item("sangong_reception").final == Decimal("1.13")
    (mismatch,) = [f for f in findings if f.code == "sum-mismatch"]
    assert mismatch.cell == "D8" and mismatch.is_error


def test_load__a_formula_replaced_without_a_saved_result_is_an_error(tmp_path):
    wb = openpyxl.load_workbook(example(tmp_path, "n.xlsx", flavour="native"))
    set_named(wb, "sangong_final", "=5")  # written by a program: no result saved with it
    _submission, findings, options = load(save(wb, tmp_path / "x.xlsx"))
    (replaced,) = [f for f in findings if f.code == "formula-replaced"]
    assert (replaced.severity, replaced.cell) == (ERROR, "D8") and "“=5”" in replaced.message
    assert options["values"]["sangong_final"] is None and options["recomputed"]["sangong_final"] == Decimal("1.13")


def test_load__a_typed_over_revenue_total_with_empty_parts_is_only_a_hint(tmp_path):
    wb = openpyxl.load_workbook(template(tmp_path, "t.xlsx", flavour="native"))
    set_named(wb, "rev_total_budget", 50)
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert [f.code for f in findings if f.sheet == "收支预决算"] == ["formula-overwritten"]


def test_load__a_number_as_text_typed_over_a_total(tmp_path):
    wb = _filled(tmp_path)
    set_named(wb, "sangong_car_final", "3")
    _submission, findings, options = load(save(wb, tmp_path / "x.xlsx"))
    assert {f.code for f in findings if f.cell == "D9"} == {"formula-overwritten", "number-as-text"}
    assert options["values"]["sangong_final"] == Decimal("1.13")  # =SUM(D9,D12,D13) skips the text "3"


def test_load__a_cleared_total_with_filled_parts(tmp_path):
    wb = openpyxl.load_workbook(example(tmp_path))
    set_named(wb, "sangong_final", None)
    project = "附件3-1 社保基金督查专项经费"
    set_named(wb, "fund_executed", None, project)
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    on_d8 = {f.code: f for f in findings if f.sheet == "附件1 基础数据表" and f.cell == "D8"}
    assert set(on_d8) == {"computed-blank", "sum-mismatch"}  # the form's 三公 total is blank: it does not add up
    assert "本年决算数 为空白" in on_d8["sum-mismatch"].message
    on_e6 = sorted(f.code for f in findings if f.sheet == project and f.cell == "E6")
    assert on_e6 == ["computed-blank", "funding-missing"]  # not also a sum-mismatch


def test_load__a_name_pointing_at_a_chart_sheet_is_broken_not_a_crash(tmp_path):
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.load_workbook(example(tmp_path))
    wb.create_chartsheet("图表")
    wb.defined_names["unit_name"] = DefinedName("unit_name", attr_text="'图表'!$B$3")
    _submission, findings, _options = load(save(wb, tmp_path / "x.xlsx"))
    assert any(f.code == "name-broken" and "unit_name" in f.message for f in findings)


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.mark.parametrize(
    "name", ["部门整体支出绩效自评.xlsm", "部门整体支出绩效自评（无宏版）.xlsx", "示例-岳阳市君山区人社局2023.xlsm"]
)
def test_package__says_a_current_excel_calculated_it(name):
    """An old calcId (openpyxl's 124519) or missing calcFeatures make Excel recalculate everything on open, and
    without the add-in every PE_* cell would show #NAME? instead of its saved result."""
    from perfeval_xl.workbook.package import CALC_FEATURES

    xml = zipfile.ZipFile(ROOT / "workbook" / name).read("xl/workbook.xml").decode("utf-8")
    root = ET.fromstring(xml)
    (calc,) = root.iter(f"{MAIN}calcPr")
    assert dict(calc.attrib) == {"calcId": "191029"}  # no fullCalcOnLoad, no manual mode
    calcf = "{http://schemas.microsoft.com/office/spreadsheetml/2018/calcfeatures}"
    (ext,) = root.find(f"{MAIN}extLst")
    assert ext.get("uri") == "{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}"
    assert [f.get("name") for f in ext.iter(f"{calcf}feature")] == [f"microsoft.com:{f}" for f in CALC_FEATURES]
    assert list(root)[-1].tag == f"{MAIN}extLst"  # extLst is the workbook's last child (ECMA-376 CT_Workbook)
