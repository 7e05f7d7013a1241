"""The 评价指标评分表 of an evaluation workbook, generated from its framework, and the workbook around it.

One row per leaf in rule-file order, a 小计 after each 二级 and each 一级 group, then 总分 and 等级. A helper column
right of the printed ones holds each row's path ("过程/预算执行/预算调整率"), so the reader and PE_EVALVALUE and
PE_EVALSCORE know the row's indicator wherever the user moved it, and a row the user inserted is recognised as not
the framework's.
Formulas come in both flavours: PE_* functions, or plain Excel formulas computing the same."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from perfeval_xl.core.frameworks import (
    GRADE,
    NA_PRORATE,
    NOT_CHOSEN,
    TOTAL,
    CustomRule,
    EvalIndicator,
    Framework,
    Node,
)
from perfeval_xl.engine.evaluation.scores import (
    leaves,
    tree,
)
from perfeval_xl.engine.evaluation.words import figures_text, standard_text
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    COMPUTED,
    INPUT,
    LABEL,
    LONG_TEXT,
    OVERRIDE,
    RATE,
    SCORE,
    TEXT,
    TITLE,
    UDF,
    UNIT,
    Cell,
    Formula,
    SheetLayout,
)
from perfeval_xl.workbook.layout.evaluation_figures import (
    excel_cell,
    figure_cells,
    part_cells,
    part_count,
    part_labels,
)
from perfeval_xl.workbook.layout.evaluation_formulas import (
    KEY,
    formula_number,
    grade_formula,
    leaf_rate_formula,
    percent_value,
    prorated_total_formula,
    rate_formula,
    ref_at,
    score_formula,
    subtotal_formulas,
    sum_formula,
    value_formula,
)
from perfeval_xl.workbook.layout.paper import (
    DEFAULT_HEIGHT,
    fit_vertical_labels,
    lines_height,
    page_breaks,
    text_lines,
)

EVALUATION = "evaluation"  # the sheet's key, and the workbook's kind


SHEET_TITLE = "评价指标评分表"


HEADINGS = ("一级指标", "二级指标", "三级指标", "分值", "数据A", "数据B", "指标值", "评分标准", "得分", "扣分原因")


HEADER_ROW, FIRST_ROW = 3, 4


RATE_LABEL = "得分率"


PRORATED_NOTE = "不适用的指标不计分值，总分 = 得分合计 ÷ 适用指标分值合计 × 满分"


@dataclass(frozen=True)
class SheetPlan:
    """Where each node of the tree sits on the sheet as built: leaf and subtotal rows by path, total and grade."""

    leaf_rows: Mapping[str, int]
    subtotal_rows: Mapping[str, int]
    total_row: int
    grade_row: int
    custom_rows: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # a slot's rows, above its own (小计)
    part_rows: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # a figure's inputs, below its leaf


def plan(framework: Framework) -> SheetPlan:
    """Rows in sheet order: each 一级 group's leaves, a 小计 after each 二级 group, a 小计 after the 一级 group."""
    leaf_rows: dict[str, int] = {}
    subtotal_rows: dict[str, int] = {}
    custom_rows: dict[str, tuple[int, ...]] = {}
    part_rows: dict[str, tuple[int, ...]] = {}
    row = FIRST_ROW

    def after(leaf: Node) -> int:
        """The leaf's row, then the rows of its figures' inputs; the next free row."""
        leaf_rows[leaf.key] = row
        count = part_count(leaf.indicator)
        if count:
            part_rows[leaf.key] = tuple(range(row + 1, row + 1 + count))
        return row + 1 + count

    for level1 in _level1_of(framework):
        for child in level1.children:
            if child.is_leaf and isinstance(child.indicator.rule, CustomRule):  # type: ignore[union-attr]
                custom_rows[child.key] = tuple(range(row, row + child.indicator.rule.rows))  # type: ignore[union-attr]
                row += len(custom_rows[child.key])
            if child.is_leaf:
                row = after(child)
                continue
            for leaf in leaves(child):
                row = after(leaf)
            subtotal_rows[child.key] = row
            row += 1
        subtotal_rows[level1.key] = row
        row += 1
    return SheetPlan(leaf_rows, subtotal_rows, row, row + 1, custom_rows, part_rows)


