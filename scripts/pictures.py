"""The README's pictures, made from the shipped example so that they stay true: a page of the workbook as
LibreOffice prints it (附件2) and a page of the report written from it (scripts/pictures runs this).

usage: python scripts/pictures.py [OUT_FOLDER]   (default docs/images)
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from perfeval_xl.report.pdf import to_pdf
from perfeval_xl.report.write import write_reports
from perfeval_xl.workbook.open import load

CHECKOUT = Path(__file__).resolve().parent.parent
EXAMPLE = CHECKOUT / "workbook" / "示例-岳阳市君山区人社局2023.xlsm"
PAGES = {  # picture -> (what is printed, a phrase only that page carries)
    "workbook-annex2.png": ("workbook", "年度部门整体支出绩效自评表"),
    "report-page.png": ("report", "“三公”经费"),
}
RESOLUTION = 60  # dots per inch: a page reads on screen and the image stays small


def page_with(pdf: Path, phrase: str) -> int:
    """The first page of `pdf` whose text carries `phrase`."""
    pages = int(next(line.split()[-1] for line in _run("pdfinfo", str(pdf)).splitlines() if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        if phrase in _run("pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"):
            return page
    raise SystemExit(f"“{phrase}” is on no page of {pdf.name}")


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def make(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    made = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        workbook = work / EXAMPLE.name
        shutil.copy(EXAMPLE, workbook)
        submission, findings, options = load(workbook)
        reports = write_reports(workbook, submission, findings, options["rule_set"], report_date="2024-06-26")
        printed = {
            "workbook": to_pdf(workbook, work / "workbook.pdf"),
            "report": to_pdf(reports.documents[0], work / "report.pdf"),
        }
        for name, (source, phrase) in PAGES.items():
            pdf = printed[source]
            page = str(page_with(pdf, phrase))
            stem = out / Path(name).stem
            _run("pdftoppm", "-png", "-r", str(RESOLUTION), "-f", page, "-l", page, "-singlefile", str(pdf), str(stem))
            made.append(out / name)
    return made


if __name__ == "__main__":
    for picture in make(Path(sys.argv[1]) if len(sys.argv) > 1 else CHECKOUT / "docs" / "images"):
        print(f"已生成 {picture}")
