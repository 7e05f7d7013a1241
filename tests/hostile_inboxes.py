"""Hostile inboxes for `perfeval review`: folders as a bureau receives them, built in a temporary folder.

Git cannot hold most of what makes an inbox hostile (links that loop, names that are not UTF-8, pipes, folders
nested past the path limit), so each class is built here, from the shipped example and the hostile corpus. Each
builder makes one inbox under `root` and returns its folder; INBOXES names them all.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
from helpers import example
from hostile_corpus import CORPUS

from perfeval_xl.review.batch import FileResult
from perfeval_xl.review.inbox import PATH_LIMIT
from perfeval_xl.review.summary import workbook_bytes

GBK_NAME = "单位自评".encode("gb18030")  # b"\xb5\xa5\xce\xbb…": its second character's bytes look like UTF-8 "λ"


def _good(folder: Path, name: str = "好的.xlsm") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return example(folder, name)


def links(root: Path) -> Path:
    """Links to the folder itself, to a folder above, to nothing, to themselves, and to a good workbook."""
    folder = root / "links"
    good = _good(folder / "一科")
    os.symlink(".", folder / "一科" / "回到自己")
    os.symlink("..", folder / "一科" / "上级")
    os.symlink("不存在.xlsm", folder / "悬空.xlsm")
    os.symlink("自指.xlsm", folder / "自指.xlsm")
    os.symlink("乙.xlsm", folder / "甲.xlsm")
    os.symlink("甲.xlsm", folder / "乙.xlsm")
    os.symlink(good, folder / "指向好的.xlsm")  # the same file twice: reviewed once
    os.symlink("/", folder / "根目录")  # never walked: the whole disk is not the inbox
    return folder


def gbk_names(root: Path) -> Path:
    """Names in GBK (a zip made on Chinese Windows, unpacked on Linux) and bytes that are no encoding at all."""
    folder = root / "gbk"
    _good(folder)
    raw = os.fsencode(folder)
    shutil.copy(folder / "好的.xlsm", os.fsdecode(raw + b"/" + GBK_NAME + b".xlsm"))
    shutil.copy(CORPUS / "truncated-half.xlsm", os.fsdecode(raw + b"/" + GBK_NAME + b"-broken.xlsm"))
    shutil.copy(CORPUS / "billion-laughs-sheet.xlsm", os.fsdecode(raw + b"/bad\xff\xfe.xlsm"))
    os.mkdir(os.fsdecode(raw + b"/" + "二科".encode("gb18030")))
    shutil.copy(CORPUS / "typed-over-everything.xlsm", os.fsdecode(raw + b"/" + "二科".encode("gb18030") + b"/x.xlsm"))
    return folder


def bombs(root: Path) -> Path:
    """A workbook whose xl/workbook.xml inflates to 300 MB, named like a summary, and the corpus's bombs."""
    folder = root / "bombs"
    good = _good(folder)
    source = zipfile.ZipFile(good)
    with zipfile.ZipFile(folder / "复核汇总.xlsx", "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            with target.open(item.filename, "w", force_zip64=True) as part:
                part.write(source.read(item.filename))
                if item.filename == "xl/workbook.xml":  # 300 MB of spaces: packed to 300 KB
                    for _ in range(300):
                        part.write(b" " * 1024**2)
    for name in ("billion-laughs-sheet.xlsm", "billion-laughs-workbook.xlsm", "zip-bomb.xlsx", "lying-sizes.xlsm"):
        shutil.copy(CORPUS / name, folder / name)
    ours = workbook_bytes([FileResult("x.xlsm", "通过")], folder)
    (folder / "复核汇总-损坏.xlsx").write_bytes(_damaged(ours))
    (folder / "复核汇总-加密.xlsx").write_bytes(_encrypted(ours))
    return folder


def _damaged(data: bytes) -> bytes:
    """A summary of ours whose first worksheet's deflate stream is broken (zlib.error when read)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    item = archive.getinfo("xl/worksheets/sheet1.xml")
    start = item.header_offset + 30 + len(item.filename.encode()) + len(item.extra)
    middle = start + item.compress_size // 2
    return data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 16]) + data[middle + 16 :]


def _encrypted(data: bytes) -> bytes:
    """A summary of ours with a part flagged as encrypted (zipfile raises RuntimeError when it is opened)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    item = archive.getinfo("xl/worksheets/sheet1.xml")
    out = bytearray(data)
    out[item.header_offset + 6] |= 1  # the local header's flag bits
    for offset in _central_entries(data):
        name_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + name_length] == item.filename.encode():
            out[offset + 8] |= 1  # the central directory's flag bits
    return bytes(out)


def _central_entries(data: bytes):
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        yield offset
        offset = data.find(b"PK\x01\x02", offset + 4)


def not_files(root: Path) -> Path:
    """Workbook names that are no regular file: a pipe, a folder, a socket-like device link."""
    folder = root / "not-files"
    _good(folder)
    os.mkfifo(folder / "管道.xlsx")
    (folder / "文件夹.xlsm").mkdir()
    os.symlink("/dev/zero", folder / "零.xlsx")
    os.symlink("/dev/null", folder / "空.xlsm")
    return folder


def deep(root: Path) -> Path:
    """A workbook nested deeper than the system's path limit, beside one that is not."""
    folder = root / "deep"
    _good(folder)
    data = (folder / "好的.xlsm").read_bytes()
    level = os.open(folder, os.O_RDONLY)
    try:
        depth = 0
        while depth * 201 < PATH_LIMIT + 400:
            name = f"{depth:03d}" + "层" * 66  # 201 bytes each
            os.mkdir(name, dir_fd=level)
            below = os.open(name, os.O_RDONLY, dir_fd=level)
            os.close(level)
            level = below
            depth += 1
        handle = os.open("深处.xlsm", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=level)
        os.write(handle, data)
        os.close(handle)
    finally:
        os.close(level)
    return folder


def summary_lookalike(root: Path) -> Path:
    """A unit's workbook with sheets named 汇总, 问题清单, 统计 and 无法读取 (what review once took for a summary)."""
    folder = root / "lookalike"
    good = _good(folder)
    wb = openpyxl.load_workbook(good, keep_vba=True)
    for title in ("汇总", "问题清单", "统计", "无法读取"):
        wb.create_sheet(title)
    wb.save(folder / "像汇总的自评表.xlsm")
    shutil.copy(folder / "像汇总的自评表.xlsm", folder / "像汇总的自评表.xlsx")  # an .xlsx name, as -o wants
    return folder


def duplicates(root: Path, copies: int = 40) -> Path:
    """The same submission many times (a folder copied again and again)."""
    folder = root / "duplicates"
    good = _good(folder / "原件")
    for number in range(copies - 1):
        target = folder / f"副本{number:04d}"
        target.mkdir()
        os.link(good, target / "好的.xlsm")
    return folder


def corpus(root: Path) -> Path:
    """The whole hostile corpus in one folder, with the rule files its workbooks name (a pipe and a sparse 2 GB
    file among them, as tests/cli/test_hostile.py lays them out)."""
    folder = root / "corpus"
    shutil.copytree(CORPUS, folder)
    os.mkfifo(folder / "fifo.toml")
    with open(folder / "huge.toml", "wb") as huge:
        huge.truncate(2 * 1024**3)
    (folder / "folder.toml").mkdir()
    return folder


INBOXES: dict[str, Callable[[Path], Path]] = {
    "corpus": corpus,
    "links": links,
    "gbk-names": gbk_names,
    "bombs": bombs,
    "not-files": not_files,
    "deep": deep,
    "summary-lookalike": summary_lookalike,
    "duplicates": duplicates,
}
