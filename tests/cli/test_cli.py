"""The perfeval command, run as users run it (a subprocess) and in-process."""

import json
import re
import subprocess

import pytest
from helpers import ROOT, run, write

from perfeval_xl.cli import main


def test_demo__prints_computed_figures_and_findings(tmp_path):
    result = run("demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "75.33%" in result.stdout  # 三公经费 控制率 1.13 / 1.50
    assert "-42.64%" in result.stdout  # 同比 (1.13 - 1.97) / 1.97
    assert "总分 100，等级 优" in result.stdout
    assert "审核结果：0 个错误" in result.stdout
    assert "“产出指标”各三级指标分值合计 80 分，应为 50 分" in result.stdout
    assert "【四】生成的文件" in result.stdout and str(tmp_path / "示例-岳阳市君山区人社局2023.xlsm") in result.stdout


def test_demo__other_rule_set_changes_the_grade_labels(tmp_path):
    result = run("demo", "--rules", "grade-85", "--out", str(tmp_path))
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


# ---------------------------------------------------------------- workbooks


def test_new__writes_a_template_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "自评.xlsm"
    first = run("new", str(out), "--project", "甲项目", "--project", "乙项目")
    assert first.returncode == 0 and out.exists() and "附件3 2 张" in first.stdout
    before = out.read_bytes()
    again = run("new", str(out))
    assert again.returncode == 2 and "已存在" in again.stderr and out.read_bytes() == before
    assert run("new", str(out), "--force", "--projects", "3").returncode == 0


def test_new__native_flavour_and_project_kind(tmp_path):
    assert run("new", str(tmp_path / "a.xlsx"), "--formulas", "native").returncode == 0
    assert run("new", str(tmp_path / "p.xlsm"), "--kind", "project", "--projects", "2").returncode == 0


def test_new__bad_suffix_and_missing_folder_exit_2(tmp_path):
    bad = run("new", str(tmp_path / "a.xls"))
    assert bad.returncode == 2 and ".xlsx 或 .xlsm" in bad.stderr and "Traceback" not in bad.stderr
    nowhere = run("new", str(tmp_path / "no" / "a.xlsm"))
    assert nowhere.returncode == 2 and "不存在" in nowhere.stderr
    assert list(tmp_path.iterdir()) == []


def test_example_then_check__clean_exit_0(tmp_path):
    out = tmp_path / "e.xlsm"
    assert run("example", str(out)).returncode == 0
    checked = run("check", str(out))
    assert checked.returncode == 0 and "0 个错误" in checked.stdout


def test_example_as_published_then_check__errors_exit_1(tmp_path):
    out = tmp_path / "p.xlsm"
    assert run("example", str(out), "--as-published").returncode == 0
    before = out.read_bytes()
    checked = run("check", str(out))
    assert checked.returncode == 1
    assert "附件2 整体支出自评表!H43 附件2 总分印为 99" in checked.stdout
    assert out.read_bytes() == before


def test_check_json__findings_and_every_computed_value(tmp_path):
    import json

    out = tmp_path / "e.xlsm"
    run("example", str(out))
    payload = json.loads(run("check", "--json", str(out)).stdout)
    assert set(payload) == {"findings", "values", "inputs", "recomputed"} and payload["recomputed"] == {}
    assert payload["values"]["sangong_control_rate"] == pytest.approx(1.13 / 1.5)
    assert payload["values"]["grade"] == "优" and payload["values"]["total_score"] == 100
    assert payload["values"]["sangong_car_control_rate"] is None
    assert "附件3-1 社保基金督查专项经费!fund_exec_rate" in payload["values"]
    (finding,) = payload["findings"]
    assert set(finding) == {"severity", "code", "sheet", "cell", "message"} and finding["cell"] == "E18"


def _strict(constant: str) -> None:
    raise AssertionError(f"not JSON: {constant}")


def test_check_json__strict_json_for_extreme_figures(tmp_path):
    import json

    import openpyxl
    from helpers import example, save

    from perfeval_xl.workbook.fill import set_named

    wb = openpyxl.load_workbook(example(tmp_path))
    set_named(wb, "sangong_reception_final", 99999999999999)
    set_named(wb, "sangong_reception_budget", 4.9e-324)
    set_named(wb, "sangong_final", 1e308)  # typed over the SUM
    set_named(wb, "staff_control_rate", 1.7e308)  # typed over the rate
    result = run("check", "--json", str(save(wb, tmp_path / "x.xlsx")))
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    payload = json.loads(result.stdout, parse_constant=_strict)
    assert payload["values"]["sangong_reception_control_rate"] is None


def test_check__unreadable_files_exit_2_with_one_line(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("这不是工作簿", encoding="utf-8")
    for target in (fake, tmp_path / "none.xlsx"):
        result = run("check", str(target))
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert target.name in result.stderr
    assert fake.read_text(encoding="utf-8") == "这不是工作簿"


def test_build_workbooks__shipped_files_are_current(tmp_path):
    from perfeval_xl.cli.workbooks import SHIPPED_WORKBOOKS

    assert run("build-workbooks", str(tmp_path)).returncode == 0
    shipped = ROOT / "workbook"
    for name in SHIPPED_WORKBOOKS:
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), f"{name}: run perfeval build-workbooks"


def test_check__damaged_workbooks_exit_2_and_stay_byte_identical(tmp_path):
    import zipfile

    good = tmp_path / "good.xlsm"
    run("example", str(good))
    truncated = tmp_path / "truncated.xlsm"
    truncated.write_bytes(good.read_bytes()[:20000])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            for _ in range(80):
                part.write(b"\0" * (1024 * 1024))
    for damaged in (truncated, bomb):
        before = damaged.read_bytes()
        result = run("check", str(damaged))
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and damaged.name in result.stderr
        assert damaged.read_bytes() == before


# ---------------------------------------------------------------- reports


def test_report__writes_next_to_the_workbook(tmp_path):
    book = tmp_path / "e.xlsm"
    run("example", str(book))
    result = run("report", str(book), "--projects", "--date", "2024-06-26")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.glob("*.docx"))
    assert written == [
        "2023年度事业单位招考工作经费项目支出绩效自评报告.docx",
        "2023年度岳阳市君山区人力资源和社会保障局整体支出绩效自评报告.docx",
        "2023年度社保基金督查专项经费项目支出绩效自评报告.docx",
    ]
    assert result.stdout.count("已生成") == 3


