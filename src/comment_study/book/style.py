"""One style for every figure and table in the book: colour-blind-safe, readable, deterministic.

:func:`apply` sets the figures' matplotlib style and the way pandas shows numbers in a table
(:func:`readable_number`), so that no table a reader sees prints a count as ``4.00`` or a share
as ``0.209677``.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import pandas as pd

from comment_study.coding.palette import ACCENT, MAIN, MUTED, NEGATIVE_COLOUR, OKABE_ITO  # noqa: F401  (the figures' colours)


FIGURE_WIDTH = 4.4
"""Inches: the width a figure is drawn at, about what a phone shows (390 px less the margins) scaled by 1.35."""
DPI = 110
MIN_FONT = 12
"""Points: the smallest text in any figure. Drawn FIGURE_WIDTH wide at DPI and shown 358 px wide on a
390-px phone, 12 pt is 13.6 px on screen, above 80% of the 16-px body text. A figure that must be
wider (a heatmap) is shown at full size in a box that scrolls sideways, never shrunk."""
TITLE_FONT = 13


def readable_number(x: float) -> str:
    """A float as a reader wants it in a table: whole numbers without decimals, others to two, tiny ones bounded.

    ``4.0`` -> ``4``; ``0.209677`` -> ``0.21``; ``-429.7758`` -> ``-429.8``; ``0.000072`` -> ``< 0.001``.
    """
    if math.isnan(x):
        return "–"
    if x == int(x) and abs(x) >= 2:
        return f"{int(x):,}"
    if 0 < abs(x) < 0.001:
        return "< 0.001" if x > 0 else "> −0.001"
    return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.1f}"


def readable_table(table: pd.DataFrame) -> pd.DataFrame:
    """A table for readers: list cells (codes, comment ids) as comma-separated text, missing values as a dash."""
    def cell(value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) or "–"
        return "–" if value is pd.NA or (isinstance(value, float) and math.isnan(value)) else value

    return table.map(cell)


def apply() -> None:
    """Set the book's figure style and table number format (call once, in a chapter's hidden setup cell)."""
    pd.set_option("display.float_format", readable_number)
    pd.set_option("display.max_colwidth", None)  # a table's text is never cut with "..."
    mpl.rcParams.update({
        "figure.figsize": (FIGURE_WIDTH, 3.2),
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "font.size": MIN_FONT,
        "axes.titlesize": TITLE_FONT,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": MIN_FONT,
        "xtick.labelsize": MIN_FONT,
        "ytick.labelsize": MIN_FONT,
        "legend.fontsize": MIN_FONT,
        "legend.title_fontsize": MIN_FONT,
        "figure.titlesize": TITLE_FONT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=OKABE_ITO),
        "axes.grid": True,
        "axes.grid.axis": "x",
        "grid.color": "#dddddd",
        "legend.frameon": False,
        "svg.hashsalt": "comment-study",
        "image.cmap": "cividis",
    })


def wrap_titles(fig: plt.Figure) -> None:
    """Break a title that is wider than its figure onto several lines (titles state findings, so they run long)."""
    width_pt = fig.get_figwidth() * 72
    titles = [t for ax in fig.axes for t in (ax._left_title, ax.title, ax._right_title)]
    titles += [fig._suptitle] if fig._suptitle is not None else []
    for title in titles:
        text = title.get_text()
        if text and "\n" not in text:
            per_line = max(20, int(width_pt / (0.56 * title.get_fontsize())))
            title.set_text(textwrap.fill(text, per_line))


def smallest_text(fig: plt.Figure) -> float:
    """The size in points of the smallest visible text in a figure (ticks, labels, annotations, legends)."""
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(mpl.text.Text) if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def finish(fig: plt.Figure) -> plt.Figure:
    """Wrap long titles and lay a figure out tightly (unless it has a layout engine); return it for a cell to end with."""
    wrap_titles(fig)
    if fig.get_layout_engine() is None:
        widen_for_labels(fig)
        fig.tight_layout()
    return fig


def widen_for_labels(fig: plt.Figure, plot_width: float = 2.4) -> None:
    """Widen a figure whose row labels leave its plot less than ``plot_width`` inches (long code labels).

    Text is never shrunk to fit: a figure that ends up wider than a phone is shown at a readable
    scale in a box that scrolls sideways (the book's script), rather than scaled down.
    """
    renderer = fig.canvas.get_renderer()
    widest = max((label.get_window_extent(renderer).width / fig.dpi
                  for ax in fig.axes for label in ax.get_yticklabels() if label.get_text()), default=0.0)
    if widest + plot_width + 0.6 > fig.get_figwidth():
        fig.set_figwidth(widest + plot_width + 0.6)
