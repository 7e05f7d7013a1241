"""The PE_* formulas of the templates compute what the engine computes.

A formula engine (the `formulas` package) evaluates the UDF flavour of the example with the PE_* functions
registered from perfeval_xl.udfs, the module Excel calls, and every computed defined name is compared with
`perfeval check --json`.
"""

from __future__ import annotations

import json
from decimal import Decimal

import formulas
import numpy as np
import openpyxl
import pytest
import schedula
from helpers import PROJECTS, example, named_cell, random_fill, run

from perfeval_xl import udfs


def _plain(value: object) -> object:
    if value is schedula.EMPTY or (isinstance(value, str) and value == ""):
        return None
    if type(value).__name__ == "XlError":
        return str(value)
    return value.item() if hasattr(value, "item") else value


def _as_xlwings_passes_it(argument: object) -> object:
    """formulas hands a Ranges; xlwings hands a scalar, a flat list (one row or column) or a list of rows."""
    value = getattr(argument, "value", argument)
    if not isinstance(value, np.ndarray):
        return _plain(value)
    rows = [[_plain(x) for x in row] for row in np.atleast_2d(value).tolist()]
    if len(rows) == 1 and len(rows[0]) == 1:
        return rows[0][0]
    if all(len(row) == 1 for row in rows):
        return [row[0] for row in rows]
    return rows


@pytest.fixture(scope="module")
def registered():
    functions = formulas.get_functions()
    saved = {name: functions.get(name) for name in udfs.PE_FUNCTIONS}
    for name, function in udfs.PE_FUNCTIONS.items():
        functions[name] = lambda *args, _f=function: _f(*map(_as_xlwings_passes_it, args))
    yield
    for name, function in saved.items():
        if function is None:
            functions.pop(name, None)
        else:
            functions[name] = function


def test_formulas__udf_example_computes_the_engine_values(tmp_path, registered):
    path = example(tmp_path, "example.xlsm")
    checked = run("check", "--json", str(path))
    values = json.loads(checked.stdout)["values"]
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    results = {
        key.upper(): _plain(np.atleast_2d(cell.value)[0][0]) for key, cell in solution.items() if hasattr(cell, "value")
    }
    wb = openpyxl.load_workbook(path)
    compared = 0
    for key, expected in values.items():
        title, ref = named_cell(wb, key)
        shown = results[f"'[{path.name}]{title}'!{ref}".upper()]
        if expected is None:
            assert shown in (None, "—"), (key, shown)
        elif isinstance(expected, float):
            assert shown == pytest.approx(expected, rel=1e-9, abs=1e-12), (key, shown, expected)
        else:
            assert shown == expected, (key, shown)
        compared += 1
    assert compared == len(values) > 60


def test_formulas__indicator_scores_match_the_engine(tmp_path, registered):
    """The per-row PE_SCORE cells (not named) agree with the scores the reader computed."""
    from perfeval_xl.workbook.open import load

    path = example(tmp_path, "example.xlsm")
    submission, _findings, _options = load(path)
    from perfeval_xl.engine.scoring import score_assessment

    scores = score_assessment(submission.overall, "national")
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    results = {key.upper(): cell for key, cell in solution.items()}
    for item in scores.indicators:
        ref = item.indicator.where["score"]
        cell = results[f"'[{path.name}]{ref.sheet}'!{ref.cell}".upper()]
        assert _plain(np.atleast_2d(cell.value)[0][0]) == pytest.approx(float(item.score))
    assert len(scores.indicators) == 11


RANDOM_WORKBOOKS = 6


def test_formulas__random_fills_with_typed_over_cells_read_as_computed(tmp_path, registered):
    """The UDF flavour filled at random, totals, rates and scores typed over: what the file's own formulas give,
    evaluated by a formula engine with the PE_* functions, is what `load` reports for every computed name."""
    from perfeval_xl.workbook.new import new_workbook
    from perfeval_xl.workbook.open import load

    template = tmp_path / "udf.xlsm"
    template.write_bytes(new_workbook("dept", None, PROJECTS, "udf", ".xlsm"))
    compared = 0
    for seed in range(RANDOM_WORKBOOKS):
        path = random_fill(template, tmp_path / f"fill{seed}.xlsx", seed)
        _submission, _findings, options = load(path)
        solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
        results = {k.upper(): c for k, c in solution.items() if hasattr(c, "value")}
        wb = openpyxl.load_workbook(path)
        for key, value in options["values"].items():
            title, ref = named_cell(wb, key)
            cell = results.get(f"'[{path.name}]{title}'!{ref}".upper())
            shown = _plain(np.atleast_2d(cell.value)[0][0]) if cell is not None else wb[title][ref].value
            where = (seed, key, shown, value)
            if value is None:
                assert shown in (None, "", "—"), where
            elif isinstance(value, Decimal):
                assert shown == pytest.approx(float(value), rel=1e-9, abs=1e-12), where
            else:
                assert str(shown).strip() == value, where
            compared += 1
    assert compared == RANDOM_WORKBOOKS * len(options["values"])


@pytest.mark.parametrize("seed", range(3))
def test_formulas__udf_evaluation_sheet_computes_the_engine_values(tmp_path, registered, seed):
    """The 评价指标评分表's PE_EVALVALUE/PE_EVALSCORE, SUM, 得分率 and 等级 formulas, evaluated with the functions
    Excel calls, show in every cell what the reader says they show (the values the file is stamped with)."""
    from test_evalsheet import SHEET, _fill, _new

    source = _fill(_new(tmp_path, "gongxing-2013", "udf", ".xlsm"), tmp_path / "filled.xlsm", seed)
    solution = formulas.ExcelModel().loads(str(source)).finish().calculate()
    results = {key.upper(): cell for key, cell in solution.items() if hasattr(cell, "value")}
    stamped = openpyxl.load_workbook(source, data_only=True)[SHEET]
    compared = 0
    for row in openpyxl.load_workbook(source)[SHEET].iter_rows(min_row=4):
        for cell in row:
            if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                continue
            shown = _plain(np.atleast_2d(results[f"'[{source.name}]{SHEET}'!{cell.coordinate}".upper()].value)[0][0])
            expected = stamped[cell.coordinate].value
            if expected in (None, "", "\u00a0"):
                assert shown in (None, ""), (cell.coordinate, cell.value, shown)
            elif isinstance(expected, str):
                assert shown == expected, (cell.coordinate, cell.value, shown)
            else:
                assert shown == pytest.approx(expected, rel=1e-9, abs=1e-9), (cell.coordinate, cell.value, shown)
            compared += 1
    assert compared > 60
