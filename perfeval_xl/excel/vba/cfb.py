"""Writing an MS-CFB (compound file, version 3) from a set of streams: how vbaProject.bin is stored.

write() lays out every stream anew — streams under 4096 bytes in the mini stream, the rest in 512-byte sectors,
the directory as a balanced red-black tree per storage — so that a changed VBA project (issue 9: one module added)
is a valid file however much it grew. Reading is left to olefile, a maintained reader.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR, MINI_SECTOR, MINI_CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
HEADER_FAT_SLOTS = 109  # a file needing more FAT sectors needs DIFAT sectors: far beyond a VBA project


class CompoundFileError(ValueError):
    """Streams that cannot be stored in a version-3 compound file."""


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    index: int = 0
    start: int = END
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    color: int = BLACK


def write(streams: Mapping[tuple[str, ...], bytes]) -> bytes:
    """A compound file holding `streams` ({("VBA", "dir"): data, ("PROJECT",): data, …}); storages follow the paths."""
    root = _tree(streams)
    entries = _numbered(root)
    for entry in entries:
        _link_children(entry)
    mini_streams = [e for e in entries if e.kind == STREAM and len(e.data) < MINI_CUTOFF]
    big_streams = [e for e in entries if e.kind == STREAM and len(e.data) >= MINI_CUTOFF]
    mini_stream, mini_fat = _mini_layout(mini_streams)
    root.data = mini_stream
    directory = b"".join(_directory_entry(e) for e in entries)
    directory += _unused_entry() * (-len(entries) % (SECTOR // 128))
    # the file's sectors after the FAT: directory, mini FAT, the mini stream (the root's), then each large stream
    chains = [directory, _fat_bytes(mini_fat) if mini_fat else b"", mini_stream, *(e.data for e in big_streams)]
    lengths = [_sectors(len(chain)) for chain in chains]
    fat_sectors = _fat_sector_count(sum(lengths))
    if fat_sectors > HEADER_FAT_SLOTS:
        raise CompoundFileError("VBA 工程过大，超出不带 DIFAT 的复合文件所能容纳的大小")
    starts, position = [], fat_sectors
    for length in lengths:
        starts.append(position if length else END)
        position += length
    root.start = starts[2]
    for entry, start in zip(big_streams, starts[3:], strict=True):
        entry.start = start
    fat = [FAT_SECTOR] * fat_sectors
    for start, length in zip(starts, lengths, strict=True):
        fat += [start + i + 1 for i in range(length - 1)] + ([END] if length else [])
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    directory = b"".join(_directory_entry(e) for e in entries)  # again, now that the start sectors are known
    directory += _unused_entry() * (-len(entries) % (SECTOR // 128))
    chains[0] = directory
    header = _header(fat_sectors, starts[0], starts[1], lengths[1])
    body = _fat_bytes(fat) + b"".join(
        chain.ljust(length * SECTOR, b"\0") for chain, length in zip(chains, lengths, strict=True)
    )
    return header + body


def _tree(streams: Mapping[tuple[str, ...], bytes]) -> _Entry:
    root = _Entry("Root Entry", ROOT)
    for path, data in streams.items():
        node = root
        for part in path[:-1]:
            node = node.children.setdefault(part.upper(), _Entry(part, STORAGE))
            if node.kind != STORAGE:
                raise CompoundFileError(f"“{part}”既是流又是存储")
        name = path[-1]
        if len(name) > 31 or not name:
            raise CompoundFileError(f"流名“{name}”不是 1 到 31 个字符")
        if name.upper() in node.children:
            raise CompoundFileError(f"流名“{name}”重复（不区分大小写）")
        node.children[name.upper()] = _Entry(name, STREAM, data)
    return root


def _numbered(root: _Entry) -> list[_Entry]:
    """Every entry, the root first, each storage's children after it, with its index in the directory."""
    entries, queue = [], [root]
    while queue:
        entry = queue.pop(0)
        entry.index = len(entries)
        entries.append(entry)
        queue.extend(sorted(entry.children.values(), key=_order))
    return entries


def _order(entry: _Entry) -> tuple[int, str]:
    """MS-CFB 2.6.4: shorter names first, then by the upper-case name."""
    return len(entry.name.encode("utf-16-le")), entry.name.upper()


def _link_children(storage: _Entry) -> None:
    """A storage's children as a balanced binary search tree, coloured so that it is a red-black tree: every
    node black but those on a last, incomplete level, which are red (one black height on every path)."""
    children = sorted(storage.children.values(), key=_order)
    if not children:
        return
    depth_of: dict[int, int] = {}

    def build(low: int, high: int, depth: int) -> int:
        if low > high:
            return NO_STREAM
        middle = (low + high) // 2
        node = children[middle]
        depth_of[middle] = depth
        node.left = build(low, middle - 1, depth + 1)
        node.right = build(middle + 1, high, depth + 1)
        return node.index

    storage.child = build(0, len(children) - 1, 0)
    deepest = max(depth_of.values())
    for position, node in enumerate(children):
        node.color = RED if deepest and depth_of[position] == deepest else BLACK


def _mini_layout(streams: list[_Entry]) -> tuple[bytes, list[int]]:
    """The mini stream (each small stream in 64-byte mini sectors) and its FAT."""
    mini = bytearray()
    fat: list[int] = []
    for entry in streams:
        count = -(-len(entry.data) // MINI_SECTOR)
        if count == 0:
            entry.start = END
            continue
        entry.start = len(fat)
        fat += [entry.start + i + 1 for i in range(count - 1)] + [END]
        mini += entry.data.ljust(count * MINI_SECTOR, b"\0")
    if fat:
        fat += [FREE] * (-len(fat) % (SECTOR // 4))
    return bytes(mini), fat


def _sectors(length: int) -> int:
    return -(-length // SECTOR)


def _fat_sector_count(other_sectors: int) -> int:
    """How many FAT sectors cover themselves and `other_sectors` (each holds 128 entries)."""
    count = 1
    while count * (SECTOR // 4) < count + other_sectors:
        count += 1
    return count


def _fat_bytes(entries: list[int]) -> bytes:
    return struct.pack(f"<{len(entries)}I", *entries)


def _directory_entry(entry: _Entry) -> bytes:
    name = entry.name.encode("utf-16-le") + b"\0\0"
    size = len(entry.data) if entry.kind in (STREAM, ROOT) else 0
    start = entry.start if entry.kind in (STREAM, ROOT) else 0
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name),
        entry.kind,
        entry.color,
        entry.left,
        entry.right,
        entry.child,
        b"\0" * 16,  # CLSID
        0,  # state bits
        0,  # creation time
        0,  # modification time
        start if size else (END if entry.kind != STORAGE else 0),
        size,
    )


def _unused_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM, b"\0" * 16, 0, 0, 0, 0, 0)


def _header(fat_sectors: int, directory_start: int, mini_fat_start: int, mini_fat_sectors: int) -> bytes:
    slots = list(range(fat_sectors)) + [FREE] * (HEADER_FAT_SLOTS - fat_sectors)
    return (
        SIGNATURE
        + b"\0" * 16  # CLSID
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)  # minor, major version 3, byte order, sector shifts
        + b"\0" * 6
        + struct.pack(
            "<IIIIIIIII",
            0,
            fat_sectors,
            directory_start,
            0,
            MINI_CUTOFF,
            mini_fat_start if mini_fat_sectors else END,
            mini_fat_sectors,
            END,
            0,
        )
        + struct.pack(f"<{HEADER_FAT_SLOTS}I", *slots)
    )
