"""Review checks, each on a small submission built inline."""

from dataclasses import replace

from helpers import codes

from perfeval_xl.checks import CHECKS, run_checks
from perfeval_xl.checks.controls import check_controls
from perfeval_xl.checks.cross import check_cross_tables
from perfeval_xl.checks.header import check_header
from perfeval_xl.checks.printed import check_printed_rates
from perfeval_xl.checks.scores import check_scores
from perfeval_xl.checks.sums import check_sums
from perfeval_xl.checks.weights import check_weights
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.core.numbers import D
from perfeval_xl.core.records import (
    ERROR,
    HINT,
    Assessment,
    BasicData,
    Building,
    CellRef,
    Funding,
    FundLine,
    Header,
    Indicator,
    RevenueColumn,
    RevenueTable,
    ShareRow,
    ShareTable,
    SpendingRow,
    Staff,
    Submission,
)
from perfeval_xl.engine.rulesets import load_rules

NATIONAL = load_rules("national")


def d(text):
    return None if text is None else D(text)


def good_indicators():
    return (
        Indicator("产出指标", "数量指标", "培训人数", "≥100人", "120人", d("50")),
        Indicator("效益指标", "社会效益指标", "制度", "健全", "已健全", d("30")),
        Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", d("10")),
    )


def table(indicators=None, **funding_fields) -> Assessment:
    funding = Funding(
        FundLine("年度资金总额", d("100"), d("100"), d("100")), d("10"), expense_basic=d("60"), expense_project=d("40")
    )
    return Assessment(
        kind="dept",
        name="某局",
        funding=replace(funding, **funding_fields),
        indicators=good_indicators() if indicators is None else indicators,
        goal_expected="目标",
        goal_actual="完成",
    )


def submission(**fields) -> Submission:
    return Submission(**{"header": Header(unit_name="某局", fiscal_year=2023), "overall": table(), **fields})


def test_run_checks__clean_submission_has_no_findings():
    assert run_checks(submission()) == []


def test_checks__one_signature_from_one_tuple():
    for check in CHECKS:
        assert check(submission(), NATIONAL) == []


def test_run_checks__uses_the_rule_set_the_header_names():
    item = Indicator("产出指标", "数量指标", "x", "1200", "1600", d("50"))
    sub = submission(overall=table((item, *good_indicators()[1:])))
    assert "deviation-penalty" not in codes(run_checks(sub))
    sub = replace(sub, header=replace(sub.header, rule_set="province-platform"))
    assert "deviation-penalty" in codes(run_checks(sub))


# ---------------------------------------------------------------- header


def test_check_header__unit_name_missing_is_error():
    assert codes(check_header(submission(header=Header()), NATIONAL)) == ["unit-name-missing", "year-missing"]


def test_check_header__project_name_and_goals():
    project = replace(table(), kind="project", name="", goal_expected="", goal_actual="")
    found = check_header(submission(projects=(project,)), NATIONAL)
    assert codes(found) == ["competent-dept-missing", "goal-missing", "project-name-missing"]


# ---------------------------------------------------------------- weights


def test_check_weights__block_not_its_weight():
    rows = (*good_indicators(), Indicator("产出指标", "质量指标", "x", "≥1", "1", d("10")))
    found = check_weights(submission(overall=table(rows)), NATIONAL)
    assert codes(found) == ["block-weight", "weights-total"]
    assert "60 分，应为 50 分" in found[0].message


def test_check_weights__printed_heading_disagrees_with_rules():
    sub = submission(overall=replace(table(), block_weights={"产出指标": d("40")}))
    assert codes(check_weights(sub, NATIONAL)) == ["heading-weight"]


def test_check_weights__unknown_first_level():
    rows = (*good_indicators(), Indicator("管理指标", "x", "y", "≥1", "1", d("0")))
    assert "level1-unknown" in codes(check_weights(submission(overall=table(rows)), NATIONAL))


def test_check_weights__second_level_outside_its_block_is_hint():
    rows = (replace(good_indicators()[0], level2="社会效益指标"), *good_indicators()[1:])
    found = check_weights(submission(overall=table(rows)), NATIONAL)
    assert codes(found) == ["level2-unknown"] and found[0].severity == HINT


def test_check_weights__execution_weight_differs_from_rules():
    assert "execution-weight" in codes(check_weights(submission(overall=table(weight=d("20"))), NATIONAL))


