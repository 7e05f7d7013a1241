"""perfeval demo, new, example, check and report: workbooks made, checked and reported on."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import click

from perfeval_xl.checks import run_checks
from perfeval_xl.cli.group import cli
from perfeval_xl.cli.show import finding_lines, submission_lines
from perfeval_xl.core.cycle import STRUCTURES
from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.core.example_evaluation import evaluation_example
from perfeval_xl.core.numbers import format_score
from perfeval_xl.core.records import Submission
from perfeval_xl.engine.rulefiles import available_rules
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.utils.files import write_atomic

DEMO_WORKBOOK = "示例-岳阳市君山区人社局2023.xlsm"
EVALUATION_DEMO_WORKBOOK = "示例-部门整体支出绩效评价（虚构单位）.xlsm"


class Shipped(NamedTuple):
    """A file shipped in workbook/: what kind of workbook, which formulas, which example (None: a blank template;
    "corrected", "published" or "evaluation"), and the framework an evaluation template is made from."""

    kind: str
    formulas: str
    example: str | None = None
    framework: str | None = None


# The files shipped in workbook/, rebuilt by `perfeval build-workbooks workbook` (a test checks they are current)
SHIPPED_WORKBOOKS = {
    "部门整体支出绩效自评.xlsm": Shipped("dept", "udf"),
    "部门整体支出绩效自评（无宏版）.xlsx": Shipped("dept", "native"),
    "项目支出绩效自评.xlsm": Shipped("project", "udf"),
    DEMO_WORKBOOK: Shipped("dept", "udf", "corrected"),
    "示例-岳阳市君山区人社局2023（按公开文本）.xlsm": Shipped("dept", "udf", "published"),
    **{
        f"部门整体支出绩效评价（{name}）.xlsm": Shipped("evaluation", "udf", framework=name)
        for name in ("gongxing-2013", "budget-30-40-30")
    },
    "部门整体支出绩效评价（gongxing-2013，无宏版）.xlsx": Shipped("evaluation", "native", framework="gongxing-2013"),
    EVALUATION_DEMO_WORKBOOK: Shipped("evaluation", "udf", "evaluation"),
    "绩效目标申报表.xlsm": Shipped("targets", "udf"),
    "绩效目标申报表（无宏版）.xlsx": Shipped("targets", "native"),
}


FRAMEWORK_HELP = "评价工作簿按这个评价指标体系（名称或 .toml 文件）检查，代替工作簿里保存的。"


def _rules_as_written(rules_name: str | None) -> str | None:
    """What the 说明 sheet's 评分规则 says: a built-in name as given, a rule file by its full path — the workbook
    may be moved, and the PE_* functions in Excel do not know the workbook's folder."""
    from perfeval_xl.engine.evaluation.load import available_frameworks

    if rules_name is None or rules_name in available_rules() or rules_name in available_frameworks():
        return rules_name
    return str(Path(rules_name).resolve())


def filled_workbook(submission: Submission, formulas: str, suffix: str) -> bytes:
    """A department workbook holding `submission`, one 附件3 per project, scored by the rule set its header names."""
    from perfeval_xl.workbook.new import new_workbook

    projects = [p.name for p in submission.projects]
    return new_workbook("dept", submission.header.rule_set, projects, formulas, suffix, submission)


