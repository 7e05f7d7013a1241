"""The only jinja2/docxtpl importer: a report template rendered with a context.

The template's undeclared variables are compared with the context, and docxtpl renders it in a sandboxed Jinja
environment with autoescaping and the number filters; the charts go in as images."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from perfeval_xl.core.errors import ReportError
from perfeval_xl.core.records import (
    Submission,
)
from perfeval_xl.report import charts
from perfeval_xl.report.context import plain_label
from perfeval_xl.report.filters import FILTERS
from perfeval_xl.utils.shipped import shipped_file


def environment() -> SandboxedEnvironment:
    """A sandboxed Jinja environment (a user's own template cannot reach Python) that escapes every value."""
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


def _chart_images(template: DocxTemplate, submission: Submission) -> dict[str, Any]:
    """The two charts as inline images, or None each where there is nothing to draw or no Chinese font."""
    basic = submission.basic
    images: dict[str, Any] = {"sangong": None, "spending": None}
    if basic is None:
        return images
    rows = [
        basic.sangong,
        *[r for r in basic.sangong_items if r.key in ("sangong_car", "sangong_abroad", "sangong_reception")],
    ]
    drawn = [r for r in rows if r.final is not None or r.prev is not None]
    if basic.sangong.final is not None and drawn:
        png = charts.this_year_and_last(
            [plain_label(r.label) for r in drawn], [r.prev for r in drawn], [r.final for r in drawn]
        )
        images["sangong"] = InlineImage(template, io.BytesIO(png), width=Mm(150)) if png else None
    kinds = [
        (label, row)
        for label, row in (
            ("项目支出", basic.project_spending),
            ("公用经费", basic.public_funds),
            ("“三公”经费", basic.sangong),
        )
        if row.budget is not None or row.final is not None
    ]
    if kinds:
        png = charts.budget_and_execution(
            [k for k, _ in kinds], [r.budget for _, r in kinds], [r.final for _, r in kinds]
        )
        images["spending"] = InlineImage(template, io.BytesIO(png), width=Mm(150)) if png else None
    return images


def render(template_path: Path, context: Mapping[str, Any], submission: Submission | None = None) -> bytes:
    """Render a template with a context into .docx bytes; every template problem becomes one ReportError."""
    try:
        template = DocxTemplate(str(template_path))
        template.init_docx()
    except Exception as error:  # docxtpl raises many kinds for a file that is not a Word document
        raise ReportError(
            f"无法打开报告模板“{template_path.name}”：它不是有效的 Word 文档（{type(error).__name__}）"
        ) from None
    env = environment()
    try:
        undeclared = template.get_undeclared_template_variables(env)
    except TemplateSyntaxError as error:
        raise ReportError(f"报告模板“{template_path.name}”有语法错误：{error.message}") from None
    missing = sorted(undeclared - set(context))
    if missing:
        raise ReportError(f"报告模板“{template_path.name}”用到了数据中没有的变量：{'、'.join(missing)}")
    values = dict(context)
    if submission is not None and "charts" in values:
        values["charts"] = _chart_images(template, submission)
    try:
        template.render(values, env, autoescape=True)
    except SecurityError as error:  # the sandbox's own words are English: "access to attribute '…' … is unsafe"
        reached = re.search(r"attribute '([^']+)'", str(error))
        what = f"属性“{reached.group(1)}”" if reached else "属性或函数"
        raise ReportError(
            f"报告模板“{template_path.name}”无法渲染：模板访问了不允许的{what}（模板只能使用报告提供的数据和过滤器）"
        ) from None
    except TemplateError as error:
        raise ReportError(f"报告模板“{template_path.name}”无法渲染：{error}") from None
    except Exception as error:  # a user's template may divide by zero or recurse: its fault, said in one line
        raise ReportError(f"报告模板“{template_path.name}”无法渲染：{type(error).__name__}：{error}") from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def template_file(name: str) -> Path:
    """A shipped template: in the installed package, or in the repository's templates/ folder."""
    found = shipped_file("templates", name)
    if found is None:
        raise ReportError(f"找不到报告模板 {name}；请重新安装 perfeval-xl")
    return found
