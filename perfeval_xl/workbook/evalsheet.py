"""The 评价指标评分表 of an evaluation workbook: its layout and formulas (both flavours), and reading it back.

The sheet is generated from the framework (evaluation.py): one row per leaf in rule-file order, a 小计 row after
each 二级 and each 一级 group, then 总分 and 等级. A helper column right of the printed ones holds each row's path
("过程/预算执行/预算调整率"), so the reader and PE_EVALVALUE/PE_EVALSCORE know the row's indicator wherever the
user moved it, and a row the user inserted is recognised as not the framework's. Reading follows the rule of the
whole package: every computed cell counts as it shows after a full recalculation (its template formula over what
its arguments show, a number typed over it, blank when cleared, a formula of the user's own by its saved result).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from perfeval_xl.core.codes import (
    EVAL_ROW_MISSING,
    EVAL_ROW_UNKNOWN,
    FORMULA_OVERWRITTEN,
    FORMULA_REPLACED,
    INPUT_FORMULA,
    NAME_BROKEN,
    NUMBER_AS_TEXT,
    NUMBER_UNREADABLE,
    Code,
)
from perfeval_xl.core.frameworks import (
    GRADE,
    SUBTOTAL,
    TOTAL,
    BandsRule,
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
    Node,
    PerPointRule,
    RatioRule,
)
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.core.numbers import D, NotANumber, round_half_up
from perfeval_xl.core.records import ERROR, CellRef, EvaluationSheet, Finding, LeafRow, SumRow
from perfeval_xl.engine.evaluation.scores import (
    MAGNITUDE_RATES,
    evaluate_value,
    grade_of,
    leaves,
    score_rate,
    score_tree,
    standard_score,
    tree,
)
from perfeval_xl.engine.evaluation.words import standard_text
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    COMPUTED,
    COUNT,
    EXCEL,
    INPUT,
    LABEL,
    LONG_TEXT,
    NARRATIVE,
    OVERRIDE,
    RATE,
    SCORE,
    TEXT,
    TITLE,
    UNIT,
    Cell,
    Formula,
    SheetLayout,
    WorkbookLayout,
)
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.guide import HEADER_FIELDS, guide_layout
from perfeval_xl.workbook.layout.revenue import revenue_sheet

EVALUATION = "evaluation"  # the sheet's key, and the workbook's kind
SHEET_TITLE = "评价指标评分表"
TEXTS_TITLE = "评价报告文字"
UDF, NATIVE = "udf", "native"

HEADINGS = ("一级指标", "二级指标", "三级指标", "分值", "数据A", "数据B", "指标值", "评分标准", "得分", "扣分原因")
LETTERS = dict(
    zip(
        ("level1", "level2", "level3", "points", "a", "b", "value", "standard", "score", "reason"),
        "ABCDEFGHIJ",
        strict=True,
    )
)
KEY = "K"  # the helper column: each row's path
HEADER_ROW, FIRST_ROW = 3, 4
RATE_LABEL = "得分率"


# ---------------------------------------------------------------- the layout


@dataclass(frozen=True)
class SheetPlan:
    """Where each node of the tree sits on the sheet as built: leaf and subtotal rows by path, total and grade."""

    leaf_rows: Mapping[str, int]
    subtotal_rows: Mapping[str, int]
    total_row: int
    grade_row: int


def plan(framework: Framework) -> SheetPlan:
    """Rows in sheet order: each 一级 group's leaves, a 小计 after each 二级 group, a 小计 after the 一级 group."""
    leaf_rows: dict[str, int] = {}
    subtotal_rows: dict[str, int] = {}
    row = FIRST_ROW
    for level1 in _level1_of(framework):
        for child in level1.children:
            if child.is_leaf:
                leaf_rows[child.key] = row
                row += 1
                continue
            for leaf in leaves(child):
                leaf_rows[leaf.key] = row
                row += 1
            subtotal_rows[child.key] = row
            row += 1
        subtotal_rows[level1.key] = row
        row += 1
    return SheetPlan(leaf_rows, subtotal_rows, row, row + 1)


def _level1_of(framework: Framework) -> list[Node]:
    return [node for node in tree(framework) if node.level == 1]


def _c(letter_key: str, row: int) -> str:
    return f"{LETTERS[letter_key]}{row}"


def _excel(ref: str, text: str, kind: str, role: str = COMPUTED, name: str | None = None, what: str = "") -> Cell:
    return Cell(ref, role, text, name, kind, Formula(EXCEL, ()), description=what)


