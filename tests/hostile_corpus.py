"""The hostile-input corpus: broken, malicious and odd workbooks and rule files, made from the example.

`python tests/hostile_corpus.py` writes them to tests/files/hostile/ (committed, so that a change in openpyxl or in
the example cannot quietly change what is tested); tests/test_hostile.py runs every command over each one.
Entries that git cannot hold (a FIFO, a huge sparse file, a folder named like a file) are made by the test itself.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from helpers import example  # noqa: E402

from perfeval_xl.workbook.fill import set_named, set_table_row  # noqa: E402

CORPUS = HERE / "files" / "hostile"
INDICATORS = ["level1", "level2", "level3", "target", "actual", "weight", "score", "reason"]
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 10)
    )
    + b"]>"
)


def _with_doctype(doctype: bytes, data: bytes, anchor: bytes, reference: bytes) -> bytes:
    """An XML part with a DOCTYPE in front and an entity referenced just after `anchor`."""
    body = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
    return doctype + body.replace(anchor, anchor + reference, 1)


def _example_bytes(tmp: Path) -> bytes:
    return example(tmp, "base.xlsm").read_bytes()


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a package with each part passed through change(name, data); None drops the part."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            changed = change(item.filename, source.read(item.filename))
            if changed is not None:
                target.writestr(item.filename, changed)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def _part(name: str, fn: Callable[[bytes], bytes | None]) -> Callable[[str, bytes], bytes | None]:
    return lambda part, data: fn(data) if part == name else data


def _with_cells(data: bytes, values: dict[str, object], rows: dict[int, dict[str, object]] | None = None) -> bytes:
    """The example with cells set through their defined names (and indicator rows of 附件2)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=True)
    for name, value in values.items():
        set_named(wb, name, value)
    for index, row in (rows or {}).items():
        set_table_row(wb, "indicators", index, row, INDICATORS)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _retitled(data: bytes, old: str, new: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=True)
    wb[old].title = new
    quoted = "'" + new.replace("'", "''") + "'"
    for defined in [*wb.defined_names.values(), *(d for ws in wb.worksheets for d in ws.defined_names.values())]:
        defined.attr_text = defined.attr_text.replace(f"'{old}'!", f"{quoted}!").replace(f"{old}!", f"{quoted}!")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _names(data: bytes, change: Callable[[bytes], bytes]) -> bytes:
    return _rezip(data, _part("xl/workbook.xml", change))


def _evaluation_bytes() -> bytes:
    """A fully scored 评价指标评分表 (gongxing-2013), as tests/test_evalsheet.py fills one."""
    from perfeval_xl.engine.evaluation.load import load_framework
    from perfeval_xl.engine.evaluation.scores import standard_score
    from perfeval_xl.workbook.layout.evaluation import KEY
    from perfeval_xl.workbook.new import new_workbook
    from perfeval_xl.workbook.package import package

    wb = openpyxl.load_workbook(io.BytesIO(new_workbook("dept", "gongxing-2013", [], "udf", ".xlsm")), keep_vba=True)
    set_named(wb, "unit_name", "评价单位")
    set_named(wb, "fiscal_year", 2024)
    ws = wb["评价指标评分表"]
    rows = {ws[f"{KEY}{r}"].value: r for r in range(4, ws.max_row + 1) if ws[f"{KEY}{r}"].value}
    for indicator in load_framework("gongxing-2013").indicators:
        row = rows[indicator.key]
        if indicator.value is not None and not indicator.value.sources:
            ws[f"E{row}"], ws[f"F{row}"] = 100, 100
        elif indicator.value is not None:
            ws[f"G{row}"] = next(v for v in (1, 0, -1) if standard_score(indicator, v) in (None, indicator.points))
        if not indicator.computed:
            ws[f"I{row}"] = float(indicator.points)
    return package(wb, ".xlsm")


