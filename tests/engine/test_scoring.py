"""Rule sets and scores."""

import datetime
import os
import re
import threading
from decimal import Decimal

import pytest

from perfeval_xl.core.errors import RuleSetError
from perfeval_xl.core.records import ERROR, HINT, Assessment, Funding, FundLine, Indicator
from perfeval_xl.core.rulesets import level1_name, level2_name
from perfeval_xl.engine import rulesets
from perfeval_xl.engine.rulefiles import available_rules
from perfeval_xl.engine.rulesets import load_rules
from perfeval_xl.engine.scoring import (
    ScoreLine,
    assess_indicator,
    check_manual_score,
    execution_cap,
    execution_score,
    execution_weight,
    grade,
    indicator_score,
    score_assessment,
    total_score,
)

NATIONAL = load_rules("national")
PLATFORM = load_rules("province-platform")


def codes(findings):
    return [f.code for f in findings]


# ---------------------------------------------------------------- rule sets


def test_available_rules__three_shipped():
    assert {"national", "grade-85", "province-platform"} <= set(available_rules())


def test_load_rules__default_is_national():
    assert load_rules() is load_rules("national")
    assert NATIONAL.execution_weight == 10
    assert dict(NATIONAL.block_weights) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [g.label for g in NATIONAL.grades] == ["优", "良", "中", "差"]


def test_load_rules__grade85_extends_national():
    rules = load_rules("grade-85")
    assert [(g.minimum, g.label) for g in rules.grades] == [(85, "优秀"), (75, "良好"), (60, "一般"), (0, "较差")]
    assert rules.block_weights == NATIONAL.block_weights


def test_load_rules__user_file_with_extends(tmp_path):
    path = tmp_path / "sichuan.toml"
    path.write_text(
        'extends = "national"\nname = "sichuan"\ntitle = "四川 10+90"\n[weights]\nexecution = 10\nblocks = {}\n',
        encoding="utf-8",
    )
    rules = load_rules(str(path))
    assert rules.title == "四川 10+90"
    assert dict(rules.block_weights) == {}
    assert rules.grades == NATIONAL.grades


