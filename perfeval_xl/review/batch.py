"""批量复核: the submissions under some folders, each read and checked on its own (in parallel), one small row each.

review_file() is a pure function of one file: it never raises, and what it returns is small and picklable, so a
batch of any size keeps only rows in memory and maps onto any pool of processes (or machines) unchanged.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from perfeval_xl.core.codes import DUPLICATE_SUBMISSION
from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.core.records import ERROR, HINT, Assessment, Finding, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rates import execution_rate
from perfeval_xl.engine.scoring import score_assessment
from perfeval_xl.workbook.open import load

PASSED, HAS_ERRORS, UNREADABLE = "通过", "有错误", "无法读取"
SUFFIXES = (".xlsx", ".xlsm")
EVALUATION_KIND = "整体支出评价"  # a 部门整体支出绩效评价 workbook (workbook/reader/evaluation.py)


@dataclass(frozen=True)
class FileResult:
    """One submission as the summary shows it.

    Attributes:
      path: the file, as found.
      status: 通过, 有错误 or 无法读取.
      reason: why the file could not be read (the one line `perfeval check` prints), else "".
      unit, year: 预算部门名称 and 年度 from the 说明 sheet.
      kind: 部门整体 (附件1/附件2), 项目 (附件3 only), 整体支出评价 (a 评价指标评分表), or "" when unread.
      budget, executed: 附件2's 全年预算数 and 全年执行数 (附件3's, added up, in a project workbook).
      exec_rate: executed ÷ budget.
      printed_total, total: 总分 as printed and as recomputed (附件2, or the only 附件3).
      printed_grade, grade: 等级 likewise.
      errors, hints: how many findings of each severity.
      findings: every finding.
      projects: a project workbook's 项目名称 (told apart from the unit's other submissions by them).
    """

    path: str
    status: str
    reason: str = ""
    unit: str = ""
    year: int | None = None
    kind: str = ""
    budget: Decimal | None = None
    executed: Decimal | None = None
    exec_rate: Decimal | None = None
    printed_total: Decimal | None = None
    total: Decimal | None = None
    printed_grade: str = ""
    grade: str = ""
    errors: int = 0
    hints: int = 0
    findings: tuple[Finding, ...] = field(default=())
    projects: tuple[str, ...] = ()


def find_submissions(paths: Iterable[str | Path], skip: Iterable[str | Path] = ()) -> list[Path]:
    """Every .xlsx/.xlsm under the folders (recursively) and every such file named, sorted, each once.

    Skipped: Office's lock files (~$…), hidden files and folders, and the files in `skip` (the summary itself).
    """
    skipped = {_key(Path(p)) for p in skip}
    found: dict[str, Path] = {}
    for given in map(Path, paths):
        if not given.exists():
            raise PerfevalError(f"找不到“{shown_path(given)}”")
        candidates = _walk(given) if given.is_dir() else [given]
        for path in candidates:
            if _wanted(path, skipped):
                found.setdefault(_key(path), path)
    return sorted(found.values(), key=lambda p: str(p))


def _walk(folder: Path) -> Iterator[Path]:
    for root, folders, files in os.walk(folder):  # does not follow links to folders: no loops
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            yield Path(root) / name


def shown_path(path: str | Path) -> str:
    """A path as text any file, link or console can hold: a name in GBK (a zip made on Chinese Windows, unpacked
    here) read as GBK, other undecodable bytes and control characters replaced."""
    raw = os.fsencode(str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
    return re.sub(r"[\x00-\x1f\x7f]", "?", text)


SUMMARY_SHEETS = ("汇总", "问题清单", "统计", UNREADABLE)  # review/summary.py writes them, in this order


def is_summary(path: Path) -> bool:
    """Whether a file is a summary `perfeval review` wrote (its four sheets): written over, never reviewed."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return False
    return all(f'name="{name}"' in workbook for name in SUMMARY_SHEETS)


