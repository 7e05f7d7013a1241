"""Adding a standard module, as source only, to a VBA project (vbaProject.bin), following MS-OVBA.

Every stream stays byte for byte as it was but the three that list the modules — `dir` (a MODULE record, the module
count), `PROJECT` (a Module= line and its [Workspace] line) and `PROJECTwm` (the name pair) — and the new module's
stream, which holds only its compressed source (offset 0, no p-code). The project's `_VBA_PROJECT` must say version
0xFFFF, so that Office compiles the modules from their sources instead of trusting a performance cache (MS-OVBA 1.6,
2.3.4.1). Issue 9: the PE_* wrappers inside the add-in, made on Linux.
"""

from __future__ import annotations

import io
import struct

from perfeval_xl.core.errors import PerfevalError
from perfeval_xl.excel.vba.cfb import write
from perfeval_xl.excel.vba.ovba import compress, decompress

PROJECTCODEPAGE, PROJECTVERSION, PROJECTMODULES, DIR_TERMINATOR = 0x0003, 0x0009, 0x000F, 0x0010
MODULENAME, MODULETYPE_PROCEDURAL = 0x0019, 0x0021


class VbaProjectError(PerfevalError, ValueError):
    """A VBA project this module cannot, or must not, change."""


def add_module(project: bytes, name: str, source: str) -> bytes:
    """The project with a standard module `name` holding `source` (CRLF line ends, in the project's code page)."""
    try:
        import olefile  # a maintained compound-file reader (a dev dependency: only build-addin needs it)
    except ImportError:
        raise VbaProjectError("生成加载项需要 olefile：python -m pip install -e '.[dev]'") from None

    ole = olefile.OleFileIO(io.BytesIO(project), raise_defects=olefile.DEFECT_INCORRECT)
    streams = {tuple(path): ole.openstream(path).read() for path in ole.listdir()}
    performance = streams.get(("VBA", "_VBA_PROJECT"), b"")
    if performance[2:4] != b"\xff\xff":
        raise VbaProjectError("_VBA_PROJECT 的版本不是 0xFFFF：Office 会沿用其中缓存的编译结果而不编译新模块")
    records = parse_dir(decompress(streams[("VBA", "dir")]))
    codepage = struct.unpack("<H", _record(records, PROJECTCODEPAGE))[0]
    encoding = f"cp{codepage}"
    if name.lower() in (data.decode(encoding).lower() for rid, data in records if rid == MODULENAME):
        raise VbaProjectError(f"VBA 工程中已有模块“{name}”")
    streams[("VBA", "dir")] = compress(serialize_dir(with_module(records, name, encoding)))
    streams[("VBA", name)] = compress(source.encode(encoding))
    streams[("PROJECT",)] = _project_text(streams[("PROJECT",)], name, encoding)
    streams[("PROJECTwm",)] = _name_map(streams[("PROJECTwm",)], name, encoding)
    return write(streams)


def parse_dir(data: bytes) -> list[tuple[int, bytes]]:
    """The `dir` stream's records as (id, data), in order (MS-OVBA 2.3.4.2)."""
    records, position = [], 0
    while position < len(data):
        if position + 6 > len(data):
            raise VbaProjectError("dir 流的记录不完整")
        rid, size = struct.unpack_from("<HI", data, position)
        position += 6
        if rid == PROJECTVERSION:  # its "size" is a reserved 4; six bytes follow (major 4, minor 2)
            size = 6
        records.append((rid, data[position : position + size]))
        position += size
    return records


def serialize_dir(records: list[tuple[int, bytes]]) -> bytes:
    out = bytearray()
    for rid, data in records:
        out += struct.pack("<HI", rid, 4 if rid == PROJECTVERSION else len(data)) + data
    return bytes(out)


def _record(records: list[tuple[int, bytes]], rid: int) -> bytes:
    return next(data for record, data in records if record == rid)


def with_module(records: list[tuple[int, bytes]], name: str, encoding: str) -> list[tuple[int, bytes]]:
    """The records with one more standard module before the terminator, and the module count raised."""
    unicode_name = name.encode("utf-16-le")
    module = [
        (MODULENAME, name.encode(encoding)),
        (0x0047, unicode_name),  # MODULENAMEUNICODE
        (0x001A, name.encode(encoding)),  # MODULESTREAMNAME
        (0x0032, unicode_name),
        (0x001C, b""),  # MODULEDOCSTRING
        (0x0048, b""),
        (0x0031, struct.pack("<I", 0)),  # MODULEOFFSET: the source starts the stream (no p-code)
        (0x001E, struct.pack("<I", 0)),  # MODULEHELPCONTEXT
        (0x002C, struct.pack("<H", 0xFFFF)),  # MODULECOOKIE: "MUST be 0xFFFF on write"
        (MODULETYPE_PROCEDURAL, b""),
        (0x002B, b""),  # the module's terminator
    ]
    out = []
    for rid, data in records:
        if rid == PROJECTMODULES:
            data = struct.pack("<H", struct.unpack("<H", data)[0] + 1)
        if rid == DIR_TERMINATOR:
            out += module
        out.append((rid, data))
    if not any(rid == DIR_TERMINATOR for rid, _ in records):
        raise VbaProjectError("dir 流没有结束记录")
    return out


def _project_text(data: bytes, name: str, encoding: str) -> bytes:
    """PROJECT with `Module=name` after the last module line and `name=0, 0, 0, 0, C` in [Workspace]."""
    lines = data.decode(encoding).split("\r\n")
    module_lines = [
        i for i, line in enumerate(lines) if line.split("=", 1)[0] in ("Module", "Document", "Class", "BaseClass")
    ]
    lines.insert(module_lines[-1] + 1 if module_lines else 1, f"Module={name}")
    if "[Workspace]" in lines:
        end = lines.index("[Workspace]") + 1
        while end < len(lines) and lines[end] and not lines[end].startswith("["):
            end += 1
        lines.insert(end, f"{name}=0, 0, 0, 0, C")
    return "\r\n".join(lines).encode(encoding)


def _name_map(data: bytes, name: str, encoding: str) -> bytes:
    """PROJECTwm: each module's name in the code page, then in UTF-16, ended by two zero bytes."""
    if not data.endswith(b"\0\0"):
        raise VbaProjectError("PROJECTwm 流的结尾不对")
    return data[:-2] + name.encode(encoding) + b"\0" + name.encode("utf-16-le") + b"\0\0" + b"\0\0"
