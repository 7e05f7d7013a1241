"""The way in for users who are not developers: a wheel that installs anywhere, and the Windows download.

Excel is not on Linux: 安装.bat is checked as far as Linux can check it (its encoding, line ends, the commands it
runs and the wheel it finds), and the commands it runs are run here, in a fresh virtual environment.
"""

import fnmatch
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT

BAT = ROOT / "windows" / "安装.bat"


@pytest.fixture(scope="module")
def user_venv(built_wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment outside the checkout with the wheel installed by pip. Its dependencies come from
    this test environment's site-packages (a test has no network); pip check says they meet the wheel's needs."""
    venv = tmp_path_factory.mktemp("user") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (purelib / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(built_wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    return venv


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_wheel__installed_in_a_fresh_environment_is_the_package_used(user_venv, tmp_path):
    found = _run(user_venv, "python", "-c", "import perfeval_xl; print(perfeval_xl.__file__)", cwd=tmp_path)
    assert found.returncode == 0 and found.stdout.startswith(str(user_venv)), found.stdout + found.stderr
    check = _run(user_venv, "python", "-m", "pip", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr


def test_wheel__perfeval_demo_runs_from_any_folder(user_venv, tmp_path):
    result = _run(user_venv, "perfeval", "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    written = sorted(p.name for p in (tmp_path / "perfeval-demo").iterdir())
    assert sum(name.endswith(".xlsm") for name in written) == 2  # the self-assessment and the evaluation example
    assert sum(name.endswith(".docx") for name in written) == 4  # three 自评报告 and the 评价报告


def test_wheel__the_second_command_of_the_windows_installer_installs_the_addin(user_venv, tmp_path):
    """安装.bat runs `py -3 -m perfeval_xl.cli addin install`: the same module, here into given folders."""
    startup, config = tmp_path / "XLSTART", tmp_path / ".myaddin" / "myaddin.conf"
    result = _run(
        user_venv,
        "python",
        "-m",
        "perfeval_xl.cli",
        "addin",
        "install",
        "--startup-dir",
        str(startup),
        "--config",
        str(config),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (startup / "perfeval_xl.xlam").read_bytes() == (ROOT / "workbook" / "perfeval_xl.xlam").read_bytes()
    assert "UDF Modules" in config.read_text(encoding="utf-8")


def _bat_lines() -> list[str]:
    data = BAT.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF only: cmd.exe misreads LF
    return data.decode("gbk").split("\r\n")  # the OEM code page of Chinese Windows


def test_windows_installer__runs_pip_and_the_addin_install_and_stops_on_failure():
    lines = [line.strip() for line in _bat_lines()]
    commands = [line for line in lines if line.startswith("py -3 -m")]
    assert commands[0] == 'py -3 -m pip install --upgrade "%WHEEL%"'
    assert commands[1] == "py -3 -m perfeval_xl.cli addin install"
    for command in ('py -3 -m pip install --upgrade "%WHEEL%"', "py -3 -m perfeval_xl.cli addin install"):
        assert lines[lines.index(command) + 1] == "if errorlevel 1 goto :failed"
    body = [line for line in lines if line and not line.startswith("rem ")]
    failed = body.index(":failed")
    assert body[failed - 2 : failed] == ["pause", "exit /b 0"]  # success stops before the failure message
    assert body[-2:] == ["pause", "exit /b 1"]  # a failure waits for the user to read it, then says so


def test_windows_installer__echo_inside_a_block_has_no_bracket_that_ends_the_block():
    """An ASCII ")" inside an if (…) block ends the block early: the messages use full-width brackets."""
    depth = 0
    for line in _bat_lines():
        text = line.strip()
        if depth and text.startswith("echo"):
            assert ")" not in text and "(" not in text, text
        depth += text.endswith("(") - (text == ")")
    assert depth == 0


def test_windows_installer__finds_the_wheel_pip_builds(built_wheel):
    (pattern,) = set(re.findall(r'"%~dp0(perfeval_xl-\*\.whl)"', BAT.read_bytes().decode("gbk")))
    assert fnmatch.fnmatch(built_wheel.name, pattern)


def test_windows_kit__is_the_wheel_and_the_installer(tmp_path):
    result = subprocess.run([str(ROOT / "scripts" / "windows-kit"), str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(tmp_path / "perfeval-xl-windows.zip").namelist()
    assert "安装.bat" in names and any(fnmatch.fnmatch(name, "perfeval_xl-*.whl") for name in names)
    assert zipfile.ZipFile(tmp_path / "perfeval-xl-windows.zip").read("安装.bat") == BAT.read_bytes()
