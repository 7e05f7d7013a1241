"""Shared test helpers: building workbooks, and changing them the way a user in Excel would."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import random
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.workbook.fill import set_named
from perfeval_xl.workbook.layout.evaluation import KEY
from perfeval_xl.workbook.new import new_workbook
from perfeval_xl.workbook.package import package

ROOT = Path(__file__).resolve().parent.parent
# xlwings' own ribbon add-in, which perfeval build-addin starts from: its VBA project has no xlwings_udfs module yet
XLWINGS_ADDIN = Path(importlib.util.find_spec("xlwings").origin).parent / "quickstart_addin_ribbon.xlam"


def run(*args: str) -> subprocess.CompletedProcess:
    """The perfeval command as a user runs it: a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "perfeval_xl.cli", *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def codes(findings, severity=None) -> list[str]:
    return sorted(f.code for f in findings if severity is None or f.severity == severity)


def named_cell(wb: openpyxl.Workbook, key: str) -> tuple[str, str]:
    """(sheet title, "B5") of a defined name keyed as in load()'s values: "name" or "sheet!name"."""
    sheet_name, _, name = key.rpartition("!")
    scope = wb[sheet_name].defined_names if sheet_name else wb.defined_names
    (title, ref), *_ = list(scope[name].destinations)
    return title, ref.replace("$", "")


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def template(
    tmp_path: Path,
    name: str = "t.xlsm",
    kind: str = "dept",
    projects=("甲项目",),
    flavour: str = "udf",
    rules: str | None = None,
) -> Path:
    return write(tmp_path / name, new_workbook(kind, rules, list(projects), flavour, Path(name).suffix))


def example(
    tmp_path: Path, name: str = "example.xlsm", flavour: str = "udf", published: bool = False, submission=None
) -> Path:
    if submission is None:
        submission = published_example() if published else corrected_example()
    data = new_workbook("dept", None, [p.name for p in submission.projects], flavour, Path(name).suffix, submission)
    return write(tmp_path / name, data)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _shift(ref: str, row: int) -> str:
    """A range after a row is inserted above `row`, as Excel moves it: below shifts, across grows."""
    _min_col, min_row, _max_col, max_row = range_boundaries(ref.replace("$", ""))
    if min_row >= row:
        min_row, max_row = min_row + 1, max_row + 1
    elif max_row >= row:
        max_row += 1
    letters = re.findall(r"[A-Z]+", ref.replace("$", ""))
    first, last = letters[0], letters[-1]
    return f"${first}${min_row}" + (f":${last}${max_row}" if ":" in ref else "")