def test_check_weights__printed_weight_total():
    sub = submission(overall=replace(table(), printed_weight_total=d("90")))
    assert codes(check_weights(sub, NATIONAL)) == ["printed-weight-total"]


def test_check_weights__sichuan_10_plus_90_only_checks_the_total(tmp_path):
    path = tmp_path / "sc.toml"
    path.write_text('extends = "national"\n[weights]\nblocks = {}\n', encoding="utf-8")
    rules = load_rules(path)
    rows = (
        replace(good_indicators()[0], weight=d("70")),
        replace(good_indicators()[1], weight=d("15")),
        replace(good_indicators()[2], weight=d("5")),
    )
    assert check_weights(submission(overall=table(rows)), rules) == []


# ---------------------------------------------------------------- scores


def test_check_scores__manual_score_over_weight_located():
    item = Indicator(
        "产出指标",
        "数量指标",
        "培训人数",
        "≥100人",
        "120人",
        d("50"),
        d("55"),
        where={"score": CellRef("附件2 整体支出自评表", "G14")},
    )
    found = check_scores(submission(overall=table((item, *good_indicators()[1:]))), NATIONAL)
    assert codes(found) == ["score-over-weight"]
    assert (found[0].sheet, found[0].cell, found[0].severity) == ("附件2 整体支出自评表", "G14", ERROR)


def test_check_scores__qualitative_needing_judgement_without_score_is_error():
    item = Indicator("效益指标", "社会效益指标", "安全", "保证社保基金安全", "保证安全", d("30"))
    found = check_scores(submission(overall=table((good_indicators()[0], item, good_indicators()[2]))), NATIONAL)
    assert codes(found) == ["score-needs-judgement"]
    assert "达成 80%–100%" in found[0].message


def test_check_scores__missed_target_needs_a_reason():
    item = Indicator("产出指标", "数量指标", "培训人数", "≥100人", "80人", d("50"))
    found = check_scores(submission(overall=table((item, *good_indicators()[1:]))), NATIONAL)
    assert codes(found) == ["reason-missing"] and "80.00%" in found[0].message
    with_reason = replace(item, reason="受疫情影响培训延后")
    assert check_scores(submission(overall=table((with_reason, *good_indicators()[1:]))), NATIONAL) == []


def test_check_scores__low_execution_needs_a_reason():
    sub = submission(overall=table(total=FundLine("年度资金总额", d("100"), d("100"), d("85"))))
    assert codes(check_scores(sub, NATIONAL)) == ["exec-low-no-reason"]
    sub = submission(overall=table(total=FundLine("年度资金总额", d("100"), d("100"), d("85")), reason="项目延期"))
    assert check_scores(sub, NATIONAL) == []


def test_check_scores__over_execution_flagged_and_capped():
    sub = submission(overall=table(total=FundLine("年度资金总额", d("100"), d("100"), d("120"))))
    found = check_scores(sub, NATIONAL)
    assert codes(found) == ["exec-over-budget"] and found[0].severity == HINT
    assert "120.00%" in found[0].message


def test_check_scores__printed_execution_score_wrong():
    sub = submission(
        overall=table(total=FundLine("年度资金总额", None, d("100"), d("92.3")), printed_score=d("9.5"), reason="x")
    )
    found = check_scores(sub, NATIONAL)
    assert codes(found) == ["printed-score"] and "9.23" in found[0].message


def test_check_scores__printed_total_and_grade():
    sub = submission(overall=replace(table(), printed_total=d("99"), printed_grade="良"))
    found = check_scores(sub, NATIONAL)
    assert codes(found) == ["grade-mismatch", "printed-total"]


def test_check_scores__total_capped_by_execution_rate_is_hint():
    rules = load_rules("province-platform")
    sub = submission(overall=table(total=FundLine("年度资金总额", None, d("100"), d("75")), reason="x"))
    found = check_scores(sub, rules)
    assert codes(found) == ["total-capped"] and "89" in found[0].message


def test_check_scores__unit_mismatch_points_at_actual():
    item = Indicator(
        "产出指标", "数量指标", "参保率", "≥95%", "100", d("50"), where={"actual": CellRef("附件2", "E14")}
    )
    found = check_scores(submission(overall=table((item, *good_indicators()[1:]))), NATIONAL)
    assert codes(found) == ["unit-mismatch"]
    mismatch = next(f for f in found if f.code == "unit-mismatch")
    assert mismatch.cell == "E14" and mismatch.severity == ERROR