def test_load_rules__execution_weight_20_variant(tmp_path):
    path = tmp_path / "twenty.toml"
    path.write_text(
        'extends = "national"\n[weights]\nexecution = 20\n'
        '[weights.blocks]\n"产出指标" = 40\n"效益指标" = 30\n"满意度指标" = 10\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.execution_weight == 20
    assert execution_score(92.3, 100, rules.execution_weight, rules) == Decimal("18.46")


def test_load_rules__unknown_name_lists_the_shipped_ones():
    with pytest.raises(RuleSetError, match="national"):
        load_rules("hunan-2019")


def test_load_rules__missing_file():
    with pytest.raises(RuleSetError, match="找不到"):
        load_rules("no/such/file.toml")


def test_load_rules__broken_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("name = [", encoding="utf-8")
    with pytest.raises(RuleSetError, match="不是有效的 TOML"):
        load_rules(path)


def test_load_rules__weights_that_do_not_add_up(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('extends = "national"\n[weights.blocks]\n"产出指标" = 60\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match="合计为 110"):
        load_rules(path)


def test_load_rules__bad_value_names_the_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('extends = "national"\n[quantitative]\nfar_exceed = "很多"\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"quantitative\.far_exceed"):
        load_rules(path)


def test_load_rules__bad_direction(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('extends = "national"\n[quantitative]\nbare_op = "大于"\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match="bare_op"):
        load_rules(path)


def test_load_rules__relative_path_read_from_the_given_folder(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text('name = "mine"\nscore_places = 3\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)
    assert load_rules("mine.toml", folder=tmp_path).score_places == 3
    assert load_rules(tmp_path / "mine.toml", folder="/elsewhere").name == "mine"  # an absolute path stays
    with pytest.raises(RuleSetError, match="找不到"):
        load_rules("mine.toml")  # without a folder: the current directory, as for --rules
    monkeypatch.chdir(tmp_path)
    assert load_rules("mine.toml").name == "mine"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("\\\\host\\share\\x.toml", "网络共享"),
        ("//host/share/x.toml", "网络共享"),
        ("\\\\?\\C:\\x.toml", "网络共享"),
        ("http://example.com/x.toml", "网址"),
        ("file:///etc/x.toml", "网址"),
        ("smb://host/share/x.toml", "网址"),
        ("CON", "Windows 的设备名"),
        ("nul.toml", "Windows 的设备名"),
        ("COM1.toml", "Windows 的设备名"),
        ("LPT1", "Windows 的设备名"),
        ("C:\\rules\\aux .toml", "Windows 的设备名"),
        ("/dev/zero", "系统文件夹 /dev"),
        ("/dev/../dev/stdin", "系统文件夹 /dev"),
        ("/proc/self/environ", "系统文件夹 /proc"),
        ("/sys/kernel/x.toml", "系统文件夹 /sys"),
        ("a\x00b.toml", "控制字符"),
        ("rules\n.toml", "控制字符"),
        ("\ud800.toml", "控制字符"),
        ("x" * 100_000, "太长"),
        ("/etc/passwd", "不是 .toml 文件"),
        ("hunan-2019", "没有名为“hunan-2019”的评分规则"),
    ],
)
def test_load_rules__refuses_what_is_not_a_local_rule_file(text, message):
    with pytest.raises(RuleSetError, match=message) as refused:
        load_rules(text)
    shown = str(refused.value)
    assert len(shown) < 200 and not any(ch < " " or "\ud800" <= ch <= "\udfff" for ch in shown)


@pytest.mark.parametrize("value", [1.5, 0, True, ["national"], {"name": "x"}])
def test_load_rules__refuses_what_is_not_text(value):
    with pytest.raises(RuleSetError, match="名称"):
        load_rules(value)


def test_load_rules__refuses_folders_devices_and_large_files(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    (tmp_path / "null.toml").symlink_to("/dev/null")
    (tmp_path / "big.toml").write_bytes(b"#" * 1_000_001)
    with pytest.raises(RuleSetError, match="是一个文件夹"):
        load_rules(tmp_path / "folder.toml")
    for device in ("zero.toml", "null.toml"):
        with pytest.raises(RuleSetError, match="系统文件夹 /dev"):
            load_rules(tmp_path / device)
    with pytest.raises(RuleSetError, match="太大（超过 1 MB）"):
        load_rules(tmp_path / "big.toml")


def test_load_rules__a_fifo_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "fifo.toml")
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(tmp_path / "fifo.toml")), daemon=True)
    reader.start()
    reader.join(timeout=30)  # opening a FIFO for reading waits for a writer: the loader must never open it
    assert not reader.is_alive() and "不是普通文件" in outcome[0]


def _refusal(rule_set) -> str:
    try:
        load_rules(rule_set)
    except RuleSetError as error:
        return str(error)
    return ""


def test_load_rules__reads_at_most_one_byte_over_the_limit_of_a_growing_file(tmp_path, monkeypatch):
    path = tmp_path / "growing.toml"
    path.write_bytes(b"#" * 3_000_000)
    small = os.stat(tmp_path / "growing.toml")
    real_read, asked = os.read, []
    # the file was small when it was looked at, and has grown by the time it is read
    monkeypatch.setattr(os, "stat", lambda *args, **kwargs: small.__class__((*small[:6], 10, *small[7:])))
    monkeypatch.setattr(os, "fstat", lambda handle: small.__class__((*small[:6], 10, *small[7:])))
    monkeypatch.setattr(os, "read", lambda handle, size: asked.append(size) or real_read(handle, size))
    with pytest.raises(RuleSetError, match="太大"):
        load_rules(path)
    assert sum(asked) == 1_000_001


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 10_000 + "]" * 10_000,
        "a = " + "{b = " * 10_000 + "1" + "}" * 10_000,
        "[" + ".".join(["title"] * 10_000) + "]\nx = 1",
        "[weights." + ".".join(["blocks"] * 5_000) + "]\nx = 1",
    ],
)
def test_load_rules__deep_nesting_is_refused(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError, match="嵌套太深"):
        load_rules(path)


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("full_marks = 0", "full_marks"),
        ("full_marks = 1001", "full_marks"),
        ("score_places = 999999999999", "score_places"),
        ("score_places = 7", "score_places"),
        ("score_places = -1", "score_places"),
        ("score_places = 2.5", "score_places"),
        ("[weights]\nexecution = -10", "weights.execution"),
        ("[weights]\nexecution = 1000", "weights.execution"),
        ('[weights.blocks]\n"产出指标" = 5000', "weights.blocks.产出指标"),
        ("[execution]\nreason_below = 90", "execution.reason_below"),
        ("[quantitative]\nequal_tolerance = -0.1", "quantitative.equal_tolerance"),
        ("[quantitative]\napprox_tolerance = 1e30", "quantitative.approx_tolerance"),
        ("[quantitative]\nfar_exceed = 0.5", "quantitative.far_exceed"),
        ("[quantitative]\nfar_exceed = 1e9", "quantitative.far_exceed"),
        ("[qualitative]\nmet_fraction = 2", "qualitative.met_fraction"),
        ('[[qualitative.bands]]\nname = "达成"\noutcome = "met"\nlow = -1\nhigh = 1', "qualitative.bands.low"),
        ('[[qualitative.bands]]\nname = "达成"\noutcome = "met"\nlow = 0\nhigh = 5', "qualitative.bands.high"),
        ("[deviation]\nover = 0.3", "deviation.over"),
        ("[deviation]\npenalty = -2", "deviation.penalty"),
        ("[deviation]\npenalty = 1e12", "deviation.penalty"),
        ("[[total_caps]]\nbelow = 80\nmax = 89", "total_caps.below"),
        ("[[total_caps]]\nbelow = 0.8\nmax = 890", "total_caps.max"),
        ("[suggestions]\nadjustment_over = -1", "suggestions.adjustment_over"),
        ("[suggestions]\nqualitative_over = 50", "suggestions.qualitative_over"),
        ("[suggestions]\nqualitative_min_count = 1e9", "suggestions.qualitative_min_count"),
        ('[[grades]]\nmin = -1e20\nlabel = "差"', "grades.min"),
        ('[[grades]]\nmin = 1000\nlabel = "优"\n[[grades]]\nmin = 0\nlabel = "差"', "grades.min"),
    ],
)
def test_load_rules__numbers_out_of_their_range_name_the_key(tmp_path, setting, key):
    path = tmp_path / "bad.toml"
    path.write_text(setting + "\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match=rf"的 {re.escape(key)} 应"):
        load_rules(path)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "+nan"])
