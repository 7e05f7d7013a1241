"""perfeval's entry point: every failure one Chinese line and an exit code, never a traceback."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

import click

from perfeval_xl.cli.group import cli
from perfeval_xl.cli.usage import usage_message
from perfeval_xl.core.errors import PerfevalError, Terminated, os_reason
from perfeval_xl.utils.files import readable, shown_path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command. Whatever goes wrong becomes one Chinese line on stderr, never a traceback:
    exit 2 for unusable input (PerfevalError, a refused file), 3 for a fault of ours (set PERFEVAL_DEBUG=1 to see it).
    """
    for stream in (sys.stdout, sys.stderr):  # a GBK console must not turn 😀 in a unit name into a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    previous = _on_sigterm(_terminate)
    try:
        return _run(argv)
    finally:
        _on_sigterm(previous)


def _run(argv: Sequence[str] | None) -> int:
    try:
        status = cli.main(args=list(argv) if argv is not None else None, prog_name="perfeval", standalone_mode=False)
        return status if isinstance(status, int) else 0  # click returns an Exit's code instead of raising it
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except click.UsageError as error:
        if isinstance(error, getattr(click.exceptions, "NoArgsIsHelpError", ())):  # `perfeval` alone: its help
            click.echo(error.format_message())
            return 0
        click.echo(usage_message(error), err=True)
        return 2
    except click.ClickException as error:
        click.echo(f"perfeval：{error.format_message()}", err=True)
        return error.exit_code
    except click.Abort:  # Ctrl-C (click turns KeyboardInterrupt into Abort): the shell's code for SIGINT
        click.echo("已取消（Ctrl-C），没有写出不完整的文件。", err=True)
        return INTERRUPTED
    except Terminated:
        click.echo("已停止（收到终止信号），没有写出不完整的文件。", err=True)
        return TERMINATED
    except PerfevalError as error:
        click.echo(f"perfeval：{readable(str(error))}", err=True)
        return 2
    except OSError as error:
        click.echo(f"perfeval：无法访问“{shown_path(str(error.filename or ''))}”：{os_reason(error)}", err=True)
        return 2
    except Exception as error:
        if os.environ.get("PERFEVAL_DEBUG"):
            raise
        click.echo(
            f"perfeval：内部错误（{type(error).__name__}：{readable(str(error))[:300]}）；请把这一行报告给开发者，"
            "设置 PERFEVAL_DEBUG=1 可看到详细信息",
            err=True,
        )
        return 3


INTERRUPTED, TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM  # 130 and 143, as a shell reports them


def _terminate(_signum: int, _frame: object) -> None:
    raise Terminated


def _on_sigterm(handler: Any) -> Any:
    """Install a SIGTERM handler (only the main thread may), returning the one before."""
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, handler if handler is not None else signal.SIG_DFL)
    return previous
