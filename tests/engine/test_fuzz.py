"""No input crashes (issue 8): a deterministic corpus of hostile cells through D(), the target parser, the
qualitative reading and every PE_* function, in the engine, in excel_value() and in the Excel adapters."""

from __future__ import annotations

import datetime
import math
import os
import random
from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pytest

from perfeval_xl.core.errors import NumberError, RuleSetError
from perfeval_xl.core.numbers import TOO_LARGE, D, NotANumber
from perfeval_xl.engine.functions import FUNCTIONS, UNEXPECTED, excel_value
from perfeval_xl.engine.targets import (
    MET,
    NOT_MET,
    PARTLY,
    QUALITATIVE,
    QUANTITATIVE,
    UNREADABLE,
    parse_actual,
    parse_target,
    qualitative_outcome,
)
from perfeval_xl.udfs import PE_FUNCTIONS

FUZZ_STRINGS = 10_000  # the counted corpus: every test below runs each of these strings
SEED = 20_240_626
EXCEL_CELL_LIMIT = 32_767

PIECES = (
    *"0123456789",
    *"０１２３４５６７８９",
    *"%％‰万亿千,，.．+-－−()（）[]【】",
    *("以上", "以内", "以下", "及以上", "不低于", "不超过", "控制在", "达到", "提高到", "增长"),
    *("≤", "≥", "=", "<", ">", "≧", "=<"),
    *("约", "左右", "完成", "未完成", "部分", "大部分", "基本", "基本完成", "无", "未发生", "事故", "投诉", "已", "零"),
    *("按时", "足额", "人", "元", "元/人/月", "万人", "天", "年", "月", "日", "12月底前", "第2季度", "2023年"),
    *(" ", "　", "\t", "\n", "\r", "\x00", "\x07", "\x1f", "\x7f", "\x85", "\ud800", "\udfff", "\u200b", "\u202e"),
    *("\ufeff", "😀", "🀄", "①", "²", "_x0000_", "{{ x }}", "=cmd|' /C calc'!A0", "<b>", "&amp;", "：", "是", "否"),
    *("1e308", "-1e308", "5e-324", "4.9E-324", "-0", "NaN", "nan", "Infinity", "-inf", "1E999999", "0x1F"),
    *("#DIV/0!", "#NAME?", "#VALUE!", "#N/A", "#REF!", "#NUM!", "TRUE", "FALSE", "不适用", "不涉及", "——", "/", "…"),
    *("national", "grade-85", "province-platform", ".toml", "CON", "nul.toml", "\\\\host\\share\\x.toml", "/dev/"),
)

TYPED = (
    None,
    0.0,
    -0.0,
    1.5,
    float("inf"),
    float("-inf"),
    float("nan"),
    1e308,
    -1e308,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    1e15,
    0,
    1,
    -1,
    99999999999999,
    10**15,
    10**400,
    -(10**400),
    10**5000,  # more digits than Python will print
    True,
    False,
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("-Infinity"),
    Decimal("1E-999999"),
    Decimal("-0"),
    Decimal("0." + "1" * 200),
    datetime.datetime(2024, 6, 26, 9, 30),
    datetime.date(2024, 1, 1),
    datetime.time(12, 0),
    datetime.timedelta(days=1),
    [],
    [[]],
    [1, "2", None, 3.5, True],
    [[1.0, "x"], [None, float("nan")]],
    [10**5000],
    ["不适用", "95%以上", datetime.datetime(2024, 1, 1)],
    b"\xff\xfe",
    complex(1, 2),
    {"a": 1},
)