def _evaluation_variant(data: bytes, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=True)
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _evaluation_entries() -> dict[str, bytes]:
    """Evaluation workbooks whose framework cell, helper column, names or texts are hostile."""
    base = _evaluation_bytes()

    def framework(name: str) -> Callable[[openpyxl.Workbook], None]:
        return lambda wb: set_named(wb, "eval_rule_set", name)

    def helper_column(wb: openpyxl.Workbook) -> None:
        ws = wb["评价指标评分表"]
        ws["K4"], ws["K5"], ws["K6"] = '=HYPERLINK("http://x","y")', "投入/" * 20000, "=1/0"

    def name_to(name: str, target: str) -> Callable[[openpyxl.Workbook], None]:
        def edit(wb: openpyxl.Workbook) -> None:
            del wb.defined_names[name]
            wb.defined_names[name] = openpyxl.workbook.defined_name.DefinedName(name, attr_text=target)

        return edit

    def texts(wb: openpyxl.Workbook) -> None:
        set_named(wb, "eval_overview", "{{ lipsum.__globals__ }}{% for x in range(10**9) %}x{% endfor %}")
        set_named(wb, "eval_problems", "<w:p>&amp;]]>" * 2000)
        ws = wb["评价指标评分表"]
        ws["J4"], ws["I4"] = "{%p if 1 %}扣分{%p endif %}", 1

    return {
        "eval-base.xlsm": base,
        "eval-framework-fifo.xlsm": _evaluation_variant(base, framework("fifo.toml")),
        "eval-framework-huge.xlsm": _evaluation_variant(base, framework("huge.toml")),
        "eval-framework-deep.xlsm": _evaluation_variant(base, framework("deep.toml")),
        "eval-framework-folder.xlsm": _evaluation_variant(base, framework("folder.toml")),
        "eval-helper-column-hostile.xlsm": _evaluation_variant(base, helper_column),
        "eval-range-whole-column.xlsm": _evaluation_variant(
            base, name_to("eval_indicators", "'评价指标评分表'!$A$1:$K$1048576")
        ),
        "eval-total-on-another-sheet.xlsm": _evaluation_variant(base, name_to("eval_total", "'说明'!$B$12")),
        "eval-template-tags-in-texts.xlsm": _evaluation_variant(base, texts),
    }


