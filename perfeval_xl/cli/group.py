"""The perfeval command group that every command module adds its commands to."""

from __future__ import annotations

import click

from perfeval_xl.core.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfeval", message="%(prog)s %(version)s")
def cli() -> None:
    """预算绩效自评：计算各项比率和得分，按财政审核口径检查自评表。"""
