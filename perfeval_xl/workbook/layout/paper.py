"""The 评分表 on paper: row heights for wrapped text, vertical labels that fit their rows, and page breaks that keep
each group of rows (a 二级 group with its 小计) on one page with its label."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

POINTS_PER_LINE = 14  # a line of the sheet's 9-point text, wrapped
DEFAULT_HEIGHT = 15.0  # a row without a height of its own
MAX_HEIGHT = 409.0  # Excel's tallest row
VERTICAL_POINTS_PER_CHARACTER = 15  # a character of an 11-point bold label written top to bottom

# A4 landscape, 595 points tall, less the top and bottom margins (0.5 and 0.6 inch) and a little for the footer:
# what a page holds as Excel prints the sheet fitted to the page's width (about 100 %: the columns are about as wide
# as the page). LibreOffice without Calibri measures columns wider, fits them at about 70 % and so holds more rows
# a page: the breaks made for Excel come first there too, so no group is split in either; LibreOffice's pages are
# only emptier.
PAGE_POINTS = 490.0


def lines_height(lines: int) -> float:
    """A row's height for `lines` lines of the sheet's 9-point text."""
    return float(min(MAX_HEIGHT, POINTS_PER_LINE * lines + 4))


def text_lines(text: str, per_line: int) -> int:
    """How many lines `text` takes in a column holding `per_line` characters."""
    return max(1, -(-len(text) // per_line))


def label_height(label: str) -> float:
    """The height a vertical label needs to be read whole."""
    return float(VERTICAL_POINTS_PER_CHARACTER * len(label) + 6)


def fit_vertical_labels(
    heights: Mapping[int, float], labels: Iterable[tuple[str, Sequence[int], int]]
) -> dict[int, float]:
    """Heights where each vertical label (text, the rows it spans, the row to grow) fits: a short group's last leaf
    row grows rather than the label being cut off."""
    fitted = dict(heights)
    for label, rows, grow in labels:
        short = label_height(label) - sum(fitted.get(row, DEFAULT_HEIGHT) for row in rows)
        if short > 0:
            fitted[grow] = min(MAX_HEIGHT, fitted.get(grow, DEFAULT_HEIGHT) + short)
    return fitted


def page_breaks(
    units: Sequence[tuple[int, int]], heights: Mapping[int, float], first_page_used: float, heading: float
) -> tuple[int, ...]:
    """The rows after which a page ends, so that no unit (first row, last row) is split when it fits on a page: a
    unit that does not fit in what is left of the page starts the next one (which repeats the heading row). One
    taller than a page starts a page too: it is split once, where it must, and a program that fits more on a page
    (LibreOffice) keeps it whole."""
    breaks: list[int] = []
    used, placed = first_page_used, False  # placed: a unit is on this page already (a page never holds only headings)
    for first, last in units:
        height = sum(heights.get(row, DEFAULT_HEIGHT) for row in range(first, last + 1))
        if used + height > PAGE_POINTS and placed:
            breaks.append(first - 1)
            used = heading
        used, placed = used + height, True
        while used > PAGE_POINTS:  # a unit taller than a page runs over: the next page starts under its heading
            used = heading + used - PAGE_POINTS
    return tuple(breaks)
