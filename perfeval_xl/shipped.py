"""Files shipped with the package: in the wheel under perfeval_xl/<folder>/, or in a source checkout's <folder>/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_file(folder: str, name: str) -> Path | None:
    """The path of a shipped file (templates/…, workbook/…), or None when it is not there."""
    packaged = resources.files("perfeval_xl") / folder / name
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent / folder / name
    return checkout if checkout.is_file() else None
