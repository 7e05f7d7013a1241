"""The 绩效自评 ribbon add-in: building perfeval_xl.xlam from xlwings' own template, installing it, checking a setup.

The add-in is what `xlwings quickstart perfeval_xl --addin --ribbon` makes, with three parts rewritten at the
zip level (so its VBA project stays byte-for-byte xlwings'): the ribbon XML (Chinese labels), the config sheet
(activated, UDF Modules = perfeval_xl.udfs) and the sheet's name in workbook.xml. Its file name makes the
button run `import perfeval_xl; perfeval_xl.main()`. Installing needs no running Excel: the start-up folder and
xlwings' user config file are computed from the operating system's conventions.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from xml.sax.saxutils import escape

from perfeval_xl.core.errors import PerfevalError, os_reason
from perfeval_xl.excel.vba.project import add_module
from perfeval_xl.excel.vba.udf_module import (
    UDF_MODULE_NAME,
    WIZARD_CALLBACK,
    WIZARD_MODULE_NAME,
    XlwingsImport,
    wizard_module_text,
    xlwings_import,
)
from perfeval_xl.utils.files import FileWriteError, stage, write_atomic
from perfeval_xl.utils.shipped import shipped_file
from perfeval_xl.utils.zips import reproducible_zip

ADDIN_NAME = "perfeval_xl.xlam"
UDF_MODULES = "perfeval_xl.udfs"
# The template's VBA names its project "myaddin" (PROJECT_NAME); the config sheet and file follow that name.
PROJECT_NAME = "myaddin"
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
TAB_LABEL, GROUP_LABEL, BUTTON_LABEL = "绩效自评", "检查并生成自评报告", "生成报告"
BUTTON_TIP = "检查当前工作簿，把发现的问题写到“校验”工作表；没有错误时，在工作簿旁边生成 Word 自评报告并打开。"

CUSTOM_UI = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui" onLoad="{WIZARD_MODULE_NAME}.{WIZARD_CALLBACK}">
    <ribbon>
        <tabs>
            <tab id="myaddinTab" label="{TAB_LABEL}">
                <group id="myGroup" label="{GROUP_LABEL}">
                    <button id="myButton" label="{BUTTON_LABEL}" size="large" onAction="RibbonMyAddin.RunMain"
                            imageMso="FileSaveAsWordDocx" screentip="{BUTTON_LABEL}" supertip="{BUTTON_TIP}" />
                </group>
            </tab>
        </tabs>
    </ribbon>
</customUI>
"""


class AddinError(PerfevalError, RuntimeError):
    """The add-in cannot be built, found or installed."""


# ---------------------------------------------------------------- building


def quickstart_addin(folder: Path) -> Path:
    """Run xlwings' own `quickstart --addin --ribbon` and return the .xlam it made."""
    command = [sys.executable, "-m", "xlwings.cli", "quickstart", "perfeval_xl", "--addin", "--ribbon"]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
    made = folder / "perfeval_xl" / ADDIN_NAME
    if result.returncode != 0 or not made.exists():
        raise AddinError(f"xlwings quickstart 没有生成加载项：{result.stderr.strip() or result.stdout.strip()}")
    return made


def customize(template: bytes, generated: XlwingsImport) -> bytes:
    """xlwings' add-in with the Chinese ribbon, the filled config sheet, and in its VBA project the PE_* wrapper
    module and the module that registers them in the function wizard; every other part and stream unchanged."""

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/vbaProject.bin":
            with_wrappers = add_module(data, UDF_MODULE_NAME, generated.module)
            return add_module(with_wrappers, WIZARD_MODULE_NAME, wizard_module_text(generated.wizard))
        if name == "customUI/customUI.xml":
            return CUSTOM_UI.encode("utf-8")
        if name == "xl/workbook.xml":
            return data.replace(f'name="_{CONFIG_SHEET}"'.encode(), f'name="{CONFIG_SHEET}"'.encode())
        if name == "xl/worksheets/sheet1.xml":
            return _config_sheet(data)
        return data

    return reproducible_zip(template, change)


def _config_sheet(data: bytes) -> bytes:
    """Only UDF Modules on the sheet: any key the sheet lists, even blank, overrides the user's config file."""
    text = data.decode("utf-8")
    rows = (
        '<row r="1" spans="1:2"><c r="A1" s="1" t="inlineStr"><is><t>UDF Modules</t></is></c>'
        f'<c r="B1" s="1" t="inlineStr"><is><t>{escape(UDF_MODULES)}</t></is></c></row>'
    )
    text = re.sub(r"<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>", text, flags=re.S)
    text = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B1"', text)
    return text.replace('<col min="2" max="2" width="9.25"', '<col min="2" max="2" width="24"').encode("utf-8")


