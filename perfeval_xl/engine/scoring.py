"""Rule sets (TOML in perfeval_xl/rules/) and scores: 预算执行率, indicators, totals and grades.

national.toml is the one place every setting has its value: any other rule set, shipped or a user's file, is
read on top of it (of the rule set its `extends` names, or else of national) and lists only what differs.
Scores are unrounded Decimals; rules.score_places says how they are printed. A score a person typed is never
replaced: check_manual_score() says whether the rules allow it.
"""

from __future__ import annotations

import copy
import os
import re
import stat
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path, PurePath, PurePosixPath
from types import MappingProxyType
from typing import Any, NamedTuple

from perfeval_xl.core.codes import (
    ACTUAL_IS_RANGE,
    ACTUAL_MISSING,
    ACTUAL_NOT_NUMBER,
    ACTUAL_UNREADABLE,
    DEVIATION_PENALTY,
    SCORE_ABOVE_BAND,
    SCORE_ABOVE_RULE,
    SCORE_BELOW_BAND,
    SCORE_BELOW_RULE,
    SCORE_NEGATIVE,
    SCORE_OVER_WEIGHT,
    SCORE_UNREADABLE,
    TARGET_FAR_EXCEEDED,
    TARGET_NOT_POSITIVE,
    TARGET_UNREADABLE,
    UNIT_MISMATCH,
    WEIGHT_MISSING,
    WEIGHT_NEGATIVE,
    WEIGHT_UNREADABLE,
)
from perfeval_xl.core.errors import NumberError, RuleSetError, os_reason
from perfeval_xl.core.numbers import (
    D,
    NotANumber,
    format_percent,
    format_score,
    plausible,
    require_number,
    round_half_up,
)
from perfeval_xl.core.records import Assessment, Finding, Funding, Indicator
from perfeval_xl.core.rulesets import Grade, QualitativeBand, RuleSet, TotalCap, level1_name, level2_name
from perfeval_xl.engine.rates import completion_rate, execution_rate
from perfeval_xl.engine.targets import (
    AT_LEAST,
    AT_MOST,
    EQUAL,
    MET,
    NOT_MET,
    PARTLY,
    QUALITATIVE,
    UNREADABLE,
    Target,
    is_not_applicable,
    parse_actual,
    parse_target,
    qualitative_outcome,
    units_compatible,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_RULES = "national"
OUTCOMES = (MET, PARTLY, NOT_MET)


# ---------------------------------------------------------------- loading rule sets

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
    return list(_shipped_names())


@lru_cache(maxsize=1)
def shipped_rule_files() -> Mapping[str, Mapping[str, Any]]:
    """Every rule file in perfeval_xl/rules/ by name, parsed once (the package does not change): the
    self-assessment rule sets and the evaluation frameworks (kind = "evaluation", evaluation.py's)."""
    folder = resources.files("perfeval_xl") / "rules"
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".toml")), key=lambda p: p.name)
    return MappingProxyType(
        {p.name.removesuffix(".toml"): parse_toml(p.read_text(encoding="utf-8"), p.name) for p in files}
    )


def shipped_settings(name: str) -> dict[str, Any]:
    """A shipped file's settings, a copy the caller may change (merging rewrites tables)."""
    return copy.deepcopy(dict(shipped_rule_files()[name]))


def _shipped_names() -> tuple[str, ...]:
    """The self-assessment rule sets: load_rules() asks for every PE_* cell that names its rule set."""
    return tuple(name for name, settings in shipped_rule_files().items() if "kind" not in settings)


def load_rules(name_or_path: str | Path | RuleSet | None = None, *, folder: str | Path | None = None) -> RuleSet:
    """A shipped rule set by name ("national", "grade-85", "province-platform") or a user's local .toml file.

    A user's file lists only what differs from national, or from the shipped rule set its `extends` names. A
    relative path is read from `folder` (the workbook's) when given, else from the current directory. Anything
    else is refused with a RuleSetError saying why: web addresses, network shares, Windows device names, system
    folders, anything but a regular file of at most MAX_RULE_FILE_BYTES, and settings out of their sane range.
    """
    if isinstance(name_or_path, RuleSet):
        return name_or_path
    text = rule_text(name_or_path)
    if not text:
        return _load_shipped(DEFAULT_RULES)
    if text in _shipped_names():
        return _load_shipped(text)
    refuse_odd_place(text)
    path = Path(text) if folder is None or Path(text).is_absolute() else Path(folder) / text
    return _build_user(parse_toml(read_rule_file(path), shown_text(str(path))), text)


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