@pytest.mark.parametrize("key", ["full_marks", "score_places", "quantitative.far_exceed", "grades.min"])
def test_load_rules__infinity_and_nan_name_the_key(tmp_path, key, value):
    table, _, name = key.rpartition(".")
    text = f'[[grades]]\nmin = {value}\nlabel = "差"' if table == "grades" else f"{name} = {value}"
    path = tmp_path / "bad.toml"
    path.write_text(f"[{table}]\n{text}\n" if table and table != "grades" else text + "\n", encoding="utf-8")
    with pytest.raises(RuleSetError, match=rf"的 {re.escape(key)} 应为有限的数字"):
        load_rules(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("title = 'é'".encode("latin-1"), "不是 UTF-8"),
        (b"score_places = 2\n\xff\xfe", "不是 UTF-8"),
        (b'score_places = "x"', "score_places 应为数字"),
        (b"score_places = true", "score_places 应为数字"),
        (b"full_marks = 1979-05-27", "full_marks 应为数字"),
        (b"full_marks = " + b"9" * 5000, "位数太多"),
        (b"grades = 5", "grades 应写成若干个"),
        (b"weights = 5", "weights.execution 所在的表写法不对"),
        ('[levels]\n"产出指标" = 5'.encode(), "levels.产出指标 应写成一个列表"),
        ('[levels]\n"产出指标" = [1, 2]'.encode(), "levels.产出指标 应为文字"),
        (b"[quantitative]\nbare_op = 5", "bare_op 应为"),
        (b'[deviation]\nops = "x"', "deviation.ops 应写成"),
        (b"[suggestions]\nexpected_blocks = [1]", "expected_blocks 应为文字"),
        (b'extends = ["national"]', "extends 应为内置规则的名称"),
        (b'extends = "../../etc/passwd"', "没有名为"),
        (b"name = [1, 2]", "name 应为文字"),
        (b"[title]\nx = 1", "title 应为文字"),
        (b'[[grades]]\nmin = 0\nlabel = "\\u0000"', "grades.label “\\?”含有控制字符"),
        (b"[[grades]]\nmin = 0\nlabel = 5", "grades.label 应为文字"),
        (b'[[qualitative.bands]]\nname = "x"\noutcome = 1\nlow = 0\nhigh = 1', "outcome 应为"),
        (b"[[total_caps]]\nbelow = [0.8]\nmax = 89", "total_caps.below 应为数字"),
        (b"name = = 1", "不是有效的 TOML"),
    ],
)
def test_load_rules__broken_files_are_rule_set_errors(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(RuleSetError, match=message):
        load_rules(path)


def test_load_rules__whatever_else_goes_wrong_is_a_rule_set_error(tmp_path, monkeypatch):
    path = tmp_path / "odd.toml"
    path.write_text("score_places = 3\n", encoding="utf-8")

    def broken(*args):
        raise TypeError("a reader this module does not yet guard")

    monkeypatch.setattr(rulesets, "_validate", broken)
    with pytest.raises(RuleSetError, match="内容有误"):
        load_rules(path)


def test_level1_name__reads_printed_headings():
    assert level1_name("产出指标\n\n(50分)") == ("产出指标", Decimal(50))
    assert level1_name("效益指标\n\n（30分）\n　") == ("效益指标", Decimal(30))
    assert level1_name("满意度\n指标\n（10分）") == ("满意度指标", Decimal(10))
    assert level1_name("产出") == ("产出指标", None)


def test_level2_name__joins_broken_lines():
    assert level2_name("经济效\n益指标") == "经济效益指标"
    assert level2_name("数量") == "数量指标"


def test_level2_name__any_cell_value():
    assert level2_name(None) == "" and level1_name(None) == ("", None)
    assert level2_name([10**5000]) == "list指标"  # str() of such an int raises
    assert level2_name(datetime.datetime(2024, 1, 1)).startswith("2024-01-01")


# ---------------------------------------------------------------- 预算执行率


def test_execution_score__proportional():
    assert execution_score("92.30", "100", 10) == Decimal("9.2300")


def test_execution_score__full():
    assert execution_score("1,294.52", "1294.52", 10) == 10


def test_execution_score__over_execution_capped_at_weight():
    assert execution_score(120, 100, 10) == 10


def test_execution_score__zero_or_missing_budget_is_none():
    assert execution_score(50, 0, 10) is None
    assert execution_score(50, None, 10) is None
    assert execution_score(50, 100, None) is None


# ---------------------------------------------------------------- indicators


def test_indicator_score__positive_met_is_full():
    assert indicator_score("95%以上", "100%", 10) == 10
    assert indicator_score("1200", "2380", 10) == 10


def test_indicator_score__positive_missed_is_proportional():
    assert indicator_score("95%以上", "76%", 10) == Decimal(8)
    assert indicator_score("2400人", "1800人", 10) == Decimal("7.5")


def test_indicator_score__negative_met_and_missed():
    assert indicator_score("5.4%以内", "4.1%", 10) == 10
    assert indicator_score("≤5%", "8%", 10) == Decimal("6.25")
    assert indicator_score("≤5%", "0%", 10) == 10


def test_indicator_score__equal_with_tolerance():
    assert indicator_score("=100%", "100%", 10) == 10
    assert indicator_score("=100%", "80%", 10) == 8
    assert indicator_score("=100%", "125%", 10) == 8


def test_indicator_score__actual_given_as_the_same_bound_is_met():
    assert indicator_score("　5.4%以内", "　5.4%以内", 10) == 10
    assert indicator_score("达95%以上", "95%以上", 5) == 5


def test_indicator_score__actual_bound_that_cannot_be_compared_needs_judgement():
    result = assess_indicator("≤5%", "6%以内", 10)
    assert result.score is None and codes(result.notes) == ["actual-is-range"]


def test_indicator_score__qualitative_met_by_text_is_full():
    assert indicator_score("按时足额发放", "按时足额发放", 10) == 10
    assert indicator_score("按计划执行培训", "已进行培训", 15) == 15


def test_indicator_score__qualitative_needs_judgement():
    assert indicator_score("保证社保基金安全", "保证安全", 15) is None
    assert indicator_score("健全", "基本健全", 10) is None


def test_indicator_score__units_that_disagree_are_reported():
    result = assess_indicator("95%以上", "1740元", 10)
    assert result.score is None
    assert result.notes[0].code == "unit-mismatch" and result.notes[0].severity == ERROR


def test_indicator_score__wan_ren_converts():
    assert indicator_score("2.33万人", "25000人", 10) == 10
    assert indicator_score("2.5万人", "20000人", 10) == 8


def test_indicator_score__unreadable_target_is_a_hint_and_no_score():
    result = assess_indicator("90%-100%", "95%", 10)
    assert result.score is None and result.basis == "judgement"
    assert result.notes[0].code == "target-unreadable" and result.notes[0].severity == HINT


def test_indicator_score__missing_actual_and_weight():
    assert codes(assess_indicator("≥95%", "", 10).notes) == ["actual-missing"]
    assert codes(assess_indicator("≥95%", "96%", None).notes) == ["weight-missing"]
    assert codes(assess_indicator("≥95%", "96%", "十分").notes) == ["weight-unreadable"]


def test_indicator_score__text_actual_for_numeric_target_needs_judgement():
    result = assess_indicator("≥95%", "已完成", 10)
    assert result.score is None and codes(result.notes) == ["actual-not-number"]


def test_indicator_score__not_applicable():
    assert assess_indicator("不适用", "", 10).basis == "not_applicable"


def test_indicator_score__far_exceeded_is_a_hint():
    result = assess_indicator("1200", "2380", 10)
    assert result.score == 10 and codes(result.notes) == ["target-far-exceeded"]


def test_indicator_score__cost_block_reads_bare_number_as_ceiling():
    assert indicator_score("1740元/人/月", "1800元/人/月", 10, NATIONAL, level2="成本指标") == Decimal(10) * 1740 / 1800
    assert indicator_score("1740元/人/月", "1800元/人/月", 10, NATIONAL, level2="数量指标") == 10


def test_indicator_score__province_deviation_penalty():
    assert indicator_score("1200", "1560", 10, PLATFORM) == 8  # 130% of target
    assert indicator_score("1200", "1500", 10, PLATFORM) == 10  # 125%
    assert indicator_score("≥100", "200", 1, PLATFORM) == 0  # never below zero
    assert indicator_score("≤100", "50", 10, PLATFORM) == 10  # only "不低于" targets deviate upwards


def test_indicator_score__rules_by_name():
    assert indicator_score("1200", "1560", 10, "province-platform") == 8


# ---------------------------------------------------------------- manual scores


def test_check_manual_score__within_rules():
    assert check_manual_score(10, "95%以上", "100%", 10) == []
    assert check_manual_score("8", "95%以上", "76%", 10) == []


def test_check_manual_score__over_weight():
    assert codes(check_manual_score(12, "95%以上", "100%", 10)) == ["score-over-weight"]


def test_check_manual_score__negative():
    assert codes(check_manual_score(-1, "95%以上", "100%", 10)) == ["score-negative"]


def test_check_manual_score__above_rule_is_error():
    findings = check_manual_score(10, "95%以上", "76%", 10)
    assert codes(findings) == ["score-above-rule"] and findings[0].severity == ERROR
    assert "8" in findings[0].message


def test_check_manual_score__below_rule_is_hint():
    findings = check_manual_score(4, "达95%以上", "95%以上", 5)
    assert codes(findings) == ["score-below-rule"] and findings[0].severity == HINT


def test_check_manual_score__qualitative_inside_band():
    assert check_manual_score(13, "健全", "已健全", 15) == []
    assert check_manual_score(7, "健全", "基本健全", 10) == []


def test_check_manual_score__qualitative_outside_band():
    assert codes(check_manual_score(9, "健全", "基本健全", 10)) == ["score-above-band"]
    assert codes(check_manual_score(7, "按时足额发放", "未按时发放", 10)) == ["score-above-band"]
    assert codes(check_manual_score(5, "健全", "已健全", 10)) == ["score-below-band"]


def test_check_manual_score__judged_qualitative_any_score_in_range():
    assert check_manual_score(12, "保证社保基金安全", "保证安全", 15) == []


def test_check_manual_score__unreadable_and_blank():
    assert codes(check_manual_score("满分", "健全", "已健全", 10)) == ["score-unreadable"]
    assert check_manual_score(None, "健全", "已健全", 10) == []


# ---------------------------------------------------------------- totals and grades


def test_total_score__sum():
    assert total_score([ScoreLine(10, Decimal("9.23")), ScoreLine(90, 85)]) == Decimal("94.23")


def test_total_score__not_applicable_rescaled():
    lines = [(10, 10), (50, 40), (30, None, False), (10, 10)]
    assert total_score(lines) == Decimal(60) * 100 / 70


def test_total_score__absurd_rescaling_is_no_value():
    lines = [(Decimal("1E-999999"), 5), (10, None, False)]  # 1E+1000000 overflows Decimal itself
    assert total_score(lines) is None
    assert total_score([(5e-324, 5), (10, None, False)]) is None
    assert total_score([(Decimal("0.5"), Decimal("0.5")), (Decimal("0.5"), None, False)]) == 1


def test_total_score__waits_for_judgement():
    assert total_score([(10, 10), (90, None)]) is None


def test_total_score__capped_by_execution_rate():
    lines = [(10, Decimal("7.5")), (90, 88)]
    assert total_score(lines, PLATFORM, execution_rate=Decimal("0.75")) == 89
    assert total_score(lines, PLATFORM, execution_rate=Decimal("0.45")) == 59
    assert total_score(lines, NATIONAL, execution_rate=Decimal("0.45")) == Decimal("95.5")


def test_execution_cap__bands():
    assert execution_cap(Decimal("0.85"), PLATFORM) is None
    assert execution_cap(Decimal("0.79"), PLATFORM) == 89
    assert execution_cap(Decimal("0.65"), PLATFORM) == 79
    assert execution_cap(Decimal("0.55"), PLATFORM) == 69
    assert execution_cap(Decimal("0.49"), PLATFORM) == 59
    assert execution_cap(None, PLATFORM) is None


def test_grade__national():
    assert [grade(x) for x in (100, 90, Decimal("89.995"), 80, 60, Decimal("59.99"), 0)] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "差",
        "差",
    ]


