"""The developers' commands: rebuilding the shipped workbooks, templates and add-in, and the docs' tables."""

from __future__ import annotations

from pathlib import Path

import click

from perfeval_xl.cli.group import cli
from perfeval_xl.cli.workbooks import SHIPPED_WORKBOOKS, filled_workbook
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.core.example_evaluation import evaluation_example
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.utils.files import write_atomic


@cli.command("build-workbooks", hidden=True)
@click.argument("folder", type=click.Path(file_okay=False), default="workbook")
def build_workbooks(folder: str) -> None:
    """（开发用）重新生成 workbook/ 中随项目发布的模板和示例。"""
    from perfeval_xl.workbook.cycle import new_targets_workbook
    from perfeval_xl.workbook.new import filled_evaluation_workbook, new_workbook, template_info

    for name, shipped in SHIPPED_WORKBOOKS.items():
        path = Path(folder) / name
        submission = {"corrected": corrected_example, "published": published_example}.get(shipped.example or "")
        if shipped.example == "evaluation":
            data = filled_evaluation_workbook(evaluation_example(), shipped.formulas, path.suffix)
        elif submission is not None:  # the self-assessment examples are department workbooks
            data = filled_workbook(submission(), shipped.formulas, path.suffix)
        elif shipped.kind == "targets":
            data = new_targets_workbook(
                None, None, [""], shipped.formulas, path.suffix, template_info(shipped.formulas)
            )
        else:
            data = new_workbook(shipped.kind, shipped.framework, [""], shipped.formulas, path.suffix)
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
    """The defined-name contract as a table, generated from the layout."""
    from perfeval_xl.workbook.layout.book import defined_names, workbook_layout
    from perfeval_xl.workbook.new import template_info

    layout = workbook_layout("dept", load_rules(None), ["项目名称"], template_info("udf"))
    rows = ["| 名称 | 范围 | 位置（模板中） | 内容 |", "|---|---|---|---|"]
    rows += [f"| `{name}` | {scope} | `{ref}` | {text} |" for name, scope, ref, text in defined_names(layout)]
    return "\n".join(rows)


def cycle_names_markdown() -> str:
    """The defined names of the declaration and the monitoring workbooks, generated from their layouts."""
    from perfeval_xl.workbook.layout.book import defined_names
    from perfeval_xl.workbook.layout.monitor import monitor_workbook_layout
    from perfeval_xl.workbook.layout.targets import targets_workbook_layout
    from perfeval_xl.workbook.new import template_info

    rows = ["| 名称 | 范围 | 位置（模板中） | 内容 |", "|---|---|---|---|"]
    for layout in (
        targets_workbook_layout("2020", "national", ["项目名称"], "udf", template_info("udf")),
        monitor_workbook_layout("2020", "national", ["项目名称"], "udf", template_info("udf"), ()),
    ):
        rows += [
            f"| `{name}` | {scope} | `{ref}` | {text} |"
            for name, scope, ref, text in defined_names(layout, "每张项目表")
            if not ref.startswith("说明!") or name in ("target_structure", "monitor_month")
        ]
        documented = set()
        for sheet in layout.sheets:
            for name, ref in sheet.ranges.items():
                if name not in documented:
                    documented.add(name)
                    scope = "每张项目表，及部门整体表的工作簿名称" if name in HELPER_RANGES else "工作簿"
                    rows.append(f"| `{name}` | {scope} | `{sheet.title}!{ref}` | {RANGES[name]}（区域） |")
    return "\n".join(rows)


HELPER_RANGES = ("target_readings", "monitor_reaches")


RANGES = {  # what docs/cycle.md says of the cycle's named ranges that are no table
    "target_readings": "目标识别：每行指标值怎样被识别（计算，只在含宏版中有；check --json 中为逐行的列表）",
    "monitor_reaches": "预计能否完成：全年预计完成情况能否达到年度指标值"
    "（计算，只在含宏版中有；check --json 中为逐行的列表）",
    "declared_targets": "申报的绩效目标：表（部门整体为空，项目为项目名称）、一级指标、二级指标、三级指标、指标值"
    "（隐藏、锁定；由申报表生成的监控表和自评工作簿都有）",
}


def functions_markdown() -> str:
    """The PE_* worksheet functions as a table, generated from the PE_* table and the wrappers' descriptions."""
    from perfeval_xl.engine.functions import FUNCTIONS
    from perfeval_xl.udfs import PE_FUNCTIONS

    rows = ["| 函数 | 说明 |", "|---|---|"]
    for name, (_engine, arguments) in FUNCTIONS.items():
        doc = " ".join((PE_FUNCTIONS[name].__doc__ or "").split())
        rows.append(f"| `{name}({', '.join(arguments)})` | {doc} |")
    return "\n".join(rows)


def findings_markdown() -> str:
    """Every finding code as a table per group, generated from the catalogue (core/codes.py)."""
    from perfeval_xl.core.codes import CATALOGUE, GROUPS

    parts = []
    for group in GROUPS:
        rows = [f"**{group}**", "", "| 代码 | 程度 | 含义 | 改正 |", "|---|---|---|---|"]
        for code in CATALOGUE.values():
            if code.group == group:
                severity = code.severity + (f"（{code.severity_note}）" if code.severity_note else "")
                rows.append(f"| `{code.code}` | {severity} | {code.meaning} | {code.correction} |")
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


# the layers from the bottom up, as pyproject.toml's import-linter contract orders them
LAYERS = ("core", "utils", "engine", "checks", "workbook", "report", "excel", "review", "udfs", "api", "cli")


def modules_markdown() -> str:
    """Every module of the package by layer, with the first line of its docstring: the tour of architecture.md."""
    import ast

    package = Path(__file__).resolve().parent.parent
    rows = ["| 模块 | 职责（模块的说明） |", "|---|---|"]
    order = {layer: index for index, layer in enumerate(LAYERS)}
    modules = sorted(
        package.rglob("*.py"),
        key=lambda path: (order.get(path.relative_to(package).parts[0].removesuffix(".py"), -1), str(path)),
    )
    for path in modules:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = doc.split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
        rows.append(f"| `{path.relative_to(package.parent).as_posix()}` | {first} |")
    return "\n".join(rows)


# the generated tables of docs/: file -> (marker, the function that makes the table)
GENERATED = {
    "architecture.md": ("modules", modules_markdown),
    "names.md": ("names", names_markdown),
    "cycle.md": ("cycle-names", cycle_names_markdown),
    "functions.md": ("functions", functions_markdown),
    "findings.md": ("findings", findings_markdown),
}


def with_table(text: str, marker: str, table: str) -> str:
    """`text` with `table` put between its <!-- marker:begin --> and <!-- marker:end --> lines."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    head, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise click.ClickException(f"没有 {begin} … {end}")
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{table}\n{end}{tail}"


def docs_with_tables(folder: Path) -> dict[Path, str]:
    """Each file of docs/ that has generated tables, with them as the code makes them now."""
    return {
        folder / name: with_table((folder / name).read_text(encoding="utf-8"), marker, make())
        for name, (marker, make) in GENERATED.items()
    }


@cli.command("docs-tables", hidden=True)
@click.argument("folder", type=click.Path(file_okay=False, exists=True), default="docs")
def docs_tables(folder: str) -> None:
    """（开发用）从代码重新生成 docs/ 中的名称表、函数表和审核发现表。"""
    for path, text in docs_with_tables(Path(folder)).items():
        write_atomic(text.encode("utf-8"), path, overwrite=True)
        click.echo(f"已更新 {path}")