def evaluation_sheet(framework: Framework, flavour: str) -> SheetLayout:
    """The 评价指标评分表 as built for `flavour` (PE_* functions, or plain Excel formulas)."""
    where = plan(framework)
    cells: list[Cell] = [
        Cell(
            "A1", COMPUTED, "部门整体支出绩效评价指标评分表", style="title", formula=Formula(TITLE, ()), merge_to="J1"
        ),
        Cell("A2", LABEL, "被评价单位", style="row_label"),
        Cell("B2", COMPUTED, "", kind=TEXT, formula=Formula(UNIT, ()), merge_to="D2"),
        Cell("E2", LABEL, "评价指标体系", style="row_label"),
        Cell("F2", LABEL, framework.title, style="note", merge_to="J2"),
    ]
    cells += [
        Cell(f"{letter}{HEADER_ROW}", LABEL, text, style="heading")
        for letter, text in zip("ABCDEFGHIJ", HEADINGS, strict=True)
    ]
    cells.append(Cell(f"{KEY}{HEADER_ROW}", LABEL, "指标路径（辅助列，请勿修改）", style="helper"))
    groups = _level1_of(framework)
    for level1 in groups:
        cells += _group_cells(level1, where, flavour)
    total, grade = where.total_row, where.grade_row
    level1_rows = [where.subtotal_rows[node.key] for node in groups]
    cells += [
        Cell(_c("level3", total), LABEL, TOTAL, style="row_label"),
        _excel(_c("points", total), "=SUM(" + ",".join(_c("points", r) for r in level1_rows) + ")", SCORE),
        Cell(_c("b", total), LABEL, RATE_LABEL, style="row_label"),
        _excel(_c("value", total), _rate_formula(total), RATE),
        _excel(
            _c("score", total),
            _sum_formula([_c("score", r) for r in level1_rows]),
            SCORE,
            name="eval_total",
            what="总分",
        ),
        Cell(_c("level3", grade), LABEL, GRADE, style="row_label"),
        _excel(_c("score", grade), _grade_formula(framework, _c("score", total)), TEXT, name="eval_grade", what="等级"),
    ]
    first, last = FIRST_ROW, total - 1
    return SheetLayout(
        EVALUATION,
        SHEET_TITLE,
        tuple(cells),
        widths={"A": 8, "B": 10, "C": 16, "D": 6, "E": 10, "F": 10, "G": 9, "H": 44, "I": 7, "J": 24, KEY: 30},
        heights={1: 30, HEADER_ROW: 30, **_row_heights(framework, where)},
        landscape=True,
        print_rows=f"{HEADER_ROW}:{HEADER_ROW}",
        print_columns="A:J",
        ranges={"eval_indicators": f"A{first}:{KEY}{last}"},
    )


# how many characters of Chinese text a line of the 评分标准 (H) and 三级指标 (C) columns holds at their widths
_STANDARD_CHARACTERS_PER_LINE, _NAME_CHARACTERS_PER_LINE, _POINTS_PER_LINE = 21, 7, 14


