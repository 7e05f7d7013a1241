"""The README and docs/ stay true: examples give what they say, generated tables are current, links lead somewhere,
the pictures are what the script makes, and the README stays short enough to read to the end."""

import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _run_python_block(text: str) -> int:
    """Run a markdown python block line by line; a comment that starts with a value is what the line must give."""
    block = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    checked, loop = 0, []
    for line in block.splitlines():
        code, _, comment = line.partition("  # ")
        if line.startswith(("for ", " ")):
            loop.append(line)
        elif not comment or not re.match(r"['\"]|Decimal\(|None", comment.strip()):
            exec(line, namespace)
        else:
            expected = re.split(r"[：（]", comment.strip())[0]
            assert repr(eval(code.strip(), namespace)) == expected, line
            checked += 1
    exec("\n".join(loop), namespace)
    return checked


def test_readme__short_enough_to_read_to_the_end():
    assert len(README.splitlines()) <= 300
    assert README.startswith("# perfeval-xl")
    commands = re.search(r"```bash\n(.*?)```", README, re.S).group(1).splitlines()
    assert [line.split()[0] for line in commands] == ["./scripts/perfeval", "./scripts/test"]  # the two commands first


def test_readme__python_example_runs(tmp_path, monkeypatch):
    from perfeval_xl.api import new_workbook

    (tmp_path / "自评.xlsm").write_bytes(new_workbook("dept", None, ["甲项目"], "udf", ".xlsm"))
    monkeypatch.chdir(tmp_path)
    assert _run_python_block(README) >= 1


def test_docs__python_examples_give_what_they_say():
    assert _run_python_block(_doc("python.md")) >= 7


def test_docs__python_example_manual_score_finding():
    from perfeval_xl.engine.scoring import check_manual_score

    (finding,) = check_manual_score(10, "95%以上", "76%", 10)
    assert (finding.severity, finding.code) == ("错误", "score-above-rule")
    assert "[Finding(错误, score-above-rule, …)]" in _doc("python.md")


def test_docs__every_finding_code_is_documented():
    from perfeval_xl.core.codes import CATALOGUE

    assert len(CATALOGUE) > 40
    missing = sorted(code for code in CATALOGUE if f"`{code}`" not in _doc("findings.md"))
    assert not missing, missing


def test_docs__generated_tables_are_current():
    from perfeval_xl.cli.develop import docs_with_tables

    for path, text in docs_with_tables(DOCS).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name}: run .venv/bin/perfeval docs-tables"


def test_docs__links_lead_to_files_that_exist():
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    checked = 0
    for page in pages:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            assert (page.parent / target).resolve().exists(), f"{page.name} links to {target}"
            checked += 1
    assert checked > 20


def test_docs__per_call_table_counts_the_templates_pe_cells():
    """The cost table's call counts are the PE_* formula cells of the shipped workbooks (one call each)."""
    import openpyxl

    rows = re.findall(r"^\| `([^`]+\.xlsm)`[^|]*\| (\d+) \| (\d+) \|", _doc("functions.md"), re.M)
    assert len(rows) == 4
    for name, calls, target_ops in rows:
        book = openpyxl.load_workbook(ROOT / "workbook" / name)
        formulas = [
            cell.value
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith("=")
        ]
        assert sum(len(re.findall(r"\bPE_[A-Z]+\(", text)) for text in formulas) == int(calls), name
        assert sum(text.count("PE_TARGETOP(") for text in formulas) == int(target_ops), name


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pictures")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "pictures.py"), str(out)], check=True, timeout=600)
    return out


def test_readme__pictures_are_the_ones_the_script_makes(pictures):
    """The pictures the README shows are made from the shipped example by scripts/pictures: made again here, each is
    a page of the same size, printed from the same page (its text is checked by the script)."""
    shown = re.findall(r"!\[[^\]]*\]\((docs/images/[^)]+\.png)\)", README)
    assert len(shown) == 2
    for picture in shown:
        committed = ROOT / picture
        assert _png_size(committed) == _png_size(pictures / committed.name), picture
