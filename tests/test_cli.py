"""The perfeval command, run as users run it (a subprocess) and in-process."""

import subprocess
import sys

from perfeval_xl.cli import main
from perfeval_xl.example import corrected_example
from perfeval_xl.numbers import format_percent
from perfeval_xl.rates import change_rate, control_rate


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "perfeval_xl.cli", *args], capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def test_demo__prints_computed_figures_and_findings():
    result = run("demo")
    assert result.returncode == 0, result.stderr
    basic = corrected_example().basic
    assert format_percent(control_rate(basic.sangong.final, basic.sangong.budget)) in result.stdout  # 75.33%
    assert format_percent(change_rate(basic.sangong.final, basic.sangong.prev)) in result.stdout  # -42.64%
    assert "总分 100，等级 优" in result.stdout
    assert "审核结果：0 个错误" in result.stdout
    assert "“产出指标”各三级指标分值合计 80 分，应为 50 分" in result.stdout
    assert "尚在开发中" in result.stdout


def test_demo__other_rule_set_changes_the_grade_labels():
    result = run("demo", "--rules", "grade-85")
    assert result.returncode == 0 and "等级 优秀" in result.stdout


def test_demo__as_published_shows_the_published_scores():
    result = run("demo", "--as-published")
    assert result.returncode == 0
    assert "总分 109，等级 优" in result.stdout
    assert "修正后" not in result.stdout


def test_rules__lists_and_shows():
    listing = run("rules")
    assert "national" in listing.stdout and "province-platform" in listing.stdout
    shown = run("rules", "province-platform")
    assert "执行率低于 70%：总分最高 79" in shown.stdout


def test_unknown_rule_set__one_chinese_line_exit_2_no_traceback():
    result = run("demo", "--rules", "nosuch")
    assert result.returncode == 2
    assert "没有名为“nosuch”的评分规则" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_broken_user_rules_file__exit_2(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text("[grades", encoding="utf-8")
    result = run("demo", "--rules", str(path))
    assert result.returncode == 2 and "不是有效的 TOML" in result.stderr and "Traceback" not in result.stderr


def test_main__returns_exit_codes(capsys):
    assert main(["rules"]) == 0
    assert main(["--version"]) == 0
    assert "perfeval 0.1.0" in capsys.readouterr().out
    assert main(["no-such-command"]) == 2
