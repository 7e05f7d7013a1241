"""The only module that runs LibreOffice: turning a finished report into PDF when LibreOffice is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.utils.files import write_atomic

TIMEOUT = 300  # seconds: a long report takes LibreOffice a few; its first start in a new profile takes more


def soffice() -> str | None:
    """The LibreOffice program, if installed (soffice on Linux and macOS, soffice.exe on Windows)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in (
        r"C:\Program Files\LibreOffice\program\soffice.exe",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ):
        if Path(candidate).exists():
            return candidate
    return None


def to_pdf(document: Path, target: Path) -> Path:
    """Convert `document` to the PDF `target` with a private LibreOffice profile; never leaves a partial file.

    soffice exits 0 even when it fails, so success is judged by the file it should have written. Every failure
    is one PerfevalError whose message starts "PDF 没能生成" and says that the Word report is there.
    """
    program = soffice()
    if program is None:
        raise PerfevalError("没有安装 LibreOffice，无法转换为 PDF（Word 报告已生成）")
    try:
        with tempfile.TemporaryDirectory(prefix="perfeval-pdf-") as folder:
            return write_atomic(_convert(program, document, Path(folder)), target, overwrite=True)
    except PerfevalError as error:
        raise PerfevalError(f"PDF 没能生成：{error}（Word 报告已生成）") from None
    except OSError as error:  # the private temporary folder could not be made or removed
        raise PerfevalError(f"PDF 没能生成：临时文件夹出错：{os_reason(error)}（Word 报告已生成）") from None


def _convert(program: str, document: Path, work: Path) -> bytes:
    """The PDF's bytes, made by LibreOffice in the folder `work`."""
    command = [
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work / "out"),
        str(document),
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PerfevalError(f"LibreOffice 在 {TIMEOUT} 秒内没有转换完“{document.name}”") from None
    except OSError as error:
        raise PerfevalError(f"无法运行 LibreOffice（{program}）：{os_reason(error)}") from None
    made = work / "out" / f"{document.stem}.pdf"
    if not made.exists() or made.stat().st_size == 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["没有输出文件"]
        raise PerfevalError(f"LibreOffice 没有把“{document.name}”转换成 PDF：{detail[0]}")
    try:
        return made.read_bytes()
    except OSError as error:
        raise PerfevalError(f"无法读取 LibreOffice 生成的 PDF：{os_reason(error)}") from None
