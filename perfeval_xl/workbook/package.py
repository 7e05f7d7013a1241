"""A workbook as file bytes: formula cells stamped with what they show, calculation properties, the right
content type for .xlsm, and fixed timestamps, so that the same workbook gives the same bytes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from xml.sax.saxutils import escape, unescape

import openpyxl

from perfeval_xl.core.errors import WorkbookError
from perfeval_xl.utils.zips import FIXED_TIME, reproducible_zip
from perfeval_xl.workbook.reader.book import Book
from perfeval_xl.workbook.reader.read import read_records

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


XLSM_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def package(wb: openpyxl.Workbook, suffix: str) -> bytes:
    """The workbook as file bytes: formula cells stamped with the engine's values, the right content type for
    the suffix (.xlsm is macro-enabled), and fixed timestamps so that the same workbook gives the same bytes."""
    if suffix not in (".xlsx", ".xlsm"):
        raise WorkbookError(f"文件名应以 .xlsx 或 .xlsm 结尾，而不是“{suffix}”")
    stamps = _stamps(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet_files = _sheet_files(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))

    def change(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml" and suffix == ".xlsm":
            return data.replace(XLSX_TYPE.encode(), XLSM_TYPE.encode())
        if name == "xl/workbook.xml":
            return _current_calculation(data)
        if name == "docProps/core.xml":  # openpyxl stamps the time of saving
            fixed = FIXED_TIME.isoformat().encode()
            return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + fixed + rb"Z\g<2>", data)
        if name in sheet_files:
            return _stamp_sheet(data, stamps.get(sheet_files[name], {}))
        return data

    return reproducible_zip(buffer.getvalue(), change, order=lambda name: (name != "[Content_Types].xml", name))


# Excel recalculates every formula on open when the file's calcId is older than its own calculation engine
# (MS-XLS RecalcId; openpyxl writes Excel 2007's 124519), and, from calcId 179016 on, when the file's calcFeatures
# lack a feature of the running Excel (MS-XLSX calcFeatures). A colleague without the add-in would then see #NAME?
# in every PE_* cell instead of the saved results. So the file says what Excel 2019 and Microsoft 365 write.
CALC_ID = 191029


CALC_FEATURES = ("RD", "Single", "FV", "CNMTM", "LET_WF", "LAMBDA_WF", "ARRAYTEXT_WF")


CALC_FEATURES_EXT = (
    '<extLst><ext uri="{B58B0392-4F1F-4190-BB64-5DF3571DCE5F}" '
    'xmlns:xcalcf="http://schemas.microsoft.com/office/spreadsheetml/2018/calcfeatures"><xcalcf:calcFeatures>'
    + "".join(f'<xcalcf:feature name="microsoft.com:{feature}"/>' for feature in CALC_FEATURES)
    + "</xcalcf:calcFeatures></ext></extLst>"
)


def _current_calculation(workbook_xml: bytes) -> bytes:
    """workbook.xml saying it was last calculated by a current Excel, so Excel shows the saved results on open."""
    text, count = re.subn(r"<calcPr [^>]*/>", f'<calcPr calcId="{CALC_ID}"/>', workbook_xml.decode("utf-8"))
    if count != 1 or "<extLst>" in text or not text.endswith("</workbook>"):
        raise WorkbookError("openpyxl 写出的 workbook.xml 与预期不同，无法设置计算属性")  # a new openpyxl: look again
    return (text.removesuffix("</workbook>") + CALC_FEATURES_EXT + "</workbook>").encode("utf-8")


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet XML part -> sheet title, from workbook.xml and its relationships."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="/?(?:xl/)?([^"]+)"', rels))
    targets |= {k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="(rId\d+)"', rels)}
    result = {}
    for name, rid in re.findall(r'<sheet[^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook):
        result["xl/" + targets[rid]] = unescape(name, {"&quot;": '"', "&apos;": "'"})
    return result


def _stamp_sheet(data: bytes, values: Mapping[str, object]) -> bytes:
    text = data.decode("utf-8")

    def stamp(match: re.Match[str]) -> str:
        ref, formula = match.group(1), match.group(3)
        attributes = re.sub(r'\s+t="[^"]*"', "", match.group(2))
        if ref not in values:
            return match.group(0)
        value = values[ref]
        if value is None or value == "":
            value = "\u00a0"  # LibreOffice takes an empty (or blank) cached string for "not calculated"
        if isinstance(value, str):
            return f'<c r="{ref}"{attributes} t="str"><f>{formula}</f><v>{escape(value)}</v></c>'
        return f'<c r="{ref}"{attributes}><f>{formula}</f><v>{value!r}</v></c>'

    # openpyxl writes an empty value as <v /> with the standard library's XML writer and <v></v> with lxml's
    formula_cell = r'<c r="([A-Z]+\d+)"((?:\s+[a-z]+="[^"]*")*)><f>(.*?)</f><v(?:\s*/>|></v>)</c>'
    return re.sub(formula_cell, stamp, text).encode("utf-8")


def _stamps(wb: openpyxl.Workbook) -> dict[str, dict[str, object]]:
    """What each formula cell shows in Excel, computed by the engine: sheet title -> A1 -> value."""
    book = Book(wb, None, "")
    read_records(book)
    stamps: dict[str, dict[str, object]] = {}
    for (sheet, ref), value in book.display.items():
        stamps.setdefault(sheet, {})[ref] = value
    return stamps
