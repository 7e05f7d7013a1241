"""The wheel ships the rule sets and templates; module boundaries hold; the code is ruff-clean."""

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

PACKAGE = ROOT / "perfeval_xl"


@pytest.fixture(scope="module")
def wheel(built_wheel) -> zipfile.ZipFile:
    return zipfile.ZipFile(built_wheel)


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


def package_modules() -> list[Path]:
    """Every module of the package, in subpackages too: a test that globbed one folder would check nothing after a
    move."""
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 60
    return modules


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


def _import_graph() -> dict[str, set[str]]:
    """module -> the package's modules it imports, counting every import: inside functions and under TYPE_CHECKING
    too (grimp sees them all)."""
    import grimp

    graph = grimp.build_graph("perfeval_xl")
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def test_imports__no_cycle_counting_every_import():
    graph = _import_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == 1:
                cycle = [*path[path.index(imported) :], imported] if imported in path else [module, imported]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if imported not in state:
                visit(imported, [*path, imported])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert len(graph) > 60


# where an import inside a function is lazy loading at an entry point, and why
LAZY_IMPORTS = {
    "__init__.py": "main() imports the ribbon, and with it xlwings, only when Excel presses the button",
    "excel/ribbon.py": "docxtpl and the report only once a report is written",
    "excel/vba/project.py": "olefile is a development dependency: only build-addin needs it",
}


def test_imports__inside_functions_only_for_lazy_loading_at_the_entry_points():
    found = set()
    for path in package_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
        if any(isinstance(node, ast.Import | ast.ImportFrom) for function in functions for node in ast.walk(function)):
            found.add(path.relative_to(PACKAGE).as_posix())
    commands = {name for name in found if name.startswith("cli/")}
    assert found - commands == set(LAZY_IMPORTS), found - commands


# modules that are declarations or data, allowed past the size of a room: record types, one after another
DECLARATIONS = {"core/records.py", "core/codes.py"}  # the records and the catalogue of findings: declarations only


def test_modules__none_over_about_500_lines_but_declarations():
    sizes = {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in package_modules()
    }
    assert {name for name, lines in sizes.items() if lines > 500} <= DECLARATIONS, sizes
