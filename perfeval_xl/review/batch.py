"""批量复核: the submissions under some folders, each read and checked on its own (in parallel), one small row each.

review_file() is a pure function of one file: it never raises, and what it returns is small and picklable, so a
batch of any size keeps only rows in memory and maps onto any pool of processes (or machines) unchanged.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from perfeval_xl.core.codes import DUPLICATE_SUBMISSION
from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.core.records import ERROR, HINT, Assessment, Finding, Submission
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.engine.rates import execution_rate
from perfeval_xl.engine.scoring import score_assessment
from perfeval_xl.review.inbox import OddEntry
from perfeval_xl.utils.files import readable, shown_path
from perfeval_xl.workbook.open import load

try:
    import resource  # POSIX: a memory cap per worker (Windows has none; there the workers run without one)
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

PASSED, HAS_ERRORS, UNREADABLE = "通过", "有错误", "无法读取"
EVALUATION_KIND = "整体支出评价"  # a 部门整体支出绩效评价 workbook (workbook/reader/evaluation.py)


TARGETS_KIND, MONITOR_KIND = "绩效目标", "运行监控"  # a declaration, a monitoring workbook (workbook/reader/cycle.py)


@dataclass(frozen=True)
class FileResult:
    """One submission as the summary shows it.

    Attributes:
      path: the file, as found.
      status: 通过, 有错误 or 无法读取.
      reason: why the file could not be read (the one line `perfeval check` prints), else "".
      unit, year: 预算部门名称 and 年度 from the 说明 sheet.
      kind: 部门整体 (附件1/附件2), 项目 (附件3 only), 整体支出评价 (a 评价指标评分表), 绩效目标 (a declaration),
        运行监控 (a monitoring workbook), or "" when unread.
      budget, executed: 附件2's 全年预算数 and 全年执行数 (附件3's, added up, in a project workbook); a declaration's
        年度资金总额 (no 执行数); a monitoring's 年初预算数 and the period's 执行数.
      exec_rate: executed ÷ budget.
      printed_total, total: 总分 as printed and as recomputed (附件2, or the only 附件3).
      printed_grade, grade: 等级 likewise.
      errors, hints: how many findings of each severity.
      findings: every finding.
      projects: a project workbook's 项目名称 (told apart from the unit's other submissions by them).
      odd_entry: an entry of the inbox that is no workbook file one can open (a link to a folder, a folder that
        cannot be listed, a path too long): listed with its reason, but no letter asks the unit to resubmit it.
      duplicate_group: the number of its group when the same unit's same form came more than once.
      framework, evaluator: an evaluation's framework (as 说明 names it) and 评价机构; "" for a self-assessment.
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
    odd_entry: bool = False
    duplicate_group: int | None = None
    framework: str = ""
    evaluator: str = ""


# ---------------------------------------------------------------- one file


def review_file(path: str | Path, rules: str | None = None, framework: str | None = None) -> FileResult:
    """Read and check one workbook as `perfeval check` does; a file that cannot be read is a row saying why.

    Never raises (but for KeyboardInterrupt): one bad file must not stop a batch of thousands.
    """
    shown = shown_path(path)
    name = shown_path(Path(path).name)
    try:
        submission, findings, options = load(path, rules=rules, framework=framework)
        return summarize(shown, submission, findings, options["rules"])
    except PerfevalError as error:  # its message names the file as Python holds the name: shown as the user sees it
        reason = str(error).replace(os.fspath(path), shown).replace(Path(path).name, name)
        return FileResult(shown, UNREADABLE, reason=readable(reason))
    except OSError as error:  # gone, or refused, between the walk and now
        return FileResult(shown, UNREADABLE, reason=f"无法读取“{name}”：{os_reason(error)}")
    except (MemoryError, RecursionError) as error:
        return FileResult(shown, UNREADABLE, reason=f"无法读取“{name}”：文件过于复杂（{type(error).__name__}）")
    except Exception as error:  # a fault of ours on this file: reported in its row, the batch goes on
        return FileResult(shown, UNREADABLE, reason=f"读取“{name}”时程序出错（{type(error).__name__}）")