def _stored(data: bytes, title: str, values: dict[str, str]) -> bytes:
    """A copy with the text stored in some cells' <v> replaced as another tool might write it ("inf", "NaN",
    "1E+309"): openpyxl itself writes an infinity as an empty value, so the XML is edited directly."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    part = f"xl/worksheets/sheet{wb.sheetnames.index(title) + 1}.xml"

    def edit(xml: bytes) -> bytes:
        for ref, text in values.items():
            pattern = rb'(<c r="%s"[^>]*>(?:<f>[^<]*</f>)?<v>)[^<]*(</v>)' % ref.encode()
            xml, count = re.subn(pattern, rb"\g<1>" + text.encode() + rb"\g<2>", xml)
            assert count == 1, (title, ref)
        return xml

    return _rezip(data, _part(part, edit))


def _non_finite_entries(base: bytes, evaluation: bytes) -> dict[str, bytes]:
    """Figures no spreadsheet should hold, typed or written by another tool: each a finding at its cell."""
    sheet = "评价指标评分表"

    def name_is(target: str | None) -> Callable[[openpyxl.Workbook], None]:
        def edit(wb: openpyxl.Workbook) -> None:
            del wb.defined_names["eval_rule_set"]
            if target is not None:
                wb.defined_names["eval_rule_set"] = openpyxl.workbook.defined_name.DefinedName(
                    "eval_rule_set", attr_text=target
                )

        return edit

    return {
        "eval-score-inf.xlsm": _stored(evaluation, sheet, {"I4": "inf"}),
        "eval-score-nan.xlsm": _stored(evaluation, sheet, {"I4": "NaN", "I5": "-INF"}),
        "eval-score-overflow.xlsm": _stored(evaluation, sheet, {"I4": "1E+309"}),
        "eval-scores-1e308.xlsm": _stored(evaluation, sheet, {"I4": "1e308", "I5": "1e308", "I14": "-1e308"}),
        "eval-figures-inf-nan.xlsm": _stored(evaluation, sheet, {"E8": "INF", "F9": "nan", "E13": "1e308"}),
        "eval-points-inf.xlsm": _stored(evaluation, sheet, {"D4": "inf"}),
        "eval-saved-results-inf.xlsm": _stored(evaluation, sheet, {"I6": "inf", "G9": "nan", "I7": "1E+309"}),
        "eval-framework-name-deleted.xlsm": _evaluation_variant(evaluation, name_is(None)),
        "eval-framework-name-constant.xlsm": _evaluation_variant(evaluation, name_is('"gongxing-2013"\n')),
        "eval-framework-name-ref.xlsm": _evaluation_variant(evaluation, name_is("'说明'!#REF!")),
        "number-cells-inf-nan.xlsm": _stored(base, "附件1 基础数据表", {"B5": "inf", "C5": "NaN"}),
        "eval-kept-framework-edited.xlsm": _evaluation_variant(evaluation, _kept_edited),
        "eval-kept-framework-name-broken.xlsm": _evaluation_variant(evaluation, _kept_name_broken),
    }


def _kept_edited(wb: openpyxl.Workbook) -> None:
    """The hidden framework text given more points and a formula, its digest left as it was."""
    kept = wb["评价指标体系原文"]
    kept["A3"], kept["A4"] = "|points = 99", '=HYPERLINK("http://x","y")'


def _kept_name_broken(wb: openpyxl.Workbook) -> None:
    del wb.defined_names["eval_framework"]
    wb.defined_names["eval_framework"] = openpyxl.workbook.defined_name.DefinedName(
        "eval_framework", attr_text="'评价指标体系原文'!$A$1:$XFD$1048576"
    )


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("[Content_Types].xml", b"<Types/>")
        target.writestr("xl/workbook.xml", b"<workbook/>")
        target.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    return out.getvalue()


def _lying_sizes(data: bytes) -> bytes:
    """A part whose header says 10 bytes while it inflates to megabytes."""
    out = bytearray(_rezip(data, lambda name, part: part + b" " * 4_000_000 if name == "xl/styles.xml" else part))
    archive = zipfile.ZipFile(io.BytesIO(bytes(out)))
    info = archive.getinfo("xl/styles.xml")
    size = info.file_size.to_bytes(4, "little")
    return bytes(out).replace(size, (10).to_bytes(4, "little"))


def workbooks(tmp: Path) -> dict[str, bytes]:
    """name -> file content. Names say what each one is."""
    base = _example_bytes(tmp)
    sheet2 = "xl/worksheets/sheet2.xml"
    long_partly = "部分完成" * (32767 // 4)
    entries: dict[str, bytes] = {
        # not workbooks at all
        "empty.xlsx": b"",
        "text-renamed.xlsx": "这不是工作簿\n".encode() * 10,
        "pdf-renamed.xlsx": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
        "ole-encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4088,
        "truncated-half.xlsm": base[: len(base) // 2],
        "truncated-100-bytes.xlsm": base[:100],
        "zip-without-workbook.xlsx": _rezip(base, lambda name, d: None if name == "xl/workbook.xml" else d),
        "zip-bomb.xlsx": _bomb(),
        "lying-sizes.xlsm": _lying_sizes(base),
        "garbage-after-zip.xlsm": base + b"\0garbage" * 1000,
        # damaged parts
        "no-sheets.xlsm": _names(base, lambda d: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", d)),
        "sheet-part-missing.xlsm": _rezip(base, lambda name, d: None if name == sheet2 else d),
        "sheet-not-well-formed.xlsm": _rezip(base, _part(sheet2, lambda d: d[: len(d) // 3])),
        "styles-not-well-formed.xlsm": _rezip(base, _part("xl/styles.xml", lambda d: b"<styleSheet><")),
        "rels-missing.xlsm": _rezip(base, lambda name, d: None if name == "xl/_rels/workbook.xml.rels" else d),
        "content-types-missing.xlsm": _rezip(base, lambda name, d: None if name == "[Content_Types].xml" else d),
        "shared-strings-missing.xlsx": _rezip(
            example(tmp, "plain.xlsx").read_bytes(), lambda name, d: None if name == "xl/sharedStrings.xml" else d
        ),
        "vba-project-garbage.xlsm": _rezip(base, lambda n, d: d, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0garbage"}),
        "billion-laughs-workbook.xlsm": _names(
            base, lambda d: _with_doctype(BILLION_LAUGHS, d, b"<sheets>", b"&lol9;")
        ),
        "billion-laughs-sheet.xlsm": _rezip(
            base, _part(sheet2, lambda d: _with_doctype(BILLION_LAUGHS, d, b"<sheetData>", b"&lol9;"))
        ),
        "external-entity.xlsm": _names(
            base,
            lambda d: _with_doctype(
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', d, b"<sheets>", b"&e;"
            ),
        ),
        "row-beyond-the-grid.xlsm": _rezip(
            base, _part(sheet2, lambda d: d.replace(b'<row r="5"', b'<row r="2000000"', 1))
        ),
        "merge-whole-sheet.xlsm": _rezip(
            base,
            _part(sheet2, lambda d: re.sub(rb'<mergeCell ref="[^"]+"', b'<mergeCell ref="A1:XFD1048576"', d, count=1)),
        ),
        "merges-many.xlsm": _rezip(
            base,
            _part(
                sheet2,
                lambda d: d.replace(
                    b"</mergeCells>",
                    b"".join(
                        b'<mergeCell ref="A%d:CV%d"/>' % (10_000 + 1000 * i, 10_999 + 1000 * i) for i in range(200)
                    )
                    + b"</mergeCells>",
                ),
            ),
        ),
        "rows-nested.xlsm": _rezip(
            base,
            _part(
                sheet2,
                lambda d: d.replace(b"</sheetData>", b'<row r="900">' * 20_000 + b"</row>" * 20_000 + b"</sheetData>"),
            ),
        ),
        "cell-ref-nonsense.xlsm": _rezip(base, _part(sheet2, lambda d: d.replace(b'r="B5"', b'r="ZZZZ0"', 1))),
        # names
        "no-defined-names.xlsm": _names(
            base, lambda d: re.sub(rb"<definedNames>.*</definedNames>", b"", d, flags=re.S)
        ),
        "names-ref-error.xlsm": _names(base, lambda d: re.sub(rb"(<definedName [^>]*>)[^<]*", rb"\1#REF!", d)),
        "names-whole-sheet.xlsm": _names(
            base, lambda d: re.sub(rb"!\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?<", b"!$A$1:$XFD$1048576<", d)
        ),
        "names-to-missing-sheet.xlsm": _names(base, lambda d: d.replace("附件1 基础数据表".encode(), b"gone")),
        "names-duplicated.xlsm": _names(
            base, lambda d: re.sub(rb"(<definedName [^>]*>[^<]*</definedName>)", rb"\1\1", d, count=5)
        ),
        # odd titles Excel accepts
        "title-apostrophe.xlsm": _retitled(base, "说明", "It's 说明 (1)"),
        "title-emoji-31.xlsm": _retitled(base, "附件1 基础数据表", "😀" + "表" * 30),
        "title-like-a-cell.xlsm": _retitled(base, "附件2 整体支出自评表", "A1"),
        "title-leading-digit.xlsm": _retitled(base, "收支预决算", "2023 收支"),
        # hostile rule-set cells
        "rules-dev-zero.xlsm": _with_cells(base, {"rule_set": "/dev/zero"}),
        "rules-dev-urandom.xlsm": _with_cells(base, {"rule_set": "/dev/urandom.toml"}),
        "rules-proc.xlsm": _with_cells(base, {"rule_set": "/proc/self/environ"}),
        "rules-unc.xlsm": _with_cells(base, {"rule_set": "\\\\attacker.example\\share\\rules.toml"}),
        "rules-unc-forward.xlsm": _with_cells(base, {"rule_set": "//attacker.example/share/rules.toml"}),
        "rules-url.xlsm": _with_cells(base, {"rule_set": "http://attacker.example/rules.toml"}),
        "rules-file-url.xlsm": _with_cells(base, {"rule_set": "file:///etc/passwd.toml"}),
        "rules-windows-device.xlsm": _with_cells(base, {"rule_set": "CON.toml"}),
        "rules-control-character.xlsm": _with_cells(base, {"rule_set": "_x0000_.toml"}),
        "rules-32767-characters.xlsm": _with_cells(base, {"rule_set": "a" * 32762 + ".toml"}),
        "rules-deep-nesting.xlsm": _with_cells(base, {"rule_set": "deep.toml"}),
        "rules-absurd-places.xlsm": _with_cells(base, {"rule_set": "places.toml"}),
        "rules-infinite.xlsm": _with_cells(base, {"rule_set": "infinite.toml"}),
        "rules-not-utf8.xlsm": _with_cells(base, {"rule_set": "latin1.toml"}),
        "rules-huge-file.xlsm": _with_cells(base, {"rule_set": "huge.toml"}),
        "rules-fifo.xlsm": _with_cells(base, {"rule_set": "fifo.toml"}),
        "rules-folder.xlsm": _with_cells(base, {"rule_set": "folder.toml"}),
        "rules-traversal.xlsm": _with_cells(base, {"rule_set": "../../../../../../etc/passwd.toml"}),
        # extreme and odd cell contents
        "numbers-extreme.xlsm": _with_cells(
            base,
            {
                "sangong_reception_final": 99999999999999,
                "sangong_reception_budget": 4.9e-324,
                "public_funds_final": 1.7976931348623157e308,
                "staff_quota": 1e-300,
                "fund_executed": 1e15,
            },
        ),
        "numbers-as-text.xlsm": _with_cells(
            base,
            {"staff_quota": "约21人", "sangong_abroad_budget": "１２元", "fund_budget": "NaN", "fund_executed": "inf"},
        ),
        "typed-over-everything.xlsm": _with_cells(
            base,
            {
                "sangong_budget": 65.8,
                "sangong_final": 24.97,
                "sangong_control_rate": "abc",
                "total_score": "九十",
                "grade": "=cmd|' /C calc'!A0",
                "fund_score": -5,
                "weight_total": 1e300,
            },
        ),
        "long-texts.xlsm": _with_cells(
            base,
            {"unit_name": "局" * 32767, "goal_actual": long_partly},
            {0: {"actual": long_partly, "target": "9" * 32767}, 1: {"target": "%" * 32767, "actual": "以上" * 16000}},
        ),
        "escaped-surrogates-and-paths.xlsm": _with_cells(
            base, {"unit_name": "_xD800_../../..\\evil_x0001_:*?", "contact": "{{ 7*7 }}{% raw %}"}
        ),
        "template-tags-in-text.xlsm": _with_cells(
            base, {"unit_name": "{{ lipsum.__globals__ }}", "goal_expected": "{% for x in range(10**9) %}x{% endfor %}"}
        ),
        "formula-in-input.xlsm": _with_cells(base, {"fund_budget": "=1/0", "staff_quota": '=HYPERLINK("x")'}),
        "dates-and-booleans.xlsm": _with_cells(base, {"fund_budget": True, "staff_actual": "2023-01-01"}),
    }
    entries["cached-nan.xlsm"] = _rezip(
        base, _part(sheet2, lambda d: re.sub(rb"<v>[0-9.]+</v>", b"<v>NaN</v>", d, count=3))
    )
    entries["cached-infinity.xlsm"] = _rezip(
        base, _part(sheet2, lambda d: re.sub(rb"(</f>)<v>[0-9.E+-]+</v>", rb"\1<v>1e999</v>", d))
    )
    entries["error-cells.xlsm"] = _rezip(
        base, _part(sheet2, lambda d: re.sub(rb'<c r="B5"([^>]*)>.*?</c>', rb'<c r="B5" t="e"><v>#DIV/0!</v></c>', d))
    )
    entries |= _evaluation_entries()
    entries |= _non_finite_entries(base, entries["eval-base.xlsm"])
    entries |= _new_method_entries(tmp)
    entries |= _not_applicable_entries(tmp)
    entries |= _cycle_entries(tmp)
    return entries


NEW_METHODS = """kind = "evaluation"
name = "methods"
title = "按目标、按问题类别扣分的评价指标"
full_marks = 10
[[indicators]]
path = ["产出", "数量", "招聘活动"]
points = 4
method = "target"
[[indicators]]
path = ["过程", "资金", "合规性"]
points = 3
method = "findings"
kinds = [ { text = "未按时拨付", deduct = 0.5 }, { text = "挪用资金", deduct = 2 } ]
[[indicators]]
path = ["过程", "资金", "支付进度"]
points = 3
method = "findings"
per_finding = [0.5, 1]
"""


def _new_method_entries(tmp: Path) -> dict[str, bytes]:
    """A workbook that keeps a framework with a target row and findings by kind and by range, its cells hostile:
    texts no target reader reads, counts no kind list fits, numbers no float holds."""
    from perfeval_xl.workbook.new import new_workbook

    rules = tmp / "methods.toml"
    rules.write_text(NEW_METHODS, encoding="utf-8")
    data = new_workbook("dept", str(rules), [], "udf", ".xlsm")

    def hostile(wb: openpyxl.Workbook) -> None:
        ws = wb["评价指标评分表"]
        rows = {ws[f"K{r}"].value: r for r in range(4, ws.max_row + 1)}
        target, kinds, ranged = rows["产出/数量/招聘活动"], rows["过程/资金/合规性"], rows["过程/资金/支付进度"]
        ws[f"E{target}"], ws[f"F{target}"] = "≥" + "9" * 5000 + "场", "=1/0"
        ws[f"E{kinds}"], ws[f"I{kinds}"] = "1、" * 10000, "不适用"
        ws[f"E{ranged}"], ws[f"I{ranged}"] = 10**30, -1

    return {
        "eval-new-methods.xlsm": data,
        "eval-new-methods-hostile.xlsm": _evaluation_variant(data, hostile),
    }


NOT_APPLICABLE_FRAMEWORK = """kind = "evaluation"
name = "na"
title = "不适用的指标按适用分值折算"
full_marks = 10
not_applicable = "prorate"
[[indicators]]
path = ["投入", "预算", "预算编制"]
points = 4
method = "manual"
[[indicators]]
path = ["投入", "预算", "预算调整"]
points = 3
method = "manual"
[[indicators]]
path = ["产出", "采购"]
points = 3
method = "manual"
"""


PARTS_FRAMEWORK = """kind = "evaluation"
name = "parts"
title = "由几项算出的数据"
full_marks = 5
[[indicators]]
path = ["过程", "预算", "预算执行率"]
points = 5
value = { rate = "execution_rate", a = "支出", b = "基数", unit = "万元", b_parts = ["年初", "-涉改", "-调整"] }
method = "ratio"
"""


CHOICES_FRAMEWORK = """kind = "evaluation"
name = "choices"
title = "三者择其一的指标"
full_marks = 6
[[indicators]]
path = ["投入", "预算", "预算编制"]
points = 3
method = "manual"
choice = "预算"
[[indicators]]
path = ["投入", "预算", "预算调整"]
points = 3
method = "manual"
choice = "预算"
[[indicators]]
path = ["投入", "预算", "预算执行"]
points = 3
method = "manual"
choice = "预算"
[[indicators]]
path = ["产出", "采购"]
points = 3
method = "manual"
"""


def _not_applicable_entries(tmp: Path) -> dict[str, bytes]:
    """A workbook whose framework prorates indicators marked 不适用, with every indicator marked (nothing applies:
    no division by zero), the word padded or typed where a sum or a 分值 goes, and the total typed over."""
    from perfeval_xl.workbook.new import new_workbook

    rules = tmp / "na.toml"
    rules.write_text(NOT_APPLICABLE_FRAMEWORK, encoding="utf-8")
    data = new_workbook("dept", str(rules), [], "native", ".xlsx")

    def rows(wb: openpyxl.Workbook) -> tuple[openpyxl.worksheet.worksheet.Worksheet, dict[object, int]]:
        ws = wb["评价指标评分表"]
        return ws, {ws[f"K{r}"].value: r for r in range(4, ws.max_row + 1)}

    def all_marked(wb: openpyxl.Workbook) -> None:
        ws, at = rows(wb)
        for key in ("投入/预算/预算编制", "投入/预算/预算调整", "产出/采购"):
            ws[f"I{at[key]}"] = "不适用"

    def odd_places(wb: openpyxl.Workbook) -> None:
        ws, at = rows(wb)
        ws[f"I{at['投入/预算/预算编制']}"] = " 不适用 "
        ws[f"D{at['投入/预算/预算调整']}"], ws[f"I{at['投入/预算/预算调整']}"] = "不适用", "不适用"
        ws[f"I{at['投入/预算']}"], ws[f"I{at['产出/采购']}"] = "不适用", '="不适用"'
        ws[f"I{ws.max_row - 1}"] = "不适用"

    choices = tmp / "choices.toml"
    choices.write_text(CHOICES_FRAMEWORK, encoding="utf-8")
    with_choices = new_workbook("dept", str(choices), [], "native", ".xlsx")

    def all_out(wb: openpyxl.Workbook) -> None:
        ws, at = rows(wb)
        for key in ("投入/预算/预算编制", "投入/预算/预算调整", "投入/预算/预算执行"):
            ws[f"I{at[key]}"] = "未选用"
        ws[f"I{at['产出/采购']}"], ws[f"D{at['投入/预算/预算编制']}"] = "未选用", "未选用"

    parts = tmp / "parts.toml"
    parts.write_text(PARTS_FRAMEWORK, encoding="utf-8")
    with_parts = new_workbook("dept", str(parts), [], "native", ".xlsx")

    def hostile_parts(wb: openpyxl.Workbook) -> None:
        ws, at = rows(wb)
        ws[f"F{at['过程/预算/预算执行率#b1']}"] = "1e400"
        ws[f"F{at['过程/预算/预算执行率#b2']}"] = "=1/0"
        ws[f"K{at['过程/预算/预算执行率#b3']}"] = "过程/预算/预算执行率#b1"  # a second row claiming the first input
        ws[f"E{at['过程/预算/预算执行率']}"] = -5

    return {
        "eval-parts-hostile.xlsx": _evaluation_variant(with_parts, hostile_parts),
        "eval-choices-all-out.xlsx": _evaluation_variant(with_choices, all_out),
        "eval-not-applicable-all.xlsx": _evaluation_variant(data, all_marked),
        "eval-not-applicable-odd.xlsx": _evaluation_variant(data, odd_places),
    }


def _cycle_entries(tmp: Path) -> dict[str, bytes]:
    """A declaration, a monitoring workbook and a self-assessment made from them, each with hostile cells: figures no
    sheet should hold, words where numbers go, formulas in text cells, a month of 13, the kept targets tampered with
    or pointed elsewhere."""
    from perfeval_xl.workbook.cycle import new_monitor_workbook, new_selfassessment_from, new_targets_workbook

    declaration = tmp / "目标.xlsx"
    declaration.write_bytes(new_targets_workbook(None, None, ["项目[甲]'", "乙"], "native", ".xlsx", ""))

    def hostile_declaration(wb: openpyxl.Workbook) -> None:
        project = wb.worksheets[2]
        set_named(wb, "fund_total", "1e400")
        set_named(wb, "fund_fiscal", "五百万")
        set_named(wb, "fund_other", -3)
        set_named(wb, "target_structure", "2099" * 1000)
        set_named(wb, "fund_total", 1e308, project.title)
        set_named(wb, "fund_fiscal", 1e308, project.title)
        set_named(wb, "project_class", "=1/0", project.title)
        set_named(wb, "goal_annual", "目标1：" * 5000, project.title)
        project["D9"], project["E9"] = "=A1", "≥≥95%%以上以下"
        project["D10"], project["E10"] = "x" * 32767, "**"
        project["E11"] = '=HYPERLINK("http://example.invalid")'  # typed on the "……" row

    made = tmp / "made.xlsx"
    made.write_bytes(_changed(declaration.read_bytes(), hostile_declaration))
    monitor = new_monitor_workbook(declaration, "native", ".xlsx", "")
    selfassessment = new_selfassessment_from(declaration, None, "native", ".xlsx", "")

    def hostile_monitor(wb: openpyxl.Workbook) -> None:
        project = wb.worksheets[2]
        set_named(wb, "monitor_month", 13)
        set_named(wb, "fund_fiscal_executed", "七十")
        set_named(wb, "fund_other_forecast", 1e308)
        set_named(wb, "fund_fiscal_executed", -5, project.title)
        set_named(wb, "fund_fiscal_budget", 0, project.title)
        for row in range(16, 24):
            project[f"F{row}"], project[f"G{row}"], project[f"N{row}"] = "1e400", "=1/0", "4"
            project[f"H{row}"], project[f"O{row}"] = "=H1", " "

    def tampered_targets(wb: openpyxl.Workbook) -> None:
        kept = wb["申报的绩效目标"]
        kept["D2"], kept["E2"] = "=A1", "≥" + "9" * 400
        wb.defined_names["declared_targets"].attr_text = "'申报的绩效目标'!$A$1:$E$9999"

    def kept_elsewhere(wb: openpyxl.Workbook) -> None:
        wb.remove(wb["申报的绩效目标"])
        wb.defined_names["declared_targets"].attr_text = "'附件2 整体支出自评表'!$A$1:$E$60"

    return {
        "cycle-targets-hostile.xlsx": made.read_bytes(),
        "cycle-monitor-hostile.xlsx": _changed(monitor, hostile_monitor),
        "cycle-monitor-targets-tampered.xlsx": _changed(monitor, tampered_targets),
        "cycle-selfassessment-targets-elsewhere.xlsx": _changed(selfassessment, kept_elsewhere),
    }


def _changed(data: bytes, change: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


RULE_FILES = {
    "deep.toml": b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "places.toml": b'extends = "national"\nname = "p"\ntitle = "p"\nscore_places = 999999999999\n',
    "infinite.toml": b'extends = "national"\nname = "i"\ntitle = "i"\nfull_marks = inf\n',
    "latin1.toml": 'name = "r\u00e9gle"\n'.encode("latin-1"),
}


def write_corpus(folder: Path = CORPUS) -> list[Path]:
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        files = {**workbooks(Path(tmp)), **RULE_FILES}
    for old in folder.iterdir():
        old.unlink()
    paths = []
    for name, data in sorted(files.items()):
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    return paths


if __name__ == "__main__":
    written = write_corpus()
    print(f"{len(written)} files in {CORPUS}")
