"""The defined names of a workbook as the reader uses them: where each points, and which sheet is which.

The workbook contract is its defined names, never coordinates: a sheet is found by the names that point into it
(its title may have been changed), and a name that points nowhere, or at an absurd range, is a finding.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from perfeval_xl.core.codes import NAME_BROKEN, NAME_MISSING
from perfeval_xl.core.records import CellRef, Finding
from perfeval_xl.workbook.fill import destinations
from perfeval_xl.workbook.layout.base import SheetLayout

# Excel's sheet is 1 048 576 rows by XFD columns; a table of the forms never comes near 10 000 rows, and a name
# stretched over a million rows would make the reader walk them all.
MAX_ROW, MAX_COLUMN, MAX_TABLE_ROWS = 1_048_576, 16_384, 10_000


@dataclass(frozen=True)
class Place:
    """Where a defined name points: a sheet and a cell ("B5") or a range ("B15:I41")."""

    sheet: str
    ref: str

    @property
    def first(self) -> CellRef:
        """The top-left cell: the one a single-cell name means."""
        return CellRef(self.sheet, self.ref.split(":")[0])


@dataclass
class Sheet:
    """A worksheet of the file with the layout it was made from and the names that point into it."""

    ws: object
    layout: SheetLayout
    names: dict[str, Place] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.ws.title  # type: ignore[attr-defined]


def plausible_range(ref: str) -> bool:
    """A cell or range reference inside Excel's grid and not taller than any table of the forms."""
    if not re.fullmatch(r"[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?", ref):
        return False
    _min_col, min_row, max_col, max_row = range_boundaries(ref)
    return 1 <= min_row <= max_row <= MAX_ROW and max_col <= MAX_COLUMN and max_row - min_row < MAX_TABLE_ROWS


def place_of(name: str, defined: DefinedName, sheet_titles: set[str], findings: list[Finding]) -> Place | None:
    """Where a defined name points, or None with name-broken when that is nowhere a reader can go."""
    try:
        pointed = destinations(defined)
    except Exception:  # openpyxl raises on #REF! and other unparsable definitions
        pointed = []
    broken = f"名称“{name}”指向的单元格已不存在（{defined.attr_text}）"
    if not pointed or pointed[0][0] not in sheet_titles:  # a chart sheet holds no cells
        findings.append(NAME_BROKEN(broken))
        return None
    sheet, ref = pointed[0]
    ref = ref.replace("$", "")
    if not plausible_range(ref):  # '附件2'!#REF! after Excel deleted the row, or a hand-edited $B$0
        findings.append(NAME_BROKEN(broken, CellRef(sheet)))
        return None
    return Place(sheet, ref)


def places(
    defined_names: Mapping[str, DefinedName], sheet_titles: set[str], findings: list[Finding]
) -> dict[str, Place]:
    """Every usable name of a scope (the workbook's, or one sheet's) and where it points."""
    found = {}
    for name, defined in defined_names.items():
        place = place_of(name, defined, sheet_titles, findings)
        if place:
            found[name] = place
    return found


def names_of(layout: SheetLayout) -> list[str]:
    """The names a sheet's layout declares: its cells' and its tables'."""
    return [*layout.named(), *(table.name for table in layout.tables)]


def sheet_of(layout: SheetLayout, names: Mapping[str, Place]) -> str | None:
    """The title of the sheet most of a layout's names point into: one deleted name must not hide a whole table."""
    titles = [names[name].sheet for name in names_of(layout) if name in names]
    return Counter(titles).most_common(1)[0][0] if titles else None


def missing_names(sheet: Sheet, findings: list[Finding]) -> None:
    """name-missing for every name the sheet's layout declares that the file no longer has."""
    for name, cell in sheet.layout.named().items():
        if name not in sheet.names and name != "template_info":
            findings.append(
                NAME_MISSING(
                    f"找不到名称“{name}”（{cell.description}）：它可能被删除，或所在的行被删掉了", CellRef(sheet.title)
                )
            )
    for table in sheet.layout.tables:
        if table.name not in sheet.names:
            findings.append(NAME_MISSING(f"找不到区域名称“{table.name}”（{table.description}）", CellRef(sheet.title)))
