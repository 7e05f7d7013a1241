"""MS-OVBA compression: the specification's three worked examples (section 3.2), and the add-in's own streams."""

from __future__ import annotations

import io
import random
import zipfile

import olefile
import pytest
from helpers import XLWINGS_ADDIN
from oletools.olevba import decompress_stream

from perfeval_xl.excel.vba.ovba import CompressionError, compress, decompress

# [MS-OVBA] 3.2.1 (no compression possible), 3.2.2 (normal compression), 3.2.3 (maximum compression)
SPEC_EXAMPLES = [
    (
        b"abcdefghijklmnopqrstuv.",
        bytes.fromhex("0119B000 6162636465666768 00 696A6B6C6D6E6F70 00 717273747576 2E"),
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        bytes.fromhex(
            "012FB000236161616263646582660070616768696A013808616B6C00306D6E6F700671027004107273747576107778797A003C"
        ),
    ),
    (b"a" * 73, bytes.fromhex("0103B002614500")),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_EXAMPLES)
def test_compress__the_specifications_examples(plain, packed):
    assert compress(plain) == packed
    assert decompress(packed) == plain


def _vba_streams() -> dict[str, bytes]:
    archive = zipfile.ZipFile(XLWINGS_ADDIN)
    ole = olefile.OleFileIO(io.BytesIO(archive.read("xl/vbaProject.bin")))
    return {"/".join(path): ole.openstream(path).read() for path in ole.listdir() if path[0] == "VBA"}


@pytest.mark.parametrize("name", ["VBA/dir", "VBA/xlwings"])  # the module xlwings writes without p-code
def test_compress__the_add_ins_streams_read_back_by_oletools(name):
    """Office's own compressor picks other (equally valid) matches in places, so its bytes are not reproduced;
    what it stored is read the same by both decompressors, and what this writes reads back the same."""
    packed = _vba_streams()[name]
    plain = decompress(packed)
    assert plain == decompress_stream(bytearray(packed))
    if name == "VBA/xlwings":
        assert plain.startswith(b'Attribute VB_Name = "xlwings"')
    again = compress(plain)
    assert decompress_stream(bytearray(again)) == plain and decompress(again) == plain
    assert len(again) < len(packed) * 1.1  # as small as Office's, near enough


def test_compress__round_trips_long_and_incompressible_data():
    rng = random.Random(5)
    text = "".join(
        rng.choice(["Function PE_SCORE(", "Optional x", "\r\n", "    ", "End Function"]) for _ in range(4000)
    )
    noise = bytes(rng.randrange(256) for _ in range(10_000))
    for data in (b"", b"x", text.encode(), noise, noise[:4096], noise[:4095] + b"a" * 5000):
        assert decompress(compress(data)).rstrip(b"\0") == data.rstrip(b"\0")
    assert len(compress(noise[:4096])) == 1 + 2 + 4096  # stored raw: compressing would have made it larger


@pytest.mark.parametrize("broken", [b"", b"\x02abc", b"\x01\xff", bytes.fromhex("0103B0026100F0")])
def test_decompress__broken_containers(broken):
    with pytest.raises(CompressionError):
        decompress(broken)
