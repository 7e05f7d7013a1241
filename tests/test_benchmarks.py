"""Per-call cost of the engine's hot paths, against a bare Python division in the same run.

In the normal test run (--benchmark-disable) each runs once as a test; ./scripts/bench times them.
"""

import io
from decimal import Decimal

import pytest
from helpers import ROOT

from perfeval_xl.checks import run_checks
from perfeval_xl.core import numbers
from perfeval_xl.core.example import corrected_example
from perfeval_xl.engine import targets
from perfeval_xl.engine.rates import control_rate
from perfeval_xl.engine.scoring import execution_score, indicator_score

per_call = pytest.mark.benchmark(group="per-call")


def bare_division(actual: str, planned: str) -> float:
    """What a formula without our engine does: parse two plain strings and divide."""
    return float(actual) / float(planned)


@per_call
def test_bench__baseline_bare_division(benchmark):
    assert benchmark(bare_division, "1.13", "1.5") == pytest.approx(0.7533, abs=1e-4)


@per_call
def test_bench__control_rate_strings(benchmark):
    assert benchmark(control_rate, "　1.13", "1.5　") == Decimal("1.13") / Decimal("1.5")


@per_call
def test_bench__control_rate_floats(benchmark):
    assert benchmark(control_rate, 1.13, 1.5) == Decimal("1.13") / Decimal("1.5")


@per_call
def test_bench__execution_score(benchmark):
    expected = Decimal(10) * Decimal("1194.52") / Decimal("1294.52")
    assert benchmark(execution_score, "1,194.52", "1294.52", 10) == expected


@per_call
def test_bench__indicator_score_cached(benchmark):
    assert benchmark(indicator_score, "达95%以上", "　97.5%", 10) == 10


def _clear_caches():
    targets._parse.cache_clear()
    numbers._parse_text.cache_clear()


@per_call
def test_bench__indicator_score_uncached(benchmark):
    result = benchmark.pedantic(indicator_score, ("达95%以上", "　90.25%", 10), setup=_clear_caches, rounds=2000)
    assert result == Decimal(10) * Decimal("0.9025") / Decimal("0.95")


@pytest.mark.benchmark(group="whole")
def test_bench__run_checks_on_the_example(benchmark):
    example = corrected_example()
    assert not [f for f in benchmark(run_checks, example) if f.is_error]


