"""perfeval addin install / remove and doctor: the add-in in Excel's startup folder and xlwings' config."""

from __future__ import annotations

from pathlib import Path

import click

from perfeval_xl.cli.group import cli


def _setup(startup_dir: str | None, config: str | None):
    from perfeval_xl.excel.addin import Setup, config_file, startup_folder

    return Setup(Path(startup_dir) if startup_dir else startup_folder(), Path(config) if config else config_file())


STARTUP_OPTION = click.option(
    "--startup-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Excel 启动文件夹（默认按系统约定：Windows 为 %APPDATA%\\Microsoft\\Excel\\XLSTART）。",
)


CONFIG_OPTION = click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="xlwings 用户配置文件（默认 ~/.myaddin/myaddin.conf）。",
)


@cli.group()
def addin() -> None:
    """安装或删除 Excel 的“绩效自评”功能区加载项（Windows、macOS）。"""


@addin.command("install")
@STARTUP_OPTION
@CONFIG_OPTION
def addin_install(startup_dir: str | None, config: str | None) -> None:
    """把 perfeval_xl.xlam 复制到 Excel 启动文件夹，并让它使用当前的 Python。"""
    from perfeval_xl.excel.addin import install

    for line in install(_setup(startup_dir, config)):
        click.echo(line)
    click.echo("请重新启动 Excel：功能区出现“绩效自评”选项卡，PE_* 函数即可使用。")


@addin.command("remove")
@STARTUP_OPTION
@CONFIG_OPTION
def addin_remove(startup_dir: str | None, config: str | None) -> None:
    """从 Excel 启动文件夹中删除 perfeval_xl.xlam。"""
    from perfeval_xl.excel.addin import remove

    for line in remove(_setup(startup_dir, config)):
        click.echo(line)


@cli.command()
@STARTUP_OPTION
@CONFIG_OPTION
def doctor(startup_dir: str | None, config: str | None) -> None:
    """检查在 Excel 中使用所需的一切：Python、xlwings 版本、加载项、配置。"""
    from perfeval_xl.excel.addin import MISSING
    from perfeval_xl.excel.addin import doctor as run_doctor

    lines = run_doctor(_setup(startup_dir, config))
    for mark, text in lines:
        click.echo(f"{mark} {text}")
    raise click.exceptions.Exit(1 if any(mark == MISSING for mark, _ in lines) else 0)