def _row_heights(framework: Framework, where: SheetPlan) -> dict[int, float]:
    """Leaf rows tall enough for their wrapped standard and name: neither Excel nor LibreOffice sizes rows of a
    generated file by themselves, and a cut-off standard is a standard nobody can read on paper."""
    heights = {}
    for indicator in framework.indicators:
        lines = max(
            -(-len(standard_text(indicator)) // _STANDARD_CHARACTERS_PER_LINE),
            -(-len(_row_name(indicator)) // _NAME_CHARACTERS_PER_LINE),
            1,
        )
        heights[where.leaf_rows[indicator.key]] = float(min(409, _POINTS_PER_LINE * lines + 4))  # Excel's maximum
    return heights


def _row_name(indicator: EvalIndicator) -> str:
    """The name a leaf row shows: a 4-level path's 三级 and 四级 joined as “三级：四级”."""
    return f"{indicator.path[2]}：{indicator.path[3]}" if len(indicator.path) == 4 else indicator.path[-1]


def _group_cells(level1: Node, where: SheetPlan, flavour: str) -> list[Cell]:
    """A 一级 group: its leaves, a 小计 after each 二级 group (over its leaf rows, a range that grows when rows are
    inserted inside it), and the 一级 小计 over the 二级 小计 rows and the 2-level leaves."""
    cells: list[Cell] = []
    top = min(where.leaf_rows[leaf.key] for leaf in leaves(level1))
    bottom = where.subtotal_rows[level1.key]
    cells.append(Cell(f"A{top}", LABEL, level1.path[0], style="vertical", merge_to=f"A{bottom}"))
    parts: list[int] = []  # the rows the 一级 小计 adds up
    for child in level1.children:
        if child.is_leaf:
            row = where.leaf_rows[child.key]
            cells += _leaf_cells(child.indicator, row, flavour, name_in="level2")
            parts.append(row)
            continue
        rows = [where.leaf_rows[leaf.key] for leaf in leaves(child)]
        subtotal = where.subtotal_rows[child.key]
        cells.append(
            Cell(_c("level2", rows[0]), LABEL, child.path[1], style="vertical", merge_to=_c("level2", subtotal))
        )
        for leaf in leaves(child):
            cells += _leaf_cells(leaf.indicator, where.leaf_rows[leaf.key], flavour)
        ranges = {key: [f"{_c(key, rows[0])}:{_c(key, rows[-1])}"] for key in ("points", "score")}
        cells += _subtotal_cells(child, subtotal, ranges["points"], ranges["score"])
        parts.append(subtotal)
    cells += _subtotal_cells(level1, bottom, [_c("points", r) for r in parts], [_c("score", r) for r in parts])
    return cells


def _subtotal_cells(node: Node, row: int, points: list[str], scores: list[str]) -> list[Cell]:
    return [
        Cell(_c("level3", row), LABEL, SUBTOTAL, style="row_label"),
        _excel(_c("points", row), f"=SUM({','.join(points)})", SCORE),
        Cell(_c("b", row), LABEL, RATE_LABEL, style="row_label"),
        _excel(_c("value", row), _rate_formula(row), RATE),
        _excel(_c("score", row), _sum_formula(scores), SCORE, what=f"{node.key} 小计"),
        Cell(f"{KEY}{row}", LABEL, node.key, style="helper"),
    ]


def _leaf_cells(indicator: EvalIndicator | None, row: int, flavour: str, name_in: str = "level3") -> list[Cell]:
    assert indicator is not None
    what = indicator.key
    cells = [
        Cell(_c(name_in, row), LABEL, _row_name(indicator), style="row_label"),
        Cell(_c("points", row), LABEL, _n(indicator.points), kind=SCORE),  # as the rule gives it, never rounded
        Cell(_c("standard", row), LABEL, standard_text(indicator), kind=LONG_TEXT, style="note"),
        Cell(_c("reason", row), INPUT, "", None, LONG_TEXT, description=f"{what} 扣分原因"),
        Cell(f"{KEY}{row}", LABEL, indicator.key, style="helper"),
    ]
    cells += _figure_cells(indicator, row)
    value_ref = _c("value", row)
    if indicator.value is not None:
        cells.append(
            _excel(
                value_ref,
                value_formula(indicator, row, flavour),
                RATE if _percent_value(indicator) else SCORE,
                OVERRIDE,
                what=f"{what} 指标值",
            )
        )
    elif indicator.computed:
        cells.append(
            Cell(value_ref, INPUT, "", None, RATE if indicator.percent else AMOUNT, description=f"{what} 指标值")
        )
    else:
        cells.append(Cell(value_ref, LABEL, ""))
    score_ref = _c("score", row)
    if indicator.computed:
        cells.append(_excel(score_ref, score_formula(indicator, row, flavour), SCORE, OVERRIDE, what=f"{what} 得分"))
    else:
        cells.append(Cell(score_ref, INPUT, "", None, SCORE, description=f"{what} 得分"))
    return cells


def _figure_cells(indicator: EvalIndicator, row: int) -> list[Cell]:
    a, b = _c("a", row), _c("b", row)
    spec = indicator.value
    if spec is not None and spec.sources:
        return [
            _excel(a, _link_formula(spec.sources[0]), AMOUNT, what=f"{indicator.key} {spec.a}"),
            _excel(b, _link_formula(spec.sources[1]), AMOUNT, what=f"{indicator.key} {spec.b}"),
        ]
    if spec is not None:
        return [
            Cell(a, INPUT, "", None, AMOUNT, description=f"{indicator.key} {spec.a}"),
            Cell(b, INPUT, "", None, AMOUNT, description=f"{indicator.key} {spec.b}"),
        ]
    if isinstance(indicator.rule, ChecklistRule):
        return [
            Cell(a, INPUT, "", None, TEXT, description=f"{indicator.key} 符合的评价要点（如 1、3）"),
            Cell(b, LABEL, ""),
        ]
    if isinstance(indicator.rule, FindingsRule):
        return [Cell(a, INPUT, "", None, COUNT, description=f"{indicator.key} 发现的问题个数"), Cell(b, LABEL, "")]
    return [Cell(a, LABEL, ""), Cell(b, LABEL, "")]


def _percent_value(indicator: EvalIndicator) -> bool:
    return indicator.value is not None and indicator.value.rate != "change_amount"


# ---------------------------------------------------------------- formulas


def _link_formula(name: str) -> str:
    """A figure from 附件1/收支预决算: blank stays blank (a bare =name would show 0 and give a rate of 0)."""
    return f'=IF({name}="","",{name})'


def value_formula(indicator: EvalIndicator, row: int, flavour: str) -> str:
    a, b, key = _c("a", row), _c("b", row), f"{KEY}{row}"
    if flavour == UDF:
        return f"=PE_EVALVALUE({a},{b},eval_rule_set,{key})"
    assert indicator.value is not None
    rate = indicator.value.rate
    if rate == "change_amount":
        return f'=IF(OR({a}="",{b}=""),"",{a}-{b})'
    if rate in MAGNITUDE_RATES:
        quotient = f"ABS({a}-{b})/{b}"
    elif rate in ("relative_change", "change_rate", "variance_rate"):
        quotient = f"({a}-{b})/{b}"
    else:
        quotient = f"{a}/{b}"
    return f'=IF(OR({a}="",{b}=""),"",IF(N({b})=0,"—",{quotient}))'


def score_formula(indicator: EvalIndicator, row: int, flavour: str) -> str:
    value, key = _c("value", row), f"{KEY}{row}"
    if flavour == UDF:
        return f"=PE_EVALSCORE({value},eval_rule_set,{key})"
    rule = indicator.rule
    v = f"ABS({value})" if indicator.value is not None and indicator.value.rate in MAGNITUDE_RATES else value
    places = indicator.score_places
    if isinstance(rule, BandsRule):
        expression = '""'
        for band in reversed(rule.bands):
            expression = f"IF({_band_condition(band.bounds(), v)},{_n(round_half_up(band.score, places))},{expression})"
    elif isinstance(rule, PerPointRule):
        within = f"{v}<={_n(rule.bound)}" if rule.op == "le" else f"{v}>={_n(rule.bound)}"
        beyond = f"({v}-{_n(rule.bound)})" if rule.op == "le" else f"({_n(rule.bound)}-{v})"
        steps = f"{beyond}/{_n(rule.step)}"
        # the float noise of (1.05-1)/0.01 = 5.000000000000004 must not count as a sixth step
        if rule.count == "ceil":
            steps = f"ROUNDUP(ROUND({steps},9),0)"
        elif rule.count == "floor":
            steps = f"ROUNDDOWN(ROUND({steps},9),0)"
        points = _n(indicator.points)
        expression = f"ROUND(IF({within},{points},MAX(0,{points}-{_n(rule.deduct)}*{steps})),{places})"
    else:
        assert isinstance(rule, RatioRule)
        share = f"{v}/{_n(rule.target)}" if rule.target is not None else v
        points = _n(indicator.points)
        expression = f"ROUND(MIN({points},MAX(0,{points}*{share})),{places})"
    no_value = getattr(rule, "no_value", None)
    otherwise = f'IF({value}="—",{_n(round_half_up(no_value, places))},"")' if no_value is not None else '""'
    return f"=IF(ISNUMBER({value}),{expression},{otherwise})"


_OPERATORS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<", "eq": "="}


def _band_condition(bounds: Mapping[str, Decimal], v: str) -> str:
    tests = [f"{v}{_OPERATORS[op]}{_n(bound)}" for op, bound in bounds.items()]
    if not tests:
        return "TRUE"
    return tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"


def _n(number: Decimal | None) -> str:
    """A number as Excel formula text: plain digits, never an exponent."""
    assert number is not None
    text = format(number.normalize(), "f")
    return text if text != "-0" else "0"


def _sum_formula(refs: list[str]) -> str:
    joined = ",".join(refs)
    return f'=IF(COUNT({joined})=0,"",SUM({joined}))'


def _rate_formula(row: int) -> str:
    score, points = _c("score", row), _c("points", row)
    return f'=IF(OR({score}="",N({points})=0),"",{score}/{points})'


def _grade_formula(framework: Framework, total: str) -> str:
    """The grade as a plain formula in both flavours: the bands are the framework's, no Python needed."""
    grades = list(framework.grades)
    expression = _excel_text(grades[-1].label)
    for grade in reversed(grades[:-1]):
        expression = f"IF({total}>={_n(grade.minimum)},{_excel_text(grade.label)},{expression})"
    return f'=IF({total}="","",{expression})'


def _excel_text(text: str) -> str:
    """A string literal in a formula: its quotes doubled, as Excel writes them."""
    return '"' + text.replace('"', '""') + '"'


# ---------------------------------------------------------------- the workbook


def guide_lines(framework: Framework) -> tuple[str, ...]:
    return (
        f"本工作簿用于部门整体支出绩效评价：按“{framework.title}”的指标体系打分，并生成绩效评价报告。",
        "1. 只在浅黄色单元格中填写；先在下面填写单位名称和评价年度。",
        "2. 在“评价指标评分表”中填写数据A、数据B（有的取自附件1 或收支预决算，自动带出）；指标值和按标准计算的得分"
        "自动算出（浅绿色，评价人员可以改写）。",
        "3. 逐项评分的指标在数据A 中写符合的评价要点序号（如“1、3”），按问题扣分的指标在数据A 中写发现的问题个数，"
        "再在“得分”中填写得分；人工评分的指标直接填写得分。凡是扣分的，都要在“扣分原因”中写明。",
        "4. 小计、总分、得分率和等级由公式计算；最右一列是指标路径，请勿修改。",
        "5. 在“评价报告文字”中填写报告需要的文字，然后运行 perfeval check 检查、perfeval report 生成评价报告"
        "（或点击“绩效自评 → 生成报告”）。",
    )


def guide_sheet(framework: Framework, template_info: str) -> SheetLayout:
    fields = (
        *HEADER_FIELDS,
        ("eval_evaluator", "评价机构（评价组）", TEXT),
        ("eval_report_date", "报告日期", TEXT),
        ("eval_rule_set", "评价指标体系", TEXT, framework.name),
    )
    return guide_layout("部门整体支出绩效评价工作簿", guide_lines(framework), fields, template_info, line_height=45)


def texts_sheet() -> SheetLayout:
    cells = [
        Cell("A1", LABEL, "评价报告文字", style="title", merge_to="F1"),
        Cell(
            "A2",
            LABEL,
            "这里填写评价报告中需要文字说明的部分；报告中的分值、得分和得分率都取自评分表，不在这里重复。",
            style="note",
            merge_to="F2",
        ),
    ]
    heights = {}
    for offset, (name, label) in enumerate(EVAL_TEXTS):
        row = 4 + offset
        cells.append(Cell(f"A{row}", LABEL, label, style="row_label"))
        cells.append(Cell(f"B{row}", INPUT, "", name, LONG_TEXT, description=label, merge_to=f"F{row}"))
        heights[row] = 90
    return SheetLayout(
        NARRATIVE,
        TEXTS_TITLE,
        tuple(cells),
        widths={"A": 30, **dict.fromkeys("BCDEF", 22)},
        heights={1: 30, 2: 30, **heights},
        print_columns="A:F",
    )


def input_sheets(framework: Framework) -> list[SheetLayout]:
    """附件1 and/or 收支预决算, when the framework links figures to their names."""
    wanted = {
        name
        for indicator in framework.indicators
        if indicator.value and indicator.value.sources
        for name in indicator.value.sources
    }
    sheets = []
    for layout in (basic_sheet(()), revenue_sheet()):
        if wanted & {cell.name for cell in layout.cells if cell.name}:
            sheets.append(layout)
    return sheets


def evaluation_workbook_layout(framework: Framework, flavour: str, template_info: str) -> WorkbookLayout:
    sheets = (
        guide_sheet(framework, template_info),
        evaluation_sheet(framework, flavour),
        *input_sheets(framework),
        texts_sheet(),
    )
    return WorkbookLayout(EVALUATION, tuple(sheets), framework.full_marks)


# ---------------------------------------------------------------- reading


@dataclass
class SheetAccess:
    """What the reader needs of the file: a cell's content and saved result, the linked figures as shown, and
    what a typed text cell says (a formula typed into it counts by its saved result, with a finding if none)."""

    title: str
    raw: Callable[[str], object]
    cached: Callable[[str], object]
    linked: Callable[[str], object]
    findings: list[Finding]
    display: dict[str, object] = field(default_factory=dict)  # A1 -> what each formula cell shows


def _normal(formula: str) -> str:
    """A formula without $, spaces, case or row numbers: rows move when the user inserts rows above."""
    text = re.sub(r"\s+", "", formula.replace("$", "")).upper()
    return re.sub(r"\b([A-Z]{1,3})\d+\b", r"\1#", text)


def _formula(raw: object) -> str | None:
    return raw if isinstance(raw, str) and raw.startswith("=") else None


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _unsaved(cached: object) -> bool:
    """No usable saved result: the file was never calculated (openpyxl, a script) or the formula shows an error."""
    return cached is None or (isinstance(cached, str) and cached.startswith("#"))


def _is_number(value: object) -> bool:
    """A cell value Excel's SUM and ISNUMBER count: a number, not text that looks like one."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


class _Reader:
    def __init__(self, framework: Framework, access: SheetAccess):
        self.framework, self.access = framework, access

    def finding(self, code: Code, message: str, ref: str | None, severity: str | None = None) -> None:
        self.access.findings.append(code(message, CellRef(self.access.title, ref), severity=severity))

    def number(self, value: object, ref: str, what: str) -> Decimal | None:
        """A figure as the engine uses it; text that reads as a number counts, with the hint that Excel's sums and
        plain formulas do not count it."""
        if _blank(value) or value == "—":
            return None
        number = D(value)
        if isinstance(number, NotANumber):
            self.finding(NUMBER_UNREADABLE, f"{what}：{number.reason}", ref)
            return None
        if isinstance(value, str):
            self.finding(
                NUMBER_AS_TEXT,
                f"{what}：“{value[:20]}”是以文本形式存储的数字，Excel 的求和和公式不把它当数字；请改为数字",
                ref,
            )
        return number

    def shown(self, ref: str) -> object:
        """A cell as it shows: the computed value of a formula cell read before, else its content or saved result."""
        if ref in self.access.display:
            return self.access.display[ref]
        raw = self.access.raw(ref)
        return self.access.cached(ref) if _formula(raw) else raw

    def typed(self, ref: str, what: str) -> object:
        """What the evaluator typed: a formula typed there counts by its saved result; without one it is an error."""
        raw = self.access.raw(ref)
        formula = _formula(raw)
        if formula is None:
            return raw
        cached = self.access.cached(ref)
        if _unsaved(cached):
            self.finding(
                INPUT_FORMULA,
                f"{what}：单元格中是公式“{formula[:60]}”，文件里没有它的计算结果；请直接填写数字或文字",
                ref,
            )
            return None
        return cached

    def text(self, ref: str, what: str) -> str:
        shown = self.typed(ref, what)
        return "" if _blank(shown) or (isinstance(shown, str) and shown.startswith("#")) else str(shown).strip()

    def computed(self, ref: str, templates: tuple[str, ...], compute: Callable[[], object], what: str) -> object:
        """A computed cell as it shows: its template formula → compute(); typed over → the typed content; cleared →
        blank; a formula of the user's own → its saved result (an error when the file has none)."""
        raw = self.access.raw(ref)
        formula = _formula(raw)
        if formula is not None and _normal(formula) in {_normal(t) for t in templates}:
            value = compute()
            self.access.display[ref] = value
            return value
        if formula is not None:
            cached = self.access.cached(ref)
            if _unsaved(cached):
                self.finding(
                    FORMULA_REPLACED,
                    f"{what}：公式“{formula[:60]}”不是模板的，文件里也没有它的计算结果；请恢复模板的公式",
                    ref,
                    severity=ERROR,
                )
                self.access.display[ref] = None
                return None
            self.finding(FORMULA_REPLACED, f"{what}：公式已换成“{formula[:60]}”，按文件保存的结果计", ref)
            self.access.display[ref] = cached
            return cached
        if not _blank(raw) and templates:
            self.finding(FORMULA_OVERWRITTEN, f"{what}：公式被改写为 {str(raw)[:40]}，按改写的值计", ref)
        return raw

    def is_template(self, ref: str, templates: tuple[str, ...]) -> bool:
        formula = _formula(self.access.raw(ref))
        return formula is not None and _normal(formula) in {_normal(t) for t in templates}

    # ---------- rows

    def leaf(self, indicator: EvalIndicator, row: int) -> LeafRow:
        what = indicator.key
        value_ref, score_ref = _c("value", row), _c("score", row)
        a, b = self.figure(indicator, row, 0), self.figure(indicator, row, 1)
        if indicator.value is not None:
            templates = tuple(value_formula(indicator, row, f) for f in (UDF, NATIVE))
            shown_value = self.computed(value_ref, templates, lambda: _figure_value(indicator, a, b), f"{what} 指标值")
        else:
            shown_value = self.typed(value_ref, f"{what} 指标值") if indicator.computed else None
        value = shown_value if shown_value == "—" else self.number(shown_value, value_ref, f"{what} 指标值")
        standard = None
        if indicator.computed:
            udf_template = score_formula(indicator, row, UDF)
            templates = (udf_template, score_formula(indicator, row, NATIVE))
            # the plain formula scores only a number (ISNUMBER): a 指标值 typed as text leaves it blank there
            counted = (
                value
                if value == "—" or _is_number(shown_value) or self.is_template(score_ref, (udf_template,))
                else None
            )
            standard = standard_score(indicator, None if counted == "—" else counted)
            raw_score = self.computed(score_ref, templates, lambda: _as_cell(standard), f"{what} 得分")
            typed = not self.is_template(score_ref, templates) and not _blank(self.access.raw(score_ref))
        else:
            raw_score = self.typed(score_ref, f"{what} 得分")
            typed = not _blank(raw_score)
        score = self.number(raw_score, score_ref, f"{what} 得分")
        return LeafRow(
            indicator,
            a,
            b,
            value,
            standard,
            score,
            typed,
            self.text(_c("reason", row), f"{what} 扣分原因"),
            self.shown(_c("points", row)),
            where=self.cells(row, ("points", "a", "b", "value", "score", "reason")),
        )

    def figure(self, indicator: EvalIndicator, row: int, index: int) -> object:
        ref = _c(("a", "b")[index], row)
        spec = indicator.value
        what = f"{indicator.key} {('数据A', '数据B')[index]}"
        if spec is not None and spec.sources:
            name = spec.sources[index]
            shown = self.computed(ref, (_link_formula(name),), lambda: _as_cell(self.access.linked(name)), what)
            return self.number(shown, ref, what)
        if isinstance(indicator.rule, ChecklistRule):
            return self.text(ref, what)
        if spec is None and not isinstance(indicator.rule, FindingsRule):
            return None
        return self.number(self.typed(ref, what), ref, what)

    def sum_row(self, key: str, row: int) -> SumRow:
        points = self.sum_cell(_c("points", row), f"{key} 分值")
        score = self.sum_cell(_c("score", row), f"{key} 得分")
        rate_ref = _c("value", row)
        rate = self.computed(rate_ref, (_rate_formula(row),), lambda: _as_cell(_rate(score, points)), f"{key} 得分率")
        where = self.cells(row, ("points", "score")) | {"rate": CellRef(self.access.title, rate_ref)}
        return SumRow(key, points, score, self.number(rate, rate_ref, f"{key} 得分率"), where=where)

    def cells(self, row: int, columns: tuple[str, ...]) -> dict[str, CellRef]:
        """Where each column's cell of a row is: what a finding about it points at."""
        return {column: CellRef(self.access.title, _c(column, row)) for column in columns}

    def sum_cell(self, ref: str, what: str) -> Decimal | None:
        """A SUM as Excel shows it: the numbers among the cells it names (text is not counted); blank when none
        in the template's =IF(COUNT(…)=0,"",SUM(…)) form. A formula of another shape counts by its saved result."""
        formula = _formula(self.access.raw(ref))
        compact = re.sub(r"\s+", "", formula.upper().replace("$", "")) if formula else ""
        counted = re.fullmatch(r'=IF\(COUNT\(([A-Z0-9:,]+)\)=0,"",SUM\(\1\)\)', compact)
        plain = re.fullmatch(r"=SUM\(([A-Z0-9:,]+)\)", compact)
        cells = _refs((counted or plain).group(1)) if counted or plain else None
        if cells is None:
            return self.number(self.computed(ref, (), lambda: None, what), ref, what)
        terms = [self.shown(cell) for cell in cells]
        numbers = [Decimal(str(t)) if isinstance(t, float) else Decimal(t) for t in terms if _is_number(t)]
        value = sum(numbers, Decimal(0)) if numbers or plain else None
        self.access.display[ref] = _as_cell(value)
        return value


def _refs(text: str) -> list[str] | None:
    """The cells of "I4:I6,I10" (ranges of one column, or single cells, on the sheet's columns); None for anything
    else (whole columns, blocks, intersections): such a formula is the user's own and counts by its saved result."""
    cells: list[str] = []
    for part in text.split(","):
        match = re.fullmatch(r"([A-K])(\d{1,7})(?::([A-K])(\d{1,7}))?", part)
        if match is None:
            return None
        column, top, other, bottom = match.groups()
        if other is None:
            cells.append(f"{column}{top}")
            continue
        if other != column or not 0 < int(top) <= int(bottom) or int(bottom) - int(top) > 10_000:
            return None
        cells += [f"{column}{r}" for r in range(int(top), int(bottom) + 1)]
    return cells


def _figure_value(indicator: EvalIndicator, a: object, b: object) -> object:
    """The 指标值 cell for two figures: blank until both are there, "—" with no denominator."""
    if a is None or b is None:
        return ""
    try:
        value = evaluate_value(indicator, a, b)
    except ArithmeticError:
        value = None
    return "—" if value is None else float(value)


def _rate(score: Decimal | None, points: Decimal | None) -> Decimal | None:
    return None if score is None or points is None else score_rate(score, points)


def _as_cell(value: object) -> object:
    """An engine value as a cell shows it: a float, or blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value


def read_sheet(
    framework: Framework, access: SheetAccess, first: int, last: int, total_ref: str | None, grade_ref: str | None
) -> EvaluationSheet:
    """The rows between `first` and `last` (the eval_indicators range, wherever the user moved it), and the total
    and grade cells the names eval_total and eval_grade point at."""
    reader = _Reader(framework, access)
    leaves_by_key = {indicator.key: indicator for indicator in framework.indicators}
    inner = {node.key for node in tree(framework) if not node.is_leaf}
    leaves: list[LeafRow] = []
    subtotals: dict[str, SumRow] = {}
    for row in range(first, last + 1):
        key_raw = access.raw(f"{KEY}{row}")
        key = "" if _blank(key_raw) else str(key_raw).strip()
        if key in leaves_by_key and key not in {leaf.indicator.key for leaf in leaves}:
            leaves.append(reader.leaf(leaves_by_key[key], row))
        elif key in inner and key not in subtotals:
            subtotals[key] = reader.sum_row(key, row)
        elif any(not _blank(access.raw(_c(k, row))) for k in ("level3", "points", "score")):
            name = access.raw(_c("level3", row)) or access.raw(_c("level2", row)) or ""
            reader.finding(
                EVAL_ROW_UNKNOWN,
                f"第 {row} 行（{str(name)[:20] or '无名称'}）不是评价指标体系“{framework.name}”中的指标："
                "它的得分也会计入小计；请删除这一行，或在指标体系文件中加上这个指标",
                f"C{row}",
            )
    found = {leaf.indicator.key for leaf in leaves}
    for indicator in framework.indicators:
        if indicator.key not in found:
            reader.finding(
                EVAL_ROW_MISSING,
                f"评分表中找不到指标“{indicator.key}”的行（最右一列的指标路径被改动或整行被删除）",
                None,
            )
    total = None
    if total_ref and re.fullmatch(r"I\d+", total_ref):
        total = reader.sum_row("总分", int(total_ref[1:]))
    elif total_ref:
        reader.finding(NAME_BROKEN, f"名称“eval_total”应指向评分表“得分”一列的总分，而不是 {total_ref}", total_ref)
    grade = None
    if grade_ref and total_ref:
        grade = reader.computed(
            grade_ref,
            (_grade_formula(framework, total_ref),),
            lambda: "" if total is None or total.score is None else grade_of(framework, total.score),
            "等级",
        )
    scores = score_tree(framework, {leaf.indicator.key: leaf.score for leaf in leaves})
    return EvaluationSheet(
        framework,
        access.title,
        tuple(leaves),
        subtotals,
        total,
        "" if _blank(grade) else str(grade).strip(),
        scores,
        where={"grade": CellRef(access.title, grade_ref)} if grade_ref else {},
    )
