"""Proof that a summary workbook is one `perfeval review` wrote, so that a summary is the only file it overwrites.

A look at the sheet names would take a unit's workbook with a sheet called 汇总 for an old summary and write over
it. Instead the summary carries, in a custom document property, a SHA-256 of its own parts: a file this program
wrote and nobody changed since proves itself; anything else (a unit's workbook, a summary the reviewer opened and
saved with notes of their own) is never overwritten. Reading is bounded: a zip bomb named 复核汇总.xlsx costs
nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from pathlib import Path

PROPERTY = "perfeval-review-sha256"
PLACEHOLDER = "0" * 64
CUSTOM_PART = "docProps/custom.xml"
MAX_SUMMARY_BYTES = 1024 * 1024 * 1024  # unpacked: a summary of 50 000 files with many findings each stays below
MAX_PROPERTY_BYTES = 64 * 1024
_DIGEST = re.compile(rb"<vt:lpwstr>([0-9a-f]{64})</vt:lpwstr>")


def sign(data: bytes) -> bytes:
    """The summary with its digest in place of the PLACEHOLDER its custom property was written with."""
    parts = _parts(io.BytesIO(data), limit=None)  # our own bytes: however large the batch made them
    if parts is None or PLACEHOLDER.encode() not in parts.get(CUSTOM_PART, b""):
        raise ValueError("the summary was written without its placeholder property")
    digest = _digest(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = parts[item.filename]
            if item.filename == CUSTOM_PART:
                part = part.replace(PLACEHOLDER.encode(), digest.encode(), 1)
            target.writestr(item, part)
    return out.getvalue()


def is_our_summary(path: Path) -> bool:
    """Whether `path` is a regular file holding a summary this program wrote, unchanged since.

    Cheap for anything else: the custom property is looked for first (a few KB read); only a file that has it is
    read whole, part by part (memory stays flat), and never beyond MAX_SUMMARY_BYTES. Any damage (a broken deflate
    stream, an encrypted entry) is simply "not ours"."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_SUMMARY_BYTES:
            return False
        with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
            custom = _property(archive)
            found = _DIGEST.findall(custom) if custom is not None else []
            if len(found) != 1:
                return False
            return _streamed_digest(archive, custom.replace(found[0], PLACEHOLDER.encode(), 1)) == found[0].decode()
    except Exception:  # whatever a damaged or hostile file does here, it is not a summary of ours
        return False


def _streamed_digest(archive: zipfile.ZipFile, custom: bytes) -> str | None:
    """_digest() of an archive read part by part (memory stays flat), with `custom` for docProps/custom.xml;
    None when the archive is not what its directory says (a part longer or shorter than declared, a name twice)."""
    names = archive.namelist()
    if len(set(names)) != len(names) or sum(i.file_size for i in archive.infolist()) > MAX_SUMMARY_BYTES:
        return None
    hasher = hashlib.sha256()
    for name in sorted(names):
        item = archive.getinfo(name)
        size = len(custom) if name == CUSTOM_PART else item.file_size
        hasher.update(len(name.encode()).to_bytes(8, "big") + name.encode() + size.to_bytes(8, "big"))
        if name == CUSTOM_PART:
            hasher.update(custom)
            continue
        read = 0
        with archive.open(item) as member:
            while chunk := member.read(1024 * 1024):
                read += len(chunk)
                hasher.update(chunk)
        if read != size:
            return None
    return hasher.hexdigest()


def _property(archive: zipfile.ZipFile) -> bytes | None:
    """docProps/custom.xml when it is small and names our property, else None."""
    try:
        item = archive.getinfo(CUSTOM_PART)
    except KeyError:
        return None
    if item.file_size > MAX_PROPERTY_BYTES:
        return None
    with archive.open(item) as member:
        data = member.read(MAX_PROPERTY_BYTES + 1)
    return data if PROPERTY.encode() in data and len(data) <= MAX_PROPERTY_BYTES else None


def _parts(source: io.BytesIO, limit: int | None = MAX_SUMMARY_BYTES) -> dict[str, bytes] | None:
    """Every part of a package (the summary just written, in memory), or None when it is no zip or would unpack
    to more than `limit`."""
    try:
        with zipfile.ZipFile(source) as archive:
            items = archive.infolist()
            if limit is not None and sum(item.file_size for item in items) > limit:
                return None
            parts: dict[str, bytes] = {}
            for item in items:
                with archive.open(item) as member:
                    data = member.read(item.file_size + 1)  # a part longer than its header says is refused
                if len(data) > item.file_size or item.filename in parts:
                    return None
                parts[item.filename] = data
            return parts
    except Exception:  # BadZipFile, zlib.error, an encrypted entry (RuntimeError), EOFError…: not a summary
        return None


def _digest(parts: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for name in sorted(parts):
        hasher.update(len(name.encode()).to_bytes(8, "big") + name.encode())
        hasher.update(len(parts[name]).to_bytes(8, "big") + parts[name])
    return hasher.hexdigest()
