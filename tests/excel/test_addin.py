"""The 绩效自评 add-in, checked statically (no Excel on Linux), and its installation into given folders."""

from __future__ import annotations

import errno
import importlib
import io
import os
import re
import sys
import warnings
import zipfile
from importlib import metadata
from pathlib import Path

import compoundfiles
import defusedxml.ElementTree as ET
import olefile
import pytest
from helpers import ROOT, run
from office import basic_modules
from oletools.olevba import VBA_Parser

from perfeval_xl.engine.functions import FUNCTIONS
from perfeval_xl.excel import addin
from perfeval_xl.excel.addin import (
    ADDIN_NAME,
    CONFIG_SHEET,
    UDF_MODULES,
    AddinError,
    Setup,
    build_addin,
    config_file,
    doctor,
    install,
    read_config,
    remove,
    startup_folder,
)
from perfeval_xl.excel.vba.udf_module import UDF_MODULE_NAME, WIZARD_MODULE_NAME, wizard_module_text, xlwings_import
from perfeval_xl.utils import files
from perfeval_xl.utils.zips import FIXED_TIME

SHIPPED = ROOT / "workbook" / ADDIN_NAME
TEMPLATE = Path(importlib.import_module("xlwings").__file__).parent / "quickstart_addin_ribbon.xlam"
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def vba() -> dict[str, str]:
    parser = VBA_Parser(str(SHIPPED))
    try:
        return {name.rsplit(".", 1)[0]: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()


def part(name: str, path: Path = SHIPPED) -> bytes:
    return zipfile.ZipFile(path).read(name)


def test_addin__ribbon_xml_parses_with_chinese_labels():
    ui = ET.fromstring(part("customUI/customUI.xml"))
    tab = ui.find(f".//{NS}tab")
    group = ui.find(f".//{NS}group")
    button = ui.find(f".//{NS}button")
    assert (tab.get("label"), button.get("label"), button.get("size")) == ("绩效自评", "生成报告", "large")
    assert "报告" in group.get("label") and "校验" in button.get("supertip")


def test_addin__every_on_action_has_a_sub_taking_a_ribbon_control(vba):
    ui = ET.fromstring(part("customUI/customUI.xml"))
    actions = [element.get("onAction") for element in ui.iter() if element.get("onAction")]
    assert actions
    for action in actions:
        module, sub = action.split(".")
        assert re.search(rf"Sub\s+{sub}\s*\(\s*\w+\s+As\s+IRibbonControl\s*\)", vba[module]), action


def test_addin__button_runs_main_of_the_module_named_like_the_file(vba):
    code = vba["RibbonMyAddin"]
    assert "RunPython" in code and "ThisWorkbook.Name" in code and ".main()" in code
    module = importlib.import_module(Path(ADDIN_NAME).stem)
    assert callable(module.main)


def test_addin__vba_xlwings_version_is_the_pinned_one(vba):
    (version,) = set(re.findall(r'XLWINGS_VERSION As String = "([\d.]+)"', vba["xlwings"]))
    pinned = re.search(r'"xlwings==([\d.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8")).group(1)
    assert version == pinned == metadata.version("xlwings")


def test_addin__config_sheet_is_active_and_names_the_udf_module(vba):
    assert f'Const PROJECT_NAME As String = "{CONFIG_SHEET.removesuffix(".conf")}"' in vba["xlwings"]
    assert f'name="{CONFIG_SHEET}"' in part("xl/workbook.xml").decode()
    sheet = part("xl/worksheets/sheet1.xml").decode()
    assert re.search(r"<t>UDF Modules</t>.*<t>" + re.escape(UDF_MODULES) + "</t>", sheet)
    assert "Interpreter_Win" not in sheet  # left to the user's config file, which the sheet would override


def test_addin__everything_else_is_xlwings_byte_for_byte():
    ours, theirs = zipfile.ZipFile(SHIPPED), zipfile.ZipFile(TEMPLATE)
    changed = {"customUI/customUI.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/vbaProject.bin"}
    assert ours.namelist() == theirs.namelist()
    for name in theirs.namelist():
        if name not in changed:
            assert ours.read(name) == theirs.read(name), name


def _streams(data: bytes) -> dict[tuple[str, ...], bytes]:
    """The compound file's streams, read by olefile failing on any defect it can detect (the strictest level)."""
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_POTENTIAL)
    return {tuple(path): ole.openstream(path).read() for path in ole.listdir()}


def test_addin__vba_project_is_xlwings_plus_two_modules():
    ours, theirs = _streams(part("xl/vbaProject.bin")), _streams(part("xl/vbaProject.bin", TEMPLATE))
    assert set(ours) - set(theirs) == {("VBA", UDF_MODULE_NAME), ("VBA", WIZARD_MODULE_NAME)}
    assert set(theirs) <= set(ours)
    changed = {path for path in theirs if ours[path] != theirs[path]}
    assert changed == {("VBA", "dir"), ("PROJECT",), ("PROJECTwm",)}  # the three that list the modules
    assert ours[("VBA", "_VBA_PROJECT")][2:4] == b"\xff\xff"  # Office compiles from source, no p-code cache


def test_addin__olevba_reads_xlwings_modules_and_the_generated_one(vba):
    parser = VBA_Parser(str(TEMPLATE))
    try:
        template = {name.rsplit(".", 1)[0]: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert set(vba) == set(template) | {UDF_MODULE_NAME, WIZARD_MODULE_NAME}
    assert {name: vba[name] for name in template} == template
    generated = xlwings_import()
    assert vba[UDF_MODULE_NAME].replace("\r\n", "\n") == generated.module.replace("\r\n", "\n")
    assert vba[WIZARD_MODULE_NAME].replace("\r\n", "\n") == wizard_module_text(generated.wizard).replace("\r\n", "\n")


def test_addin__the_ribbon_registers_the_functions_when_it_loads(vba):
    ui = ET.fromstring(part("customUI/customUI.xml"))
    module, callback = ui.get("onLoad").split(".")
    assert module == WIZARD_MODULE_NAME
    assert re.search(rf"^Sub {callback}\(ribbon As IRibbonUI\)", vba[module], re.M)
    assert not re.search(r"Auto_?Open|Workbook_Open", "".join(vba.values()), re.I)  # no auto-run macro names


def test_addin__a_second_independent_reader_reads_every_stream(tmp_path):
    """compoundfiles (its own MS-CFB reader, not olefile's) warns on any structural oddity: warnings are errors."""
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(part("xl/vbaProject.bin"))
    expected = _streams(path.read_bytes())
    found = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error", compoundfiles.errors.CompoundFileWarning)
        with compoundfiles.CompoundFileReader(str(path)) as document:

            def walk(storage, prefix=()):
                for entry in storage:
                    if entry.isdir:
                        walk(entry, (*prefix, entry.name))
                    else:
                        with document.open(entry) as stream:
                            found[(*prefix, entry.name)] = stream.read()

            walk(document.root)
    assert found == expected


def test_addin__libreoffice_imports_the_pe_functions(tmp_path):
    modules = basic_modules(SHIPPED, part("xl/vbaProject.bin"), tmp_path)
    assert set(modules) >= {"xlwings", "RibbonMyAddin", UDF_MODULE_NAME, WIZARD_MODULE_NAME}
    assert len(re.findall(rb"Function PE_\w+\(", modules[UDF_MODULE_NAME])) == len(FUNCTIONS)


def test_addin__rebuilding_gives_the_same_file():
    rebuilt = build_addin()
    assert zipfile.ZipFile(io.BytesIO(rebuilt)).read("xl/vbaProject.bin") == part("xl/vbaProject.bin")
    assert rebuilt == SHIPPED.read_bytes(), "run: .venv/bin/perfeval build-addin"


def test_startup_folder__computed_without_excel(tmp_path):
    assert startup_folder("win32", tmp_path, {"APPDATA": r"C:\Users\张三\AppData\Roaming"}).parts[-3:] == (
        "Microsoft",
        "Excel",
        "XLSTART",
    )
    assert startup_folder("darwin", tmp_path).name == "Excel"
    assert "Startup.localized" in str(startup_folder("darwin", tmp_path))
    with pytest.raises(AddinError, match="Windows 和 macOS"):
        startup_folder("linux", tmp_path)


def test_config_file__where_the_vba_reads_it(tmp_path):
    assert config_file("win32", tmp_path, {"USERPROFILE": str(tmp_path)}) == tmp_path / ".myaddin" / "myaddin.conf"
    assert config_file("darwin", tmp_path).parent.name == "Data"


def test_install__copies_the_addin_and_writes_the_config(tmp_path):
    config = tmp_path / "conf" / "myaddin.conf"
    config.parent.mkdir()
    config.write_text('"SHOW CONSOLE","False"\n', encoding="utf-8")
    setup = Setup(tmp_path / "XLSTART", config, platform="win32", python=r"C:\Python311\python.exe")
    lines = install(setup)
    assert (tmp_path / "XLSTART" / ADDIN_NAME).read_bytes() == SHIPPED.read_bytes()
    assert read_config(config, "utf-8") == {
        "SHOW CONSOLE": "False",
        "Interpreter_Win": r"C:\Python311\python.exe",
        "UDF Modules": UDF_MODULES,
    }
    assert any("XLSTART" in line for line in lines)
    assert remove(setup)[0].startswith("已删除") and not (tmp_path / "XLSTART" / ADDIN_NAME).exists()
    assert "不存在" in remove(setup)[0]


def test_addin__every_entry_has_the_fixed_date():
    assert {item.date_time for item in zipfile.ZipFile(SHIPPED).infolist()} == {FIXED_TIME.timetuple()[:6]}


def test_install__a_full_disk_while_writing_the_config_installs_nothing(tmp_path, monkeypatch):
    config = tmp_path / "conf" / "myaddin.conf"
    config.parent.mkdir()
    config.write_text('"SHOW CONSOLE","False"\n', encoding="utf-8")
    setup = Setup(tmp_path / "XLSTART", config, platform="win32", python=r"C:\Python311\python.exe")
    real_write = os.write

    def full(fd, data):  # the add-in's copy goes through; the config file finds the disk full
        if b"UDF Modules" in bytes(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(files.os, "write", full)
    with pytest.raises(AddinError) as raised:
        install(setup)
    monkeypatch.undo()
    assert str(raised.value) == f"无法安装加载项：无法写入“{config}”：磁盘空间不足"
    assert list((tmp_path / "XLSTART").iterdir()) == [] and [p.name for p in config.parent.iterdir()] == [config.name]
    assert config.read_text(encoding="utf-8") == '"SHOW CONSOLE","False"\n'


def test_install__refused_by_a_running_excel_says_so(tmp_path, monkeypatch):
    setup = Setup(tmp_path / "XLSTART", tmp_path / "c.conf", platform="win32", python=r"C:\Python311\python.exe")
    real_replace = os.replace

    def refused(source, destination):
        if Path(destination).name == ADDIN_NAME:
            raise PermissionError(errno.EACCES, "Access is denied", str(destination))
        return real_replace(source, destination)

    monkeypatch.setattr(addin.os, "replace", refused)
    with pytest.raises(AddinError, match=r"无法写入 .*perfeval_xl\.xlam：如果 Excel 正在运行，请先退出 Excel 再安装"):
        install(setup)
    assert list((tmp_path / "XLSTART").iterdir()) == []


def test_install__files_get_ordinary_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        install(Setup(tmp_path / "XLSTART", tmp_path / "c.conf", platform="win32", python=sys.executable))
    finally:
        os.umask(previous)
    assert (tmp_path / "XLSTART" / ADDIN_NAME).stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "c.conf").stat().st_mode & 0o777 == 0o644


def test_doctor__says_what_is_missing_then_what_is_installed(tmp_path):
    setup = Setup(tmp_path / "XLSTART", tmp_path / "myaddin.conf", platform="win32", python=sys.executable)
    before = dict((text.split("：")[0], mark) for mark, text in doctor(setup))
    assert "✗" in before.values()
    install(setup)
    after = doctor(setup)
    assert all(mark != "✗" for mark, _ in after), after
    assert not any("ImportPythonUDFs" in text or "Alt+F8" in text for _, text in after)  # nothing left to do by hand
    (setup.startup / ADDIN_NAME).write_bytes(part("xl/vbaProject.bin", TEMPLATE))  # an older add-in, say
    assert any(mark == "✗" and "addin install" in text for mark, text in doctor(setup))


def test_cli_addin__install_remove_doctor(tmp_path):
    folders = ["--startup-dir", str(tmp_path / "XLSTART"), "--config", str(tmp_path / "c.conf")]
    assert run("doctor", *folders).returncode == 1
    installed = run("addin", "install", *folders)
    assert installed.returncode == 0 and "重新启动 Excel" in installed.stdout
    assert run("doctor", *folders).returncode == 0
    assert run("addin", "remove", *folders).returncode == 0


def test_cli_addin__on_linux_without_a_folder_says_why(tmp_path):
    if sys.platform != "linux":
        pytest.skip("the default folders exist on Windows and macOS")
    result = run("addin", "install", "--config", str(tmp_path / "c.conf"))
    assert result.returncode == 2 and "Windows 和 macOS" in result.stderr and "Traceback" not in result.stderr