def _wanted(path: Path, skipped: set[str]) -> bool:
    """A workbook to review: not a lock file, hidden, the summary being written, or an earlier summary."""
    if path.suffix.lower() not in SUFFIXES or _ignored(path.name) or _key(path) in skipped:
        return False
    return not (path.is_file() and is_summary(path))


def _ignored(name: str) -> bool:
    return name.startswith(("~$", "."))


def _key(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except (OSError, RuntimeError):
        return os.path.normcase(str(path.absolute()))


# ---------------------------------------------------------------- one file


def review_file(path: str | Path, rules: str | None = None) -> FileResult:
    """Read and check one workbook as `perfeval check` does; a file that cannot be read is a row saying why.

    Never raises (but for KeyboardInterrupt): one bad file must not stop a batch of thousands.
    """
    shown = shown_path(path)
    try:
        submission, findings, options = load(path, rules=rules)
    except PerfevalError as error:
        return FileResult(shown, UNREADABLE, reason=str(error))
    except (MemoryError, RecursionError) as error:
        return FileResult(
            shown, UNREADABLE, reason=f"无法读取“{Path(path).name}”：文件过于复杂（{type(error).__name__}）"
        )
    except Exception as error:  # a fault of ours on this file: reported in its row, the batch goes on
        return FileResult(shown, UNREADABLE, reason=f"读取“{Path(path).name}”时程序出错（{type(error).__name__}）")
    return summarize(shown, submission, findings, options["rules"])


def summarize(path: str, submission: Submission, findings: Sequence[Finding], rules: RuleSet) -> FileResult:
    """The summary row of a workbook that was read."""
    errors = sum(f.severity == ERROR for f in findings)
    if submission.evaluation is not None:
        return _evaluation_row(path, submission, findings)
    main = _main_table(submission)
    scores = score_assessment(main, rules) if main is not None else None
    tables = [submission.overall] if submission.overall else list(submission.projects)
    budget = _sum(t.funding.total.budget for t in tables)
    executed = _sum(t.funding.total.executed for t in tables)
    return FileResult(
        path,
        HAS_ERRORS if errors else PASSED,
        unit=submission.header.unit_name,
        year=submission.header.fiscal_year,
        kind="部门整体" if submission.overall or submission.basic else "项目",
        budget=budget,
        executed=executed,
        exec_rate=execution_rate(executed, budget),
        printed_total=main.printed_total if main else None,
        total=scores.total if scores else None,
        printed_grade=main.printed_grade if main else "",
        grade=(scores.grade or "") if scores else "",
        errors=errors,
        hints=sum(f.severity == HINT for f in findings),
        findings=tuple(findings),
        projects=() if submission.overall else tuple(p.name for p in submission.projects),
    )


def _evaluation_row(path: str, submission: Submission, findings: Sequence[Finding]) -> FileResult:
    """An evaluation workbook's row: its 评分表's 总分 and 等级 as printed and as the engine adds them up."""
    sheet = submission.evaluation
    assert sheet is not None
    errors = sum(f.severity == ERROR for f in findings)
    return FileResult(
        path,
        HAS_ERRORS if errors else PASSED,
        unit=submission.header.unit_name,
        year=submission.header.fiscal_year,
        kind=EVALUATION_KIND,
        printed_total=sheet.total.score if sheet.total else None,
        total=sheet.scores.total,
        printed_grade=str(sheet.grade or ""),
        grade=sheet.scores.grade or "",
        errors=errors,
        hints=sum(f.severity == HINT for f in findings),
        findings=tuple(findings),
    )


def _main_table(submission: Submission) -> Assessment | None:
    """The table whose 总分 stands for the submission: 附件2, or a project workbook's only 附件3."""
    if submission.overall is not None:
        return submission.overall
    return submission.projects[0] if len(submission.projects) == 1 else None


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


# ---------------------------------------------------------------- the batch


def duplicates(results: Sequence[FileResult]) -> dict[tuple[str, int | None, str, tuple[str, ...]], list[str]]:
    """(unit, year, kind, projects) -> the files, for each workbook submitted more than once."""
    by_unit: dict[tuple[str, int | None, str, tuple[str, ...]], list[str]] = {}
    for result in results:
        if result.status != UNREADABLE and result.unit:  # a unit's dept workbook and its project workbooks differ
            by_unit.setdefault((result.unit, result.year, result.kind, result.projects), []).append(result.path)
    return {key: files for key, files in by_unit.items() if len(files) > 1}


def with_duplicates_marked(results: Sequence[FileResult]) -> list[FileResult]:
    """Each file of a unit and year submitted twice gets a finding of its own (duplicate-submission, a hint)."""
    marked = {path: files for files in duplicates(results).values() for path in files}
    out = []
    for result in results:
        others = [p for p in marked.get(result.path, []) if p != result.path]
        if others:
            finding = DUPLICATE_SUBMISSION(
                f"{result.unit} {result.year or ''}年度另有 {len(others)} 份自评表：{'、'.join(others)}；"
                "请确认以哪一份为准"
            )
            result = replace(result, findings=(*result.findings, finding), hints=result.hints + 1)
        out.append(result)
    return out


Progress = Callable[[int, int], None]


def review_all(
    files: Sequence[Path], jobs: int = 1, rules: str | None = None, progress: Progress | None = None
) -> list[FileResult]:
    """Every file reviewed, in the order given; `jobs` processes at once (1: in this process)."""
    report = progress or (lambda done, total: None)
    results: list[FileResult | None] = [None] * len(files)
    report(0, len(files))
    if jobs <= 1 or len(files) <= 1:
        for index, path in enumerate(files):
            results[index] = review_file(path, rules)
            report(index + 1, len(files))
    else:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
        futures = {pool.submit(review_file, str(path), rules): index for index, path in enumerate(files)}
        done = 0
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    results[index] = future.result()
                except BrokenProcessPool:  # a worker died (killed for memory…): that file, and those it took down
                    results[index] = _alone(files[index], rules)
                done += 1
                report(done, len(files))
        except BaseException:  # Ctrl-C: the queued files are cancelled, not reviewed; nothing is kept
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return with_duplicates_marked([r for r in results if r is not None])


def _alone(path: Path, rules: str | None) -> FileResult:
    """One file in a process of its own, after a pool broke: a file that kills its process is a row saying so."""
    with ProcessPoolExecutor(max_workers=1, initializer=_ignore_interrupts) as pool:
        try:
            return pool.submit(review_file, str(path), rules).result()
        except BrokenProcessPool:
            return FileResult(
                shown_path(path), UNREADABLE, reason=f"复核“{shown_path(path)}”的进程意外退出（可能内存不足）"
            )


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them all (and prints one line, not one traceback each)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# ---------------------------------------------------------------- progress on the terminal


class ProgressBar:
    """files done / total, files per second and time left: one redrawn line on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_line = -1

    def __call__(self, done: int, total: int) -> None:
        if total == 0 or (done == 0 and not self.tty):
            return
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 and done else 0.0
        left = (total - done) / rate if rate else None
        text = f"复核 {done}/{total} 个文件 · {rate:.1f} 个/秒" + (
            f" · 约剩 {_duration(left)}" if left and left >= 1 else ""
        )
        text += "" if done < total else f" · 用时 {_duration(elapsed)}"
        if self.tty:
            filled = self.width * done // total
            bar = "█" * filled + "░" * (self.width - filled)
            self.stream.write(f"\r{bar} {text}\033[K" + ("\n" if done == total else ""))
            self.stream.flush()
            return
        step = max(1, total // 10)  # a log gets about ten lines, whatever the batch's size
        if done == total or done // step != self.last_line:
            self.last_line = done // step
            self.stream.write(text + "\n")
            self.stream.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds} 秒"
    if seconds < 3600:
        return f"{seconds // 60} 分 {seconds % 60} 秒"
    return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"