# ---------------------------------------------------------------- sums


def row(key, label, prev, budget, final, **fields):
    return SpendingRow(key, label, d(prev), d(budget), d(final), **fields)


def basic(**fields) -> BasicData:
    return BasicData(
        **{
            "sangong": row("sangong", "三公经费", "2", "2", "1.5"),
            "sangong_items": (
                row("sangong_car", "公务用车", "1", "1", "0.5"),
                row("sangong_car_purchase", "公车购置", None, None, None),
                row("sangong_car_running", "公车运行维护", "1", "1", "0.5"),
                row("sangong_reception", "公务接待", "1", "1", "1"),
            ),
            "project_spending": row("project_spending", "项目支出", None, "100", "100"),
            "projects": (row("project", "某项目", None, "100", "100"),),
            **fields,
        }
    )


def test_check_sums__clean_basic_data():
    assert check_sums(submission(basic=basic()), NATIONAL) == []


def test_check_sums__sangong_not_its_items():
    sub = submission(basic=basic(sangong=row("sangong", "三公经费", "2", "2", "1.6")))
    found = check_sums(sub, NATIONAL)
    assert codes(found) == ["sum-mismatch"] and "本年决算数 1.60" in found[0].message


def test_check_sums__car_not_purchase_plus_running():
    items = (
        row("sangong_car", "公务用车", "1", "1", "0.5"),
        row("sangong_car_running", "公车运行维护", "1", "1", "0.4"),
        row("sangong_reception", "公务接待", "1", "1", "1"),
    )
    assert "公车购置与公车运行维护" in check_sums(submission(basic=basic(sangong_items=items)), NATIONAL)[0].message


def test_check_sums__projects_not_their_total_one_finding_per_row():
    sub = submission(basic=basic(project_spending=row("project_spending", "项目支出", "283.46", "423.5", "306.23")))
    found = check_sums(sub, NATIONAL)
    assert len(found) == 1 and "本年预算数 423.50" in found[0].message and "本年决算数 306.23" in found[0].message


def test_check_sums__public_items_may_not_exceed_total():
    sub = submission(
        basic=basic(
            public_funds=row("public_funds", "公用经费", None, "50", "40"),
            public_items=(
                row("public_office", "办公经费", None, "30", "30"),
                row("public_meeting_training", "会议费、培训费", None, "10", "15"),
            ),
        )
    )
    found = check_sums(sub, NATIONAL)
    assert codes(found) == ["sum-mismatch"] and "45.00 大于 40.00" in found[0].message


def test_check_sums__project_funding_sources():
    funding = dict(
        total=FundLine("年度资金总额", d("100"), d("100"), d("100")),
        sources=(
            FundLine("当年财政拨款", d("80"), d("80"), d("80")),
            FundLine("上年结转资金", d("10"), d("10"), d("10")),
        ),
    )
    found = check_sums(submission(overall=None, projects=(replace(table(**funding), kind="project"),)), NATIONAL)
    assert len(found) == 3 and all(f.code == "sum-mismatch" for f in found)


def test_check_sums__basic_plus_project_is_executed():
    found = check_sums(submission(overall=table(expense_basic=d("60"), expense_project=d("30"))), NATIONAL)
    assert codes(found) == ["sum-mismatch"] and "90.00" in found[0].message


def test_check_sums__income_lines_match_budget_or_executed():
    assert check_sums(submission(overall=table(income_general=d("100"))), NATIONAL) == []
    assert codes(check_sums(submission(overall=table(income_general=d("90"))), NATIONAL)) == ["sum-mismatch"]


def revenue(budget_total="196.63", final_total="321.69"):
    values = {  # 000's 收支预决算 table
        "total": (budget_total, final_total, None),
        "carryover_begin": ("64.69", "64.69", None),
        "appropriation": ("131.94", "171.46", None),
        "other_income": (None, "85.54", None),
        "expense_total": ("131.94", "321.69", None),
        "personnel": ("100.2", "148.56", None),
        "public": ("31.74", "102.13", None),
        "project": (None, "71", None),
        "carryover_end": ("64.69", "0", None),
    }
    return RevenueTable(tuple(RevenueColumn(k, k, d(b), d(f), d(p)) for k, (b, f, p) in values.items()))


def test_check_sums__revenue_identities_hold_in_000():
    assert check_sums(submission(revenue=revenue()), NATIONAL) == []


