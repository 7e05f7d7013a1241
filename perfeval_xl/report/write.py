"""Writing reports next to the workbook: names that are safe on every system, a report open in Word left alone
(…(2).docx), all reports or none (each through a temporary file and one rename), PDFs by LibreOffice."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from perfeval_xl.core.errors import PerfevalError, ReportError
from perfeval_xl.core.records import (
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.report.context import dept_context, project_context
from perfeval_xl.report.evaluation import evaluation_context
from perfeval_xl.report.filters import chinese_date
from perfeval_xl.report.monitor import monitor_context
from perfeval_xl.report.pdf import to_pdf
from perfeval_xl.report.render import render, template_file
from perfeval_xl.report.templates.evaluation import EVALUATION_TEMPLATE
from perfeval_xl.report.templates.monitor import MONITOR_TEMPLATE
from perfeval_xl.report.templates.selfassessment import DEPT_TEMPLATE, PROJECT_TEMPLATE
from perfeval_xl.utils.files import stage, write_failed

# Linux file systems take 255 bytes of UTF-8 in a name, and a 汉字 takes three; 200 leaves room for Word's "~$"
# owner file and a "(2)" when the first name is taken.
MAX_NAME_BYTES = 200


def safe_name(text: str) -> str:
    """A file name from a title: no characters Windows forbids, and short enough for any file system."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "", text).strip() or "自评报告.docx"
    stem, dot, suffix = name.rpartition(".")
    while len((stem + dot + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + dot + suffix


def _locked(path: Path) -> bool:
    """Word keeps an owner file "~$…" beside a document it has open."""
    return any((path.parent / f"~${name}").exists() for name in (path.name, path.name[2:]))


def _names(path: Path) -> Iterator[Path]:
    """`path`, then `name(2).docx`, `name(3).docx`… built from the original name, whatever brackets it holds."""
    yield path
    for number in range(2, 100):
        yield path.with_name(f"{path.stem}({number}){path.suffix}")


def _move_into_place(temporary: Path, path: Path, taken: Collection[Path], fixed: bool = False) -> Path:
    """Rename a staged document to `path`, or to the next free name when Word holds that one (or it is taken);
    a `fixed` document (the review summary) goes to its own name or nowhere: another name could be anyone's file."""
    if fixed and _locked(path):
        raise ReportError(f"“{path.name}”正在 Excel 中打开，请先关闭它再写")
    for candidate in _names(path) if not fixed else [path]:
        if _locked(candidate) or candidate in taken:
            continue
        try:
            os.replace(temporary, candidate)
            return candidate
        except PermissionError:  # Windows refuses to replace a file Word holds open
            continue
        except OSError as error:
            raise write_failed(candidate, error) from None
    raise ReportError(f"无法写入“{path}”：同名文件都被占用")


def write_documents(documents: Sequence[tuple[Path, bytes]], fixed: Collection[Path] = ()) -> list[Path]:
    """Write every document or none: each is staged as a temporary file in its folder first, then all are renamed.

    A failure while staging (a full disk, a refused folder) leaves no file at all. Renames hardly fail once
    everything is on disk; if one does, the message names the documents already written. Ctrl-C and SIGTERM wait
    until the renames are done, so a stop never leaves some documents written and others not. Documents in `fixed`
    are written under their own name only.
    """
    staged: list[tuple[Path, Path]] = []
    written: list[Path] = []
    try:
        for path, data in documents:
            staged.append((stage(data, path), path))
        with _signals_held():
            for temporary, path in staged:
                written.append(_move_into_place(temporary, path, written, fixed=path in fixed))
    except PerfevalError as error:
        kept = f"；已写入的报告：{'、'.join(str(p) for p in written)}，其余没有写入" if written else ""
        raise ReportError(f"{error}{kept}") from None
    finally:
        for temporary, _path in staged:
            temporary.unlink(missing_ok=True)
    return written


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back for a moment (delivered right after): the renames are all or nothing."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@dataclass
class Reports:
    """What `write_reports` wrote, and anything the user should know."""

    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_reports(
    workbook: Path,
    submission: Submission,
    findings: list[Finding],
    rule_set: str | RuleSet,
    out: Path | None = None,
    projects: bool = False,
    pdf: bool = False,
    template: Path | None = None,
    report_date: str | date | None = None,
) -> Reports:
    """Render the department report (and, on request, one report per 附件3) next to the workbook.

    A workbook with only 附件3 gets one project report per sheet, and `out` (one sheet only) and `template` apply
    to those. An evaluation workbook (评价指标评分表) gets its 部门整体支出绩效评价报告, to which `out` and `template`
    apply (`projects` and `rule_set` do not: it has no 附件3, and its framework is its own). Every document is
    rendered before any is written, and they are written all or none; a workbook with errors gets none.
    """
    refuse_unreported(submission)
    errors = [f for f in findings if f.is_error]
    if errors:
        raise ReportError(f"工作簿有 {len(errors)} 个错误，请先改正，再生成报告（运行 perfeval check 查看）")
    header = submission.header
    if submission.evaluation is not None:  # an evaluation workbook: its 评价报告, and no self-assessment reports
        when = chinese_date(report_date or submission.evaluation.texts.get("eval_report_date") or date.today())
        target = _target(workbook, out, f"{header.fiscal_year or ''}年度{header.unit_name}部门整体支出绩效评价报告")
        chosen = Path(template) if template else template_file(EVALUATION_TEMPLATE)
        document = render(chosen, evaluation_context(submission, when))
        return _with_pdfs(Reports(documents=write_documents([(target, document)])), pdf)
    rules = load_rules(rule_set)
    if submission.monitor is not None:  # a monitoring workbook: its 绩效运行监控情况报告
        target = _target(workbook, out, f"{header.fiscal_year or ''}年度{header.unit_name}绩效运行监控情况报告")
        chosen = Path(template) if template else template_file(MONITOR_TEMPLATE)
        document = render(chosen, monitor_context(submission, rules, report_date or date.today()))
        return _with_pdfs(Reports(documents=write_documents([(target, document)])), pdf)
    narrative_date = submission.narrative.report_date if submission.narrative else ""
    when = chinese_date(report_date or narrative_date or date.today())
    target = _target(workbook, out, f"{header.fiscal_year or ''}年度{header.unit_name}整体支出绩效自评报告")
    dept = submission.overall is not None and submission.basic is not None
    if not dept and out is not None and len(submission.projects) > 1:
        raise ReportError(
            f"这份工作簿有 {len(submission.projects)} 张附件3，每张生成一份项目报告，不能都写到 -o 指定的一个文件；"
            "请去掉 -o（报告写在工作簿旁边）"
        )
    own_template = Path(template) if template else None
    rendered: list[tuple[Path, bytes]] = []  # every document is rendered before any is written
    if dept:
        chosen = own_template or template_file(DEPT_TEMPLATE)
        rendered.append((target, render(chosen, dept_context(submission, rules, when), submission)))
    if projects or not dept:
        # without 附件1 and 附件2 the project reports are the reports: -o and --template apply to them
        chosen = (None if dept else own_template) or template_file(PROJECT_TEMPLATE)
        for project in submission.projects:
            name = safe_name(f"{header.fiscal_year or ''}年度{project.name}项目支出绩效自评报告.docx")
            path = target if out is not None and not dept else target.parent / name
            rendered.append((path, render(chosen, project_context(submission, project, rules, when))))
    if not rendered:
        raise ReportError("这份工作簿中没有可以生成报告的表（附件1、附件2 或附件3）")
    return _with_pdfs(Reports(documents=write_documents(rendered)), pdf)


def refuse_unreported(submission: Submission) -> None:
    """A workbook that has no report (a declaration) says so before anything else: its errors are check's business."""
    if submission.targets is not None:
        raise ReportError(
            "绩效目标申报表没有报告：请用 perfeval check 检查它；批复后用 "
            "perfeval new 监控.xlsm --kind monitor --from 它 生成运行监控表"
        )


def _target(workbook: Path, out: Path | None, title: str) -> Path:
    """The report's file: `out`, or the title as a file name next to the workbook; checked before any rendering."""
    target = Path(out) if out else workbook.parent / safe_name(f"{title}.docx")
    if target.suffix.lower() != ".docx":
        raise ReportError(f"报告文件名应以 .docx 结尾，而不是“{target.name}”")
    if target.resolve() == workbook.resolve():
        raise ReportError("报告不能写在工作簿本身上")
    if not target.parent.is_dir():
        raise ReportError(f"文件夹“{target.parent}”不存在")
    return target


def _with_pdfs(result: Reports, pdf: bool) -> Reports:
    """The written documents converted to PDF on request; a conversion that fails is a note, not an error."""
    if pdf:
        for document in result.documents:
            try:
                result.pdfs.append(to_pdf(document, document.with_suffix(".pdf")))
            except PerfevalError as error:
                result.notes.append(str(error))
                break
    return result


def render_for_workbook(path: Path, submission: Submission, findings: list[Finding], options: dict[str, Any]) -> Path:
    """The ribbon button's renderer: the department report (or an evaluation workbook's 评价报告) next to it."""
    return write_reports(path, submission, findings, options["rules"]).documents[0]
