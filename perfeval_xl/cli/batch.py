"""perfeval review: a finance bureau's folder of submissions checked into a summary and 审核意见 letters."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections import Counter
from datetime import date
from pathlib import Path

import click

from perfeval_xl.cli.group import cli
from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.engine.evaluation.load import load_framework
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.utils.files import shown_path


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
@click.option(
    "--framework",
    default=None,
    help="评价工作簿一律按这个评价指标体系（名称或 .toml 文件）复核，代替各工作簿里保存的。",
)
@click.option(
    "--memory",
    "memory_mb",
    type=click.IntRange(256, 1024 * 1024),
    default=2048,
    show_default=True,
    help="每个复核进程最多使用的内存（MB）；超过的文件记为“无法读取”，整批照常进行。",
)
def review(
    paths: tuple[str, ...],
    output: str | None,
    jobs: int | None,
    rules_name: str | None,
    letters_dir: str | None,
    bureau: str,
    letter_date: str | None,
    as_json: bool,
    framework: str | None,
    memory_mb: int,
) -> None:
    """批量复核：检查文件夹中所有自评工作簿，写出汇总工作簿（汇总、问题清单、统计、无法读取）和审核意见。

    退出码：0 全部通过；1 有文件有错误或无法读取；2 参数或输出有问题；130 按了 Ctrl-C；143 收到终止信号（SIGTERM）。
    """
    from perfeval_xl.report.write import write_documents
    from perfeval_xl.review.batch import HAS_ERRORS, UNREADABLE, ProgressBar, default_jobs, review_all
    from perfeval_xl.review.inbox import find_submissions
    from perfeval_xl.review.letters import render_letters
    from perfeval_xl.review.summary import as_json as summary_json
    from perfeval_xl.review.summary import workbook_bytes

    if rules_name:
        load_rules(rules_name)  # a wrong name is one message before the batch, not one per file
    if framework:
        load_framework(framework)
    target = Path(output) if output else (None if as_json else Path("复核汇总.xlsx"))
    if target is not None:
        _check_summary_target(target)
    if letter_date is not None:
        _iso_date(letter_date)
    if letters_dir:
        _check_letters_folder(Path(letters_dir))
    inbox = find_submissions(paths, skip=[target] if target else [])
    for summary in inbox.summaries:  # skipped, but never in silence: a file could pose as one
        click.echo(f"跳过以前写出的复核汇总：{shown_path(summary)}", err=True)
    if not inbox.files and not inbox.odd:
        raise PerfevalError("没有找到要复核的 .xlsx 或 .xlsm 文件：" + "、".join(shown_path(p) for p in paths))
    results = review_all(
        inbox.files, jobs or default_jobs(), rules_name, ProgressBar(), inbox.odd, memory_mb, framework
    )
    documents = [] if target is None else [(target, workbook_bytes(results, target.parent))]
    if target is not None:
        _check_summary_target(target)  # again: the batch took a while, and the file may have appeared meanwhile
    if letters_dir:
        documents += render_letters(results, Path(letters_dir), bureau, letter_date)
    made = _make_folder(Path(letters_dir)) if letters_dir else []
    try:
        written = write_documents(documents, fixed=[target] if target is not None else [])
    except BaseException:  # nothing written, so the folder made for the letters goes too
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
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


NAME_LIMIT = 240  # bytes: a file system takes 255, and the temporary file's name adds a few around it


def _check_summary_target(target: Path) -> None:
    """Before the batch (and again before writing): a name that is not .xlsx, a folder that is not there, a place
    that is no regular file (a pipe would block, a device never end), a file this program did not write (a
    submitted workbook, or a summary the reviewer has since edited, is never overwritten)."""
    from perfeval_xl.review.provenance import is_our_summary

    shown = shown_path(target)
    if target.suffix.lower() != ".xlsx":
        raise PerfevalError(f"汇总工作簿的文件名应以 .xlsx 结尾，而不是“{shown_path(target.name)}”")
    if len(os.fsencode(target.name)) > NAME_LIMIT:
        raise PerfevalError(f"汇总工作簿的文件名太长（超过 {NAME_LIMIT} 字节）：“{shown_path(target.name)[:40]}…”")
    if not os.path.isdir(target.parent or "."):
        raise PerfevalError(f"找不到文件夹“{shown_path(target.parent)}”，汇总写不进去")
    if not os.path.lexists(target):
        return
    try:
        mode = os.stat(target).st_mode
    except OSError as error:
        raise PerfevalError(f"汇总不能写在“{shown}”：{os_reason(error)}") from None
    if (target.parent / f"~${target.name}").exists():  # Excel's owner file: the summary is open there
        raise PerfevalError(f"“{shown}”正在 Excel 中打开，请先关闭它再复核")
    if not stat.S_ISREG(mode):
        raise PerfevalError(f"“{shown}”不是普通文件（是文件夹、管道或设备），汇总不能写在那里；请换一个汇总文件名")
    if not is_our_summary(target):
        raise PerfevalError(
            f"“{shown}”已经存在，而且不是本程序写出、此后未被改动的复核汇总（可能是一份自评表，或改过的汇总）；"
            "请换一个汇总文件名"
        )


def _check_letters_folder(folder: Path) -> None:
    """Before the batch: the letters' folder is one, or can be made where a folder is."""
    existing = next((f for f in (folder, *folder.parents) if os.path.lexists(f)), Path("."))
    if not existing.is_dir():
        raise PerfevalError(f"“{shown_path(existing)}”不是文件夹，审核意见写不进去")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PerfevalError(f"文件夹“{shown_path(existing)}”不能写入，审核意见写不进去")


def _make_folder(folder: Path) -> list[Path]:
    """Make a folder and those above it that are missing; the ones made, outermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()][::-1]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PerfevalError(f"无法创建文件夹“{shown_path(folder)}”：{os_reason(error)}") from None
    return missing


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PerfevalError(f"日期“{text}”应写成 2024-06-26 这样的年-月-日") from None
