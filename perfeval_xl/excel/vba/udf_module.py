"""The add-in's two generated VBA modules: the PE_* wrappers (xlwings' own) and their function-wizard registration.

xlwings' ImportPythonUDFs (xlwings.udfs.import_udfs) writes the `xlwings_udfs` module and imports it through COM,
then calls Application.MacroOptions for every function (description, category, argument help). Its code is plain
Python, but its module imports pythoncom, pywintypes and win32com at the top, and off Windows `xw.func`/`xw.arg`
record nothing. So import_udfs runs in a child process with those modules stubbed, the decorators pointed at
xlwings' real ones, and a stand-in for the add-in workbook that records what it is given: the module text it
imports and the MacroOptions calls it makes — exactly what the import would do for this xlwings version.

Where that metadata lives in a file Excel saves is not documented for VBA functions, so it is not written into the
file: the `perfeval_wizard` module makes the same MacroOptions calls from the ribbon's onLoad callback, each time
Excel loads the add-in, and leaves the add-in marked as saved, so Excel never asks to save it. (onLoad rather than
an Auto_Open macro: auto-run macro names are what virus scanners look for first.) Its Chinese text is spelled as
code points because VBA source is kept in the project's ANSI code page (1252 here), which has no Chinese characters.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from perfeval_xl.core.errors import PerfevalError

UDF_MODULE_NAME = "xlwings_udfs"
WIZARD_MODULE_NAME = "perfeval_wizard"
WIZARD_CALLBACK = "RegisterFunctions"  # named by the ribbon XML's onLoad
UDF_SOURCE_MODULE = "perfeval_xl.udfs"
ADDIN_FILE = "perfeval_xl.xlam"

_CHILD = r"""
import json, sys, types
for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    stub = types.ModuleType(name)
    stub.Dispatch = lambda *args, **kwargs: None
    stub.com_error = Exception
    stub.CoInitialize = lambda: None  # a thread pool's initializer, made at import
    stub.IID_IDispatch = None
    sys.modules[name] = stub
sys.modules["win32com"].client = sys.modules["win32com.client"]
import xlwings
import xlwings.udfs as generator
xlwings.func, xlwings.arg, xlwings.ret = generator.xlfunc, generator.xlarg, generator.xlret
module_name, addin_name = sys.argv[1], sys.argv[2]
generator.get_udf_module(module_name, None)  # loaded without a workbook: no embedded-code lookup through COM
seen = {"module": None, "options": []}

class Components:
    def __call__(self, name):
        return name
    def Remove(self, component):
        pass
    def Import(self, path):
        with open(path, encoding="utf-8") as file:
            seen["module"] = file.read()

class Application:
    Version = "16.0"  # Excel 2016 and later: MacroOptions takes ArgumentDescriptions
    def MacroOptions(self, macro, **options):
        seen["options"].append({"macro": macro, **options})

class AddIn:  # the workbook the import writes into: the add-in, so the wrappers pass ActiveWorkbook
    Name = addin_name
    VBProject = types.SimpleNamespace(VBComponents=Components())
    Application = Application()

import contextlib
with contextlib.redirect_stdout(sys.stderr):  # it prints what it imported
    generator.import_udfs(module_name, AddIn())
sys.stdout.buffer.write(json.dumps(seen, ensure_ascii=True).encode("ascii"))
"""


@dataclass(frozen=True)
class WizardEntry:
    """One function's MacroOptions: what the function wizard shows for it."""

    name: str
    description: str
    category: str
    arguments: tuple[str, ...]


@dataclass(frozen=True)
class XlwingsImport:
    """What xlwings' ImportPythonUDFs gives the add-in: the module text (CRLF) and the wizard entries."""

    module: str
    wizard: tuple[WizardEntry, ...]