def _level1_of(framework: Framework) -> list[Node]:
    return [node for node in tree(framework) if node.level == 1]


def evaluation_sheet(framework: Framework, flavour: str) -> SheetLayout:
    """The 评价指标评分表 as built for `flavour` (PE_* functions, or plain Excel formulas)."""
    where = plan(framework)
    cells: list[Cell] = [
        Cell(
            "A1", COMPUTED, "部门整体支出绩效评价指标评分表", style="title", formula=Formula(TITLE, ()), merge_to="J1"
        ),
        # the labels span two columns: the 一级指标 column alone is too narrow for “被评价单位” on paper
        Cell("A2", LABEL, "被评价单位", style="row_label", merge_to="B2"),
        Cell("C2", COMPUTED, "", kind=TEXT, formula=Formula(UNIT, ()), merge_to="E2"),
        Cell("F2", LABEL, "评价指标体系", style="row_label", merge_to="G2"),
        Cell("H2", LABEL, framework.title, style="note", merge_to="J2"),
    ]
    cells += [
        Cell(f"{letter}{HEADER_ROW}", LABEL, text, style="heading")
        for letter, text in zip("ABCDEFGHIJ", HEADINGS, strict=True)
    ]
    cells.append(Cell(f"{KEY}{HEADER_ROW}", LABEL, "指标路径（辅助列，请勿修改）", style="helper"))
    groups = _level1_of(framework)
    for level1 in groups:
        cells += _group_cells(level1, where, flavour, framework)
    total, grade = where.total_row, where.grade_row
    level1_rows = [where.subtotal_rows[node.key] for node in groups]
    scores = [ref_at("score", r) for r in level1_rows]
    if framework.not_applicable == NA_PRORATE:  # 100 分 and the scaled total; the 一级 小计 show what applies
        points = Cell(ref_at("points", total), LABEL, formula_number(framework.full_marks), kind=SCORE)
        cells.append(Cell(ref_at("standard", total), LABEL, PRORATED_NOTE, kind=LONG_TEXT, style="note"))
        formula = prorated_total_formula(scores, framework)
        score = excel_cell(ref_at("score", total), formula, SCORE, name="eval_total", what="总分")
    else:
        points = excel_cell(
            ref_at("points", total), "=SUM(" + ",".join(ref_at("points", r) for r in level1_rows) + ")", SCORE
        )
        score = excel_cell(ref_at("score", total), sum_formula(scores), SCORE, name="eval_total", what="总分")
    cells += [
        Cell(ref_at("level3", total), LABEL, TOTAL, style="row_label"),
        points,
        Cell(ref_at("b", total), LABEL, RATE_LABEL, style="row_label"),
        excel_cell(ref_at("value", total), rate_formula(total), RATE),
        score,
        Cell(ref_at("level3", grade), LABEL, GRADE, style="row_label"),
        excel_cell(
            ref_at("score", grade),
            grade_formula(framework, ref_at("score", total)),
            TEXT,
            name="eval_grade",
            what="等级",
        ),
    ]
    first, last = FIRST_ROW, total - 1
    heights = _row_heights(framework, where)
    return SheetLayout(
        EVALUATION,
        SHEET_TITLE,
        tuple(cells),
        widths={"A": 8, "B": 10, "C": 16, "D": 6, "E": 10, "F": 10, "G": 9, "H": 44, "I": 7, "J": 24, KEY: 30},
        heights=heights,
        fitted_rows=frozenset(where.leaf_rows.values()).union(*where.custom_rows.values()),
        row_breaks=page_breaks(_page_units(framework, where), heights, heights[1] + DEFAULT_HEIGHT + heights[3], 30),
        landscape=True,
        print_rows=f"{HEADER_ROW}:{HEADER_ROW}",
        print_columns="A:J",
        ranges={"eval_indicators": f"A{first}:{KEY}{last}"},
    )