def test_check_sums__revenue_identity_broken():
    found = check_sums(submission(revenue=revenue(final_total="320.69")), NATIONAL)
    assert codes(found) == ["sum-mismatch", "sum-mismatch"]


def test_check_sums__breakdown_rows_add_to_total():
    shares = ShareTable("公用经费明细", (ShareRow("办公费", d("1")), ShareRow("印刷费", d("2"))), d("4"))
    assert codes(check_sums(submission(share_tables=(shares,)), NATIONAL)) == ["sum-mismatch"]


# ---------------------------------------------------------------- controls


def test_check_controls__staff_over_quota():
    found = check_controls(submission(basic=BasicData(staff=Staff(d("8"), d("11")))), NATIONAL)
    assert codes(found) == ["staff-over-quota"] and "137.50%" in found[0].message and found[0].severity == HINT


def test_check_controls__sangong_and_public_over_budget():
    data = basic(
        sangong=row("sangong", "三公经费", "1", "1", "1.2"),
        public_funds=row("public_funds", "公用经费", None, "10", "11"),
    )
    assert codes(check_controls(submission(basic=data), NATIONAL)) == ["over-budget", "over-budget"]


def test_check_controls__building_over():
    data = BasicData(building=Building(d("1000"), d("1100"), d("500"), d("480")))
    found = check_controls(submission(basic=data), NATIONAL)
    assert codes(found) == ["building-over"] and "110.00%" in found[0].message


# ---------------------------------------------------------------- printed rates


def test_check_printed_rates__staff_rate():
    assert check_printed_rates(submission(basic=BasicData(staff=Staff(d("21"), d("21"), d("100%")))), NATIONAL) == []
    found = check_printed_rates(submission(basic=BasicData(staff=Staff(d("21"), d("20"), d("100%")))), NATIONAL)
    assert codes(found) == ["printed-rate"] and "95.24%" in found[0].message


def test_check_printed_rates__control_and_change_rates():
    good = row(
        "sangong", "三公经费", "1.97", "1.5", "1.13", printed_control_rate=d("75.33%"), printed_change_rate=d("-42.64%")
    )
    assert check_printed_rates(submission(basic=BasicData(sangong=good)), NATIONAL) == []
    bad = replace(good, printed_change_rate=d("42.64%"))
    assert codes(check_printed_rates(submission(basic=BasicData(sangong=bad)), NATIONAL)) == ["printed-rate"]


def test_check_printed_rates__execution_rate():
    sub = submission(overall=table(total=FundLine("x", None, d("100"), d("92.3")), printed_exec_rate=d("93%")))
    assert "92.30%" in check_printed_rates(sub, NATIONAL)[0].message


def test_check_printed_rates__zero_printed_without_base_is_hint():
    column = RevenueColumn("other_income", "其他收入", None, d("85.54"), d("0"))
    found = check_printed_rates(submission(revenue=RevenueTable((column,))), NATIONAL)
    assert codes(found) == ["printed-rate-no-base"] and found[0].severity == HINT


def test_check_printed_rates__nonzero_printed_without_base_is_error():
    column = RevenueColumn("other_income", "其他收入", None, d("85.54"), d("12%"))
    assert check_printed_rates(submission(revenue=RevenueTable((column,))), NATIONAL)[0].severity == ERROR


def test_check_printed_rates__share_off_by_tail_adjustment_is_hint():
    rows = (ShareRow("a", d("1"), d("33.33%")), ShareRow("b", d("1"), d("33.33%")), ShareRow("c", d("1"), d("33.34%")))
    found = check_printed_rates(submission(share_tables=(ShareTable("明细", rows, d("3"), d("100%")),)), NATIONAL)
    assert codes(found) == ["printed-rate"] and found[0].severity == HINT and "尾差" in found[0].message


def test_check_printed_rates__share_wrong_is_error():
    shares = ShareTable(
        "明细", (ShareRow("a", d("2"), d("60%")), ShareRow("b", d("1"), d("33.33%"))), d("3"), d("100%")
    )
    found = check_printed_rates(submission(share_tables=(shares,)), NATIONAL)
    assert codes(found) == ["printed-rate"] and found[0].severity == ERROR


# ---------------------------------------------------------------- across tables


def project_sheet(name, executed):
    return replace(
        table(total=FundLine("年度资金总额", d(executed), d(executed), d(executed))),
        kind="project",
        name=name,
        competent_dept="某局",
    )


