"""perfeval review over hostile inboxes (tests/hostile_inboxes.py): odd names, links that loop, pipes, bombs, folders
past the path limit, outputs that are no file, full disks, signals, workers that die, and thousands of copies.

For every inbox: no exit 3, no traceback, no hang, strict JSON, every odd entry a row with its reason, the inbox
byte for byte as it was, and nothing partial or left over where the outputs go.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import example
from hostile_corpus import CORPUS
from hostile_inboxes import GBK_NAME, INBOXES

from perfeval_xl.cli import main
from perfeval_xl.core.records import HINT
from perfeval_xl.review import batch
from perfeval_xl.review.batch import PASSED, UNREADABLE, FileResult, review_all, with_duplicates_marked
from perfeval_xl.review.inbox import find_submissions
from perfeval_xl.review.provenance import is_our_summary
from perfeval_xl.review.summary import as_json, workbook_bytes


def _perfeval(*args: str, limits: dict[int, int] | None = None, env: dict[str, str] | None = None, **popen):
    """The command in a process of its own (so that limits and signals reach it alone)."""

    def limited() -> None:
        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    return subprocess.Popen(
        [sys.executable, "-m", "perfeval_xl.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=limited,
        env={**os.environ, **(env or {})},
        **popen,
    )


def _snapshot(folder: Path) -> dict[bytes, str]:
    """Every regular file under the folder (by directory descriptor: also past the path limit) and its digest."""
    seen: dict[bytes, str] = {}
    for top, _dirs, files, top_fd in os.fwalk(os.fsencode(folder)):
        for name in files:
            try:
                handle = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW, dir_fd=top_fd)
            except OSError:  # a link, a pipe: not content
                continue
            with os.fdopen(handle, "rb") as stream:
                if os.fstat(stream.fileno()).st_size < 50 * 1024**2:
                    seen[top + b"/" + name] = hashlib.sha256(stream.read()).hexdigest()
    return seen


def _strict(constant: str) -> None:
    raise AssertionError(f"not JSON: {constant}")


@pytest.mark.parametrize("kind", sorted(INBOXES))
def test_review__every_hostile_inbox_ends_cleanly(tmp_path, kind):
    inbox = INBOXES[kind](tmp_path / "收件")
    before = _snapshot(inbox)
    out = tmp_path / "输出"
    out.mkdir()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    process = _perfeval(
        "review",
        inbox.name,
        "-o",
        str(out / "s.xlsx"),
        "--letters",
        str(out / "意见"),
        "--json",
        "-j",
        "2",
        limits={resource.RLIMIT_AS: 6 * 1024**3},  # a bomb read whole would exceed this, and fail loudly
        env={"TMPDIR": str(temporary)},
        cwd=inbox.parent,
    )
    stdout, stderr = process.communicate(timeout=300)
    err = stderr.decode("utf-8")
    assert process.returncode in (0, 1) and "Traceback" not in err and "Warning" not in err, err[-3000:]
    payload = json.loads(stdout.decode("utf-8"), parse_constant=_strict)
    rows = {row["file"]: row for row in payload["files"]}
    assert _snapshot(inbox) == before  # nothing in the inbox changed
    assert {p.name for p in out.iterdir()} <= {"s.xlsx", "意见"} and list(temporary.iterdir()) == []
    assert is_our_summary(out / "s.xlsx")
    summary = openpyxl.load_workbook(out / "s.xlsx", read_only=True)
    assert summary["汇总"].max_row == len(rows) + 1
    for row in rows.values():
        assert (row["status"] == UNREADABLE) == bool(row["reason"]), row
        assert "\ufffd" not in row["file"] or "bad" in row["file"]  # GBK names shown as GBK; only garbage replaced
    EXPECTED[kind](rows)


def _reasons(rows: dict, fragment: str) -> set[str]:
    return {Path(path).name for path, row in rows.items() if fragment in (row["reason"] or "")}


def _links(rows: dict) -> None:
    assert _reasons(rows, "链接指向的文件不存在") == {"悬空.xlsm"}
    assert _reasons(rows, "链接形成了循环") == {"自指.xlsm", "甲.xlsm", "乙.xlsm"}
    assert _reasons(rows, "是指向文件夹的链接") == {"回到自己", "上级", "根目录"}
    assert [row["status"] for row in rows.values()].count(PASSED) == 1  # the good one, once though linked twice


def _gbk(rows: dict) -> None:
    shown = GBK_NAME.decode("gb18030")
    assert rows[f"gbk/{shown}.xlsm"]["status"] == PASSED
    assert f"“{shown}-broken.xlsm”" in rows[f"gbk/{shown}-broken.xlsm"]["reason"]  # the name as the unit wrote it
    assert "gbk/二科/x.xlsm" in rows and any(p.startswith("gbk/bad") for p in rows)


def _bombs(rows: dict) -> None:
    assert all(row["status"] == UNREADABLE for path, row in rows.items() if not path.endswith("好的.xlsm"))
    assert "解压后" in rows["bombs/复核汇总.xlsx"]["reason"]  # named like a summary, but not ours: reviewed


def _not_files(rows: dict) -> None:
    assert _reasons(rows, "不是普通文件") == {"管道.xlsx", "零.xlsx", "空.xlsm"}


def _deep(rows: dict) -> None:
    (deep,) = [row for row in rows.values() if row["status"] == UNREADABLE]
    assert "路径超过了系统允许的长度" in deep["reason"]


def _lookalike(rows: dict) -> None:
    assert {Path(p).name for p, row in rows.items() if row["unit"]} == {
        "好的.xlsm",
        "像汇总的自评表.xlsm",
        "像汇总的自评表.xlsx",
    }


def _duplicates(rows: dict) -> None:
    hints = [f["message"] for row in rows.values() for f in row["findings"] if f["code"] == "duplicate-submission"]
    assert len(hints) == 40 and len(set(hints)) == 1 and "共提交了 40 份（重复提交第 1 组" in hints[0]
    assert {row["duplicate_group"] for row in rows.values()} == {1}


def _corpus(rows: dict) -> None:
    assert len(rows) == len(list(CORPUS.glob("*.xls[xm]")))
    assert sum(row["status"] == UNREADABLE for row in rows.values()) >= 30  # each with its one-line reason


EXPECTED = {
    "corpus": _corpus,
    "links": _links,
    "gbk-names": _gbk,
    "bombs": _bombs,
    "not-files": _not_files,
    "deep": _deep,
    "summary-lookalike": _lookalike,
    "duplicates": _duplicates,
}


def test_review__each_inbox_class_has_its_expectations():
    assert EXPECTED.keys() == INBOXES.keys()


# ---------------------------------------------------------------- outputs


@pytest.fixture
def one(tmp_path) -> Path:
    folder = tmp_path / "收件"
    folder.mkdir()
    example(folder, "好的.xlsm")
    return folder


def _refused(argv: list[str], capsys) -> str:
    signal.alarm(60)  # a pipe opened for reading or writing would wait forever
    try:
        assert main(argv) == 2
    finally:
        signal.alarm(0)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("perfeval："), err
    return err


def test_review__an_output_that_is_no_regular_file_is_refused_before_the_batch(one, tmp_path, capsys):
    os.mkfifo(tmp_path / "管道.xlsx")
    os.symlink("/dev/zero", tmp_path / "零.xlsx")
    (tmp_path / "文件夹.xlsx").mkdir()
    for name in ("管道.xlsx", "零.xlsx"):
        assert "不是普通文件" in _refused(["review", str(one), "-o", str(tmp_path / name)], capsys)
    assert "是文件夹" in _refused(["review", str(one), "-o", str(tmp_path / "文件夹.xlsx")], capsys)
    assert "以 .xlsx 结尾" in _refused(["review", str(one), "-o", "/dev/zero"], capsys)


def test_review__only_a_summary_written_here_and_unchanged_is_overwritten(one, tmp_path, capsys):
    summary = tmp_path / "复核汇总.xlsx"
    assert main(["review", str(one), "-o", str(summary), "-j", "1"]) == 0
    assert is_our_summary(summary)
    assert main(["review", str(one), "-o", str(summary), "-j", "1"]) == 0  # our own, unchanged: written over
    lookalike = tmp_path / "像汇总.xlsx"
    wb = openpyxl.load_workbook(one / "好的.xlsm")
    for title in ("汇总", "问题清单", "统计", "无法读取"):
        wb.create_sheet(title)
    wb.save(lookalike)
    edited = tmp_path / "改过的汇总.xlsx"
    wb = openpyxl.load_workbook(summary)
    wb["汇总"]["P1"] = "复核人意见"
    wb.save(edited)
    capsys.readouterr()
    for target in (lookalike, edited):
        before = target.read_bytes()
        assert "不是本程序写出" in _refused(["review", str(one), "-o", str(target)], capsys)
        assert target.read_bytes() == before and not is_our_summary(target)


def test_review__a_file_size_limit_is_one_line_and_leaves_nothing(one, tmp_path):
    out, temporary = tmp_path / "输出", tmp_path / "tmp"
    out.mkdir()
    temporary.mkdir()
    process = _perfeval(
        "review",
        str(one),
        "-o",
        str(out / "s.xlsx"),
        "--letters",
        str(out / "意见"),
        "-j",
        "1",
        limits={resource.RLIMIT_FSIZE: 8 * 1024},
        env={"TMPDIR": str(temporary)},
    )
    _stdout, stderr = process.communicate(timeout=120)
    err = stderr.decode("utf-8").strip().splitlines()
    assert process.returncode == 2 and "文件超过了系统允许的大小" in err[-1], err
    assert list(out.iterdir()) == [] and list(temporary.iterdir()) == []  # not even the letters' folder


def test_review__a_full_disk_is_one_line_and_leaves_nothing(one, tmp_path, capsys, monkeypatch):
    from perfeval_xl.utils import files

    real_write = os.write

    def full(handle: int, data) -> int:
        if len(data) > 1024:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(handle, data)

    monkeypatch.setattr(files.os, "write", full)
    assert main(["review", str(one), "-o", str(tmp_path / "s.xlsx"), "-j", "1"]) == 2
    assert "磁盘空间不足" in capsys.readouterr().err
    assert {p.name for p in tmp_path.iterdir()} == {"收件"}


# ---------------------------------------------------------------- signals and workers


@pytest.fixture(scope="module")
def pile(tmp_path_factory) -> Path:
    """Enough copies that a batch with two workers runs for several seconds."""
    folder = tmp_path_factory.mktemp("pile")
    good = example(folder, "0000.xlsm")
    for number in range(1, 200):
        os.link(good, folder / f"{number:04d}.xlsm")
    return folder


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_review__a_signal_stops_every_worker_and_writes_nothing(pile, tmp_path, name, code):
    out = tmp_path / "s.xlsx"
    process = _perfeval("review", str(pile), "-o", str(out), "-j", "2", start_new_session=True)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.2)
        workers = _children(process.pid)
    assert len(workers) >= 2, "the pool did not start"
    time.sleep(1)
    if name == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole group, workers included
    else:
        process.send_signal(signal.SIGTERM)  # `kill` reaches the parent alone
    _stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr.decode()[-2000:]
    assert "Traceback" not in stderr.decode() and not out.exists() and list(tmp_path.iterdir()) == []
    time.sleep(0.5)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []


_REVIEWED = batch.review_file


def _hostile_review(path, rules=None, framework=None):
    """review_file, but the worker dies on one file and runs out of memory on another."""
    if path.endswith("0001.xlsm"):
        os._exit(9)  # as when the system kills a worker
    if path.endswith("0002.xlsm"):
        bytearray(2 * 1024**3)  # over the cap of 512 MB: MemoryError in the worker
    return _REVIEWED(path, rules, framework)


def test_review__a_worker_that_dies_or_runs_out_of_memory_costs_its_own_row(pile, monkeypatch):
    files = sorted(pile.iterdir())[:6]
    monkeypatch.setattr(batch, "review_file", _hostile_review)  # the workers are forked: they see it too
    results = review_all(files, jobs=2, memory_mb=512)
    by_name = {Path(r.path).name: r for r in results}
    assert "进程意外退出" in by_name["0001.xlsm"].reason
    assert by_name["0002.xlsm"].status == UNREADABLE and "MemoryError" in by_name["0002.xlsm"].reason
    assert [by_name[f"000{n}.xlsm"].status for n in (0, 3, 4, 5)] == [PASSED] * 4


# ---------------------------------------------------------------- thousands of copies


def _copies(count: int) -> list[FileResult]:
    row = FileResult(
        "x",
        PASSED,
        unit="岳阳市君山区人力资源和社会保障局",
        year=2023,
        kind="部门整体",
        budget=Decimal("1294.52"),
        executed=Decimal("1200"),
    )
    return [FileResult(**{**row.__dict__, "path": f"收件/副本{n:05d}/自评.xlsm"}) for n in range(count)]


def test_duplicates__output_grows_with_the_files_not_with_their_square():
    sizes = {}
    for count in (1000, 3000):
        results = with_duplicates_marked(_copies(count))
        hints = [f.message for r in results for f in r.findings if f.severity == HINT]
        assert len(hints) == count and max(map(len, hints)) < 120
        sizes[count] = (len(json.dumps(as_json(results), ensure_ascii=False)), len(workbook_bytes(results, Path("."))))
    for which in (0, 1):
        assert sizes[3000][which] < 3.3 * sizes[1000][which], sizes


def test_inbox__deep_folders_walk_without_recursion_and_report_once(tmp_path):
    from hostile_inboxes import deep

    inbox = find_submissions([deep(tmp_path)])
    assert [p.name for p in inbox.files] == ["好的.xlsm"]
    assert len(inbox.odd) == 1 and "路径超过" in inbox.odd[0].reason


def test_summary__file_links_and_zip_parts_survive_odd_names(one, tmp_path):
    gbk = os.fsdecode(os.fsencode(one) + b"/" + GBK_NAME + b".xlsm")
    os.link(one / "好的.xlsm", gbk)
    summary = tmp_path / "s.xlsx"
    assert main(["review", str(one), "-o", str(summary), "-j", "1"]) == 0
    names = [row[0] for row in openpyxl.load_workbook(summary)["汇总"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["收件/单位自评.xlsm", "收件/好的.xlsm"]
    assert zipfile.ZipFile(summary).testzip() is None


def _dying_review(path, rules=None, framework=None):
    """review_file, but every seventh file kills its worker (as the system's OOM killer would)."""
    if int(Path(path).stem) % 7 == 3:
        os._exit(9)
    return FileResult(path, PASSED)


def test_review__workers_dying_while_files_are_handed_out_cost_only_their_rows(pile, monkeypatch):
    files = sorted(pile.iterdir())[:40]
    monkeypatch.setattr(batch, "review_file", _dying_review)
    for _attempt in range(3):  # the pool can break between two submissions: that must not escape either
        results = review_all(files, jobs=2, memory_mb=512)
        dead = {Path(r.path).name for r in results if r.status == UNREADABLE}
        assert len(results) == 40 and dead == {f.name for f in files if int(f.stem) % 7 == 3}


def _stuck_review(path, rules=None, framework=None):
    """review_file, but one file never finishes (a read that waits forever, a loop)."""
    if path.endswith("0002.xlsm"):
        time.sleep(3600)
    return FileResult(path, PASSED)


def test_review__a_file_that_never_finishes_costs_its_row_after_the_stall_time(pile, monkeypatch):
    files = sorted(pile.iterdir())[:8]
    monkeypatch.setattr(batch, "review_file", _stuck_review)
    results = review_all(files, jobs=2, memory_mb=512, stall_seconds=2)
    by_name = {Path(r.path).name: r for r in results}
    assert "超过 2 秒仍未结束" in by_name["0002.xlsm"].reason
    assert [r.status for name, r in sorted(by_name.items()) if name != "0002.xlsm"] == [PASSED] * 7


def test_summary__more_findings_than_a_sheet_holds_are_cut_with_a_note_and_no_warning(monkeypatch, recwarn):
    from perfeval_xl.core.codes import DUPLICATE_SUBMISSION
    from perfeval_xl.review import summary

    monkeypatch.setattr(summary, "MAX_ROWS", 50)
    monkeypatch.setattr(summary, "MAX_LINKS", 10)
    finding = DUPLICATE_SUBMISSION("提示")
    results = [FileResult(f"收件/{n}.xlsm", PASSED, findings=(finding,) * 3) for n in range(30)]  # 90 findings
    data = workbook_bytes(results, Path("."))
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["问题清单"].iter_rows(values_only=True))
    assert (
        len(rows) == 50 and rows[-1][0] == "……另有 42 条未列出（工作表最多 50 行）；全部发现见 perfeval review --json"
    )
    assert not [w for w in recwarn if "URL" in str(w.message) or "truncated" in str(w.message)]
