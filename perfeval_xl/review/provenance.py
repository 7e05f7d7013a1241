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
MAX_SUMMARY_BYTES = 256 * 1024 * 1024  # a summary of 50 000 files is far smaller, packed and unpacked
_DIGEST = re.compile(rb"<vt:lpwstr>([0-9a-f]{64})</vt:lpwstr>")


def sign(data: bytes) -> bytes:
    """The summary with its digest in place of the PLACEHOLDER its custom property was written with."""
    parts = _parts(io.BytesIO(data))
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
    """Whether `path` is a regular file holding a summary this program wrote, unchanged since."""
    try:
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_SUMMARY_BYTES:
            return False
        with open(path, "rb") as handle:
            parts = _parts(handle)
    except (OSError, ValueError):
        return False
    if parts is None or CUSTOM_PART not in parts:
        return False
    found = _DIGEST.findall(parts[CUSTOM_PART])
    if len(found) != 1 or PROPERTY.encode() not in parts[CUSTOM_PART]:
        return False
    parts[CUSTOM_PART] = parts[CUSTOM_PART].replace(found[0], PLACEHOLDER.encode(), 1)
    return _digest(parts) == found[0].decode()


def _parts(source: io.BufferedIOBase | io.BytesIO) -> dict[str, bytes] | None:
    """Every part of a package, or None when it is no zip or would unpack to more than MAX_SUMMARY_BYTES."""
    try:
        with zipfile.ZipFile(source) as archive:
            items = archive.infolist()
            if sum(item.file_size for item in items) > MAX_SUMMARY_BYTES:
                return None
            parts: dict[str, bytes] = {}
            for item in items:
                with archive.open(item) as member:
                    data = member.read(item.file_size + 1)  # a part longer than its header says is refused
                if len(data) > item.file_size or item.filename in parts:
                    return None
                parts[item.filename] = data
            return parts
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None


def _digest(parts: dict[str, bytes]) -> str:
    hasher = hashlib.sha256()
    for name in sorted(parts):
        hasher.update(len(name.encode()).to_bytes(8, "big") + name.encode())
        hasher.update(len(parts[name]).to_bytes(8, "big") + parts[name])
    return hasher.hexdigest()
