"""The report's suggested problems and measures."""

from dataclasses import replace
from decimal import Decimal

from perfeval_xl.core.example import corrected_example
from perfeval_xl.core.records import FundLine, Indicator
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import score_assessment
from perfeval_xl.report import suggestions
from perfeval_xl.report.suggestions import suggest

NATIONAL = load_rules("national")


def codes(table, rules=NATIONAL, submission=None):
    return [s.code for s in suggest(table, submission or corrected_example(), rules)]


def test_suggest__the_example():
    example = corrected_example()
    assert codes(example.overall) == ["large-adjustment", "targets-too-low"]


def test_suggest__low_execution():
    overall = corrected_example().overall
    low = replace(
        overall, funding=replace(overall.funding, total=FundLine("年度资金总额", None, Decimal(100), Decimal(80)))
    )
    found = suggest(low, corrected_example(), NATIONAL)
    assert found[0].code == "low-execution" and "80.00%" in found[0].problem


def test_suggest__far_exceeded_only_for_at_least_targets():
    overall = corrected_example().overall
    missed_ceiling = Indicator("产出指标", "数量指标", "城镇登记失业率", "5.4%以内", "9%", Decimal(7))
    table = replace(overall, indicators=(missed_ceiling, *overall.indicators[1:]))
    found = {s.code: s for s in suggest(table, corrected_example(), NATIONAL)}
    assert "城镇登记失业率" in found["targets-missed"].problem
    assert "城镇登记失业率" not in found["targets-too-low"].problem


def test_suggest__a_penalised_target_is_not_missed_under_the_province_rules():
    assert "targets-missed" not in codes(corrected_example().overall, load_rules("province-platform"))


def test_suggest__missing_blocks_and_mostly_qualitative():
    project = corrected_example().projects[0]
    only_output = replace(project, indicators=tuple(i for i in project.indicators if i.level1 == "产出指标"))
    assert "missing-indicators" in codes(only_output)
    assert "mostly-qualitative" in codes(project)


def test_suggest__scores_each_table_once(monkeypatch):
    calls = []
    real = suggestions.score_assessment
    monkeypatch.setattr(suggestions, "score_assessment", lambda *args: calls.append(args) or real(*args))
    table = corrected_example().overall
    assert [s.code for s in suggest(table, corrected_example(), NATIONAL)] == ["large-adjustment", "targets-too-low"]
    assert len(calls) == 1
    scores = score_assessment(table, NATIONAL)
    assert [s.code for s in suggest(table, corrected_example(), NATIONAL, scores)] == [
        "large-adjustment",
        "targets-too-low",
    ]
    assert len(calls) == 1  # given scores are used as they are


def test_suggest__expected_blocks_and_minimum_count_come_from_the_rules(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[suggestions]\nexpected_blocks = ["满意度指标"]\nqualitative_min_count = 10\n', encoding="utf-8")
    rules = load_rules(path)
    project = corrected_example().projects[0]
    only_output = replace(project, indicators=tuple(i for i in project.indicators if i.level1 == "产出指标"))
    missing = next(s for s in suggest(only_output, corrected_example(), rules) if s.code == "missing-indicators")
    assert "未设置满意度指标" in missing.problem and "效益指标" not in missing.problem
    assert "mostly-qualitative" not in codes(project, rules)
