"""Click's usage errors said in Chinese: which option or argument is wrong, and the nearest one meant."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import click

# click's messages are English and their wording changes between versions (8.1 "No such option: -x", 8.2 "No such
# option '-x'."), so the Chinese is built from the exception's fields where click gives them; these patterns
# translate the rest: the messages of click's parameter types, and usage errors that carry only text.
_TYPE_NAMES = {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字", "boolean": "是或否"}


_USAGE_IN_CHINESE: tuple[tuple[str, str | Callable[[re.Match[str]], str]], ...] = (
    (r"(?:File|Directory|Path) '(.+)' does not exist\.", r"“\1”不存在"),
    (r"(?:File|Directory|Path) '(.+)' is a directory\.", r"“\1”是文件夹，这里要的是文件"),
    (r"(?:File|Directory|Path) '(.+)' is a file\.", r"“\1”是文件，这里要的是文件夹"),
    (r"(?:File|Directory|Path) '(.+)' is not readable\.", r"没有读取“\1”的权限"),
    (r"(?:File|Directory|Path) '(.+)' is not writable\.", r"没有写入“\1”的权限"),
    (r"(?:File|Directory|Path) '(.+)' is not executable\.", r"“\1”不能执行"),
    (
        r"'(.*)' is not one of (.*?)\.?$",
        lambda m: f"“{m[1]}”不是可选的值（可选：{'、'.join(_quoted(m[2]))}）",
    ),
    (r"'(.*)' is not a valid ([\w ]+)\.", lambda m: f"“{m[1]}”不是有效的{_TYPE_NAMES.get(m[2], '值')}"),
    (r"(.+) is not in the range (.+?)\.?$", r"\1 不在允许的范围内（\2）"),
    (r"Option '(.+)' does not take a value\.", r"选项 \1 不需要值"),
    (r"Option '(.+)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"Option '(.+)' requires (\d+) arguments\.", r"选项 \1 需要 \2 个值"),
    (r"Argument '(.+)' takes (\d+) values\.", r"参数 \1 需要 \2 个值"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"No such command:? '?([^'\s]+?)'?\.?(?=\s|$)", r"没有命令 \1"),
    (r"No such option:? '?([^'\s]+?)'?\.?(?=\s|$)", r"没有选项 \1"),
    (r"Missing command\.", "缺少命令"),
    (r"\s*\(?Did you mean (?:one of: )?(.+?)\?\)?", lambda m: _did_you_mean(_quoted(m[1]))),
)


def _quoted(text: str) -> list[str]:
    """The items of click's lists, quoted or not: "'dept', 'project'" -> ["dept", "project"]."""
    return re.findall(r"'([^']*)'", text) or [item.strip() for item in text.split(",") if item.strip()]


def _did_you_mean(possibilities: Sequence[str] | None) -> str:
    if not possibilities:
        return ""
    return f"，是不是要用 {'、'.join(possibilities)}{' 之一' if len(possibilities) > 1 else ''}？"


def _translated(message: str) -> str:
    for pattern, chinese in _USAGE_IN_CHINESE:
        message = re.sub(pattern, chinese, message)
    return message


def _hint(error: click.BadParameter) -> str:
    """Which option or argument the error is about, as typed: "-o / --out", "--date", "FILE"."""
    if error.param_hint is not None:
        hints = [error.param_hint] if isinstance(error.param_hint, str) else list(error.param_hint)
    elif isinstance(error.param, click.Option):
        hints = list(error.param.opts)
    elif error.param is not None:
        hints = [error.param.human_readable_name]
    else:
        return ""
    return " / ".join(hint.strip("'\"") for hint in hints)


def _usage_in_chinese(error: click.UsageError) -> str:
    no_such_command = getattr(click.exceptions, "NoSuchCommand", ())  # click 8.4 and later
    if isinstance(error, click.NoSuchOption):
        return f"没有选项 {error.option_name}{_did_you_mean(error.possibilities)}"
    if isinstance(error, no_such_command):
        return f"没有命令 {error.command_name}{_did_you_mean(error.possibilities)}"
    if isinstance(error, click.MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "parameter")
        return f"缺少{'参数' if kind == 'argument' else '选项'} {_hint(error)}".rstrip()
    if isinstance(error, click.BadParameter):
        hint = _hint(error)
        return f"{hint + ' ' if hint else ''}的取值无效：{_translated(error.message)}"
    return _translated(error.format_message())


def usage_message(error: click.UsageError) -> str:
    command = error.ctx.command_path if error.ctx else "perfeval"
    return f"perfeval：{_usage_in_chinese(error)}（运行 {command} --help 查看用法）"
