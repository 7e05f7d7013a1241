"""Reading a workbook package for checking: cell values, cached formula results, number formats, merged cells and
defined names in one pass over the parts, without the styles, borders and objects openpyxl builds for editing.

The result looks to the reader (reader/book.py) like the small part of an openpyxl Workbook it uses, and every value
is made by openpyxl's own rules (its number casting, date conversion, shared-formula translation, string table,
built-in formats), so both give the same records; tests/workbook/test_fastread.py holds them to it on every test
workbook and the hostile corpus. XML is parsed by defusedxml: a DTD or an entity refuses the file.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from defusedxml import ElementTree
from openpyxl.cell.text import Text
from openpyxl.formula.translate import Translator
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
WORKSHEET_TYPE = "/worksheet"


MAX_MERGED_CELLS = 100_000  # in all of a sheet's merges: the forms merge a few hundred cells, never a whole sheet


class PackageError(ValueError):
    """The package cannot be read as a workbook; the caller words it for the user."""


@dataclass
class FastCell:
    """A cell as the reader sees it: its value (a formula as "=…"), number format and place."""

    row: int
    column: int
    value: object = None
    number_format: str = "General"
    merged: bool = False  # inside a merged range, not its top-left cell: Excel shows nothing there

    @property
    def coordinate(self) -> str:
        return f"{get_column_letter(self.column)}{self.row}"


@dataclass
class Sheet:
    title: str
    cells: dict[tuple[int, int], FastCell] = field(default_factory=dict)
    merged: set[tuple[int, int]] = field(default_factory=set)
    defined_names: dict[str, DefinedName] = field(default_factory=dict)

    def cell(self, row: int, column: int) -> FastCell:
        found = self.cells.get((row, column))
        if found is None:
            found = FastCell(row, column, merged=(row, column) in self.merged)
        return found

    def __getitem__(self, ref: str) -> FastCell:
        return self.cell(*coordinate_to_tuple(ref))


@dataclass
class Book:
    worksheets: list[Sheet]
    sheetnames: list[str]
    defined_names: dict[str, DefinedName]

    def __getitem__(self, title: str) -> Sheet:
        for sheet in self.worksheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)


def read(data: bytes) -> tuple[Book, dict[tuple[str, str], object]]:
    """The workbook in a package, and the values saved with it ((sheet, A1) -> value, as Excel last showed them)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    workbook = _xml(archive, "xl/workbook.xml")
    epoch = CALENDAR_MAC_1904 if _date1904(workbook) else CALENDAR_WINDOWS_1900
    targets = _relationships(archive, "xl/_rels/workbook.xml.rels")
    if "[Content_Types].xml" not in names:  # what makes a zip an Office package; openpyxl refuses one without it
        raise PackageError("缺少 [Content_Types].xml")
    strings = _strings(archive, names)
    formats = _number_formats(archive, names)
    listed = [
        (sheet.get("name", ""), targets.get(sheet.get(RELATIONSHIP, ""), ("", "")))
        for sheet in workbook.iter(f"{MAIN}sheet")
    ]
    loaded = [(title, part, kind) for title, (part, kind) in listed if part in names]  # openpyxl skips the rest
    sheets: list[Sheet | None] = []  # the loaded sheets in order, as localSheetId counts them; None: a chart sheet
    cached: dict[tuple[str, str], object] = {}
    for title, part, kind in loaded:
        if not kind.endswith(WORKSHEET_TYPE):
            sheets.append(None)
            continue
        sheet = Sheet(title)
        _read_sheet(archive.read(part), sheet, cached, strings, formats, epoch)
        sheets.append(sheet)
    book = Book([s for s in sheets if s is not None], [title for title, _part, _kind in loaded], {})
    _assign_names(workbook, book, sheets)
    return book, cached


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        return ElementTree.fromstring(archive.read(name))
    except KeyError:
        raise PackageError(f"缺少 {name}") from None


SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


def _strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    """The shared string table, found as openpyxl finds it (by its content type), read by openpyxl's own reader."""
    types = _xml(archive, "[Content_Types].xml")
    parts = [
        o.get("PartName", "").lstrip("/")
        for o in types.iter(CONTENT_TYPES)
        if o.get("ContentType") == SHARED_STRINGS_TYPE
    ]
    part = next((p for p in parts if p in names), None)
    if part is None:
        return []
    data = archive.read(part)
    ElementTree.fromstring(data)  # refuses a DTD or entities before openpyxl's parser sees the part
    return read_string_table(io.BytesIO(data))


def _date1904(workbook: Any) -> bool:
    properties = workbook.find(f"{MAIN}workbookPr")
    return properties is not None and properties.get("date1904", "0").lower() in ("1", "true")