@cli.command()
@click.option(
    "--rules", "rules_name", default=None, help="评分规则：national、grade-85、province-platform 或 .toml 文件路径。"
)
@click.option("--as-published", is_flag=True, help="只看按公开文本录入（含原有错误）的版本及其审核结果，不生成文件。")
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False),
    default="perfeval-demo",
    show_default=True,
    help="示例工作簿和报告写到这个文件夹。",
)
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 把报告转成 PDF。")
def demo(rules_name: str | None, as_published: bool, folder: str, pdf: bool) -> None:
    """用内置示例（岳阳市君山区人社局 2023 年度）演示：计算、审核，并生成示例工作簿和它的自评报告；
    另有一份虚构单位的部门整体支出绩效评价示例和它的评价报告。"""
    from perfeval_xl.report.write import write_reports
    from perfeval_xl.workbook.new import filled_evaluation_workbook
    from perfeval_xl.workbook.open import load

    rules = load_rules(rules_name)
    published = published_example()
    lines: list[str] = []
    if as_published:
        lines += submission_lines(published, rules)
        lines += finding_lines(run_checks(published, rules))
        click.echo("\n".join(lines))
        return
    corrected = corrected_example()
    if rules_name:  # the files carry the rule set the terminal shows
        corrected = replace(corrected, header=replace(corrected.header, rule_set=_rules_as_written(rules_name)))
    lines += ["【一】修正后的示例：各项比率与得分由引擎重新计算", ""]
    lines += submission_lines(corrected, rules)
    lines += [*finding_lines(run_checks(corrected, rules)), ""]
    lines += ["【二】按公开文本录入的原表：审核发现的问题", ""]
    lines += [*finding_lines(run_checks(published, rules)), ""]
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PerfevalError(f"无法创建文件夹“{out}”：{os_reason(error)}") from None
    workbook = write_atomic(filled_workbook(corrected, "udf", ".xlsm"), out / DEMO_WORKBOOK, overwrite=True)
    submission, findings, options = load(workbook)
    reports = write_reports(workbook, submission, findings, options["rules"], projects=True, pdf=pdf)
    evaluation = write_atomic(
        filled_evaluation_workbook(evaluation_example(), "udf", ".xlsm"), out / EVALUATION_DEMO_WORKBOOK, overwrite=True
    )
    scored, evaluation_findings, evaluation_options = load(evaluation)
    evaluation_reports = write_reports(evaluation, scored, evaluation_findings, evaluation_options["rules"], pdf=pdf)
    sheet = scored.evaluation
    lines += ["【三】部门整体支出绩效评价示例（虚构单位，按 gongxing-2013 评分）", ""]
    if sheet is not None and sheet.total is not None and sheet.total.score is not None:
        lines.append(f"  {scored.header.unit_name}：总分 {format_score(sheet.total.score)} 分，等级“{sheet.grade}”")
    lines += [*finding_lines(evaluation_findings), ""]
    lines += ["【四】生成的文件", f"  {workbook}"] + [f"  {path}" for path in [*reports.documents, *reports.pdfs]]
    lines += [f"  {evaluation}"] + [f"  {p}" for p in [*evaluation_reports.documents, *evaluation_reports.pdfs]]
    notes = [*reports.notes, *evaluation_reports.notes]
    lines += [f"  {note}" for note in notes]
    click.echo("\n".join(lines))
    raise click.exceptions.Exit(1 if pdf and notes else 0)


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="报告文件（.docx）；默认写在工作簿旁边，以“年度+单位+整体支出绩效自评报告”命名"
    "（评价工作簿：“年度+单位+部门整体支出绩效评价报告”）。只有附件3 的工作簿：项目报告的文件名（只能有一张附件3）。",
)
@click.option("--projects", is_flag=True, help="同时为每张附件3 生成项目支出绩效自评报告。")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF（需要已安装 LibreOffice）。")
@click.option(
    "--template",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="用自己的 Word 模板（带 Jinja 标签，见 templates/）代替内置的整体支出报告模板；"
    "只有附件3 的工作簿则代替项目支出报告模板，评价工作簿则代替评价报告模板。",
)
@click.option(
    "--date", "report_date", default=None, help="报告日期，如 2024-06-26（默认取“报告文字”中的日期，否则为今天）。"
)
@click.option("--framework", default=None, help=FRAMEWORK_HELP)
def report(
    file: str,
    out: str | None,
    projects: bool,
    pdf: bool,
    template: str | None,
    report_date: str | None,
    framework: str | None,
) -> None:
    """检查工作簿，没有错误时生成 Word 自评报告（评价工作簿：部门整体支出绩效评价报告）。

    退出码：0 已生成；1 工作簿有错误（不生成），或要求的 PDF 没能生成；2 文件或模板无法使用。
    """
    from perfeval_xl.report.write import refuse_unreported, write_reports
    from perfeval_xl.workbook.open import load

    if report_date is not None:
        try:
            report_date = date.fromisoformat(report_date.strip())  # type: ignore[assignment]
        except ValueError:
            raise click.BadParameter(f"“{report_date}”不是日期，请写成 2024-06-26", param_hint="--date") from None
    path = Path(file)
    submission, findings, options = load(path, framework=framework)
    refuse_unreported(submission)
    errors = [f for f in findings if f.is_error]
    if errors:
        click.echo("\n".join(finding_lines(findings)))
        click.echo(f"有 {len(errors)} 个错误，请先改正，再生成报告。", err=True)
        raise click.exceptions.Exit(1)
    reports = write_reports(
        path,
        submission,
        findings,
        options["rules"],
        Path(out) if out else None,
        projects,
        pdf,
        Path(template) if template else None,
        report_date,
    )
    for written in [*reports.documents, *reports.pdfs]:
        click.echo(f"已生成 {written}")
    for note in reports.notes:
        click.echo(note, err=True)
    raise click.exceptions.Exit(1 if pdf and reports.notes else 0)


FORMULAS = click.Choice(["udf", "native"])


