"""MS-OVBA 2.4.1 compression: the LZ77-style scheme VBA projects store their `dir` stream and module sources in.

compress() follows the specification's algorithm (greedy longest match, nearest candidate on ties, a chunk stored
raw when compressing does not make it smaller), looking for matches where earlier tokens began, which reproduces the
specification's worked examples byte for byte (Office's own compressor picks other, equally valid matches in places);
decompress() reads what any application wrote. Both are pure functions of bytes (issue 9: the PE_* module is
written into the add-in's vbaProject.bin on Linux).
"""

from __future__ import annotations

CHUNK = 4096  # decompressed bytes per chunk
SIGNATURE = 0x01


class CompressionError(ValueError):
    """Bytes that are not an MS-OVBA compressed container."""


def compress(data: bytes) -> bytes:
    """A CompressedContainer holding `data`."""
    out = bytearray([SIGNATURE])
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data, start, min(start + CHUNK, len(data)))
    return bytes(out)


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    body = bytearray()
    current = start
    # 3-byte prefix -> where earlier tokens of this chunk began: matches are looked for there only, not at every earlier
    # byte as the pseudo-code reads, since the specification's own example 3.2.2 is made so
    candidates: dict[bytes, list[int]] = {}
    while current < end and len(body) < CHUNK:  # CompressedEnd: a chunk's body is at most 4096 bytes
        flag_index, flags = len(body), 0
        body.append(0)
        for bit in range(8):
            if current >= end or len(body) >= CHUNK:
                break
            offset, length = _match(data, start, current, end, candidates)
            candidates.setdefault(data[current : current + 3], []).append(current)
            if offset:
                if len(body) + 1 >= CHUNK:  # no room for a two-byte token
                    body.extend(b"\0" * (CHUNK - len(body)))
                    break
                body += _copy_token(offset, length, current - start).to_bytes(2, "little")
                flags |= 1 << bit
                current += length
            else:
                body.append(data[current])
                current += 1
        body[flag_index] = flags
    if current < end or len(body) > CHUNK:  # compressing did not fit: the chunk is stored as it is, 4096 bytes
        raw = data[start:end].ljust(CHUNK, b"\0")
        return (0x3FFF).to_bytes(2, "little") + raw  # size 4098 - 3, signature 0b011, not compressed
    size = len(body) + 2
    return ((size - 3) | 0xB000).to_bytes(2, "little") + bytes(body)


def _match(data: bytes, start: int, current: int, end: int, candidates: dict[bytes, list[int]]) -> tuple[int, int]:
    """(offset, length) of the longest earlier match of the bytes at `current` (the nearest on a tie), or (0, 0).

    Only a candidate sharing the next three bytes can give a match of three or more, so only those are measured;
    a match may run on into the bytes it copies, as the specification's does."""
    best_length, best = 0, -1
    for candidate in reversed(candidates.get(data[current : current + 3], ())):
        length = 0
        while current + length < end and data[candidate + length] == data[current + length]:
            length += 1
        if length > best_length:
            best_length, best = length, candidate
    if best_length < 3:
        return 0, 0
    bit_count = _bit_count(current - start)
    return current - best, min(best_length, (0xFFFF >> bit_count) + 3)


def _bit_count(difference: int) -> int:
    """How many of a copy token's 16 bits hold the offset, at this distance into the chunk (at least 4)."""
    return max((difference - 1).bit_length(), 4)


def _copy_token(offset: int, length: int, difference: int) -> int:
    bit_count = _bit_count(difference)
    return ((offset - 1) << (16 - bit_count)) | (length - 3)


def decompress(container: bytes) -> bytes:
    """The bytes a CompressedContainer holds; CompressionError when it is not one."""
    if not container or container[0] != SIGNATURE:
        raise CompressionError("压缩数据的第一个字节不是 0x01")
    out = bytearray()
    position = 1
    while position < len(container):
        if position + 2 > len(container):
            raise CompressionError("压缩块的头部不完整")
        header = int.from_bytes(container[position : position + 2], "little")
        size = (header & 0x0FFF) + 3
        if header & 0x7000 != 0x3000:
            raise CompressionError("压缩块的签名不对")
        chunk = container[position + 2 : position + size]
        position += size
        out += _decompress_chunk(chunk) if header & 0x8000 else chunk[:CHUNK]
    return bytes(out)


def _decompress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    position = 0
    while position < len(chunk):
        flags = chunk[position]
        position += 1
        for bit in range(8):
            if position >= len(chunk):
                break
            if not flags >> bit & 1:
                out.append(chunk[position])
                position += 1
                continue
            if position + 2 > len(chunk):
                raise CompressionError("复制标记不完整")
            token = int.from_bytes(chunk[position : position + 2], "little")
            position += 2
            bit_count = _bit_count(len(out))
            length = (token & (0xFFFF >> bit_count)) + 3
            offset = (token >> (16 - bit_count)) + 1
            if offset > len(out):
                raise CompressionError("复制标记指向数据之前")
            for _ in range(length):  # byte by byte: a copy may overlap what it writes
                out.append(out[-offset])
    return bytes(out)
