"""The developers' commands: rebuilding the shipped workbooks, templates and add-in, and the docs' tables."""

from __future__ import annotations

from pathlib import Path

import click

from perfeval_xl.cli.group import cli
from perfeval_xl.cli.workbooks import SHIPPED_WORKBOOKS, filled_workbook
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.utils.files import write_atomic


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
            data = filled_workbook(submission(), formulas, path.suffix)
        write_atomic(data, path, overwrite=True)
        click.echo(f"已生成 {path}")


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
