"""Layout formulas as Excel formula text: the PE_* flavour, and the native one in plain Excel functions."""

from __future__ import annotations

from collections.abc import Mapping

from perfeval_xl.workbook.layout.base import (
    EXCEL,
    MONTH,
    SUM,
    TITLE,
    UDF,
    UNIT,
    Block,
    Cell,
    Col,
    Here,
    Ref,
    SheetLayout,
)


def _a1(letter: str, row: int) -> str:
    return f"{letter}{row}"


class Renderer:
    """Renders layout formulas as Excel formula text, with this sheet's coordinates."""

    def __init__(self, sheet: SheetLayout, flavour: str):
        self.sheet, self.flavour = sheet, flavour
        self.named = sheet.named()

    def arg(self, arg: object, row: int | None, block_top: Mapping[str, int]) -> str:
        if isinstance(arg, Ref):
            cell = self.named.get(arg.name)
            return cell.ref if cell else arg.name  # a name from another sheet (rule_set) stays a name
        if isinstance(arg, Col):
            table = self.sheet.table(arg.table)
            letter = table.column(arg.column).letter
            return f"{letter}{table.first_row}:{letter}{table.last_row}"
        if isinstance(arg, Here):
            return _a1(self._letter(arg.column), row or 0)
        if isinstance(arg, Block):
            return _a1(self._letter(arg.column), block_top.get(arg.column, row or 0))
        raise TypeError(arg)

    def _letter(self, column: str) -> str:
        for table in self.sheet.tables:
            for c in table.columns:
                if c.key == column:
                    return c.letter
        raise KeyError(column)

    def formula(self, cell: Cell, row: int | None = None, block_top: Mapping[str, int] | None = None) -> str | None:
        formula = cell.formula
        assert formula is not None
        if formula.function == TITLE:
            return f'=IF(fiscal_year="","",fiscal_year&"年度")&"{cell.text}"'
        if formula.function == UNIT:
            return '=unit_name&""'
        if formula.function == MONTH:
            return f'=IF(ISNUMBER(monitor_month),"1-"&monitor_month&"月","1-X月")&"{cell.text}"'
        if formula.function == EXCEL:  # the 评分表 renders its own (layout/evaluation.py)
            return cell.text
        args = [self.arg(a, row, block_top or {}) for a in formula.args]
        if formula.function == SUM:
            joined = ",".join(args)
            return f'=IF(COUNT({joined})=0,"",SUM({joined}))'
        if self.flavour == UDF:
            return f"={formula.function}({','.join(args)})"
        return _native(formula.function, args)


def _native(function: str, args: list[str]) -> str | None:
    """The same computation in plain Excel functions, for office suites without Python; scores have none."""
    if function in ("PE_CONTROLRATE", "PE_EXECRATE", "PE_SHARE"):
        a, b = args
        return f'=IF(OR({a}="",N({b})=0),"—",{a}/{b})'
    if function in ("PE_DIFFRATE", "PE_CHANGERATE", "PE_ADJRATE"):
        a, b = args
        return f'=IF(OR({a}="",{b}="",N({b})=0),"—",({a}-{b})/{b})'
    if function == "PE_CHANGE":
        a, b = args
        return f'=IF(OR({a}="",{b}=""),"—",{a}-{b})'
    if function == "PE_EXECSCORE":
        executed, budget, weight = args[:3]
        return f'=IF(OR({executed}="",N({budget})=0,{weight}=""),"—",MIN({weight},{weight}*MAX(0,{executed}/{budget})))'
    if function == "PE_PROGRESS":  # nested: AND() evaluates every argument, and INT("abc") would show #VALUE!
        (m,) = args
        return f'=IF({m}="","",IF(ISNUMBER({m}),IF(AND({m}>=1,{m}<=12,{m}=INT({m})),{m}/12,"—"),"—"))'
    if function == "PE_GAP":
        rate, progress = args
        return (
            f'=IF(OR({rate}="",{progress}=""),"",IF(AND(ISNUMBER({rate}),ISNUMBER({progress})),{rate}-{progress},"—"))'
        )
    return None  # TYPED_IN_NATIVE: typed by the accountant, verified by perfeval check


TYPED_IN_NATIVE = frozenset({"PE_SCORE", "PE_TOTAL", "PE_GRADE", "PE_TARGETOP", "PE_REACHES"})
