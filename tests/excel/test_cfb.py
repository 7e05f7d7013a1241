"""The compound-file writer: the add-in's VBA project written anew reads back the same in olefile (strict),
oletools and LibreOffice."""

from __future__ import annotations

import io
import zipfile

import olefile
import pytest
from helpers import XLWINGS_ADDIN
from office import basic_modules
from oletools.olevba import VBA_Parser

from perfeval_xl.excel.vba.cfb import CompoundFileError, write

ADDIN = XLWINGS_ADDIN


def _streams(data: bytes) -> dict[tuple[str, ...], bytes]:
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    return {tuple(path): ole.openstream(path).read() for path in ole.listdir()}


def _vba_project() -> bytes:
    return zipfile.ZipFile(ADDIN).read("xl/vbaProject.bin")


def test_write__the_add_ins_project_reads_back_stream_for_stream():
    original = _streams(_vba_project())
    assert len(original) > 5
    rewritten = write(original)
    assert _streams(rewritten) == original
    assert len(rewritten) % 512 == 0


def test_write__oletools_finds_the_same_modules():
    def modules(data: bytes) -> dict[str, str]:
        parser = VBA_Parser("vbaProject.bin", data=data)
        return {name: code for _f, _s, name, code in parser.extract_macros()}

    original = modules(_vba_project())
    assert "xlwings.bas" in original or any("xlwings" in name for name in original)
    assert modules(write(_streams(_vba_project()))) == original


def test_write__large_streams_and_many_entries():
    streams = {("VBA", f"Module{i}"): bytes([i]) * (i * 700) for i in range(40)}  # mini and regular sectors
    streams[("PROJECT",)] = b"ID=\r\n"
    streams[("VBA", "big")] = bytes(range(256)) * 400
    assert _streams(write(streams)) == streams


def test_write__names_a_compound_file_cannot_hold():
    with pytest.raises(CompoundFileError):
        write({("x" * 32,): b""})
    with pytest.raises(CompoundFileError):
        write({("VBA", "dir"): b"1", ("VBA", "DIR"): b"2"})


def test_write__libreoffice_imports_the_rewritten_project(tmp_path):
    modules = basic_modules(ADDIN, write(_streams(_vba_project())), tmp_path)
    assert {"xlwings", "RibbonMyAddin"} <= set(modules)
    assert b"Function" in modules["xlwings"]