def _relationships(archive: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    """Id -> (part name, type) of a part's relationships, targets made absolute as the package names them."""
    root = _xml(archive, name)
    base = posixpath.dirname(posixpath.dirname(name))  # xl/_rels/workbook.xml.rels -> xl
    found = {}
    for rel in root.iter(PACKAGE_RELS):
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        found[rel.get("Id", "")] = (part, rel.get("Type", ""))
    return found


@dataclass(frozen=True)
class _Formats:
    by_style: list[str]
    dates: frozenset[int]
    timedeltas: frozenset[int]

    def of(self, style: int) -> str:
        return self.by_style[style] if 0 <= style < len(self.by_style) else "General"


def _number_formats(archive: zipfile.ZipFile, names: set[str]) -> _Formats:
    """Each cell style's number format (cellXfs), and which styles show dates and durations (as openpyxl reads)."""
    if "xl/styles.xml" not in names:
        return _Formats([], frozenset(), frozenset())
    root = _xml(archive, "xl/styles.xml")
    custom = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{MAIN}numFmt")}
    cell_xfs = root.find(f"{MAIN}cellXfs")
    by_style = []
    for xf in [] if cell_xfs is None else cell_xfs.iter(f"{MAIN}xf"):
        number = int(xf.get("numFmtId", "0"))
        by_style.append(custom.get(number) or BUILTIN_FORMATS.get(number, "General"))
    dates = frozenset(i for i, f in enumerate(by_style) if is_date_format(f))
    return _Formats(by_style, dates, frozenset(i for i in dates if is_timedelta_format(by_style[i])))


def _read_sheet(
    data: bytes,
    sheet: Sheet,
    cached: dict[tuple[str, str], object],
    strings: list[str],
    formats: _Formats,
    epoch: Any,
) -> None:
    root = ElementTree.fromstring(data)
    shared_formulas: dict[str, Translator] = {}
    for row, column, element in _cells(root):
        style = int(element.get("s", "0") or 0)
        saved = _saved_value(element, element.get("t", "n"), style, strings, formats, epoch)
        formula = element.find(f"{MAIN}f")
        ref = f"{get_column_letter(column)}{row}"
        value = _formula(formula, ref, shared_formulas) if formula is not None else saved
        sheet.cells[(row, column)] = FastCell(row, column, value, formats.of(style))
        if saved is not None:
            cached[(sheet.title, ref)] = saved
    for merged in root.iter(f"{MAIN}mergeCell"):
        min_col, min_row, max_col, max_row = range_boundaries(merged.get("ref", ""))
        if len(sheet.merged) + (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_MERGED_CELLS:
            raise PackageError(f"合并单元格 {merged.get('ref')} 大得异常")  # a form merges a few cells, never a sheet
        sheet.merged |= {(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)}
        sheet.merged.discard((min_row, min_col))
    for place in sheet.merged:  # openpyxl replaces these by MergedCell objects, whose value is None
        if place in sheet.cells:
            sheet.cells[place].value, sheet.cells[place].merged = None, True


def _cells(root: Any) -> Iterator[tuple[int, int, Any]]:
    """(row, column, <c>) of every cell; rows and cells without a reference follow the one before, as in openpyxl."""
    data = root.find(f"{MAIN}sheetData")
    if data is None:
        return
    row_number = 0
    for row in data.findall(f"{MAIN}row"):  # children, not descendants: rows nested in rows are not rows
        row_number = int(row.get("r")) if row.get("r") else row_number + 1
        column = 0
        for element in row.findall(f"{MAIN}c"):
            ref = element.get("r")
            row_here, column = coordinate_to_tuple(ref) if ref else (row_number, column + 1)
            yield row_here, column, element


def _saved_value(element: Any, kind: str, style: int, strings: list[str], formats: _Formats, epoch: Any) -> object:
    """The value stored in a cell (for a formula, its last result), converted as openpyxl converts it."""
    if kind == "inlineStr":
        inline = element.find(f"{MAIN}is")
        return None if inline is None else Text.from_tree(inline).content
    text = element.findtext(f"{MAIN}v") or None
    if text is None:
        return None
    if kind == "n":
        number = _number(text)
        if isinstance(number, str):
            return number
        if style in formats.dates:
            try:
                return from_excel(number, epoch, timedelta=style in formats.timedeltas)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_ISO8601(text)
    return text  # str (a formula's text result) and e (an error value)


def _number(text: str) -> int | float | str:
    """A number cell's stored value; text no number reads as ("inf", "NaN", "1.2.3", written by some other tool) is
    kept as the text it is, so that the reader reports it at its cell instead of refusing the whole file."""
    try:
        return float(text) if "." in text or "E" in text or "e" in text else int(text)
    except ValueError:
        return text


def _formula(formula: Any, ref: str | None, shared: dict[str, Translator]) -> object:
    """A formula cell's value as openpyxl gives it: "=…", an ArrayFormula, or a shared formula translated here."""
    value = "=" + (formula.text or "")
    kind = formula.get("t")
    if kind == "array":
        return ArrayFormula(ref=formula.get("ref"), text=value)
    if kind == "shared":
        index = formula.get("si")
        if index in shared:
            return shared[index].translate_formula(ref)
        if value != "=":
            shared[index] = Translator(value, ref)
        return value
    if kind == "dataTable":
        return DataTableFormula(**formula.attrib)
    return value


def _assign_names(workbook: Any, book: Book, sheets: list[Sheet | None]) -> None:
    """Workbook-level names to the book, sheet-level ones to their sheet (as openpyxl's reader assigns them)."""
    for element in workbook.iter(f"{MAIN}definedName"):
        name = element.get("name", "")
        local = element.get("localSheetId")
        defined = DefinedName(name, localSheetId=local, hidden=element.get("hidden"), attr_text=element.text or "")
        if local is None:
            if not _reserved(name):  # openpyxl keeps print titles and areas apart from the names
                book.defined_names[name] = defined
            continue
        index = int(local)
        if 0 <= index < len(sheets) and sheets[index] is not None and not _reserved(name):
            sheets[index].defined_names[name] = defined  # type: ignore[union-attr]


def _reserved(name: str) -> bool:
    return bool(re.match(r"_xlnm\.", name, re.IGNORECASE))
