"""Output files are written whole or not at all, with ordinary permissions, and a refusal names the file in Chinese."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.utils import files
from perfeval_xl.utils.files import FileWriteError, stage, write_atomic


def full_disk_after(written: int):
    """os.write as on a disk that fills up after `written` bytes: the first part lands, then ENOSPC."""
    real_write = os.write

    def write(fd, data):
        if len(data) < written:  # pytest's own small writes go through
            return real_write(fd, data)
        real_write(fd, bytes(data[:written]))
        raise OSError(errno.ENOSPC, "No space left on device")

    return write


def test_write_atomic__writes_and_refuses_to_overwrite_unless_asked(tmp_path):
    path = tmp_path / "a.xlsm"
    assert write_atomic(b"one", path) == path and path.read_bytes() == b"one"
    with pytest.raises(FileWriteError, match="已存在"):
        write_atomic(b"two", path)
    assert path.read_bytes() == b"one"
    write_atomic(b"two", path, overwrite=True)
    assert path.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsm"]


def test_write_atomic__missing_folder_names_it(tmp_path):
    with pytest.raises(FileWriteError, match=r"文件夹“.*no”不存在，无法写入“a\.xlsm”"):
        write_atomic(b"x", tmp_path / "no" / "a.xlsm")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic__full_disk_leaves_no_partial_file_and_names_the_target(tmp_path, monkeypatch):
    path = tmp_path / "报告.docx"
    path.write_bytes(b"the old report")
    monkeypatch.setattr(files.os, "write", full_disk_after(1000))
    with pytest.raises(FileWriteError) as raised:
        write_atomic(b"x" * 50_000, path, overwrite=True)
    monkeypatch.undo()
    assert str(raised.value) == f"无法写入“{path}”：磁盘空间不足"
    assert isinstance(raised.value, PerfevalError) and isinstance(raised.value, OSError)
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(path)
    assert [p.name for p in tmp_path.iterdir()] == ["报告.docx"] and path.read_bytes() == b"the old report"


def test_write_atomic__ctrl_c_while_writing_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(fd, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(b"x" * 50_000, tmp_path / "a.docx")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_write_atomic__refused_rename_names_the_target_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "a.docx"
    path.write_bytes(b"old")

    def refused(source, destination):
        raise OSError(errno.EBUSY, "Device or resource busy")

    monkeypatch.setattr(files.os, "replace", refused)
    with pytest.raises(FileWriteError, match=r"无法写入“.*a\.docx”：文件正被其他程序占用"):
        write_atomic(b"new", path, overwrite=True)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"] and path.read_bytes() == b"old"


def test_write_atomic__refused_folder_names_folder_and_file(tmp_path, monkeypatch):
    def refused(*args, **kwargs):  # what a read-only folder answers (the tests run as root, which chmod cannot stop)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refused)
    with pytest.raises(FileWriteError, match=r"无法在“.*”中写入“a\.docx”：没有写入或读取的权限"):
        write_atomic(b"x", tmp_path / "a.docx")


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_write_atomic__permissions_follow_the_umask(tmp_path, mask):
    previous = os.umask(mask)
    try:
        written = write_atomic(b"x", tmp_path / "a.docx")
        staged = stage(b"y", tmp_path / "b.docx")
    finally:
        os.umask(previous)
    assert written.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's private 0600
    assert staged.stat().st_mode & 0o777 == 0o666 & ~mask
    assert staged.parent == tmp_path and staged.name.startswith(".perfeval-") and staged.suffix == ".docx"


def test_stage__leaves_the_target_alone_until_renamed(tmp_path):
    path = tmp_path / "a.docx"
    path.write_bytes(b"old")
    staged = stage(b"new", path)
    assert path.read_bytes() == b"old" and staged.read_bytes() == b"new"
    os.replace(staged, path)
    assert path.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_write_atomic__accepts_a_string_path(tmp_path):
    assert write_atomic(b"x", str(tmp_path / "a.xlsx")) == Path(tmp_path / "a.xlsx")  # type: ignore[arg-type]


def test_shown_path__gbk_names_read_as_gbk_whole_and_garbage_replaced():
    from perfeval_xl.utils.files import readable, shown_path

    gbk = os.fsdecode("/收件/二科/".encode() + "单位自评".encode("gb18030") + b".xlsm")
    assert shown_path(gbk) == "/收件/二科/单位自评.xlsm"  # 位's GBK bytes also read as UTF-8 "λ": decoded whole
    assert shown_path(os.fsdecode(b"bad\xff\xfe.xlsm")) == "bad\ufffd\ufffd.xlsm"
    assert shown_path("控制\n字符\x7f.xlsm") == "控制?字符?.xlsm"
    named = os.fsdecode("“".encode() + "自评".encode("gb18030") + "”不是工作簿".encode())
    assert readable(named) == "“自评”不是工作簿"  # a name inside a message
    assert readable("\ud800孤立") == "?孤立"  # a surrogate that was never a byte
    for text in (shown_path(gbk), readable(named), readable("\ud800")):
        text.encode("utf-8")  # every result can be written anywhere