def _big_submission(projects: int = 30, indicators_each: int = 10):
    """A unit with 30 projects of 10 indicators each: 300 indicators on the 附件3 sheets."""
    from dataclasses import replace

    from perfeval_xl.core.records import Funding, FundLine, Indicator, SpendingRow

    base = corrected_example()
    blocks = [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
        ("效益指标", "经济效益指标"),
        ("效益指标", "生态效益指标"),
        ("效益指标", "可持续影响指标"),
        ("满意度指标", "服务对象满意度指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    weights = [Decimal(w) for w in (15, 15, 10, 10, 10, 10, 5, 5, 5, 5)]
    sheets, rows = [], []
    for number in range(1, projects + 1):
        name = f"第{number}号项目"
        indicators = tuple(
            Indicator(l1, l2, f"指标{number}-{i}", "≥95%", f"{90 + i}%", weights[i], reason="说明" if i < 5 else "")
            for i, (l1, l2) in enumerate(blocks[:indicators_each])
        )
        funding = Funding(
            FundLine("年度资金总额", Decimal(100), Decimal(100), Decimal(95)),
            Decimal(10),
            sources=(FundLine("当年财政拨款", Decimal(100), Decimal(100), Decimal(95)),),
        )
        sheets.append(replace(base.projects[0], name=name, indicators=indicators, funding=funding))
        rows.append(SpendingRow("project", name, None, Decimal(100), Decimal(95)))
    basic = replace(base.basic, projects=tuple(rows))
    return replace(base, basic=basic, projects=tuple(sheets))


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    from perfeval_xl.workbook.new import new_workbook

    folder = tmp_path_factory.mktemp("bench")
    files = {}
    for key, submission in (("example", corrected_example()), ("big", _big_submission())):
        path = folder / f"{key}.xlsm"
        path.write_bytes(new_workbook("dept", None, [p.name for p in submission.projects], "udf", ".xlsm", submission))
        files[key] = path
    return files


@pytest.mark.benchmark(group="load")
def test_bench__openpyxl_alone_on_the_example(benchmark, workbooks):
    import openpyxl

    benchmark.pedantic(openpyxl.load_workbook, (workbooks["example"],), rounds=5)


@pytest.mark.benchmark(group="load")
def test_bench__load_and_check_the_example(benchmark, workbooks):
    from perfeval_xl.workbook.open import load

    _submission, findings, _options = benchmark.pedantic(load, (workbooks["example"],), rounds=5)
    assert not [f for f in findings if f.is_error]


@pytest.mark.benchmark(group="load")
def test_bench__openpyxl_alone_on_30_projects(benchmark, workbooks):
    import openpyxl

    benchmark.pedantic(openpyxl.load_workbook, (workbooks["big"],), rounds=3)


@pytest.mark.benchmark(group="load")
def test_bench__load_and_check_30_projects_300_indicators(benchmark, workbooks):
    from perfeval_xl.workbook.open import load

    submission, _findings, _options = benchmark.pedantic(load, (workbooks["big"],), rounds=3)
    assert sum(len(p.indicators) for p in submission.projects) == 300


# ---------------------------------------------------------------- as Excel calls the worksheet functions

excel = pytest.mark.benchmark(group="excel")


def bare_rate(actual: float, planned: float) -> float:
    """The same division written as a bare Python function: the floor for a cell's computation."""
    return actual / planned if planned else 0.0


@excel
def test_bench__excel_baseline_bare_division_floats(benchmark):
    assert benchmark(bare_rate, 1.13, 1.5) == pytest.approx(0.75333, abs=1e-5)


@excel
def test_bench__excel_pe_controlrate_floats(benchmark):
    from perfeval_xl.udfs import PE_CONTROLRATE

    assert benchmark(PE_CONTROLRATE, 1.13, 1.5) == pytest.approx(0.75333, abs=1e-5)


@excel
def test_bench__excel_pe_controlrate_strings(benchmark):
    from perfeval_xl.udfs import PE_CONTROLRATE

    assert benchmark(PE_CONTROLRATE, "　1.13", "1.5") == pytest.approx(0.75333, abs=1e-5)


@excel
def test_bench__excel_pe_score_strings(benchmark):
    from perfeval_xl.udfs import PE_SCORE

    assert benchmark(PE_SCORE, "达95%以上", "97.5%", 10.0, "national", "数量指标") == 10


@excel
def test_bench__excel_pe_evalscore_bands(benchmark):
    """A 评分表 row's score: the framework is read once per process, then found by its path each call."""
    from perfeval_xl.udfs import PE_EVALSCORE

    assert benchmark(PE_EVALSCORE, 0.05, "gongxing-2013", "过程/预算执行/预算调整率") == 2


@excel
def test_bench__excel_pe_evalscore_users_file(benchmark, tmp_path):
    """The same with a framework file of one's own: a stat per call, re-read only when the file changes."""
    from perfeval_xl.udfs import PE_EVALSCORE

    framework = tmp_path / "mine.toml"
    framework.write_bytes((ROOT / "perfeval_xl" / "rules" / "gongxing-2013.toml").read_bytes())
    assert benchmark(PE_EVALSCORE, 0.05, str(framework), "过程/预算执行/预算调整率") == 2


# ---------------------------------------------------------------- the report

report_group = pytest.mark.benchmark(group="report")


@pytest.fixture(scope="module")
def report_inputs(workbooks, tmp_path_factory):
    """The example workbook, and the same context docxtpl alone would be given."""
    from perfeval_xl.engine.rulesets import load_rules
    from perfeval_xl.report.context import dept_context
    from perfeval_xl.workbook.open import load

    submission, _findings, _options = load(workbooks["example"])
    return workbooks["example"], dept_context(submission, load_rules("national"), "2024年6月26日"), submission


@report_group
def test_bench__report_docxtpl_alone(benchmark, report_inputs):
    """The floor: docxtpl rendering the shipped template with the finished context (no charts, no checks)."""
    from docxtpl import DocxTemplate

    from perfeval_xl.report.render import environment, template_file
    from perfeval_xl.report.templates.selfassessment import DEPT_TEMPLATE

    _path, context, _submission = report_inputs

    def render_alone():
        template = DocxTemplate(str(template_file(DEPT_TEMPLATE)))
        template.render(context, environment(), autoescape=True)
        template.save(io.BytesIO())

    benchmark.pedantic(render_alone, rounds=5)


@report_group
def test_bench__report_whole_path(benchmark, report_inputs, tmp_path):
    """What `perfeval report` does: read and check the workbook, build the context and charts, render, write."""
    from perfeval_xl.report.write import write_reports
    from perfeval_xl.workbook.open import load

    path, _context, _submission = report_inputs

    def whole():
        submission, findings, options = load(path)
        return write_reports(
            path, submission, findings, options["rule_set"], out=tmp_path / "r.docx", report_date="2024-06-26"
        )

    result = benchmark.pedantic(whole, rounds=5)
    assert result.documents[0].exists()
