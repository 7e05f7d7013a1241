"""The `perfeval` command: thin wrappers over the engine that print in Chinese; exit 0, 1 (错误), 2 or 3 (see main)."""

from __future__ import annotations

import json
import math
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import click

from perfeval_xl.checks import run_checks
from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.core.numbers import format_amount, format_percent, format_score
from perfeval_xl.core.records import Assessment, BasicData, Finding, SpendingRow, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.core.version import __version__
from perfeval_xl.engine.rates import change_rate, control_rate
from perfeval_xl.engine.rulefiles import available_rules
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import score_assessment
from perfeval_xl.utils.files import write_atomic


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int, right: bool = False) -> str:
    if _width(text) > width:
        while text and _width(text + "…") > width:
            text = text[:-1]
        text += "…"
    pad = " " * (width - _width(text))
    return pad + text if right else text + pad


def _table(rows: Sequence[Sequence[str]], widths: Sequence[int], right_from: int = 1) -> list[str]:
    return [
        "  " + " ".join(_cell(v, w, i >= right_from) for i, (v, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]


def _basic_lines(basic: BasicData) -> list[str]:
    staff = basic.staff
    lines = [
        "附件1 基础数据表（万元）",
        f"  财政供养人员：编制 {format_score(staff.quota)} 人，实际在职 {format_score(staff.actual)} 人，"
        f"控制率 {format_percent(control_rate(staff.actual, staff.quota))}",
    ]
    rows: list[SpendingRow] = [
        basic.sangong,
        *basic.sangong_items,
        basic.project_spending,
        *basic.projects,
        basic.public_funds,
        *basic.public_items,
        basic.procurement,
    ]
    table = [("项目", "上年决算", "本年预算", "本年决算", "控制率", "同比增减率")]
    table += [
        (
            row.label,
            format_amount(row.prev),
            format_amount(row.budget),
            format_amount(row.final),
            format_percent(control_rate(row.final, row.budget)),
            format_percent(change_rate(row.final, row.prev)),
        )
        for row in rows
        if (row.prev, row.budget, row.final) != (None, None, None)
    ]
    return lines + _table(table, (26, 9, 9, 9, 8, 10))


def _assessment_lines(table: Assessment, rules: RuleSet) -> list[str]:
    scores = score_assessment(table, rules)
    total = table.funding.total
    lines = [
        f"{table.title}（{rules.title}）",
        f"  年度资金总额：年初预算 {format_amount(total.initial)}，全年预算 {format_amount(total.budget)}，"
        f"全年执行 {format_amount(total.executed)}，执行率 {format_percent(scores.execution_rate)}，"
        f"得分 {format_score(scores.execution_score)}/{format_score(table.funding.weight)}",
    ]
    rows = [("三级指标", "目标读作", "实际完成值", "分值", "得分", "依据")]
    basis = {
        "quantitative": "按完成率",
        "qualitative": "定性·已达成",
        "judgement": "待人工评定",
        "not_applicable": "不适用",
        "incomplete": "信息不全",
    }
    for item in scores.indicators:
        source = "人工" if item.manual else basis[item.result.basis]
        rows.append(
            (
                item.indicator.level3,
                item.result.target.describe(),
                item.indicator.actual,
                format_score(item.indicator.weight),
                format_score(item.score),
                source,
            )
        )
    lines += _table(rows, (30, 16, 16, 5, 6, 11), right_from=3)
    cap = f"（按执行率封顶 {format_score(scores.cap)}）" if scores.cap is not None else ""
    lines.append(f"  总分 {format_score(scores.total)}{cap}，等级 {scores.grade or '—'}")
    return lines


def _submission_lines(submission: Submission, rules: RuleSet) -> list[str]:
    lines = [f"{submission.header.unit_name} {submission.header.fiscal_year} 年度", ""]
    if submission.basic:
        lines += [*_basic_lines(submission.basic), ""]
    for table in ([submission.overall] if submission.overall else []) + list(submission.projects):
        lines += [*_assessment_lines(table, rules), ""]
    return lines


def _finding_lines(findings: list[Finding]) -> list[str]:
    errors = sum(f.is_error for f in findings)
    lines = [f"审核结果：{errors} 个错误，{len(findings) - errors} 个提示"]
    return lines + [f"  {finding}" for finding in sorted(findings, key=lambda f: not f.is_error)]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfeval", message="%(prog)s %(version)s")
def cli() -> None:
    """预算绩效自评：计算各项比率和得分，按财政审核口径检查自评表。"""


DEMO_WORKBOOK = "示例-岳阳市君山区人社局2023.xlsm"
# The files shipped in workbook/, rebuilt by `perfeval build-workbooks workbook` (a test checks they are current):
# name -> (kind, formulas, example: None, "corrected" or "published")
SHIPPED_WORKBOOKS = {
    "部门整体支出绩效自评.xlsm": ("dept", "udf", None),
    "部门整体支出绩效自评（无宏版）.xlsx": ("dept", "native", None),
    "项目支出绩效自评.xlsm": ("project", "udf", None),
    DEMO_WORKBOOK: ("dept", "udf", "corrected"),
    "示例-岳阳市君山区人社局2023（按公开文本）.xlsm": ("dept", "udf", "published"),
}


def _rules_as_written(rules_name: str | None) -> str | None:
    """What the 说明 sheet's 评分规则 says: a built-in name as given, a rule file by its full path — the workbook
    may be moved, and the PE_* functions in Excel do not know the workbook's folder."""
    from perfeval_xl.engine.evaluation.load import available_frameworks

    if rules_name is None or rules_name in available_rules() or rules_name in available_frameworks():
        return rules_name
    return str(Path(rules_name).resolve())


def _filled_workbook(submission: Submission, formulas: str, suffix: str) -> bytes:
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
    """用内置示例（岳阳市君山区人社局 2023 年度）演示：计算、审核，并生成示例工作簿和它的自评报告。"""
    from perfeval_xl.report.write import write_reports
    from perfeval_xl.workbook.open import load

    rules = load_rules(rules_name)
    published = published_example()
    lines: list[str] = []
    if as_published:
        lines += _submission_lines(published, rules)
        lines += _finding_lines(run_checks(published, rules))
        click.echo("\n".join(lines))
        return
    corrected = corrected_example()
    if rules_name:  # the files carry the rule set the terminal shows
        corrected = replace(corrected, header=replace(corrected.header, rule_set=_rules_as_written(rules_name)))
    lines += ["【一】修正后的示例：各项比率与得分由引擎重新计算", ""]
    lines += _submission_lines(corrected, rules)
    lines += [*_finding_lines(run_checks(corrected, rules)), ""]
    lines += ["【二】按公开文本录入的原表：审核发现的问题", ""]
    lines += [*_finding_lines(run_checks(published, rules)), ""]
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PerfevalError(f"无法创建文件夹“{out}”：{os_reason(error)}") from None
    workbook = write_atomic(_filled_workbook(corrected, "udf", ".xlsm"), out / DEMO_WORKBOOK, overwrite=True)
    submission, findings, options = load(workbook)
    reports = write_reports(workbook, submission, findings, options["rules"], projects=True, pdf=pdf)
    lines += ["【三】生成的文件", f"  {workbook}"] + [f"  {path}" for path in [*reports.documents, *reports.pdfs]]
    lines += [f"  {note}" for note in reports.notes]
    click.echo("\n".join(lines))
    raise click.exceptions.Exit(1 if pdf and reports.notes else 0)


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
def report(
    file: str, out: str | None, projects: bool, pdf: bool, template: str | None, report_date: str | None
) -> None:
    """检查工作簿，没有错误时生成 Word 自评报告（评价工作簿：部门整体支出绩效评价报告）。

    退出码：0 已生成；1 工作簿有错误（不生成），或要求的 PDF 没能生成；2 文件或模板无法使用。
    """
    from perfeval_xl.report.write import write_reports
    from perfeval_xl.workbook.open import load

    if report_date is not None:
        try:
            report_date = date.fromisoformat(report_date.strip())  # type: ignore[assignment]
        except ValueError:
            raise click.BadParameter(f"“{report_date}”不是日期，请写成 2024-06-26", param_hint="--date") from None
    path = Path(file)
    submission, findings, options = load(path)
    errors = [f for f in findings if f.is_error]
    if errors:
        click.echo("\n".join(_finding_lines(findings)))
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
    type=click.Choice(["dept", "project"]),
    default="dept",
    show_default=True,
    help="dept：部门整体支出（附件1、附件2、附件3、收支预决算）；project：只有附件3。",
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
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def new(
    out: str, kind: str, rules_name: str | None, count: int | None, names: tuple[str, ...], formulas: str, force: bool
) -> None:
    """生成空白的自评工作簿模板（.xlsm 或 .xlsx）。"""
    from perfeval_xl.engine.evaluation.load import is_evaluation
    from perfeval_xl.workbook.new import new_workbook

    path = Path(out)
    rules_in_file = _rules_as_written(rules_name)
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


@cli.command()
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--as-published", is_flag=True, help="保留公开文本中的原有错误（check 会把它们找出来）。")
@click.option("--formulas", type=FORMULAS, default="udf", show_default=True, help="udf 或 native（同 new）。")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。")
def example(out: str, as_published: bool, formulas: str, force: bool) -> None:
    """生成填好的示例工作簿：岳阳市君山区人社局 2023 年度（默认为修正后的版本）。"""
    path = Path(out)
    submission = published_example() if as_published else corrected_example()
    write_atomic(_filled_workbook(submission, formulas, path.suffix.lower()), path, overwrite=force)
    click.echo(f"已生成 {path}（{'按公开文本，含原有错误' if as_published else '修正后的示例'}）")


@cli.command("build-workbooks", hidden=True)
@click.argument("folder", type=click.Path(file_okay=False), default="workbook")
def build_workbooks(folder: str) -> None:
    """（开发用）重新生成 workbook/ 中随项目发布的模板和示例。"""
    from perfeval_xl.workbook.new import new_workbook

    for name, (kind, formulas, which) in SHIPPED_WORKBOOKS.items():
        path = Path(folder) / name
        submission = {"corrected": corrected_example, "published": published_example}.get(which or "")
        if submission is None:
            data = new_workbook(kind, None, [""], formulas, path.suffix)
        else:  # the examples are department workbooks
            data = _filled_workbook(submission(), formulas, path.suffix)
        write_atomic(data, path, overwrite=True)
        click.echo(f"已生成 {path}")


def _setup(startup_dir: str | None, config: str | None):
    from perfeval_xl.excel.addin import Setup, config_file, startup_folder

    return Setup(Path(startup_dir) if startup_dir else startup_folder(), Path(config) if config else config_file())


STARTUP_OPTION = click.option(
    "--startup-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Excel 启动文件夹（默认按系统约定：Windows 为 %APPDATA%\\Microsoft\\Excel\\XLSTART）。",
)
CONFIG_OPTION = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="xlwings 用户配置文件（默认 ~/.myaddin/myaddin.conf）。",
)


@cli.group()
def addin() -> None:
    """安装或删除 Excel 的“绩效自评”功能区加载项（Windows、macOS）。"""


@addin.command("install")
@STARTUP_OPTION
@CONFIG_OPTION
def addin_install(startup_dir: str | None, config: str | None) -> None:
    """把 perfeval_xl.xlam 复制到 Excel 启动文件夹，并让它使用当前的 Python。"""
    from perfeval_xl.excel.addin import install

    for line in install(_setup(startup_dir, config)):
        click.echo(line)
    click.echo("请重新启动 Excel：功能区出现“绩效自评”选项卡，PE_* 函数即可使用。")


@addin.command("remove")
@STARTUP_OPTION
@CONFIG_OPTION
def addin_remove(startup_dir: str | None, config: str | None) -> None:
    """从 Excel 启动文件夹中删除 perfeval_xl.xlam。"""
    from perfeval_xl.excel.addin import remove

    for line in remove(_setup(startup_dir, config)):
        click.echo(line)


@cli.command()
@STARTUP_OPTION
@CONFIG_OPTION
def doctor(startup_dir: str | None, config: str | None) -> None:
    """检查在 Excel 中使用所需的一切：Python、xlwings 版本、加载项、配置。"""
    from perfeval_xl.excel.addin import MISSING
    from perfeval_xl.excel.addin import doctor as run_doctor

    lines = run_doctor(_setup(startup_dir, config))
    for mark, text in lines:
        click.echo(f"{mark} {text}")
    raise click.exceptions.Exit(1 if any(mark == MISSING for mark, _ in lines) else 0)


@cli.command("build-addin", hidden=True)
@click.argument("out", type=click.Path(dir_okay=False), default="workbook/perfeval_xl.xlam")
def build_addin_command(out: str) -> None:
    """（开发用）用 xlwings quickstart 重新生成 workbook/perfeval_xl.xlam。"""
    from perfeval_xl.excel.addin import build_addin

    write_atomic(build_addin(), Path(out), overwrite=True)
    click.echo(f"已生成 {out}")


@cli.command("build-templates", hidden=True)
@click.argument("folder", type=click.Path(file_okay=False), default="templates")
def build_templates(folder: str) -> None:
    """（开发用）重新生成 templates/ 中的 Word 报告模板。"""
    from perfeval_xl.report.templates import TEMPLATES

    for name, build in TEMPLATES.items():
        write_atomic(build(), Path(folder) / name, overwrite=True)
        click.echo(f"已生成 {Path(folder) / name}")


README_SECTIONS = ("names", "functions")


def names_markdown() -> str:
    """The defined-name contract as a README table, generated from layout.py."""
    from perfeval_xl.workbook.layout.book import defined_names, workbook_layout
    from perfeval_xl.workbook.new import template_info

    layout = workbook_layout("dept", load_rules(None), ["项目名称"], template_info("udf"))
    rows = ["| 名称 | 范围 | 位置（模板中） | 内容 |", "|---|---|---|---|"]
    rows += [f"| `{name}` | {scope} | `{ref}` | {text} |" for name, scope, ref, text in defined_names(layout)]
    return "\n".join(rows)


def functions_markdown() -> str:
    """The PE_* worksheet functions as a README table, generated from functions.py and udfs.py."""
    from perfeval_xl.engine.functions import FUNCTIONS
    from perfeval_xl.udfs import PE_FUNCTIONS

    rows = ["| 函数 | 说明 |", "|---|---|"]
    for name, (_engine, arguments) in FUNCTIONS.items():
        doc = " ".join((PE_FUNCTIONS[name].__doc__ or "").split())
        rows.append(f"| `{name}({', '.join(arguments)})` | {doc} |")
    return "\n".join(rows)


def readme_with_tables(text: str) -> str:
    """README text with the generated tables put between their <!-- name:begin/end --> markers."""
    for section, table in (("names", names_markdown()), ("functions", functions_markdown())):
        begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
        head, _, rest = text.partition(begin)
        _, _, tail = rest.partition(end)
        text = f"{head}{begin}\n{table}\n{end}{tail}"
    return text


@cli.command("readme-tables", hidden=True)
@click.argument("readme", type=click.Path(dir_okay=False, exists=True), default="README.md")
def readme_tables(readme: str) -> None:
    """（开发用）用 layout.py 和 udfs.py 重新生成 README 中的名称表和函数表。"""
    path = Path(readme)
    write_atomic(readme_with_tables(path.read_text(encoding="utf-8")).encode("utf-8"), path, overwrite=True)
    click.echo(f"已更新 {path}")


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
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出发现、计算单元格的值（及被改写时按公式应得的值）。")
def check(file: str, as_json: bool) -> None:
    """检查一份自评工作簿：重新计算每个比率和得分，按财政审核口径列出问题。

    退出码：0 没有错误；1 至少一个错误；2 文件无法读取。
    """
    from perfeval_xl.workbook.open import load

    _submission, findings, options = load(file)
    errors = sum(f.is_error for f in findings)
    if as_json:
        payload = {
            "findings": [
                {"severity": f.severity, "code": f.code, "sheet": f.sheet, "cell": f.cell, "message": f.message}
                for f in findings
            ],
            "values": {name: _json_value(value) for name, value in options["values"].items()},
            "recomputed": {name: _json_value(value) for name, value in options["recomputed"].items()},
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo("\n".join(_finding_lines(findings)))
    raise click.exceptions.Exit(1 if errors else 0)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o", "--output", default=None, type=click.Path(dir_okay=False), help="汇总工作簿（默认 复核汇总.xlsx）。"
)
@click.option("-j", "--jobs", type=click.IntRange(1, 512), default=None, help="同时复核的进程数（默认为 CPU 核数）。")
@click.option(
    "--rules", "rules_name", default=None, help="按这套评分规则复核所有文件（默认按各工作簿“说明”页的规则）。"
)
@click.option(
    "--letters",
    "letters_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="为每份有错误的自评表写一份审核意见（Word）到这个文件夹。",
)
@click.option("--bureau", default="", help="审核意见落款的单位名称，如“××市财政局绩效管理科”。")
@click.option("--date", "letter_date", default=None, help="审核意见的日期，如 2024-06-26（默认今天）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总（不写汇总工作簿，除非给出 -o）。")
def review(
    paths: tuple[str, ...],
    output: str | None,
    jobs: int | None,
    rules_name: str | None,
    letters_dir: str | None,
    bureau: str,
    letter_date: str | None,
    as_json: bool,
) -> None:
    """批量复核：检查文件夹中所有自评工作簿，写出汇总工作簿（汇总、问题清单、统计、无法读取）和审核意见。

    退出码：0 全部通过；1 有文件有错误或无法读取；2 参数或输出有问题。
    """
    from perfeval_xl.report.write import write_documents
    from perfeval_xl.review.batch import HAS_ERRORS, UNREADABLE, ProgressBar, default_jobs, find_submissions, review_all
    from perfeval_xl.review.letters import render_letters
    from perfeval_xl.review.summary import as_json as summary_json
    from perfeval_xl.review.summary import workbook_bytes

    if rules_name:
        load_rules(rules_name)  # a wrong name is one message before the batch, not one per file
    target = Path(output) if output else (None if as_json else Path("复核汇总.xlsx"))
    if target is not None:
        _check_summary_target(target)
    if letter_date is not None:
        _iso_date(letter_date)
    files = find_submissions(paths, skip=[target] if target else [])
    if not files:
        raise PerfevalError("没有找到要复核的 .xlsx 或 .xlsm 文件：" + "、".join(paths))
    results = review_all(files, jobs or default_jobs(), rules_name, ProgressBar())
    documents = [] if target is None else [(target, workbook_bytes(results, target.parent))]
    if letters_dir:
        folder = Path(letters_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PerfevalError(f"无法创建文件夹“{folder}”：{os_reason(error)}") from None
        documents += render_letters(results, folder, bureau, letter_date)
    written = write_documents(documents)
    counts = Counter(r.status for r in results)
    if as_json:
        click.echo(json.dumps(summary_json(results), ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo(
            f"共 {len(results)} 份：通过 {counts['通过']}，有错误 {counts[HAS_ERRORS]}，无法读取 {counts[UNREADABLE]}"
        )
        if target is not None:
            click.echo(f"汇总：{written[0]}")
        if letters_dir:
            click.echo(f"审核意见 {len(written) - (target is not None)} 份：{letters_dir}")
    raise click.exceptions.Exit(1 if counts[HAS_ERRORS] or counts[UNREADABLE] else 0)


def _check_summary_target(target: Path) -> None:
    """Before the batch, not after it: a name that is not .xlsx, a folder that is not there, a file that is not
    an earlier summary (a submitted workbook must never be overwritten by the summary)."""
    from perfeval_xl.review.batch import is_summary

    if target.suffix.lower() != ".xlsx":
        raise PerfevalError(f"汇总工作簿的文件名应以 .xlsx 结尾，而不是“{target.name}”")
    if not target.parent.resolve().is_dir():
        raise PerfevalError(f"找不到文件夹“{target.parent}”，汇总写不进去")
    if target.exists() and not is_summary(target):
        raise PerfevalError(f"“{target}”已经存在，而且不是复核汇总（可能是一份自评表）；请换一个汇总文件名")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PerfevalError(f"日期“{text}”应写成 2024-06-26 这样的年-月-日") from None


@cli.command("rules")
@click.argument("name", required=False)
def rules_command(name: str | None) -> None:
    """列出内置评分规则和评价指标体系，或显示一套（名称或 .toml 路径）的要点。"""
    from perfeval_xl.engine.evaluation.load import available_frameworks, is_evaluation, load_framework
    from perfeval_xl.engine.evaluation.words import describe

    if name is None:
        click.echo("自评表的评分规则：")
        for shipped in available_rules():
            click.echo(f"  {shipped:20} {load_rules(shipped).title}")
        click.echo("部门整体支出绩效评价的指标体系（perfeval new 文件 --rules 名称）：")
        for shipped in available_frameworks():
            click.echo(f"  {shipped:20} {load_framework(shipped).title}")
        return
    if is_evaluation(name):
        click.echo("\n".join(describe(load_framework(name))))
        return
    rules = load_rules(name)
    blocks = "，".join(f"{k} {format_score(v)}" for k, v in rules.block_weights.items()) or "不限定各一级指标分值"
    grades = "，".join(f"≥{format_score(g.minimum)} {g.label}" for g in rules.grades)
    lines = [
        rules.title,
        f"  满分 {format_score(rules.full_marks)}：预算执行率 {format_score(rules.execution_weight)}，{blocks}",
        f"  等级：{grades}",
        f"  只写数字的目标按“{rules.bare_target_op}”评分；超过目标 "
        f"{format_percent(rules.far_exceed, 0) if rules.far_exceed else '—'} 提示目标偏低",
    ]
    if rules.deviation_over is not None:
        lines.append(
            f"  偏离：实际 ≥ 目标 × {format_percent(rules.deviation_over, 0)} 扣 "
            f"{format_score(rules.deviation_penalty)} 分"
        )
    for cap in rules.total_caps:
        lines.append(f"  执行率低于 {format_percent(cap.below, 0)}：总分最高 {format_score(cap.maximum)}")
    click.echo("\n".join(lines))


# click's messages are English and their wording changes between versions (8.1 "No such option: -x", 8.2 "No such
# option '-x'."), so the Chinese is built from the exception's fields where click gives them; these patterns
# translate the rest: the messages of click's parameter types, and usage errors that carry only text.
_TYPE_NAMES = {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字", "boolean": "是或否"}
_USAGE_IN_CHINESE: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"(?:File|Directory|Path) '(.+)' does not exist\.", r"“\1”不存在"),
    (r"(?:File|Directory|Path) '(.+)' is a directory\.", r"“\1”是文件夹，这里要的是文件"),
    (r"(?:File|Directory|Path) '(.+)' is a file\.", r"“\1”是文件，这里要的是文件夹"),
    (r"(?:File|Directory|Path) '(.+)' is not readable\.", r"没有读取“\1”的权限"),
    (r"(?:File|Directory|Path) '(.+)' is not writable\.", r"没有写入“\1”的权限"),
    (r"(?:File|Directory|Path) '(.+)' is not executable\.", r"“\1”不能执行"),
    (
        r"'(.*)' is not one of (.*?)\.?$",
        lambda m: f"“{m[1]}”不是可选的值（可选：{'、'.join(_quoted(m[2]))}）",
    ),
    (r"'(.*)' is not a valid ([\w ]+)\.", lambda m: f"“{m[1]}”不是有效的{_TYPE_NAMES.get(m[2], '值')}"),
    (r"(.+) is not in the range (.+?)\.?$", r"\1 不在允许的范围内（\2）"),
    (r"Option '(.+)' does not take a value\.", r"选项 \1 不需要值"),
    (r"Option '(.+)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"Option '(.+)' requires (\d+) arguments\.", r"选项 \1 需要 \2 个值"),
    (r"Argument '(.+)' takes (\d+) values\.", r"参数 \1 需要 \2 个值"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"No such command:? '?([^'\s]+?)'?\.?(?=\s|$)", r"没有命令 \1"),
    (r"No such option:? '?([^'\s]+?)'?\.?(?=\s|$)", r"没有选项 \1"),
    (r"Missing command\.", "缺少命令"),
    (r"\s*\(?Did you mean (?:one of: )?(.+?)\?\)?", lambda m: _did_you_mean(_quoted(m[1]))),
)


def _quoted(text: str) -> list[str]:
    """The items of click's lists, quoted or not: "'dept', 'project'" -> ["dept", "project"]."""
    return re.findall(r"'([^']*)'", text) or [item.strip() for item in text.split(",") if item.strip()]


def _did_you_mean(possibilities: Sequence[str] | None) -> str:
    if not possibilities:
        return ""
    return f"，是不是要用 {'、'.join(possibilities)}{' 之一' if len(possibilities) > 1 else ''}？"


def _translated(message: str) -> str:
    for pattern, chinese in _USAGE_IN_CHINESE:
        message = re.sub(pattern, chinese, message)
    return message


def _hint(error: click.BadParameter) -> str:
    """Which option or argument the error is about, as typed: "-o / --out", "--date", "FILE"."""
    if error.param_hint is not None:
        hints = [error.param_hint] if isinstance(error.param_hint, str) else list(error.param_hint)
    elif isinstance(error.param, click.Option):
        hints = list(error.param.opts)
    elif error.param is not None:
        hints = [error.param.human_readable_name]
    else:
        return ""
    return " / ".join(hint.strip("'\"") for hint in hints)


def _usage_in_chinese(error: click.UsageError) -> str:
    no_such_command = getattr(click.exceptions, "NoSuchCommand", ())  # click 8.4 and later
    if isinstance(error, click.NoSuchOption):
        return f"没有选项 {error.option_name}{_did_you_mean(error.possibilities)}"
    if isinstance(error, no_such_command):
        return f"没有命令 {error.command_name}{_did_you_mean(error.possibilities)}"
    if isinstance(error, click.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "parameter")
        return f"缺少{'参数' if kind == 'argument' else '选项'} {_hint(error)}".rstrip()
    if isinstance(error, click.BadParameter):
        hint = _hint(error)
        return f"{hint + ' ' if hint else ''}的取值无效：{_translated(error.message)}"
    return _translated(error.format_message())


def _usage_message(error: click.UsageError) -> str:
    command = error.ctx.command_path if error.ctx else "perfeval"
    return f"perfeval：{_usage_in_chinese(error)}（运行 {command} --help 查看用法）"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command. Whatever goes wrong becomes one Chinese line on stderr, never a traceback:
    exit 2 for unusable input (PerfevalError, a refused file), 3 for a fault of ours (set PERFEVAL_DEBUG=1 to see it).
    """
    for stream in (sys.stdout, sys.stderr):  # a GBK console must not turn 😀 in a unit name into a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name="perfeval", standalone_mode=False)
        return status if isinstance(status, int) else 0  # click returns an Exit's code instead of raising it
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except click.UsageError as error:
        if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())):  # `perfeval` alone: its help
            click.echo(error.format_message())
            return 0
        click.echo(_usage_message(error), err=True)
        return 2
    except click.ClickException as error:
        click.echo(f"perfeval：{error.format_message()}", err=True)
        return error.exit_code
    except click.Abort:
        click.echo("已取消。", err=True)
        return 1
    except PerfevalError as error:
        click.echo(f"perfeval：{error}", err=True)
        return 2
    except OSError as error:
        click.echo(f"perfeval：无法访问“{error.filename or ''}”：{os_reason(error)}", err=True)
        return 2
    except Exception as error:
        if os.environ.get("PERFEVAL_DEBUG"):
            raise
        click.echo(
            f"perfeval：内部错误（{type(error).__name__}：{error}）；请把这一行报告给开发者，"
            "设置 PERFEVAL_DEBUG=1 可看到详细信息",
            err=True,
        )
        return 3