def fuzz_string(rng: random.Random) -> str:
    """A cell of form-like pieces, now and then one as long as Excel allows."""
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 10)))
    if rng.random() < 0.1:
        text += str(rng.choice((rng.randint(-(10**20), 10**20), rng.uniform(-1e6, 1e6), rng.random())))
    if rng.random() < 0.005:
        text = text * (EXCEL_CELL_LIMIT // len(text) + 1)
        text = text[: rng.choice((EXCEL_CELL_LIMIT, rng.randint(1000, EXCEL_CELL_LIMIT)))]
    return text


@cache
def corpus() -> tuple[str, ...]:
    rng = random.Random(SEED)
    return tuple(fuzz_string(rng) for _ in range(FUZZ_STRINGS))


def hostile_rule_sets(folder) -> list[object]:
    """Rule-set arguments a cell might hold, most of them no rule set at all."""
    (folder / "ok.toml").write_text('score_places = 3\nname = "mine"\n', encoding="utf-8")
    (folder / "broken.toml").write_text("score_places = 999999999999\n", encoding="utf-8")
    (folder / "deep.toml").write_text("a = " + "[" * 10_000 + "]" * 10_000, encoding="utf-8")
    (folder / "big.toml").write_bytes(b"#" * 1_000_001)
    (folder / "folder.toml").mkdir()
    (folder / "zero.toml").symlink_to("/dev/zero")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.toml")
    files = ["ok", "broken", "deep", "big", "folder", "zero", "fifo"]
    return [
        *(str(folder / f"{name}.toml") for name in files),
        *(None, "", " ", "national", "grade-85", "province-platform", "no-such-rules", "x.toml"),
        *("a\x00b.toml", "\ud800", "\ud800.toml", "/dev/zero", "/dev/stdin", "/proc/self/environ", "/sys/x.toml"),
        *("\\\\host\\share\\x.toml", "//host/share/x.toml", "http://example.com/x.toml", "file:///etc/x.toml"),
        *("CON", "con.toml", "LPT1", "C:\\x\\NUL .toml", "x" * 100_000, "x" * 999 + ".toml", "/etc/passwd"),
        *(1.0, 0, True, float("nan"), 10**400, datetime.datetime(2024, 1, 1), ["national"], [[None]]),
    ]


@pytest.fixture(scope="module")
def rule_sets(tmp_path_factory) -> list[object]:
    return hostile_rule_sets(tmp_path_factory.mktemp("rules"))


def argument(rng: random.Random, text: str) -> object:
    """One argument: the corpus string itself, another one, or a typed value as xlwings passes them."""
    pick = rng.random()
    if pick < 0.5:
        return text
    if pick < 0.75:
        return rng.choice(TYPED)
    if pick < 0.85:
        return [text, rng.choice(TYPED)]
    return rng.choice(corpus())


def arguments(rng: random.Random, text: str, names: tuple[str, ...], rule_sets: list[object]) -> list[object]:
    """Arguments for a PE_* function: optional ones sometimes left off, rule sets drawn from hostile ones."""
    values = [
        (rng.choice(rule_sets) if rng.random() < 0.7 else text) if name == "[rule_set]" else argument(rng, text)
        for name in names
    ]
    required = sum(not name.startswith("[") for name in names)
    return values[: rng.randint(required, len(values))]


def where(name: str, args: list[object]) -> str:
    """The failing call, for the assertion message only (it is built only when an assertion fails)."""
    return f"{name}({', '.join(_short(arg) for arg in args)})"


def _short(value: object) -> str:
    try:
        return repr(value)[:40]
    except ValueError:  # an int of more than 4300 digits
        return type(value).__name__


def check_cell(result: object, name: str, args: list[object]) -> None:
    """What a cell may show: a finite number, blank, "—", 不适用, a label, or a short "#…" message."""
    if isinstance(result, float):
        assert math.isfinite(result), where(name, args)
        return
    assert isinstance(result, str), (where(name, args), result)
    assert result != UNEXPECTED, where(name, args)  # the backstop is for bugs; none may reach it
    if result.startswith("#"):
        assert len(result) <= 20 and is_chinese(result), (where(name, args), result)


def check_engine(result: object, name: str, args: list[object]) -> None:
    if isinstance(result, Decimal):
        assert result.is_finite() and abs(result) < TOO_LARGE**2, (where(name, args), result)
    else:
        assert result is None or isinstance(result, str), (where(name, args), result)


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_D__fuzz_never_raises_and_explains_in_chinese():
    calls = 0
    for text in (*corpus(), *TYPED):
        result = D(text)
        calls += 1
        if isinstance(result, NotANumber):
            assert is_chinese(result.reason), repr(text)[:80]
        else:
            assert result is None or (isinstance(result, Decimal) and result.is_finite() and abs(result) < TOO_LARGE)
    assert calls == FUZZ_STRINGS + len(TYPED)


def test_parse_target__fuzz_reads_or_says_why():
    calls = 0
    for text in (*corpus(), *TYPED):
        for target in (parse_target(text), parse_target(text, "<="), parse_actual(text)):
            calls += 1
            assert target.kind in (QUANTITATIVE, QUALITATIVE, UNREADABLE)
            assert target.value is None or target.value.is_finite()
            assert target.kind != UNREADABLE or is_chinese(target.error or ""), repr(text)[:80]
            assert isinstance(target.describe(), str)
    assert calls == 3 * (FUZZ_STRINGS + len(TYPED))


def test_qualitative_outcome__fuzz_is_one_of_the_outcomes():
    texts = (*corpus(), *TYPED)
    calls = 0
    for index, text in enumerate(texts):
        for target in (texts[index - 1], text, "按时完成"):
            calls += 1
            assert qualitative_outcome(target, text) in (MET, PARTLY, NOT_MET, None)
    assert calls == 3 * len(texts)


def fuzz_functions(call: Callable[[str, list[object]], object], check, rule_sets: list[object]) -> int:
    """Every PE_* function on arguments made from every corpus string; the number of calls made."""
    rng = random.Random(SEED + 1)
    calls = 0
    for text in corpus():
        for name, (_function, names) in FUNCTIONS.items():
            args = arguments(rng, text, names, rule_sets)
            check(call(name, args), name, args)
            calls += 1
    return calls


def test_excel_value__fuzz_every_function_shows_a_cell_value(rule_sets):
    calls = fuzz_functions(excel_value, check_cell, rule_sets)
    assert calls == FUZZ_STRINGS * len(FUNCTIONS)


def test_functions__fuzz_engine_functions_raise_only_their_own_errors(rule_sets):
    def engine(name: str, args: list[object]) -> object:
        try:
            return FUNCTIONS[name][0](*args)
        except (NumberError, RuleSetError) as error:
            assert is_chinese(str(error)), (name, str(error))
            return None

    assert fuzz_functions(engine, check_engine, rule_sets) == FUZZ_STRINGS * len(FUNCTIONS)


def test_udfs__fuzz_adapters_return_cells_and_ranges(rule_sets):
    def adapter(name: str, args: list[object]) -> object:
        return PE_FUNCTIONS[name](*args)

    def check(result: object, name: str, args: list[object]) -> None:
        if isinstance(result, list):  # a rate over ranges: one cell per pair
            for row in result:
                for cell in row:
                    check_cell(cell, name, args)
        else:
            check_cell(result, name, args)

    assert set(PE_FUNCTIONS) == set(FUNCTIONS)
    assert fuzz_functions(adapter, check, rule_sets) == FUZZ_STRINGS * len(FUNCTIONS)


def test_evaluation_targets__fuzz_completion_is_a_finite_share_or_none():
    """A target row's 数据A and 数据B are whatever an evaluator types: the completion is never an exception, never
    negative, never infinite; through PE_EVALVALUE it is always something a cell can show."""
    from perfeval_xl.engine.evaluation.load import load_framework
    from perfeval_xl.engine.evaluation.scores import standard_score, target_completion

    indicator = next(i for i in load_framework("budget-30-40-30").indicators if i.from_target)
    texts = (*corpus(), *TYPED)
    calls = 0
    for index, text in enumerate(texts):
        for target in (texts[index - 1], "举办招聘活动100场以上", "成本控制在50万元以内"):
            completion = target_completion(target, text)
            assert completion is None or (completion.is_finite() and completion >= 0), (target, text)
            score = standard_score(indicator, completion)
            assert score is None or 0 <= score <= indicator.points
            shown = excel_value("PE_EVALVALUE", [target, text, "budget-30-40-30", indicator.key])
            assert shown in ("", "—") or isinstance(shown, float) or str(shown).startswith("#"), shown
            calls += 1
    assert calls == 3 * len(texts)


def test_finding_kinds__fuzz_counts_or_a_chinese_reason():
    from perfeval_xl.engine.evaluation.scores import kind_counts

    for text in (*corpus(), *TYPED):
        for kinds in (2, 3):
            try:
                counts = kind_counts(text, kinds)
            except NumberError as error:
                assert is_chinese(str(error))
                continue
            assert counts is None or (len(counts) == kinds and all(0 <= count < 10_000 for count in counts))


@pytest.mark.parametrize("seed", range(4))
def test_framework_files__fuzz_new_keys_load_or_are_refused_in_chinese(seed):
    """unit, kinds, a per_finding range, method = "target", not_applicable, choices and a figure's parts with values
    an author (or an attacker) might write."""
    from perfeval_xl.engine.evaluation.load import parse_framework

    rng = random.Random(SEED + seed)
    values = ['"万元"', '""', '"1"', '"人 "', "3", "[1, 2]", '"x" ', "{ a = 1 }", '"' + "元" * 50 + '"', "true"]
    bodies = []
    for _ in range(60):
        unit, kinds_text, deduct = rng.choice(values), rng.choice(values), rng.choice(values)
        bodies += [
            f'method = "ratio"\nvalue = {{ rate = "share", a = "甲", b = "乙", unit = {unit} }}',
            f'method = "findings"\nkinds = [ {{ text = {kinds_text}, deduct = {deduct} }}, '
            '{ text = "乙", deduct = 1 } ]',
            f'method = "findings"\nper_finding = [{deduct}, {rng.choice(values)}]',
            f'method = "target"\nvalue = {{ rate = "share", a = "甲", b = {unit} }}',
            f'method = "ratio"\nvalue = {{ rate = "share", a = "甲", b = "乙", a_parts = [{unit}, {deduct}] }}',
            f'method = "ratio"\nvalue = {{ rate = "share", a = "甲", b = "乙", b_parts = {rng.choice(values)} }}',
        ]
    for body in bodies:
        policy = rng.choice([*values, '"full"', '"prorate"', '"FULL"', '"prorate "'])
        picks = rng.choice(["", f"[[choices]]\nname = {rng.choice(values)}\npick = {rng.choice(values)}\n"])
        head = f'kind = "evaluation"\nname = "f"\nfull_marks = 3\nnot_applicable = {policy}\n{picks}'
        text = f'{head}[[indicators]]\npath = ["甲", "乙"]\npoints = 3\n{body}\n'
        if rng.random() < 0.3:  # alternatives, each side's choice written as an author (or an attacker) might
            member = f'method = "manual"\nchoice = {rng.choice(values)}'
            text += f'[[indicators]]\npath = ["甲", "丙"]\npoints = 3\n{member}\n'
        try:
            parse_framework(text, "f.toml")
        except RuleSetError as error:
            assert is_chinese(str(error)), str(error)