def insert_row_like_excel(wb: openpyxl.Workbook, sheet: str, row: int) -> None:
    """Insert a row above `row` and move merges and defined names as Excel does (openpyxl moves only cells)."""
    ws = wb[sheet]
    merges = [str(m) for m in ws.merged_cells.ranges]
    for merged in merges:
        ws.unmerge_cells(merged)
    ws.insert_rows(row)
    for merged in merges:
        ws.merge_cells(_shift(merged, row).replace("$", ""))
    scopes = [wb.defined_names, *(s.defined_names for s in wb.worksheets)]
    for scope in scopes:
        for name, defined in list(scope.items()):
            destinations = list(defined.destinations)
            if not destinations or destinations[0][0] != sheet:
                continue
            title, ref = destinations[0]
            quoted = "'" + title.replace("'", "''") + "'"
            scope[name] = DefinedName(name, attr_text=f"{quoted}!{_shift(ref, row)}")


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def rezip(path: Path, out: Path, change) -> Path:
    """Copy a package, passing each part's bytes through change(name, data)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, change(item.filename, source.read(item.filename)))
    return out


# ---------------------------------------------------------------- random fills, for comparing with a real recalculation

PROJECTS = ["甲项目", "乙项目"]
TARGETS = ["≥90%", "95%以上", "≤5.4%", "控制在3%以内", "2400人", "健全", "按时足额发放", "90%-100%", "=100%", ""]
ACTUALS = ["95%", "88%", "6%", "2000人", "已健全", "未完成", "部分完成", "不适用", "约90%", ""]


def _random_amount(rng: random.Random, kind: str) -> object:
    """What an accountant leaves in a numeric cell: blank, zero, or a figure (whole people, 万元 to the fen)."""
    draw = rng.random()
    if draw < 0.15:
        return None
    if draw < 0.25:
        return 0
    if kind == "count":
        return rng.randint(1, 200)
    if kind == "weight":
        return rng.choice([5, 10, 12.5, 20, 30])
    return round(rng.uniform(0.01, 900), rng.choice([0, 1, 2]))


def _typed_over(rng: random.Random, kind: str) -> object:
    """A figure typed over a formula: an amount over a SUM, a percentage over a rate, a score or a grade."""
    if kind == "rate":
        return round(rng.uniform(0, 1.5), 4)
    if kind == "text":
        return rng.choice(["优", "良", "中", "差"])
    if kind in ("score", "weight"):
        return rng.choice([0, 7.5, 9.23, 60, 88, 100])
    return round(rng.uniform(0, 2000), 2)


def random_fill(source: Path, out: Path, seed: int) -> Path:
    """Every input of a dept workbook (PROJECTS) filled at random; about a quarter of the computed cells typed
    over, a few cleared; indicator rows with targets, actual values and weights, some scores typed over."""
    from perfeval_xl.engine.rulesets import load_rules
    from perfeval_xl.workbook.fill import set_named, set_table_row
    from perfeval_xl.workbook.layout.book import workbook_layout

    rng = random.Random(seed)
    wb = openpyxl.load_workbook(source)
    for sheet in workbook_layout("dept", load_rules("national"), PROJECTS, "").sheets:
        scope = sheet.title if sheet.scoped else None
        for name, cell in sheet.named().items():
            if cell.role == "input" and cell.kind in ("amount", "count", "area", "weight"):
                set_named(wb, name, _random_amount(rng, cell.kind), scope)
            elif cell.formula is not None and cell.formula.function not in ("TITLE", "UNIT"):
                draw = rng.random()
                if draw < 0.25:
                    set_named(wb, name, _typed_over(rng, cell.kind), scope)
                elif draw < 0.3:
                    set_named(wb, name, None, scope)
        for table in sheet.tables:
            columns = [column.key for column in table.columns]
            amounts = [c for c in ("prev", "budget", "final", "weight") if c in columns]
            for index in range(len(table.rows) - 1):
                row: dict[str, object] = {c: _random_amount(rng, c if c == "weight" else "amount") for c in amounts}
                if "target" in columns:
                    row |= {"target": rng.choice(TARGETS), "actual": rng.choice(ACTUALS)}
                    if rng.random() < 0.3:
                        row["score"] = rng.choice([0, 4.5, 10, 30])
                set_table_row(wb, table.name, index, row, columns, scope)
    wb.save(out)
    return out


def move_references_like_excel(ws, row: int) -> None:
    """What Excel does to the formulas when a row is inserted above `row`: references below move down, ranges
    across it grow (openpyxl's insert_rows moves the cells only)."""

    def shifted(match: re.Match) -> str:
        first, second = match.group(1), match.group(2)
        column, top = re.fullmatch(r"([A-Z]+)(\d+)", first).groups()
        if second is None:
            return f"{column}{int(top) + 1 if int(top) >= row else top}"
        other, bottom = re.fullmatch(r"([A-Z]+)(\d+)", second).groups()
        top, bottom = int(top), int(bottom)
        top, bottom = (top + 1, bottom + 1) if top >= row else (top, bottom + 1 if bottom >= row else bottom)
        return f"{column}{top}:{other}{bottom}"

    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.value = re.sub(r"\b([A-K]\d+)(?::([A-K]\d+))?\b", shifted, cell.value)


EVAL_SHEET = "评价指标评分表"


def filled_evaluation(rules: Path, out: Path, flavour: str, cells: dict[str, dict[str, object]], edit=None) -> Path:
    """An evaluation workbook made from the framework file `rules` and filled: `cells` by a row's helper-column key
    (an indicator's path, a 小计's, an input row's “…#b1”) and column letter; `edit(wb, ws)` first, if given."""
    suffix = ".xlsm" if flavour == "udf" else ".xlsx"
    data = new_workbook("dept", str(rules), [], flavour, suffix)
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=suffix == ".xlsm")
    set_named(wb, "unit_name", "测试单位")
    set_named(wb, "fiscal_year", 2024)
    ws = wb[EVAL_SHEET]
    if edit is not None:
        edit(wb, ws)
    rows = {ws[f"{KEY}{r}"].value: r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value}
    for key, values in cells.items():
        for letter, value in values.items():
            ws[f"{letter}{rows[key]}"] = value
    out.write_bytes(package(wb, suffix))
    return out


def libreoffice_agrees(path: Path, recalculated: Path, sheet: str = EVAL_SHEET) -> int:
    """Every formula cell of `sheet` as LibreOffice recalculated it equals what the reader stamped into `path`;
    the number of cells compared."""
    import pytest

    formulas = openpyxl.load_workbook(path)[sheet]
    ours = openpyxl.load_workbook(path, data_only=True)[sheet]
    theirs = openpyxl.load_workbook(recalculated, data_only=True)[sheet]
    compared = 0
    for row in formulas.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                mine, shown = ours[cell.coordinate].value, theirs[cell.coordinate].value
                if mine in (None, "", "\u00a0"):  # the stamp of a blank result
                    assert shown in (None, ""), (cell.coordinate, cell.value, shown)
                else:
                    assert shown == pytest.approx(mine), (cell.coordinate, cell.value, shown, mine)
                compared += 1
    return compared


def assert_shows(shown: object, value: object, where: object) -> None:
    """A cell as an office suite shows it after recalculating equals the reader's value for it (no value: blank
    or "—"; a number to a billionth)."""
    import pytest

    if value is None:
        assert shown in (None, "", "—"), (where, shown)
    elif isinstance(value, Decimal):
        assert isinstance(shown, int | float), (where, shown, value)
        assert shown == pytest.approx(float(value), rel=1e-9, abs=1e-12), (where, shown, value)
    else:
        assert str(shown).strip() == value, (where, shown, value)
