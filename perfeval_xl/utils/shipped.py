"""Files shipped with the package: in the wheel under perfeval_xl/data/<folder>/, in a checkout under <folder>/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]  # perfeval_xl/utils/shipped.py → the checkout's top folder


def shipped_file(folder: str, name: str) -> Path | None:
    """The path of a shipped file (templates/…, workbook/…), or None when it is not there."""
    packaged = resources.files("perfeval_xl") / "data" / folder / name
    if packaged.is_file():
        return Path(str(packaged))
    checkout = CHECKOUT / folder / name
    return checkout if checkout.is_file() else None