def odd_row(entry: OddEntry) -> FileResult:
    """The row of an inbox entry that could not be reviewed (a link to a folder, a path too long…)."""
    return FileResult(entry.path, UNREADABLE, reason=entry.reason, odd_entry=True)


def summarize(path: str, submission: Submission, findings: Sequence[Finding], rules: RuleSet) -> FileResult:
    """The summary row of a workbook that was read."""
    errors = sum(f.severity == ERROR for f in findings)
    if submission.evaluation is not None:
        return _evaluation_row(path, submission, findings)
    if submission.targets is not None or submission.monitor is not None:
        return _cycle_row(path, submission, findings)
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
    """An evaluation workbook's row: its 评分表's 总分 and 等级 as printed and as the engine adds them up, the
    framework and the evaluator, and the year's 支出 budget and 决算 where its 收支预决算 has them."""
    sheet = submission.evaluation
    assert sheet is not None
    errors = sum(f.severity == ERROR for f in findings)
    expense = submission.revenue.column("expense_total") if submission.revenue else None
    budget, executed = (expense.budget, expense.final) if expense else (None, None)
    return FileResult(
        path,
        HAS_ERRORS if errors else PASSED,
        unit=submission.header.unit_name,
        year=submission.header.fiscal_year,
        kind=EVALUATION_KIND,
        budget=budget,
        executed=executed,
        exec_rate=execution_rate(executed, budget),
        framework=submission.header.rule_set or sheet.framework.name,
        evaluator=sheet.texts.get("eval_evaluator", ""),
        printed_total=sheet.total.score if sheet.total else None,
        total=sheet.scores.total,
        printed_grade=str(sheet.grade or ""),
        grade=sheet.scores.grade or "",
        errors=errors,
        hints=sum(f.severity == HINT for f in findings),
        findings=tuple(findings),
    )


def _cycle_row(path: str, submission: Submission, findings: Sequence[Finding]) -> FileResult:
    """A declaration's or a monitoring workbook's row: the department's money (the projects' added up when it has
    no table of its own), and the projects it names; it has no total and no grade."""
    errors = sum(f.severity == ERROR for f in findings)
    if submission.targets is not None:
        declared = submission.targets
        main = [declared.overall] if declared.overall else list(declared.projects)
        kind, budget, executed = TARGETS_KIND, _sum(t.fund_total for t in main), None
        projects = tuple(p.name for p in declared.projects)
    else:
        monitor = submission.monitor
        assert monitor is not None
        tables = [monitor.overall] if monitor.overall else list(monitor.projects)
        kind, budget, executed = (
            MONITOR_KIND,
            _sum(t.fund_budget for t in tables),
            _sum(t.fund_executed for t in tables),
        )
        projects = tuple(p.name for p in monitor.projects)
    return FileResult(
        path,
        HAS_ERRORS if errors else PASSED,
        unit=submission.header.unit_name,
        year=submission.header.fiscal_year,
        kind=kind,
        budget=budget,
        executed=executed,
        exec_rate=execution_rate(executed, budget) if executed is not None else None,
        errors=errors,
        hints=sum(f.severity == HINT for f in findings),
        findings=tuple(findings),
        projects=projects,
    )


def _main_table(submission: Submission) -> Assessment | None:
    """The table whose 总分 stands for the submission: 附件2, or a project workbook's only 附件3."""
    if submission.overall is not None:
        return submission.overall
    return submission.projects[0] if len(submission.projects) == 1 else None


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


# ---------------------------------------------------------------- duplicates


@dataclass(frozen=True)
class DuplicateGroup:
    """One unit's same form of one year, submitted more than once: numbered, so each file names its group once."""

    number: int
    unit: str
    year: int | None
    kind: str
    files: tuple[str, ...]