# how many characters of Chinese text a line of the 评分标准 (H), 三级指标 (C) and 扣分原因 (J) columns holds
_STANDARD_CHARACTERS_PER_LINE, _NAME_CHARACTERS_PER_LINE, REASON_CHARACTERS_PER_LINE = 21, 7, 12


def reason_lines(text: str) -> int:
    """How many lines a 扣分原因 takes in its column."""
    return text_lines(text, REASON_CHARACTERS_PER_LINE)


def _row_heights(framework: Framework, where: SheetPlan) -> dict[int, float]:
    """Leaf rows tall enough for their wrapped standard and name (neither Excel nor LibreOffice sizes rows of a
    generated file by themselves, and a cut-off standard is a standard nobody can read on paper), with room for a
    two-line 扣分原因; groups tall enough for their vertical labels."""
    heights = {1: 30.0, HEADER_ROW: 30.0}
    for indicator in framework.indicators:
        lines = max(
            text_lines(sheet_standard(indicator, framework), _STANDARD_CHARACTERS_PER_LINE),
            text_lines(_row_name(indicator), _NAME_CHARACTERS_PER_LINE),
            2,  # room for a 扣分原因 of two lines before the row is refitted (it is a fitted row: see SheetLayout)
        )
        heights[where.leaf_rows[indicator.key]] = lines_height(lines)
        if indicator.value is not None and indicator.key in where.part_rows:  # its inputs' names and what they make
            for row, (name, note) in zip(where.part_rows[indicator.key], part_labels(indicator.value), strict=True):
                lines = max(
                    text_lines(name, _NAME_CHARACTERS_PER_LINE), text_lines(note, _STANDARD_CHARACTERS_PER_LINE)
                )
                heights[row] = lines_height(lines)
    if framework.not_applicable == NA_PRORATE:  # the 总分 row's 评分标准 says how it is scaled
        heights[where.total_row] = lines_height(text_lines(PRORATED_NOTE, _STANDARD_CHARACTERS_PER_LINE))
    labels = []
    for rows in where.custom_rows.values():  # room for a standard of three lines
        heights |= dict.fromkeys(rows, lines_height(3))
    for level1 in _level1_of(framework):
        rows = sorted(_rows_of(leaf, where)[0] for leaf in leaves(level1))
        labels.append((level1.path[0], range(rows[0], where.subtotal_rows[level1.key] + 1), rows[-1]))
        for slot in (c for c in level1.children if c.key in where.custom_rows):
            slot_rows = where.custom_rows[slot.key]
            labels.append((slot.path[1], range(slot_rows[0], where.leaf_rows[slot.key] + 1), slot_rows[-1]))
        for child in (c for c in level1.children if not c.is_leaf):
            group = sorted(where.leaf_rows[leaf.key] for leaf in leaves(child))
            labels.append((child.path[1], range(group[0], where.subtotal_rows[child.key] + 1), group[-1]))
    return fit_vertical_labels(heights, labels)


def _page_units(framework: Framework, where: SheetPlan) -> list[tuple[int, int]]:
    """The runs of rows a page break must not split: each 二级 group with its 小计, each 2-level leaf; a 一级 group's
    合计 stays with its last run, and the 总分 and 等级 with the sheet's last."""
    units: list[tuple[int, int]] = []
    for level1 in _level1_of(framework):
        for child in level1.children:
            rows = sorted(_rows_of(leaf, where)[0] for leaf in leaves(child))
            last = where.part_rows.get(child.key, (where.leaf_rows[child.key],))[-1] if child.is_leaf else None
            units.append((rows[0], last if child.is_leaf else where.subtotal_rows[child.key]))
        units[-1] = (units[-1][0], where.subtotal_rows[level1.key])
    units[-1] = (units[-1][0], where.grade_row)
    return units


def _rows_of(leaf: Node, where: SheetPlan) -> tuple[int, ...]:
    """The rows a leaf takes: its own, or a slot's rows and then its own (their 小计)."""
    return (*where.custom_rows.get(leaf.key, ()), where.leaf_rows[leaf.key])


