"""The wheel ships the rule sets and templates; module boundaries hold; the code is ruff-clean."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "perfeval_xl"

# each third-party boundary has one importer (README, 架构)
ALLOWED_IMPORTERS = {
    "openpyxl": {"workbook/book.py", "workbook/fastread.py"},  # building and reading; fastread only reads
    "xlwings": {"udfs.py", "excel/ribbon.py"},  # worksheet functions; the ribbon button
    "jinja2": {"report/report.py"},
    "docxtpl": {"report/report.py"},
    "docx": {"report/report.py", "report/templates.py"},  # python-docx: InlineImage sizes; building the templates
    "matplotlib": {"report/charts.py"},
    "pandas": {"review/summary.py"},  # the review summary (it writes through XlsxWriter, which nothing imports itself)
    "xlsxwriter": set(),
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("perfeval_xl-*.whl")
    return zipfile.ZipFile(built)


def test_wheel__ships_rule_sets(wheel):
    names = set(wheel.namelist())
    for rules in ("national", "grade-85", "province-platform"):
        assert f"perfeval_xl/rules/{rules}.toml" in names


def test_wheel__ships_the_report_templates(wheel):
    names = set(wheel.namelist())
    assert {
        "perfeval_xl/data/templates/部门整体支出绩效自评报告.docx",
        "perfeval_xl/data/templates/项目支出绩效自评报告.docx",
    } <= names


def test_wheel__ships_templates_folder(wheel):
    shipped = {Path(n).name for n in wheel.namelist() if n.startswith("perfeval_xl/data/templates/")}
    expected = {p.name for p in (ROOT / "templates").iterdir() if p.is_file()}
    assert expected and expected <= shipped


def test_wheel__ships_the_workbooks_and_the_addin(wheel):
    names = set(wheel.namelist())
    assert "perfeval_xl/data/workbook/perfeval_xl.xlam" in names
    assert {f"perfeval_xl/data/workbook/{p.name}" for p in (ROOT / "workbook").iterdir() if p.is_file()} <= names


def test_wheel__console_script(wheel):
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "perfeval = perfeval_xl.cli:main" in wheel.read(entry_points).decode()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def package_modules() -> list[Path]:
    """Every module of the package, in subpackages too: a test that globbed one folder would check nothing after a
    move."""
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 30
    return modules


def test_modules__one_importer_per_third_party_boundary():
    for path in package_modules():
        for library in _imports(path) & ALLOWED_IMPORTERS.keys():
            name = path.relative_to(PACKAGE).as_posix()
            assert name in ALLOWED_IMPORTERS[library], f"{name} imports {library}"


def test_modules__each_has_a_docstring():
    for path in package_modules():
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path.name


def test_ruff__clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_lint_imports__the_layers_hold():
    """import-linter's contracts in pyproject.toml: each layer imports only itself and the layers below it."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