def test_grade__four_levels_85():
    assert [grade(x, "grade-85") for x in (96, 85, 84.9, 75, 60, 59)] == [
        "优秀",
        "优秀",
        "良好",
        "良好",
        "一般",
        "较差",
    ]


def test_grade__uses_unrounded_total():
    assert grade(Decimal("89.996")) == "良"


def test_grade__none_without_total():
    assert grade(None) is None


# ---------------------------------------------------------------- a whole table


def _table(*indicators, executed="92.3", budget="100", printed_score=None) -> Assessment:
    return Assessment(
        kind="project",
        name="测试项目",
        funding=Funding(
            FundLine("年度资金总额", None, Decimal(budget), Decimal(executed)), Decimal(10), printed_score=printed_score
        ),
        indicators=indicators,
    )


def test_score_assessment__total_and_grade():
    table = _table(
        Indicator("产出指标", "数量指标", "培训人数", "≥100人", "90人", Decimal(50)),
        Indicator("效益指标", "社会效益指标", "制度", "健全", "已健全", Decimal(30)),
        Indicator("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "95%", Decimal(10)),
    )
    scores = score_assessment(table)
    assert scores.execution_score == Decimal("9.23")
    assert [item.score for item in scores.indicators] == [45, 30, 10]
    assert scores.total == Decimal("94.23") and scores.grade == "优"


def test_score_assessment__manual_score_stands():
    table = _table(Indicator("产出指标", "数量指标", "x", "≥100人", "90人", Decimal(90), Decimal(80)))
    scores = score_assessment(table)
    assert scores.indicators[0].manual and scores.indicators[0].score == 80
    assert scores.total == Decimal("89.23")


def test_score_assessment__waits_for_judgement():
    table = _table(Indicator("产出指标", "质量指标", "x", "保证安全", "安全", Decimal(90)))
    assert score_assessment(table).total is None


def test_indicator_score__deviation_penalty_does_not_make_a_target_missed():
    result = assess_indicator("1200", "2380", 10, PLATFORM)
    assert result.score == 8 and result.met is True


def test_indicator_score__approximate_targets_have_a_tolerance():
    assert indicator_score("95%左右", "94%", 10) == 10
    assert indicator_score("约95%", "88%", 10) < 10
    assert indicator_score("=95%", "94%", 10) < 10


def test_indicator_score__negative_weight_is_an_error():
    assert [n.code for n in assess_indicator("95%以上", "100%", "-5").notes] == ["weight-negative"]
    assert execution_score(50, 100, -10) is None


def test_indicator_score__zero_or_negative_target():
    met = assess_indicator("≥-5%", "-3%", 10)
    assert met.score == 10 and met.notes == ()
    missed = assess_indicator("≥-5%", "-10%", 10)
    assert missed.score is None and [n.code for n in missed.notes] == ["target-not-positive"]


def test_check_manual_score__judged_as_printed_half_up():
    assert [f.code for f in check_manual_score("10.005", "95%以上", "100%", 10)] == ["score-over-weight"]
    assert check_manual_score("10.004", "95%以上", "100%", 10) == []


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ("[qualitative]\nmet_fraction = 1.5\n", "met_fraction"),
        ("[deviation]\npenalty = -2\n", "penalty"),
        ('[deviation]\nops = ["bogus"]\n', "ops"),
    ],
)
def test_load_rules__values_out_of_range(tmp_path, settings, key):
    path = tmp_path / "bad.toml"
    path.write_text('extends = "national"\n' + settings, encoding="utf-8")
    with pytest.raises(RuleSetError, match=key):
        load_rules(path)