def test_check_cross_tables__every_project_has_its_sheet():
    data = basic(projects=(row("project", "1、某项目　", None, "100", "100"),))
    assert (
        check_cross_tables(
            submission(basic=data, projects=(project_sheet("某项目", "100"),), overall=table(expense_project=d("100"))),
            NATIONAL,
        )
        == []
    )
    found = check_cross_tables(submission(basic=data, overall=table(expense_project=d("100"))), NATIONAL)
    assert codes(found) == ["project-sheet-missing"]


def test_check_cross_tables__project_amounts_agree():
    data = basic(projects=(row("project", "某项目", None, "100", "100"),))
    sub = submission(basic=data, projects=(project_sheet("某项目", "90"),), overall=table(expense_project=d("100")))
    found = check_cross_tables(sub, NATIONAL)
    assert codes(found) == ["project-amount-mismatch"] and found[0].severity == ERROR


def test_check_cross_tables__sheet_for_unlisted_project_is_hint():
    data = basic(projects=())
    sub = submission(basic=data, projects=(project_sheet("别的项目", "10"),), overall=table(expense_project=d("100")))
    found = check_cross_tables(sub, NATIONAL)
    assert codes(found) == ["project-not-listed"] and found[0].severity == HINT


def test_check_cross_tables__one_cent_apart_is_a_rounding_hint():
    data = basic(project_spending=row("project_spending", "项目支出", None, "100", "306.23"), projects=())
    found = check_cross_tables(submission(basic=data, overall=table(expense_project=d("306.22"))), NATIONAL)
    assert codes(found) == ["cross-project-spending"] and found[0].severity == HINT
    found = check_cross_tables(submission(basic=data, overall=table(expense_project=d("300"))), NATIONAL)
    assert found[0].severity == ERROR


# ---------------------------------------------------------------- the built-in example


def test_example__corrected_has_no_errors():
    assert codes(run_checks(corrected_example()), ERROR) == []


def test_example__published_reports_its_mistakes():
    found = run_checks(published_example())
    assert codes(found, ERROR) == sorted(
        ["block-weight"] * 6
        + ["weights-total"] * 2
        + ["printed-weight-total"] * 2
        + ["printed-total"] * 2
        + ["sum-mismatch"]
    )


def test_check_narrative_figures__quoted_amounts_agree_with_the_tables():
    from perfeval_xl.checks.narrative import check_narrative_figures
    from perfeval_xl.core.records import Narrative

    sub = submission(
        basic=basic(public_funds=row("public_funds", "公用经费", None, "10", "9.5")),
        overall=table(expense_basic=d("60"), expense_project=d("40")),
    )
    good = Narrative(texts={"problems": "公用经费决算9.50万元，基本支出60.00万元；项目支出为40万元。"})
    assert check_narrative_figures(replace(sub, narrative=good), NATIONAL) == []
    bad = Narrative(
        texts={"problems": "全年项目支出总额为 4,000 万元，“三公”经费支出 2.5 万元。"},
        where={"problems": CellRef("报告文字", "B26")},
    )
    found = check_narrative_figures(replace(sub, narrative=bad), NATIONAL)
    assert [f.code for f in found] == ["narrative-figure"] * 2 and found[0].cell == "B26"
    assert "项目支出 4,000.00 万元，表中为 40.00 万元" in " ".join(f.message for f in found)


def test_check_scores__missed_qualitative_target_needs_a_reason():
    item = Indicator("效益指标", "社会效益指标", "发放", "按时足额发放", "未按时足额发放", d("30"), d("10"))
    found = check_scores(submission(overall=table((good_indicators()[0], item, good_indicators()[2]))), NATIONAL)
    assert "reason-missing" in codes(found, ERROR)


def test_check_scores__province_penalty_is_not_a_missed_target():
    found = run_checks(corrected_example(), "province-platform")
    assert "reason-missing" not in codes(found) and "deviation-penalty" in codes(found)


