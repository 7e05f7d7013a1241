"""Opening a workbook file safely, then reading it: the file is checked before openpyxl's parts see it
(size, zip bomb, not a workbook at all), parsed by fastread, read and checked."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from perfeval_xl.core.errors import WorkbookError
from perfeval_xl.core.records import (
    Finding,
    Submission,
)
from perfeval_xl.core.rulesets import RuleSet
from perfeval_xl.workbook import fastread
from perfeval_xl.workbook.reader.read import read_workbook

MAX_FILE_BYTES = 50 * 1024 * 1024


MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # a filled self-assessment unpacks to well under 5 MB


MAX_RATIO = 200


def open_package(path: Path) -> bytes:
    """Read the file once, check that it is a reasonable Excel package, and return its bytes."""
    if not path.exists():
        raise WorkbookError(f"找不到文件“{path}”")
    if path.is_dir():
        raise WorkbookError(f"“{path}”是文件夹，不是工作簿")
    if not path.is_file():  # a pipe or a device: reading it could wait forever or never end
        raise WorkbookError(f"“{path.name}”不是普通文件（是管道或设备），不是工作簿")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"“{path.name}”有 {size // 1024 // 1024} MB，超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像一份自评表"
        )
    data = path.read_bytes()
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise WorkbookError(f"“{path.name}”是旧版 Excel（.xls）或加密的文件；请在 Excel 中另存为 .xlsx 或 .xlsm")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WorkbookError(f"“{path.name}”不是 Excel 工作簿（.xlsx/.xlsm），或文件已损坏、不完整") from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise WorkbookError(f"“{path.name}”不是 Excel 工作簿：其中没有 xl/workbook.xml")
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > MAX_UNPACKED_BYTES or (unpacked / packed > MAX_RATIO and unpacked > 10 * 1024 * 1024):
        raise WorkbookError(
            f"“{path.name}”解压后有 {unpacked // 1024 // 1024} MB，压缩比异常，拒绝读取（可能是恶意文件）"
        )
    return data


def load(
    path: str | Path, rules: str | RuleSet | None = None, framework: str | None = None
) -> tuple[Submission, list[Finding], dict[str, Any]]:
    """Read a workbook by its defined names, recompute it, and check it: (records, findings, options).

    options: rule_set, rules, flavour ("udf", "native" or "unknown"), kind, values (every computed defined name as
    its cell shows it after a full recalculation) and recomputed (what the formulas would give in the cells typed
    over or cleared). `framework` scores an evaluation workbook instead of the framework it keeps. Raises
    WorkbookError (with one Chinese sentence) when the file cannot be read at all.
    """
    path = Path(path)
    data = open_package(path)
    try:
        with warnings.catch_warnings():  # openpyxl's English warnings (odd dates…) are not for users
            warnings.simplefilter("ignore")
            wb, cached = fastread.read(data)
    except fastread.PackageError as error:
        raise WorkbookError(f"无法读取“{path.name}”：{error}") from None
    except Exception as error:  # a damaged package fails in many ways, each one sentence for the user
        raise WorkbookError(f"无法读取“{path.name}”：文件已损坏或不是 Excel 工作簿（{type(error).__name__}）") from None
    return read_workbook(wb, cached, str(path.parent), rules, framework)
