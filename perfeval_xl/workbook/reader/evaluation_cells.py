"""The 评价指标评分表's cells as the reader sees them: what a cell shows (the core's to say, remembered for the sums
above it), and what a 小计 or the 总分 adds up, including rows that are not the framework's and indicators marked
不适用."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from perfeval_xl.core.frameworks import Framework
from perfeval_xl.core.numbers import format_score, is_blank
from perfeval_xl.core.records import CellRef, SumRow
from perfeval_xl.engine.evaluation.scores import prorated, score_rate, tree
from perfeval_xl.workbook.layout.evaluation_formulas import rate_formula, ref_at
from perfeval_xl.workbook.reader.cells import TEMPLATE, TYPED, Cells, Shown, formula_text
from perfeval_xl.workbook.reader.evaluation_sums import (
    APPLICABLE,
    CREDIT,
    PRORATED,
    Summed,
    normal_formula,
    sum_refs,
    summed_number,
)

DASH = "—"  # what a 指标值 shows when there is no denominator


class SheetCells:
    """The 评分表's cells: which formula is the template's, what it shows, and what its sums add up."""

    def __init__(
        self,
        framework: Framework,
        cells: Cells,
        title: str,
        linked: Callable[[str], object],
        display: dict[tuple[str, str], object],
    ):
        self.framework, self.cells, self.title, self.linked, self.display = framework, cells, title, linked, display
        # rows that are not the framework's, and what each SUM cell holds of them: cell -> (amount, rows)
        self.foreign_rows: list[int] = []
        self.foreign: dict[str, tuple[Decimal, frozenset[int]]] = {}
        # the rows of figures' inputs: (leaf, 0 for a or 1 for b, number) -> row
        self.parts: dict[tuple[str, int, int], int] = {}
        self.part_rows: set[int] = set()
        self.part_values: dict[tuple[str, int], list[tuple[str, Decimal | None]]] = {}

    def at(self, ref: str) -> CellRef:
        return CellRef(self.title, ref)

    def raw(self, ref: str) -> object:
        return self.cells.raw(self.at(ref))

    def shown(self, ref: str) -> object:
        """A cell as it shows: what a template formula read before gives, else its content or saved result."""
        if (self.title, ref) in self.display:
            return self.display[(self.title, ref)]
        raw = self.raw(ref)
        return self.cells.cached(self.at(ref)) if formula_text(raw) else raw

    def computed(
        self, ref: str, templates: tuple[str, ...], compute: Callable[[], object], what: str, kind: str | None = None
    ) -> Shown:
        """A computed cell as the core says it shows; `templates` are its formulas in either flavour."""
        normal = {normal_formula(template) for template in templates}
        shown = self.cells.computed(self.at(ref), what, kind, lambda text: normal_formula(text) in normal, compute)
        if shown.state == TEMPLATE:
            self.display[(self.title, ref)] = shown.value
        return shown

    def number(self, value: object, ref: str, what: str) -> Decimal | None:
        """A figure the core returned (a template's result comes as the float or text the cell shows)."""
        if value is None or isinstance(value, str):
            return None
        return self.cells.number(value, self.at(ref), what)

    def value_of(self, shown: Shown, ref: str, what: str) -> object:
        """A 指标值 as the score sees it: a number, None when blank, or "—" (no value; typed "—" means that too)."""
        if shown.value == DASH or (shown.state == TYPED and str(shown.raw).strip() == DASH):
            return DASH
        return self.number(shown.value, ref, what)

    def is_template(self, ref: str, templates: tuple[str, ...]) -> bool:
        formula = formula_text(self.raw(ref))
        return formula is not None and normal_formula(formula) in {normal_formula(t) for t in templates}

    # ---------- rows

    def foreign_row(self, row: int) -> None:
        """A row that is not one of the framework's (an inserted custom indicator): what it holds is remembered, so
        that the SUMs whose range it fell into are judged without it, and its one finding says which they are."""
        self.foreign_rows.append(row)
        for column in ("points", "score"):
            number = summed_number(self.shown(ref_at(column, row)))
            if number is not None:
                self.foreign[ref_at(column, row)] = (number, frozenset((row,)))

    def foreign_message(self, row: int, subtotals: dict[str, SumRow], total: SumRow | None) -> str:
        labels = {node.key: node.subtotal_label for node in tree(self.framework) if not node.is_leaf}
        sums = [
            labels.get(key, "总分")
            for key, sum_row in (*subtotals.items(), *((("总分", total),) if total else ()))
            if any(row in self.foreign_in(sum_row.at(column)) for column in ("points", "score"))
        ]
        held = [
            f"{label} {format_score(self.foreign[ref_at(column, row)][0], self.framework.score_places)} 分"
            for column, label in (("points", "分值"), ("score", "得分"))
            if ref_at(column, row) in self.foreign
        ]
        if sums and held:
            counted = f"它的{'、'.join(held)}计入了{'、'.join(sums)}（这些合计因此与指标体系不符，不再另报）"
        elif held:
            counted = "它不在任何小计的求和范围内，没有计入总分"
        elif any(not is_blank(self.raw(ref_at(column, row))) for column in ("points", "score")):
            counted = "它的分值、得分不是数字，没有计入任何合计"
        else:
            counted = "它没有分值和得分"
        name = self.raw(ref_at("level3", row)) or self.raw(ref_at("level2", row)) or ""
        return (
            f"第 {row} 行（{str(name)[:20] or '无名称'}）不是评价指标体系“{self.framework.name}”中的指标："
            f"{counted}；请删除这一行，或在指标体系文件中加上这个指标"
        )

    def foreign_in(self, cell: CellRef | None) -> frozenset[int]:
        """The rows not of the framework whose figures a SUM cell adds up."""
        return self.foreign[cell.cell][1] if cell is not None and cell.cell in self.foreign else frozenset()

    def sum_row(self, key: str, row: int, fixed_points: bool = False) -> SumRow:
        """A 小计 or the 总分 row; `fixed_points`: its 分值 is the framework's full marks, written (a total scaled
        to them by 按适用分值折算)."""
        points_ref = ref_at("points", row)
        if fixed_points:  # a written number: read as any typed figure (text in it is named at the cell)
            points = self.cells.number(self.shown(points_ref), self.at(points_ref), "总分 分值")
        else:
            points = self.sum_cell(points_ref, f"{key} 分值")
        score = self.sum_cell(ref_at("score", row), f"{key} 得分")
        typed = sum_refs(self.raw(ref_at("score", row)), self.framework) is None
        rate_ref = ref_at("value", row)
        shown = self.computed(rate_ref, (rate_formula(row),), lambda: as_cell(rate_of(score, points)), f"{key} 得分率")
        where = {"points": self.at(ref_at("points", row)), "score": self.at(ref_at("score", row))}
        rate = self.number(shown.value, rate_ref, f"{key} 得分率")
        foreign = [self.foreign.get(ref_at(column, row), (Decimal(0),))[0] for column in ("points", "score")]
        return SumRow(key, points, score, rate, typed, *foreign, where=where | {"rate": self.at(rate_ref)})

    def sum_cell(self, ref: str, what: str) -> Decimal | None:
        """A SUM as Excel shows it: the numbers among the cells it names (text is not counted); blank when none
        in the template's =IF(COUNT(…)=0,"",SUM(…)) form. A formula of another shape counts by its saved result."""
        summed = sum_refs(self.raw(ref), self.framework)
        if summed is None:  # typed over, cleared, or a formula of the user's: as the core says it shows
            return self.number(self.computed(ref, (), lambda: None, what).value, ref, what)
        value = self.sum_value(summed)
        refs = summed.cells
        held = [self.foreign[cell] for cell in refs if cell in self.foreign]
        if held:
            amount = sum((figure for figure, _ in held), Decimal(0))
            self.foreign[ref] = (amount, frozenset().union(*(rows for _, rows in held)))
        self.display[(self.title, ref)] = as_cell(value)
        return value

    def sum_value(self, summed: Summed) -> Decimal | None:
        """What a template-shaped sum shows: the numbers among its cells (text is not counted), with the 分值 of the
        parts marked 不适用 added (CREDIT) or taken out (APPLICABLE), or the total scaled (PRORATED)."""
        # a number no sheet should hold (1e308, an infinity) is a finding at its own cell and left out here, so
        # that one bad cell does not also make every sum above it look wrong
        terms = [n for n in map(summed_number, (self.shown(cell) for cell in summed.cells)) if n is not None]
        scores, points = (summed.others, summed.cells) if summed.shape == APPLICABLE else (summed.cells, summed.others)
        pairs = zip(scores, points, strict=True) if summed.shape in (CREDIT, APPLICABLE) else ()
        marked = [summed_number(self.shown(p)) or Decimal(0) for s, p in pairs if self.shown(s) in summed.words]
        if summed.shape == CREDIT:
            return sum(terms, Decimal(0)) + sum(marked, Decimal(0)) if terms or marked else None
        if summed.shape == APPLICABLE:
            return sum(terms, Decimal(0)) - sum(marked, Decimal(0))
        if summed.shape == PRORATED:
            applicable = [n for n in map(summed_number, (self.shown(cell) for cell in points)) if n is not None]
            return prorated(sum(terms, Decimal(0)), sum(applicable, Decimal(0)), self.framework) if terms else None
        return sum(terms, Decimal(0)) if terms or summed.plain else None


def rate_of(score: Decimal | None, points: Decimal | None) -> Decimal | None:
    return None if score is None or points is None else score_rate(score, points)


def as_cell(value: object) -> object:
    """An engine value as a cell shows it: a float, or blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    return value