def xlwings_import() -> XlwingsImport:
    """Run xlwings' import in a child process and return what it would have put into the add-in."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, UDF_SOURCE_MODULE, ADDIN_FILE], capture_output=True, timeout=120, check=False
    )
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise PerfevalError(f"无法用 xlwings 生成 PE_* 函数的 VBA 模块：{reason[0]}")
    seen = json.loads(result.stdout.decode("ascii"))
    module = "\r\n".join(seen["module"].replace("\r\n", "\n").split("\n"))
    prefix = f"'{ADDIN_FILE}'!"
    wizard = tuple(
        WizardEntry(
            name=options["macro"].removeprefix(prefix),
            description=options["Description"],
            category=options["Category"],
            arguments=tuple(options.get("ArgumentDescriptions") or ()),
        )
        for options in seen["options"]
    )
    return XlwingsImport(module, wizard)


# VBA source lines may hold 1023 characters; 100 code points of "7EE9 " stay well inside that
_CODES_PER_LINE = 100


def wizard_module_text(entries: tuple[WizardEntry, ...]) -> str:
    """The `perfeval_wizard` module: the ribbon's onLoad registers each function as xlwings' import would."""
    lines = [
        f'Attribute VB_Name = "{WIZARD_MODULE_NAME}"',
        "' Made by perfeval build-addin from what xlwings' ImportPythonUDFs passes to Application.MacroOptions:",
        "' the function wizard's category, description and argument help for each PE_* function.",
        "Option Explicit",
        "",
        f"Sub {WIZARD_CALLBACK}(ribbon As IRibbonUI) ' the ribbon's onLoad: runs each time Excel loads the add-in",
        "    Dim wasSaved As Boolean, description As String, helpTexts As Variant",
        "    wasSaved = ThisWorkbook.Saved",
        "    On Error Resume Next ' the functions work without their help: never stop the add-in from loading",
    ]
    for entry in entries:
        lines += _spelled("description", entry.description)
        count = len(entry.arguments)
        lines.append(f"    helpTexts = Array({', '.join(['Empty'] * count)})" if count else "    helpTexts = Empty")
        for index, argument in enumerate(entry.arguments):
            lines += _spelled(f"helpTexts({index})", argument)
        lines.append(
            f'    Register "{_vba_ascii(entry.name)}", description, {_spelled_expression(entry.category)}, helpTexts'
        )
    lines += [
        "    ThisWorkbook.Saved = wasSaved ' registering changes nothing worth saving: no prompt when Excel closes",
        "End Sub",
        "",
        "Private Sub Register(functionName As String, description As String, categoryName As String, _",
        "        helpTexts As Variant)",
        "    If IsEmpty(helpTexts) Then",
        '        Application.MacroOptions Macro:="\'" & ThisWorkbook.Name & "\'!" & functionName, _',
        "            Description:=description, Category:=categoryName",
        "    Else",
        '        Application.MacroOptions Macro:="\'" & ThisWorkbook.Name & "\'!" & functionName, _',
        "            Description:=description, Category:=categoryName, ArgumentDescriptions:=helpTexts",
        "    End If",
        "End Sub",
        "",
        "Private Function U(codes As String) As String",
        "    Dim unit As Variant",
        '    For Each unit In Split(codes, " ")',
        '        U = U & ChrW(CLng("&H" & unit))',
        "    Next",
        "End Function",
    ]
    return "\r\n".join(lines) + "\r\n"


def _spelled(target: str, text: str) -> list[str]:
    """Assignments building `text` in `target`, a line per hundred code points."""
    codes = _codes(text)
    if not codes:
        return [f'    {target} = ""']
    chunks = [codes[start : start + _CODES_PER_LINE] for start in range(0, len(codes), _CODES_PER_LINE)]
    first, *rest = chunks
    return [f'    {target} = U("{" ".join(first)}")'] + [f'    {target} = {target} & U("{" ".join(c)}")' for c in rest]


def _spelled_expression(text: str) -> str:
    return f'U("{" ".join(_codes(text))}")' if text else '""'


def _codes(text: str) -> list[str]:
    """UTF-16 code units in hex, as ChrW takes them (a character beyond the BMP becomes its surrogate pair)."""
    units = text.encode("utf-16-le")
    return [f"{int.from_bytes(units[i : i + 2], 'little'):X}" for i in range(0, len(units), 2)]


def _vba_ascii(name: str) -> str:
    if not name.isascii() or not name.replace("_", "").isalnum():
        raise PerfevalError(f"函数名“{name}”不能写进 VBA 模块")
    return name