def build_addin() -> bytes:
    """The add-in's bytes, rebuilt from xlwings' template: the same xlwings version always gives the same bytes."""
    with tempfile.TemporaryDirectory() as folder:
        return customize(quickstart_addin(Path(folder)).read_bytes(), xlwings_import())


def shipped_addin() -> Path:
    """The add-in shipped with the package (in the wheel) or in the repository's workbook/ folder."""
    found = shipped_file("workbook", ADDIN_NAME)
    if found is None:
        raise AddinError(f"找不到 {ADDIN_NAME}；请重新安装 perfeval-xl")
    return found


# ---------------------------------------------------------------- where Excel looks


def startup_folder(platform: str = sys.platform, home: Path | None = None, environ: dict | None = None) -> Path:
    """Excel's per-user start-up folder (XLSTART), where an add-in is loaded from when Excel starts."""
    environ = dict(os.environ) if environ is None else environ
    home = home or Path.home()
    if platform.startswith("win"):
        appdata = environ.get("APPDATA") or str(home / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return home / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    raise AddinError("Excel 只在 Windows 和 macOS 上运行；在其他系统上请用 --startup-dir 指定加载项的位置")


def config_file(platform: str = sys.platform, home: Path | None = None, environ: dict | None = None) -> Path:
    """The user config file the add-in's VBA reads (GetConfigFilePath in xlwings' VBA, PROJECT_NAME myaddin)."""
    environ = dict(os.environ) if environ is None else environ
    home = home or Path.home()
    if platform.startswith("win"):
        return Path(environ.get("USERPROFILE") or str(home)) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    if platform == "darwin":
        return home / "Library/Containers/com.microsoft.Excel/Data" / f"{PROJECT_NAME}.conf"
    return home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"


def config_encoding(platform: str = sys.platform) -> str:
    """VBA's `Input #` reads the system's ANSI code page on Windows (GBK in China), so the file is written in it."""
    return "mbcs" if platform.startswith("win") and sys.platform.startswith("win") else "utf-8"


def read_config(path: Path, encoding: str) -> dict[str, str]:
    """xlwings' config file: one `"KEY","value"` line per setting."""
    if not path.exists():
        return {}
    settings = {}
    for line in path.read_text(encoding=encoding, errors="replace").splitlines():
        match = re.fullmatch(r'\s*"([^"]*)"\s*,\s*"([^"]*)"\s*', line)
        if match:
            settings[match.group(1)] = match.group(2)
    return settings


def write_config(path: Path, settings: dict[str, str], encoding: str) -> None:
    """xlwings' config file, written whole or not at all (it holds the user's other settings too)."""
    text = "".join(f'"{key}","{value}"\n' for key, value in settings.items())
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        raise AddinError(f"无法写入 {path}：其中的路径含有系统编码（{encoding}）写不出的字符") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(data, path, overwrite=True)


def interpreter_key(platform: str = sys.platform) -> str:
    return "Interpreter_Mac" if platform == "darwin" else "Interpreter_Win"


# ---------------------------------------------------------------- install, remove, doctor


@dataclass(frozen=True)
class Setup:
    """Where things go on this computer."""

    startup: Path
    config: Path
    platform: str = sys.platform
    python: str = sys.executable


def install(setup: Setup) -> list[str]:
    """Copy the add-in into Excel's start-up folder and point xlwings' user config at this Python.

    Both places are prepared before either is changed, so a refusal leaves nothing half-installed.
    """
    source = shipped_addin()
    target = setup.startup / ADDIN_NAME
    encoding = config_encoding(setup.platform)
    staged: Path | None = None
    try:
        setup.startup.mkdir(parents=True, exist_ok=True)
        settings = read_config(setup.config, encoding)
        settings[interpreter_key(setup.platform)] = setup.python
        settings["UDF Modules"] = UDF_MODULES
        staged = stage(source.read_bytes(), target)
        write_config(setup.config, settings, encoding)
        os.replace(staged, target)
    except OSError as error:  # a FileWriteError too: it names its file and keeps the system's errno
        where = error.filename or target
        if error.errno in (errno.EACCES, errno.EPERM):
            raise AddinError(f"无法写入 {where}：如果 Excel 正在运行，请先退出 Excel 再安装") from None
        reason = str(error) if isinstance(error, FileWriteError) else f"{where} {os_reason(error)}"
        raise AddinError(f"无法安装加载项：{reason}") from None
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)
    done = [
        f"已把加载项复制到 {target}",
        f"已在 {setup.config} 中设置 {interpreter_key(setup.platform)} = {setup.python}",
    ]
    if setup.platform == "darwin":
        done.append(_install_applescript())
    return done


