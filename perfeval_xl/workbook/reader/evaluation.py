"""Reading an evaluation workbook: the 评价指标评分表 row by row as it shows after a full recalculation.

What each cell shows is the reader core's (cells.py) to say; this part knows only the sheet: which row is which
indicator (the helper column's path), which formulas are the template's (either flavour, wherever rows moved them),
and what those formulas compute. Figures linked to 附件1 or 收支预决算 are read there, as a self-assessment's are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from openpyxl.utils import range_boundaries

from perfeval_xl.core.codes import (
    CHOICE_MISMATCH,
    EVAL_ROW_MISSING,
    EVAL_ROW_UNKNOWN,
    NAME_BROKEN,
    NAME_MISSING,
    NOT_APPLICABLE_REFUSED,
    NUMBER_UNREADABLE,
)
from perfeval_xl.core.errors import NumberError, WorkbookError
from perfeval_xl.core.frameworks import (
    NA_PRORATE,
    NOT_APPLICABLE,
    NOT_CHOSEN,
    ChecklistRule,
    EvalIndicator,
    FindingsRule,
    Framework,
)
from perfeval_xl.core.names import EVAL_TEXTS
from perfeval_xl.core.numbers import D, is_blank
from perfeval_xl.core.records import CellRef, CustomRow, EvaluationSheet, LeafRow, Submission, SumRow
from perfeval_xl.engine.evaluation.scores import (
    evaluate_value,
    grade_of,
    score_tree,
    standard_score,
    tree,
)
from perfeval_xl.engine.rulefiles import shown_text
from perfeval_xl.workbook.layout.base import BASIC, COUNT, NATIVE, RATE, REVENUE, TEXT, UDF
from perfeval_xl.workbook.layout.basic import basic_sheet
from perfeval_xl.workbook.layout.evaluation import shows_rate
from perfeval_xl.workbook.layout.evaluation_figures import part_key, unit_kind
from perfeval_xl.workbook.layout.evaluation_formulas import (
    KEY,
    grade_formula,
    leaf_rate_formula,
    link_formula,
    parts_formula,
    percent_value,
    rate_formula,
    ref_at,
    score_formula,
    value_formula,
)
from perfeval_xl.workbook.layout.revenue import revenue_sheet
from perfeval_xl.workbook.reader.assessment import basic_record, header_record, revenue_record
from perfeval_xl.workbook.reader.book import GUIDE_LAYOUT, Book
from perfeval_xl.workbook.reader.cells import TEMPLATE, Cells, implausible_number, is_number
from perfeval_xl.workbook.reader.evaluation_cells import DASH, SheetCells, as_cell, rate_of
from perfeval_xl.workbook.reader.evaluation_framework import choose_framework
from perfeval_xl.workbook.reader.evaluation_sums import (
    sum_refs,
    summed_number,
)
from perfeval_xl.workbook.reader.names import Sheet


def read_evaluation(book: Book, framework_given: str | None = None) -> Submission:
    """An evaluation workbook: 说明, the 评价指标评分表, the input sheets its links need, 评价报告文字; scored by
    `framework_given` when given, else by the framework the workbook keeps, else by the one 说明 names."""
    place = book.global_names.get("eval_indicators")
    if place is None or ":" not in place.ref:
        raise WorkbookError(
            "这是评价工作簿，但找不到评分表的区域名称“eval_indicators”（它被删除，或指向的区域已损坏）："
            "请用 perfeval new 重新生成评分表再填写"
        )
    guide_place = book.global_names.get("unit_name") or place
    guide = Sheet(book.wb[guide_place.sheet], GUIDE_LAYOUT, book.global_names)
    framework_name = _text_named(book, "eval_rule_set")
    header, _ = header_record(book, guide, rule_set=framework_name)
    framework = choose_framework(book, framework_name, framework_given)
    inputs = {
        key: sheet
        for key, layout in ((BASIC, basic_sheet(())), (REVENUE, revenue_sheet()))
        if (sheet := book.input_sheet(key, layout)) is not None
    }

    def linked(name: str) -> object:
        sheet = next((s for s in inputs.values() if name in s.layout.named()), None)
        return book.value(sheet, name) if sheet is not None else None

    _min_col, first, _max_col, last = range_boundaries(place.ref)
    total, grade = (_ref_on(book, name, place.sheet) for name in ("eval_total", "eval_grade"))
    sheet = read_sheet(framework, book.cells, place.sheet, linked, book.display, first, last, total, grade)
    texts = {
        name: _text_named(book, name) for name in (*(n for n, _ in EVAL_TEXTS), "eval_evaluator", "eval_report_date")
    }
    sheet = replace(sheet, texts=texts)
    book.values.update(
        eval_total=sheet.total.score if sheet.total else None,
        eval_grade=sheet.grade or None,
        eval_scores=dict(sheet.scores.scores),
    )
    book.recomputed.update(eval_total=sheet.scores.total, eval_grade=sheet.scores.grade)
    basic = basic_record(book, inputs[BASIC]) if BASIC in inputs else None
    revenue = revenue_record(book, inputs[REVENUE]) if REVENUE in inputs else None
    return Submission(header, basic, None, (), revenue, evaluation=sheet)


def _text_named(book: Book, name: str) -> str:
    """A text the evaluator typed into a named cell of 说明 or 评价报告文字 ("" when the name is gone)."""
    place = book.global_names.get(name)
    return "" if place is None else book.cells.text(place.first, name)


def _ref_on(book: Book, name: str, sheet: str) -> str | None:
    place = book.global_names.get(name)
    if place is None or place.sheet != sheet or ":" in place.ref:
        book.findings.append(NAME_MISSING(f"找不到名称“{name}”，或它不再指向评分表上的一个单元格"))
        return None
    return place.ref


def read_sheet(
    framework: Framework,
    cells: Cells,
    title: str,
    linked: Callable[[str], object],
    display: dict[tuple[str, str], object],
    first: int,
    last: int,
    total_ref: str | None,
    grade_ref: str | None,
) -> EvaluationSheet:
    """The rows between `first` and `last` (the eval_indicators range, wherever the user moved it), and the total
    and grade cells the names eval_total and eval_grade point at."""
    reader = _SheetReader(framework, cells, title, linked, display)
    reader.find_parts(first, last)
    leaves_by_key = {indicator.key: indicator for indicator in framework.indicators}
    inner = {node.key for node in tree(framework) if not node.is_leaf}
    leaves: list[LeafRow] = []
    subtotals: dict[str, SumRow] = {}
    pending: list[tuple[str, int]] = []  # a slot's rows (and rows inserted among them) until its own row
    for row in range(first, last + 1):
        key_raw = reader.raw(f"{KEY}{row}")
        key = "" if is_blank(key_raw) else str(key_raw).strip()
        slot, _, number = key.partition("#")
        filled = any(not is_blank(reader.raw(ref_at(k, row))) for k in ("level3", "points", "score"))
        if number and slot in leaves_by_key and leaves_by_key[slot].custom:
            pending.append((slot, row))
        elif row in reader.part_rows:  # a figure's input: read with its leaf
            continue
        elif not key and pending and filled:
            pending.append(("", row))
        elif key in leaves_by_key and key not in {leaf.indicator.key for leaf in leaves}:
            if leaves_by_key[key].custom:
                leaves.append(reader.slot(leaves_by_key[key], row, pending))
            else:
                leaves.append(reader.leaf(leaves_by_key[key], row))
            pending = []
        elif key in inner and key not in subtotals:
            subtotals[key] = reader.sum_row(key, row)
        elif filled:
            reader.foreign_row(row)
    for _slot, row in pending:  # a slot's rows whose own row is gone
        reader.foreign_row(row)
    found = {leaf.indicator.key for leaf in leaves}
    for indicator in framework.indicators:
        if indicator.key not in found:
            cells.findings.append(
                EVAL_ROW_MISSING(
                    f"评分表中找不到指标“{indicator.key}”的行（最右一列的指标路径被改动或整行被删除）", CellRef(title)
                )
            )
    total = None
    if total_ref and re.fullmatch(r"I\d+", total_ref):
        total = reader.sum_row("总分", int(total_ref[1:]), fixed_points=framework.not_applicable == NA_PRORATE)
    elif total_ref:
        cells.findings.append(
            NAME_BROKEN(f"名称“eval_total”应指向评分表“得分”一列的总分，而不是 {total_ref}", reader.at(total_ref))
        )
    grade = None
    if grade_ref and total_ref:
        grade = reader.computed(
            grade_ref,
            (grade_formula(framework, total_ref),),
            lambda: "" if total is None or total.score is None else grade_of(framework, total.score),
            "等级",
            TEXT,
        ).value
    for row in reader.foreign_rows:
        cells.findings.append(EVAL_ROW_UNKNOWN(reader.foreign_message(row, subtotals, total), reader.at(f"C{row}")))
    scores = score_tree(
        framework,
        {leaf.indicator.key: leaf.score for leaf in leaves},
        [leaf.indicator.key for leaf in leaves if leaf.not_applicable],
        [leaf.indicator.key for leaf in leaves if leaf.not_chosen],
    )
    return EvaluationSheet(
        framework,
        title,
        tuple(leaves),
        subtotals,
        total,
        "" if is_blank(grade) else str(grade).strip(),
        scores,
        where={"grade": reader.at(grade_ref)} if grade_ref else {},
    )


class _SheetReader(SheetCells):
    """The 评分表's rows: which formula is the template's and what it computes; the core says what each shows."""

    def leaf(self, indicator: EvalIndicator, row: int) -> LeafRow:
        what = indicator.key
        value_ref, score_ref = ref_at("value", row), ref_at("score", row)
        raw_score = self.raw(score_ref)
        # 不适用 or 未选用, exactly as the sums' SUMIF/COUNTIF match them (“ 不适用” is not counted there: said so)
        word = raw_score.strip() if isinstance(raw_score, str) else ""
        marked = word in (NOT_APPLICABLE, NOT_CHOSEN)
        a, b = self.figure(indicator, row, 0), self.figure(indicator, row, 1)
        counted = False  # whether the plain formula's ISNUMBER sees a number in the 指标值
        data_value = _data_value(indicator, a, b)
        # a target row's 指标值 is a formula in the PE_* flavour only: plain formulas cannot read “100场以上”
        formulas = (UDF,) if indicator.from_target else (UDF, NATIVE)
        figured = indicator.value is not None or indicator.from_target
        templates = tuple(value_formula(indicator, row, f) for f in formulas) if figured else ()
        # a target row of the PE_* flavour (its score is PE_EVALSCORE) has its 指标值 formula: typed over, it says so
        udf_row = self.is_template(ref_at("score", row), (score_formula(indicator, row, UDF),))
        if indicator.value is not None or (
            indicator.from_target and (udf_row or self.is_template(value_ref, templates))
        ):
            kind = RATE if percent_value(indicator) else None  # a rate's messages show it as a percentage
            shown = self.computed(value_ref, templates, lambda: _figure_value(indicator, a, b), f"{what} 指标值", kind)
            value, counted = self.value_of(shown, value_ref, f"{what} 指标值"), shown.counted
        elif indicator.computed:
            value = self.cells.typed(self.at(value_ref), None, f"{what} 指标值")
            counted = is_number(self.raw(value_ref))
        else:
            value = None
        standard = None
        if marked:  # its figures still show; the score counts as the framework says
            score, typed = None, True
            if word == NOT_CHOSEN:
                self.refuse_not_chosen(indicator, score_ref, raw_score != NOT_CHOSEN)
            else:
                self.refuse_not_applicable(indicator, score_ref, raw_score != NOT_APPLICABLE)
        elif indicator.computed:
            udf_template = score_formula(indicator, row, UDF)
            templates = (udf_template, score_formula(indicator, row, NATIVE))
            # the plain formula scores only a number (ISNUMBER): a 指标值 typed as text leaves it blank there
            scored = value if value == DASH or counted or self.is_template(score_ref, (udf_template,)) else None
            # a blank 指标值 leaves the score blank in both flavours; only "—" (no value) takes the rule's no_value
            standard = None if scored is None else standard_score(indicator, None if scored == DASH else scored)
            shown = self.computed(score_ref, templates, lambda: as_cell(standard), f"{what} 得分")
            score = self.number(shown.value, score_ref, f"{what} 得分")
            typed = shown.state != TEMPLATE and not is_blank(shown.raw)
        else:
            score = self.cells.typed(self.at(score_ref), None, f"{what} 得分")
            typed = score is not None
        rate_ref, rate = ref_at("value", row), None
        if shows_rate(indicator):
            points = D(self.shown(ref_at("points", row)))
            points = points if isinstance(points, Decimal) else None
            shown = self.computed(
                rate_ref,
                (rate_formula(row), leaf_rate_formula(row)),
                lambda: as_cell(rate_of(score, points)),
                f"{what} 得分率",
                RATE,
            )
            rate = self.number(shown.value, rate_ref, f"{what} 得分率")
        return LeafRow(
            indicator,
            a,
            b,
            value,
            standard,
            score,  # type: ignore[arg-type]
            typed,
            self.cells.text(self.at(ref_at("reason", row)), f"{what} 扣分原因"),
            self.shown(ref_at("points", row)),
            data_value,
            rate,  # type: ignore[arg-type]
            where={column: self.at(ref_at(column, row)) for column in ("points", "a", "b", "value", "score", "reason")}
            | {"rate": self.at(rate_ref)},
            not_applicable=raw_score == NOT_APPLICABLE and self.framework.not_applicable is not None,
            # the sheet's 分值 sums leave it out wherever the framework has alternatives (a wrong one is named)
            not_chosen=raw_score == NOT_CHOSEN and bool(self.framework.choices),
            parts=(
                tuple(self.part_values.get((indicator.key, 0), ())),
                tuple(self.part_values.get((indicator.key, 1), ())),
            ),
        )

    def find_parts(self, first: int, last: int) -> None:
        """The rows holding the inputs of figures built from several (their helper key “…#a2”), wherever they are."""
        wanted = {
            part_key(indicator.key, index, number): (indicator.key, index, number)
            for indicator in self.framework.indicators
            if indicator.value is not None
            for index in (0, 1)
            for number in range(1, len(indicator.value.parts[index]) + 1)
        }
        for row in range(first, last + 1):
            key = self.raw(f"{KEY}{row}")
            if isinstance(key, str) and key.strip() in wanted and wanted[key.strip()] not in self.parts:
                self.parts[wanted[key.strip()]] = row
                self.part_rows.add(row)

    def composite(self, indicator: EvalIndicator, index: int, ref: str, what: str) -> Decimal | None:
        """A figure built from its inputs: each read where its row is; the formula recognised with those rows."""
        assert indicator.value is not None
        column = ("a", "b")[index]
        rows, values, counted = [], [], False
        for number, part in enumerate(indicator.value.parts[index], start=1):
            row = self.parts.get((indicator.key, index, number))
            if row is None:  # its row is gone: the figure counts by what its cell shows
                return self.number(self.computed(ref, (), lambda: None, what).value, ref, what)
            rows.append(row)
            value = self.typed_figure(indicator, index, ref_at(column, row), f"{indicator.key} {part.name}")
            values.append(None if value is None else part.sign * value)
            # COUNT sees numbers only: inputs all stored as text leave the figure blank, as the formula shows
            counted = counted or summed_number(self.raw(ref_at(column, row))) is not None
            self.part_values.setdefault((indicator.key, index), []).append((part.words, value))
        total = sum((v for v in values if v is not None), Decimal(0)) if counted else None
        signs = [part.sign for part in indicator.value.parts[index]]
        shown = self.computed(ref, (parts_formula(column, rows, signs),), lambda: as_cell(total), what)
        return self.number(shown.value, ref, what)

    def refuse_not_chosen(self, indicator: EvalIndicator, score_ref: str, padded: bool) -> None:
        """未选用 on an indicator that is no alternative, or written with spaces around it: one finding."""
        if not indicator.choice:
            problem = "但它不是可选的指标（指标体系没有把它列为二者择其一等），必须评分"
        elif padded:
            problem = "前后多了空格：表上的合计只认只写“未选用”三个字的单元格"
        else:
            return
        self.cells.findings.append(
            CHOICE_MISMATCH(
                f"{indicator.key}：得分写的是“{shown_text(str(self.raw(score_ref)), 20)}”，{problem}",
                self.at(score_ref),
            )
        )

    def refuse_not_applicable(self, indicator: EvalIndicator, score_ref: str, padded: bool) -> None:
        """不适用 where the framework says nothing of it, or written with spaces around it: one finding; the sums do
        not count it, nor does the tree."""
        if padded and self.framework.not_applicable is not None:
            self.cells.findings.append(
                NOT_APPLICABLE_REFUSED(
                    f"{indicator.key}：得分写的是“{shown_text(str(self.raw(score_ref)), 20)}”，前后多了空格："
                    "表上的合计只认只写“不适用”三个字的单元格，没有计入它；请删去空格",
                    self.at(score_ref),
                )
            )
        elif self.framework.not_applicable is None:
            self.cells.findings.append(
                NOT_APPLICABLE_REFUSED(
                    f"{indicator.key}：得分写了“不适用”，但评价指标体系“{self.framework.name}”没有规定不适用的指标如何"
                    "计分，表上的合计不计入它；请按评分标准打分",
                    self.at(score_ref),
                )
            )

    def slot(self, indicator: EvalIndicator, row: int, pending: list[tuple[str, int]]) -> LeafRow:
        """A slot of 部门特性指标 at its own row: the rows its SUM adds up are its indicators (rows inserted among
        them too, as Excel grows the range); others of its rows outside that range are not counted anywhere."""
        summed = sum_refs(self.raw(ref_at("score", row)))
        in_range = {int(ref[1:]) for ref in summed.cells} if summed else {r for key, r in pending if key}
        rows = []
        for _key, pending_row in pending:
            if pending_row in in_range:
                rows.append(self.custom_row(indicator, pending_row))
            elif any(not is_blank(self.raw(ref_at(k, pending_row))) for k in ("level3", "points", "score")):
                self.foreign_row(pending_row)
        own = self.sum_row(indicator.key, row)
        where = {"points": own.at("points"), "score": own.at("score"), "rate": own.at("rate")}
        return LeafRow(
            indicator,
            None,
            None,
            None,
            None,
            own.score,
            own.typed,
            "",
            own.points,
            rate=own.rate,
            custom=tuple(rows),
            where={key: cell for key, cell in where.items() if cell is not None},
        )

    def custom_row(self, indicator: EvalIndicator, row: int) -> CustomRow:
        """One 部门特性指标 as the evaluator set it."""
        what = f"{indicator.key} 第 {row} 行"
        at = {column: self.at(ref_at(column, row)) for column in ("level3", "points", "standard", "score", "reason")}
        return CustomRow(
            self.cells.text(at["level3"], f"{what} 名称"),
            self.cells.typed(at["points"], None, f"{what} 分值"),
            self.cells.text(at["standard"], f"{what} 评分标准"),
            self.cells.typed(at["score"], None, f"{what} 得分"),
            self.cells.text(at["reason"], f"{what} 扣分原因"),
            where={"name": at["level3"], "points": at["points"], "score": at["score"], "reason": at["reason"]},
        )

    def figure(self, indicator: EvalIndicator, row: int, index: int) -> object:
        """数据A or 数据B: linked from 附件1/收支预决算, typed, a checklist's items met, or a count of findings."""
        ref = ref_at(("a", "b")[index], row)
        spec = indicator.value
        what = f"{indicator.key} {('数据A', '数据B')[index]}"
        if indicator.from_target:  # the unit's target and what it achieved, as texts
            return self.cells.text(self.at(ref), what)
        if spec is not None and spec.parts[index]:
            return self.composite(indicator, index, ref, what)
        if spec is not None and spec.sources:
            name = spec.sources[index]
            shown = self.computed(ref, (link_formula(name),), lambda: as_cell(self.linked(name)), what)
            return self.number(shown.value, ref, what)
        if isinstance(indicator.rule, ChecklistRule) or (
            isinstance(indicator.rule, FindingsRule) and indicator.rule.kinds
        ):
            return self.cells.text(self.at(ref), what)  # items met (“1、3”), or findings kind by kind (“1、0、2”)
        if spec is None and not isinstance(indicator.rule, FindingsRule):
            return None
        return self.typed_figure(indicator, index, ref, what)

    def typed_figure(self, indicator: EvalIndicator, index: int, ref: str, what: str) -> Decimal | None:
        """数据A or 数据B (or one of its inputs) as typed. One counted in whole things (人, 项, 场) is named by
        附件1's rule for 人数 when it is a fraction or negative, yet still read: the sheet's formulas use it."""
        figure = self.cells.typed(self.at(ref), None, what)
        problem = implausible_number(figure, COUNT, None) if isinstance(figure, Decimal) else None
        spec = indicator.value
        if problem and spec is not None and unit_kind(spec.units()[index]) == COUNT:
            self.cells.findings.append(NUMBER_UNREADABLE(f"{what}：{problem}", self.at(ref)))
        return figure  # type: ignore[return-value]


def _figure_value(indicator: EvalIndicator, a: object, b: object) -> object:
    """The 指标值 cell for two figures: blank until both are there, "—" with no denominator (or, for a target,
    when the evaluator must judge it)."""
    if a is None or b is None or (indicator.from_target and (is_blank(a) or is_blank(b))):
        return ""
    try:
        value = evaluate_value(indicator, a, b)
    except ArithmeticError:
        value = None
    return DASH if value is None else float(value)


def _data_value(indicator: EvalIndicator, a: object, b: object) -> object:
    """The 指标值 数据A and 数据B give: a number, "—" without a denominator, None without both figures (or when a
    target's completion is the evaluator's to judge)."""
    if indicator.from_target:
        return evaluate_value(indicator, a, b)
    if indicator.value is None or not isinstance(a, Decimal) or not isinstance(b, Decimal):
        return None
    try:
        value = evaluate_value(indicator, a, b)
    except (ArithmeticError, NumberError):
        return None
    return DASH if value is None else value