def test_report__with_errors_exit_1_and_no_file(tmp_path):
    book = tmp_path / "p.xlsm"
    run("example", str(book), "--as-published")
    result = run("report", str(book))
    assert result.returncode == 1 and "13 个错误" in result.stderr and not list(tmp_path.glob("*.docx"))


def test_report__pdf_and_own_output_name(tmp_path):
    book = tmp_path / "e.xlsm"
    run("example", str(book))
    result = run("report", str(book), "-o", str(tmp_path / "报告.docx"), "--pdf")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "报告.docx").exists() and (tmp_path / "报告.pdf").exists()


def test_report__bad_template_exit_2(tmp_path):
    book = tmp_path / "e.xlsm"
    run("example", str(book))
    bad = tmp_path / "t.docx"
    bad.write_text("x", encoding="utf-8")
    result = run("report", str(book), "--template", str(bad))
    assert result.returncode == 2 and "Word 文档" in result.stderr and "Traceback" not in result.stderr


def test_demo__builds_the_example_workbook_and_its_reports(tmp_path):
    result = run("demo", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    made = sorted(p.name for p in (tmp_path / "demo").iterdir())
    assert "示例-岳阳市君山区人社局2023.xlsm" in made and len([m for m in made if m.endswith(".docx")]) == 4
    assert "示例-部门整体支出绩效评价（虚构单位）.xlsm" in made
    assert "2024年度示例县农业农村局部门整体支出绩效评价报告.docx" in made
    assert "示例县农业农村局：总分 88.49 分，等级“良”" in result.stdout


@pytest.mark.parametrize(("flavour", "suffix"), [("udf", ".xlsm"), ("native", ".xlsx")])
def test_example__the_evaluation_example_checks_clean_and_reports(tmp_path, flavour, suffix):
    """The fictional unit's evaluation: every figure consistent, every deduction with its reason, so nothing is found
    and its 评价报告 is written; the total is the sum of what the evaluator's figures give by the framework."""
    book = tmp_path / f"评价示例{suffix}"
    assert run("example", str(book), "--evaluation", "--formulas", flavour).returncode == 0
    result = run("check", str(book), "--json")
    payload = json.loads(result.stdout)
    assert result.returncode == 0 and payload["findings"] == [], payload["findings"]
    assert payload["values"]["eval_total"] == pytest.approx(88.49) and payload["values"]["eval_grade"] == "良"
    assert run("report", str(book), "-o", str(tmp_path / "r.docx")).returncode == 0
    assert run("example", str(book), "--evaluation", "--as-published").returncode == 2


def test_demo__rules_go_into_the_files_it_writes(tmp_path):
    from perfeval_xl.workbook.open import load

    result = run("demo", "--rules", "grade-85", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    _, _, options = load(tmp_path / "示例-岳阳市君山区人社局2023.xlsm")
    assert options["rules"].name == "grade-85"


def test_report__date_that_is_not_a_date_exit_2(tmp_path):
    book = tmp_path / "a.xlsx"
    run("example", str(book))
    result = run("report", str(book), "--date", "2024-13-40")
    assert result.returncode == 2 and "不是日期" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_main__chinese_usage_errors(capsys):
    assert main(["check"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("perfeval：") and "perfeval check --help" in error and "Missing" not in error


ENGLISH = re.compile(r"[A-Za-z]{2,}[ .:]+[A-Za-z]{2,}")  # two English words in a row: a sentence left untranslated


def test_main__usage_errors_leave_no_english(tmp_path, capsys):
    a_file, a_folder = tmp_path / "afile", tmp_path / "folder"
    a_file.write_text("x", encoding="utf-8")
    a_folder.mkdir()
    expected = {
        ("--bogus",): "没有选项 --bogus",
        ("report", "--bogus", "x"): "没有选项 --bogus，是不是要用 --out？",
        ("report", "x", "-o", str(a_folder)): f"-o / --out 的取值无效：“{a_folder}”是文件夹，这里要的是文件",
        ("report", str(a_folder)): f"FILE 的取值无效：“{a_folder}”是文件夹，这里要的是文件",
        ("demo", "--out", str(a_file)): f"--out 的取值无效：“{a_file}”是文件，这里要的是文件夹",
        ("report", "x", "--date", "2024-13-45"): "--date 的取值无效：“2024-13-45”不是日期，请写成 2024-06-26",
        ("report", "x", "--template", str(tmp_path / "none.docx")): "--template 的取值无效：",
        ("report",): "缺少参数 FILE",
        ("report", "x", "-o"): "选项 -o 需要一个值",
        ("report", "x", "--projects=1"): "选项 --projects 不需要值",
        ("repor", "x"): "没有命令 repor，是不是要用 report？",
        ("new", "x", "--kind", "zzz"): "“zzz”不是可选的值（可选：dept、project、targets、monitor）",
        ("new", "x", "--projects", "999"): "999 不在允许的范围内（0<=x<=200）",
        ("new", "x", "--projects", "abc"): "“abc”不是有效的整数",
        ("rules", "a", "b"): "多余的参数：b",
    }
    for argv, chinese in expected.items():
        assert main(list(argv)) == 2, argv
        error = capsys.readouterr().err
        assert error.startswith("perfeval：") and error.count("\n") == 1 and chinese in error, (argv, error)
        message = re.sub(r"“[^”]*”|（运行 .* --help 查看用法）$", "", error.strip())  # paths may be English
        for english in ("Invalid", "No such", "is a directory", "is a file", "Missing", "Did you mean", "Option"):
            assert english not in message, (argv, error)
        assert not ENGLISH.search(message), (argv, error)
    assert sorted(tmp_path.iterdir()) == [a_file, a_folder]


def test_main__perfeval_alone_shows_its_help(capsys):
    assert main([]) == 0
    assert "预算绩效自评" in capsys.readouterr().out


def test_cli__module_docstring_is_one_line_with_every_exit_code():
    import perfeval_xl.cli as cli

    assert "\n" not in cli.__doc__.strip() and all(code in cli.__doc__ for code in "0123")
    assert "exit 2 for unusable input" in cli.main.__doc__ and "3 for a fault of ours" in cli.main.__doc__


def test_report__project_workbook_with_several_sheets_and_out_exit_2(tmp_path):
    from perfeval_xl.core.example import corrected_example
    from perfeval_xl.core.records import Submission
    from perfeval_xl.workbook.new import new_workbook

    base = corrected_example()
    filled = Submission(header=base.header, projects=base.projects)
    names = [p.name for p in filled.projects]
    book = write(tmp_path / "p.xlsm", new_workbook("project", None, names, "udf", ".xlsm", filled))
    result = run("report", str(book), "-o", str(tmp_path / "r.docx"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "-o 指定的一个文件" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.xlsm"]


def test_main__a_refused_file_is_exit_2_and_our_own_fault_exit_3(tmp_path, monkeypatch, capsys):
    import perfeval_xl.workbook.open as workbook

    book = tmp_path / "a.xlsx"
    assert main(["example", str(book)]) == 0

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(book))

    monkeypatch.setattr(workbook, "load", refused)
    assert main(["check", str(book)]) == 2
    assert "没有写入或读取的权限" in capsys.readouterr().err

    def broken(*args, **kwargs):
        raise KeyError("oops")

    monkeypatch.setattr(workbook, "load", broken)
    assert main(["check", str(book)]) == 3
    error = capsys.readouterr().err
    assert "内部错误（KeyError" in error and "PERFEVAL_DEBUG" in error and "Traceback" not in error
    monkeypatch.setenv("PERFEVAL_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["check", str(book)])


def test_new__a_rule_file_is_written_by_its_full_path(tmp_path, monkeypatch, capsys):
    import openpyxl

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    rules = tmp_path / "good.toml"
    rules.write_text('extends = "national"\nname = "good"\ntitle = "好"\n', encoding="utf-8")
    assert main(["new", "sub/w.xlsx", "--rules", "good.toml", "--formulas", "native"]) == 0
    (title, ref), *_ = openpyxl.load_workbook(tmp_path / "sub" / "w.xlsx").defined_names["rule_set"].destinations
    assert openpyxl.load_workbook(tmp_path / "sub" / "w.xlsx")[title][ref.replace("$", "")].value == str(rules)
    capsys.readouterr()
    assert main(["check", "sub/w.xlsx"]) in (0, 1)
    assert "评分规则" not in capsys.readouterr().out  # found from sub/, where the workbook is


def test_scripts_perfeval__relative_paths_mean_the_callers_folder(tmp_path):
    """./scripts/perfeval run from another folder: the output and --rules are where the user is, not in the checkout."""
    (tmp_path / "mine.toml").write_text('extends = "national"\nname = "mine"\ntitle = "本地"\n', encoding="utf-8")
    result = subprocess.run(
        [str(ROOT / "scripts" / "perfeval"), "new", "自评.xlsx", "--formulas", "native", "--rules", "mine.toml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "自评.xlsx").is_file()
    assert not (ROOT / "自评.xlsx").exists()