def _projects(count: int | None, names: tuple[str, ...]) -> list[str]:
    if names:
        return list(names)
    return [""] * (count if count is not None else 1)


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option(
    "--kind",
    type=click.Choice(["dept", "project", "targets", "monitor"]),
    default="dept",
    show_default=True,
    help="dept：部门整体支出（附件1、附件2、附件3、收支预决算）；project：只有附件3；"
    "targets：绩效目标申报表；monitor：运行监控表（须用 --from 指定申报表）。",
)
@click.option(
    "--rules",
    "rules_name",
    default=None,
    help="评分规则：national、grade-85、province-platform 或 .toml 路径；评价指标体系（如 gongxing-2013）"
    "则生成部门整体支出绩效评价工作簿。",
)
@click.option("--projects", "count", type=click.IntRange(0, 200), default=None, help="附件3 的张数（默认 1）。")
@click.option("--project", "names", multiple=True, help="项目名称，每个 --project 一张附件3（可重复）。")
@click.option(
    "--formulas",
    type=FORMULAS,
    default="udf",
    show_default=True,
    help="udf：比率和得分用 PE_* 函数（需加载项）；"
    "native：比率用 Excel 自带公式，得分手工填写（WPS、LibreOffice 可用）。",
)
@click.option(
    "--structure",
    type=click.Choice(list(STRUCTURES)),
    default=None,
    help="绩效目标申报表的指标体系：2020（财预〔2020〕10号）或 2021（财预〔2021〕101号，成本指标为一级指标）；"
    "默认按评分规则。",
)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False),
    default=None,
    help="绩效目标申报表：--kind monitor 由它生成运行监控表；不写 --kind 时由它生成自评工作簿。指标和指标值自动带入。",
)
@click.option(
    "--monitor",
    "monitor_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="（与 --from 同用，生成自评工作簿时）运行监控表：预计完不成的指标，把监控时的原因和纠偏措施带入偏差原因分析。",
)
@click.option("--month", type=click.IntRange(1, 12), default=None, help="运行监控表的监控月份（默认 7，即 1-7月）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def new(
    out: str,
    kind: str,
    rules_name: str | None,
    count: int | None,
    names: tuple[str, ...],
    formulas: str,
    structure: str | None,
    source: str | None,
    monitor_file: str | None,
    month: int | None,
    force: bool,
) -> None:
    """生成空白的自评工作簿模板（.xlsm 或 .xlsx）、绩效目标申报表或运行监控表；
    --from 申报表 则生成带有申报指标的运行监控表或自评工作簿。"""
    from perfeval_xl.engine.evaluation.load import is_evaluation
    from perfeval_xl.workbook.new import new_workbook

    path = Path(out)
    rules_in_file = _rules_as_written(rules_name)
    if kind in ("targets", "monitor") or source is not None:
        given = _CycleOptions(count is not None or bool(names), structure, monitor_file, month)
        _new_cycle(path, kind, rules_in_file, _projects(count, names), formulas, source, given, force)
        return
    if structure or monitor_file or month:
        raise click.UsageError(
            "--structure 只用于 --kind targets，--month 只用于 --kind monitor，--monitor 只与 --from 同用"
        )
    if rules_in_file is not None and is_evaluation(rules_in_file):
        if kind != "dept" or count is not None or names:
            raise click.UsageError(
                "评价指标体系生成的是部门整体支出绩效评价工作簿，不分附件3：请去掉 --kind、--projects、--project"
            )
        write_atomic(new_workbook(kind, rules_in_file, [], formulas, path.suffix.lower()), path, overwrite=force)
        click.echo(
            f"已生成 {path}（{'含 PE_* 函数' if formulas == 'udf' else '无宏版'}，部门整体支出绩效评价指标评分表）"
        )
        return
    projects = _projects(count, names)
    if kind == "project" and not projects:
        raise click.UsageError("项目支出自评工作簿至少要有一张附件3")
    write_atomic(new_workbook(kind, rules_in_file, projects, formulas, path.suffix.lower()), path, overwrite=force)
    click.echo(f"已生成 {path}（{'含 PE_* 函数' if formulas == 'udf' else '无宏版'}，附件3 {len(projects)} 张）")


class _CycleOptions(NamedTuple):
    """The options of `new` that only some cycle workbooks take."""

    projects: bool
    structure: str | None
    monitor: str | None
    month: int | None


