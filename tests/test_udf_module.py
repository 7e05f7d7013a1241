"""The PE_* wrapper module, made by xlwings' own generator on Linux: the text ImportPythonUDFs would import."""

from __future__ import annotations

import re
import zipfile

from helpers import XLWINGS_ADDIN
from oletools.olevba import VBA_Parser

from perfeval_xl.functions import FUNCTIONS
from perfeval_xl.udf_module import udf_module_text
from perfeval_xl.vbaproject import add_module


def test_udf_module_text__one_wrapper_per_function_with_its_arguments():
    text = udf_module_text()
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    assert "\n" not in text.replace("\r\n", "") and text.isascii()
    signatures = dict(re.findall(r"^Function (PE_\w+)\(([^)]*)\)\r$", text, re.MULTILINE))
    assert set(signatures) == set(FUNCTIONS)
    for name, (_function, arguments) in FUNCTIONS.items():
        expected = ", ".join(f"Optional {a[1:-1]}" if a.startswith("[") else a for a in arguments)
        assert signatures[name] == expected, name
    # the add-in is the calling book: its wrappers pass ActiveWorkbook, and call this package's module
    assert text.count("ActiveWorkbook, Application.Caller)") == len(FUNCTIONS)
    assert text.count('XLPy.CallUDF("perfeval_xl.udfs", ') == 2 * len(FUNCTIONS)


def test_udf_module_text__goes_into_the_add_ins_project():
    project = zipfile.ZipFile(XLWINGS_ADDIN).read("xl/vbaProject.bin")
    text = udf_module_text()
    added = add_module(project, "xlwings_udfs", text)
    code = {name: body for _f, _s, name, body in VBA_Parser("p.bin", data=added).extract_macros()}["xlwings_udfs.bas"]
    assert code.count("Function PE_") == len(FUNCTIONS) and "PE_SCORE = Err.Description" in code
