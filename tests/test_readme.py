"""The README stays true: its Python examples give what it says, and every finding code is documented."""

import re

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme__python_examples_give_what_they_say():
    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
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
    assert checked >= 7


def test_readme__python_example_manual_score_finding():
    from perfeval_xl.engine.scoring import check_manual_score

    (finding,) = check_manual_score(10, "95%以上", "76%", 10)
    assert (finding.severity, finding.code) == ("错误", "score-above-rule")
    assert "[Finding(错误, score-above-rule, …)]" in README


def test_readme__every_finding_code_is_documented():
    from perfeval_xl.core.codes import CATALOGUE

    assert len(CATALOGUE) > 40
    missing = sorted(code for code in CATALOGUE if f"`{code}`" not in README)
    assert not missing, missing


def test_readme__generated_tables_are_current():
    from perfeval_xl.cli.develop import readme_with_tables

    assert readme_with_tables(README) == README, "run: .venv/bin/perfeval readme-tables"


def test_readme__per_call_table_counts_the_templates_pe_cells():
    """The cost table's call counts are the PE_* formula cells of the shipped workbooks (one call each)."""
    import openpyxl

    rows = re.findall(r"^\| `([^`]+\.xlsm)`[^|]*\| (\d+) \| (\d+) \|", README, re.M)
    assert len(rows) == 3
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
