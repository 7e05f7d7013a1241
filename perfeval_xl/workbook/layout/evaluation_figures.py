"""The 评分表's figure cells: 数据A and 数据B as each method takes them (typed, linked to 附件1/收支预决算, built from
inputs of their own in rows below the indicator), their number formats by unit, and the cell helper both use."""

from __future__ import annotations

from perfeval_xl.core.frameworks import ChecklistRule, EvalIndicator, FindingsRule, ValueSpec
from perfeval_xl.workbook.layout.base import (
    AMOUNT,
    AREA,
    COMPUTED,
    COUNT,
    EXCEL,
    FIGURE,
    INPUT,
    LABEL,
    RATE,
    TEXT,
    Cell,
    Formula,
)
from perfeval_xl.workbook.layout.evaluation_formulas import (
    KEY,
    figure_part_rows,
    link_formula,
    parts_formula,
    ref_at,
)


def part_count(indicator: EvalIndicator | None) -> int:
    """How many input rows a leaf's figures built from several inputs take below it."""
    spec = indicator.value if indicator is not None else None
    return 0 if spec is None else len(spec.parts[0]) + len(spec.parts[1])


def part_key(leaf: str, index: int, number: int) -> str:
    """The helper column of a figure's input row: “…/预算调整率#a2” (数据A's second input)."""
    return f"{leaf}#{'ab'[index]}{number}"


def excel_cell(ref: str, text: str, kind: str, role: str = COMPUTED, name: str | None = None, what: str = "") -> Cell:
    return Cell(ref, role, text, name, kind, Formula(EXCEL, ()), description=what)


def part_cells(indicator: EvalIndicator | None, rows: tuple[int, ...]) -> list[Cell]:
    """The inputs a figure is built from, a row each below the leaf: the name in the 三级 column, the number in the
    figure's own column (数据A or 数据B), what they make up in the 评分标准 column of the first, ruled like every
    row."""
    if not rows or indicator is None or indicator.value is None:
        return []
    spec, cells = indicator.value, []
    numbered = [(index, n, part) for index in (0, 1) for n, part in enumerate(spec.parts[index], start=1)]
    for row, (index, number, part) in zip(rows, numbered, strict=True):
        column = ("a", "b")[index]
        unit = spec.units()[index]
        cells += [
            Cell(ref_at("level3", row), LABEL, part.words, style="note"),
            Cell(ref_at("standard", row), LABEL, part_note(spec, index) if number == 1 else "", style="note"),
            Cell(
                ref_at(column, row),
                INPUT,
                "",
                None,
                unit_kind(unit) if unit else AMOUNT,
                description=f"{indicator.key} {part.name}",
            ),
            Cell(f"{KEY}{row}", LABEL, part_key(indicator.key, index, number), style="helper"),
            *(Cell(ref_at(c, row), LABEL, "") for c in ("points", "a", "b", "value", "score", "reason") if c != column),
        ]
    return cells


def part_note(spec: ValueSpec, index: int) -> str:
    """What a figure's input rows make up, beside the first of them."""
    label = ("数据A", "数据B")[index]
    signs = [("" if n == 0 else " + ") if p.sign > 0 else " − " for n, p in enumerate(spec.parts[index])]
    formula = "".join(sign + part.name for sign, part in zip(signs, spec.parts[index], strict=True))
    return f"{label}（{(spec.a, spec.b)[index]}）= {formula}，各项填在{label}一栏"


def part_labels(spec: ValueSpec) -> list[tuple[str, str]]:
    """Each input row's 三级 label and 评分标准 note, in row order (for the rows' heights)."""
    return [
        (part.words, part_note(spec, index) if number == 0 else "")
        for index in (0, 1)
        for number, part in enumerate(spec.parts[index])
    ]


# how a figure in each unit shows: amounts with two places, things counted whole, a rate as a percentage; any
# other unit (亩, 吨, 公里) as typed
_COUNTED = frozenset("人个场次项件户份名家所台辆套篇期批天")


def unit_kind(unit: str) -> str | None:
    """The cell kind (its number format) of a figure in `unit`."""
    if unit.endswith("元"):
        return AMOUNT
    if unit in _COUNTED:
        return COUNT
    if unit == "%":
        return RATE
    return AREA if unit == "平方米" else FIGURE


def figure_cells(indicator: EvalIndicator, row: int) -> list[Cell]:
    a, b = ref_at("a", row), ref_at("b", row)
    spec = indicator.value
    if spec is not None:
        kinds = [unit_kind(unit) if unit else AMOUNT for unit in spec.units()]
        names = [f"{indicator.key} {name}" for name in (spec.a, spec.b)]
    if spec is not None and spec.sources:
        return [
            excel_cell(a, link_formula(spec.sources[0]), kinds[0], what=names[0]),
            excel_cell(b, link_formula(spec.sources[1]), kinds[1], what=names[1]),
        ]
    if spec is not None:
        figures = []
        for index, ref in enumerate((a, b)):
            rows = figure_part_rows(spec, index, row)
            if rows:
                formula = parts_formula(("a", "b")[index], rows, [p.sign for p in spec.parts[index]])
                figures.append(excel_cell(ref, formula, kinds[index], what=names[index]))
            else:
                figures.append(Cell(ref, INPUT, "", None, kinds[index], description=names[index]))
        return figures
    if indicator.from_target:
        return [
            Cell(a, INPUT, "", None, TEXT, description=f"{indicator.key} 年度指标值（如“100场以上”）"),
            Cell(b, INPUT, "", None, TEXT, description=f"{indicator.key} 实际完成值（如“112场”）"),
        ]
    if isinstance(indicator.rule, ChecklistRule):
        return [
            Cell(a, INPUT, "", None, TEXT, description=f"{indicator.key} 符合的评价要点（如 1、3）"),
            Cell(b, LABEL, ""),
        ]
    if isinstance(indicator.rule, FindingsRule) and indicator.rule.kinds:
        example = "、".join(["0"] * len(indicator.rule.kinds))
        what = f"{indicator.key} 各类问题的个数，按评分标准的顺序（如 {example}）"
        return [Cell(a, INPUT, "", None, TEXT, description=what), Cell(b, LABEL, "")]
    if isinstance(indicator.rule, FindingsRule):
        return [Cell(a, INPUT, "", None, COUNT, description=f"{indicator.key} 发现的问题个数"), Cell(b, LABEL, "")]
    return [Cell(a, LABEL, ""), Cell(b, LABEL, "")]