def _install_applescript() -> str:
    """On macOS, xlwings' RunPython goes through an AppleScript that must sit in Excel's script folder."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise AddinError("没有安装 xlwings：请重新安装 perfeval-xl")
    name = f"xlwings-{metadata.version('xlwings')}.applescript"
    source = Path(spec.origin).parent / name
    folder = Path.home() / "Library/Application Scripts/com.microsoft.Excel"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, folder / name)
    return f"已复制 {name} 到 {folder}"


def remove(setup: Setup) -> list[str]:
    target = setup.startup / ADDIN_NAME
    if not target.exists():
        return [f"{target} 不存在，无需删除"]
    try:
        target.unlink()
    except PermissionError:
        raise AddinError(f"无法删除 {target}：请先退出 Excel") from None
    return [f"已删除 {target}（{setup.config} 中的设置保留）"]


def pinned_xlwings() -> str | None:
    """The xlwings version perfeval-xl requires (the add-in's VBA was made by the same version)."""
    try:
        requirements = metadata.requires("perfeval-xl") or []
    except metadata.PackageNotFoundError:
        return None
    for requirement in requirements:
        match = re.fullmatch(r"xlwings\s*==\s*([\w.]+)", requirement.split(";")[0].strip())
        if match:
            return match.group(1)
    return None


OK, MISSING, INFO = "✓", "✗", "·"


def _installed_addin_line(target: Path) -> tuple[str, str]:
    """Installed, and the same file as the one shipped: an add-in from an older version may lack the PE_* module."""
    if not target.exists():
        return MISSING, f"加载项 {target} 不存在——运行 perfeval addin install"
    try:
        shipped = shipped_addin().read_bytes()
        # sizes first: the path is the user's and need not be a regular file (never read a pipe or a huge file)
        same = target.is_file() and target.stat().st_size == len(shipped) and target.read_bytes() == shipped
    except OSError as error:
        return MISSING, f"加载项 {target} {os_reason(error)}"
    if not same:
        return MISSING, f"加载项 {target} 与本版本所带的不同（旧版本，或在 Excel 中改过）——运行 perfeval addin install"
    return OK, f"加载项 {target}"


def doctor(setup: Setup) -> list[tuple[str, str]]:
    """What is installed and what is missing: (✓/✗/·, sentence) lines."""
    lines: list[tuple[str, str]] = []
    python_ok = sys.version_info >= (3, 10)
    lines.append((OK if python_ok else MISSING, f"Python {sys.version.split()[0]}（{setup.python}）"))
    try:
        installed = metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        installed = None
    pinned = pinned_xlwings()
    same_version = installed is not None and installed == pinned
    lines.append(
        (
            OK if same_version else MISSING,
            f"xlwings：已安装 {installed or '无'}，加载项由 {pinned} 生成"
            + ("" if same_version else "——两者必须一致：pip install perfeval-xl 会装上正确的版本"),
        )
    )
    lines.append(_installed_addin_line(setup.startup / ADDIN_NAME))
    settings = read_config(setup.config, config_encoding(setup.platform))
    key = interpreter_key(setup.platform)
    interpreter = settings.get(key, "")
    usable = bool(interpreter) and Path(interpreter).exists()
    lines.append(
        (
            OK if usable else MISSING,
            f"{setup.config}：{key} = {interpreter or '（未设置）'}"
            + ("" if usable else "——运行 perfeval addin install"),
        )
    )
    lines.append((INFO, f"UDF Modules = {UDF_MODULES}，写在加载项的 {CONFIG_SHEET} 工作表中"))
    lines.append((INFO, f"PE_* 函数的 VBA 包装（{UDF_MODULE_NAME} 模块）已在加载项中，无需导入"))
    office = shutil.which("soffice") or shutil.which("libreoffice")
    lines.append((INFO, f"LibreOffice（把报告转成 PDF 时用，可选）：{office or '未安装'}"))
    return lines
