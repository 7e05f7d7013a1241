"""Office files (zip packages) written the same way every time: fixed entry dates, an optional change per part.

Reproducible bytes let tests say "the shipped file is what the code builds" and keep reviews of binary files honest.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import datetime

FIXED_TIME = datetime(2024, 1, 1)


def reproducible_zip(
    data: bytes, change: Callable[[str, bytes], bytes] | None = None, order: Callable[[str], object] | None = None
) -> bytes:
    """The package with every entry dated FIXED_TIME, each part passed through change(name, data)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    items = source.infolist() if order is None else sorted(source.infolist(), key=lambda i: order(i.filename))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in items:
            part = source.read(item.filename)
            if change is not None:
                part = change(item.filename, part)
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, part)
    return out.getvalue()
