"""Reading rule files as hostile input, for rule sets and evaluation frameworks alike.

A name or path from a cell or a command line is refused before anything is opened when it points at a web address, a
network share, a device or a system folder; a file is read only when it is regular and small, TOML only when it is
UTF-8 and shallow, and each setting only within its sane range (Settings), every refusal a RuleSetError in Chinese."""

from __future__ import annotations

import copy
import os
import re
import stat
import sys
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePath, PurePosixPath
from types import MappingProxyType
from typing import Any

from perfeval_xl.core.errors import RuleSetError, os_reason
from perfeval_xl.core.numbers import (
    D,
)
from perfeval_xl.engine.targets import (
    AT_LEAST,
    AT_MOST,
    EQUAL,
    MET,
    NOT_MET,
    PARTLY,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


OUTCOMES = (MET, PARTLY, NOT_MET)


# A rule file is a few kilobytes of settings; one near a megabyte, or nested deeper than a table of tables of
# arrays, is not a rule file, and reading it whole (or walking it recursively) is how a hostile one does harm.
MAX_RULE_FILE_BYTES = 1_000_000


MAX_RULE_NAME_LENGTH = 1000


MAX_NESTING = 8


MAX_LABEL_LENGTH = 200


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # control characters and lone surrogates


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:[/\\]{2}")  # a scheme has two letters at least: C:\\ is a drive


# \\server\share, //server/share, \\?\ and \\.\ device paths, and the NT form \??\UNC\server\share
_UNC = re.compile(r"^(?:[/\\]{2}|[/\\]\?\?[/\\])")


# Windows opens these devices whatever the folder or extension ("CON.toml", "c:\x\nul.toml", "COM1 .toml")
_DEVICE = re.compile(r"^(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³]|CONIN\$|CONOUT\$)$", re.IGNORECASE)


_SYSTEM_FOLDERS = ("dev", "proc", "sys")


def available_rules() -> list[str]:
    """The names of the rule sets shipped with the package."""
    return list(shipped_names())


@lru_cache(maxsize=1)
def shipped_rule_files() -> Mapping[str, Mapping[str, Any]]:
    """Every rule file in perfeval_xl/rules/ by name, parsed once (the package does not change): the
    self-assessment rule sets and the evaluation frameworks (kind = "evaluation", engine/evaluation/load.py's)."""
    folder = resources.files("perfeval_xl") / "rules"
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    return MappingProxyType(
        {p.name.removesuffix(".toml"): parse_toml(p.read_text(encoding="utf-8"), p.name) for p in files}
    )


def shipped_text(name: str) -> str:
    """A shipped rule file's text, as it is in the package."""
    return (resources.files("perfeval_xl") / "rules" / f"{name}.toml").read_text(encoding="utf-8")


def shipped_settings(name: str) -> dict[str, Any]:
    """A shipped file's settings, a copy the caller may change (merging rewrites tables)."""
    return copy.deepcopy(dict(shipped_rule_files()[name]))


def shipped_names() -> tuple[str, ...]:
    """The self-assessment rule sets: load_rules() asks for every PE_* cell that names its rule set."""
    return tuple(name for name, settings in shipped_rule_files().items() if "kind" not in settings)


def rule_text(name_or_path: object) -> str:
    """The name or path as text, refused when no rule set or local file can be called so."""
    if name_or_path is None:
        return ""
    if not isinstance(name_or_path, str | PurePath):
        raise RuleSetError("评分规则应写成内置规则的名称（如 national）或 .toml 文件的路径")
    text = str(name_or_path).strip()
    if len(text) > MAX_RULE_NAME_LENGTH:
        raise RuleSetError(f"评分规则的名称或路径太长（{len(text)} 个字符，最多 {MAX_RULE_NAME_LENGTH} 个）")
    if _UNPRINTABLE.search(text):
        raise RuleSetError(f"评分规则“{shown_text(text)}”含有控制字符或无法识别的字符")
    return text


def refuse_odd_place(text: str) -> None:
    """Refuse, before touching the file system, what is not a plain local .toml file."""
    if _URL.search(text):
        raise RuleSetError(f"评分规则“{shown_text(text)}”是一个网址；只能用内置规则的名称或本机上的 .toml 文件")
    if _UNC.match(text):
        raise RuleSetError(f"评分规则文件“{shown_text(text)}”在网络共享上；请把它复制到本机后再用")
    device = next(
        (part for part in re.split(r"[/\\]", text) if _DEVICE.match(re.split(r"[.:]", part)[0].rstrip())), None
    )
    if device is not None:
        raise RuleSetError(f"“{shown_text(device)}”是 Windows 的设备名，不能用作评分规则文件")
    system = _system_folder(text)
    if system:
        raise RuleSetError(f"评分规则文件“{shown_text(text)}”在系统文件夹 /{system} 中，不能用作评分规则")
    if not text.lower().endswith(".toml"):
        if "/" in text or "\\" in text:
            raise RuleSetError(f"评分规则文件“{shown_text(text)}”不是 .toml 文件")
        raise RuleSetError(
            f"没有名为“{shown_text(text)}”的评分规则；可用的有：{'、'.join(available_rules())}，或一个 .toml 文件的路径"
        )


def _system_folder(path: str) -> str | None:
    """The system folder an absolute path lies in ("dev", "proc" or "sys": devices, not files), else None."""
    parts = PurePosixPath(os.path.normpath(path)).parts if path.startswith("/") else ()
    return parts[1] if len(parts) > 1 and parts[1] in _SYSTEM_FOLDERS else None


def read_rule_file(path: Path) -> str:
    """The text of a regular file of at most MAX_RULE_FILE_BYTES; never blocks on a FIFO, never reads a device."""
    shown = shown_text(str(path))
    try:
        system = _system_folder(os.path.realpath(path))  # a link may lead there
        if system:
            raise RuleSetError(f"评分规则文件“{shown}”指向系统文件夹 /{system}，不能用作评分规则")
        data = _read_regular(path, shown)
    except FileNotFoundError:
        raise RuleSetError(f"找不到评分规则文件“{shown}”") from None
    except OSError as error:
        raise RuleSetError(f"无法读取评分规则文件“{shown}”：{os_reason(error)}") from None
    except RuleSetError:
        raise
    except (UnicodeError, ValueError):  # a name the file system's encoding cannot hold
        raise RuleSetError(f"评分规则文件“{shown}”的名称含有本机无法使用的字符") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RuleSetError(f"评分规则文件“{shown}”不是 UTF-8 编码的文本") from None


def _read_regular(path: Path, shown: str) -> bytes:
    status = os.stat(path)
    _refuse_irregular(status.st_mode, status.st_size, shown)  # before opening it: opening a FIFO waits for a writer
    # O_NONBLOCK all the same, for a file swapped for a FIFO between the stat and the open
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(handle)
        _refuse_irregular(status.st_mode, status.st_size, shown)
        chunks, size = [], 0
        while size <= MAX_RULE_FILE_BYTES:  # one byte over the limit at most, however much the file has grown
            chunk = os.read(handle, MAX_RULE_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(handle)
    _refuse_irregular(status.st_mode, size, shown)
    return b"".join(chunks)


def _refuse_irregular(mode: int, size: int, shown: str) -> None:
    if stat.S_ISDIR(mode):
        raise RuleSetError(f"评分规则“{shown}”是一个文件夹，不是 .toml 文件")
    if not stat.S_ISREG(mode):
        raise RuleSetError(f"评分规则“{shown}”不是普通文件（是设备、管道或套接字），不能读取")
    if size > MAX_RULE_FILE_BYTES:
        raise RuleSetError(f"评分规则文件“{shown}”太大（超过 1 MB），不像评分规则")


def shown_text(text: str, limit: int = 80) -> str:
    """A name or path as a message may show it: no control characters or lone surrogates, not too long."""
    text = _UNPRINTABLE.sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shipped_rule_settings(name: str) -> dict[str, Any]:
    if name not in shipped_names():
        raise RuleSetError(
            f"没有名为“{shown_text(name)}”的评分规则；可用的有：{'、'.join(available_rules())}，或一个 .toml 文件的路径"
        )
    return shipped_settings(name)


def parse_toml(text: str, origin: str) -> dict[str, Any]:
    try:
        settings = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise RuleSetError(f"评分规则文件“{origin}”不是有效的 TOML：{error}") from None
    except (RecursionError, MemoryError):  # the parser recurses once per level of [[[…]]] or {a={…}}
        raise RuleSetError(f"评分规则文件“{origin}”嵌套太深，不像评分规则") from None
    except ValueError:  # an integer of more than 4300 digits
        raise RuleSetError(f"评分规则文件“{origin}”中有无法读取的数字（位数太多）") from None
    if _nesting(settings) > MAX_NESTING:  # [a.b.c.…] parses without recursion; merging and printing it would not
        raise RuleSetError(f"评分规则文件“{origin}”嵌套太深（超过 {MAX_NESTING} 层），不像评分规则")
    return settings


def _nesting(value: object) -> int:
    """How deeply tables and arrays nest (0 for a flat table), walked without recursion; stops past MAX_NESTING."""
    deepest, stack = 0, [(value, 0)]
    while stack and deepest <= MAX_NESTING:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


_REQUIRED = object()


class Settings:
    """Reads a rule set's merged settings by dotted key ("weights.execution"), naming the key when one is wrong.

    Each reader takes the key, and the value when the caller already holds it (an item of [[grades]]…). Every
    number is checked against its sane range: score_places = 999999999999 would make each printed score a
    billion digits long, and inf or nan would make every comparison fail.
    """

    def __init__(self, settings: dict[str, Any], origin: str):
        self.settings, self.origin = settings, origin

    def fail(self, key: str, problem: str) -> RuleSetError:
        return RuleSetError(f"评分规则“{self.origin}”的 {shown_text(key)} {problem}")

    def get(self, key: str, default: object = _REQUIRED) -> Any:
        value: Any = self.settings
        for part in key.split("."):
            if not isinstance(value, dict):
                raise RuleSetError(f"评分规则“{self.origin}”的 {shown_text(key)} 所在的表写法不对")
            if part not in value:
                if default is _REQUIRED:
                    raise RuleSetError(f"评分规则“{self.origin}”缺少 {shown_text(key)}")
                return default
            value = value[part]
        return value

    def number(self, key: str, value: object = _REQUIRED, *, within: tuple[Decimal, Decimal]) -> Decimal:
        value = self.get(key) if value is _REQUIRED else value
        if isinstance(value, Decimal) and not value.is_finite():  # TOML's inf and nan
            raise self.fail(key, f"应为有限的数字，而不是 {value}")
        # a TOML number as it is, however large, so that the message gives the range; text as D() reads a cell
        number = Decimal(value) if isinstance(value, int | Decimal) and not isinstance(value, bool) else D(value)
        if not isinstance(number, Decimal):
            raise self.fail(key, f"应为数字，而不是 {shown_value(value)}")
        low, high = within
        if not low <= number <= high:
            raise self.fail(key, f"应在 {plain_number(low)} 到 {plain_number(high)} 之间，而不是 {shown_value(number)}")
        return number

    def count(self, key: str, high: int) -> int:
        number = self.number(key, within=(Decimal(0), Decimal(high)))
        if number != number.to_integral_value():
            raise self.fail(key, f"应为 0 到 {high} 之间的整数，而不是 {shown_value(number)}")
        return int(number)

    def optional(self, key: str, within: tuple[Decimal, Decimal]) -> Decimal | None:
        """A number, or None when it is not set or set to false (the rule does not apply)."""
        value = self.get(key, None)
        return None if value is None or value is False else self.number(key, value, within=within)

    def op(self, key: str, value: object = _REQUIRED) -> str:
        value = self.get(key) if value is _REQUIRED else value
        if not isinstance(value, str) or value not in (AT_LEAST, AT_MOST, EQUAL):
            raise self.fail(key, f'应为 ">="、"<=" 或 "="，而不是 {shown_value(value)}')
        return value

    def ops(self, key: str) -> tuple[str, ...]:
        return tuple(self.op(key, value) for value in self.array(key, item=str))

    def outcome(self, key: str, band: dict[str, Any]) -> str:
        value = band.get("outcome")
        if not isinstance(value, str) or value not in OUTCOMES:
            raise RuleSetError(
                f"评分规则“{self.origin}”的档次“{shown_text(str(band.get('name', '')))}”的 {key} 应为 "
                f'"met"（达成）、"partly"（部分达成）或 "not_met"（未达成），而不是 {shown_value(value)}'
            )
        return value

    def text(self, key: str, value: object, limit: int = MAX_LABEL_LENGTH) -> str:
        """A name or label: text people read in cells and messages, so no control characters and not a page long."""
        if not isinstance(value, str):
            raise self.fail(key, f"应为文字（用引号括起来），而不是 {shown_value(value)}")
        if _UNPRINTABLE.search(value):
            raise self.fail(key, f"“{shown_text(value, 30)}”含有控制字符")
        if len(value) > limit:
            raise self.fail(key, f"“{shown_text(value, 30)}”太长（超过 {limit} 个字）")
        return value

    def texts(self, key: str, value: object) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(key, "应写成一个列表（[...]）")
        return [self.text(key, item) for item in value]

    def table(self, key: str) -> dict[str, Any]:
        value = self.get(key, {})
        if not isinstance(value, dict):
            raise RuleSetError(f"评分规则“{self.origin}”的 {key} 应为一个表")
        return value

    def array(self, key: str, item: type = dict) -> list[Any]:
        value = self.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, item) for x in value):
            shape = f"若干个 [[{key}]]" if item is dict else "一个列表（[...]）"
            raise RuleSetError(f"评分规则“{self.origin}”的 {key} 应写成{shape}")
        return value


def shown_value(value: object) -> str:
    """A setting's value as a message shows it: short, and never failing (a 5000-digit int has no str())."""
    if isinstance(value, str):
        return f"“{shown_text(value, 30)}”"
    if isinstance(value, Decimal):
        return shown_text(plain_number(value), 30)
    try:
        return shown_text(repr(value), 30)
    except (ValueError, RecursionError):
        return type(value).__name__


def plain_number(value: Decimal) -> str:
    """A setting's number without trailing zeros or an exponent, unless it is absurdly large or small."""
    if not -20 < value.adjusted() < 20:
        return str(value)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