def test_check_scores__printed_total_within_row_rounding_is_a_hint():
    rows = (
        Indicator("产出指标", "数量指标", "a", "≥3", "2", d("50"), reason="x"),
        Indicator("效益指标", "社会效益指标", "b", "≥3", "2", d("30"), reason="x"),
        Indicator("满意度指标", "服务对象满意度指标", "c", "≥3", "2", d("10"), reason="x"),
    )
    # scores 33.333…, 20, 6.666…: printed rows 33.33 + 20 + 6.67 + 10 = 70.00, the unrounded sum is 70
    near = check_scores(submission(overall=replace(table(rows), printed_total=d("69.99"))), NATIONAL)
    assert [f.severity for f in near if f.code == "printed-total"] == [HINT]
    far = check_scores(submission(overall=replace(table(rows), printed_total=d("69.5"))), NATIONAL)
    assert [f.severity for f in far if f.code == "printed-total"] == [ERROR]


def test_check_scores__grade_message_shows_the_unrounded_total():
    rows = (Indicator("产出指标", "数量指标", "a", "≥10000", "7999", d("50"), reason="x"), *good_indicators()[1:])
    found = check_scores(submission(overall=replace(table(rows), printed_grade="优")), NATIONAL)  # 89.995: 良
    message = next(f.message for f in found if f.code == "grade-mismatch")
    assert "总分 89.995 " in message and "应为“良”" in message


def test_check_scores__not_applicable_with_a_score_is_pointed_out():
    item = Indicator("效益指标", "生态效益指标", "x", "不适用", "", d("0"), d("5"))
    found = check_scores(submission(overall=table((*good_indicators(), item))), NATIONAL)
    assert "score-not-applicable" in codes(found, HINT)


def test_check_printed_rates__a_rate_typed_as_a_whole_number_is_still_checked():
    sub = submission(overall=table(total=FundLine("x", None, d("100"), d("60")), printed_exec_rate=D(1.0), reason="x"))
    assert codes(check_printed_rates(sub, NATIONAL)) == ["printed-rate"]


def test_check_narrative_figures__words_between_name_and_amount():
    from perfeval_xl.checks.narrative import check_narrative_figures
    from perfeval_xl.core.records import Narrative

    sub = submission(basic=basic(sangong=row("sangong", "三公经费", "2", "2", "1.13")))
    for text in ("三公经费决算数为 0.80 万元", "三公经费支出合计0.80万元", "三公经费总额共计0.80万元"):
        found = check_narrative_figures(replace(sub, narrative=Narrative(texts={"problems": text})), NATIONAL)
        assert [f.code for f in found] == ["narrative-figure"], text
        assert "三公经费 0.80 万元，表中为 1.13 万元" in found[0].message
    fine = Narrative(texts={"problems": "三公经费决算数为1.13万元，比上年减少0.80万元"})
    assert check_narrative_figures(replace(sub, narrative=fine), NATIONAL) == []


def test_project_key__numbering_goes_the_year_stays():
    from perfeval_xl.checks.cross import _project_key

    assert (
        _project_key("1、社保基金督查专项经费　")
        == _project_key("（1）社保基金 督查专项经费")
        == "社保基金督查专项经费"
    )
    assert _project_key("2022年度就业补助") != _project_key("2023年度就业补助")
    assert _project_key("2023年度就业补助") == "2023年度就业补助"


def test_check_scores__negative_weight_points_at_the_weight_cell():
    item = Indicator(
        "产出指标",
        "数量指标",
        "培训人数",
        "≥100人",
        "120人",
        d("-50"),
        where={"weight": CellRef("附件2", "F14"), "target": CellRef("附件2", "D14")},
    )
    found = check_scores(submission(overall=table((item, *good_indicators()[1:]))), NATIONAL)
    negative = next(f for f in found if f.code == "weight-negative")
    assert (negative.sheet, negative.cell, negative.severity) == ("附件2", "F14", ERROR)


def test_evaluation__a_typed_score_is_shown_as_typed_so_a_message_never_contradicts_itself():
    from decimal import Decimal

    from perfeval_xl.checks.evaluation import _leaf_findings
    from perfeval_xl.core.records import LeafRow
    from perfeval_xl.engine.evaluation.load import parse_framework

    framework = parse_framework(
        'kind = "evaluation"\nname = "t"\nfull_marks = 10\nscore_places = 1\n[[indicators]]\n'
        'path = ["投入", "制度"]\npoints = 10\nmethod = "checklist"\nitems = ["甲", "乙", "丙"]\n'
    )
    (indicator,) = framework.indicators
    leaf = LeafRow(indicator, "1", None, None, None, Decimal("3.33"), True, "理由", 10)
    (finding,) = [f for f in _leaf_findings(leaf) if f.code == "checklist-mismatch"]
    assert "合计 3.3 分，得分却是 3.33 分" in finding.message
