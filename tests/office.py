"""Running LibreOffice headless and poppler in tests: conversions that fail loudly (soffice exits 0 on failure)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

RECALC_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice is not installed: ./scripts/test installs libreoffice-calc and libreoffice-writer"
    return found


def profile(folder: Path, recalculate: bool) -> Path:
    """A private LibreOffice profile; with `recalculate`, Calc recomputes every formula of an .xlsx on load."""
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    if recalculate:
        (user / "registrymodifications.xcu").write_text(RECALC_ON_LOAD, encoding="utf-8")
    return folder


def convert(sources: list[Path], target: str, out: Path, profile_dir: Path) -> list[Path]:
    """Convert with soffice and return the outputs, failing when any is missing."""
    out.mkdir(parents=True, exist_ok=True)
    command = [
        soffice(),
        f"-env:UserInstallation=file://{profile_dir.resolve()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out),
        *map(str, sources),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    extension = target.split(":")[0]
    outputs = [out / f"{source.stem}.{extension}" for source in sources]
    missing = [str(p) for p in outputs if not p.exists() or p.stat().st_size == 0]
    assert not missing, f"soffice produced no {missing}: {result.stdout} {result.stderr}"
    return outputs


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """Each page's size in points."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "9999", str(pdf)], capture_output=True, text=True, check=True)
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info.stdout)]


def pdf_text(pdf: Path, layout: bool = True) -> str:
    """The text as laid out on the page, or (`layout` False) in reading order, a cell's wrapped lines together."""
    options = ["-layout"] if layout else []
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pdf_page_texts(pdf: Path, layout: bool = True) -> list[str]:
    """Each page's text (pdftotext ends a page with a form feed)."""
    return pdf_text(pdf, layout).split("\f")[:-1]


def is_a4(size: tuple[float, float]) -> bool:
    width, height = sorted(size)
    return abs(width - 595.3) < 2 and abs(height - 841.9) < 2


def basic_modules(addin: Path, project: bytes, folder: Path) -> dict[str, bytes]:
    """The VBA modules LibreOffice imports from `addin` with its vbaProject.bin replaced by `project`: module name
    -> the Basic XML it converts each to. LibreOffice refuses the add-in content type, so the copy says .xlsm."""
    source = zipfile.ZipFile(addin)
    workbook = folder / "addin.xlsm"
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/vbaProject.bin":
                data = project
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled", b"ms-excel.sheet.macroEnabled")
            target.writestr(item, data)
    (ods,) = convert([workbook], "ods", folder / "out", profile(folder / "profile", recalculate=False))
    archive = zipfile.ZipFile(ods)
    return {
        Path(name).stem: archive.read(name)
        for name in archive.namelist()
        if name.startswith("Basic/") and name.endswith(".xml") and Path(name).stem not in ("script-lb", "script-lc")
    }