def _row_name(indicator: EvalIndicator) -> str:
    """The name a leaf row shows: a 4-level path's 三级 and 四级 joined as “三级：四级”."""
    return f"{indicator.path[2]}：{indicator.path[3]}" if len(indicator.path) == 4 else indicator.path[-1]


def _group_cells(level1: Node, where: SheetPlan, flavour: str, framework: Framework) -> list[Cell]:
    """A 一级 group: its leaves, a 小计 after each 二级 group (over its leaf rows, a range that grows when rows are
    inserted inside it), and the 一级 小计 over the 二级 小计 rows and the 2-level leaves."""
    cells: list[Cell] = []
    top = min(_rows_of(leaf, where)[0] for leaf in leaves(level1))
    bottom = where.subtotal_rows[level1.key]
    cells.append(Cell(f"A{top}", LABEL, level1.path[0], style="vertical_top", merge_to=f"A{bottom}"))
    parts: list[int] = []  # the rows the 一级 小计 adds up
    for child in level1.children:
        if child.key in where.custom_rows:
            cells += _slot_cells(child, where.custom_rows[child.key], where.leaf_rows[child.key])
            parts.append(where.leaf_rows[child.key])
            continue
        if child.is_leaf:
            row = where.leaf_rows[child.key]
            cells += _leaf_cells(child.indicator, row, flavour, framework, name_in="level2")
            cells += part_cells(child.indicator, where.part_rows.get(child.key, ()))
            parts.append(row)
            continue
        rows = [where.leaf_rows[leaf.key] for leaf in leaves(child)]
        subtotal = where.subtotal_rows[child.key]
        cells.append(
            Cell(ref_at("level2", rows[0]), LABEL, child.path[1], style="vertical", merge_to=ref_at("level2", subtotal))
        )
        for leaf in leaves(child):
            cells += _leaf_cells(leaf.indicator, where.leaf_rows[leaf.key], flavour, framework)
            cells += part_cells(leaf.indicator, where.part_rows.get(leaf.key, ()))
        ranges = {key: [f"{ref_at(key, rows[0])}:{ref_at(key, rows[-1])}"] for key in ("points", "score")}
        cells += _subtotal_cells(child, subtotal, ranges["points"], ranges["score"], framework)
        parts.append(subtotal)
    points, scores = [ref_at("points", r) for r in parts], [ref_at("score", r) for r in parts]
    cells += _subtotal_cells(level1, bottom, points, scores, framework)
    return cells


def _slot_cells(slot: Node, rows: tuple[int, ...], own: int) -> list[Cell]:
    """A slot of 部门特性指标: its name down the 二级 column, a row per indicator the evaluator sets (name, points,
    standard, score, reason, all typed), and its own row adding them up, as a 二级 group's 小计 does."""
    cells = [Cell(ref_at("level2", rows[0]), LABEL, slot.path[1], style="vertical", merge_to=ref_at("level2", own))]
    for number, row in enumerate(rows, start=1):
        what = f"{slot.key} 第{number}项"
        cells += [
            Cell(ref_at("level3", row), INPUT, "", None, TEXT, description=f"{what} 名称"),
            Cell(ref_at("points", row), INPUT, "", None, SCORE, description=f"{what} 分值"),
            Cell(ref_at("standard", row), INPUT, "", None, LONG_TEXT, description=f"{what} 评分标准"),
            Cell(ref_at("score", row), INPUT, "", None, SCORE, description=f"{what} 得分"),
            Cell(ref_at("reason", row), INPUT, "", None, LONG_TEXT, description=f"{what} 扣分原因"),
            Cell(f"{KEY}{row}", LABEL, custom_key(slot.key, number), style="helper"),
            *(Cell(ref_at(column, row), LABEL, "") for column in ("a", "b", "value")),  # ruled like every row
        ]
    ranges = [f"{ref_at(key, rows[0])}:{ref_at(key, rows[-1])}" for key in ("points", "score")]
    assert slot.indicator is not None
    standard = Cell(ref_at("standard", own), LABEL, sheet_standard(slot.indicator), kind=LONG_TEXT, style="note")
    return [*cells, *_subtotal_cells(slot, own, ranges[:1], ranges[1:]), standard]