def duplicates(results: Sequence[FileResult]) -> list[DuplicateGroup]:
    """Each workbook (unit, year, kind, projects) submitted more than once, numbered 1, 2… in the batch's order."""
    by_unit: dict[tuple[str, int | None, str, tuple[str, ...]], list[str]] = {}
    for result in results:
        if result.status != UNREADABLE and result.unit:  # a unit's dept workbook and its project workbooks differ
            by_unit.setdefault((result.unit, result.year, result.kind, result.projects), []).append(result.path)
    repeated = [(key, files) for key, files in by_unit.items() if len(files) > 1]
    return [
        DuplicateGroup(number, unit, year, kind, tuple(files))
        for number, ((unit, year, kind, _projects), files) in enumerate(repeated, start=1)
    ]


def with_duplicates_marked(results: Sequence[FileResult]) -> list[FileResult]:
    """Each file of a group gets one duplicate-submission hint naming its group and its size, not the other files:
    the output grows with the files, not with their square (3 000 copies of one workbook)."""
    group_of = {path: group for group in duplicates(results) for path in group.files}
    out = []
    for result in results:
        group = group_of.get(result.path)
        if group is not None:
            finding = DUPLICATE_SUBMISSION(
                f"{result.unit} {result.year or ''}年度的{result.kind}表共提交了 {len(group.files)} 份"
                f"（重复提交第 {group.number} 组，各份文件见汇总的“统计”页）；请确认以哪一份为准"
            )
            result = replace(
                result, findings=(*result.findings, finding), hints=result.hints + 1, duplicate_group=group.number
            )
        out.append(result)
    return out


# ---------------------------------------------------------------- the batch

Progress = Callable[[int, int], None]
IN_FLIGHT_PER_JOB = 4  # files handed to the pool ahead of time: enough to keep it busy, few enough to stay flat
DEFAULT_MEMORY_MB = 2048  # per worker: a filled workbook takes well under 300 MB to read and check
STALL_SECONDS = 120.0  # no file finished for this long: a worker is stuck (a read that never ends, a loop)


def review_all(
    files: Sequence[Path],
    jobs: int = 1,
    rules: str | None = None,
    progress: Progress | None = None,
    odd: Sequence[OddEntry] = (),
    memory_mb: int = DEFAULT_MEMORY_MB,
    framework: str | None = None,
    stall_seconds: float = STALL_SECONDS,
) -> list[FileResult]:
    """Every file reviewed, in the order given, then the odd entries; `jobs` worker processes at once.

    Each worker has `memory_mb` of address space (POSIX): a file that needs more, that kills its process, or that
    keeps its worker busy for `stall_seconds` while nothing else finishes, costs its own row and nothing else. Even
    one job runs in a worker, so that this process keeps none of a file's risks. Ctrl-C or SIGTERM in the parent
    stops every worker before the exception goes on (nothing is left running, nothing is written). `rules` and
    `framework` are the reviewer's, over the ones each workbook names or keeps."""
    report = progress or (lambda done, total: None)
    report(0, len(files))
    results = _pooled(files, max(1, jobs), (rules, framework), report, memory_mb, stall_seconds) if files else []
    return with_duplicates_marked([*results, *map(odd_row, odd)])


Using = tuple[str | None, str | None]  # the reviewer's rule set and framework, as review_file takes them


