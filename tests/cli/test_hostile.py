"""Every command over the hostile-input corpus (tests/files/hostile, made by tests/hostile_corpus.py).

For each file: `check`, `check --json` and `report --projects` end with exit 0, 1 or 2 (never 3, a fault of ours),
print no traceback, write strict JSON, leave the input byte for byte as it was, and write whole reports or nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import zipfile
from pathlib import Path

import pytest
from hostile_corpus import CORPUS, RULE_FILES

from perfeval_xl.cli import main
from perfeval_xl.core.codes import CATALOGUE

WORKBOOKS = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm"))
HUGE_RULE_FILE = 2 * 1024**3  # sparse: takes no disk, but a reader that trusts it would try to hold 2 GB


def test_corpus__is_at_least_forty_workbooks_and_its_rule_files():
    assert len(WORKBOOKS) >= 40
    assert {p.name for p in CORPUS.iterdir()} == set(WORKBOOKS) | set(RULE_FILES)


def _lay_out(folder: Path, name: str) -> Path:
    """The workbook in a folder of its own, with the rule files it names beside it (some that git cannot hold)."""
    shutil.copy(CORPUS / name, folder / name)
    for rule_file in RULE_FILES:
        shutil.copy(CORPUS / rule_file, folder / rule_file)
    os.mkfifo(folder / "fifo.toml")  # opening it for reading would wait for a writer forever
    with open(folder / "huge.toml", "wb") as huge:
        huge.truncate(HUGE_RULE_FILE)
    (folder / "folder.toml").mkdir()
    return folder / name


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.stat().st_size < HUGE_RULE_FILE}


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    def stuck(_signum, _frame):
        raise AssertionError(f"perfeval {' '.join(argv)[:80]} hung")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(120)
    try:
        code = main(argv)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    return code, out, err


def _strict(constant: str) -> None:
    raise AssertionError(f"not JSON: {constant}")


@pytest.mark.parametrize("name", WORKBOOKS)
def test_hostile__every_command_fails_cleanly_or_works(tmp_path, capsys, name):
    path = _lay_out(tmp_path, name)
    before = _snapshot(tmp_path)

    code, out, err = _run(["check", str(path)], capsys)
    assert code in (0, 1, 2) and "Traceback" not in out + err, (code, err[-2000:])
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("perfeval："), err  # one Chinese line

    code, out, err = _run(["check", "--json", str(path)], capsys)
    assert code in (0, 1, 2) and "Traceback" not in err, (code, err[-2000:])
    if code in (0, 1):
        payload = json.loads(out, parse_constant=_strict)
        assert set(payload) == {"findings", "values", "inputs", "recomputed"}
        assert {f["code"] for f in payload["findings"]} <= CATALOGUE.keys()  # every finding's code is declared

    code, out, err = _run(["report", str(path), "--projects"], capsys)
    assert code in (0, 1, 2) and "Traceback" not in out + err, (code, err[-2000:])
    after = _snapshot(tmp_path)
    assert {name: after.get(name) for name in before} == before  # nothing that was there has changed
    written = set(after) - set(before)
    if code != 0:
        assert written == set(), (code, written)
    for report in written:
        assert report.endswith(".docx") and "/" not in report
        assert "word/document.xml" in zipfile.ZipFile(tmp_path / report).namelist()


NON_FINITE = {  # a figure no spreadsheet should hold is a finding at its cell (exit 1), and the rest is checked
    "eval-score-inf.xlsm": ["I4"],
    "eval-score-nan.xlsm": ["I4", "I5"],
    "eval-score-overflow.xlsm": ["I4"],
    "eval-scores-1e308.xlsm": ["I4", "I5", "I14"],
    "eval-figures-inf-nan.xlsm": ["E8", "F9", "E13"],
    "eval-points-inf.xlsm": ["D4"],
}


@pytest.mark.parametrize("name", sorted(NON_FINITE))
def test_hostile__a_non_finite_or_absurd_figure_is_a_finding_at_its_cell(capsys, name):
    code, out, err = _run(["check", "--json", str(CORPUS / name)], capsys)
    assert code == 1, err
    findings = json.loads(out, parse_constant=_strict)["findings"]
    errors = [f for f in findings if f["severity"] == "错误"]
    assert {f["cell"] for f in errors if f["sheet"] == "评价指标评分表"} >= set(NON_FINITE[name])
    # no cascade: no subtotal above the bad cell is called wrong for it
    assert not [f for f in errors if f["code"] == "sum-mismatch" and "得分" in f["message"]], errors


@pytest.mark.parametrize(
    "name", ["eval-framework-name-deleted.xlsm", "eval-framework-name-constant.xlsm", "eval-framework-name-ref.xlsm"]
)
def test_hostile__a_framework_name_that_points_nowhere_says_which_name_and_cell(capsys, name):
    code, _out, err = _run(["check", str(CORPUS / name)], capsys)
    assert code == 2 and err.count("\n") == 1
    assert "定义名称“eval_rule_set”" in err and "“说明”页“评价指标体系”一格" in err, err
