"""perfeval review: a finance bureau's folder of submissions checked into a summary and 审核意见 letters."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import click

from perfeval_xl.cli.group import cli
from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.engine.rulesets import load_rules


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