@lru_cache(maxsize=32)
def _load_shipped(name: str) -> RuleSet:
    return _build(_shipped_settings(name), name)


def _shipped_settings(name: str) -> dict[str, Any]:
    if name not in _shipped_names():
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


def _build_user(settings: dict[str, Any], origin: str) -> RuleSet:
    """_build() for a user's file: whatever else is wrong in it is a RuleSetError too, never a traceback."""
    try:
        return _build(settings, origin)
    except RuleSetError:
        raise
    except (TypeError, ValueError, AttributeError, ArithmeticError, RecursionError, MemoryError):
        raise RuleSetError(f"评分规则“{shown_text(origin)}”的内容有误，请对照 national.toml 检查各项的写法") from None


def _merged(settings: dict[str, Any], origin: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The settings on top of their parent's: the rule set `extends` names, or national; national is the root."""
    if origin == DEFAULT_RULES and not settings.get("extends"):
        return settings
    parent_name = settings.get("extends") or DEFAULT_RULES
    if not isinstance(parent_name, str):
        raise RuleSetError(f'评分规则“{shown_text(origin)}”的 extends 应为内置规则的名称，如 "national"')
    if parent_name in seen:
        raise RuleSetError(f"评分规则“{shown_text(origin)}”的 extends 形成了循环")
    parent = _merged(_shipped_settings(parent_name), parent_name, (*seen, parent_name))
    own = {k: v for k, v in settings.items() if k not in ("extends", "name", "title")}
    return _deep_merge(parent, own)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` on top of `base`; it recurses only where both have a table, so no deeper than a shipped file."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and value and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value  # arrays (grades, bands, caps) and empty tables replace the parent's whole
    return merged


# The sane range of a setting that is a fraction (of the 分值, of a rate), and of one that is a multiple of a target.
FRACTION = (Decimal(0), Decimal(1))
MULTIPLE = (Decimal(1), Decimal(100))


def _build(settings: dict[str, Any], origin: str) -> RuleSet:
    if "kind" in settings:  # read on top of national, a framework would lose its tree and keep 附件2's weights
        raise RuleSetError(
            f'评分规则“{shown_text(origin)}”是评价指标体系（kind = "evaluation"），不能用作自评表的评分规则；'
            "请用 perfeval new 文件 --rules 它 生成评价工作簿"
        )
    read = Settings(_merged(settings, origin), shown_text(origin))
    # a rule set's own name and title: a parent's would mislabel it
    name = read.text("name", settings.get("name", origin), MAX_RULE_NAME_LENGTH)
    full_marks = read.number("full_marks", within=(Decimal(1), Decimal(1000)))
    points = (Decimal(0), full_marks)
    rules = RuleSet(
        name=name,
        title=read.text("title", settings.get("title", name), MAX_RULE_NAME_LENGTH),
        full_marks=full_marks,
        score_places=read.count("score_places", high=6),
        execution_weight=read.number("weights.execution", within=points),
        block_weights={
            level1_name(read.text("weights.blocks", k))[0]: read.number(f"weights.blocks.{k}", v, within=points)
            for k, v in read.table("weights.blocks").items()
        },
        levels={
            level1_name(read.text("levels", k))[0]: tuple(level2_name(x) for x in read.texts(f"levels.{k}", v))
            for k, v in read.table("levels").items()
        },
        reason_below_exec_rate=read.number("execution.reason_below", within=FRACTION),
        bare_target_op=read.op("quantitative.bare_op"),
        bare_op_by_level2={
            level2_name(read.text("quantitative.bare_op_by_level2", k)): read.op(
                f"quantitative.bare_op_by_level2.{k}", v
            )
            for k, v in read.table("quantitative.bare_op_by_level2").items()
        },
        equal_tolerance=read.number("quantitative.equal_tolerance", within=FRACTION),
        approx_tolerance=read.number("quantitative.approx_tolerance", within=FRACTION),
        far_exceed=read.optional("quantitative.far_exceed", MULTIPLE),
        met_fraction=read.number("qualitative.met_fraction", within=FRACTION),
        bands=tuple(
            QualitativeBand(
                read.text("qualitative.bands.name", b.get("name", "")),
                read.number("qualitative.bands.low", b.get("low"), within=FRACTION),
                read.number("qualitative.bands.high", b.get("high"), within=FRACTION),
                read.outcome("qualitative.bands.outcome", b),
            )
            for b in read.array("qualitative.bands")
        ),
        deviation_over=read.optional("deviation.over", MULTIPLE),
        deviation_penalty=read.number("deviation.penalty", within=points),
        deviation_ops=read.ops("deviation.ops"),
        total_caps=tuple(
            TotalCap(
                read.number("total_caps.below", c.get("below"), within=FRACTION),
                read.number("total_caps.max", c.get("max"), within=points),
            )
            for c in read.array("total_caps")
        ),
        suggest_adjustment_over=read.number("suggestions.adjustment_over", within=(Decimal(0), Decimal(100))),
        suggest_qualitative_over=read.number("suggestions.qualitative_over", within=FRACTION),
        suggest_qualitative_min_count=read.count("suggestions.qualitative_min_count", high=1000),
        suggest_expected_blocks=tuple(
            level1_name(x)[0]
            for x in read.texts("suggestions.expected_blocks", read.get("suggestions.expected_blocks", []))
        ),
        grades=tuple(
            sorted(
                (
                    Grade(
                        read.number("grades.min", g.get("min"), within=(-full_marks, full_marks)),
                        read.text("grades.label", g.get("label", "")),
                    )
                    for g in read.array("grades")
                ),
                key=lambda g: g.minimum,
                reverse=True,
            )
        ),
    )
    _validate(rules, origin)
    return rules


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


def _validate(rules: RuleSet, origin: str) -> None:
    if not rules.grades:
        raise RuleSetError(f"评分规则“{origin}”没有等级（[[grades]]）")
    lowest = rules.grades[-1]
    if lowest.minimum > 0:
        raise RuleSetError(
            f"评分规则“{origin}”的最低等级“{lowest.label}”从 {format_score(lowest.minimum)} 分起，"
            f"低于 {format_score(lowest.minimum)} 分的总分将没有等级；请把最低等级的 min 设为 0"
        )
    if rules.block_weights:
        total = rules.execution_weight + sum(rules.block_weights.values())
        if total != rules.full_marks:
            raise RuleSetError(
                f"评分规则“{origin}”的分值合计为 {format_score(total)}（预算执行率 "
                f"{format_score(rules.execution_weight)} + 各一级指标），"
                f"与满分 {format_score(rules.full_marks)} 不符"
            )
    if not Decimal(0) <= rules.met_fraction <= Decimal(1):
        raise RuleSetError(f"评分规则“{origin}”的 qualitative.met_fraction 应在 0 到 1 之间")
    if rules.deviation_penalty < 0:
        raise RuleSetError(f"评分规则“{origin}”的 deviation.penalty 不能为负数")
    for band in rules.bands:
        if not Decimal(0) <= band.low <= band.high <= Decimal(1):
            raise RuleSetError(f"评分规则“{origin}”的档次“{band.name}”的 low/high 应在 0 到 1 之间且 low ≤ high")
    outcomes = [band.outcome for band in rules.bands]
    if len(set(outcomes)) != len(outcomes):
        raise RuleSetError(f"评分规则“{origin}”的档次中有两个 outcome 相同")


# ---------------------------------------------------------------- headings
# ---------------------------------------------------------------- scores


def execution_weight(funding: Funding, rules: RuleSet) -> Decimal:
    """分值 of the 预算执行率 row: as the table gives it, or else the rules' (the checks point out a blank 分值)."""
    return funding.weight if funding.weight is not None else rules.execution_weight


def execution_score(
    executed: object, budget: object, weight: object, rules: RuleSet | str | None = None
) -> Decimal | None:
    """预算执行率得分 = 分值 × 执行率, capped at the 分值 (over-spending is flagged by the checks, not rewarded)."""
    rate = execution_rate(executed, budget)
    points = require_number(weight)
    if rate is None or points is None or points < 0:
        return None
    return min(points, points * max(rate, Decimal(0)))


@dataclass(frozen=True)
class IndicatorResult:
    """How an indicator scores under a rule set.

    Attributes:
      score: the computed score, or None when a person must judge (or the figures do not allow one).
      basis: "quantitative", "qualitative" (met, by its text), "judgement", "not_applicable" or "incomplete".
      target: the target as read.
      actual: the actual value as read.
      completion: 完成率 (actual ÷ target) for quantitative indicators.
      outcome: for qualitative ones, what the actual text says: met, partly, not_met or None.
      notes: findings about the indicator, not yet pointing at a cell.
      met: for quantitative ones, whether the actual reaches the target in its direction (not whether the
        score is full: a province's 偏离 penalty lowers the score of a target far exceeded).
    """

    score: Decimal | None
    basis: str
    target: Target
    actual: Target
    completion: Decimal | None = None
    outcome: str | None = None
    notes: tuple[Finding, ...] = ()
    met: bool | None = None


def indicator_score(
    target: object, actual: object, weight: object, rules: RuleSet | str | None = None, level2: object = None
) -> Decimal | None:
    """The score the rules give; None when a qualitative indicator needs a person's judgement.

    `level2` (二级指标) matters only for a bare-number target, whose direction some rule sets set per block.
    """
    return assess_indicator(target, actual, weight, rules, level2).score


def assess_indicator(
    target: object, actual: object, weight: object, rules: RuleSet | str | None = None, level2: object = None
) -> IndicatorResult:
    """Score one indicator and say how, with the notes a reviewer would add."""
    rules = load_rules(rules)
    wanted, achieved = parse_target(target, rules.bare_op_for(level2)), parse_actual(actual)
    if is_not_applicable(target) or is_not_applicable(actual):
        return IndicatorResult(None, "not_applicable", wanted, achieved)
    points = D(weight)
    if isinstance(points, NotANumber):
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(WEIGHT_UNREADABLE(f"分值{points.reason}"),))
    if points is None:
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(WEIGHT_MISSING("分值未填写"),))
    if points < 0:
        note = WEIGHT_NEGATIVE(f"分值 {format_score(points)} 不能为负数")
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(note,))
    if wanted.kind == UNREADABLE:
        note = TARGET_UNREADABLE(f"年度指标值“{wanted.text.strip()}”无法自动评分：{wanted.error}；请人工评分")
        return IndicatorResult(None, "judgement", wanted, achieved, notes=(note,))
    if wanted.kind == QUALITATIVE:
        outcome = qualitative_outcome(target, actual)
        if outcome == MET:
            return IndicatorResult(points * rules.met_fraction, "qualitative", wanted, achieved, outcome=outcome)
        return IndicatorResult(None, "judgement", wanted, achieved, outcome=outcome)
    return _assess_quantitative(wanted, achieved, points, rules)


def _assess_quantitative(wanted: Target, achieved: Target, points: Decimal, rules: RuleSet) -> IndicatorResult:
    if not achieved.text.strip():
        note = ACTUAL_MISSING("实际完成值未填写")
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(note,))
    if achieved.kind == UNREADABLE:
        note = ACTUAL_UNREADABLE(f"实际完成值“{achieved.text.strip()}”无法自动评分：{achieved.error}；请人工评分")
        return IndicatorResult(None, "judgement", wanted, achieved, notes=(note,))
    if achieved.kind == QUALITATIVE:
        note = ACTUAL_NOT_NUMBER(
            f"年度指标值是数字（{wanted.describe()}），实际完成值“{achieved.text.strip()}”不是，"
            "请填写实际数字或人工评分"
        )
        return IndicatorResult(None, "judgement", wanted, achieved, notes=(note,))
    mismatch = units_compatible(wanted, achieved)
    if mismatch:
        return IndicatorResult(None, "incomplete", wanted, achieved, notes=(UNIT_MISMATCH(mismatch),))
    target_value, actual_value = wanted.value, achieved.value
    assert target_value is not None and actual_value is not None
    completion = completion_rate(actual_value, target_value)

    if achieved.op is not None:  # "5.4%以内" for "5.4%以内": a bound, not a value
        met = (wanted.op == achieved.op == AT_MOST and actual_value <= target_value) or (
            wanted.op == achieved.op == AT_LEAST and actual_value >= target_value
        )
        if met:
            return IndicatorResult(points, "quantitative", wanted, achieved, completion, met=True)
        note = ACTUAL_IS_RANGE(
            f"实际完成值“{achieved.text.strip()}”是一个范围，无法与目标（{wanted.describe()}）比较，"
            "请填写实际数字或人工评分"
        )
        return IndicatorResult(None, "judgement", wanted, achieved, completion, notes=(note,))

    op = wanted.op or AT_LEAST
    tolerance = rules.approx_tolerance if wanted.approximate else rules.equal_tolerance
    met = _reaches(op, target_value, actual_value, tolerance)
    if target_value <= 0 and not met:
        note = TARGET_NOT_POSITIVE(f"年度指标值为 {wanted.describe()}，为零或负数时无法按比例折算，请人工评分")
        return IndicatorResult(None, "judgement", wanted, achieved, completion, notes=(note,), met=False)
    if target_value <= 0:
        completion = None  # a ratio to zero or to a negative target says nothing
    score = points if met else _proportional(op, target_value, actual_value, points)
    notes: list[Finding] = []
    if (
        wanted.op == AT_LEAST
        and completion is not None
        and rules.far_exceed is not None
        and completion > rules.far_exceed
    ):
        notes.append(
            TARGET_FAR_EXCEEDED(
                f"实际完成值为目标的 {format_percent(completion)}，超过 {format_percent(rules.far_exceed, 0)}，"
                "年度指标值可能设置偏低"
            )
        )
    if (
        rules.deviation_over is not None
        and wanted.op in rules.deviation_ops
        and completion is not None
        and completion >= rules.deviation_over
    ):
        score = max(Decimal(0), score - rules.deviation_penalty)
        notes.append(
            DEVIATION_PENALTY(
                f"实际完成值为目标的 {format_percent(completion)}，"
                f"达到偏离标准（{format_percent(rules.deviation_over, 0)}），按规则扣 "
                f"{format_score(rules.deviation_penalty)} 分"
            )
        )
    return IndicatorResult(score, "quantitative", wanted, achieved, completion, notes=tuple(notes), met=met)


def _reaches(op: str, target: Decimal, actual: Decimal, tolerance: Decimal) -> bool:
    """Does the actual reach a target of this direction ("=" within a relative tolerance)?"""
    if op == AT_LEAST:
        return actual >= target
    if op == AT_MOST:
        return actual <= target
    return abs(actual - target) <= tolerance * abs(target)


def _proportional(op: str, target: Decimal, actual: Decimal, points: Decimal) -> Decimal:
    """The score of a missed (positive) target: actual ÷ target, target ÷ actual, or the smaller over the larger."""
    if op == AT_LEAST:
        return max(Decimal(0), points * actual / target)
    if op == AT_MOST:
        return max(Decimal(0), points * target / actual) if actual > 0 else Decimal(0)
    low, high = sorted((actual, target))
    return points * low / high if low >= 0 and high > 0 else Decimal(0)


def check_manual_score(
    score: object,
    target: object,
    actual: object,
    weight: object,
    rules: RuleSet | str | None = None,
    level2: object = None,
) -> list[Finding]:
    """Findings about a score a person typed: outside 0…分值, above what the rules give, outside its band."""
    rules = load_rules(rules)
    typed = D(score)
    if typed is None:
        return []
    if isinstance(typed, NotANumber):
        return [SCORE_UNREADABLE(f"得分{typed.reason}")]
    shown = format_score(typed, rules.score_places)
    if typed < 0:
        return [SCORE_NEGATIVE(f"得分 {shown} 不能为负数")]
    points = D(weight)
    if isinstance(points, Decimal) and round_half_up(typed, rules.score_places) > points:  # as it is printed
        return [SCORE_OVER_WEIGHT(f"得分 {shown} 超过分值 {format_score(points)}")]
    result = assess_indicator(target, actual, weight, rules, level2)
    tolerance = rules.score_tolerance
    if result.basis == "quantitative" and result.score is not None:
        expected = format_score(result.score, rules.score_places)
        if typed > result.score + tolerance:
            return [
                SCORE_ABOVE_RULE(
                    f"得分 {shown} 高于按规则计算的 {expected} 分（完成率 {format_percent(result.completion)}）"
                )
            ]
        if typed < result.score - tolerance:
            return [SCORE_BELOW_RULE(f"得分 {shown} 低于按规则计算的 {expected} 分，宜在偏差原因中说明扣分理由")]
        return []
    band = rules.band_for(result.outcome)
    if band is not None and isinstance(points, Decimal):
        low, high = points * band.low, points * band.high
        where = f"实际完成情况显示为“{band.name}”，得分应在 {format_score(low)}–{format_score(high)} 分之间"
        if typed > high + tolerance:
            return [SCORE_ABOVE_BAND(f"得分 {shown} 偏高：{where}")]
        if typed < low - tolerance:
            return [SCORE_BELOW_BAND(f"得分 {shown} 偏低：{where}")]
    return []


class ScoreLine(NamedTuple):
    """One scored row for a total: its 分值, its 得分, and whether it applies this year."""

    weight: Decimal | None
    score: Decimal | None
    applicable: bool = True


def total_score(
    lines: Iterable[ScoreLine | tuple], rules: RuleSet | str | None = None, execution_rate: object = None
) -> Decimal | None:
    """总分: the sum of the scores, rescaled when some rows do not apply, capped by the execution rate.

    None when an applicable row has no score yet (a qualitative indicator waiting for a person).
    """
    rules = load_rules(rules)
    all_weight = applicable_weight = total = Decimal(0)
    for line in (ScoreLine(*row) for row in lines):
        weight = require_number(line.weight) or Decimal(0)
        all_weight += weight
        if not line.applicable:
            continue
        score = require_number(line.score)
        if score is None:
            return None
        applicable_weight += weight
        total += score
    if applicable_weight.is_zero():
        return None
    if applicable_weight != all_weight:
        total = _rescaled(total, all_weight, applicable_weight)  # 不适用的指标不计分，其余按比例折算回满分
        if total is None:
            return None
    cap = execution_cap(execution_rate, rules)
    return min(total, cap) if cap is not None else total


def _rescaled(total: Decimal, all_weight: Decimal, applicable_weight: Decimal) -> Decimal | None:
    """total × all ÷ applicable; None when that is absurd (the applicable 分值 is 4.9E-324): never infinity."""
    try:
        return plausible(total * all_weight / applicable_weight)
    except ArithmeticError:  # beyond Decimal's exponents
        return None


def execution_cap(rate: object, rules: RuleSet | str | None = None) -> Decimal | None:
    """The highest total the rules allow at this execution rate, or None when there is no cap."""
    rules = load_rules(rules)
    value = require_number(rate)
    if value is None:
        return None
    caps = [cap.maximum for cap in rules.total_caps if value < cap.below]
    return min(caps) if caps else None


def grade(total: object, rules: RuleSet | str | None = None) -> str | None:
    """The grade of an (unrounded) total: national 优/良/中/差; None when there is no total.

    The lowest grade starts at 0 or below (the rules are checked for it), so every total from scores has one; a
    negative total, which scores cannot add up to, gets the lowest too.
    """
    rules = load_rules(rules)
    value = require_number(total)
    if value is None:
        return None
    return next((g.label for g in rules.grades if value >= g.minimum), rules.grades[-1].label)


# ---------------------------------------------------------------- a whole 附件2 / 附件3


@dataclass(frozen=True)
class IndicatorScore:
    """An indicator with its computed result and the score that stands (typed if typed, else computed)."""

    indicator: Indicator
    result: IndicatorResult
    score: Decimal | None
    manual: bool

    @property
    def applicable(self) -> bool:
        return self.result.basis != "not_applicable"


@dataclass(frozen=True)
class AssessmentScore:
    """The recomputed figures of one 附件2 or 附件3.

    Attributes:
      execution_rate: 全年执行数 ÷ 全年预算数.
      execution_score: 预算执行率得分 by the rules.
      execution_line_score: the 得分 that stands on the 预算执行率 row (typed, or else computed).
      indicators: every indicator with its result.
      total: 总分 (None until every applicable indicator has a score).
      cap: the cap the execution rate puts on the total, if any.
      grade: the grade of the total.
    """

    execution_rate: Decimal | None
    execution_score: Decimal | None
    execution_line_score: Decimal | None
    indicators: tuple[IndicatorScore, ...]
    total: Decimal | None
    cap: Decimal | None
    grade: str | None


def score_assessment(assessment: Assessment, rules: RuleSet | str | None = None) -> AssessmentScore:
    """Recompute every rate and score of a 附件2 or 附件3 the way the rules say."""
    rules = load_rules(rules)
    funding = assessment.funding
    weight = execution_weight(funding, rules)
    rate = execution_rate(funding.total.executed, funding.total.budget)
    computed = execution_score(funding.total.executed, funding.total.budget, weight, rules)
    line_score = funding.printed_score if funding.printed_score is not None else computed
    scored = []
    for indicator in assessment.indicators:
        result = assess_indicator(indicator.target, indicator.actual, indicator.weight, rules, indicator.level2)
        manual = indicator.score is not None
        scored.append(IndicatorScore(indicator, result, indicator.score if manual else result.score, manual))
    lines = [ScoreLine(weight, line_score)] + [
        ScoreLine(item.indicator.weight, item.score, item.applicable) for item in scored
    ]
    try:
        total = total_score(lines, rules, rate)
    except NumberError:
        total = None
    return AssessmentScore(
        rate, computed, line_score, tuple(scored), total, execution_cap(rate, rules), grade(total, rules)
    )
