"""The only module that runs LibreOffice: turning a finished report into PDF when LibreOffice is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import PerfevalError


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

    soffice exits 0 even when it fails, so success is judged by the file it should have written.
    """
    program = soffice()
    if program is None:
        raise PerfevalError("没有安装 LibreOffice，无法转换为 PDF（Word 报告已生成）")
    with tempfile.TemporaryDirectory(prefix="perfeval-pdf-") as folder:
        work = Path(folder)
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
            result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PerfevalError(f"LibreOffice 转换 PDF 失败：{error}") from None
        made = work / "out" / f"{document.stem}.pdf"
        if not made.exists() or made.stat().st_size == 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["没有输出文件"]
            raise PerfevalError(f"LibreOffice 没有生成 PDF：{detail[0]}")
        temporary = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(made, temporary)
        os.replace(temporary, target)
    return target