def _pooled(
    files: Sequence[Path], jobs: int, using: Using, report: Progress, memory_mb: int, stall_seconds: float
) -> list[FileResult]:
    results: list[FileResult | None] = [None] * len(files)
    waiting = iter(enumerate(files))
    in_flight: dict[Future[FileResult], int] = {}
    pool = _pool(jobs, memory_mb)
    done = 0

    def collect(futures: Iterable[Future[FileResult]]) -> bool:
        """Each finished file's row; True when the pool broke (a worker died, taking its pool down)."""
        nonlocal done
        broken = False
        for future in list(futures):
            index = in_flight.pop(future)
            try:
                results[index] = future.result()
            except BrokenProcessPool:  # this file, or one that took it down: tried again in a process of its own
                broken = True
                results[index] = _alone(files[index], using, memory_mb, stall_seconds)
            except Exception as error:  # the row could not come back (MemoryError under the cap…): it says so
                results[index] = _failed(files[index], error)
            done += 1
            report(done, len(files))
        return broken

    def renew() -> None:
        """After a worker died: the files in flight went down with the pool (or finished first); a new pool."""
        nonlocal pool
        collect(in_flight)
        stop_pool(pool)
        pool = _pool(jobs, memory_mb)

    try:
        while True:
            while len(in_flight) < jobs * IN_FLIGHT_PER_JOB and (item := next(waiting, None)) is not None:
                try:
                    in_flight[pool.submit(review_file, str(item[1]), *using)] = item[0]
                except BrokenProcessPool:  # it broke between two files: this one goes to the new pool
                    renew()
                    in_flight[pool.submit(review_file, str(item[1]), *using)] = item[0]
            if not in_flight:
                break
            finished, _ = wait(in_flight, timeout=stall_seconds, return_when=FIRST_COMPLETED)
            if not finished:  # nothing came back for stall_seconds: each file in flight alone, with a deadline
                stalled = list(in_flight.items())
                in_flight.clear()
                stop_pool(pool)  # its futures may never settle now: what finished is kept, the rest is tried alone
                for future, index in stalled:
                    kept = future.done() and not future.cancelled() and future.exception(timeout=0) is None
                    results[index] = future.result() if kept else _alone(files[index], using, memory_mb, stall_seconds)
                    done += 1
                    report(done, len(files))
                pool = _pool(jobs, memory_mb)
            elif collect(finished):
                renew()
    finally:  # normally or not (Ctrl-C, SIGTERM): no worker outlives the batch
        stop_pool(pool)
    return [r for r in results if r is not None]


def _failed(path: Path, error: Exception) -> FileResult:
    return FileResult(
        shown_path(path), UNREADABLE, reason=f"复核“{shown_path(path.name)}”时进程出错（{type(error).__name__}）"
    )


def _alone(path: Path, using: Using, memory_mb: int, stall_seconds: float) -> FileResult:
    """One file in a process of its own, after a pool broke or stalled: a file that kills its process, or that does
    not finish within stall_seconds, is a row saying so."""
    pool = _pool(1, memory_mb)
    try:
        return pool.submit(review_file, str(path), *using).result(timeout=stall_seconds)
    except TimeoutError:
        return FileResult(
            shown_path(path),
            UNREADABLE,
            reason=f"复核“{shown_path(path.name)}”超过 {stall_seconds:g} 秒仍未结束，已停止"
            "（文件可能有问题，或读取它时一直在等待）",
        )
    except BrokenProcessPool:
        return FileResult(
            shown_path(path),
            UNREADABLE,
            reason=f"复核“{shown_path(path.name)}”的进程意外退出（文件所需内存超过每个进程 {memory_mb} MB 的上限，"
            "或文件有问题）",
        )
    except Exception as error:  # MemoryError under the cap, a row that could not come back
        return _failed(path, error)
    finally:
        stop_pool(pool)


def _pool(jobs: int, memory_mb: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_worker_setup, initargs=(memory_mb,))


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the workers now, whatever they are doing: a cancelled batch must not leave processes behind.

    The executor offers no way to stop a task that has started (shutdown waits for it, or leaves it running),
    so its processes are killed; `_processes` is the executor's own table of them (CPython 3.8 and later)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def _worker_setup(memory_mb: int) -> None:
    """In each worker: Ctrl-C is left to the parent (which stops them all and prints one line); the worker dies
    with its parent even when the parent is killed outright; its address space is capped at `memory_mb`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if resource is None:
        return
    try:
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard < 0 else min(limit, hard), hard))
    except (ValueError, OSError):
        pass


def _die_with_parent() -> None:
    """Linux's PR_SET_PDEATHSIG: SIGKILL this worker when its parent dies (kill -9 leaves no orphan working on)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the call: do not start working for nobody
        os._exit(1)


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