def test_assess_indicator__not_met_wording_is_not_full_marks():
    result = assess_indicator("及时处理群众投诉", "未及时处理群众投诉", 10)
    assert (result.score, result.basis, result.outcome) == (None, "judgement", "not_met")
    assert codes(check_manual_score(10, "及时处理群众投诉", "未及时处理群众投诉", 10)) == ["score-above-band"]
    assert assess_indicator("无群众投诉", "未发生群众投诉", 10).score == 10


def test_indicator_score__number_from_a_formula_cell_keeps_excel_precision():
    assert indicator_score("=0.3", 0.1 + 0.2, 10) == 10
    assert assess_indicator("≥0.0000001", 1.5e-07, 10).score == 10


def test_load_rules__lowest_grade_must_start_at_zero(tmp_path):
    path = tmp_path / "two-grades.toml"
    path.write_text('[[grades]]\nmin = 90\nlabel = "好"\n\n[[grades]]\nmin = 60\nlabel = "合格"\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"two-grades\.toml.*最低等级“合格”从 60 分起.*min 设为 0"):
        load_rules(path)


def test_load_rules__file_without_extends_is_read_on_top_of_national(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        'title = "我的规则"\n[weights]\nexecution = 20\n[weights.blocks]\n"产出指标" = 40\n', encoding="utf-8"
    )
    rules = load_rules(path)
    assert (rules.name, rules.title) == (str(path), "我的规则")
    assert rules.execution_weight == 20
    assert dict(rules.block_weights) == {"产出指标": 40, "效益指标": 30, "满意度指标": 10}
    assert (rules.grades, rules.bands, rules.far_exceed) == (NATIONAL.grades, NATIONAL.bands, NATIONAL.far_exceed)
    assert rules.suggest_expected_blocks == ("效益指标", "满意度指标") and rules.deviation_ops == (">=",)


def test_load_rules__name_and_title_are_not_inherited(tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text('extends = "grade-85"\n[execution]\nreason_below = 0.8\n', encoding="utf-8")
    rules = load_rules(path)
    assert rules.name == rules.title == str(path)
    assert rules.grades == load_rules("grade-85").grades and rules.reason_below_exec_rate == Decimal("0.8")


def test_load_rules__far_exceed_false_turns_the_hint_off(tmp_path):
    path = tmp_path / "quiet.toml"
    path.write_text("[quantitative]\nfar_exceed = false\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.far_exceed is None
    assert assess_indicator("≥100人", "300人", 10, rules).notes == ()


def test_load_rules__band_needs_an_outcome(tmp_path):
    path = tmp_path / "bands.toml"
    path.write_text('[[qualitative.bands]]\nname = "达成"\nlow = 0.8\nhigh = 1.0\n', encoding="utf-8")
    with pytest.raises(RuleSetError, match=r"bands\.toml.*达成.*outcome"):
        load_rules(path)


def test_check_manual_score__band_found_by_outcome_not_by_name(tmp_path):
    path = tmp_path / "renamed.toml"
    path.write_text(
        '[[qualitative.bands]]\nname = "完成"\noutcome = "met"\nlow = 0.9\nhigh = 1.0\n'
        '[[qualitative.bands]]\nname = "未完成"\noutcome = "not_met"\nlow = 0\nhigh = 0.5\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert rules.band_for("met").name == "完成" and rules.band_for("partly") is None
    below = check_manual_score(8, "健全", "已健全", 10, rules)
    assert codes(below) == ["score-below-band"] and "“完成”" in below[0].message
    assert codes(check_manual_score(6, "按时足额发放", "未按时发放", 10, rules)) == ["score-above-band"]
    assert check_manual_score(9, "健全", "基本健全", 10, rules) == []  # no 部分达成 band in these rules


def test_execution_weight__as_typed_or_else_the_rules():
    assert execution_weight(Funding(weight=Decimal(15)), NATIONAL) == 15
    assert execution_weight(Funding(), NATIONAL) == NATIONAL.execution_weight == 10


@pytest.mark.parametrize("path", [r"\??\UNC\host\share\x.toml", r"/??/UNC/host/share/x.toml"])
def test_load_rules__nt_paths_to_a_share_are_refused(path):
    with pytest.raises(RuleSetError, match="网络共享"):
        load_rules(path)


def test_load_rules__a_drive_letter_is_not_a_web_address(tmp_path):
    with pytest.raises(RuleSetError) as refused:
        load_rules(r"C:\\规则\\x.toml")
    assert "网址" not in str(refused.value)