def _new_cycle(
    path: Path,
    kind: str,
    rules: str | None,
    projects: list[str],
    formulas: str,
    source: str | None,
    given: _CycleOptions,
    force: bool,
) -> None:
    """A declaration, a monitoring workbook from one, or a self-assessment from one."""
    from perfeval_xl.workbook.cycle import new_monitor_workbook, new_selfassessment_from, new_targets_workbook
    from perfeval_xl.workbook.layout.monitor import DEFAULT_MONTH
    from perfeval_xl.workbook.new import template_info

    suffix, info = path.suffix.lower(), template_info(formulas)
    for given_file in (source, given.monitor):
        if given_file and Path(given_file).resolve() == path.resolve():
            raise click.UsageError(f"生成的文件不能写在“{Path(given_file).name}”本身上：请另起一个文件名")
    flavour = "含 PE_* 函数" if formulas == "udf" else "无宏版"
    if kind == "targets":
        if source or given.monitor or given.month:
            raise click.UsageError("--kind targets 生成空白的绩效目标申报表，不用 --from、--monitor、--month")
        data = new_targets_workbook(given.structure, rules, projects, formulas, suffix, info)
        what = f"绩效目标申报表：部门整体 1 张，项目 {len(projects)} 张"
    elif kind == "monitor":
        if source is None:
            raise click.UsageError("运行监控表由绩效目标申报表生成：请用 --from 目标.xlsm 指定申报表")
        if given.projects or given.structure or given.monitor or rules:
            raise click.UsageError(
                "运行监控表的项目、指标体系和评分规则都取自申报表：请去掉 --project、--structure、--rules、--monitor"
            )
        data = new_monitor_workbook(Path(source), formulas, suffix, info, given.month or DEFAULT_MONTH)
        what = f"运行监控表，监控月份 {given.month or DEFAULT_MONTH}"
    else:
        if kind != "dept" or given.projects or given.structure or given.month:
            raise click.UsageError(
                "由申报表生成的自评工作簿，项目和指标取自申报表：请去掉 --kind、--project、--structure、--month"
            )
        monitor = Path(given.monitor) if given.monitor else None
        data = new_selfassessment_from(Path(source or ""), rules, formulas, suffix, info, monitor)
        what = "自评工作簿，申报的指标和指标值已带入" + ("，监控时的原因和纠偏措施已带入" if monitor else "")
    write_atomic(data, path, overwrite=force)
    click.echo(f"已生成 {path}（{flavour}，{what}）")


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--as-published", is_flag=True, help="保留公开文本中的原有错误（check 会把它们找出来）。")
@click.option(
    "--evaluation", is_flag=True, help="改为生成填好的部门整体支出绩效评价工作簿（虚构单位，按 gongxing-2013 评分）。"
)
@click.option("--formulas", type=FORMULAS, default="udf", show_default=True, help="udf 或 native（同 new）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def example(out: str, as_published: bool, evaluation: bool, formulas: str, force: bool) -> None:
    """生成填好的示例工作簿：岳阳市君山区人社局 2023 年度自评（默认为修正后的版本），或虚构单位的绩效评价。"""
    from perfeval_xl.workbook.new import filled_evaluation_workbook

    path = Path(out)
    if evaluation:
        if as_published:
            raise click.UsageError("评价示例是虚构的，没有公开文本：--evaluation 不能与 --as-published 同用")
        data = filled_evaluation_workbook(evaluation_example(), formulas, path.suffix.lower())
        write_atomic(data, path, overwrite=force)
        click.echo(f"已生成 {path}（部门整体支出绩效评价示例，虚构单位）")
        return
    submission = published_example() if as_published else corrected_example()
    write_atomic(filled_workbook(submission, formulas, path.suffix.lower()), path, overwrite=force)
    click.echo(f"已生成 {path}（{'按公开文本，含原有错误' if as_published else '修正后的示例'}）")


def _json_value(value: object) -> object:
    """A value for strict JSON: numbers as floats; no value, or a number no float can hold, as null."""
    if isinstance(value, dict):  # eval_scores: node path -> score
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, Decimal | float):
        number = float(value)
        return number if math.isfinite(number) else None
    return value if value != "" else None


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="以 JSON 输出发现、计算单元格的值（及被改写时按公式应得的值）和读到的填写单元格的值。",
)
@click.option("--framework", default=None, help=FRAMEWORK_HELP)
def check(file: str, as_json: bool, framework: str | None) -> None:
    """检查一份自评工作簿：重新计算每个比率和得分，按财政审核口径列出问题。

    退出码：0 没有错误；1 至少一个错误；2 文件无法读取。
    """
    from perfeval_xl.workbook.open import load

    _submission, findings, options = load(file, framework=framework)
    errors = sum(f.is_error for f in findings)
    if as_json:
        payload = {
            "findings": [
                {"severity": f.severity, "code": f.code, "sheet": f.sheet, "cell": f.cell, "message": f.message}
                for f in findings
            ],
            "values": {name: _json_value(value) for name, value in options["values"].items()},
            "inputs": {name: _json_value(value) for name, value in options["inputs"].items()},
            "recomputed": {name: _json_value(value) for name, value in options["recomputed"].items()},
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo("\n".join(finding_lines(findings)))
    raise click.exceptions.Exit(1 if errors else 0)
