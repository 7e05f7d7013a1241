"""Benchmark of `perfeval review`: a generated batch of submissions, files per second with one process and with
every core, against openpyxl merely loading the same files in one process; peak memory at 100 and at all files.

Run through scripts/bench-review (which makes the virtual environment first). Figures go into the README.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import openpyxl

from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.review.batch import default_jobs, review_all
from perfeval_xl.review.inbox import find_submissions
from perfeval_xl.workbook.new import new_workbook


def make_one(args: tuple[int, str]) -> None:
    """Submission number `index`: a unit of its own, 1 to 12 projects, some with errors, some without macros,
    one in fifty truncated (a broken upload)."""
    index, folder = args
    rng = random.Random(index)
    base = published_example() if rng.random() < 0.3 else corrected_example()
    header = replace(base.header, unit_name=f"第{index:04d}单位", fiscal_year=rng.choice([2022, 2023, 2024]))
    names = [p.name for p in base.projects] + [f"专项经费{n}" for n in range(rng.randint(0, 10))]
    flavour, suffix = ("native", ".xlsx") if rng.random() < 0.25 else ("udf", ".xlsm")
    data = new_workbook("dept", None, names, flavour, suffix, replace(base, header=header))
    if rng.random() < 0.02:
        data = data[: len(data) // 2]
    (Path(folder) / f"{index:04d}{suffix}").write_bytes(data)


def make_batch(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if len(find_submissions([folder]).files) < count:
        with ProcessPoolExecutor(default_jobs()) as pool:
            list(pool.map(make_one, [(i, str(folder)) for i in range(count)], chunksize=4))
    return find_submissions([folder]).files[:count]


def openpyxl_alone(files: list[Path]) -> float:
    started = time.perf_counter()
    for path in files:
        with contextlib.suppress(Exception):  # the broken uploads
            openpyxl.load_workbook(path).close()
    return time.perf_counter() - started


def timed_review(files: list[Path], jobs: int) -> float:
    started = time.perf_counter()
    review_all(files, jobs=jobs)
    return time.perf_counter() - started


def peak_memory_mb(folder: Path, count: int) -> float:
    """Peak resident memory of a fresh process that reviews the first `count` files with one job: the larger of the
    parent's and its worker's (the worker reads the files; the parent keeps the rows)."""
    code = (
        "import resource, sys; from pathlib import Path;"
        "from perfeval_xl.review.batch import review_all; from perfeval_xl.review.inbox import find_submissions;"
        f"review_all(find_submissions([Path({str(folder)!r})]).files[:{count}], jobs=1);"
        "print(max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return int(out.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "perfeval-review-bench")
    args = parser.parse_args()
    files = make_batch(args.folder, args.files)
    cores = default_jobs()
    size = sum(p.stat().st_size for p in files) / len(files) / 1024
    print(f"{len(files)} files in {args.folder} (mean {size:.0f} KB), {cores} cores")
    baseline = openpyxl_alone(files)
    one = timed_review(files, 1)
    every = timed_review(files, cores)
    rows = [
        ("openpyxl.load_workbook alone, 1 process", baseline),
        ("perfeval review --jobs 1", one),
        (f"perfeval review --jobs {cores}", every),
    ]
    print(f"\n{'':44} {'seconds':>8} {'files/s':>8} {'× openpyxl time':>16}")
    for name, seconds in rows:
        print(f"{name:44} {seconds:8.1f} {len(files) / seconds:8.2f} {seconds / baseline:16.2f}")
    print(f"\nspeed-up with {cores} processes: {one / every:.2f} (target ≥ {0.7 * cores:.1f})")
    for count in (100, len(files)):
        print(f"peak memory, one process, {count} files: {peak_memory_mb(args.folder, count):.0f} MB")
    rate = len(files) / every
    print(f"50,000 files at {rate:.1f} files/s: {50_000 / rate / 3600:.1f} h on this machine")


if __name__ == "__main__":
    main()
