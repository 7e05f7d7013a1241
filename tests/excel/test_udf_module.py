"""The add-in's generated modules: the PE_* wrappers ImportPythonUDFs would import, and their wizard registration."""

from __future__ import annotations

import re
import zipfile

from helpers import XLWINGS_ADDIN
from oletools.olevba import VBA_Parser

from perfeval_xl.engine.functions import FUNCTIONS
from perfeval_xl.excel.vba.project import add_module
from perfeval_xl.excel.vba.udf_module import WizardEntry, wizard_module_text, xlwings_import


def test_udf_module_text__one_wrapper_per_function_with_its_arguments():
    text = xlwings_import().module
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
    text = xlwings_import().module
    added = add_module(project, "xlwings_udfs", text)
    code = {name: body for _f, _s, name, body in VBA_Parser("p.bin", data=added).extract_macros()}["xlwings_udfs.bas"]
    assert code.count("Function PE_") == len(FUNCTIONS) and "PE_SCORE = Err.Description" in code


def _run_u(module: str) -> dict[str, list[str]]:
    """What each Register call in the wizard module passes, decoded as VBA's U() and ChrW decode it."""

    def u(codes: str) -> str:
        units = b"".join(int(code, 16).to_bytes(2, "little") for code in codes.split(" "))
        return units.decode("utf-16-le")

    calls, values = {}, {}
    for line in module.split("\r\n"):
        line = line.strip()
        if match := re.fullmatch(r'(\w+(?:\(\d+\))?) = (?:\1 & )?U\("([0-9A-F ]+)"\)', line):
            target, text = match.groups()
            values[target] = (values.get(target, "") if f"{target} & " in line else "") + u(text)
        elif match := re.fullmatch(r"helpTexts = Array\(((?:Empty, )*Empty)?\)|helpTexts = Empty", line):
            values = {key: value for key, value in values.items() if not key.startswith("helpTexts")}
        elif match := re.fullmatch(r'Register "(\w+)", description, U\("([0-9A-F ]+)"\), helpTexts', line):
            name, category = match.groups()
            helps = [values[key] for key in sorted(k for k in values if k.startswith("helpTexts("))]
            calls[name] = [values["description"], u(category), *helps]
    return calls


def test_wizard_module__registers_what_xlwings_import_would():
    generated = xlwings_import()
    assert [entry.name for entry in generated.wizard] == sorted(FUNCTIONS)
    for entry in generated.wizard:
        assert entry.category == "绩效自评" and entry.description and all(entry.arguments), entry
        assert len(entry.arguments) == len(FUNCTIONS[entry.name][1])
    module = wizard_module_text(generated.wizard)
    assert module.isascii() and max(map(len, module.split("\r\n"))) < 1023  # VBA's line limit
    calls = _run_u(module)
    assert calls == {e.name: [e.description, e.category, *e.arguments] for e in generated.wizard}


def test_wizard_module__long_texts_and_characters_beyond_the_bmp():
    entry = WizardEntry("PE_X", "说明" * 150 + "𠀀", "绩效自评", ("甲", "乙𠀀"))
    module = wizard_module_text((entry,))
    assert module.isascii() and max(map(len, module.split("\r\n"))) < 1023
    assert _run_u(module) == {"PE_X": [entry.description, entry.category, *entry.arguments]}
