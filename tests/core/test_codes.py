"""The catalogue of findings: every finding the package makes carries a declared code, written nowhere else."""

import ast
import re
from pathlib import Path

from helpers import ROOT

from perfeval_xl.checks import run_checks
from perfeval_xl.core.codes import CATALOGUE, GROUPS
from perfeval_xl.core.example import corrected_example, published_example
from perfeval_xl.core.records import ERROR, HINT

PACKAGE = ROOT / "perfeval_xl"
CODES_MODULE = PACKAGE / "core" / "codes.py"


def _modules() -> list[Path]:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 30
    return modules


def test_catalogue__every_code_is_complete():
    for code in CATALOGUE.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", code.code), code.code
        assert code.severity in (ERROR, HINT), code.code
        assert code.group in GROUPS, code.code
        assert code.meaning.strip() and code.correction.strip(), code.code


def test_catalogue__no_module_writes_a_code_of_its_own():
    """A code's string appears once in the package: in core/codes.py. Everything else uses the declaration."""
    pattern = re.compile(r"['\"]([a-z0-9]+(?:-[a-z0-9]+)+)['\"]")
    written = {}
    for path in _modules():
        if path == CODES_MODULE:
            continue
        for code in pattern.findall(path.read_text(encoding="utf-8")):
            if code in CATALOGUE:
                written.setdefault(code, []).append(path.relative_to(PACKAGE).as_posix())
    assert not written, written


def test_catalogue__only_the_catalogue_makes_findings():
    """Finding(...) is called in core only (the catalogue's Code and Finding.located): no check can invent a code."""
    makers = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "Finding":
                makers.append(path.relative_to(PACKAGE).as_posix())
    assert makers and set(makers) <= {"core/codes.py", "core/records.py"}, makers


def test_catalogue__the_checks_emit_declared_codes_only():
    for submission in (corrected_example(), published_example()):
        for finding in run_checks(submission):
            assert finding.code in CATALOGUE, finding
    assert {f.code for f in run_checks(published_example())} >= {"weights-total", "printed-total", "sum-mismatch"}