def custom_key(slot: str, number: int) -> str:
    """The helper column of a slot's row: the slot's path and the row's number (“产出/部门特性指标#2”)."""
    return f"{slot}#{number}"


def _subtotal_cells(
    node: Node, row: int, points: list[str], scores: list[str], framework: Framework | None = None
) -> list[Cell]:
    points_formula, score_formula = subtotal_formulas(framework, points, scores)
    return [
        Cell(ref_at("level3", row), LABEL, node.subtotal_label, style="row_label"),
        excel_cell(ref_at("points", row), points_formula, SCORE),
        Cell(ref_at("b", row), LABEL, RATE_LABEL, style="row_label"),
        excel_cell(ref_at("value", row), rate_formula(row), RATE),
        excel_cell(ref_at("score", row), score_formula, SCORE, what=f"{node.key} 小计"),
        Cell(f"{KEY}{row}", LABEL, node.key, style="helper"),
    ]


def _leaf_cells(
    indicator: EvalIndicator | None, row: int, flavour: str, framework: Framework, name_in: str = "level3"
) -> list[Cell]:
    assert indicator is not None
    what = indicator.key
    cells = [
        Cell(ref_at(name_in, row), LABEL, _row_name(indicator), style="row_label"),
        # as the rule gives it, never rounded
        Cell(ref_at("points", row), LABEL, formula_number(indicator.points), kind=SCORE),
        Cell(ref_at("standard", row), LABEL, sheet_standard(indicator, framework), kind=LONG_TEXT, style="note"),
        Cell(ref_at("reason", row), INPUT, "", None, LONG_TEXT, description=f"{what} 扣分原因"),
        Cell(f"{KEY}{row}", LABEL, indicator.key, style="helper"),
    ]
    cells += figure_cells(indicator, row)
    value_ref = ref_at("value", row)
    if indicator.from_target and flavour != UDF:  # plain formulas cannot read “100场以上”: the evaluator types it
        cells.append(Cell(value_ref, INPUT, "", None, RATE, description=f"{what} 目标完成程度"))
    elif indicator.value is not None or indicator.from_target:
        cells.append(
            excel_cell(
                value_ref,
                value_formula(indicator, row, flavour),
                RATE if percent_value(indicator) else SCORE,
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
    score_ref = ref_at("score", row)
    if indicator.computed:
        cells.append(
            excel_cell(score_ref, score_formula(indicator, row, flavour), SCORE, OVERRIDE, what=f"{what} 得分")
        )
    else:
        cells.append(Cell(score_ref, INPUT, "", None, SCORE, description=f"{what} 得分"))
    if shows_rate(indicator):  # the 数据B and 指标值 cells are empty here: they take the row's 得分率
        taken = {ref_at("b", row), value_ref}
        cells = [cell for cell in cells if cell.ref not in taken]
        cells.append(Cell(ref_at("b", row), LABEL, RATE_LABEL, style="row_label"))
        cells.append(excel_cell(value_ref, leaf_rate_formula(row), RATE, what=f"{what} 得分率"))
    return cells


def shows_rate(indicator: EvalIndicator) -> bool:
    """A 二级 with no 三级 is a leaf, yet published sheets print a 得分率 for every 二级: its row shows one where
    the 指标值 would be, when it has none (a judged, checklist or findings indicator)."""
    return len(indicator.path) == 2 and indicator.value is None and not indicator.computed


def sheet_standard(indicator: EvalIndicator, framework: Framework | None = None) -> str:
    """The 评分标准 cell: an alternative's group, what 数据A and 数据B are (the evaluator types them), then the
    standard."""
    return f"{choice_text(indicator, framework)}{figures_text(indicator)}{standard_text(indicator)}"


def choice_text(indicator: EvalIndicator, framework: Framework | None) -> str:
    """“与重点工作办结率二者择其一：不选用的一项，得分写“未选用”。” for an alternative; "" for any other indicator."""
    choice = framework.choice_of(indicator.key) if framework else None
    return f"{choice.alongside(indicator.key)}：不选用的，得分写“{NOT_CHOSEN}”。" if choice else ""
