"""The only matplotlib importer: the report's two charts as PNG bytes, drawn with a Chinese font found on the system.

Without a CJK font a chart would show empty boxes instead of 汉字, so then there is no chart (None) and the
report keeps its tables and sentences.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no screen: draw into memory

from matplotlib import font_manager
from matplotlib import pyplot as plt

# Preferred first: Windows and macOS office fonts, then the Linux families Debian packages.
CJK_FONTS = (
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
)
BUDGET_COLOR, FINAL_COLOR, PREVIOUS_COLOR = "#9DB4D3", "#2F5597", "#BFBFBF"


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first Chinese-capable font family installed, or None.

    matplotlib keeps the font list it made on first use in a cache; a Chinese font installed later (say
    fonts-noto-cjk after the first report) is not in it. So when the list has none, the system's font files
    are listed again (through fontconfig) and those the list lacks are added before giving up.
    """
    return _first_cjk_font() or (_first_cjk_font() if _add_fonts_installed_since_cached() else None)


def _first_cjk_font() -> str | None:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _add_fonts_installed_since_cached() -> bool:
    """Add to matplotlib's font list the system fonts it does not know yet; True when there were any."""
    known = {font.fname for font in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        if path in known:
            continue
        try:
            font_manager.fontManager.addfont(path)
            added = True
        except Exception:  # a damaged font file is skipped, as matplotlib's own scan does
            continue
    return added


def _bars(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[Decimal | None], str]], unit: str
) -> bytes | None:
    font = cjk_font()
    if font is None or not labels:
        return None
    plt.rcParams["font.family"] = font
    plt.rcParams["axes.unicode_minus"] = False
    figure, axes = plt.subplots(figsize=(6.3, 3.2), dpi=150)
    width = 0.8 / len(series)
    for index, (name, values, color) in enumerate(series):
        positions = [i + (index - (len(series) - 1) / 2) * width for i in range(len(labels))]
        heights = [float(v) if v is not None else 0.0 for v in values]
        bars = axes.bar(positions, heights, width=width * 0.95, label=name, color=color)
        for bar, value in zip(bars, values, strict=True):
            if value is not None:
                axes.annotate(
                    f"{value:,.2f}",
                    (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    xytext=(0, 1),
                    textcoords="offset points",
                )
    axes.set_xticks(range(len(labels)), labels, fontsize=9)
    axes.set_ylabel(unit, fontsize=9)
    axes.set_title(title, fontsize=11)
    axes.legend(fontsize=8, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def budget_and_execution(
    labels: Sequence[str], budgets: Sequence[Decimal | None], finals: Sequence[Decimal | None]
) -> bytes | None:
    """预算与执行 by expenditure type (万元)."""
    return _bars(
        "各类支出预算与执行情况", labels, [("预算数", budgets, BUDGET_COLOR), ("决算数", finals, FINAL_COLOR)], "万元"
    )


def this_year_and_last(
    labels: Sequence[str], previous: Sequence[Decimal | None], current: Sequence[Decimal | None]
) -> bytes | None:
    """“三公”经费 this year against last year (万元)."""
    return _bars(
        "“三公”经费本年与上年对比",
        labels,
        [("上年决算数", previous, PREVIOUS_COLOR), ("本年决算数", current, FINAL_COLOR)],
        "万元",
    )
